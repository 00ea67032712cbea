//! The first run: creating the first administrator from the link the server logged.

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Data, Path};
use poem::{Request, Response, handler};

use crate::admin::forms::{
    FieldError, FieldOptions, FormData, error_for, error_summary, text_field,
};
use crate::admin::layout::bare_page;
use crate::admin::{AdminState, page, session};
use kronika_core::auth::accounts::{self, AccountError};
use kronika_core::auth::browser_sessions;
use kronika_core::domain::secrets::MIN_PASSWORD_CHARS;

fn setup_form(token: &str, name: &str, email: &str, errors: &[FieldError]) -> Markup {
    bare_page(
        "Pierwsze uruchomienie",
        html! {
            h1 { "Utwórz konto administratora" }
            p { "Kronika nie ma jeszcze żadnego konta. Pierwsze konto zarządza pozostałymi: dodaje redaktorów i autorów, działy i klucze API." }
            (error_summary(errors))
            form method="post" action={ "/admin/setup/" (token) } novalidate {
                (text_field("imie", "name", "Imię i nazwisko", name, FieldOptions {
                    required: true, autocomplete: Some("name"), error: error_for(errors, "imie"), ..Default::default()
                }))
                (text_field("email", "email", "E-mail", email, FieldOptions {
                    required: true, input_type: Some("email"), autocomplete: Some("username"),
                    error: error_for(errors, "email"), ..Default::default()
                }))
                (text_field("haslo", "password", "Hasło", "", FieldOptions {
                    required: true, input_type: Some("password"), autocomplete: Some("new-password"),
                    hint: Some(&format!("Co najmniej {MIN_PASSWORD_CHARS} znaków. Najlepiej kilka słów, które zapamiętasz.")),
                    error: error_for(errors, "haslo"), ..Default::default()
                }))
                (text_field("haslo2", "password_again", "Powtórz hasło", "", FieldOptions {
                    required: true, input_type: Some("password"), autocomplete: Some("new-password"),
                    error: error_for(errors, "haslo2"), ..Default::default()
                }))
                button type="submit" class="button button-primary" { "Utwórz konto i zaloguj" }
            }
        },
    )
}

fn link_spent() -> Response {
    page::html(
        StatusCode::NOT_FOUND,
        bare_page(
            "Link nieważny",
            html! {
                h1 { "Ten link jest nieważny" }
                p { "Link do pierwszego uruchomienia działa raz i tylko do ponownego uruchomienia serwera. Jeśli konto administratora już istnieje, zaloguj się." }
                p { a href="/admin/login" { "Przejdź do logowania" } }
            },
        ),
    )
}

/// `GET /admin/setup/{token}`.
#[handler]
pub async fn form(Path(token): Path<String>, Data(state): Data<&AdminState>) -> Response {
    if !state.setup_link.accepts(&token) {
        return link_spent();
    }
    page::html(StatusCode::OK, setup_form(&token, "", "", &[]))
}

/// `POST /admin/setup/{token}`.
#[handler]
pub async fn submit(
    request: &Request,
    body: poem::Body,
    Path(token): Path<String>,
    Data(state): Data<&AdminState>,
) -> Response {
    if !session::from_same_origin(request) {
        return session::forged_request();
    }
    if !state.setup_link.accepts(&token) {
        return link_spent();
    }
    let submitted = FormData::read(body).await;
    let (name, email, password) = (
        submitted.text("name").trim(),
        submitted.text("email").trim(),
        submitted.text("password"),
    );
    let mut errors = Vec::new();
    if name.is_empty() {
        errors.push(FieldError::new("imie", "Wpisz imię i nazwisko"));
    }
    if email.is_empty() {
        errors.push(FieldError::new("email", "Wpisz adres e-mail"));
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        errors.push(FieldError::new(
            "haslo",
            format!("Hasło musi mieć co najmniej {MIN_PASSWORD_CHARS} znaków"),
        ));
    } else if password != submitted.text("password_again") {
        errors.push(FieldError::new(
            "haslo2",
            "Hasła się różnią: wpisz to samo hasło dwa razy",
        ));
    }
    if errors.is_empty() {
        match accounts::create_first_administrator(state.store.db(), email, name, password).await {
            Ok(account) => {
                state.setup_link.spend();
                tracing::info!(email = %account.email, "the first administrator was created");
                return match browser_sessions::open_for(state.store.db(), &account).await {
                    Ok(issued) => {
                        session::signed_in(request, state.trust_proxy, &issued, "/admin/")
                    }
                    Err(error) => {
                        tracing::error!(%error, "cannot open the first administrator's session");
                        page::see_other("/admin/login")
                    }
                };
            }
            Err(AccountError::SetupDone) => {
                state.setup_link.spend();
                return link_spent();
            }
            Err(AccountError::InvalidEmail(_)) => {
                errors.push(FieldError::new(
                    "email",
                    "To nie jest adres e-mail (np. jan.kowalski@urzad.gov.pl)",
                ));
            }
            Err(error) => {
                tracing::error!(%error, "cannot create the first administrator");
                errors.push(FieldError::new(
                    "email",
                    "Nie udało się utworzyć konta. Spróbuj ponownie za chwilę.",
                ));
            }
        }
    }
    page::html(
        StatusCode::UNPROCESSABLE_ENTITY,
        setup_form(&token, name, email, &errors),
    )
}
