//! `GET /health`: the process is up and its database answers.

use poem::handler;
use poem::http::StatusCode;
use poem::web::{Data, Json};
use serde_json::{Value, json};

use super::HttpState;
use crate::db;

#[handler]
pub async fn health(Data(state): Data<&HttpState>) -> (StatusCode, Json<Value>) {
    match db::ping(&state.db).await {
        Ok(()) => (
            StatusCode::OK,
            Json(json!({"status": "ok", "database": "ok"})),
        ),
        Err(error) => {
            tracing::error!(%error, "health check: the database does not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "unavailable", "database": "unavailable"})),
            )
        }
    }
}
