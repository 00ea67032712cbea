//! The background task that writes counted views every flush interval, and the last
//! flush before the process exits.

use std::time::Duration;

use tokio::task::JoinHandle;
use tokio::time::MissedTickBehavior;
use tokio_util::sync::CancellationToken;

use super::ViewCounter;

/// A flusher started by [`ViewCounter::start_flusher`]; [`RunningFlusher::stop`] ends it.
#[derive(Debug)]
pub struct RunningFlusher {
    stop: CancellationToken,
    task: JoinHandle<()>,
}

impl RunningFlusher {
    pub(super) fn start(counter: ViewCounter, interval: Duration) -> Self {
        let stop = CancellationToken::new();
        let task = tokio::spawn(flush_every(counter, interval, stop.clone()));
        Self { stop, task }
    }

    /// Stops the periodic flushes, waiting for one that is under way to finish. Views
    /// still in memory stay there for [`ViewCounter::flush_before_exit`].
    pub async fn stop(self) {
        self.stop.cancel();
        if let Err(error) = self.task.await {
            tracing::error!(%error, "the view flusher ended abnormally");
        }
    }
}

/// Flushes on every tick until stopped. A failed flush has already put its views back
/// (see `ViewCounter::flush`), so the next tick simply tries again; the interval itself
/// is the back-off.
async fn flush_every(counter: ViewCounter, interval: Duration, stop: CancellationToken) {
    let mut ticks = tokio::time::interval(interval);
    // A slow flush must not be followed by a burst of catch-up flushes.
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    // The first tick completes at once; there is nothing to flush at start.
    ticks.tick().await;
    loop {
        tokio::select! {
            biased;
            () = stop.cancelled() => break,
            _ = ticks.tick() => {
                // The outcome is logged inside `flush`; a failure is retried next tick.
                let _ = counter.flush().await;
            }
        }
    }
}

/// How often the last flush is tried before its views are given up, and the pause
/// before the first retry (doubled after each failure): about three seconds in all.
pub(super) const EXIT_FLUSH_ATTEMPTS: u32 = 5;
pub(super) const EXIT_FLUSH_FIRST_PAUSE: Duration = Duration::from_millis(200);
