//! Podgląd: the article as readers will see it, with the metryczka box and the public
//! change register, whatever its status.

use maud::{PreEscaped, html};
use poem::http::StatusCode;
use poem::web::{Data, Path};
use poem::{Request, Response, handler};

use crate::admin::layout::{Place, page, status_badge};
use crate::admin::{AdminState, format, images, page as respond, session};
use kronika_core::content::{self, Audience, relations};
use kronika_core::editing::revisions;

/// `GET /admin/articles/{id}/preview`.
#[handler]
pub async fn show(
    request: &Request,
    Path(id): Path<i64>,
    Data(state): Data<&AdminState>,
) -> Response {
    let session = match session::require(request, state).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let db = state.store.db();
    let audience = Audience::of_actor(&session.actor);
    let article = match content::article_by_id(db, id, audience).await {
        Ok(Some(article)) => article,
        Ok(None) => return StatusCode::NOT_FOUND.into(),
        Err(error) => {
            tracing::error!(%error, "cannot load an article to preview");
            return StatusCode::SERVICE_UNAVAILABLE.into();
        }
    };
    let gallery_ids: Vec<i64> = article.gallery_id.into_iter().collect();
    let (section_ids, author_ids) = ([article.section_id], [article.created_by]);
    let loaded = tokio::try_join!(
        relations::sections_by_id(db, &section_ids),
        relations::accounts_by_id(db, &author_ids),
        relations::photos_by_gallery(db, &gallery_ids),
        revisions::of_article(db, article.id, true),
    );
    let (sections, accounts, photos, register) = match loaded {
        Ok(loaded) => loaded,
        Err(error) => {
            tracing::error!(%error, "cannot load an article's parts to preview");
            return StatusCode::SERVICE_UNAVAILABLE.into();
        }
    };
    let section = sections
        .get(&article.section_id)
        .map(|section| section.name.as_str());
    let entered_by = accounts
        .get(&article.created_by)
        .map_or("—", |account| account.display_name.as_str());
    let photos = article
        .gallery_id
        .and_then(|id| photos.get(&id))
        .cloned()
        .unwrap_or_default();
    let zone = state.time_zone;
    let content = html! {
        div class="preview-banner" {
            p {
                strong { "Podgląd" } " — tak artykuł zobaczą czytelnicy. Status: " (status_badge(article.status))
            }
            div class="button-row" {
                a class="button" href={ "/admin/articles/" (article.id) } { "Wróć do edycji" }
            }
        }
        article class="prose" lang="pl" {
            @if let Some(section) = section { p class="muted" { (section) } }
            h1 { (article.title) }
            @if !article.lead.is_empty() { p class="lead" { (article.lead) } }
            @if !photos.is_empty() {
                ul class="photo-grid preview-photos" {
                    @for photo in &photos {
                        li class="photo-card" {
                            @if let Some(src) = images::rendition_url(photo, 640) {
                                img src=(src) alt=(photo.alt) width=(photo.width) height=(photo.height) loading="lazy";
                            }
                            div class="photo-body" {
                                @if !photo.caption.is_empty() { span { (photo.caption) } }
                                @if !photo.credit.is_empty() { span class="muted" { "fot. " (photo.credit) } }
                            }
                        }
                    }
                }
            }
            // Sanitised when it was saved: only the structure the body sanitiser keeps.
            div class="article-body" { (PreEscaped(&article.body_html)) }
            section class="metryczka" aria-labelledby="metryczka" {
                h2 id="metryczka" { "Metryczka" }
                dl class="meta-list" {
                    dt { "Autor" } dd { (article.byline) }
                    dt { "Wprowadzenie" } dd { (entered_by) }
                    dt { "Data publikacji" } dd {
                        @match article.published_at {
                            Some(at) => (format::date_time(at, zone)),
                            None => "jeszcze nie opublikowano",
                        }
                    }
                    dt { "Aktualizacja" } dd { (format::date_time(article.updated_at, zone)) }
                    dt { "Liczba wyświetleń" } dd { (format::number(u64::try_from(article.view_count).unwrap_or(0))) }
                }
                @if !register.is_empty() {
                    h3 { "Rejestr zmian" }
                    ul {
                        @for revision in register.iter().rev() {
                            li { (format::date_time(revision.created_at, zone)) " — " (revisions::describe(revision)) }
                        }
                    }
                }
            }
        }
    };
    respond::html(
        StatusCode::OK,
        page(
            &format!("Podgląd: {}", article.title),
            &session,
            Place::Articles,
            &[],
            content,
        ),
    )
}
