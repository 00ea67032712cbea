//! The article editor: writing, saving, publishing, and the conflict when someone else
//! saved first. Every change goes through `editing::articles` and `editing::lifecycle`,
//! which check the role; this screen only hides what the role cannot do.

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Data, Path, Query};
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::conflict;
use super::editor_form::{ArticleForm, EditorView, Panels};
use crate::admin::format;
use crate::admin::forms::{FieldError, FormData};
use crate::admin::layout::{Place, page};
use crate::admin::{AdminState, page as respond, session};
use entities::article;
use kronika_core::auth::browser_sessions::BrowserSession;
use kronika_core::content::{self, Audience};
use kronika_core::editing::{EditError, articles, lifecycle};

/// What the buttons of the editor ask for (`name="action"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Action {
    Save,
    Preview,
    PublishNow,
    Schedule,
    Unpublish,
    Archive,
    /// The conflict form: save the fields as chosen.
    Resolve,
}

impl Action {
    fn parse(value: Option<&str>) -> Self {
        match value {
            Some("preview") => Self::Preview,
            Some("publish") => Self::PublishNow,
            Some("schedule") => Self::Schedule,
            Some("unpublish") => Self::Unpublish,
            Some("archive") => Self::Archive,
            Some("resolve") => Self::Resolve,
            _ => Self::Save,
        }
    }
}

/// The message after a redirect, by code (never free text from the URL).
#[derive(Debug, Default, Deserialize)]
pub struct EditorQuery {
    ok: Option<String>,
}

fn notice_for(code: Option<&str>, article: &article::Model, state: &AdminState) -> Option<String> {
    let at = format::time(article.updated_at, state.time_zone);
    Some(match code? {
        "utworzono" => format!("Utworzono szkic o {at}."),
        "zapisano" => format!("Zapisano o {at}."),
        "opublikowano" => "Opublikowano. Artykuł jest widoczny dla czytelników.".to_owned(),
        "zaplanowano" => match article.published_at {
            Some(when) => format!(
                "Zaplanowano publikację na {}.",
                format::date_time(when, state.time_zone)
            ),
            None => "Zaplanowano publikację.".to_owned(),
        },
        "wycofano" => "Cofnięto publikację. Artykuł jest znowu szkicem.".to_owned(),
        "zarchiwizowano" => "Zarchiwizowano. Czytelnicy już go nie zobaczą.".to_owned(),
        "przywrocono" => "Przywrócono wybraną wersję.".to_owned(),
        _ => return None,
    })
}

fn not_found(session: &BrowserSession) -> Response {
    respond::html(
        StatusCode::NOT_FOUND,
        page(
            "Nie znaleziono",
            session,
            Place::Articles,
            &[],
            html! {
                h1 { "Nie ma takiego artykułu" }
                p { "Artykuł nie istnieje albo nie masz do niego dostępu." }
                p { a href="/admin/articles" { "Wróć do listy artykułów" } }
            },
        ),
    )
}

fn forbidden(session: &BrowserSession, what: &str) -> Response {
    respond::html(
        StatusCode::FORBIDDEN,
        page(
            "Brak uprawnień",
            session,
            Place::Articles,
            &[],
            html! {
                h1 { "Brak uprawnień" }
                p { (what) }
                p { a href="/admin/articles" { "Wróć do listy artykułów" } }
            },
        ),
    )
}

async fn editable(
    state: &AdminState,
    session: &BrowserSession,
    id: i64,
) -> Result<article::Model, Response> {
    let audience = Audience::of_actor(&session.actor);
    match content::article_by_id(state.store.db(), id, audience).await {
        Ok(Some(article)) => Ok(article),
        Ok(None) => Err(not_found(session)),
        Err(error) => Err(respond::unavailable(&error, "the article editor failed")),
    }
}

fn editor_page(
    session: &BrowserSession,
    title: &str,
    view: &EditorView<'_>,
    panels: &Panels,
) -> Markup {
    page(
        title,
        session,
        Place::Articles,
        &["editor.js"],
        super::editor_form::render(session, view, panels),
    )
}

/// `GET /admin/articles/new`.
#[handler]
pub async fn new_form(request: &Request, Data(state): Data<&AdminState>) -> Response {
    let session = match session::require(request, state).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let panels = match Panels::load(state, &session, None).await {
        Ok(panels) => panels,
        Err(error) => return respond::unavailable(&error, "the article editor failed"),
    };
    let form = ArticleForm::new_for(&session);
    let view = EditorView::new(None, &form, &[], None);
    respond::html(
        StatusCode::OK,
        editor_page(&session, "Nowy artykuł", &view, &panels),
    )
}

/// `POST /admin/articles/new`: creates a draft.
#[handler]
pub async fn create(
    request: &Request,
    body: poem::Body,
    Data(state): Data<&AdminState>,
) -> Response {
    let form_data = FormData::read(body).await;
    let session = match session::require_for_change(request, state, form_data.csrf()).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let form = ArticleForm::from_form(&form_data);
    let created = match form.to_changes() {
        Ok(changes) => articles::create(&state.store, &session.actor, changes).await,
        Err(errors) => return rerender_new(state, &session, &form, &errors).await,
    };
    match created {
        Ok(created) => match Action::parse(form_data.get("action")) {
            Action::Save => {
                respond::see_other(&format!("/admin/articles/{}?ok=utworzono", created.id))
            }
            action => after_save(state, &session, &created, action, &form).await,
        },
        Err(error) => match field_errors_or_response(&session, error) {
            Ok(errors) => rerender_new(state, &session, &form, &errors).await,
            Err(response) => response,
        },
    }
}

/// The new-article form again with what was typed and the errors beside the fields.
async fn rerender_new(
    state: &AdminState,
    session: &BrowserSession,
    form: &ArticleForm,
    errors: &[FieldError],
) -> Response {
    let panels = match Panels::load(state, session, None).await {
        Ok(panels) => panels,
        Err(error) => return respond::unavailable(&error, "the article editor failed"),
    };
    let view = EditorView::new(None, form, errors, None);
    respond::html(
        StatusCode::UNPROCESSABLE_ENTITY,
        editor_page(session, "Nowy artykuł", &view, &panels),
    )
}

/// `GET /admin/articles/{id}`.
#[handler]
pub async fn edit_form(
    request: &Request,
    Path(id): Path<i64>,
    Query(query): Query<EditorQuery>,
    Data(state): Data<&AdminState>,
) -> Response {
    let session = match session::require(request, state).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let article = match editable(state, &session, id).await {
        Ok(article) => article,
        Err(response) => return response,
    };
    let panels = match Panels::load(state, &session, Some(&article)).await {
        Ok(panels) => panels,
        Err(error) => return respond::unavailable(&error, "the article editor failed"),
    };
    let form = ArticleForm::of_article(&article, &panels.tag_ids);
    let notice = notice_for(query.ok.as_deref(), &article, state);
    let view = EditorView::new(Some(&article), &form, &[], notice.as_deref());
    respond::html(
        StatusCode::OK,
        editor_page(&session, &article.title, &view, &panels),
    )
}

/// `POST /admin/articles/{id}`: saves, then does what the pressed button asks.
#[handler]
pub async fn update(
    request: &Request,
    body: poem::Body,
    Path(id): Path<i64>,
    Data(state): Data<&AdminState>,
) -> Response {
    let form_data = FormData::read(body).await;
    let session = match session::require_for_change(request, state, form_data.csrf()).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let action = Action::parse(form_data.get("action"));
    let form = if action == Action::Resolve {
        conflict::resolved_form(&form_data)
    } else {
        ArticleForm::from_form(&form_data)
    };
    let Some(expected_version) = form_data.text("version").parse::<i32>().ok() else {
        return respond::see_other(&format!("/admin/articles/{id}"));
    };
    let changes = match form.to_changes() {
        Ok(changes) => changes,
        Err(errors) => return rerender(state, &session, id, &form, &errors).await,
    };
    match articles::update(&state.store, &session.actor, id, changes, expected_version).await {
        Ok(saved) => after_save(state, &session, &saved, action, &form).await,
        Err(EditError::Conflict(_)) => {
            let theirs = match editable(state, &session, id).await {
                Ok(article) => article,
                Err(response) => return response,
            };
            conflict::page(state, &session, &theirs, &form).await
        }
        Err(error) => match field_errors_or_response(&session, error) {
            Ok(errors) => rerender(state, &session, id, &form, &errors).await,
            Err(response) => response,
        },
    }
}

/// The editor again with what was typed and the errors beside the fields.
async fn rerender(
    state: &AdminState,
    session: &BrowserSession,
    id: i64,
    form: &ArticleForm,
    errors: &[FieldError],
) -> Response {
    let article = match editable(state, session, id).await {
        Ok(article) => article,
        Err(response) => return response,
    };
    let panels = match Panels::load(state, session, Some(&article)).await {
        Ok(panels) => panels,
        Err(error) => return respond::unavailable(&error, "the article editor failed"),
    };
    let view = EditorView::new(Some(&article), form, errors, None);
    respond::html(
        StatusCode::UNPROCESSABLE_ENTITY,
        editor_page(session, &article.title, &view, &panels),
    )
}

/// After a successful save: the lifecycle step the button asked for, then back to the
/// editor with a message (or to the preview).
async fn after_save(
    state: &AdminState,
    session: &BrowserSession,
    saved: &article::Model,
    action: Action,
    form: &ArticleForm,
) -> Response {
    let id = saved.id;
    let actor = &session.actor;
    let outcome = match action {
        Action::Save | Action::Resolve => {
            return respond::see_other(&format!("/admin/articles/{id}?ok=zapisano"));
        }
        Action::Preview => return respond::see_other(&format!("/admin/articles/{id}/preview")),
        Action::PublishNow => lifecycle::publish(&state.store, actor, id, None)
            .await
            .map(|_| "opublikowano"),
        Action::Schedule => match format::parse_datetime_local(&form.publish_at, state.time_zone) {
            Ok(at) => lifecycle::publish(&state.store, actor, id, Some(at))
                .await
                .map(|_| "zaplanowano"),
            Err(error) => Err(EditError::invalid("at", error.to_string())),
        },
        Action::Unpublish => lifecycle::unpublish(&state.store, actor, id)
            .await
            .map(|_| "wycofano"),
        Action::Archive => lifecycle::archive(&state.store, actor, id)
            .await
            .map(|_| "zarchiwizowano"),
    };
    match outcome {
        Ok(code) => respond::see_other(&format!("/admin/articles/{id}?ok={code}")),
        Err(error) => match field_errors_or_response(session, error) {
            // The content was saved; the step after it was refused: say why, keep the
            // editor's input (now saved) on screen.
            Ok(errors) => {
                let Ok(Some(current)) =
                    content::article_by_id(state.store.db(), id, Audience::Staff).await
                else {
                    return respond::see_other(&format!("/admin/articles/{id}"));
                };
                let panels = match Panels::load(state, session, Some(&current)).await {
                    Ok(panels) => panels,
                    Err(error) => return respond::unavailable(&error, "the article editor failed"),
                };
                let mut shown = ArticleForm::of_article(&current, &panels.tag_ids);
                shown.publish_at.clone_from(&form.publish_at);
                let view = EditorView::new(Some(&current), &shown, &errors, None);
                respond::html(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    editor_page(session, &current.title, &view, &panels),
                )
            }
            Err(response) => response,
        },
    }
}

/// A refusal as messages beside fields (`Ok`), or as a page of its own (`Err`). The page
/// is returned at once by every caller, so its size on the stack does not matter.
#[allow(clippy::result_large_err)]
fn field_errors_or_response(
    session: &BrowserSession,
    error: EditError,
) -> Result<Vec<FieldError>, Response> {
    match error {
        EditError::Invalid { field, message } => {
            Ok(vec![super::editor_form::polish_error(field, &message)])
        }
        EditError::Conflict(message) => Ok(vec![FieldError::new(
            "publikacja",
            super::editor_form::polish_conflict(&message),
        )]),
        EditError::Forbidden(_) => Err(forbidden(
            session,
            "Twoja rola nie pozwala na tę czynność. Poproś redaktora lub administratora.",
        )),
        EditError::NotFound(_) => Err(not_found(session)),
        other => Err(respond::unavailable(&other, "the article editor failed")),
    }
}

/// The largest pasted fragment the sanitiser takes (a long Word document's HTML).
const MAX_PASTED_BYTES: usize = 2 * 1024 * 1024;

/// `POST /admin/api/sanitize`: pasted HTML (from Word, LibreOffice or a web page) as the
/// body sanitiser keeps it, so the editor shows exactly the structure that will be saved.
#[handler]
pub async fn sanitize(
    request: &Request,
    body: poem::Body,
    Data(state): Data<&AdminState>,
) -> Response {
    if let Err(response) = session::require_for_change(request, state, None).await {
        return response;
    }
    let pasted = match body.into_bytes_limit(MAX_PASTED_BYTES).await {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(_) => return StatusCode::PAYLOAD_TOO_LARGE.into(),
    };
    match kronika_core::domain::ArticleBody::from_untrusted(
        &pasted,
        kronika_core::domain::BodyFormat::Html,
    ) {
        Ok(body) => Response::builder()
            .header(poem::http::header::CONTENT_TYPE, "text/html; charset=utf-8")
            .header(poem::http::header::CACHE_CONTROL, "no-store")
            .body(body.html),
        Err(error) => Response::builder()
            .status(StatusCode::UNPROCESSABLE_ENTITY)
            .header(
                poem::http::header::CONTENT_TYPE,
                "text/plain; charset=utf-8",
            )
            .body(error.to_string()),
    }
}
