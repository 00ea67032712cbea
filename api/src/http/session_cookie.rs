//! The cookie of an editor's browser session: set by the editors' application at login,
//! read there on every request, and read by `/media` so that an editor's browser is shown
//! the photos of drafts.

use poem::Request;
use poem::http::header;

use kronika_core::auth::{IssuedToken, SESSION_LIFETIME};

/// The session cookie. `Path=/` so that `/media/…` shows editors the photos of drafts.
const COOKIE: &str = "kronika_session";

/// The session token the request's cookie carries, if any.
pub fn cookie_token(request: &Request) -> Option<&str> {
    request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
}

/// The `Set-Cookie` value that starts a session. `Secure` when the browser came over
/// HTTPS, directly or through a proxy Kronika trusts; a plain-HTTP development server
/// would otherwise never get its cookie back.
pub fn start_cookie(issued: &IssuedToken, secure: bool) -> String {
    format!(
        "{COOKIE}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Strict{}",
        issued.token,
        SESSION_LIFETIME.num_seconds(),
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that makes the browser forget the session.
pub fn end_cookie(secure: bool) -> String {
    format!(
        "{COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict{}",
        if secure { "; Secure" } else { "" }
    )
}
