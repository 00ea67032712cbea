//! Artykuły: every article the editor may see, filtered and paged. The filters live in
//! the URL, so a filtered list can be bookmarked and the back button works.

use std::collections::HashMap;

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Data, Query};
use poem::{Request, Response, handler};
use serde::Deserialize;

use crate::admin::format;
use crate::admin::layout::{Place, page, status_badge};
use crate::admin::{AdminState, page as respond, session};
use entities::{account, article, section, tag};
use kronika_core::auth::accounts;
use kronika_core::content::Audience;
use kronika_core::content::article_list::{
    self, ArticleFilter, ArticleOrder, SortDirection, SortField, find_page,
};
use kronika_core::content::cursor::ArticleCursor;
use kronika_core::content::{relations, taxonomy, title_terms};
use kronika_core::domain::ArticleStatus;

const PAGE_SIZE: u64 = 25;

/// The list's filters as the URL carries them (Polish names: they show in the address).
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    dzial: String,
    #[serde(default)]
    tag: String,
    #[serde(default)]
    autor: String,
    #[serde(default)]
    q: String,
    /// The cursor of the next page.
    #[serde(default)]
    po: String,
}

impl ListQuery {
    fn status(&self) -> Option<ArticleStatus> {
        match self.status.as_str() {
            "DRAFT" => Some(ArticleStatus::Draft),
            "SCHEDULED" => Some(ArticleStatus::Scheduled),
            "PUBLISHED" => Some(ArticleStatus::Published),
            "ARCHIVED" => Some(ArticleStatus::Archived),
            _ => None,
        }
    }

    fn filter(&self, audience: Audience) -> ArticleFilter {
        ArticleFilter {
            audience,
            statuses: self.status().map_or_else(
                || {
                    vec![
                        ArticleStatus::Draft,
                        ArticleStatus::Scheduled,
                        ArticleStatus::Published,
                        ArticleStatus::Archived,
                    ]
                },
                |status| vec![status],
            ),
            section_id: self.dzial.parse().ok(),
            tag_slug: (!self.tag.is_empty()).then(|| self.tag.clone()),
            created_by: self.autor.parse().ok(),
            title_words: Some(self.q.trim().to_owned()).filter(|words| !words.is_empty()),
            ..Default::default()
        }
    }

    /// This list's URL with another cursor.
    fn url_with_cursor(&self, cursor: Option<&str>) -> String {
        let mut url = form_urlencoded::Serializer::new(String::new());
        for (name, value) in [
            ("status", &self.status),
            ("dzial", &self.dzial),
            ("tag", &self.tag),
            ("autor", &self.autor),
            ("q", &self.q),
        ] {
            if !value.is_empty() {
                url.append_pair(name, value);
            }
        }
        if let Some(cursor) = cursor {
            url.append_pair("po", cursor);
        }
        let query = url.finish();
        if query.is_empty() {
            "/admin/articles".to_owned()
        } else {
            format!("/admin/articles?{query}")
        }
    }
}

struct Choices {
    sections: Vec<section::Model>,
    tags: Vec<tag::Model>,
    accounts: Vec<account::Model>,
}

fn filters(query: &ListQuery, choices: &Choices) -> Markup {
    let statuses = [
        ("", "Wszystkie"),
        ("DRAFT", "Szkic"),
        ("SCHEDULED", "Zaplanowany"),
        ("PUBLISHED", "Opublikowany"),
        ("ARCHIVED", "Zarchiwizowany"),
    ];
    html! {
        form class="filters" method="get" action="/admin/articles" role="search" aria-label="Filtry listy artykułów" {
            div class="field" {
                label class="label" for="filtr-q" { "Szukaj w tytułach" }
                input class="input" type="search" id="filtr-q" name="q" value=(query.q);
            }
            div class="field" {
                label class="label" for="filtr-status" { "Status" }
                select class="input" id="filtr-status" name="status" {
                    @for (value, label) in statuses {
                        option value=(value) selected[query.status == value] { (label) }
                    }
                }
            }
            div class="field" {
                label class="label" for="filtr-dzial" { "Dział" }
                select class="input" id="filtr-dzial" name="dzial" {
                    option value="" { "Wszystkie" }
                    @for section in &choices.sections {
                        option value=(section.id) selected[query.dzial == section.id.to_string()] { (section.name) }
                    }
                }
            }
            div class="field" {
                label class="label" for="filtr-tag" { "Tag" }
                select class="input" id="filtr-tag" name="tag" {
                    option value="" { "Wszystkie" }
                    @for tag in &choices.tags {
                        option value=(tag.slug) selected[query.tag == tag.slug] { (tag.name) }
                    }
                }
            }
            div class="field" {
                label class="label" for="filtr-autor" { "Wprowadził(a)" }
                select class="input" id="filtr-autor" name="autor" {
                    option value="" { "Wszyscy" }
                    @for account in &choices.accounts {
                        option value=(account.id) selected[query.autor == account.id.to_string()] { (account.display_name) }
                    }
                }
            }
            div class="button-row" {
                button type="submit" class="button" { "Filtruj" }
                a href="/admin/articles" { "Wyczyść filtry" }
            }
        }
    }
}

fn table(
    state: &AdminState,
    articles: &[article::Model],
    sections: &HashMap<i64, section::Model>,
    entered_by: &HashMap<i64, account::Model>,
) -> Markup {
    html! {
        div class="table-wrap" {
            table class="data-table" {
                caption class="visually-hidden" { "Artykuły, ostatnio zmieniane na górze" }
                thead {
                    tr {
                        th scope="col" { "Tytuł" }
                        th scope="col" { "Status" }
                        th scope="col" { "Dział" }
                        th scope="col" { "Autor" }
                        th scope="col" aria-sort="descending" { "Zmieniony" }
                        th scope="col" { "Opublikowany" }
                        th scope="col" class="numeric" { "Wyświetlenia" }
                    }
                }
                tbody {
                    @for article in articles {
                        tr {
                            td class="title-cell" { a href={ "/admin/articles/" (article.id) } { (article.title) } }
                            td { (status_badge(article.status)) }
                            td { (sections.get(&article.section_id).map_or("", |section| section.name.as_str())) }
                            td {
                                (article.byline)
                                @if let Some(account) = entered_by.get(&article.created_by) {
                                    @if account.display_name != article.byline {
                                        br; span class="muted" { "wprow. " (account.display_name) }
                                    }
                                }
                            }
                            td class="nowrap" { (format::date_time(article.updated_at, state.time_zone)) }
                            td class="nowrap" {
                                @match article.published_at {
                                    Some(at) => (format::date_time(at, state.time_zone)),
                                    None => span class="muted" { "—" },
                                }
                            }
                            td class="numeric" { (article.view_count) }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /admin/articles`.
#[handler]
pub async fn list(
    request: &Request,
    Query(query): Query<ListQuery>,
    Data(state): Data<&AdminState>,
) -> Response {
    let session = match session::require(request, state).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let db = state.store.db();
    let audience = Audience::of_actor(&session.actor);
    let mut filter = query.filter(audience);
    // A finder query longer than a lookup takes is said beside the list, not refused.
    let too_many_words = title_terms::check_query(&query.q).is_err();
    if too_many_words {
        filter.title_words = None;
    }
    let order = ArticleOrder {
        field: SortField::UpdatedAt,
        direction: SortDirection::Desc,
    };
    let after = ArticleCursor::decode(&query.po).ok();
    let (page_result, total, sections, tags, accounts) = tokio::join!(
        find_page(db, &filter, order, PAGE_SIZE, after.as_ref()),
        article_list::count(db, &filter),
        taxonomy::all_sections(db),
        taxonomy::all_tags(db),
        accounts::list(db),
    );
    let (found, total, sections, tags, accounts) =
        match (page_result, total, sections, tags, accounts) {
            (Ok(found), Ok(total), Ok(sections), Ok(tags), Ok(accounts)) => {
                (found, total, sections, tags, accounts)
            }
            (Err(error), ..) => {
                return respond::unavailable(&error, "cannot list articles for an editor");
            }
            (_, Err(error), ..) => {
                return respond::unavailable(&error, "cannot list articles for an editor");
            }
            (_, _, Err(error), ..) => {
                return respond::unavailable(&error, "cannot list articles for an editor");
            }
            (_, _, _, Err(error), _) => {
                return respond::unavailable(&error, "cannot list articles for an editor");
            }
            (.., Err(error)) => {
                return respond::unavailable(&error, "cannot list articles for an editor");
            }
        };
    let ids: Vec<i64> = found
        .articles
        .iter()
        .map(|article| article.created_by)
        .collect();
    let entered_by = match relations::accounts_by_id(db, &ids).await {
        Ok(accounts) => accounts,
        Err(error) => return respond::unavailable(&error, "cannot list articles for an editor"),
    };
    let sections_by_id: HashMap<i64, section::Model> = sections
        .iter()
        .map(|section| (section.id, section.clone()))
        .collect();
    let next = found
        .has_next_page
        .then(|| found.articles.last())
        .flatten()
        .map(|last| order.cursor_after(last).encode());
    let choices = Choices {
        sections,
        tags,
        accounts,
    };
    let content = html! {
        div class="page-header" {
            h1 { "Artykuły" }
            a class="button button-primary" href="/admin/articles/new" { "Nowy artykuł" }
        }
        (filters(&query, &choices))
        @if too_many_words {
            p class="warning" role="alert" { "Szukaj najwyżej 12 słowami tytułu. Pokazano listę bez tego warunku." }
        }
        p class="result-count" role="status" {
            "Znaleziono " (format::number(total)) " " (format::plural(total, "artykuł", "artykuły", "artykułów"))
        }
        @if found.articles.is_empty() {
            p { "Żaden artykuł nie pasuje do filtrów." }
        } @else {
            (table(state, &found.articles, &sections_by_id, &entered_by))
        }
        nav class="pagination" aria-label="Strony listy" {
            @if !query.po.is_empty() {
                a href=(query.url_with_cursor(None)) { "Pierwsza strona" }
            }
            @if let Some(next) = next {
                a href=(query.url_with_cursor(Some(&next))) { "Następna strona" }
            }
        }
    };
    respond::html(
        StatusCode::OK,
        page("Artykuły", &session, Place::Articles, &[], content),
    )
}
