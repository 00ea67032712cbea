//! `kronika reindex`: a complete new index from the database, swapped in when full.
//!
//! Meilisearch can be rebuilt by any process. The embedded index can only be written by
//! the process that holds it open: while a server runs, `kronika reindex` leaves a rebuild
//! request in the outbox, and the server's indexer runs the same [`rebuild`] in-process.

use std::time::Duration;

use chrono::Utc;
use entities::search_outbox;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};
use search_index::{SearchBackend, SearchError};

use super::{documents, outbox};

/// Articles read and sent per step.
const PAGE_SIZE: u64 = 500;

#[derive(Debug, thiserror::Error)]
pub enum RebuildError {
    #[error("database: {0}")]
    Database(#[from] DbErr),
    #[error(transparent)]
    Engine(#[from] SearchError),
}

/// What a rebuild did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RebuildReport {
    /// Published articles in the new index.
    pub indexed: usize,
    /// Articles changed while the index was being built, queued for the indexer again.
    pub requeued: usize,
}

/// Builds a new index of every published article beside the live one, which keeps
/// answering searches, then swaps them. Changes committed during the build may have been
/// delivered to the old index only, so articles changed since the start are queued again.
pub async fn rebuild(
    db: &impl ConnectionTrait,
    engine: &dyn SearchBackend,
) -> Result<RebuildReport, RebuildError> {
    // A second's margin covers clocks of replicas that stamp `updated_at` slightly behind.
    let started_at = Utc::now() - chrono::Duration::seconds(1);
    engine.apply_settings().await?;
    let mut new_index = engine.start_rebuild().await?;
    let mut indexed = 0;
    let mut after_id = 0;
    loop {
        let page = documents::published_page(db, after_id, PAGE_SIZE).await?;
        let Some(last) = page.last() else {
            break;
        };
        after_id = last.id;
        indexed += page.len();
        new_index.add(&page).await?;
    }
    new_index.finish().await?;
    let requeued = outbox::enqueue_changed_since(db, started_at).await?;
    Ok(RebuildReport { indexed, requeued })
}

/// How a rebuild request left with a server ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServerRebuild {
    /// The server rebuilt the index and removed the request.
    Done,
    /// The server tried and failed; the request stays queued and will be retried.
    Failed(String),
}

/// Waits until the server has taken the request `id` (from `outbox::enqueue_rebuild`)
/// out of the outbox (done) or noted a failure on it. The server looks at its outbox at
/// least once a poll interval.
pub async fn wait_for_server(
    db: &impl ConnectionTrait,
    id: i64,
    check_every: Duration,
) -> Result<ServerRebuild, DbErr> {
    loop {
        match search_outbox::Entity::find_by_id(id).one(db).await? {
            None => return Ok(ServerRebuild::Done),
            Some(row) => {
                if let Some(error) = row.last_error {
                    return Ok(ServerRebuild::Failed(error));
                }
            }
        }
        tokio::time::sleep(check_every).await;
    }
}
