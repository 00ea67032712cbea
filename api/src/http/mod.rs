//! HTTP routes and middleware: GraphQL over HTTP, GraphiQL, health, the view beacon.

mod client_address;
mod graphql;
mod health;
mod request_log;
pub mod response_cache;
mod views;

use poem::middleware::SizeLimit;
use poem::{Endpoint, EndpointExt, Route, get, post};
use sea_orm::DatabaseConnection;

use crate::graphql::KronikaSchema;
use crate::views::ViewCounter;

/// The largest JSON request body accepted on `/graphql`; queries are a few KiB at most.
const MAX_GRAPHQL_BODY_BYTES: usize = 1024 * 1024;

/// Where view beacons are sent; requests under it are logged at `debug` only.
const VIEW_BEACON_PREFIX: &str = "/api/views/";

/// What the handlers share.
#[derive(Clone)]
pub struct HttpState {
    pub schema: KronikaSchema,
    pub db: DatabaseConnection,
    pub response_cache: response_cache::ResponseCache,
    pub views: ViewCounter,
    /// Take readers' addresses from `X-Forwarded-For` (see `client_address`).
    pub trust_proxy: bool,
}

/// All routes of the server, with the request log around them.
pub fn routes(state: HttpState) -> impl Endpoint {
    Route::new()
        .at(
            "/graphql",
            get(graphql::graphql_get)
                .post(graphql::graphql_post.with(SizeLimit::new(MAX_GRAPHQL_BODY_BYTES))),
        )
        .at("/health", get(health::health))
        .at("/api/views/:article_id", post(views::view_beacon))
        .data(state)
        .with(request_log::RequestLog::quiet_under(VIEW_BEACON_PREFIX))
}
