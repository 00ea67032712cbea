//! The SQL of view statistics: writing batches of counted views, and reading daily series
//! and most-read lists.
//!
//! A batch is written with atomic increments (`view_count = view_count + n`, and an
//! upsert that adds to the day's row) in one transaction, so that any number of server
//! processes can flush into the same rows without losing each other's views, on SQLite
//! and PostgreSQL alike. A batch costs two statements per [`ARTICLES_PER_STATEMENT`]
//! articles, whatever the number of views behind them.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use entities::{article, article_view_daily, section};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, OnConflict, Order, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, IdenStatic, Iterable,
    QueryFilter, QueryOrder, QuerySelect, TransactionSession, TransactionTrait,
};

use super::published_only;

/// How many articles one UPDATE or INSERT carries. Each article costs three bound values,
/// far below SQLite's limit of 32,766 and PostgreSQL's of 65,535; larger batches are split.
pub const ARTICLES_PER_STATEMENT: usize = 500;

/// Views to add to one article's row of one day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DailyViewIncrement {
    pub article_id: i64,
    pub day: NaiveDate,
    pub views: i64,
}

/// What writing a batch did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WrittenIncrements {
    /// Articles whose total grew.
    pub articles: usize,
    /// Daily rows inserted or increased.
    pub daily_rows: usize,
    /// Views of articles that no longer exist (deleted since they were counted); dropped.
    pub dropped_views: i64,
    /// Statements sent inside the transaction (BEGIN and COMMIT not included).
    pub statements: usize,
}

/// Adds a batch of views in one transaction: each article's total, then each (article,
/// day) row. Either all of it is written or, on error, none of it.
///
/// Rows are touched in ascending article id, so that two processes flushing overlapping
/// batches into PostgreSQL lock them in the same order and wait for each other instead of
/// deadlocking. On SQLite the transaction starts IMMEDIATE, taking the write lock at once
/// (waiting for it up to the busy timeout) rather than failing when a read transaction
/// finds it must become a write.
pub async fn add_views(
    db: &impl TransactionTrait,
    increments: &[DailyViewIncrement],
) -> Result<WrittenIncrements, DbErr> {
    let mut totals: BTreeMap<i64, i64> = BTreeMap::new();
    for increment in increments {
        *totals.entry(increment.article_id).or_insert(0) += increment.views;
    }
    if totals.is_empty() {
        return Ok(WrittenIncrements::default());
    }
    let transaction = crate::db::begin_write(db).await?;
    let mut written = WrittenIncrements::default();
    let mut existing: Vec<i64> = Vec::with_capacity(totals.len());
    let totals: Vec<(i64, i64)> = totals.into_iter().collect();
    for chunk in totals.chunks(ARTICLES_PER_STATEMENT) {
        let updated = add_to_totals(&transaction, chunk).await?;
        written.statements += 1;
        existing.extend(updated);
    }
    existing.sort_unstable();
    written.articles = existing.len();

    let mut daily: Vec<DailyViewIncrement> = Vec::with_capacity(increments.len());
    for increment in increments {
        if existing.binary_search(&increment.article_id).is_ok() {
            daily.push(*increment);
        } else {
            written.dropped_views += increment.views;
        }
    }
    daily.sort_unstable_by_key(|increment| (increment.article_id, increment.day));
    for chunk in daily.chunks(ARTICLES_PER_STATEMENT) {
        add_to_days(&transaction, chunk).await?;
        written.statements += 1;
    }
    written.daily_rows = daily.len();
    transaction.commit().await?;
    Ok(written)
}

/// `UPDATE articles SET view_count = view_count + CASE id WHEN … END WHERE id IN (…)
/// RETURNING id`: one statement for the whole chunk. `updated_at` and `version` are left
/// alone on purpose: a view is not an edit. Returns the ids that exist.
async fn add_to_totals(
    db: &impl ConnectionTrait,
    totals: &[(i64, i64)],
) -> Result<Vec<i64>, DbErr> {
    let Some(((first_id, first_views), rest)) = totals.split_first() else {
        return Ok(Vec::new());
    };
    let mut views_of_article = Expr::case(article::Column::Id.eq(*first_id), *first_views);
    for (article_id, views) in rest {
        views_of_article = views_of_article.case(article::Column::Id.eq(*article_id), *views);
    }
    let views_of_article = views_of_article.finally(0_i64);
    let update = Query::update()
        .table(article::Entity)
        .value(
            article::Column::ViewCount,
            Expr::col(article::Column::ViewCount).add(views_of_article),
        )
        .and_where(article::Column::Id.is_in(totals.iter().map(|(article_id, _)| *article_id)))
        .returning_col(article::Column::Id)
        .to_owned();
    let rows = db.query_all(&update).await?;
    rows.iter()
        .map(|row| row.try_get::<i64>("", article::Column::Id.as_str()))
        .collect()
}

/// `INSERT INTO article_views_daily … ON CONFLICT (article_id, day) DO UPDATE SET views =
/// article_views_daily.views + excluded.views`: new days are inserted, existing ones grow.
async fn add_to_days(
    db: &impl ConnectionTrait,
    increments: &[DailyViewIncrement],
) -> Result<(), DbErr> {
    let mut insert = Query::insert();
    insert
        .into_table(article_view_daily::Entity)
        .columns([
            article_view_daily::Column::ArticleId,
            article_view_daily::Column::Day,
            article_view_daily::Column::Views,
        ])
        .on_conflict(
            OnConflict::columns([
                article_view_daily::Column::ArticleId,
                article_view_daily::Column::Day,
            ])
            .value(
                article_view_daily::Column::Views,
                Expr::col((
                    article_view_daily::Entity,
                    article_view_daily::Column::Views,
                ))
                .add(Expr::col((
                    Alias::new("excluded"),
                    article_view_daily::Column::Views,
                ))),
            )
            .to_owned(),
        );
    for increment in increments {
        insert
            .values([
                increment.article_id.into(),
                increment.day.into(),
                increment.views.into(),
            ])
            .map_err(|error| DbErr::Custom(error.to_string()))?;
    }
    db.execute(&insert).await?;
    Ok(())
}

/// Whether an article with this id exists and is published.
pub async fn is_published(db: &impl ConnectionTrait, article_id: i64) -> Result<bool, DbErr> {
    let found: Option<i64> = article::Entity::find()
        .select_only()
        .column(article::Column::Id)
        .filter(published_only())
        .filter(article::Column::Id.eq(article_id))
        .into_tuple()
        .one(db)
        .await?;
    Ok(found.is_some())
}

/// The daily views of several articles between two days (both included), by article and
/// in day order. Days without views have no row; the caller fills them in.
pub async fn daily_views(
    db: &impl ConnectionTrait,
    article_ids: &[i64],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<HashMap<i64, Vec<(NaiveDate, i64)>>, DbErr> {
    let rows: Vec<(i64, NaiveDate, i64)> = article_view_daily::Entity::find()
        .select_only()
        .column(article_view_daily::Column::ArticleId)
        .column(article_view_daily::Column::Day)
        .column(article_view_daily::Column::Views)
        .filter(article_view_daily::Column::ArticleId.is_in(article_ids.iter().copied()))
        .filter(article_view_daily::Column::Day.between(from, to))
        .order_by_asc(article_view_daily::Column::ArticleId)
        .order_by_asc(article_view_daily::Column::Day)
        .into_tuple()
        .all(db)
        .await?;
    let mut by_article: HashMap<i64, Vec<(NaiveDate, i64)>> = HashMap::new();
    for (article_id, day, views) in rows {
        by_article.entry(article_id).or_default().push((day, views));
    }
    Ok(by_article)
}

/// A published article and its views within a window of days.
#[derive(Clone, Debug)]
pub struct ReadArticle {
    pub article: article::Model,
    pub views: i64,
}

/// The published articles with the most views from `since` (included) on, optionally in
/// one section, most viewed first; ties go to the newer article. Articles without views in
/// the window are not listed. One statement.
pub async fn most_read(
    db: &impl ConnectionTrait,
    since: NaiveDate,
    section_slug: Option<&str>,
    first: u64,
) -> Result<Vec<ReadArticle>, DbErr> {
    let mut condition = published_only();
    if let Some(section_slug) = section_slug {
        condition = condition.add(
            article::Column::SectionId.in_subquery(
                Query::select()
                    .column(section::Column::Id)
                    .from(section::Entity)
                    .and_where(section::Column::Slug.eq(section_slug))
                    .to_owned(),
            ),
        );
    }
    let window = window_since(since);
    let statement = Query::select()
        .columns(article::Column::iter().map(|column| (article::Entity, column)))
        .column((Window::Table, Window::Views))
        .from(article::Entity)
        .join_subquery(
            sea_orm::JoinType::InnerJoin,
            window,
            Window::Table,
            Expr::col((Window::Table, Window::ArticleId))
                .equals((article::Entity, article::Column::Id)),
        )
        .cond_where(condition)
        .order_by((Window::Table, Window::Views), Order::Desc)
        .order_by((article::Entity, article::Column::PublishedAt), Order::Desc)
        .order_by((article::Entity, article::Column::Id), Order::Desc)
        .limit(first)
        .to_owned();
    let rows = db.query_all(&statement).await?;
    rows.iter()
        .map(|row| {
            Ok(ReadArticle {
                article: article::Model::from_query_result(row, "")?,
                views: row.try_get("", WINDOW_VIEWS)?,
            })
        })
        .collect()
}

/// `SELECT article_id, CAST(SUM(views) AS BIGINT) AS window_views FROM article_views_daily
/// WHERE day >= ? GROUP BY article_id`. The cast keeps the type the same on both
/// databases: PostgreSQL's SUM of a BIGINT is a NUMERIC.
fn window_since(since: NaiveDate) -> SelectStatement {
    Query::select()
        .column(article_view_daily::Column::ArticleId)
        .expr_as(
            Func::cast_as(
                Func::sum(Expr::col(article_view_daily::Column::Views)),
                Alias::new("BIGINT"),
            ),
            Window::Views,
        )
        .from(article_view_daily::Entity)
        .and_where(article_view_daily::Column::Day.gte(since))
        .group_by_col(article_view_daily::Column::ArticleId)
        .to_owned()
}

/// Names inside `most_read`'s statement: the per-article sums of the window.
#[derive(sea_orm::DeriveIden, Clone, Copy)]
enum Window {
    #[sea_orm(iden = "view_window")]
    Table,
    ArticleId,
    #[sea_orm(iden = "window_views")]
    Views,
}

/// The column name of `Window::Views`, for reading it from a row.
const WINDOW_VIEWS: &str = "window_views";
