//! `POST /api/views/{articleId}`: the view beacon a page (or `navigator.sendBeacon`) calls.
//!
//! It always answers `204 No Content` with no body, whatever became of the view (counted,
//! a repeat, a bot, an unknown or unpublished article, a malformed id), so that it tells
//! a caller nothing about which articles exist; only an address over its rate limit gets
//! `429` with `Retry-After`. The request body is ignored. POST keeps
//! crawlers and link prefetchers, which follow GET links, from counting.

use poem::http::{StatusCode, header};
use poem::web::{Data, Path};
use poem::{Request, Response, handler};

use super::HttpState;
use super::client_address::{client_address, user_agent};
use kronika_core::views::Reader;

use crate::graphql::error::ErrorCode;

#[handler]
pub async fn view_beacon(
    request: &Request,
    Path(article_id): Path<String>,
    Data(state): Data<&HttpState>,
) -> Response {
    let address = client_address(request, state.trust_proxy);
    if let Err(retry_after) = state.rate_limits.view_beacons.check(address) {
        crate::metrics::rate_limited("view_beacon");
        // The beacon answers no body, but its status comes from the error table like
        // every other refusal's.
        return Response::builder()
            .status(ErrorCode::RateLimited.http_status())
            .header(header::RETRY_AFTER, retry_after.seconds())
            .header(header::CACHE_CONTROL, "no-store")
            .finish();
    }
    if let Ok(article_id) = article_id.parse::<i64>() {
        let reader = Reader::new(address, user_agent(request));
        if let Err(error) = state.views.record(article_id, &reader).await {
            // Only the article's status could not be read; the reader is not logged.
            tracing::warn!(%error, article_id, "a view could not be checked and was not counted");
        }
    }
    Response::builder()
        .status(StatusCode::NO_CONTENT)
        .header(header::CACHE_CONTROL, "no-store")
        .finish()
}
