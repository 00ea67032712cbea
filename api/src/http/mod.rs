//! HTTP routes and middleware: GraphQL over HTTP (with multipart uploads), GraphiQL,
//! health, the view beacon, and photo files under `/media`.

mod client_address;
mod graphql;
mod health;
mod media;
mod request_log;
pub mod response_cache;
mod views;

use poem::{Endpoint, EndpointExt, Route, get, post};
use sea_orm::DatabaseConnection;

use crate::graphql::KronikaSchema;
use crate::views::ViewCounter;

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
    /// The largest uploaded file accepted in a multipart request.
    pub upload_max_bytes: usize,
    pub media: crate::storage::MediaStore,
}

/// All routes of the server, with the request log around them.
pub fn routes(state: HttpState) -> impl Endpoint {
    Route::new()
        .at(
            "/graphql",
            get(graphql::graphql_get).post(graphql::graphql_post),
        )
        .at("/media/originals/:hash", get(media::original))
        .at("/media/:hash/:file", get(media::rendition))
        .at("/health", get(health::health))
        .at("/api/views/:article_id", post(views::view_beacon))
        .data(state)
        .with(request_log::RequestLog::quiet_under(VIEW_BEACON_PREFIX))
}
