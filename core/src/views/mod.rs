//! View statistics: counting a reader's view cheaply and privately, and writing the counts
//! in batches.
//!
//! A view goes through four checks, all in memory: the User-Agent is not a bot's
//! (`bots`), the article is published (`published`, a cache in front of the database),
//! the reader has not viewed it yet today (`dedupe`, salted hashes only), and then it is
//! added to the (article, day) sums in memory (`pending`). A flusher (`flusher`) writes
//! the sums every interval with atomic increments in one transaction
//! (`content::views::add_views`), and the server's shutdown writes what is left.
//!
//! Counting never writes to the database, never changes an article's `updated_at` or
//! `version`, and never clears the response cache: a cached `viewCount` is at most one
//! cache time-to-live plus one flush interval old. A flush that wrote counts reports
//! `ContentChange::ViewCounts`, which the entity cache (holding the article rows the
//! counts live in) hears on every replica.

mod bots;
mod dedupe;
mod flusher;
mod pending;
mod published;
mod reader;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use sea_orm::DbErr;

use crate::change_signal::ChangeListener;
use crate::changes::ContentChange;
use crate::content::views::{self as sql, DailyViewIncrement};
use crate::store::ContentStore;
use bots::BotFilter;
use dedupe::{DEFAULT_DEDUPE_CAPACITY, DailyDedupe};
pub use flusher::RunningFlusher;
use pending::{PendingViews, ViewBatch, ViewKey};
use published::PublishedArticles;
pub use reader::Reader;

/// The calendar day in the site's zone right now: the day views are counted on.
pub fn site_today(time_zone: chrono_tz::Tz) -> NaiveDate {
    Utc::now().with_timezone(&time_zone).date_naive()
}

/// What became of one view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViewOutcome {
    /// Added to the article's count (written with the next flush).
    Counted,
    /// The reader already viewed this article today.
    RepeatToday,
    /// The User-Agent is a bot's, or missing.
    Bot,
    /// No published article has this id.
    NotPublished,
}

/// What one flush wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FlushReport {
    pub views: u64,
    pub articles: usize,
    pub daily_rows: usize,
    /// Views of articles deleted between counting and flushing, which have nowhere to go.
    pub dropped_views: i64,
    /// Statements inside the flush's transaction (BEGIN and COMMIT not counted).
    pub statements: usize,
    pub elapsed: Duration,
}

/// The last flush before exit failed every time; its views are lost.
#[derive(Debug, thiserror::Error)]
#[error("could not write {lost_views} counted views before exit: {cause}")]
pub struct ExitFlushFailed {
    pub lost_views: u64,
    pub cause: DbErr,
}

/// Counts views in memory and writes them in batches. Cloning is cheap: clones share the
/// same counts.
#[derive(Clone)]
pub struct ViewCounter {
    parts: Arc<CounterParts>,
}

struct CounterParts {
    /// Where counts are written, and the signal that tells caches a flush wrote some.
    store: ContentStore,
    time_zone: chrono_tz::Tz,
    bots: BotFilter,
    published: PublishedArticles,
    dedupe: DailyDedupe,
    pending: PendingViews,
    /// One flush at a time: two overlapping flushes of one process would only compete
    /// for the same rows, and a failed one must put its views back before the next runs.
    flush_lock: tokio::sync::Mutex<()>,
}

impl ViewCounter {
    pub fn new(store: ContentStore, time_zone: chrono_tz::Tz) -> Self {
        Self {
            parts: Arc::new(CounterParts {
                published: PublishedArticles::new(store.db().clone()),
                store,
                time_zone,
                bots: BotFilter::new(),
                dedupe: DailyDedupe::new(DEFAULT_DEDUPE_CAPACITY),
                pending: PendingViews::default(),
                flush_lock: tokio::sync::Mutex::new(()),
            }),
        }
    }

    /// Counts one view of `article_id` by `reader`, unless it is a bot's, a repeat, or of
    /// an article that is not published. Waits for the database only when the article's
    /// status is not in memory (its first view in a minute, typically).
    pub async fn record(&self, article_id: i64, reader: &Reader) -> Result<ViewOutcome, DbErr> {
        let parts = &self.parts;
        if parts.bots.is_bot(reader.user_agent()) {
            return Ok(ViewOutcome::Bot);
        }
        // Checked before dedupe, so that ids of no article never take dedupe memory.
        if !parts.published.is_published(article_id).await? {
            return Ok(ViewOutcome::NotPublished);
        }
        let day = site_today(parts.time_zone);
        if !parts.dedupe.first_view(day, reader, article_id) {
            return Ok(ViewOutcome::RepeatToday);
        }
        parts.pending.add(ViewKey { article_id, day }, 1);
        Ok(ViewOutcome::Counted)
    }

    /// Writes every view counted so far in one transaction. On failure the views are
    /// kept in memory for the next flush and the error is returned.
    pub async fn flush(&self) -> Result<FlushReport, DbErr> {
        let _one_flush_at_a_time = self.parts.flush_lock.lock().await;
        let started = Instant::now();
        let batch = self.parts.pending.take();
        if batch.is_empty() {
            return Ok(FlushReport::default());
        }
        let views = batch.views();
        match sql::add_views(self.parts.store.db(), &increments(&batch)).await {
            Ok(written) => {
                if written.articles > 0 {
                    // The entity caches (this replica's and the others') hold article
                    // rows with the counts just changed.
                    self.parts.store.committed(ContentChange::ViewCounts).await;
                }
                let report = FlushReport {
                    views,
                    articles: written.articles,
                    daily_rows: written.daily_rows,
                    dropped_views: written.dropped_views,
                    statements: written.statements,
                    elapsed: started.elapsed(),
                };
                crate::metrics::view_flush(report.articles, report.views, report.elapsed, true);
                tracing::debug!(
                    views = report.views,
                    articles = report.articles,
                    daily_rows = report.daily_rows,
                    statements = report.statements,
                    elapsed_ms = report.elapsed.as_secs_f64() * 1000.0,
                    "views flushed"
                );
                if report.dropped_views > 0 {
                    tracing::info!(
                        dropped_views = report.dropped_views,
                        "views of deleted articles were dropped"
                    );
                }
                Ok(report)
            }
            Err(error) => {
                // The transaction was rolled back, so none of the batch was written; it
                // goes back to memory and out with the next flush.
                self.parts.pending.restore(batch);
                crate::metrics::view_flush(0, 0, started.elapsed(), false);
                tracing::warn!(%error, views, "flushing views failed; they will be retried");
                Err(error)
            }
        }
    }

    /// The last flush, after the server has stopped taking requests: retried a few times
    /// with growing pauses, since a lost database connection often comes back quickly.
    pub async fn flush_before_exit(&self) -> Result<FlushReport, ExitFlushFailed> {
        let mut pause = flusher::EXIT_FLUSH_FIRST_PAUSE;
        let mut attempt = 1;
        loop {
            match self.flush().await {
                Ok(report) => {
                    if report.views > 0 {
                        tracing::info!(views = report.views, "views flushed before exit");
                    }
                    return Ok(report);
                }
                Err(cause) if attempt >= flusher::EXIT_FLUSH_ATTEMPTS => {
                    let lost_views = self.pending_views();
                    tracing::error!(%cause, lost_views, "views could not be written before exit");
                    return Err(ExitFlushFailed { lost_views, cause });
                }
                Err(_) => {
                    tokio::time::sleep(pause).await;
                    pause *= 2;
                    attempt += 1;
                }
            }
        }
    }

    /// Starts writing counted views every `interval` in the background.
    pub fn start_flusher(&self, interval: Duration) -> RunningFlusher {
        RunningFlusher::start(self.clone(), interval)
    }

    /// Views counted in memory and not yet written.
    pub fn pending_views(&self) -> u64 {
        self.parts.pending.views()
    }

    /// Forgets which articles are published; call after a committed content change.
    pub fn content_changed(&self) {
        self.parts.published.content_changed();
    }
}

impl ChangeListener for ViewCounter {
    /// Any change but the search index catching up may publish or unpublish articles.
    fn content_changed(&self, changes: &[ContentChange]) {
        if ContentChange::any_of_content(changes) {
            ViewCounter::content_changed(self);
        }
    }
}

impl std::fmt::Debug for ViewCounter {
    /// Shows only sizes: the counter holds nothing a log should print.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("ViewCounter")
            .field("pending_views", &self.pending_views())
            .field("remembered_readers", &self.parts.dedupe.remembered())
            .finish_non_exhaustive()
    }
}

fn increments(batch: &ViewBatch) -> Vec<DailyViewIncrement> {
    batch
        .sorted()
        .into_iter()
        .map(|(key, views)| DailyViewIncrement {
            article_id: key.article_id,
            day: key.day,
            views: i64::try_from(views).unwrap_or(i64::MAX),
        })
        .collect()
}
