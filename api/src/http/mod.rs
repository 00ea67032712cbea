//! HTTP routes and middleware: GraphQL over HTTP (with multipart uploads), GraphiQL (its
//! assets served from the binary),
//! health and readiness, metrics, the view beacon, photo files under `/media`, feeds and
//! sitemaps; CORS,
//! request ids and the request log around them.

mod client_address;
mod conditional;
pub(crate) use client_address::client_address;
mod graphiql;
mod graphql;
mod health;
mod media;
mod metrics;
pub mod persisted_queries;
mod request_log;
pub mod session_cookie;
mod syndication;
mod views;

use std::sync::Arc;

use poem::middleware::Cors;
use poem::{Endpoint, EndpointExt, Route, get, post};
use sea_orm::DatabaseConnection;

use crate::config::GraphqlLimits;
use crate::graphql::KronikaSchema;
use crate::graphql::query_budget::QueryBudget;
use crate::rate_limit::RateLimiters;
use crate::readiness::Readiness;
use kronika_core::views::ViewCounter;

/// Where view beacons are sent; requests under it are logged at `debug` only.
const VIEW_BEACON_PREFIX: &str = "/api/views/";

/// What the handlers share.
#[derive(Clone)]
pub struct HttpState {
    pub schema: KronikaSchema,
    pub db: DatabaseConnection,
    pub response_cache: kronika_core::response_cache::ResponseCache,
    /// Published content readers' requests read through (editors' never do).
    pub entity_cache: kronika_core::entity_cache::EntityCache,
    pub views: ViewCounter,
    /// Take readers' addresses from `X-Forwarded-For` (see `client_address`).
    pub trust_proxy: bool,
    pub limits: GraphqlLimits,
    pub graphiql: bool,
    pub persisted_queries: persisted_queries::PersistedQueries,
    pub rate_limits: RateLimiters,
    /// `max-age` of anonymous GET answers, in seconds (the response cache's time to live).
    pub browser_cache_seconds: u64,
    pub readiness: Readiness,
    /// `None` when `/metrics` is switched off.
    pub metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    /// The largest uploaded file accepted in a multipart request.
    pub upload_max_bytes: usize,
    pub media: kronika_core::storage::MediaStore,
    /// The public site feeds and sitemaps link to; they answer 404 without it.
    pub site: Option<Arc<crate::site::Site>>,
    /// The site's zone, in which feeds and sitemaps give their times.
    pub time_zone: chrono_tz::Tz,
    /// The prefix of media URLs (`/media` or a CDN's absolute URL).
    pub media_url: String,
    /// Feeds and sitemaps rendered at once: one (see `syndication::serve`).
    pub syndication_renders: Arc<tokio::sync::Semaphore>,
}

/// All routes of the server, with CORS (when origins are configured), request ids and
/// the request log around them.
pub fn routes(
    state: HttpState,
    admin: crate::admin::AdminState,
    cors_origins: &[String],
) -> impl Endpoint + use<> {
    let serve_metrics = state.metrics.is_some();
    let budget = Arc::new(QueryBudget::new(&state.schema.sdl(), &state.limits));
    let mut routes = Route::new()
        .at(
            "/graphql",
            get(graphql::graphql_get).post(graphql::graphql_post),
        )
        .at("/media/originals/:hash", get(media::original))
        .at("/media/attachments/:hash/:name", get(media::attachment))
        .at("/media/:hash/:file", get(media::rendition))
        .at("/feeds/rss", get(syndication::rss_feed))
        .at("/feeds/atom", get(syndication::atom_feed))
        .at("/sitemap.xml", get(syndication::sitemap))
        .at("/sitemap-news.xml", get(syndication::news_sitemap))
        .at("/health", get(health::health))
        .at("/ready", get(health::ready))
        .at("/api/views/:article_id", post(views::view_beacon))
        .nest("/admin", crate::admin::routes(admin));
    if serve_metrics {
        routes = routes.at("/metrics", get(metrics::metrics));
    }
    if state.graphiql {
        routes = routes.at(
            format!("{}:file", graphiql::ASSET_PREFIX),
            get(graphiql::asset),
        );
    }
    routes
        .data(state)
        .data(budget)
        .with_if(!cors_origins.is_empty(), cors(cors_origins))
        .with(request_log::RequestLog::quiet_under(VIEW_BEACON_PREFIX))
}

/// Browsers on the given origins may call the API and read its answers; `*` allows any.
/// Credentials (cookies) are never allowed: the API authenticates with bearer tokens.
fn cors(origins: &[String]) -> Cors {
    let cors = Cors::new()
        .allow_methods(["GET", "POST", "OPTIONS"])
        .allow_headers(["content-type", "authorization", "x-request-id"])
        .expose_headers(["etag", "x-request-id", "retry-after"])
        .allow_credentials(false)
        .max_age(600);
    if origins.iter().any(|origin| origin == "*") {
        cors
    } else {
        cors.allow_origins(origins.iter().map(String::as_str))
    }
}
