//! `GET /metrics`: the Prometheus text format. Gauges of state (the database pool, views
//! waiting in memory) are read here, at scrape time, so serving requests costs nothing
//! for them.

use poem::http::StatusCode;
use poem::web::Data;
use poem::{IntoResponse, Response, handler};
use sea_orm::DatabaseBackend;

use super::HttpState;

#[handler]
pub async fn metrics(Data(state): Data<&HttpState>) -> Response {
    let Some(handle) = &state.metrics else {
        return StatusCode::NOT_FOUND.into_response();
    };
    record_pool(&state.db);
    crate::metrics::views_pending(state.views.pending_views());
    Response::builder()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .header(poem::http::header::CACHE_CONTROL, "no-store")
        .body(handle.render())
}

fn record_pool(db: &sea_orm::DatabaseConnection) {
    match db.get_database_backend() {
        DatabaseBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            crate::metrics::database_pool(
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            );
        }
        DatabaseBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            crate::metrics::database_pool(
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            );
        }
        _ => {}
    }
}
