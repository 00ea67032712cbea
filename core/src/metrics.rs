//! What the core measures, by name: view flushes, photo uploads and the search outbox.
//!
//! Recording goes through the `metrics` facade; the server installs the one process-wide
//! recorder that exports them (`api`'s `metrics` module). Without a recorder (the CLI,
//! unit tests) recording does nothing. Labels take only bounded values.

use std::time::Duration;

use metrics::{counter, gauge, histogram};

/// One flush of counted views: how many articles and views it wrote, how long it took,
/// and whether it failed (its views then stay in memory for the next flush).
pub fn view_flush(articles: usize, views: u64, duration: Duration, succeeded: bool) {
    let outcome = if succeeded { "ok" } else { "error" };
    counter!("kronika_view_flushes_total", "outcome" => outcome).increment(1);
    if succeeded {
        counter!("kronika_view_flush_views_total").increment(views);
        histogram!("kronika_view_flush_articles").record(articles as f64);
    }
    histogram!("kronika_view_flush_duration_seconds").record(duration.as_secs_f64());
}

/// One upload finished (`outcome` e.g. `ok`, `rejected`,
/// `error`), with its size and the time from the first byte to the stored renditions.
pub fn upload_finished(outcome: &'static str, bytes: u64, duration: Duration) {
    counter!("kronika_uploads_total", "outcome" => outcome).increment(1);
    counter!("kronika_upload_bytes_total").increment(bytes);
    histogram!("kronika_upload_duration_seconds", "outcome" => outcome)
        .record(duration.as_secs_f64());
}

/// Rows waiting to reach the engine, and the age of
/// the oldest (zero when the backlog is empty). Call after every batch.
pub fn search_outbox_state(backlog: u64, oldest_age: Duration) {
    gauge!("kronika_search_outbox_backlog").set(backlog as f64);
    gauge!("kronika_search_outbox_lag_seconds").set(oldest_age.as_secs_f64());
}

/// One batch pushed to the engine (or failed).
pub fn search_outbox_batch(documents: usize, duration: Duration, succeeded: bool) {
    let outcome = if succeeded { "ok" } else { "error" };
    counter!("kronika_search_outbox_batches_total", "outcome" => outcome).increment(1);
    if succeeded {
        counter!("kronika_search_outbox_documents_total").increment(documents as u64);
    }
    histogram!("kronika_search_outbox_batch_duration_seconds").record(duration.as_secs_f64());
}
