//! `kronika reindex`: a complete new index from the database, swapped in when full.

use chrono::Utc;
use sea_orm::{DatabaseConnection, DbErr};
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
    db: &DatabaseConnection,
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
