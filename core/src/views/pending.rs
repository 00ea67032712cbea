//! Views counted in memory and not yet written: one number per (article, day).
//!
//! Counting takes a mutex for one hash-map increment. A flush swaps the whole map out in
//! one short critical section and writes it without holding the lock, so counting never
//! waits for the database; if the write fails, the batch is added back and goes out with
//! the next flush. Memory is bounded by the number of published articles (times the one
//! or two days a flush interval can span), since unknown ids never get this far.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use chrono::NaiveDate;

/// Where a view is counted: an article on a calendar day of the site.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ViewKey {
    pub article_id: i64,
    pub day: NaiveDate,
}

/// Views taken out of memory by one flush.
#[derive(Debug, Default)]
pub struct ViewBatch {
    counts: HashMap<ViewKey, u64>,
}

impl ViewBatch {
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// All views in the batch.
    pub fn views(&self) -> u64 {
        self.counts.values().sum()
    }

    /// The batch as (key, views) pairs, ordered by article and day.
    pub fn sorted(&self) -> Vec<(ViewKey, u64)> {
        let mut rows: Vec<(ViewKey, u64)> = self
            .counts
            .iter()
            .map(|(key, views)| (*key, *views))
            .collect();
        rows.sort_unstable_by_key(|(key, _)| *key);
        rows
    }
}

#[derive(Debug, Default)]
pub struct PendingViews {
    counts: Mutex<HashMap<ViewKey, u64>>,
}

impl PendingViews {
    pub fn add(&self, key: ViewKey, views: u64) {
        *self.lock().entry(key).or_insert(0) += views;
    }

    /// Takes everything counted so far, leaving an empty map for the views that follow.
    pub fn take(&self) -> ViewBatch {
        ViewBatch {
            counts: std::mem::take(&mut *self.lock()),
        }
    }

    /// Puts back a batch that could not be written, adding it to what was counted since.
    pub fn restore(&self, batch: ViewBatch) {
        let mut counts = self.lock();
        for (key, views) in batch.counts {
            *counts.entry(key).or_insert(0) += views;
        }
    }

    /// Views counted and not yet written.
    pub fn views(&self) -> u64 {
        self.lock().values().sum()
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<ViewKey, u64>> {
        // Every change under this lock is a single insert or swap, so a panic elsewhere
        // cannot have left the map half-changed; the counts are still good to use.
        match self.counts.lock() {
            Ok(counts) => counts,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(article_id: i64, day: u32) -> ViewKey {
        ViewKey {
            article_id,
            day: NaiveDate::from_ymd_opt(2026, 3, day).unwrap_or_default(),
        }
    }

    #[test]
    fn views_of_one_article_and_day_are_summed() {
        let pending = PendingViews::default();
        for _ in 0..5 {
            pending.add(key(1, 1), 1);
        }
        pending.add(key(1, 2), 1);
        pending.add(key(2, 1), 1);
        let batch = pending.take();
        assert_eq!(
            batch.sorted(),
            vec![(key(1, 1), 5), (key(1, 2), 1), (key(2, 1), 1)]
        );
        assert_eq!(batch.views(), 7);
        assert!(pending.take().is_empty(), "taking empties the memory");
    }

    #[test]
    fn a_restored_batch_adds_to_views_counted_meanwhile() {
        let pending = PendingViews::default();
        pending.add(key(1, 1), 3);
        let failed = pending.take();
        pending.add(key(1, 1), 2);
        pending.add(key(2, 1), 1);
        pending.restore(failed);
        assert_eq!(pending.views(), 6);
        assert_eq!(
            pending.take().sorted(),
            vec![(key(1, 1), 5), (key(2, 1), 1)]
        );
    }
}
