use async_trait::async_trait;

use crate::{SearchDocument, SearchError, SearchQuery, SearchResults};

/// One search engine. Every engine passes the same contract test suite.
///
/// Writes are idempotent (upserting a document twice, or deleting a missing id, is fine),
/// because the outbox worker retries whatever it is not sure reached the engine.
#[async_trait]
pub trait SearchBackend: Send + Sync {
    /// Creates the index if missing and applies the settings this code expects; waits until
    /// the engine has applied them.
    async fn apply_settings(&self) -> Result<(), SearchError>;
    /// Adds or replaces documents by id; visible to `search` when this returns.
    async fn upsert(&self, documents: &[SearchDocument]) -> Result<(), SearchError>;
    /// Removes documents by id; visible to `search` when this returns.
    async fn delete(&self, ids: &[i64]) -> Result<(), SearchError>;
    async fn search(&self, query: &SearchQuery) -> Result<SearchResults, SearchError>;
    /// Whether the engine answers (for readiness checks).
    async fn health(&self) -> Result<(), SearchError>;
    /// Starts building a complete new index beside the live one; searches keep using the
    /// live index until [`IndexRebuild::finish`] swaps them.
    async fn start_rebuild(&self) -> Result<Box<dyn IndexRebuild>, SearchError>;
}

/// A new index being filled by `kronika reindex`.
#[async_trait]
pub trait IndexRebuild: Send {
    async fn add(&mut self, documents: &[SearchDocument]) -> Result<(), SearchError>;
    /// Makes the new index the live one and drops the old.
    async fn finish(self: Box<Self>) -> Result<(), SearchError>;
}
