//! Galerie: the list of galleries, a new gallery, and a gallery's page, where its photos
//! are put in order, captioned, chosen as the cover, removed, and added from the library
//! or uploaded straight into it. Every change goes through `editing::galleries`.
//!
//! Reordering works without JavaScript: `W górę` and `W dół` are forms that post the
//! whole new order. `reorder.js` adds dragging and the keyboard (arrow keys on a row's
//! handle) and posts the same order with `fetch`.

use std::collections::HashSet;

use maud::{Markup, html};
use poem::http::{StatusCode, header};
use poem::web::{Data, Path, Query};
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::photos::{LibraryQuery, thumbnail, upload_form};
use crate::admin::forms::{
    FieldError, FieldOptions, FormData, csrf_field, error_for, error_summary, text_area, text_field,
};
use crate::admin::layout::{Place, notice, page};
use crate::admin::{AdminState, format, page as respond, session};
use entities::{gallery, photo};
use kronika_core::auth::browser_sessions::BrowserSession;
use kronika_core::content::photo_library;
use kronika_core::content::{Audience, galleries as gallery_reads, relations};
use kronika_core::editing::EditError;
use kronika_core::editing::galleries::{self, GalleryChanges};

/// The most galleries the list shows (most recently changed first).
const LIST_LIMIT: u64 = 500;

fn audience(session: &BrowserSession) -> Audience {
    Audience::of_actor(&session.actor)
}

fn message_page(
    session: &BrowserSession,
    status: StatusCode,
    title: &str,
    message: &str,
    back: &str,
) -> Response {
    respond::html(
        status,
        crate::admin::layout::message_page(session, Place::Galleries, title, message, back),
    )
}

fn not_found(session: &BrowserSession) -> Response {
    message_page(
        session,
        StatusCode::NOT_FOUND,
        "Nie znaleziono galerii",
        "Tej galerii nie ma albo nie masz do niej dostępu.",
        "/admin/galleries",
    )
}

/// The answer to a refused change of a gallery.
fn refused(session: &BrowserSession, id: i64, error: EditError) -> Response {
    let back = format!("/admin/galleries/{id}");
    match error {
        EditError::NotFound(_) => not_found(session),
        EditError::Forbidden(_) => message_page(
            session,
            StatusCode::FORBIDDEN,
            "Nie zapisano",
            "Autorzy zmieniają tylko galerie, które sami utworzyli.",
            &back,
        ),
        EditError::Invalid { message, .. } | EditError::Conflict(message) => message_page(
            session,
            StatusCode::UNPROCESSABLE_ENTITY,
            "Nie zapisano",
            &format!("Nie zapisano zmiany: {message}."),
            &back,
        ),
        error => respond::unavailable(&error, "a gallery screen failed"),
    }
}

/// `GET /admin/galleries`.
#[handler]
pub async fn list(request: &Request, Data(state): Data<&AdminState>) -> Response {
    let session = match session::require(request, state).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let db = state.store.db();
    let found = match gallery_reads::recent_galleries(db, audience(&session), LIST_LIMIT).await {
        Ok(found) => found,
        Err(error) => return respond::unavailable(&error, "a gallery screen failed"),
    };
    let ids: Vec<i64> = found.iter().map(|gallery| gallery.id).collect();
    let photos = match relations::photos_by_gallery(db, &ids).await {
        Ok(photos) => photos,
        Err(error) => return respond::unavailable(&error, "a gallery screen failed"),
    };
    let content = html! {
        div class="page-header" {
            h1 { "Galerie" }
            a class="button button-primary" href="/admin/galleries/new" { "Nowa galeria" }
        }
        @if found.is_empty() {
            p { "Nie ma jeszcze żadnej galerii." }
        } @else {
            div class="table-wrap" {
                table class="data-table" {
                    caption class="visually-hidden" { "Galerie, ostatnio zmieniane na górze" }
                    thead { tr { th scope="col" { "Tytuł" } th scope="col" class="numeric" { "Zdjęcia" } th scope="col" { "Zmieniona" } } }
                    tbody {
                        @for gallery in &found {
                            tr {
                                td class="title-cell" { a href={ "/admin/galleries/" (gallery.id) } { (gallery.title) } }
                                td class="numeric" { (photos.get(&gallery.id).map_or(0, Vec::len)) }
                                td class="nowrap" { (format::date_time(gallery.updated_at, state.time_zone)) }
                            }
                        }
                    }
                }
            }
        }
    };
    respond::html(
        StatusCode::OK,
        page("Galerie", &session, Place::Galleries, &[], content),
    )
}

fn new_page(
    session: &BrowserSession,
    title: &str,
    description: &str,
    errors: &[FieldError],
) -> Markup {
    page(
        "Nowa galeria",
        session,
        Place::Galleries,
        &[],
        html! {
            h1 { "Nowa galeria" }
            (error_summary(errors))
            form method="post" action="/admin/galleries/new" {
                (csrf_field(session.csrf_token()))
                (text_field("tytul", "title", "Tytuł", title, FieldOptions { required: true, error: error_for(errors, "tytul"), ..Default::default() }))
                (text_area("opis", "description", "Opis", description, 4, FieldOptions { error: error_for(errors, "opis"), ..Default::default() }))
                div class="button-row" {
                    button type="submit" class="button button-primary" { "Utwórz galerię" }
                    a href="/admin/galleries" { "Anuluj" }
                }
            }
        },
    )
}

/// `GET /admin/galleries/new`.
#[handler]
pub async fn new_form(request: &Request, Data(state): Data<&AdminState>) -> Response {
    match session::require(request, state).await {
        Ok(session) => respond::html(StatusCode::OK, new_page(&session, "", "", &[])),
        Err(response) => response,
    }
}

fn field_errors(error: &EditError) -> Option<Vec<FieldError>> {
    match error {
        EditError::Invalid { field: "title", .. } => Some(vec![FieldError::new(
            "tytul",
            "Wpisz tytuł (najwyżej 300 znaków)",
        )]),
        EditError::Invalid {
            field: "description",
            ..
        } => Some(vec![FieldError::new(
            "opis",
            "Opis może mieć najwyżej 5000 znaków",
        )]),
        _ => None,
    }
}

/// `POST /admin/galleries/new`.
#[handler]
pub async fn create(
    request: &Request,
    body: poem::Body,
    Data(state): Data<&AdminState>,
) -> Response {
    let form = FormData::read(body).await;
    let session = match session::require_for_change(request, state, form.csrf()).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let changes = GalleryChanges {
        title: Some(form.text("title").to_owned()),
        description: Some(Some(form.text("description").to_owned())),
        ..Default::default()
    };
    match galleries::create(&state.store, &session.actor, changes).await {
        Ok(created) => respond::see_other(&format!("/admin/galleries/{}?ok=utworzono", created.id)),
        Err(error) => match field_errors(&error) {
            Some(errors) => respond::html(
                StatusCode::UNPROCESSABLE_ENTITY,
                new_page(
                    &session,
                    form.text("title"),
                    form.text("description"),
                    &errors,
                ),
            ),
            None => refused(&session, 0, error),
        },
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct GalleryQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    po: String,
    #[serde(default)]
    ok: String,
}

fn notice_for(code: &str) -> Option<&'static str> {
    Some(match code {
        "utworzono" => "Utworzono galerię. Dodaj do niej zdjęcia.",
        "zapisano" => "Zapisano galerię.",
        "kolejnosc" => "Zapisano kolejność zdjęć.",
        "okladka" => "Ustawiono okładkę galerii.",
        "usunieto" => "Usunięto zdjęcie z galerii. Zdjęcie zostało w bibliotece.",
        "dodano" => "Dodano zdjęcia do galerii.",
        "podpis" => "Zapisano podpis.",
        _ => return None,
    })
}

/// The hidden fields of one order of the photos.
fn order_fields(ids: &[i64]) -> Markup {
    html! { @for id in ids { input type="hidden" name="photo_id" value=(id); } }
}

fn moved(ids: &[i64], from: usize, to: usize) -> Vec<i64> {
    let mut reordered = ids.to_vec();
    let id = reordered.remove(from);
    reordered.insert(to, id);
    reordered
}

fn photo_row(
    session: &BrowserSession,
    gallery: &gallery::Model,
    photos: &[photo::Model],
    ids: &[i64],
    index: usize,
) -> Markup {
    let photo = &photos[index];
    let id = gallery.id;
    let count = photos.len();
    let is_cover = gallery
        .cover_photo_id
        .map_or(index == 0, |cover_id| cover_id == photo.id);
    html! {
        li data-id=(photo.id) {
            (thumbnail(photo, 200))
            div {
                form method="post" action={ "/admin/photos/" (photo.id) } class="caption-form" {
                    (csrf_field(session.csrf_token()))
                    input type="hidden" name="back" value={ "/admin/galleries/" (id) "?ok=podpis" };
                    label class="label" for={ "podpis-" (photo.id) } { "Podpis zdjęcia " (index + 1) }
                    input class="input" type="text" id={ "podpis-" (photo.id) } name="caption" value=(photo.caption);
                    button type="submit" class="button button-small" { "Zapisz podpis" }
                }
                @if is_cover { p { span class="status status-published" { "Okładka" } } }
                @if photo.alt.trim().is_empty() { p class="photo-missing-alt" { "Brak tekstu alternatywnego" } }
            }
            div class="button-row" {
                button type="button" class="button button-small handle" hidden
                    aria-label={ "Przesuń zdjęcie " (index + 1) " (strzałki w górę i w dół)" } { "⇅" }
                @if index > 0 {
                    form method="post" action={ "/admin/galleries/" (id) "/order" } {
                        (csrf_field(session.csrf_token()))
                        (order_fields(&moved(ids, index, index - 1)))
                        button type="submit" class="button button-small" { "W górę" }
                    }
                }
                @if index + 1 < count {
                    form method="post" action={ "/admin/galleries/" (id) "/order" } {
                        (csrf_field(session.csrf_token()))
                        (order_fields(&moved(ids, index, index + 1)))
                        button type="submit" class="button button-small" { "W dół" }
                    }
                }
                @if !is_cover {
                    form method="post" action={ "/admin/galleries/" (id) "/cover" } {
                        (csrf_field(session.csrf_token()))
                        input type="hidden" name="photo_id" value=(photo.id);
                        button type="submit" class="button button-small" { "Ustaw jako okładkę" }
                    }
                }
                form method="post" action={ "/admin/galleries/" (id) "/remove" } {
                    (csrf_field(session.csrf_token()))
                    input type="hidden" name="photo_id" value=(photo.id);
                    button type="submit" class="button button-small button-danger" { "Usuń z galerii" }
                }
            }
        }
    }
}

async fn visible_gallery(
    state: &AdminState,
    session: &BrowserSession,
    id: i64,
) -> Result<Option<gallery::Model>, sea_orm::DbErr> {
    gallery_reads::gallery_by_id(state.store.db(), id, audience(session)).await
}

/// `GET /admin/galleries/{id}`.
#[handler]
pub async fn show(
    request: &Request,
    Path(id): Path<i64>,
    Query(query): Query<GalleryQuery>,
    Data(state): Data<&AdminState>,
) -> Response {
    let session = match session::require(request, state).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let gallery = match visible_gallery(state, &session, id).await {
        Ok(Some(gallery)) => gallery,
        Ok(None) => return not_found(&session),
        Err(error) => return respond::unavailable(&error, "a gallery screen failed"),
    };
    let db = state.store.db();
    let library_query = LibraryQuery {
        q: query.q.clone(),
        po: query.po.clone(),
        ok: String::new(),
    };
    let gallery_ids = [id];
    let core_query = library_query.core_query();
    let (photos, library) = match tokio::join!(
        relations::photos_by_gallery(db, &gallery_ids),
        photo_library::library(db, &session.actor, &core_query),
    ) {
        (Ok(mut photos), Ok(library)) => (photos.remove(&id).unwrap_or_default(), library),
        (Err(error), _) | (_, Err(error)) => {
            return respond::unavailable(&error, "a gallery screen failed");
        }
    };
    let ids: Vec<i64> = photos.iter().map(|photo| photo.id).collect();
    let in_gallery: HashSet<i64> = ids.iter().copied().collect();
    let next = library
        .has_next_page
        .then(|| library.photos.last())
        .flatten()
        .map(|last| photo_library::PhotoCursor::after(last).encode());
    let base = format!("/admin/galleries/{id}");
    let content = html! {
        div class="page-header" {
            h1 { (gallery.title) }
            a href="/admin/galleries" { "Wszystkie galerie" }
        }
        (notice(notice_for(&query.ok)))
        section class="panel" aria-labelledby="zdjecia-galerii" {
            h2 id="zdjecia-galerii" { "Zdjęcia w galerii (" (photos.len()) ")" }
            @if photos.is_empty() {
                p { "Galeria jest pusta. Dodaj zdjęcia z biblioteki albo wyślij nowe." }
            } @else {
                p class="hint" id="kolejnosc-podpowiedz" {
                    "Pierwsze zdjęcie jest okładką, chyba że wybierzesz inne. Kolejność zmienisz przyciskami, przeciągając albo strzałkami na uchwycie ⇅."
                }
                ul class="sortable" data-order-url={ "/admin/galleries/" (id) "/order" } data-csrf=(session.csrf_token())
                    aria-describedby="kolejnosc-podpowiedz" {
                    @for index in 0..photos.len() { (photo_row(&session, &gallery, &photos, &ids, index)) }
                }
                div class="visually-hidden" aria-live="assertive" data-announce {}
            }
        }
        section class="panel" aria-labelledby="opis-galerii" {
            h2 id="opis-galerii" { "Tytuł i opis" }
            form method="post" action={ "/admin/galleries/" (id) } {
                (csrf_field(session.csrf_token()))
                (text_field("tytul", "title", "Tytuł", &gallery.title, FieldOptions { required: true, ..Default::default() }))
                (text_area("opis", "description", "Opis", gallery.description.as_deref().unwrap_or_default(), 3, FieldOptions::default()))
                div class="button-row" { button type="submit" class="button" { "Zapisz" } }
            }
        }
        section class="panel" aria-labelledby="wyslij-do-galerii" {
            h2 id="wyslij-do-galerii" { "Wyślij nowe zdjęcia do galerii" }
            (upload_form(&session, Some(id), state.upload_max_bytes))
        }
        section class="panel" aria-labelledby="z-biblioteki" {
            h2 id="z-biblioteki" { "Dodaj zdjęcia z biblioteki" }
            form class="filters" method="get" action=(base) role="search" aria-label="Szukaj w bibliotece" {
                div class="field" {
                    label class="label" for="szukaj-w-bibliotece" { "Szukaj w podpisach i autorach" }
                    input class="input" type="search" id="szukaj-w-bibliotece" name="q" value=(query.q);
                }
                div class="button-row" { button type="submit" class="button" { "Szukaj" } }
            }
            form method="post" action={ "/admin/galleries/" (id) "/add" } {
                (csrf_field(session.csrf_token()))
                fieldset {
                    legend class="visually-hidden" { "Zdjęcia do dodania" }
                    ul class="photo-grid" {
                        @for photo in library.photos.iter().filter(|photo| !in_gallery.contains(&photo.id)) {
                            li class="photo-card" {
                                (thumbnail(photo, 320))
                                div class="photo-body" {
                                    label {
                                        input type="checkbox" name="photo_id" value=(photo.id);
                                        " "
                                        @if photo.caption.is_empty() { "Zdjęcie bez podpisu" } @else { (photo.caption) }
                                    }
                                }
                            }
                        }
                    }
                }
                div class="button-row" { button type="submit" class="button button-primary" { "Dodaj zaznaczone" } }
            }
            nav class="pagination" aria-label="Strony biblioteki" {
                @if let Some(next) = next { a href=(library_query.url(&base, Some(&next))) { "Następna strona" } }
            }
        }
    };
    respond::html(
        StatusCode::OK,
        page(
            &gallery.title,
            &session,
            Place::Galleries,
            &["upload.js", "reorder.js"],
            content,
        ),
    )
}

async fn change(
    state: &AdminState,
    session: &BrowserSession,
    id: i64,
    changes: GalleryChanges,
    ok: &str,
) -> Response {
    match galleries::update(&state.store, &session.actor, id, changes).await {
        Ok(_) => respond::see_other(&format!("/admin/galleries/{id}?ok={ok}")),
        Err(error) => refused(session, id, error),
    }
}

fn ids_of(form: &FormData) -> Option<Vec<i64>> {
    form.all("photo_id")
        .into_iter()
        .map(|id| id.trim().parse().ok())
        .collect()
}

/// `POST /admin/galleries/{id}`: title and description.
#[handler]
pub async fn save(
    request: &Request,
    body: poem::Body,
    Path(id): Path<i64>,
    Data(state): Data<&AdminState>,
) -> Response {
    let form = FormData::read(body).await;
    let session = match session::require_for_change(request, state, form.csrf()).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let changes = GalleryChanges {
        title: Some(form.text("title").to_owned()),
        description: Some(Some(form.text("description").to_owned())),
        ..Default::default()
    };
    change(state, &session, id, changes, "zapisano").await
}

/// `POST /admin/galleries/{id}/order`: the whole new order, which must hold exactly the
/// gallery's photos (a page open since someone else changed the gallery is refused rather
/// than undoing their change). Answers JSON to `reorder.js`.
#[handler]
pub async fn order(
    request: &Request,
    body: poem::Body,
    Path(id): Path<i64>,
    Data(state): Data<&AdminState>,
) -> Response {
    let form = FormData::read(body).await;
    let session = match session::require_for_change(request, state, form.csrf()).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let wants_json = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| accept.contains("application/json"));
    let current = match galleries::photo_ids(state.store.db(), id).await {
        Ok(current) => current,
        Err(error) => return refused(&session, id, error),
    };
    let new_order = ids_of(&form).filter(|ids| {
        ids.len() == current.len()
            && ids.iter().copied().collect::<HashSet<_>>() == current.iter().copied().collect()
    });
    let Some(new_order) = new_order else {
        let message =
            "Galeria zmieniła się w międzyczasie. Odśwież stronę i ułóż zdjęcia ponownie.";
        if wants_json {
            return Response::builder()
                .status(StatusCode::CONFLICT)
                .header(header::CONTENT_TYPE, "application/json")
                .body(serde_json::json!({"ok": false, "message": message}).to_string());
        }
        return message_page(
            &session,
            StatusCode::CONFLICT,
            "Nie zapisano kolejności",
            message,
            &format!("/admin/galleries/{id}"),
        );
    };
    let changes = GalleryChanges {
        photo_ids: Some(new_order),
        ..Default::default()
    };
    if wants_json {
        let (status, body) =
            match galleries::update(&state.store, &session.actor, id, changes).await {
                Ok(_) => (
                    StatusCode::OK,
                    serde_json::json!({"ok": true, "message": "Zapisano kolejność zdjęć."}),
                ),
                Err(error) => {
                    tracing::info!(%error, "a new order of a gallery was refused");
                    (
                        StatusCode::UNPROCESSABLE_ENTITY,
                        serde_json::json!({"ok": false, "message": "Nie zapisano kolejności."}),
                    )
                }
            };
        return Response::builder()
            .status(status)
            .header(header::CONTENT_TYPE, "application/json")
            .body(body.to_string());
    }
    change(state, &session, id, changes, "kolejnosc").await
}

/// `POST /admin/galleries/{id}/cover`.
#[handler]
pub async fn cover(
    request: &Request,
    body: poem::Body,
    Path(id): Path<i64>,
    Data(state): Data<&AdminState>,
) -> Response {
    let form = FormData::read(body).await;
    let session = match session::require_for_change(request, state, form.csrf()).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let Some(photo_id) = form.get("photo_id").and_then(|id| id.parse().ok()) else {
        return message_page(
            &session,
            StatusCode::BAD_REQUEST,
            "Nie zapisano",
            "Nie wskazano zdjęcia.",
            &format!("/admin/galleries/{id}"),
        );
    };
    change(
        state,
        &session,
        id,
        GalleryChanges {
            cover_photo_id: Some(Some(photo_id)),
            ..Default::default()
        },
        "okladka",
    )
    .await
}

/// `POST /admin/galleries/{id}/remove`: takes one photo out (it stays in the library).
#[handler]
pub async fn remove(
    request: &Request,
    body: poem::Body,
    Path(id): Path<i64>,
    Data(state): Data<&AdminState>,
) -> Response {
    let form = FormData::read(body).await;
    let session = match session::require_for_change(request, state, form.csrf()).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let Some(photo_id) = form.get("photo_id").and_then(|id| id.parse::<i64>().ok()) else {
        return message_page(
            &session,
            StatusCode::BAD_REQUEST,
            "Nie zapisano",
            "Nie wskazano zdjęcia.",
            &format!("/admin/galleries/{id}"),
        );
    };
    let current = match galleries::photo_ids(state.store.db(), id).await {
        Ok(current) => current,
        Err(error) => return refused(&session, id, error),
    };
    let remaining: Vec<i64> = current
        .into_iter()
        .filter(|current| *current != photo_id)
        .collect();
    change(
        state,
        &session,
        id,
        GalleryChanges {
            photo_ids: Some(remaining),
            ..Default::default()
        },
        "usunieto",
    )
    .await
}

/// `POST /admin/galleries/{id}/add`: the checked library photos, at the end.
#[handler]
pub async fn add(
    request: &Request,
    body: poem::Body,
    Path(id): Path<i64>,
    Data(state): Data<&AdminState>,
) -> Response {
    let form = FormData::read(body).await;
    let session = match session::require_for_change(request, state, form.csrf()).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let Some(chosen) = ids_of(&form) else {
        return message_page(
            &session,
            StatusCode::BAD_REQUEST,
            "Nie dodano",
            "Niepoprawny wybór zdjęć.",
            &format!("/admin/galleries/{id}"),
        );
    };
    let mut ids = match galleries::photo_ids(state.store.db(), id).await {
        Ok(current) => current,
        Err(error) => return refused(&session, id, error),
    };
    for photo_id in chosen {
        if !ids.contains(&photo_id) {
            ids.push(photo_id);
        }
    }
    change(
        state,
        &session,
        id,
        GalleryChanges {
            photo_ids: Some(ids),
            ..Default::default()
        },
        "dodano",
    )
    .await
}
