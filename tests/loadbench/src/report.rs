//! What a run measured: per-worker tallies while it runs, and the merged
//! report that is printed at the end.

use anyhow::{Context, Result};
use hdrhistogram::Histogram;
use serde::Serialize;

use crate::run::RunConfig;

/// The highest latency the histogram resolves, in microseconds (one minute);
/// anything slower is recorded as this value rather than dropped.
const MAX_LATENCY_US: u64 = 60_000_000;

/// Errors by cause; only their sum goes into the JSON line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ErrorCounts {
    /// Failed connects and requests or bodies cut off by the transport.
    pub transport: u64,
    /// Responses with a status outside 2xx.
    pub status: u64,
    /// 2xx responses whose body lacks the expected text or has the
    /// rejected text.
    pub body: u64,
}

impl ErrorCounts {
    pub fn total(&self) -> u64 {
        self.transport + self.status + self.body
    }
}

/// The outcome of one run, as printed on the JSON line.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    pub label: String,
    pub connections: usize,
    pub duration_s: f64,
    /// Successful requests started after the warm-up and finished before the
    /// end; the latency figures describe exactly these.
    pub requests: u64,
    pub rps: f64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub errors: u64,
    /// Successful responses over the whole run, warm-up included: what a
    /// server that counts requests (view beacons) should have counted.
    pub all_successes: u64,
    #[serde(skip)]
    pub error_counts: ErrorCounts,
}

impl RunReport {
    /// One line for a person reading the terminal.
    pub fn human_line(&self) -> String {
        let e = &self.error_counts;
        format!(
            "{}: {} connections, {:.1} s: {} requests, {:.0} req/s, p50 {:.3} ms, p90 {:.3} ms, \
             p95 {:.3} ms, p99 {:.3} ms, max {:.3} ms, errors {} (transport {}, status {}, body {})",
            self.label,
            self.connections,
            self.duration_s,
            self.requests,
            self.rps,
            self.p50_ms,
            self.p90_ms,
            self.p95_ms,
            self.p99_ms,
            self.max_ms,
            self.errors,
            e.transport,
            e.status,
            e.body,
        )
    }
}

/// One worker's results; workers keep their own so they never contend, and
/// the histograms are merged once at the end.
#[derive(Debug)]
pub struct Tally {
    pub latencies_us: Histogram<u64>,
    pub errors: ErrorCounts,
    /// Successful responses, warm-up included.
    pub all_successes: u64,
}

impl Tally {
    pub fn new() -> Result<Self> {
        Ok(Self {
            latencies_us: Histogram::new_with_bounds(1, MAX_LATENCY_US, 3)
                .context("cannot create the latency histogram")?,
            errors: ErrorCounts::default(),
            all_successes: 0,
        })
    }

    pub fn merge(&mut self, other: &Self) -> Result<()> {
        self.latencies_us
            .add(&other.latencies_us)
            .context("cannot merge latency histograms")?;
        self.errors.transport += other.errors.transport;
        self.errors.status += other.errors.status;
        self.errors.body += other.errors.body;
        self.all_successes += other.all_successes;
        Ok(())
    }

    /// Summarises the merged tally; the rate is taken over the configured
    /// window, which is exact because every wait is cut at its end.
    pub fn report(&self, config: &RunConfig) -> RunReport {
        let h = &self.latencies_us;
        let ms = |us: u64| us as f64 / 1000.0;
        let duration_s = config.duration.as_secs_f64();
        let requests = h.len();
        RunReport {
            label: config.label.clone(),
            connections: config.connections,
            duration_s,
            requests,
            rps: requests as f64 / duration_s,
            p50_ms: ms(h.value_at_quantile(0.50)),
            p90_ms: ms(h.value_at_quantile(0.90)),
            p95_ms: ms(h.value_at_quantile(0.95)),
            p99_ms: ms(h.value_at_quantile(0.99)),
            max_ms: ms(h.max()),
            errors: self.errors.total(),
            all_successes: self.all_successes,
            error_counts: self.errors,
        }
    }
}
