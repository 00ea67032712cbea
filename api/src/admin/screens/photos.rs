//! Zdjęcia: the photo library (a searchable grid, newest first), uploading several photos
//! at once, and a photo's own page, where its words are written and it can be deleted.
//!
//! The upload form works without JavaScript: it posts every chosen file in one multipart
//! request and gets back a page that says, file by file, what was added and what was
//! refused and why. `upload.js` sends the same request once per file with
//! `Accept: application/json` and shows progress; the answers are the same refusals.

use bytes::Bytes;
use futures::TryStreamExt;
use maud::{Markup, html};
use poem::http::{StatusCode, header};
use poem::web::{Data, Path, Query};
use poem::{Request, Response, handler};
use serde::Deserialize;

use crate::admin::forms::{
    FieldError, FieldOptions, FormData, csrf_field, error_for, error_summary, text_area, text_field,
};
use crate::admin::layout::{Place, notice, page};
use crate::admin::{AdminState, format, images, page as respond, session};
use entities::{gallery, photo};
use kronika_core::auth::browser_sessions::BrowserSession;
use kronika_core::content::photo_library::{self, PhotoCursor, PhotoLibraryQuery};
use kronika_core::content::{Audience, galleries as gallery_reads};
use kronika_core::editing::photos::{self, PhotoText};
use kronika_core::editing::{EditError, galleries};
use kronika_core::images::PhotoError;
use kronika_core::images::decode::DecodeError;
use kronika_core::images::format::FormatRefusal;

const PAGE_SIZE: u64 = 24;
/// The most files one upload request carries.
const MAX_FILES: usize = 50;
/// The thumbnail slot of the grid, in CSS pixels (twice that for sharp screens).
const CARD_WIDTH: u32 = 320;

pub const ALT_HINT: &str = "Opisz, co widać na zdjęciu, dla osób, które go nie widzą. \
    Wymagany, zanim zdjęcie pojawi się w opublikowanym artykule.";

/// The library's search and page, as the URL carries them.
#[derive(Debug, Default, Deserialize)]
pub struct LibraryQuery {
    #[serde(default)]
    pub q: String,
    /// The cursor of the next page.
    #[serde(default)]
    pub po: String,
    /// The message after a redirect, by code.
    #[serde(default)]
    pub ok: String,
}

impl LibraryQuery {
    pub fn url(&self, base: &str, cursor: Option<&str>) -> String {
        let mut url = form_urlencoded::Serializer::new(String::new());
        if !self.q.is_empty() {
            url.append_pair("q", &self.q);
        }
        if let Some(cursor) = cursor {
            url.append_pair("po", cursor);
        }
        let query = url.finish();
        if query.is_empty() {
            base.to_owned()
        } else {
            format!("{base}?{query}")
        }
    }

    pub fn core_query(&self) -> PhotoLibraryQuery {
        PhotoLibraryQuery {
            search: Some(self.q.trim().to_owned()).filter(|q| !q.is_empty()),
            first: PAGE_SIZE,
            after: PhotoCursor::decode(&self.po).ok(),
        }
    }
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
        crate::admin::layout::message_page(session, Place::Photos, title, message, back),
    )
}

fn not_found(session: &BrowserSession) -> Response {
    message_page(
        session,
        StatusCode::NOT_FOUND,
        "Nie znaleziono zdjęcia",
        "Tego zdjęcia nie ma w bibliotece albo nie masz do niego dostępu.",
        "/admin/photos",
    )
}

/// A thumbnail, or a note that the photo has no files.
pub fn thumbnail(photo: &photo::Model, width: u32) -> Markup {
    html! {
        @match images::rendition_url(photo, width) {
            Some(url) => img src=(url) alt=(photo.alt) loading="lazy" width=(photo.width) height=(photo.height);,
            None => span class="muted" { "Brak pliku" },
        }
    }
}

/// The upload form: a file picker (several files), enhanced by `upload.js` into a drop
/// zone with progress. `gallery_id` adds every uploaded photo to that gallery.
pub fn upload_form(session: &BrowserSession, gallery_id: Option<i64>, max_bytes: usize) -> Markup {
    html! {
        form class="dropzone" method="post" action="/admin/photos/upload" enctype="multipart/form-data"
            data-upload data-csrf=(session.csrf_token()) {
            (csrf_field(session.csrf_token()))
            @if let Some(id) = gallery_id {
                input type="hidden" name="gallery_id" value=(id);
            }
            div class="field" {
                label class="label" for="pliki" { "Wybierz zdjęcia" }
                p class="hint" id="pliki-podpowiedz" {
                    "JPEG, PNG, WebP, GIF lub TIFF, do " (megabytes(max_bytes)) " każdy. Możesz też przeciągnąć pliki tutaj."
                }
                input type="file" id="pliki" name="files" multiple accept="image/*" aria-describedby="pliki-podpowiedz";
            }
            div class="button-row" {
                button type="submit" class="button button-primary" { "Wyślij zdjęcia" }
            }
            ul class="upload-list" aria-live="polite" {}
        }
    }
}

fn megabytes(bytes: usize) -> String {
    kronika_core::attachments::polish_size(bytes as u64)
}

fn library_notice(code: &str) -> Option<&'static str> {
    match code {
        "usunieto" => Some("Usunięto zdjęcie."),
        _ => None,
    }
}

/// `GET /admin/photos`.
#[handler]
pub async fn library(
    request: &Request,
    Query(query): Query<LibraryQuery>,
    Data(state): Data<&AdminState>,
) -> Response {
    let session = match session::require(request, state).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let found =
        match photo_library::library(state.store.db(), &session.actor, &query.core_query()).await {
            Ok(found) => found,
            Err(error) => return respond::unavailable(&error, "a photo screen failed"),
        };
    let next = found
        .has_next_page
        .then(|| found.photos.last())
        .flatten()
        .map(|last| PhotoCursor::after(last).encode());
    let content = html! {
        div class="page-header" { h1 { "Zdjęcia" } }
        (notice(library_notice(&query.ok)))
        (upload_form(&session, None, state.upload_max_bytes))
        form class="filters" method="get" action="/admin/photos" role="search" aria-label="Szukaj zdjęć" {
            div class="field" {
                label class="label" for="szukaj-zdjec" { "Szukaj w podpisach i autorach" }
                input class="input" type="search" id="szukaj-zdjec" name="q" value=(query.q);
            }
            div class="button-row" {
                button type="submit" class="button" { "Szukaj" }
                @if !query.q.is_empty() { a href="/admin/photos" { "Wyczyść" } }
            }
        }
        p class="result-count" role="status" {
            "Znaleziono " (format::count(found.total_count, "zdjęcie", "zdjęcia", "zdjęć"))
        }
        @if found.photos.is_empty() {
            p { "Żadne zdjęcie nie pasuje do wyszukiwania." }
        } @else {
            ul class="photo-grid" {
                @for photo in &found.photos {
                    li class="photo-card" {
                        (thumbnail(photo, CARD_WIDTH))
                        div class="photo-body" {
                            a href={ "/admin/photos/" (photo.id) } {
                                @if photo.caption.is_empty() { "Zdjęcie bez podpisu" } @else { (photo.caption) }
                            }
                            @if !photo.credit.is_empty() { span class="muted" { (photo.credit) } }
                            @if photo.alt.trim().is_empty() {
                                span class="photo-missing-alt" { "Brak tekstu alternatywnego" }
                            }
                        }
                    }
                }
            }
        }
        nav class="pagination" aria-label="Strony biblioteki" {
            @if !query.po.is_empty() { a href=(query.url("/admin/photos", None)) { "Pierwsza strona" } }
            @if let Some(next) = next { a href=(query.url("/admin/photos", Some(&next))) { "Następna strona" } }
        }
    };
    respond::html(
        StatusCode::OK,
        page("Zdjęcia", &session, Place::Photos, &["upload.js"], content),
    )
}

/// The multipart reader of an upload request. The whole request may carry at most
/// [`MAX_FILES`] files' worth of bytes.
fn open_upload(
    request: &Request,
    body: poem::Body,
    max_bytes: usize,
) -> Result<multer::Multipart<'static>, multer::Error> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let boundary = multer::parse_boundary(content_type)?;
    let whole = (MAX_FILES as u64).saturating_mul(max_bytes as u64 + 64 * 1024);
    let constraints =
        multer::Constraints::new().size_limit(multer::SizeLimit::new().whole_stream(whole));
    let stream = body.into_bytes_stream().map_err(std::io::Error::other);
    Ok(multer::Multipart::with_constraints(
        stream,
        boundary,
        constraints,
    ))
}

/// The bytes of one file, or why it is refused before processing. A file over
/// `max_bytes` is read to its end and dropped, so the files after it are still read and
/// nothing over the limit is kept.
async fn read_file(
    field: &mut multer::Field<'static>,
    max_bytes: usize,
) -> Result<Result<Bytes, String>, multer::Error> {
    let mut kept: Vec<u8> = Vec::new();
    let mut too_large = false;
    while let Some(chunk) = field.chunk().await? {
        if too_large || kept.len() + chunk.len() > max_bytes {
            too_large = true;
            kept = Vec::new();
        } else {
            kept.extend_from_slice(&chunk);
        }
    }
    Ok(if too_large {
        Err(format!(
            "Plik jest za duży: największy dozwolony rozmiar to {}.",
            megabytes(max_bytes)
        ))
    } else {
        Ok(Bytes::from(kept))
    })
}

/// Why a photo was refused, in words an editor acts on.
pub fn refusal_message(error: &EditError) -> String {
    match error {
        EditError::Photo(PhotoError::Format(FormatRefusal::Heic | FormatRefusal::Avif)) => {
            "Zdjęć HEIC i AVIF jeszcze nie przyjmujemy. Zapisz zdjęcie jako JPEG i wyślij je ponownie.".to_owned()
        }
        EditError::Photo(PhotoError::Format(_)) => {
            "To nie jest zdjęcie. Wybierz plik JPEG, PNG, WebP, GIF lub TIFF.".to_owned()
        }
        EditError::Photo(PhotoError::Decode(DecodeError::TooManyPixels { .. } | DecodeError::OverMemoryLimit)) => {
            "Zdjęcie ma za dużą rozdzielczość. Zmniejsz je i wyślij ponownie.".to_owned()
        }
        EditError::Photo(PhotoError::Decode(_)) => {
            "Plik jest uszkodzony i nie da się go odczytać jako zdjęcia.".to_owned()
        }
        EditError::Invalid { message, .. } => format!("Niepoprawne dane: {message}."),
        EditError::Forbidden(_) => "Nie masz uprawnień do tej zmiany.".to_owned(),
        EditError::NotFound(_) => "Nie znaleziono galerii albo zdjęcia.".to_owned(),
        EditError::Conflict(_) | EditError::Photo(PhotoError::Processing(_)) | EditError::Attachment(_) | EditError::Database(_) | EditError::Storage(_) => {
            "Nie udało się zapisać zdjęcia. Spróbuj ponownie za chwilę.".to_owned()
        }
    }
}

/// What became of one file.
struct Outcome {
    name: String,
    result: Result<photo::Model, String>,
}

fn wants_json(request: &Request) -> bool {
    request
        .headers()
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| accept.contains("application/json"))
}

fn json(status: StatusCode, value: &serde_json::Value) -> Response {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CACHE_CONTROL, "no-store")
        .body(value.to_string())
}

/// Adds `photo_id` at the end of the gallery.
async fn add_to_gallery(
    state: &AdminState,
    session: &BrowserSession,
    gallery_id: i64,
    photo_id: i64,
) -> Result<(), EditError> {
    let mut ids = galleries::photo_ids(state.store.db(), gallery_id).await?;
    if !ids.contains(&photo_id) {
        ids.push(photo_id);
    }
    galleries::update(
        &state.store,
        &session.actor,
        gallery_id,
        galleries::GalleryChanges {
            photo_ids: Some(ids),
            ..Default::default()
        },
    )
    .await
    .map(|_| ())
}

/// Stores one received file and, when asked, adds it to the gallery.
async fn store_one(
    state: &AdminState,
    session: &BrowserSession,
    bytes: Result<Bytes, String>,
    gallery_id: Option<i64>,
) -> Result<photo::Model, String> {
    let bytes = bytes?;
    match photos::upload(
        &state.store,
        &state.photos,
        &session.actor,
        bytes,
        PhotoText::default(),
    )
    .await
    {
        Ok(photo) => {
            if let Some(gallery_id) = gallery_id
                && let Err(error) = add_to_gallery(state, session, gallery_id, photo.id).await
            {
                tracing::warn!(%error, "an uploaded photo was not added to its gallery");
            }
            Ok(photo)
        }
        Err(error) => {
            if matches!(
                error,
                EditError::Database(_)
                    | EditError::Storage(_)
                    | EditError::Photo(PhotoError::Processing(_))
            ) {
                tracing::error!(%error, "an upload failed");
            }
            Err(refusal_message(&error))
        }
    }
}

/// `POST /admin/photos/upload`: every file of the request, one by one, each stored as it
/// arrives (so one file at a time is held in memory); a refused file does not stop the
/// others. The CSRF token is the `X-CSRF-Token` header or the form's first field.
#[handler]
pub async fn upload(
    request: &Request,
    body: poem::Body,
    Data(state): Data<&AdminState>,
) -> Response {
    // No session, no reading of the files.
    if let Err(response) = session::require(request, state).await {
        return response;
    }
    let mut csrf: Option<String> = None;
    let mut gallery_id: Option<i64> = None;
    let mut checked: Option<BrowserSession> = None;
    let mut outcomes: Vec<Outcome> = Vec::new();
    match open_upload(request, body, state.upload_max_bytes) {
        Err(error) => tracing::info!(%error, "an upload that is not multipart"),
        Ok(mut multipart) => loop {
            let mut field = match multipart.next_field().await {
                Ok(Some(field)) => field,
                Ok(None) => break,
                Err(error) => {
                    tracing::info!(%error, "an upload cut short");
                    outcomes.push(Outcome {
                        name: String::new(),
                        result: Err("Wysyłanie przerwano: przyszło za dużo danych naraz albo połączenie zerwało się. Wyślij pozostałe pliki ponownie.".to_owned()),
                    });
                    break;
                }
            };
            let name = field.name().unwrap_or_default().to_owned();
            match name.as_str() {
                "_csrf" => csrf = field.text().await.ok(),
                "gallery_id" => {
                    gallery_id = field
                        .text()
                        .await
                        .ok()
                        .and_then(|id| id.trim().parse().ok())
                }
                "files" | "file" => {
                    let file_name = field.file_name().unwrap_or_default().to_owned();
                    // Nothing of a forged request is stored.
                    let session = match &checked {
                        Some(session) => session.clone(),
                        None => match session::require_for_change(request, state, csrf.as_deref())
                            .await
                        {
                            Ok(session) => {
                                checked = Some(session.clone());
                                session
                            }
                            Err(response) => return response,
                        },
                    };
                    let bytes = match read_file(&mut field, state.upload_max_bytes).await {
                        Ok(bytes) => bytes,
                        Err(error) => {
                            tracing::info!(%error, "an upload cut short");
                            Err("Wysyłanie tego pliku przerwano. Wyślij go ponownie.".to_owned())
                        }
                    };
                    // A form posted with no file chosen sends one empty part without a name.
                    if file_name.is_empty() && matches!(&bytes, Ok(bytes) if bytes.is_empty()) {
                        continue;
                    }
                    if outcomes.len() >= MAX_FILES {
                        outcomes.push(Outcome {
                            name: file_name,
                            result: Err(format!("Naraz można wysłać najwyżej {MAX_FILES} plików.")),
                        });
                        continue;
                    }
                    let result = store_one(state, &session, bytes, gallery_id).await;
                    outcomes.push(Outcome {
                        name: file_name,
                        result,
                    });
                }
                _ => {}
            }
        },
    }
    let session = match checked {
        Some(session) => session,
        None => match session::require_for_change(request, state, csrf.as_deref()).await {
            Ok(session) => session,
            Err(response) => return response,
        },
    };
    if wants_json(request) {
        return match outcomes.first() {
            Some(Outcome {
                result: Ok(photo), ..
            }) => json(
                StatusCode::CREATED,
                &serde_json::json!({"ok": true, "id": photo.id, "url": format!("/admin/photos/{}", photo.id), "message": "Dodano zdjęcie."}),
            ),
            Some(Outcome {
                result: Err(message),
                ..
            }) => json(
                StatusCode::UNPROCESSABLE_ENTITY,
                &serde_json::json!({"ok": false, "id": null, "message": message}),
            ),
            None => json(
                StatusCode::BAD_REQUEST,
                &serde_json::json!({"ok": false, "id": null, "message": "Nie wybrano żadnego pliku."}),
            ),
        };
    }
    let back = gallery_id.map_or_else(
        || "/admin/photos".to_owned(),
        |id| format!("/admin/galleries/{id}"),
    );
    let added = outcomes
        .iter()
        .filter(|outcome| outcome.result.is_ok())
        .count() as u64;
    let refused = outcomes.len() as u64 - added;
    let content = html! {
        div class="page-header" { h1 { "Wysłane zdjęcia" } }
        div class="notice-area" role="status" {
            p class="notice" {
                "Dodano " (format::count(added, "zdjęcie", "zdjęcia", "zdjęć")) "."
                @if refused > 0 { " Nie przyjęto: " (refused) "." }
            }
        }
        @if outcomes.is_empty() { p { "Nie wybrano żadnego pliku." } }
        ul class="upload-list" {
            @for outcome in &outcomes {
                li {
                    span { (outcome.name) }
                    @match &outcome.result {
                        Ok(photo) => p class="upload-done" {
                            "Dodano. " a href={ "/admin/photos/" (photo.id) } { "Opisz zdjęcie" }
                        },
                        Err(message) => p class="upload-error" { "Nie przyjęto: " (message) },
                    }
                }
            }
        }
        p { a href=(back) { "Wróć" } }
    };
    let status = if added == 0 && refused > 0 {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    respond::html(
        status,
        page("Wysłane zdjęcia", &session, Place::Photos, &[], content),
    )
}

async fn visible_photo(
    state: &AdminState,
    session: &BrowserSession,
    id: i64,
) -> Result<Option<photo::Model>, sea_orm::DbErr> {
    let audience = Audience::of_actor(&session.actor);
    gallery_reads::photo_by_id(state.store.db(), id, audience).await
}

#[derive(Debug, Default, Deserialize)]
pub struct PhotoQuery {
    #[serde(default)]
    ok: String,
}

struct PhotoForm {
    caption: String,
    credit: String,
    alt: String,
}

fn photo_page(
    state: &AdminState,
    session: &BrowserSession,
    photo: &photo::Model,
    form: &PhotoForm,
    errors: &[FieldError],
    message: Option<&str>,
    using: &[gallery::Model],
) -> Markup {
    let title = if photo.caption.is_empty() {
        "Zdjęcie bez podpisu".to_owned()
    } else {
        photo.caption.clone()
    };
    let content = html! {
        div class="page-header" {
            h1 { (title) }
            a href="/admin/photos" { "Wróć do biblioteki" }
        }
        (notice(message))
        (error_summary(errors))
        div class="panel" {
            (thumbnail(photo, 960))
            p class="muted" {
                (photo.width) "×" (photo.height) " px · dodano " (format::date_time(photo.created_at, state.time_zone))
            }
        }
        form method="post" action={ "/admin/photos/" (photo.id) } {
            (csrf_field(session.csrf_token()))
            (text_area("podpis", "caption", "Podpis", &form.caption, 3, FieldOptions { error: error_for(errors, "podpis"), ..Default::default() }))
            (text_field("autor-zdjecia", "credit", "Autor zdjęcia", &form.credit, FieldOptions { error: error_for(errors, "autor-zdjecia"), ..Default::default() }))
            (text_area("tekst-alternatywny", "alt", "Tekst alternatywny", &form.alt, 3, FieldOptions {
                hint: Some(ALT_HINT),
                error: error_for(errors, "tekst-alternatywny"),
                ..Default::default()
            }))
            div class="button-row" { button type="submit" class="button button-primary" { "Zapisz" } }
        }
        section class="panel" aria-labelledby="galerie-zdjecia" {
            h2 id="galerie-zdjecia" { "Galerie z tym zdjęciem" }
            @if using.is_empty() { p { "Zdjęcie nie jest w żadnej galerii." } }
            @else {
                ul { @for gallery in using { li { a href={ "/admin/galleries/" (gallery.id) } { (gallery.title) } } } }
            }
        }
        form method="post" action={ "/admin/photos/" (photo.id) "/delete" } {
            (csrf_field(session.csrf_token()))
            button type="submit" class="button button-danger" { "Usuń zdjęcie" }
        }
    };
    page(&title, session, Place::Photos, &[], content)
}

/// `GET /admin/photos/{id}`.
#[handler]
pub async fn show(
    request: &Request,
    Path(id): Path<i64>,
    Query(query): Query<PhotoQuery>,
    Data(state): Data<&AdminState>,
) -> Response {
    let session = match session::require(request, state).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let photo = match visible_photo(state, &session, id).await {
        Ok(Some(photo)) => photo,
        Ok(None) => return not_found(&session),
        Err(error) => return respond::unavailable(&error, "a photo screen failed"),
    };
    let using = match photo_library::galleries_using(state.store.db(), id).await {
        Ok(using) => using,
        Err(error) => return respond::unavailable(&error, "a photo screen failed"),
    };
    let form = PhotoForm {
        caption: photo.caption.clone(),
        credit: photo.credit.clone(),
        alt: photo.alt.clone(),
    };
    let message = (query.ok == "zapisano").then_some("Zapisano opis zdjęcia.");
    respond::html(
        StatusCode::OK,
        photo_page(state, &session, &photo, &form, &[], message, &using),
    )
}

/// `POST /admin/photos/{id}`: saves the caption, credit and alternative text (a field
/// left out of the form stays as it is, so a gallery's caption form sends only `caption`).
#[handler]
pub async fn save(
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
    let text = PhotoText {
        caption: form_data.get("caption").map(ToOwned::to_owned),
        credit: form_data.get("credit").map(ToOwned::to_owned),
        alt: form_data.get("alt").map(ToOwned::to_owned),
    };
    let back = form_data
        .get("back")
        .filter(|back| back.starts_with("/admin/galleries/"))
        .map(ToOwned::to_owned);
    match photos::update(&state.store, &session.actor, id, text.clone()).await {
        Ok(_) => {
            respond::see_other(&back.unwrap_or_else(|| format!("/admin/photos/{id}?ok=zapisano")))
        }
        Err(EditError::NotFound(_)) => not_found(&session),
        Err(EditError::Forbidden(_)) => message_page(
            &session,
            StatusCode::FORBIDDEN,
            "Nie zapisano",
            "Autorzy zmieniają tylko zdjęcia, które sami dodali.",
            &format!("/admin/photos/{id}"),
        ),
        Err(EditError::Invalid { field, message }) => {
            let photo = match visible_photo(state, &session, id).await {
                Ok(Some(photo)) => photo,
                Ok(None) => return not_found(&session),
                Err(error) => return respond::unavailable(&error, "a photo screen failed"),
            };
            let (field_id, label) = match field {
                "caption" => ("podpis", "Podpis"),
                "credit" => ("autor-zdjecia", "Autor zdjęcia"),
                _ => ("tekst-alternatywny", "Tekst alternatywny"),
            };
            let limit = message
                .trim_start_matches("at most ")
                .trim_end_matches(" characters");
            let errors = [FieldError::new(
                field_id,
                format!("{label} może mieć najwyżej {limit} znaków"),
            )];
            let form = PhotoForm {
                caption: text.caption.unwrap_or_else(|| photo.caption.clone()),
                credit: text.credit.unwrap_or_else(|| photo.credit.clone()),
                alt: text.alt.unwrap_or_else(|| photo.alt.clone()),
            };
            let using = photo_library::galleries_using(state.store.db(), id)
                .await
                .unwrap_or_default();
            respond::html(
                StatusCode::UNPROCESSABLE_ENTITY,
                photo_page(state, &session, &photo, &form, &errors, None, &using),
            )
        }
        Err(error) => respond::unavailable(&error, "a photo screen failed"),
    }
}

/// `POST /admin/photos/{id}/delete`: without `confirm`, the confirmation (which names the
/// galleries the photo leaves); with it, the deletion.
#[handler]
pub async fn delete(
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
    let photo = match visible_photo(state, &session, id).await {
        Ok(Some(photo)) => photo,
        Ok(None) => return not_found(&session),
        Err(error) => return respond::unavailable(&error, "a photo screen failed"),
    };
    let may_force = session.actor.role.can_force_delete_media();
    if form_data.get("confirm") == Some("tak") {
        let force = may_force && form_data.get("force") == Some("tak");
        return match photos::delete(&state.store, &state.photos.media, &session.actor, id, force)
            .await
        {
            Ok(()) => respond::see_other("/admin/photos?ok=usunieto"),
            Err(EditError::Conflict(_)) => message_page(
                &session,
                StatusCode::CONFLICT,
                "Nie usunięto zdjęcia",
                "Opublikowany artykuł pokazuje to zdjęcie. Najpierw usuń je z galerii tego artykułu.",
                &format!("/admin/photos/{id}"),
            ),
            Err(EditError::Forbidden(_)) => message_page(
                &session,
                StatusCode::FORBIDDEN,
                "Nie usunięto zdjęcia",
                "Autorzy usuwają tylko zdjęcia, które sami dodali i których nie pokazuje żaden opublikowany artykuł.",
                &format!("/admin/photos/{id}"),
            ),
            Err(EditError::NotFound(_)) => not_found(&session),
            Err(error) => respond::unavailable(&error, "a photo screen failed"),
        };
    }
    let (using, published) = match tokio::join!(
        photo_library::galleries_using(state.store.db(), id),
        photos::published_uses(state.store.db(), id),
    ) {
        (Ok(using), Ok(published)) => (using, published),
        (Err(error), _) => return respond::unavailable(&error, "a photo screen failed"),
        (_, Err(error)) => return respond::unavailable(&error, "a photo screen failed"),
    };
    let title = "Usunąć zdjęcie?";
    let content = html! {
        h1 { (title) }
        div class="panel" { (thumbnail(&photo, CARD_WIDTH)) p { (photo.caption) } }
        @if using.is_empty() {
            p { "Zdjęcie nie jest w żadnej galerii." }
        } @else {
            p { "Zdjęcie zniknie z " (format::count(using.len() as u64, "galerii", "galerii", "galerii")) ":" }
            ul class="galleries-using" { @for gallery in &using { li { a href={ "/admin/galleries/" (gallery.id) } { (gallery.title) } } } }
        }
        @if published > 0 {
            p class="field-error" {
                "Pokazuje je " (format::count(published, "opublikowany artykuł", "opublikowane artykuły", "opublikowanych artykułów")) "."
                @if !may_force { " Najpierw usuń je z galerii tych artykułów." }
            }
        }
        @if published == 0 || may_force {
            form method="post" action={ "/admin/photos/" (id) "/delete" } {
                (csrf_field(session.csrf_token()))
                input type="hidden" name="confirm" value="tak";
                @if published > 0 { input type="hidden" name="force" value="tak"; }
                div class="button-row" {
                    button type="submit" class="button button-danger" {
                        @if published > 0 { "Usuń mimo to" } @else { "Tak, usuń zdjęcie" }
                    }
                    a href={ "/admin/photos/" (id) } { "Nie usuwaj" }
                }
            }
        } @else {
            p { a href={ "/admin/photos/" (id) } { "Wróć do zdjęcia" } }
        }
    };
    respond::html(
        StatusCode::OK,
        page(title, &session, Place::Photos, &[], content),
    )
}
