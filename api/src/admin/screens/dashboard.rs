//! Pulpit: what the editor is working on and what happened lately.

use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::Data;
use poem::{Request, Response, handler};

use crate::admin::chart::ranking_chart;
use crate::admin::format;
use crate::admin::layout::{Place, page, status_badge};
use crate::admin::{AdminState, page as respond, session};
use entities::article;
use kronika_core::content::Audience;
use kronika_core::content::article_list::{
    ArticleFilter, ArticleOrder, SortDirection, SortField, find_page,
};
use kronika_core::content::views::most_read;
use kronika_core::domain::ArticleStatus;
use kronika_core::search::outbox;
use kronika_core::views::site_today;

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

/// How many most read articles the dashboard ranks, over how many days (today included).
const MOST_READ_LENGTH: u64 = 5;
const MOST_READ_DAYS: u64 = 7;
/// The search index is said to lag when a change has waited longer than this…
const SEARCH_LAG: chrono::Duration = chrono::Duration::minutes(1);
/// …or when this many changes wait.
const SEARCH_BACKLOG: u64 = 100;

async fn most_read_rows(state: &AdminState) -> Result<Vec<(String, u64)>, Response> {
    let today = site_today(state.time_zone);
    let since = today
        .checked_sub_days(chrono::Days::new(MOST_READ_DAYS - 1))
        .unwrap_or(chrono::NaiveDate::MIN);
    match most_read(state.store.db(), since, None, MOST_READ_LENGTH).await {
        Ok(read) => Ok(read
            .into_iter()
            .map(|read| (read.article.title, u64::try_from(read.views).unwrap_or(0)))
            .collect()),
        Err(error) => {
            tracing::error!(%error, "cannot rank the most read articles for the dashboard");
            Err(StatusCode::SERVICE_UNAVAILABLE.into())
        }
    }
}

/// What is wrong with search, in words for editors; `None` when nothing is.
async fn search_warning(state: &AdminState) -> Option<String> {
    if let Err(error) = state.search.health().await {
        tracing::warn!(%error, "the dashboard found the search engine unavailable");
        return Some(
            "Wyszukiwarka jest niedostępna. Czytelnicy nie znajdą teraz artykułów przez wyszukiwanie; \
             zmiany trafią do niej, gdy znów zacznie działać."
                .to_owned(),
        );
    }
    let status = match outbox::status(state.store.db()).await {
        Ok(status) => status,
        Err(error) => {
            tracing::error!(%error, "cannot read the search outbox for the dashboard");
            return None;
        }
    };
    let waited_long = status
        .oldest_pending_at
        .is_some_and(|at| chrono::Utc::now() - at > SEARCH_LAG);
    (waited_long || status.backlog >= SEARCH_BACKLOG).then(|| {
        format!(
            "Wyszukiwarka nie nadąża: {} czeka na zaindeksowanie. Nowe i zmienione artykuły mogą się w niej pojawić z opóźnieniem.",
            format::count(status.backlog, "zmiana", "zmiany", "zmian"),
        )
    })
}

/// `GET /admin/`.
#[handler]
pub async fn show(request: &Request, Data(state): Data<&AdminState>) -> Response {
    let session = match session::require(request, state).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let audience = Audience::of_actor(&session.actor);
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
    let (lists, warning) = tokio::join!(
        async { tokio::try_join!(drafts, scheduled, published, most_read_rows(state)) },
        search_warning(state),
    );
    let (drafts, scheduled, published, most_read) = match lists {
        Ok(lists) => lists,
        Err(response) => return response,
    };
    let content = html! {
        div class="page-header" {
            h1 { "Pulpit" }
            a class="button button-primary" href="/admin/articles/new" { "Nowy artykuł" }
        }
        @if let Some(warning) = warning {
            div class="warning" role="alert" aria-labelledby="ostrzezenie-wyszukiwarki" {
                h2 id="ostrzezenie-wyszukiwarki" { "Wyszukiwarka" }
                p { (warning) }
            }
        }
        div class="dashboard-grid" {
            (article_list(state, "moje-szkice", "Moje szkice", "Nie masz szkiców.", &drafts, |article| Some(article.updated_at)))
            (article_list(state, "zaplanowane", "Zaplanowane", "Nic nie czeka na publikację.", &scheduled, |article| article.published_at))
            (article_list(state, "opublikowane", "Ostatnio opublikowane", "Nic jeszcze nie opublikowano.", &published, |article| article.published_at))
            section class="panel" id="najczesciej-czytane" {
                (ranking_chart("najczesciej-czytane", "Najczęściej czytane (7 dni)", "Opublikowane artykuły z największą liczbą wyświetleń w ostatnich siedmiu dniach.", &most_read))
                p { a href="/admin/stats" { "Więcej statystyk" } }
            }
        }
    };
    respond::html(
        StatusCode::OK,
        page("Pulpit", &session, Place::Dashboard, &[], content),
    )
}
