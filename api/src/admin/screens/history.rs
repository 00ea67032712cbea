//! Historia zmian: every revision with who and when, a field-by-field comparison of any
//! two states, and restoring an earlier one.

use std::collections::HashMap;

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Data, Path, Query};
use poem::{Request, Response, handler};
use serde::Deserialize;

use crate::admin::forms::{FormData, csrf_field};
use crate::admin::layout::{Place, page};
use crate::admin::{AdminState, format, page as respond, session};
use entities::article_revision;
use kronika_core::auth::browser_sessions::BrowserSession;
use kronika_core::content::{self, Audience, relations, taxonomy};
use kronika_core::editing::revisions::{self, ArticleSnapshot};
use kronika_core::editing::{EditError, lifecycle};

/// The two states compared: a revision id (the state before it) or `obecna`.
#[derive(Debug, Default, Deserialize)]
pub struct CompareQuery {
    z: Option<String>,
    #[serde(rename = "do")]
    to: Option<String>,
}

const CURRENT: &str = "obecna";

fn snapshot_before(revision: &article_revision::Model) -> Option<ArticleSnapshot> {
    serde_json::from_str(revision.previous_state.as_deref()?).ok()
}

/// One row of the comparison: a field's name and its value in both states.
fn compared(
    a: &ArticleSnapshot,
    b: &ArticleSnapshot,
    names: &Names,
) -> Vec<(&'static str, String, String)> {
    let tags = |ids: &[i64]| {
        ids.iter()
            .map(|id| {
                names
                    .tags
                    .get(id)
                    .cloned()
                    .unwrap_or_else(|| format!("(usunięty tag {id})"))
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let section = |id: i64| names.sections.get(&id).cloned().unwrap_or_default();
    let gallery = |id: Option<i64>| {
        id.map(|id| format!("galeria nr {id}"))
            .unwrap_or_else(|| "bez galerii".to_owned())
    };
    let published = |at: Option<chrono::DateTime<chrono::Utc>>| {
        at.map(|at| format::date_time(at, names.zone))
            .unwrap_or_else(|| "—".to_owned())
    };
    let rows = vec![
        ("Tytuł", a.title.clone(), b.title.clone()),
        ("Wstęp", a.lead.clone(), b.lead.clone()),
        ("Treść", a.body_text.clone(), b.body_text.clone()),
        ("Autor", a.byline.clone(), b.byline.clone()),
        ("Adres", a.slug.clone(), b.slug.clone()),
        ("Dział", section(a.section_id), section(b.section_id)),
        ("Tagi", tags(&a.tag_ids), tags(&b.tag_ids)),
        ("Galeria", gallery(a.gallery_id), gallery(b.gallery_id)),
        ("Status", a.status.clone(), b.status.clone()),
        (
            "Data publikacji",
            published(a.published_at),
            published(b.published_at),
        ),
    ];
    rows.into_iter()
        .filter(|(_, old, new)| old != new)
        .collect()
}

struct Names {
    sections: HashMap<i64, String>,
    tags: HashMap<i64, String>,
    zone: chrono_tz::Tz,
}

fn state_label(choice: &str, revisions: &[article_revision::Model], zone: chrono_tz::Tz) -> String {
    revisions
        .iter()
        .find(|revision| revision.id.to_string() == choice)
        .map_or_else(
            || "Obecna wersja".to_owned(),
            |revision| {
                format!(
                    "Stan sprzed zmiany z {} ({})",
                    format::date_time(revision.created_at, zone),
                    revisions::describe(revision).to_lowercase()
                )
            },
        )
}

fn comparison(
    query: &CompareQuery,
    article_id: i64,
    list: &[article_revision::Model],
    current: &ArticleSnapshot,
    names: &Names,
) -> Markup {
    let restorable: Vec<&article_revision::Model> = list
        .iter()
        .filter(|revision| revision.previous_state.is_some())
        .collect();
    let from = query.z.as_deref().unwrap_or_default();
    let to = query.to.as_deref().unwrap_or(CURRENT);
    let state_of = |choice: &str| -> Option<ArticleSnapshot> {
        if choice == CURRENT {
            return Some(current.clone());
        }
        list.iter()
            .find(|revision| revision.id.to_string() == choice)
            .and_then(snapshot_before)
    };
    let options = |selected: &str| {
        html! {
            option value=(CURRENT) selected[selected == CURRENT] { "Obecna wersja" }
            @for revision in restorable.iter().rev() {
                option value=(revision.id) selected[selected == revision.id.to_string()] {
                    (state_label(&revision.id.to_string(), list, names.zone))
                }
            }
        }
    };
    html! {
        section class="panel" aria-labelledby="porownanie" {
            h2 id="porownanie" { "Porównaj dwie wersje" }
            form method="get" action={ "/admin/articles/" (article_id) "/history" } class="filters" {
                div class="field" {
                    label class="label" for="z" { "Wersja wcześniejsza" }
                    select class="input" id="z" name="z" { (options(from)) }
                }
                div class="field" {
                    label class="label" for="do" { "Wersja późniejsza" }
                    select class="input" id="do" name="do" { (options(to)) }
                }
                div class="button-row" { button type="submit" class="button" { "Porównaj" } }
            }
            @if let (Some(a), Some(b)) = (state_of(from), state_of(to)) {
                @let rows = compared(&a, &b, names);
                @if rows.is_empty() {
                    p { "Obie wersje są takie same." }
                } @else {
                    div class="table-wrap" {
                        table class="data-table diff-table" {
                            caption class="visually-hidden" { "Pola, które się różnią" }
                            thead { tr {
                                th scope="col" { "Pole" }
                                th scope="col" { (state_label(from, list, names.zone)) }
                                th scope="col" { (state_label(to, list, names.zone)) }
                            } }
                            tbody {
                                @for (field, old, new) in rows {
                                    tr {
                                        th scope="row" { (field) }
                                        td class="diff-old" { (old) }
                                        td class="diff-new" { (new) }
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

/// `GET /admin/articles/{id}/history`.
#[handler]
pub async fn show(
    request: &Request,
    Path(id): Path<i64>,
    Query(query): Query<CompareQuery>,
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
        Err(error) => return respond::unavailable(&error, "the article history failed"),
    };
    let list = match revisions::of_article(db, id, false).await {
        Ok(list) => list,
        Err(error) => return respond::unavailable(&error, "the article history failed"),
    };
    let people: Vec<i64> = list
        .iter()
        .filter_map(|revision| revision.account_id)
        .collect();
    let loaded = tokio::try_join!(
        ArticleSnapshot::of(db, &article),
        relations::accounts_by_id(db, &people),
        taxonomy::all_sections(db),
        taxonomy::all_tags(db),
    );
    let (current, accounts, sections, tags) = match loaded {
        Ok(loaded) => loaded,
        Err(error) => return respond::unavailable(&error, "the article history failed"),
    };
    let names = Names {
        sections: sections
            .into_iter()
            .map(|section| (section.id, section.name))
            .collect(),
        tags: tags.into_iter().map(|tag| (tag.id, tag.name)).collect(),
        zone: state.time_zone,
    };
    let may_edit = session.actor.role.can_edit(
        session.actor.account_id,
        article.created_by,
        article.status == kronika_core::domain::ArticleStatus::Draft,
    );
    let content = html! {
        div class="page-header" {
            h1 { "Historia zmian" }
            div class="actions" { a class="button" href={ "/admin/articles/" (id) } { "Wróć do edycji" } }
        }
        p class="muted" { (article.title) }
        (comparison(&query, id, &list, &current, &names))
        section class="panel" aria-labelledby="wersje" {
            h2 id="wersje" { "Wszystkie zmiany" }
            div class="table-wrap" {
                table class="data-table" {
                    caption class="visually-hidden" { "Zmiany artykułu, najnowsze na górze" }
                    thead { tr {
                        th scope="col" { "Kiedy" }
                        th scope="col" { "Kto" }
                        th scope="col" { "Co" }
                        th scope="col" { "W rejestrze publicznym" }
                        th scope="col" { span class="visually-hidden" { "Czynności" } }
                    } }
                    tbody {
                        @for revision in list.iter().rev() {
                            tr {
                                td class="nowrap" { (format::date_time(revision.created_at, state.time_zone)) }
                                td { (revision.account_id.and_then(|id| accounts.get(&id)).map_or("system", |account| account.display_name.as_str())) }
                                td { (revisions::describe(revision)) }
                                td { @if revision.public { "tak" } @else { "nie" } }
                                td {
                                    @if revision.previous_state.is_some() {
                                        div class="button-row" {
                                            a href={ "/admin/articles/" (id) "/history?z=" (revision.id) "&do=obecna" } { "Porównaj z obecną" }
                                            @if may_edit {
                                                form method="post" class="inline-form" action={ "/admin/articles/" (id) "/history/" (revision.id) "/restore" } {
                                                    (csrf_field(session.csrf_token()))
                                                    button type="submit" class="button button-small"
                                                        data-confirm="Przywrócić treść sprzed tej zmiany? Obecna wersja zostanie w historii." {
                                                        "Przywróć stan sprzed tej zmiany"
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
        }
    };
    respond::html(
        StatusCode::OK,
        page("Historia zmian", &session, Place::Articles, &[], content),
    )
}

fn refused(session: &BrowserSession, message: &str) -> Response {
    respond::html(
        StatusCode::FORBIDDEN,
        page(
            "Nie przywrócono",
            session,
            Place::Articles,
            &[],
            html! {
                h1 { "Nie przywrócono wersji" }
                p { (message) }
                p { a href="/admin/articles" { "Wróć do listy artykułów" } }
            },
        ),
    )
}

/// `POST /admin/articles/{id}/history/{revision}/restore`.
#[handler]
pub async fn restore(
    request: &Request,
    body: poem::Body,
    Path((id, revision_id)): Path<(i64, i64)>,
    Data(state): Data<&AdminState>,
) -> Response {
    let form = FormData::read(body).await;
    let session = match session::require_for_change(request, state, form.csrf()).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    match lifecycle::restore_revision(&state.store, &session.actor, revision_id).await {
        Ok(article) if article.id == id => {
            respond::see_other(&format!("/admin/articles/{id}?ok=przywrocono"))
        }
        Ok(article) => {
            respond::see_other(&format!("/admin/articles/{}?ok=przywrocono", article.id))
        }
        Err(EditError::Forbidden(_)) => {
            refused(&session, "Twoja rola nie pozwala zmieniać tego artykułu.")
        }
        Err(EditError::NotFound(_)) => StatusCode::NOT_FOUND.into(),
        Err(EditError::Invalid { .. }) => refused(
            &session,
            "Ta zmiana to utworzenie artykułu: nie ma wcześniejszego stanu.",
        ),
        Err(error) => respond::unavailable(&error, "the article history failed"),
    }
}
