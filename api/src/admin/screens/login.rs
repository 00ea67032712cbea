//! Logging in and out.

use maud::{Markup, html};
use poem::http::{StatusCode, header};
use poem::web::{Data, Query};
use poem::{Request, Response, handler};
use serde::Deserialize;

use crate::admin::forms::{FieldError, FieldOptions, FormData, error_summary, text_field};
use crate::admin::layout::bare_page;
use crate::admin::{AdminState, page, session};
use crate::sign_in::{SignInError, sign_in};
use kronika_core::auth::browser_sessions;

#[derive(Debug, Default, Deserialize)]
pub struct LoginQuery {
    /// Where to go after logging in: a path of the application.
    next: Option<String>,
    /// Set after a logout, to say so.
    wylogowano: Option<String>,
}

/// Only a path inside the application is followed after login, never another site.
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(path)
            if path.starts_with("/admin/")
                && !path.starts_with("/admin//")
                && !path.contains('\\') =>
        {
            path
        }
        _ => "/admin/",
    }
}

fn login_form(email: &str, next: &str, errors: &[FieldError], notice: Option<&str>) -> Markup {
    bare_page(
        "Logowanie",
        html! {
            h1 { "Zaloguj się do redakcji" }
            @if let Some(notice) = notice {
                div role="status" { p class="notice" { (notice) } }
            }
            (error_summary(errors))
            form method="post" action="/admin/login" novalidate {
                input type="hidden" name="next" value=(next);
                (text_field("email", "email", "E-mail", email, FieldOptions {
                    required: true,
                    input_type: Some("email"),
                    autocomplete: Some("username"),
                    error: errors.iter().find(|error| error.field_id == "email").map(|error| error.message.as_str()),
                    ..Default::default()
                }))
                (text_field("haslo", "password", "Hasło", "", FieldOptions {
                    required: true,
                    input_type: Some("password"),
                    autocomplete: Some("current-password"),
                    error: errors.iter().find(|error| error.field_id == "haslo").map(|error| error.message.as_str()),
                    ..Default::default()
                }))
                button type="submit" class="button button-primary" { "Zaloguj się" }
            }
        },
    )
}

/// `GET /admin/login`.
#[handler]
pub async fn form(
    request: &Request,
    Query(query): Query<LoginQuery>,
    Data(state): Data<&AdminState>,
) -> Response {
    let next = safe_next(query.next.as_deref());
    if session::current(request, state).await.is_some() {
        return page::see_other(next);
    }
    let notice = query
        .wylogowano
        .is_some()
        .then_some("Wylogowano. Do zobaczenia!");
    page::html(StatusCode::OK, login_form("", next, &[], notice))
}

/// `POST /admin/login`.
#[handler]
pub async fn submit(
    request: &Request,
    body: poem::Body,
    Data(state): Data<&AdminState>,
) -> Response {
    // No session yet, so no CSRF token: a login form posted from another site is refused
    // by its origin (a forged login would sign the victim into the attacker's account).
    if !session::from_same_origin(request) {
        return session::forged_request();
    }
    let submitted = FormData::read(body).await;
    let email = submitted.text("email").trim().to_owned();
    let password = submitted.text("password").to_owned();
    let next = safe_next(submitted.get("next")).to_owned();
    let mut errors = Vec::new();
    if email.is_empty() {
        errors.push(FieldError::new("email", "Wpisz adres e-mail"));
    }
    if password.is_empty() {
        errors.push(FieldError::new("haslo", "Wpisz hasło"));
    }
    if !errors.is_empty() {
        return page::html(
            StatusCode::UNPROCESSABLE_ENTITY,
            login_form(&email, &next, &errors, None),
        );
    }
    let address = Some(state.client_address(request));
    let db = state.store.db();
    let result = sign_in(
        &state.login_throttle,
        &state.login_rate_limit,
        &email,
        address,
        || browser_sessions::open(db, &email, &password),
    )
    .await;
    match result {
        Ok(issued) => session::signed_in(request, state.trust_proxy, &issued, &next),
        Err(SignInError::InvalidCredentials) => page::html(
            StatusCode::UNAUTHORIZED,
            login_form(
                &email,
                &next,
                &[FieldError::new(
                    "email",
                    "Nieprawidłowy adres e-mail lub hasło",
                )],
                None,
            ),
        ),
        Err(SignInError::RateLimited {
            retry_after_seconds,
        }) => {
            let minutes = retry_after_seconds.div_ceil(60).max(1);
            let mut response = page::html(
                StatusCode::TOO_MANY_REQUESTS,
                login_form(
                    &email,
                    &next,
                    &[FieldError::new(
                        "email",
                        format!(
                            "Zbyt wiele nieudanych prób logowania. Spróbuj ponownie za {minutes} min."
                        ),
                    )],
                    None,
                ),
            );
            if let Ok(value) = retry_after_seconds.to_string().parse() {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        Err(SignInError::Database(error)) => {
            tracing::error!(%error, "login failed on the database");
            page::html(
                StatusCode::SERVICE_UNAVAILABLE,
                login_form(
                    &email,
                    &next,
                    &[FieldError::new(
                        "email",
                        "Logowanie jest chwilowo niedostępne. Spróbuj za chwilę.",
                    )],
                    None,
                ),
            )
        }
    }
}

/// `POST /admin/logout`: ends the session at once, not only in this browser.
#[handler]
pub async fn logout(
    request: &Request,
    body: poem::Body,
    Data(state): Data<&AdminState>,
) -> Response {
    let submitted = FormData::read(body).await;
    let session = match session::require_for_change(request, state, submitted.csrf()).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    if let Err(error) = browser_sessions::close(state.store.db(), &session).await {
        tracing::error!(%error, "cannot end a browser session");
        return StatusCode::SERVICE_UNAVAILABLE.into();
    }
    let secure = session::is_https(request, state.trust_proxy);
    let mut response = page::see_other("/admin/login?wylogowano=1");
    if let Ok(cookie) = session::end_cookie(secure).parse() {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_a_path_of_the_application_is_followed_after_login() {
        assert_eq!(
            safe_next(Some("/admin/articles?status=DRAFT")),
            "/admin/articles?status=DRAFT"
        );
        assert_eq!(safe_next(Some("https://evil.example/")), "/admin/");
        assert_eq!(safe_next(Some("//evil.example/admin/")), "/admin/");
        assert_eq!(safe_next(Some("/admin//evil.example")), "/admin/");
        assert_eq!(safe_next(Some("/admin/\\evil.example")), "/admin/");
        assert_eq!(safe_next(None), "/admin/");
    }
}
