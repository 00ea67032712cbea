//! Keeping the search index true to the database, and the engine behind `search`.
//!
//! Every content change writes an outbox row in its own transaction (`outbox`); the
//! indexer (`indexer`) delivers those rows as documents built from the database
//! (`documents`) to the engine the composition root opened. `kronika reindex` builds a whole new
//! index beside the live one (`rebuild`). The engines themselves live in the
//! `search-index` crate, which knows no database.

pub mod documents;
pub mod indexer;
pub mod outbox;
pub mod rebuild;

pub use indexer::{BatchReport, SearchIndexer};

use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};
use search_index::{SearchBackend, SearchQuery};

/// Queues every published article when the engine holds no document while the outbox is
/// empty and the database has published articles; returns how many were queued.
pub async fn queue_all_if_index_empty(
    db: &impl ConnectionTrait,
    engine: &dyn SearchBackend,
) -> Result<usize, rebuild::RebuildError> {
    if entities::search_outbox::Entity::find().count(db).await? > 0 {
        return Ok(0);
    }
    let probe = SearchQuery {
        limit: 1,
        ..SearchQuery::default()
    };
    if engine.search(&probe).await?.total_hits > 0 {
        return Ok(0);
    }
    Ok(outbox::enqueue_all_published(db).await?)
}
