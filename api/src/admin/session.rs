//! Who is using the application: the session cookie, and the checks every request that
//! changes something must pass (same origin, and the session's CSRF token).

use poem::Request;
use poem::http::{StatusCode, header};

use super::AdminState;
use super::page;
pub use crate::http::session_cookie::{cookie_token, end_cookie, start_cookie};
use kronika_core::auth::IssuedToken;
use kronika_core::auth::browser_sessions::{self, BrowserSession};

/// Whether the browser is talking HTTPS to us (or to the proxy in front of us).
pub fn is_https(request: &Request, trust_proxy: bool) -> bool {
    if request.uri().scheme_str() == Some("https") {
        return true;
    }
    trust_proxy
        && request
            .headers()
            .get("x-forwarded-proto")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.rsplit(',').next())
            .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
}

/// The answer that takes a browser, just signed in with `issued`, to `location` with its
/// session cookie.
pub fn signed_in(
    request: &Request,
    trust_proxy: bool,
    issued: &IssuedToken,
    location: &str,
) -> poem::Response {
    let mut response = page::see_other(location);
    if let Ok(cookie) = start_cookie(issued, is_https(request, trust_proxy)).parse() {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// The live session of the request, if it has one.
pub async fn current(request: &Request, state: &AdminState) -> Option<BrowserSession> {
    let token = cookie_token(request)?;
    match browser_sessions::resolve(state.store.db(), token).await {
        Ok(session) => session,
        Err(error) => {
            tracing::error!(%error, "cannot look up a browser session");
            None
        }
    }
}

/// The live session, or the answer that sends the browser to the login page (and back
/// here afterwards).
pub async fn require(
    request: &Request,
    state: &AdminState,
) -> Result<BrowserSession, poem::Response> {
    match current(request, state).await {
        Some(session) => Ok(session),
        None => {
            let back = request
                .uri()
                .path_and_query()
                .map_or("/admin/", |path| path.as_str());
            let next: String = form_urlencoded::byte_serialize(back.as_bytes()).collect();
            Err(page::see_other(&format!("/admin/login?next={next}")))
        }
    }
}

/// Whether the request came from a page of this server. Browsers say where a request
/// came from in `Sec-Fetch-Site` and `Origin`; a request another site makes the browser
/// send says so there. A client that sends neither is let through to the CSRF token.
pub fn from_same_origin(request: &Request) -> bool {
    let headers = request.headers();
    if let Some(site) = headers
        .get("sec-fetch-site")
        .and_then(|value| value.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    let Some(origin) = headers
        .get(header::ORIGIN)
        .and_then(|value| value.to_str().ok())
    else {
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    origin
        .split_once("://")
        .is_some_and(|(_, origin_host)| !host.is_empty() && origin_host == host)
}

/// The checks of a request that changes something: a live session, from our own pages,
/// with the session's CSRF token (a form field or the `X-CSRF-Token` header).
pub async fn require_for_change(
    request: &Request,
    state: &AdminState,
    form_token: Option<&str>,
) -> Result<BrowserSession, poem::Response> {
    let session = require(request, state).await?;
    let offered = form_token.or_else(|| {
        request
            .headers()
            .get("x-csrf-token")
            .and_then(|value| value.to_str().ok())
    });
    let genuine =
        from_same_origin(request) && offered.is_some_and(|token| session.accepts_csrf_token(token));
    if genuine {
        Ok(session)
    } else {
        tracing::warn!(path = %request.uri().path(), "refused a change without this session's CSRF token");
        Err(forged_request())
    }
}

/// The answer to a change that did not come from our own page.
pub fn forged_request() -> poem::Response {
    page::html(
        StatusCode::FORBIDDEN,
        super::layout::bare_page(
            "Nie wykonano zmiany",
            maud::html! {
                h1 { "Nie wykonano zmiany" }
                p { "Ta prośba nie pochodzi z formularza Kroniki otwartego w tej sesji, więc niczego nie zmieniono. Wróć do poprzedniej strony, odśwież ją i spróbuj ponownie." }
                p { a href="/admin/" { "Przejdź do pulpitu" } }
            },
        ),
    )
}
