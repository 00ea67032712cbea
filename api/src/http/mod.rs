//! HTTP routes and middleware: GraphQL over HTTP, GraphiQL, health.

mod graphql;
mod health;
pub mod response_cache;

use poem::middleware::SizeLimit;
use poem::{Endpoint, EndpointExt, Route, get};
use sea_orm::DatabaseConnection;

use crate::graphql::KronikaSchema;

/// The largest JSON request body accepted on `/graphql`; queries are a few KiB at most.
const MAX_GRAPHQL_BODY_BYTES: usize = 1024 * 1024;

/// What the handlers share.
#[derive(Clone)]
pub struct HttpState {
    pub schema: KronikaSchema,
    pub db: DatabaseConnection,
    pub response_cache: response_cache::ResponseCache,
}

/// All routes of the server.
pub fn routes(state: HttpState) -> impl Endpoint {
    Route::new()
        .at(
            "/graphql",
            get(graphql::graphql_get)
                .post(graphql::graphql_post.with(SizeLimit::new(MAX_GRAPHQL_BODY_BYTES))),
        )
        .at("/health", get(health::health))
        .data(state)
}
