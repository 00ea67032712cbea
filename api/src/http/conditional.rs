//! Conditional GET: whether a request already holds the current version of an answer.

use poem::Request;
use poem::http::header;

/// Whether the request's `If-None-Match` names `etag` (weakly compared, as RFC 9110 wants
/// for `If-None-Match`) or is `*`.
pub(crate) fn etag_matches(request: &Request, etag: &str) -> bool {
    request
        .headers()
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|candidate| {
            let candidate = candidate.trim();
            candidate == "*" || candidate.trim_start_matches("W/") == etag
        })
}
