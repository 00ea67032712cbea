//! Administracja: accounts, sections and tags, and API tokens. Administrators only: the
//! navigation shows the place to nobody else, every page answers others 403, and the
//! core's services refuse the changes by the role themselves.
//!
//! A secret (a password-reset link, an API token) is shown once, on the page that
//! answers the form which made it, and never again: only its hash is stored.

use chrono::{Duration, Utc};
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Data, Path, Query};
use poem::{Request, Response, handler};
use serde::Deserialize;

use crate::admin::format;
use crate::admin::forms::{
    FieldError, FieldOptions, FormData, csrf_field, error_for, error_summary, select_field,
    text_field,
};
use crate::admin::layout::{Place, notice, page, role_label};
use crate::admin::{AdminState, page as respond, session};
use entities::{account, section, tag};
use kronika_core::auth as tokens;
use kronika_core::auth::accounts::{self, AccountChanges, AccountError, ApiTokenSummary};
use kronika_core::auth::browser_sessions::BrowserSession;
use kronika_core::content::taxonomy;
use kronika_core::domain::Role;
use kronika_core::editing::EditError;
use kronika_core::editing::taxonomy as edit_taxonomy;

/// The notice after a change, carried in the URL of the page the browser is sent back to.
#[derive(Debug, Default, Deserialize)]
pub struct NoticeQuery {
    #[serde(default)]
    zmiana: String,
}

fn notice_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "konto-dodane" => "Dodano konto. Wyślij jego właścicielowi link do ustawienia hasła.",
        "rola" => "Zmieniono rolę.",
        "wylaczone" => "Wyłączono konto. Jego sesje i klucze API przestały działać.",
        "wlaczone" => "Włączono konto.",
        "dzial-dodany" => "Dodano dział.",
        "dzial-zmieniony" => "Zmieniono nazwę działu.",
        "dzial-usuniety" => "Usunięto dział.",
        "tag-dodany" => "Dodano tag.",
        "tag-zmieniony" => "Zmieniono nazwę tagu.",
        "tag-usuniety" => "Usunięto tag.",
        "klucz-uniewazniony" => "Unieważniono klucz API.",
        _ => return None,
    })
}

const ROLES: [Role; 3] = [Role::Author, Role::Editor, Role::Admin];

fn role_choices() -> Vec<(String, String)> {
    ROLES
        .iter()
        .map(|role| (role.as_str().to_owned(), role_label(*role).to_owned()))
        .collect()
}

/// The session of an administrator, or the answer for anyone else.
async fn admin_session(request: &Request, state: &AdminState) -> Result<BrowserSession, Response> {
    let session = session::require(request, state).await?;
    if session.actor.role.is_admin() {
        Ok(session)
    } else {
        Err(forbidden(&session))
    }
}

/// The checks of a change here: a genuine request of an administrator's session.
async fn admin_change(
    request: &Request,
    state: &AdminState,
    submitted: &FormData,
) -> Result<BrowserSession, Response> {
    let session = session::require_for_change(request, state, submitted.csrf()).await?;
    if session.actor.role.is_admin() {
        Ok(session)
    } else {
        Err(forbidden(&session))
    }
}

fn forbidden(session: &BrowserSession) -> Response {
    respond::html(
        StatusCode::FORBIDDEN,
        page(
            "Brak dostępu",
            session,
            Place::Administration,
            &[],
            html! {
                h1 { "Brak dostępu" }
                p { "Administracją zajmują się administratorzy. Jeśli potrzebujesz zmiany konta, działu lub klucza API, poproś administratora." }
                p { a href="/admin/" { "Przejdź do pulpitu" } }
            },
        ),
    )
}

fn sub_navigation(current: &str) -> Markup {
    let places = [
        ("/admin/administration/accounts", "Konta"),
        ("/admin/administration/taxonomy", "Działy i tagi"),
        ("/admin/administration/tokens", "Klucze API"),
    ];
    html! {
        nav class="sub-nav" aria-label="Administracja" {
            ul {
                @for (href, label) in places {
                    li { a href=(href) aria-current=[(href == current).then_some("page")] { (label) } }
                }
            }
        }
    }
}

fn administration_page(
    session: &BrowserSession,
    title: &str,
    current: &str,
    status: StatusCode,
    content: Markup,
) -> Response {
    respond::html(
        status,
        page(
            title,
            session,
            Place::Administration,
            &[],
            html! {
                div class="page-header" { h1 { (title) } }
                (sub_navigation(current))
                (content)
            },
        ),
    )
}

/// `GET /admin/administration`.
#[handler]
pub async fn overview(request: &Request, Data(state): Data<&AdminState>) -> Response {
    let session = match admin_session(request, state).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    administration_page(
        &session,
        "Administracja",
        "",
        StatusCode::OK,
        html! {
            ul class="link-list" {
                li { a href="/admin/administration/accounts" { "Konta" } " – dodawanie kont, role, wyłączanie, linki do zmiany hasła" }
                li { a href="/admin/administration/taxonomy" { "Działy i tagi" } " – dodawanie, zmiana nazwy, usuwanie" }
                li { a href="/admin/administration/tokens" { "Klucze API" } " – klucze dla systemów, które publikują przez API" }
            }
        },
    )
}

// ----- Accounts -----

/// What a failed account change says, in Polish, and which field it is about.
fn account_error(error: &AccountError, field_id: &'static str) -> Result<FieldError, ()> {
    let message = match error {
        AccountError::Forbidden => "Tylko administrator zarządza kontami.",
        AccountError::InvalidEmail(_) => "To nie jest adres e-mail (np. jan.kowalski@urzad.gov.pl)",
        AccountError::EmptyName => "Wpisz imię i nazwisko",
        AccountError::Exists(_) => "Konto z tym adresem e-mail już istnieje",
        AccountError::Unknown(_) | AccountError::NotFound => "Nie ma takiego konta.",
        AccountError::LastAdministrator => {
            "To ostatni aktywny administrator. Najpierw nadaj rolę administratora innemu kontu."
        }
        AccountError::DisableSelf => "Nie możesz wyłączyć własnego konta.",
        AccountError::Disabled => {
            "Konto jest wyłączone. Włącz je, zanim wyślesz link do zmiany hasła."
        }
        AccountError::InvalidResetLink => "Link do zmiany hasła jest nieważny.",
        AccountError::WrongPassword => "Obecne hasło jest nieprawidłowe",
        AccountError::SetupDone => "Konto administratora już istnieje.",
        AccountError::Password(_) | AccountError::Database(_) => return Err(()),
    };
    Ok(FieldError::new(field_id, message))
}

struct NewAccountForm<'a> {
    name: &'a str,
    email: &'a str,
    role: &'a str,
}

fn account_state(found: &account::Model) -> &'static str {
    if found.disabled_at.is_some() {
        "Wyłączone"
    } else if found.password_hash.is_none() {
        "Czeka na ustawienie hasła"
    } else {
        "Aktywne"
    }
}

fn accounts_table(session: &BrowserSession, all: &[account::Model]) -> Markup {
    let token = session.csrf_token();
    html! {
        div class="table-wrap" {
            table class="data-table" {
                caption class="visually-hidden" { "Konta redakcji" }
                thead {
                    tr {
                        th scope="col" { "Imię i nazwisko" }
                        th scope="col" { "E-mail" }
                        th scope="col" { "Rola" }
                        th scope="col" { "Stan" }
                        th scope="col" { "Działania" }
                    }
                }
                tbody {
                    @for found in all {
                        @let role = found.role.parse::<Role>().unwrap_or(Role::Author);
                        @let action = format!("/admin/administration/accounts/{}", found.id);
                        tr {
                            th scope="row" { (found.display_name) }
                            td { (found.email) }
                            td {
                                form class="inline-form" method="post" action=(action) {
                                    (csrf_field(token))
                                    input type="hidden" name="action" value="role";
                                    label class="visually-hidden" for={ "rola-" (found.id) } { "Rola konta " (found.display_name) }
                                    select class="input" id={ "rola-" (found.id) } name="role" {
                                        @for choice in ROLES {
                                            option value=(choice.as_str()) selected[choice == role] { (role_label(choice)) }
                                        }
                                    }
                                    button type="submit" class="button" { "Zmień rolę" }
                                }
                            }
                            td { (account_state(found)) }
                            td {
                                div class="button-row" {
                                    @if found.disabled_at.is_some() {
                                        form method="post" action=(action) {
                                            (csrf_field(token))
                                            input type="hidden" name="action" value="enable";
                                            button type="submit" class="button" { "Włącz" }
                                        }
                                    } @else {
                                        @if found.id != session.actor.account_id {
                                            form method="post" action=(action) {
                                                (csrf_field(token))
                                                input type="hidden" name="action" value="disable";
                                                button type="submit" class="button button-danger" { "Wyłącz" }
                                            }
                                        }
                                        form method="post" action=(action) {
                                            (csrf_field(token))
                                            input type="hidden" name="action" value="reset";
                                            button type="submit" class="button" { "Wyślij link do zmiany hasła" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn new_account_form(
    session: &BrowserSession,
    form: &NewAccountForm<'_>,
    errors: &[FieldError],
) -> Markup {
    html! {
        section class="panel" aria-labelledby="nowe-konto" {
            h2 id="nowe-konto" { "Dodaj konto" }
            form method="post" action="/admin/administration/accounts" novalidate {
                (csrf_field(session.csrf_token()))
                (text_field("imie", "name", "Imię i nazwisko", form.name, FieldOptions {
                    required: true, autocomplete: Some("off"), error: error_for(errors, "imie"), ..Default::default()
                }))
                (text_field("email", "email", "E-mail", form.email, FieldOptions {
                    required: true, input_type: Some("email"), autocomplete: Some("off"),
                    error: error_for(errors, "email"), ..Default::default()
                }))
                (select_field("rola", "role", "Rola", &role_choices(), form.role, FieldOptions {
                    required: true,
                    hint: Some("Autor pisze własne artykuły, redaktor publikuje wszystkie, administrator zarządza też kontami i działami."),
                    error: error_for(errors, "rola"), ..Default::default()
                }))
                button type="submit" class="button button-primary" { "Dodaj konto" }
            }
        }
    }
}

/// The accounts page with what a form left: errors, the values typed, a one-time link.
async fn accounts_page(
    state: &AdminState,
    session: &BrowserSession,
    status: StatusCode,
    message: Option<&str>,
    errors: &[FieldError],
    form: &NewAccountForm<'_>,
    secret: Option<Markup>,
) -> Response {
    let all = match accounts::list_accounts(state.store.db(), &session.actor).await {
        Ok(all) => all,
        Err(error) => return respond::unavailable(&error, "administration failed on the database"),
    };
    administration_page(
        session,
        "Konta",
        "/admin/administration/accounts",
        status,
        html! {
            (notice(message))
            (error_summary(errors))
            @if let Some(secret) = secret { (secret) }
            (accounts_table(session, &all))
            (new_account_form(session, form, errors))
        },
    )
}

const EMPTY_ACCOUNT: NewAccountForm<'static> = NewAccountForm {
    name: "",
    email: "",
    role: "EDITOR",
};

/// `GET /admin/administration/accounts`.
#[handler]
pub async fn accounts_list(
    request: &Request,
    Query(query): Query<NoticeQuery>,
    Data(state): Data<&AdminState>,
) -> Response {
    let session = match admin_session(request, state).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let message = notice_text(&query.zmiana);
    accounts_page(
        state,
        &session,
        StatusCode::OK,
        message,
        &[],
        &EMPTY_ACCOUNT,
        None,
    )
    .await
}

/// `POST /admin/administration/accounts`: adds an account without a password.
#[handler]
pub async fn account_create(
    request: &Request,
    body: poem::Body,
    Data(state): Data<&AdminState>,
) -> Response {
    let submitted = FormData::read(body).await;
    let session = match admin_change(request, state, &submitted).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let form = NewAccountForm {
        name: submitted.text("name").trim(),
        email: submitted.text("email").trim(),
        role: submitted.text("role"),
    };
    let mut errors = Vec::new();
    if form.name.is_empty() {
        errors.push(FieldError::new("imie", "Wpisz imię i nazwisko"));
    }
    if form.email.is_empty() {
        errors.push(FieldError::new("email", "Wpisz adres e-mail"));
    }
    let role = form.role.parse::<Role>();
    if role.is_err() {
        errors.push(FieldError::new("rola", "Wybierz rolę"));
    }
    if let (true, Ok(role)) = (errors.is_empty(), role) {
        let created = accounts::create_account(
            state.store.db(),
            &session.actor,
            form.email,
            form.name,
            role,
            None,
        )
        .await;
        match created {
            Ok(created) => {
                tracing::info!(email = %created.email, "an administrator added an account");
                return respond::see_other("/admin/administration/accounts?zmiana=konto-dodane");
            }
            Err(error) => {
                let field = match error {
                    AccountError::EmptyName => "imie",
                    _ => "email",
                };
                match account_error(&error, field) {
                    Ok(message) => errors.push(message),
                    Err(()) => {
                        return respond::unavailable(
                            &error,
                            "administration failed on the database",
                        );
                    }
                }
            }
        }
    }
    accounts_page(
        state,
        &session,
        StatusCode::UNPROCESSABLE_ENTITY,
        None,
        &errors,
        &form,
        None,
    )
    .await
}

fn reset_link_panel(
    request: &Request,
    found: &account::Model,
    token: &str,
    expires: &str,
) -> Markup {
    let host = request
        .headers()
        .get(poem::http::header::HOST)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let path = format!("/admin/reset/{token}");
    let link = if host.is_empty() {
        path.clone()
    } else {
        format!("//{host}{path}")
    };
    html! {
        section class="panel panel-secret" aria-labelledby="link-hasla" {
            h2 id="link-hasla" { "Link do zmiany hasła dla " (found.display_name) }
            p { "Przekaż ten link właścicielowi konta (" (found.email) "). Działa raz, do " (expires) ". "
                strong { "Zobaczysz go tylko teraz" } " – Kronika go nie przechowuje." }
            p class="secret" { a id="reset-link" href=(path) { (link) } }
        }
    }
}

/// `POST /admin/administration/accounts/{id}`: change the role, disable, enable, or issue
/// a password-reset link (shown once, on the page this answers with).
#[handler]
pub async fn account_change(
    request: &Request,
    body: poem::Body,
    Path(account_id): Path<i64>,
    Data(state): Data<&AdminState>,
) -> Response {
    let submitted = FormData::read(body).await;
    let session = match admin_change(request, state, &submitted).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let db = state.store.db();
    let (changes, done) = match submitted.text("action") {
        "role" => match submitted.text("role").parse::<Role>() {
            Ok(role) => (
                AccountChanges {
                    role: Some(role),
                    ..Default::default()
                },
                "rola",
            ),
            Err(_) => {
                let errors = [FieldError::new("nowe-konto", "Wybierz rolę z listy")];
                return accounts_page(
                    state,
                    &session,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    None,
                    &errors,
                    &EMPTY_ACCOUNT,
                    None,
                )
                .await;
            }
        },
        "disable" => (
            AccountChanges {
                disabled: Some(true),
                ..Default::default()
            },
            "wylaczone",
        ),
        "enable" => (
            AccountChanges {
                disabled: Some(false),
                ..Default::default()
            },
            "wlaczone",
        ),
        "reset" => {
            return match accounts::issue_password_reset(db, &session.actor, account_id).await {
                Ok(issued) => {
                    tracing::info!(
                        account = account_id,
                        "an administrator issued a password-reset link"
                    );
                    let expires = format::date_time(issued.expires_at, state.time_zone);
                    let panel = reset_link_panel(request, &issued.account, &issued.token, &expires);
                    accounts_page(
                        state,
                        &session,
                        StatusCode::OK,
                        Some("Utworzono link do zmiany hasła."),
                        &[],
                        &EMPTY_ACCOUNT,
                        Some(panel),
                    )
                    .await
                }
                Err(error) => refused_account_change(state, &session, &error).await,
            };
        }
        _ => {
            let errors = [FieldError::new(
                "nowe-konto",
                "Nieznane działanie. Odśwież stronę i spróbuj ponownie.",
            )];
            return accounts_page(
                state,
                &session,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                &errors,
                &EMPTY_ACCOUNT,
                None,
            )
            .await;
        }
    };
    match accounts::update_account(&state.store, &session.actor, account_id, changes).await {
        Ok(_) => respond::see_other(&format!("/admin/administration/accounts?zmiana={done}")),
        Err(error) => refused_account_change(state, &session, &error).await,
    }
}

async fn refused_account_change(
    state: &AdminState,
    session: &BrowserSession,
    error: &AccountError,
) -> Response {
    let status = match error {
        AccountError::NotFound => StatusCode::NOT_FOUND,
        AccountError::Forbidden => StatusCode::FORBIDDEN,
        _ => StatusCode::CONFLICT,
    };
    match account_error(error, "nowe-konto") {
        Ok(message) => {
            accounts_page(
                state,
                session,
                status,
                None,
                &[message],
                &EMPTY_ACCOUNT,
                None,
            )
            .await
        }
        Err(()) => respond::unavailable(error, "administration failed on the database"),
    }
}

// ----- Sections and tags -----

fn taxonomy_error(
    error: &EditError,
    field_id: &'static str,
) -> Result<(StatusCode, FieldError), ()> {
    let (status, message) = match error {
        EditError::NotFound(_) => (StatusCode::NOT_FOUND, "Nie ma już takiego działu lub tagu.".to_owned()),
        EditError::Forbidden(_) => (StatusCode::FORBIDDEN, "Nie masz uprawnień do tej zmiany.".to_owned()),
        EditError::Conflict(_) => (
            StatusCode::CONFLICT,
            "Nie można usunąć działu, w którym są artykuły (także zarchiwizowane). Najpierw przenieś je do innego działu.".to_owned(),
        ),
        EditError::Invalid { field: "slug", .. } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "Ta nazwa daje adres, którego już używa inny dział lub tag. Wybierz inną nazwę.".to_owned(),
        ),
        EditError::Invalid { .. } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "Nazwa musi mieć od 1 do 100 znaków".to_owned(),
        ),
        EditError::Database(_)
        | EditError::Photo(_)
        | EditError::Attachment(_)
        | EditError::Storage(_) => return Err(()),
    };
    Ok((status, FieldError::new(field_id, message)))
}

fn rename_row(session: &BrowserSession, kind: &str, id: i64, name: &str) -> Markup {
    let action = format!("/admin/administration/{kind}/{id}");
    html! {
        tr {
            td {
                form class="inline-form" method="post" action=(action) {
                    (csrf_field(session.csrf_token()))
                    input type="hidden" name="action" value="rename";
                    label class="visually-hidden" for={ (kind) "-" (id) } { "Nazwa" }
                    input class="input" type="text" id={ (kind) "-" (id) } name="name" value=(name) required;
                    button type="submit" class="button" { "Zmień nazwę" }
                }
            }
            td {
                form method="post" action=(action) {
                    (csrf_field(session.csrf_token()))
                    input type="hidden" name="action" value="delete";
                    button type="submit" class="button button-danger" { "Usuń" span class="visually-hidden" { " " (name) } }
                }
            }
        }
    }
}

fn taxonomy_block(
    session: &BrowserSession,
    kind: &'static str,
    heading: &str,
    rows: &[(i64, String, String)],
    new_label: &str,
    field_id: &'static str,
    errors: &[FieldError],
) -> Markup {
    html! {
        section class="panel" aria-labelledby={ (kind) "-naglowek" } {
            h2 id={ (kind) "-naglowek" } { (heading) }
            @if rows.is_empty() {
                p class="muted" { "Jeszcze nic tu nie ma." }
            } @else {
                div class="table-wrap" {
                    table class="data-table" {
                        thead { tr { th scope="col" { "Nazwa (adres)" } th scope="col" { "Usuwanie" } } }
                        tbody {
                            @for (id, name, _slug) in rows { (rename_row(session, kind, *id, name)) }
                        }
                    }
                }
            }
            form method="post" action={ "/admin/administration/" (kind) } novalidate {
                (csrf_field(session.csrf_token()))
                (text_field(field_id, "name", new_label, "", FieldOptions {
                    required: true, error: error_for(errors, field_id), ..Default::default()
                }))
                button type="submit" class="button button-primary" { "Dodaj" }
            }
        }
    }
}

async fn taxonomy_page(
    state: &AdminState,
    session: &BrowserSession,
    status: StatusCode,
    message: Option<&str>,
    errors: &[FieldError],
) -> Response {
    let db = state.store.db();
    let (sections, tags) =
        match tokio::try_join!(taxonomy::all_sections(db), taxonomy::all_tags(db)) {
            Ok(found) => found,
            Err(error) => {
                return respond::unavailable(&error, "administration failed on the database");
            }
        };
    let section_rows: Vec<(i64, String, String)> = sections
        .into_iter()
        .map(|section::Model { id, name, slug, .. }| (id, name, slug))
        .collect();
    let tag_rows: Vec<(i64, String, String)> = tags
        .into_iter()
        .map(|tag::Model { id, name, slug, .. }| (id, name, slug))
        .collect();
    administration_page(
        session,
        "Działy i tagi",
        "/admin/administration/taxonomy",
        status,
        html! {
            (notice(message))
            (error_summary(errors))
            div class="dashboard-grid" {
                (taxonomy_block(session, "sections", "Działy", &section_rows, "Nazwa nowego działu", "nowy-dzial", errors))
                (taxonomy_block(session, "tags", "Tagi", &tag_rows, "Nazwa nowego tagu", "nowy-tag", errors))
            }
        },
    )
}

/// `GET /admin/administration/taxonomy`.
#[handler]
pub async fn taxonomy_list(
    request: &Request,
    Query(query): Query<NoticeQuery>,
    Data(state): Data<&AdminState>,
) -> Response {
    let session = match admin_session(request, state).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    taxonomy_page(
        state,
        &session,
        StatusCode::OK,
        notice_text(&query.zmiana),
        &[],
    )
    .await
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Section,
    Tag,
}

impl Kind {
    fn parse(kind: &str) -> Option<Self> {
        match kind {
            "sections" => Some(Self::Section),
            "tags" => Some(Self::Tag),
            _ => None,
        }
    }

    fn new_field(self) -> &'static str {
        match self {
            Self::Section => "nowy-dzial",
            Self::Tag => "nowy-tag",
        }
    }

    fn notice(self, done: &str) -> String {
        let kind = match self {
            Self::Section => "dzial",
            Self::Tag => "tag",
        };
        format!("/admin/administration/taxonomy?zmiana={kind}-{done}")
    }
}

async fn taxonomy_refused(
    state: &AdminState,
    session: &BrowserSession,
    error: &EditError,
    field_id: &'static str,
) -> Response {
    match taxonomy_error(error, field_id) {
        Ok((status, message)) => taxonomy_page(state, session, status, None, &[message]).await,
        Err(()) => respond::unavailable(error, "administration failed on the database"),
    }
}

/// `POST /admin/administration/{sections|tags}`: adds a section or a tag.
#[handler]
pub async fn taxonomy_create(
    request: &Request,
    body: poem::Body,
    Path(kind): Path<String>,
    Data(state): Data<&AdminState>,
) -> Response {
    let Some(kind) = Kind::parse(&kind) else {
        return StatusCode::NOT_FOUND.into();
    };
    let submitted = FormData::read(body).await;
    let session = match admin_change(request, state, &submitted).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let name = submitted.text("name");
    let created = match kind {
        Kind::Section => edit_taxonomy::create_section(&state.store, &session.actor, name, None)
            .await
            .map(|_| ()),
        Kind::Tag => edit_taxonomy::create_tag(&state.store, &session.actor, name, None)
            .await
            .map(|_| ()),
    };
    match created {
        Ok(()) => respond::see_other(&kind.notice("dodany")),
        Err(error) => taxonomy_refused(state, &session, &error, kind.new_field()).await,
    }
}

/// `POST /admin/administration/{sections|tags}/{id}`: renames or deletes.
#[handler]
pub async fn taxonomy_change(
    request: &Request,
    body: poem::Body,
    Path((kind, id)): Path<(String, i64)>,
    Data(state): Data<&AdminState>,
) -> Response {
    let Some(kind) = Kind::parse(&kind) else {
        return StatusCode::NOT_FOUND.into();
    };
    let submitted = FormData::read(body).await;
    let session = match admin_change(request, state, &submitted).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let (store, actor, name) = (&state.store, &session.actor, submitted.text("name"));
    let (result, done) = match (kind, submitted.text("action")) {
        (Kind::Section, "rename") => (
            edit_taxonomy::rename_section(store, actor, id, name)
                .await
                .map(|_| ()),
            "zmieniony",
        ),
        (Kind::Section, "delete") => (
            edit_taxonomy::delete_section(store, actor, id).await,
            "usuniety",
        ),
        (Kind::Tag, "rename") => (
            edit_taxonomy::rename_tag(store, actor, id, name)
                .await
                .map(|_| ()),
            "zmieniony",
        ),
        (Kind::Tag, "delete") => (
            edit_taxonomy::delete_tag(store, actor, id).await,
            "usuniety",
        ),
        _ => return StatusCode::UNPROCESSABLE_ENTITY.into(),
    };
    match result {
        Ok(()) => respond::see_other(&kind.notice(done)),
        Err(error) => taxonomy_refused(state, &session, &error, kind.new_field()).await,
    }
}

// ----- API tokens -----

/// How long a new API token works unless the administrator chooses otherwise.
const DEFAULT_TOKEN_DAYS: &str = "365";
const TOKEN_DAYS: [(&str, &str); 4] = [
    ("30", "30 dni"),
    ("90", "90 dni"),
    ("365", "1 rok"),
    ("730", "2 lata"),
];

struct NewTokenForm<'a> {
    name: &'a str,
    role: &'a str,
    days: &'a str,
}

fn tokens_table(state: &AdminState, session: &BrowserSession, all: &[ApiTokenSummary]) -> Markup {
    let now = Utc::now();
    html! {
        @if all.is_empty() {
            p class="muted" { "Nie ma jeszcze kluczy API." }
        } @else {
            div class="table-wrap" {
                table class="data-table" {
                    caption class="visually-hidden" { "Klucze API, najnowsze na górze" }
                    thead {
                        tr {
                            th scope="col" { "Nazwa" }
                            th scope="col" { "Rola" }
                            th scope="col" { "Utworzył(a)" }
                            th scope="col" { "Ważny do" }
                            th scope="col" { "Stan" }
                            th scope="col" { "Działania" }
                        }
                    }
                    tbody {
                        @for token in all {
                            tr {
                                th scope="row" { (token.name) }
                                td { (role_label(token.role)) }
                                td { (token.owner.display_name) }
                                td class="nowrap" { (format::date(token.expires_at, state.time_zone)) }
                                td {
                                    @if token.revoked_at.is_some() { "Unieważniony" }
                                    @else if token.expires_at <= now { "Wygasł" }
                                    @else { "Aktywny" }
                                }
                                td {
                                    @if token.revoked_at.is_none() && token.expires_at > now {
                                        form method="post" action={ "/admin/administration/tokens/" (token.id) "/revoke" } {
                                            (csrf_field(session.csrf_token()))
                                            button type="submit" class="button button-danger" { "Unieważnij" span class="visually-hidden" { " " (token.name) } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn new_token_form(
    session: &BrowserSession,
    form: &NewTokenForm<'_>,
    errors: &[FieldError],
) -> Markup {
    let days: Vec<(String, String)> = TOKEN_DAYS
        .iter()
        .map(|(value, label)| ((*value).to_owned(), (*label).to_owned()))
        .collect();
    html! {
        section class="panel" aria-labelledby="nowy-klucz" {
            h2 id="nowy-klucz" { "Utwórz klucz API" }
            form method="post" action="/admin/administration/tokens" novalidate {
                (csrf_field(session.csrf_token()))
                (text_field("nazwa-klucza", "name", "Nazwa", form.name, FieldOptions {
                    required: true, hint: Some("Dla kogo lub czego jest klucz, np. „Import z systemu kancelaryjnego”."),
                    error: error_for(errors, "nazwa-klucza"), ..Default::default()
                }))
                (select_field("rola-klucza", "role", "Rola", &role_choices(), form.role, FieldOptions {
                    required: true, hint: Some("Klucz może tyle, ile konto o tej roli."),
                    error: error_for(errors, "rola-klucza"), ..Default::default()
                }))
                (select_field("waznosc-klucza", "days", "Ważny przez", &days, form.days, FieldOptions {
                    required: true, error: error_for(errors, "waznosc-klucza"), ..Default::default()
                }))
                button type="submit" class="button button-primary" { "Utwórz klucz" }
            }
        }
    }
}

async fn tokens_page(
    state: &AdminState,
    session: &BrowserSession,
    status: StatusCode,
    message: Option<&str>,
    errors: &[FieldError],
    form: &NewTokenForm<'_>,
    secret: Option<Markup>,
) -> Response {
    let all = match accounts::list_api_tokens(state.store.db(), &session.actor).await {
        Ok(all) => all,
        Err(error) => return respond::unavailable(&error, "administration failed on the database"),
    };
    administration_page(
        session,
        "Klucze API",
        "/admin/administration/tokens",
        status,
        html! {
            (notice(message))
            (error_summary(errors))
            @if let Some(secret) = secret { (secret) }
            (tokens_table(state, session, &all))
            (new_token_form(session, form, errors))
        },
    )
}

const EMPTY_TOKEN: NewTokenForm<'static> = NewTokenForm {
    name: "",
    role: "EDITOR",
    days: DEFAULT_TOKEN_DAYS,
};

/// `GET /admin/administration/tokens`.
#[handler]
pub async fn tokens_list(
    request: &Request,
    Query(query): Query<NoticeQuery>,
    Data(state): Data<&AdminState>,
) -> Response {
    let session = match admin_session(request, state).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    tokens_page(
        state,
        &session,
        StatusCode::OK,
        notice_text(&query.zmiana),
        &[],
        &EMPTY_TOKEN,
        None,
    )
    .await
}

/// `POST /admin/administration/tokens`: creates a token and shows it, once.
#[handler]
pub async fn token_create(
    request: &Request,
    body: poem::Body,
    Data(state): Data<&AdminState>,
) -> Response {
    let submitted = FormData::read(body).await;
    let session = match admin_change(request, state, &submitted).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let form = NewTokenForm {
        name: submitted.text("name").trim(),
        role: submitted.text("role"),
        days: submitted.text("days"),
    };
    let mut errors = Vec::new();
    if form.name.is_empty() {
        errors.push(FieldError::new("nazwa-klucza", "Nazwij klucz"));
    }
    let role = form.role.parse::<Role>().ok();
    if role.is_none() {
        errors.push(FieldError::new("rola-klucza", "Wybierz rolę"));
    }
    let days = TOKEN_DAYS
        .iter()
        .find(|(value, _)| *value == form.days)
        .and_then(|(value, _)| value.parse::<i64>().ok());
    if days.is_none() {
        errors.push(FieldError::new(
            "waznosc-klucza",
            "Wybierz, jak długo klucz ma działać",
        ));
    }
    let (Some(role), Some(days), true) = (role, days, errors.is_empty()) else {
        return tokens_page(
            state,
            &session,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            &errors,
            &form,
            None,
        )
        .await;
    };
    let db = state.store.db();
    let owner = match accounts::account_by_id(db, &session.actor, session.actor.account_id).await {
        Ok(owner) => owner,
        Err(AccountError::Forbidden) => return forbidden(&session),
        Err(error) => return respond::unavailable(&error, "administration failed on the database"),
    };
    let issued = match tokens::create_api_token(
        db,
        &owner,
        form.name,
        role,
        Utc::now() + Duration::days(days),
    )
    .await
    {
        Ok(issued) => issued,
        Err(error) => return respond::unavailable(&error, "administration failed on the database"),
    };
    tracing::info!(token = issued.id, "an administrator created an API token");
    let panel = html! {
        section class="panel panel-secret" aria-labelledby="nowy-klucz-wartosc" {
            h2 id="nowy-klucz-wartosc" { "Klucz API „" (form.name) "”" }
            p { "Skopiuj klucz teraz i przekaż go bezpiecznie. "
                strong { "Zobaczysz go tylko raz" } " – Kronika przechowuje jedynie jego skrót. Ważny do "
                (format::date(issued.expires_at, state.time_zone)) "." }
            p class="secret" { code id="api-token" { (issued.token) } }
        }
    };
    tokens_page(
        state,
        &session,
        StatusCode::OK,
        Some("Utworzono klucz API."),
        &[],
        &EMPTY_TOKEN,
        Some(panel),
    )
    .await
}

/// `POST /admin/administration/tokens/{id}/revoke`.
#[handler]
pub async fn token_revoke(
    request: &Request,
    body: poem::Body,
    Path(token_id): Path<i64>,
    Data(state): Data<&AdminState>,
) -> Response {
    let submitted = FormData::read(body).await;
    let session = match admin_change(request, state, &submitted).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    match tokens::revoke_api_token(state.store.db(), token_id).await {
        Ok(true) => respond::see_other("/admin/administration/tokens?zmiana=klucz-uniewazniony"),
        Ok(false) => {
            let errors = [FieldError::new(
                "nazwa-klucza",
                "Ten klucz jest już unieważniony albo nie istnieje.",
            )];
            tokens_page(
                state,
                &session,
                StatusCode::NOT_FOUND,
                None,
                &errors,
                &EMPTY_TOKEN,
                None,
            )
            .await
        }
        Err(error) => respond::unavailable(&error, "administration failed on the database"),
    }
}
