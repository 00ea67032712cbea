//! The search outbox table: what the index has not heard of yet.
//!
//! Writers call the `enqueue*` functions on the connection of their write transaction, so
//! the row commits (or rolls back) with the change itself. The worker (`indexer`) claims
//! due rows, delivers them, and deletes them, or pushes their next attempt back.

use std::time::Duration;

use chrono::{DateTime, Utc};
use entities::{article, article_tag, search_outbox};
use sea_orm::sea_query::{Expr, LockBehavior, LockType};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::domain::ArticleStatus;

/// What a change means for the index. The worker reads the article again when it delivers,
/// so a row only says which article to look at; the operation records what the change
/// did, for whoever reads the backlog.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    /// The article is published after the change.
    Upsert,
    /// The article is not (or no longer) visible to readers.
    Delete,
    /// Not an article change: `kronika reindex` asks the server that holds the embedded
    /// index to rebuild it (`enqueue_rebuild`; `rebuild::wait_for_server` waits for it).
    Rebuild,
}

impl Operation {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Upsert => "UPSERT",
            Self::Delete => "DELETE",
            Self::Rebuild => "REBUILD",
        }
    }

    /// The operation for an article left in `status` by a change.
    pub fn for_status(status: &str) -> Self {
        if status == ArticleStatus::Published.as_str() {
            Self::Upsert
        } else {
            Self::Delete
        }
    }
}

/// Records that `article_id` changed. Call it inside the write transaction.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    article_id: i64,
    operation: Operation,
) -> Result<(), DbErr> {
    enqueue_many(db, &[article_id], operation).await
}

async fn enqueue_many(
    db: &impl ConnectionTrait,
    article_ids: &[i64],
    operation: Operation,
) -> Result<(), DbErr> {
    if article_ids.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    let rows = article_ids
        .iter()
        .map(|article_id| new_row(*article_id, operation, now));
    search_outbox::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}

/// Asks the server that holds the embedded index to rebuild it (`kronika reindex` while
/// it runs); returns the request's row id.
pub async fn enqueue_rebuild(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    // No article: the row stands for the whole index.
    let request = new_row(0, Operation::Rebuild, Utc::now())
        .insert(db)
        .await?;
    Ok(request.id)
}

/// A row due at once, never tried.
fn new_row(
    article_id: i64,
    operation: Operation,
    now: DateTime<Utc>,
) -> search_outbox::ActiveModel {
    search_outbox::ActiveModel {
        article_id: Set(article_id),
        operation: Set(operation.as_str().to_owned()),
        enqueued_at: Set(now),
        attempts: Set(0),
        next_attempt_at: Set(now),
        last_error: Set(None),
        ..Default::default()
    }
}

/// Every published article shows its section's name: a renamed section changes them all.
pub async fn enqueue_articles_in_section(
    db: &impl ConnectionTrait,
    section_id: i64,
) -> Result<(), DbErr> {
    let ids: Vec<i64> = article::Entity::find()
        .select_only()
        .column(article::Column::Id)
        .filter(article::Column::SectionId.eq(section_id))
        .filter(article::Column::Status.eq(ArticleStatus::Published))
        .into_tuple()
        .all(db)
        .await?;
    enqueue_many(db, &ids, Operation::Upsert).await
}

/// Every published article carrying a tag shows its name: a renamed tag changes them all.
pub async fn enqueue_articles_with_tag(
    db: &impl ConnectionTrait,
    tag_id: i64,
) -> Result<(), DbErr> {
    let ids: Vec<i64> = article_tag::Entity::find()
        .select_only()
        .column(article_tag::Column::ArticleId)
        .inner_join(article::Entity)
        .filter(article_tag::Column::TagId.eq(tag_id))
        .filter(article::Column::Status.eq(ArticleStatus::Published))
        .into_tuple()
        .all(db)
        .await?;
    enqueue_many(db, &ids, Operation::Upsert).await
}

/// Photo captions are searchable with the articles that show the gallery: a change of a
/// gallery's photos or captions changes those articles' documents. Gallery and photo
/// mutations call this inside their transaction.
pub async fn enqueue_articles_using_gallery(
    db: &impl ConnectionTrait,
    gallery_id: i64,
) -> Result<(), DbErr> {
    let ids: Vec<i64> = article::Entity::find()
        .select_only()
        .column(article::Column::Id)
        .filter(article::Column::GalleryId.eq(gallery_id))
        .filter(article::Column::Status.eq(ArticleStatus::Published))
        .into_tuple()
        .all(db)
        .await?;
    enqueue_many(db, &ids, Operation::Upsert).await
}

/// Every published article, for an index that starts empty.
pub async fn enqueue_all_published(db: &impl ConnectionTrait) -> Result<usize, DbErr> {
    let ids: Vec<i64> = article::Entity::find()
        .select_only()
        .column(article::Column::Id)
        .filter(article::Column::Status.eq(ArticleStatus::Published))
        .into_tuple()
        .all(db)
        .await?;
    for chunk in ids.chunks(500) {
        enqueue_many(db, chunk, Operation::Upsert).await?;
    }
    Ok(ids.len())
}

/// Every article changed at or after `since`, whatever its status: after a rebuild swapped
/// indexes, changes the worker delivered to the old index during the build are sent again.
pub async fn enqueue_changed_since(
    db: &impl ConnectionTrait,
    since: DateTime<Utc>,
) -> Result<usize, DbErr> {
    let changed: Vec<(i64, String)> = article::Entity::find()
        .select_only()
        .column(article::Column::Id)
        .column(article::Column::Status)
        .filter(article::Column::UpdatedAt.gte(since))
        .into_tuple()
        .all(db)
        .await?;
    for (article_id, status) in &changed {
        enqueue(db, *article_id, Operation::for_status(status)).await?;
    }
    Ok(changed.len())
}

/// Up to `limit` rows whose next attempt is due, oldest first. On PostgreSQL the rows are
/// locked `FOR UPDATE SKIP LOCKED`, so each replica's worker, inside its own transaction,
/// claims rows no other replica holds. SQLite has no row locks (sea-query leaves the
/// clause out there); it has one writer, and a row delivered twice is harmless.
pub async fn claim_due(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<search_outbox::Model>, DbErr> {
    search_outbox::Entity::find()
        .filter(search_outbox::Column::NextAttemptAt.lte(now))
        .order_by_asc(search_outbox::Column::Id)
        .limit(limit)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .all(db)
        .await
}

/// Deletes rows the engine has acknowledged.
pub async fn acknowledge(db: &impl ConnectionTrait, ids: &[i64]) -> Result<(), DbErr> {
    search_outbox::Entity::delete_many()
        .filter(search_outbox::Column::Id.is_in(ids.iter().copied()))
        .exec(db)
        .await?;
    Ok(())
}

/// Notes a failed delivery: one more attempt, the next one after a back-off that doubles
/// with every attempt (1 s, 2 s, 4 s …) up to `max_delay`.
pub async fn postpone(
    db: &impl ConnectionTrait,
    rows: &[search_outbox::Model],
    now: DateTime<Utc>,
    max_delay: Duration,
    error: &str,
) -> Result<(), DbErr> {
    for row in rows {
        let attempts = row.attempts.saturating_add(1);
        let delay = retry_delay(attempts, max_delay);
        let next = now + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::MAX);
        search_outbox::Entity::update_many()
            .col_expr(search_outbox::Column::Attempts, Expr::value(attempts))
            .col_expr(search_outbox::Column::NextAttemptAt, Expr::value(next))
            .col_expr(
                search_outbox::Column::LastError,
                Expr::value(Some(error.to_owned())),
            )
            .filter(search_outbox::Column::Id.eq(row.id))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// 2^(attempts−1) seconds, capped.
pub fn retry_delay(attempts: i32, max_delay: Duration) -> Duration {
    let exponent = u32::try_from(attempts.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
    Duration::from_secs(1u64 << exponent).min(max_delay)
}

/// How far behind the index is, for editors.
#[derive(Clone, Debug, PartialEq)]
pub struct OutboxStatus {
    /// Rows not yet acknowledged by the engine.
    pub backlog: u64,
    /// When the oldest of them was written.
    pub oldest_pending_at: Option<DateTime<Utc>>,
    /// The error of the most recent failed delivery still pending.
    pub last_error: Option<String>,
}

pub async fn status(db: &impl ConnectionTrait) -> Result<OutboxStatus, DbErr> {
    let backlog = search_outbox::Entity::find().count(db).await?;
    // The oldest by enqueue time, not by id: a row carrying an earlier time than rows
    // with lower ids (written by another replica or process, whose clock and commit
    // order differ) must still say how long the index has lagged.
    let oldest = search_outbox::Entity::find()
        .order_by_asc(search_outbox::Column::EnqueuedAt)
        .order_by_asc(search_outbox::Column::Id)
        .one(db)
        .await?;
    let failed = search_outbox::Entity::find()
        .filter(search_outbox::Column::LastError.is_not_null())
        .order_by_desc(search_outbox::Column::NextAttemptAt)
        .one(db)
        .await?;
    Ok(OutboxStatus {
        backlog,
        oldest_pending_at: oldest.map(|row| row.enqueued_at),
        last_error: failed.and_then(|row| row.last_error),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_retry_delay_doubles_and_stops_at_the_maximum() {
        let max = Duration::from_secs(300);
        let delays: Vec<u64> = (1..=10)
            .map(|attempt| retry_delay(attempt, max).as_secs())
            .collect();
        assert_eq!(delays, [1, 2, 4, 8, 16, 32, 64, 128, 256, 300]);
        assert_eq!(retry_delay(i32::MAX, max), max);
    }
}
