//! Pulpit: what the editor is working on and what happened lately.

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::Data;
use poem::{Request, Response, handler};

use crate::admin::format;
use crate::admin::layout::{Place, page, status_badge};
use crate::admin::{AdminState, page as respond, session};
use entities::article;
use kronika_core::content::Audience;
use kronika_core::content::article_list::{
    ArticleFilter, ArticleOrder, SortDirection, SortField, find_page,
};
use kronika_core::domain::ArticleStatus;

/// How many articles each list of the dashboard shows.
const LIST_LENGTH: u64 = 8;

async fn list(
    state: &AdminState,
    filter: ArticleFilter,
    field: SortField,
) -> Result<Vec<article::Model>, Response> {
    let order = ArticleOrder {
        field,
        direction: SortDirection::Desc,
    };
    find_page(state.store.db(), &filter, order, LIST_LENGTH, None)
        .await
        .map(|page| page.articles)
        .map_err(|error| {
            tracing::error!(%error, "cannot list articles for the dashboard");
            StatusCode::SERVICE_UNAVAILABLE.into()
        })
}

fn article_list(
    state: &AdminState,
    id: &str,
    heading: &str,
    empty: &str,
    articles: &[article::Model],
    when: impl Fn(&article::Model) -> Option<chrono::DateTime<chrono::Utc>>,
) -> Markup {
    html! {
        section class="panel" aria-labelledby=(id) {
            h2 id=(id) { (heading) }
            @if articles.is_empty() {
                p class="muted" { (empty) }
            } @else {
                ul class="article-list" {
                    @for article in articles {
                        li {
                            a href={ "/admin/articles/" (article.id) } { (article.title) }
                            span class="article-list-meta" {
                                (status_badge(article.status))
                                @if let Some(at) = when(article) {
                                    " " time datetime=(at.to_rfc3339()) { (format::date_time(at, state.time_zone)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /admin/`.
#[handler]
pub async fn show(request: &Request, Data(state): Data<&AdminState>) -> Response {
    let session = match session::require(request, state).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let audience = Audience::of(Some((session.actor.account_id, session.actor.role)));
    let drafts = list(
        state,
        ArticleFilter {
            audience,
            statuses: vec![ArticleStatus::Draft],
            created_by: Some(session.actor.account_id),
            ..Default::default()
        },
        SortField::UpdatedAt,
    );
    let scheduled = list(
        state,
        ArticleFilter {
            audience,
            statuses: vec![ArticleStatus::Scheduled],
            ..Default::default()
        },
        SortField::UpdatedAt,
    );
    let published = list(
        state,
        ArticleFilter {
            audience,
            ..Default::default()
        },
        SortField::PublishedAt,
    );
    let (drafts, scheduled, published) = match tokio::try_join!(drafts, scheduled, published) {
        Ok(lists) => lists,
        Err(response) => return response,
    };
    let content = html! {
        div class="page-header" {
            h1 { "Pulpit" }
            a class="button button-primary" href="/admin/articles/new" { "Nowy artykuł" }
        }
        div class="dashboard-grid" {
            (article_list(state, "moje-szkice", "Moje szkice", "Nie masz szkiców.", &drafts, |article| Some(article.updated_at)))
            (article_list(state, "zaplanowane", "Zaplanowane", "Nic nie czeka na publikację.", &scheduled, |article| article.published_at))
            (article_list(state, "opublikowane", "Ostatnio opublikowane", "Nic jeszcze nie opublikowano.", &published, |article| article.published_at))
        }
    };
    respond::html(
        StatusCode::OK,
        page("Pulpit", &session, Place::Dashboard, &[], content),
    )
}
