//! The outbox worker: delivers committed content changes to the search engine.
//!
//! It wakes when this process commits a change (it listens to `ContentChanges`) and otherwise
//! every poll interval, for changes of other replicas and for retries. Each batch claims
//! due outbox rows, reads the articles again (published ones become documents, anything
//! else a delete), sends them, and deletes the rows once the engine has acknowledged; a
//! failure leaves the rows with a later next attempt. Nothing here can fail a content
//! write: the write committed its outbox row and returned long before. A rebuild request
//! (`kronika reindex` while this server holds the embedded index) is run here too.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use entities::search_outbox;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, TransactionTrait};
use search_index::{SearchBackend, SearchDocument, SearchError};
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::rebuild::{self, RebuildError};
use super::{documents, outbox};
use crate::change_broadcast;
use crate::change_signal::{ChangeListener, ContentChanges};
use crate::changes::ContentChange;

/// Rows claimed per batch. Big enough to catch up quickly after an outage, small enough
/// that a batch is one modest request to the engine.
const BATCH_SIZE: u64 = 200;

/// What one batch did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BatchReport {
    /// Outbox rows acknowledged and deleted.
    pub delivered: usize,
    /// Outbox rows whose delivery failed and was postponed.
    pub failed: usize,
}

/// Delivers the outbox to the engine. Cloning shares it.
#[derive(Clone)]
pub struct SearchIndexer {
    inner: Arc<Inner>,
}

struct Inner {
    db: DatabaseConnection,
    engine: Arc<dyn SearchBackend>,
    wake: Arc<Notify>,
    settings_applied: AtomicBool,
    changes: ContentChanges,
    poll_interval: Duration,
    max_retry_delay: Duration,
}

impl std::fmt::Debug for SearchIndexer {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("SearchIndexer")
            .field("poll_interval", &self.inner.poll_interval)
            .field("max_retry_delay", &self.inner.max_retry_delay)
            .finish_non_exhaustive()
    }
}

impl SearchIndexer {
    pub fn new(
        db: DatabaseConnection,
        engine: Arc<dyn SearchBackend>,
        changes: ContentChanges,
        poll_interval: Duration,
        max_retry_delay: Duration,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                db,
                engine,
                wake: Arc::new(Notify::new()),
                settings_applied: AtomicBool::new(false),
                changes,
                poll_interval,
                max_retry_delay,
            }),
        }
    }

    pub fn engine(&self) -> &Arc<dyn SearchBackend> {
        &self.inner.engine
    }

    /// Asks the worker to look at the outbox now. A wake-up while the worker is busy is
    /// remembered, not lost.
    pub fn wake(&self) {
        self.inner.wake.notify_one();
    }

    /// The listener that wakes the worker on every committed change, to subscribe to
    /// `ContentChanges`. It holds only the wake-up, not the indexer, so the signal and
    /// the indexer (which reports through the signal) do not keep each other alive.
    pub fn wake_on_changes(&self) -> Arc<dyn ChangeListener> {
        Arc::new(WakeOnChanges(self.inner.wake.clone()))
    }

    /// Creates the index and applies its settings, once; later calls do nothing after a
    /// success. A failure is returned and tried again before the next batch.
    pub async fn ensure_settings(&self) -> Result<(), SearchError> {
        if self.inner.settings_applied.load(Ordering::Acquire) {
            return Ok(());
        }
        self.inner.engine.apply_settings().await?;
        self.inner.settings_applied.store(true, Ordering::Release);
        Ok(())
    }

    /// Starts the background worker; [`RunningIndexer::stop`] ends it.
    pub fn start(&self) -> RunningIndexer {
        let stop = CancellationToken::new();
        let task = tokio::spawn(self.clone().run(stop.clone()));
        RunningIndexer { stop, task }
    }

    async fn run(self, stop: CancellationToken) {
        loop {
            // Drain everything due, one batch after another, while batches come full.
            loop {
                match self.deliver_due().await {
                    Ok(report) if report.failed == 0 && report.delivered as u64 >= BATCH_SIZE => {}
                    Ok(_) => break,
                    Err(error) => {
                        tracing::error!(%error, "the search indexer cannot read its outbox");
                        break;
                    }
                }
            }
            tokio::select! {
                biased;
                () = stop.cancelled() => break,
                () = self.inner.wake.notified() => {}
                () = tokio::time::sleep(self.inner.poll_interval) => {}
            }
        }
    }

    /// Delivers everything due now, batch after batch, and returns the sum. A failed batch
    /// ends the run (its rows wait for their back-off). Tests and `kronika reindex` use it;
    /// the server's worker does the same by itself.
    pub async fn deliver_all_due(&self) -> Result<BatchReport, DbErr> {
        let mut total = BatchReport::default();
        loop {
            let report = self.deliver_due().await?;
            total.delivered += report.delivered;
            total.failed += report.failed;
            if report.failed > 0 || report.delivered == 0 {
                return Ok(total);
            }
        }
    }

    /// One batch. On PostgreSQL the claimed rows stay locked (`SKIP LOCKED`) in one
    /// transaction until they are acknowledged or postponed, so replicas never deliver the
    /// same rows at once. On SQLite nothing is held while the engine works (holding the
    /// single write lock that long would stall editors); the results are written in a
    /// short transaction afterwards.
    pub async fn deliver_due(&self) -> Result<BatchReport, DbErr> {
        let db = &self.inner.db;
        let now = Utc::now();
        let started = Instant::now();
        let report = if db.get_database_backend() == DbBackend::Postgres {
            let transaction = db.begin().await?;
            let rows = outbox::claim_due(&transaction, now, BATCH_SIZE).await?;
            let outcome = self.send(&transaction, &rows).await?;
            let report = self.record(&transaction, &rows, now, outcome).await?;
            if report.delivered > 0 {
                // The other replicas answer searches from the same engine: their cached
                // searches are stale once this commits.
                change_broadcast::announce(
                    &transaction,
                    self.inner.changes.replica(),
                    ContentChange::SearchIndex,
                )
                .await?;
            }
            transaction.commit().await?;
            report
        } else {
            let rows = outbox::claim_due(db, now, BATCH_SIZE).await?;
            let outcome = self.send(db, &rows).await?;
            let transaction = crate::db::begin_write(db).await?;
            let report = self.record(&transaction, &rows, now, outcome).await?;
            transaction.commit().await?;
            report
        };
        if report.delivered + report.failed > 0 {
            crate::metrics::search_outbox_batch(
                report.delivered,
                started.elapsed(),
                report.failed == 0,
            );
        }
        if report.delivered > 0 {
            // The index changed after the commit that reported the content change:
            // searches answered in between (cached here or by a CDN) are stale now.
            self.inner.changes.notify(&[ContentChange::SearchIndex]);
        }
        Ok(report)
    }

    /// Sends the current state of the rows' articles. `Ok(Err(_))` is an engine failure,
    /// to be retried; `Err(_)` is a database failure.
    async fn send(
        &self,
        db: &impl ConnectionTrait,
        rows: &[search_outbox::Model],
    ) -> Result<Result<(), SearchError>, DbErr> {
        if rows.is_empty() {
            return Ok(Ok(()));
        }
        let (rebuild_requests, changes): (Vec<_>, Vec<_>) = rows
            .iter()
            .partition(|row| row.operation == outbox::Operation::Rebuild.as_str());
        if !rebuild_requests.is_empty() {
            // The changes claimed with the request go to the new index afterwards.
            match rebuild::rebuild(db, self.inner.engine.as_ref()).await {
                Ok(report) => tracing::info!(
                    indexed = report.indexed,
                    requeued = report.requeued,
                    "rebuilt the search index on request"
                ),
                Err(RebuildError::Database(error)) => return Err(error),
                Err(RebuildError::Engine(error)) => return Ok(Err(error)),
            }
        }
        let mut article_ids: Vec<i64> = changes.iter().map(|row| row.article_id).collect();
        article_ids.sort_unstable();
        article_ids.dedup();
        let mut documents = documents::published_documents(db, &article_ids).await?;
        let deleted: Vec<i64> = article_ids
            .iter()
            .copied()
            .filter(|id| !documents.contains_key(id))
            .collect();
        let upserted: Vec<SearchDocument> = article_ids
            .iter()
            .filter_map(|id| documents.remove(id))
            .collect();
        Ok(self.send_documents(&upserted, &deleted).await)
    }

    async fn send_documents(
        &self,
        upserted: &[SearchDocument],
        deleted: &[i64],
    ) -> Result<(), SearchError> {
        self.ensure_settings().await?;
        if !upserted.is_empty() {
            self.inner.engine.upsert(upserted).await?;
        }
        if !deleted.is_empty() {
            self.inner.engine.delete(deleted).await?;
        }
        Ok(())
    }

    async fn record(
        &self,
        db: &impl ConnectionTrait,
        rows: &[search_outbox::Model],
        now: DateTime<Utc>,
        outcome: Result<(), SearchError>,
    ) -> Result<BatchReport, DbErr> {
        if rows.is_empty() {
            return Ok(BatchReport::default());
        }
        match outcome {
            Ok(()) => {
                let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
                outbox::acknowledge(db, &ids).await?;
                Ok(BatchReport {
                    delivered: rows.len(),
                    failed: 0,
                })
            }
            Err(error) => {
                tracing::warn!(%error, rows = rows.len(), "search index delivery failed; will retry");
                outbox::postpone(
                    db,
                    rows,
                    now,
                    self.inner.max_retry_delay,
                    &error.to_string(),
                )
                .await?;
                Ok(BatchReport {
                    delivered: 0,
                    failed: rows.len(),
                })
            }
        }
    }
}

/// A worker started by [`SearchIndexer::start`].
#[derive(Debug)]
pub struct RunningIndexer {
    stop: CancellationToken,
    task: JoinHandle<()>,
}

impl RunningIndexer {
    /// Stops the worker after the batch under way. Undelivered rows stay in the outbox for
    /// the next start.
    pub async fn stop(self) {
        self.stop.cancel();
        if let Err(error) = self.task.await {
            tracing::error!(%error, "the search indexer ended abnormally");
        }
    }
}

#[cfg(test)]
#[path = "indexer_tests.rs"]
mod tests;

/// Wakes the worker when content changes, except for the index's own report that it
/// applied a batch (which the worker itself sent).
struct WakeOnChanges(Arc<Notify>);

impl ChangeListener for WakeOnChanges {
    fn content_changed(&self, changes: &[ContentChange]) {
        if ContentChange::any_of_content(changes) {
            self.0.notify_one();
        }
    }
}
