//! View statistics in GraphQL: `recordView`, `mostRead`, and the types of `viewsByDay`.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{Days, NaiveDate};
use sea_orm::DatabaseConnection;

use super::article::{Article, parse_id};
use super::auth::ClientAddress;
use super::date::Date;
use super::error::ApiError;
use super::time::SiteTimeZone;
use kronika_core::content;
use kronika_core::views::{Reader, ViewCounter, ViewOutcome, site_today};

const DEFAULT_MOST_READ_DAYS: i32 = 7;
const MAX_MOST_READ_DAYS: i32 = 366;
const DEFAULT_MOST_READ_FIRST: i32 = 10;
const MAX_MOST_READ_FIRST: i32 = 100;
/// `viewsByDay` without `from` covers this many days up to `to`.
const DEFAULT_SERIES_DAYS: u64 = 30;
/// The longest series one `viewsByDay` returns.
const MAX_SERIES_DAYS: i64 = 366;

#[derive(Default)]
pub struct ViewQueries;

#[Object]
impl ViewQueries {
    /// The published articles read most over the last `days` calendar days (today
    /// included, in the site's zone), most viewed first; ties go to the newer article.
    /// Articles without views in that window are not listed, and an unknown section
    /// gives an empty list. Counts reach this list with each flush, every few seconds.
    async fn most_read(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Slug of a section to limit the list to.")] section: Option<String>,
        #[graphql(desc = "How many days back, 1 to 366; default 7 (today and the six before).")]
        days: Option<i32>,
        #[graphql(desc = "How many articles, 0 to 100; default 10.")] first: Option<i32>,
    ) -> Result<Vec<MostReadArticle>, ApiError> {
        let days = days.unwrap_or(DEFAULT_MOST_READ_DAYS);
        if !(1..=MAX_MOST_READ_DAYS).contains(&days) {
            return Err(ApiError::bad_input(
                "days",
                format!("`days` must be between 1 and {MAX_MOST_READ_DAYS}"),
            ));
        }
        let first = first.unwrap_or(DEFAULT_MOST_READ_FIRST);
        if !(0..=MAX_MOST_READ_FIRST).contains(&first) {
            return Err(ApiError::bad_input(
                "first",
                format!("`first` must be between 0 and {MAX_MOST_READ_FIRST}"),
            ));
        }
        // Both are in range now, so the conversions cannot fail.
        let first = u64::try_from(first).unwrap_or_default();
        let days_before_today = u64::try_from(days - 1).unwrap_or_default();
        let today = site_today(ctx.data_unchecked::<SiteTimeZone>().0);
        let since = today
            .checked_sub_days(Days::new(days_before_today))
            .unwrap_or(NaiveDate::MIN);
        let db = ctx.data_unchecked::<DatabaseConnection>();
        let read = content::views::most_read(db, since, section.as_deref(), first).await?;
        Ok(read
            .into_iter()
            .map(|read| MostReadArticle {
                article: Article::from(read.article),
                views: read.views,
            })
            .collect())
    }
}

/// An article of `mostRead` with its views in the window asked for.
#[derive(SimpleObject)]
pub struct MostReadArticle {
    article: Article,
    /// Views within the window (not the article's total, which is `article.viewCount`).
    views: i64,
}

/// The per-address limit of view beacons (`KRONIKA_RATE_LIMIT_VIEWS`). `recordView`
/// takes from the same allowance as `POST /api/views/{id}`, so that an address counts
/// no more views through GraphQL than through the beacon, nor twice as many through both.
#[derive(Clone, Debug)]
pub struct ViewRateLimit(pub crate::rate_limit::RateLimiter);

#[derive(Default)]
pub struct ViewMutations;

#[Object]
impl ViewMutations {
    /// Counts a reader's view of a published article, as the `POST /api/views/{id}`
    /// beacon does. Returns true when the view was counted and false when it was not:
    /// the same reader (address and browser) already viewed the article today, or the
    /// User-Agent is a bot's. An unknown or unpublished article is `NOT_FOUND`. Send it
    /// from the reader's browser: a server calling it for its readers is one reader. It
    /// shares the beacon's per-address rate limit (`RATE_LIMITED` beyond it).
    async fn record_view(&self, ctx: &Context<'_>, article_id: ID) -> Result<bool, ApiError> {
        let address = ctx
            .data_opt::<ClientAddress>()
            .and_then(|address| address.0);
        if let (Some(ViewRateLimit(limiter)), Some(address)) =
            (ctx.data_opt::<ViewRateLimit>(), address)
        {
            limiter.check(address).map_err(|retry_after| {
                crate::metrics::rate_limited("record_view");
                ApiError::RateLimited {
                    retry_after_seconds: retry_after.seconds(),
                }
            })?;
        }
        let not_found = || ApiError::not_found("no published article has this id");
        let article_id = parse_id(&article_id).ok_or_else(not_found)?;
        let views = ctx.data_unchecked::<ViewCounter>();
        let reader = ctx
            .data_opt::<Reader>()
            .ok_or_else(|| ApiError::internal(NoReader))?;
        match views.record(article_id, reader).await? {
            ViewOutcome::Counted => Ok(true),
            ViewOutcome::RepeatToday | ViewOutcome::Bot => Ok(false),
            ViewOutcome::NotPublished => Err(not_found()),
        }
    }
}

/// The HTTP layer attaches the reader to every request; a request without one was built
/// by some other path, which is a bug.
#[derive(Debug, thiserror::Error)]
#[error("the GraphQL request carries no reader")]
struct NoReader;

/// The views of one day.
#[derive(SimpleObject)]
pub struct DailyViews {
    day: Date,
    views: i64,
}

/// The days `viewsByDay` covers: `to` defaults to today, `from` to 29 days before `to`.
pub fn series_range(
    today: NaiveDate,
    from: Option<Date>,
    to: Option<Date>,
) -> Result<(NaiveDate, NaiveDate), ApiError> {
    let to = to.map_or(today, |day| day.0);
    let from = match from {
        Some(day) => day.0,
        None => to
            .checked_sub_days(Days::new(DEFAULT_SERIES_DAYS - 1))
            .unwrap_or(NaiveDate::MIN),
    };
    if from > to {
        return Err(ApiError::bad_input("from", "`from` must not be after `to`"));
    }
    if (to - from).num_days() >= MAX_SERIES_DAYS {
        return Err(ApiError::bad_input(
            "from",
            format!("a series covers at most {MAX_SERIES_DAYS} days"),
        ));
    }
    Ok((from, to))
}

/// Every day from `from` to `to`, with the views of the days that have any and zero for
/// the rest. `days_with_views` is in day order.
pub fn fill_series(
    from: NaiveDate,
    to: NaiveDate,
    days_with_views: &[(NaiveDate, i64)],
) -> Vec<DailyViews> {
    let mut with_views = days_with_views.iter().peekable();
    from.iter_days()
        .take_while(|day| *day <= to)
        .map(|day| {
            let views = with_views
                .next_if(|(counted_day, _)| *counted_day == day)
                .map_or(0, |(_, views)| *views);
            DailyViews {
                day: Date(day),
                views,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse()
            .unwrap_or_else(|error| panic!("{text}: {error}"))
    }

    #[test]
    fn a_series_has_every_day_and_zero_where_nothing_was_read() {
        let series = fill_series(
            day("2026-02-27"),
            day("2026-03-02"),
            &[(day("2026-02-28"), 5), (day("2026-03-02"), 1)],
        );
        let shown: Vec<(String, i64)> = series
            .iter()
            .map(|daily| (daily.day.0.to_string(), daily.views))
            .collect();
        assert_eq!(
            shown,
            [
                ("2026-02-27".to_owned(), 0),
                ("2026-02-28".to_owned(), 5),
                ("2026-03-01".to_owned(), 0),
                ("2026-03-02".to_owned(), 1),
            ]
        );
    }

    #[test]
    fn the_default_series_is_the_last_thirty_days() {
        let range = series_range(day("2026-03-31"), None, None);
        assert!(
            matches!(range, Ok((from, to)) if from == day("2026-03-02") && to == day("2026-03-31"))
        );
    }

    #[test]
    fn a_reversed_or_overlong_range_is_bad_input() {
        let reversed = series_range(
            day("2026-03-31"),
            Some(Date(day("2026-03-02"))),
            Some(Date(day("2026-03-01"))),
        );
        assert!(matches!(reversed, Err(ApiError::BadUserInput { .. })));
        let overlong = series_range(
            day("2026-03-31"),
            Some(Date(day("2024-01-01"))),
            Some(Date(day("2026-03-01"))),
        );
        assert!(matches!(overlong, Err(ApiError::BadUserInput { .. })));
    }
}
