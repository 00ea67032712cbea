//! Moje konto: changing one's own password; and the page of a password-reset link, which
//! sets a new password without a session and logs its owner in.

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Data, Path, Query};
use poem::{Request, Response, handler};
use serde::Deserialize;

use crate::admin::forms::{
    FieldError, FieldOptions, FormData, csrf_field, error_for, error_summary, text_field,
};
use crate::admin::layout::{Place, bare_page, notice, page, role_label};
use crate::admin::{AdminState, page as respond, session};
use kronika_core::auth::accounts::{self, AccountError};
use kronika_core::auth::browser_sessions::{self, BrowserSession};
use kronika_core::domain::secrets::{MIN_PASSWORD_CHARS, PasswordError};

#[derive(Debug, Default, Deserialize)]
pub struct AccountQuery {
    #[serde(default)]
    zmiana: String,
}

fn password_hint() -> String {
    format!("Co najmniej {MIN_PASSWORD_CHARS} znaków. Najlepiej kilka słów, które zapamiętasz.")
}

/// Checks a new password and its repetition; the errors point at `new_id` and `again_id`.
fn check_new_password(
    new_password: &str,
    again: &str,
    new_id: &'static str,
    again_id: &'static str,
    errors: &mut Vec<FieldError>,
) {
    if new_password.chars().count() < MIN_PASSWORD_CHARS {
        errors.push(FieldError::new(
            new_id,
            format!("Hasło musi mieć co najmniej {MIN_PASSWORD_CHARS} znaków"),
        ));
    } else if new_password != again {
        errors.push(FieldError::new(
            again_id,
            "Hasła się różnią: wpisz to samo hasło dwa razy",
        ));
    }
}

fn account_page(
    session: &BrowserSession,
    status: StatusCode,
    message: Option<&str>,
    errors: &[FieldError],
) -> Response {
    let hint = password_hint();
    let content = html! {
        div class="page-header" { h1 { "Moje konto" } }
        (notice(message))
        (error_summary(errors))
        p { (session.account_name) " – " (role_label(session.actor.role)) }
        section class="panel" aria-labelledby="zmiana-hasla" {
            h2 id="zmiana-hasla" { "Zmień hasło" }
            p class="hint" { "Po zmianie hasła Twoje pozostałe sesje (inne przeglądarki) zostaną wylogowane." }
            form method="post" action="/admin/account" novalidate {
                (csrf_field(session.csrf_token()))
                (text_field("obecne-haslo", "current_password", "Obecne hasło", "", FieldOptions {
                    required: true, input_type: Some("password"), autocomplete: Some("current-password"),
                    error: error_for(errors, "obecne-haslo"), ..Default::default()
                }))
                (text_field("nowe-haslo", "new_password", "Nowe hasło", "", FieldOptions {
                    required: true, input_type: Some("password"), autocomplete: Some("new-password"),
                    hint: Some(&hint), error: error_for(errors, "nowe-haslo"), ..Default::default()
                }))
                (text_field("nowe-haslo2", "new_password_again", "Powtórz nowe hasło", "", FieldOptions {
                    required: true, input_type: Some("password"), autocomplete: Some("new-password"),
                    error: error_for(errors, "nowe-haslo2"), ..Default::default()
                }))
                button type="submit" class="button button-primary" { "Zmień hasło" }
            }
        }
    };
    respond::html(
        status,
        page("Moje konto", session, Place::Account, &[], content),
    )
}

/// `GET /admin/account`.
#[handler]
pub async fn form(
    request: &Request,
    Query(query): Query<AccountQuery>,
    Data(state): Data<&AdminState>,
) -> Response {
    let session = match session::require(request, state).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let message = (query.zmiana == "haslo").then_some("Zmieniono hasło.");
    account_page(&session, StatusCode::OK, message, &[])
}

/// `POST /admin/account`: changes one's own password after checking the current one.
#[handler]
pub async fn submit(
    request: &Request,
    body: poem::Body,
    Data(state): Data<&AdminState>,
) -> Response {
    let submitted = FormData::read(body).await;
    let session = match session::require_for_change(request, state, submitted.csrf()).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let current = submitted.text("current_password");
    let new_password = submitted.text("new_password");
    let mut errors = Vec::new();
    if current.is_empty() {
        errors.push(FieldError::new("obecne-haslo", "Wpisz obecne hasło"));
    }
    check_new_password(
        new_password,
        submitted.text("new_password_again"),
        "nowe-haslo",
        "nowe-haslo2",
        &mut errors,
    );
    if errors.is_empty() {
        match accounts::change_own_password(state.store.db(), &session.actor, current, new_password)
            .await
        {
            Ok(_) => return respond::see_other("/admin/account?zmiana=haslo"),
            Err(AccountError::WrongPassword) => {
                errors.push(FieldError::new(
                    "obecne-haslo",
                    "Obecne hasło jest nieprawidłowe",
                ));
            }
            Err(AccountError::Password(PasswordError::TooShort)) => {
                errors.push(FieldError::new(
                    "nowe-haslo",
                    format!("Hasło musi mieć co najmniej {MIN_PASSWORD_CHARS} znaków"),
                ));
            }
            Err(error) => {
                tracing::error!(%error, "cannot change a password");
                errors.push(FieldError::new(
                    "obecne-haslo",
                    "Nie udało się zmienić hasła. Spróbuj ponownie za chwilę.",
                ));
            }
        }
    }
    account_page(&session, StatusCode::UNPROCESSABLE_ENTITY, None, &errors)
}

fn reset_page(token: &str, errors: &[FieldError]) -> Markup {
    let hint = password_hint();
    bare_page(
        "Ustaw nowe hasło",
        html! {
            h1 { "Ustaw nowe hasło" }
            (error_summary(errors))
            form method="post" action={ "/admin/reset/" (token) } novalidate {
                (text_field("haslo", "password", "Nowe hasło", "", FieldOptions {
                    required: true, input_type: Some("password"), autocomplete: Some("new-password"),
                    hint: Some(&hint), error: error_for(errors, "haslo"), ..Default::default()
                }))
                (text_field("haslo2", "password_again", "Powtórz nowe hasło", "", FieldOptions {
                    required: true, input_type: Some("password"), autocomplete: Some("new-password"),
                    error: error_for(errors, "haslo2"), ..Default::default()
                }))
                button type="submit" class="button button-primary" { "Ustaw hasło i zaloguj" }
            }
        },
    )
}

fn link_invalid() -> Response {
    respond::html(
        StatusCode::NOT_FOUND,
        bare_page(
            "Link nieważny",
            html! {
                h1 { "Ten link jest nieważny" }
                p { "Link do zmiany hasła działa raz i przez ograniczony czas. Ten został już użyty, wygasł albo administrator wysłał nowszy. Poproś administratora o nowy link." }
                p { a href="/admin/login" { "Przejdź do logowania" } }
            },
        ),
    )
}

/// `GET /admin/reset/{token}`. Whether the link still works shows only on submitting:
/// checking it here would need the same lookup, and the form costs nothing.
#[handler]
pub async fn reset_form(Path(token): Path<String>) -> Response {
    if token.is_empty() || token.len() > 200 {
        return link_invalid();
    }
    respond::html(StatusCode::OK, reset_page(&token, &[]))
}

/// `POST /admin/reset/{token}`: sets the password, spends the link, logs the owner in.
#[handler]
pub async fn reset_submit(
    request: &Request,
    body: poem::Body,
    Path(token): Path<String>,
    Data(state): Data<&AdminState>,
) -> Response {
    // No session: a form posted from another site is refused by its origin.
    if !session::from_same_origin(request) {
        return session::forged_request();
    }
    let submitted = FormData::read(body).await;
    let password = submitted.text("password");
    let mut errors = Vec::new();
    check_new_password(
        password,
        submitted.text("password_again"),
        "haslo",
        "haslo2",
        &mut errors,
    );
    if !errors.is_empty() {
        return respond::html(
            StatusCode::UNPROCESSABLE_ENTITY,
            reset_page(&token, &errors),
        );
    }
    let db = state.store.db();
    match accounts::reset_password(db, &token, password).await {
        Ok(account) => {
            tracing::info!(account = account.id, "a password was set from a reset link");
            match browser_sessions::open_for(db, &account).await {
                Ok(issued) => session::signed_in(request, state.trust_proxy, &issued, "/admin/"),
                Err(error) => {
                    tracing::error!(%error, "cannot open a session after a password reset");
                    respond::see_other("/admin/login")
                }
            }
        }
        Err(AccountError::InvalidResetLink) => link_invalid(),
        Err(AccountError::Password(PasswordError::TooShort)) => {
            let errors = [FieldError::new(
                "haslo",
                format!("Hasło musi mieć co najmniej {MIN_PASSWORD_CHARS} znaków"),
            )];
            respond::html(
                StatusCode::UNPROCESSABLE_ENTITY,
                reset_page(&token, &errors),
            )
        }
        Err(error) => {
            tracing::error!(%error, "cannot reset a password");
            StatusCode::SERVICE_UNAVAILABLE.into()
        }
    }
}
