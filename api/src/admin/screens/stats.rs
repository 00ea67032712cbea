//! Statystyki: the views per day of one article, and the most read articles of a section
//! and period. The choices live in the URL (`?artykul=12&dni=30`, `?dzial=3&okres=7`), so
//! a view of the numbers can be bookmarked and sent to someone.

use chrono::{Days, NaiveDate};
use maud::{Markup, html};
use poem::http::StatusCode;
use poem::web::{Data, Query};
use poem::{Request, Response, handler};
use serde::Deserialize;

use crate::admin::chart::{daily_views_chart, ranking_chart};
use crate::admin::layout::{Place, page};
use crate::admin::{AdminState, page as respond, session};
use entities::{article, section};
use kronika_core::content::article_list::{
    ArticleFilter, ArticleOrder, SortDirection, SortField, find_page,
};
use kronika_core::content::views;
use kronika_core::content::{self, Audience, taxonomy};
use kronika_core::views::site_today;

/// The spans of the daily chart, in days (today included).
const DAY_SPANS: [(u64, &str); 4] = [(7, "7 dni"), (30, "30 dni"), (90, "90 dni"), (365, "rok")];
/// The periods of the ranking, in days (today included).
const PERIODS: [(u64, &str); 3] = [(7, "7 dni"), (30, "30 dni"), (365, "rok")];
const DEFAULT_DAYS: u64 = 30;
const DEFAULT_PERIOD: u64 = 7;
/// How many articles the ranking shows, and the select of articles offers.
const RANKING_LENGTH: u64 = 10;
const CHOICE_LENGTH: u64 = 30;

#[derive(Debug, Default, Deserialize)]
pub struct StatsQuery {
    #[serde(default)]
    artykul: String,
    #[serde(default)]
    dni: String,
    #[serde(default)]
    dzial: String,
    #[serde(default)]
    okres: String,
}

/// `value` if it is one of `allowed`, else the default.
fn chosen(value: &str, allowed: &[(u64, &str)], default: u64) -> u64 {
    value
        .parse::<u64>()
        .ok()
        .filter(|days| allowed.iter().any(|(allowed, _)| allowed == days))
        .unwrap_or(default)
}

/// The first day of a window of `days` days ending today.
fn first_day(today: NaiveDate, days: u64) -> NaiveDate {
    today
        .checked_sub_days(Days::new(days.saturating_sub(1)))
        .unwrap_or(NaiveDate::MIN)
}

/// Every day from `from` to `to`, with zero where no row is.
fn fill_days(from: NaiveDate, to: NaiveDate, rows: &[(NaiveDate, i64)]) -> Vec<(NaiveDate, u64)> {
    from.iter_days()
        .take_while(|day| *day <= to)
        .map(|day| {
            let views = rows
                .iter()
                .find(|(row_day, _)| *row_day == day)
                .map_or(0, |(_, views)| u64::try_from(*views).unwrap_or(0));
            (day, views)
        })
        .collect()
}

fn article_filter(query: &StatsQuery, choices: &[article::Model], days: u64) -> Markup {
    html! {
        form class="filters" method="get" action="/admin/stats" aria-label="Wybór artykułu" {
            @if !query.dzial.is_empty() { input type="hidden" name="dzial" value=(query.dzial); }
            @if !query.okres.is_empty() { input type="hidden" name="okres" value=(query.okres); }
            div class="field" {
                label class="label" for="statystyki-artykul" { "Artykuł" }
                p class="hint" id="statystyki-artykul-podpowiedz" { "Najczęściej czytane od publikacji. Inny artykuł wybierzesz, wpisując jego numer w adresie (artykul=…)." }
                select class="input" id="statystyki-artykul" name="artykul" aria-describedby="statystyki-artykul-podpowiedz" {
                    option value="" { "Wybierz artykuł" }
                    @for choice in choices {
                        option value=(choice.id) selected[query.artykul == choice.id.to_string()] { (choice.title) }
                    }
                }
            }
            div class="field" {
                label class="label" for="statystyki-dni" { "Okres" }
                select class="input" id="statystyki-dni" name="dni" {
                    @for (value, label) in DAY_SPANS {
                        option value=(value) selected[value == days] { (label) }
                    }
                }
            }
            div class="button-row" { button type="submit" class="button" { "Pokaż" } }
        }
    }
}

fn ranking_filter(query: &StatsQuery, sections: &[section::Model], period: u64) -> Markup {
    html! {
        form class="filters" method="get" action="/admin/stats" aria-label="Wybór działu i okresu" {
            @if !query.artykul.is_empty() { input type="hidden" name="artykul" value=(query.artykul); }
            @if !query.dni.is_empty() { input type="hidden" name="dni" value=(query.dni); }
            div class="field" {
                label class="label" for="statystyki-dzial" { "Dział" }
                select class="input" id="statystyki-dzial" name="dzial" {
                    option value="" { "Wszystkie" }
                    @for section in sections {
                        option value=(section.id) selected[query.dzial == section.id.to_string()] { (section.name) }
                    }
                }
            }
            div class="field" {
                label class="label" for="statystyki-okres" { "Okres" }
                select class="input" id="statystyki-okres" name="okres" {
                    @for (value, label) in PERIODS {
                        option value=(value) selected[value == period] { (label) }
                    }
                }
            }
            div class="button-row" { button type="submit" class="button" { "Pokaż" } }
        }
    }
}

fn period_label(allowed: &[(u64, &'static str)], days: u64) -> &'static str {
    allowed
        .iter()
        .find(|(value, _)| *value == days)
        .map_or("", |(_, label)| label)
}

/// `GET /admin/stats`.
#[handler]
pub async fn show(
    request: &Request,
    Query(query): Query<StatsQuery>,
    Data(state): Data<&AdminState>,
) -> Response {
    let session = match session::require(request, state).await {
        Ok(session) => session,
        Err(response) => return response,
    };
    let db = state.store.db();
    let today = site_today(state.time_zone);
    let days = chosen(&query.dni, &DAY_SPANS, DEFAULT_DAYS);
    let period = chosen(&query.okres, &PERIODS, DEFAULT_PERIOD);
    let sections = match taxonomy::all_sections(db).await {
        Ok(sections) => sections,
        Err(error) => return respond::unavailable(&error, "cannot read view statistics"),
    };
    let section = sections
        .iter()
        .find(|section| query.dzial == section.id.to_string());
    // The choices are ranked by the articles' total views, which an index keeps in order;
    // summing a year of daily rows for them took a fifth of a second on a large site.
    let most_viewed = ArticleOrder {
        field: SortField::Views,
        direction: SortDirection::Desc,
    };
    let published = ArticleFilter::default();
    let (mut choices, ranking) = match tokio::join!(
        find_page(db, &published, most_viewed, CHOICE_LENGTH, None),
        views::most_read(
            db,
            first_day(today, period),
            section.map(|section| section.slug.as_str()),
            RANKING_LENGTH
        ),
    ) {
        (Ok(page), Ok(ranking)) => (page.articles, ranking),
        (Err(error), _) => {
            return respond::unavailable(&error, "cannot read view statistics");
        }
        (_, Err(error)) => {
            return respond::unavailable(&error, "cannot read view statistics");
        }
    };
    // The article as this editor may see it: an author sees the numbers of their own
    // drafts and of everything published.
    let audience = Audience::of_actor(&session.actor);
    let chosen_article: Option<article::Model> = match query.artykul.trim().parse::<i64>() {
        Ok(id) => match content::article_by_id(db, id, audience).await {
            Ok(found) => found,
            Err(error) => return respond::unavailable(&error, "cannot read view statistics"),
        },
        Err(_) => None,
    };
    // An article chosen by its number stays selectable, whatever its rank.
    if let Some(found) = &chosen_article
        && !choices.iter().any(|choice| choice.id == found.id)
    {
        choices.push(found.clone());
    }
    let daily = match &chosen_article {
        Some(found) => {
            let from = first_day(today, days);
            match views::daily_views(db, &[found.id], from, today).await {
                Ok(rows) => Some(fill_days(
                    from,
                    today,
                    rows.get(&found.id).map(Vec::as_slice).unwrap_or_default(),
                )),
                Err(error) => return respond::unavailable(&error, "cannot read view statistics"),
            }
        }
        None => None,
    };
    let ranking_rows: Vec<(String, u64)> = ranking
        .iter()
        .map(|read| {
            (
                read.article.title.clone(),
                u64::try_from(read.views).unwrap_or(0),
            )
        })
        .collect();
    let ranking_title = format!(
        "Najczęściej czytane – {}, {}",
        section.map_or("wszystkie działy", |section| section.name.as_str()),
        period_label(&PERIODS, period),
    );
    let content = html! {
        div class="page-header" { h1 { "Statystyki" } }
        section class="panel" aria-labelledby="wyswietlenia-artykulu" {
            h2 id="wyswietlenia-artykulu" { "Wyświetlenia artykułu dzień po dniu" }
            (article_filter(&query, &choices, days))
            @match (&chosen_article, &daily) {
                (Some(found), Some(daily)) => {
                    @let total: u64 = daily.iter().map(|(_, views)| views).sum();
                    div id="wykres-dzienny" { (daily_views_chart(
                        "dzienne",
                        &format!("„{}” – wyświetlenia, {}", found.title, period_label(&DAY_SPANS, days)),
                        &format!("Wyświetlenia artykułu w kolejnych dniach; razem {total}."),
                        daily,
                    )) }
                    p { a href={ "/admin/articles/" (found.id) } { "Otwórz artykuł w edytorze" } }
                }
                _ => {
                    @if query.artykul.is_empty() {
                        p class="muted" { "Wybierz artykuł, aby zobaczyć jego wyświetlenia." }
                    } @else {
                        p class="muted" role="status" { "Nie ma artykułu o tym numerze albo nie masz do niego dostępu." }
                    }
                }
            }
        }
        section class="panel" aria-labelledby="najczesciej-czytane" {
            h2 id="najczesciej-czytane" { "Najczęściej czytane" }
            (ranking_filter(&query, &sections, period))
            div id="wykres-ranking" {
                (ranking_chart("ranking", &ranking_title, "Opublikowane artykuły z największą liczbą wyświetleń w wybranym okresie.", &ranking_rows))
            }
        }
    };
    respond::html(
        StatusCode::OK,
        page("Statystyki", &session, Place::Statistics, &[], content),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_offered_periods_are_taken_from_the_url() {
        assert_eq!(chosen("7", &PERIODS, DEFAULT_PERIOD), 7);
        assert_eq!(chosen("8", &PERIODS, DEFAULT_PERIOD), DEFAULT_PERIOD);
        assert_eq!(chosen("-1", &DAY_SPANS, DEFAULT_DAYS), DEFAULT_DAYS);
    }

    #[test]
    fn days_without_views_are_filled_with_zero() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 3, d).unwrap_or(NaiveDate::MIN);
        let filled = fill_days(day(1), day(3), &[(day(2), 5)]);
        assert_eq!(filled, vec![(day(1), 0), (day(2), 5), (day(3), 0)]);
    }
}
