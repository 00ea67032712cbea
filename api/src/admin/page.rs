//! Responses of the editors' application: HTML pages with their security headers, and
//! redirects after a form is handled (post/redirect/get).

use maud::Markup;
use poem::Response;
use poem::http::{StatusCode, header};

/// No script or style from anywhere but our own assets, nothing inline, no framing.
/// Images may come from our own media routes and from `blob:` (upload previews).
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
    style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; font-src 'self'; \
    form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// A rendered page. Pages show drafts and accounts: no cache may keep them.
pub fn html(status: StatusCode, markup: Markup) -> Response {
    with_security_headers(Response::builder().status(status))
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .body(markup.into_string())
}

/// `303 See Other` to `location`, the answer to a handled form.
pub fn see_other(location: &str) -> Response {
    with_security_headers(Response::builder().status(StatusCode::SEE_OTHER))
        .header(header::LOCATION, location)
        .finish()
}

fn with_security_headers(builder: poem::ResponseBuilder) -> poem::ResponseBuilder {
    builder
        .header(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY)
        .header(header::CACHE_CONTROL, "no-store")
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .header(header::X_FRAME_OPTIONS, "DENY")
        .header(header::REFERRER_POLICY, "same-origin")
}

/// `503` when a screen cannot read or write what it needs; the cause is logged with what
/// failed, never sent.
pub fn unavailable(error: &dyn std::fmt::Display, what: &str) -> Response {
    tracing::error!(%error, "{what}");
    StatusCode::SERVICE_UNAVAILABLE.into()
}
