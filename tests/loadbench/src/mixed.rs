//! `loadbench mixed`: several kinds of request against one server at the same
//! time, as a site gets them (reads, searches, view beacons, an editor's
//! uploads), each kind on connections of its own so that every kind keeps
//! going however slow another is. A JSON plan names the kinds:
//!
//! ```json
//! {"kinds": [
//!   {"name": "article", "connections": 16, "url": "http://127.0.0.1:8080/graphql",
//!    "body_files": ["article-1.json", "article-2.json"],
//!    "expect_substring": "\"data\"", "reject_substring": "\"errors\":"},
//!   {"name": "views", "connections": 8, "url": "http://127.0.0.1:8080/api/views/{article}",
//!    "article_ids_file": "ids.txt", "user_agent": "Mozilla/5.0", "unique_readers": true},
//!   {"name": "upload", "connections": 1, "url": "http://127.0.0.1:8080/graphql",
//!    "body_files": ["upload.multipart"], "sequence_marker": "@@@@@@@@@@@@@@@@",
//!    "headers": {"content-type": "multipart/form-data; boundary=b", "authorization": "Bearer …"}}
//! ]}
//! ```
//!
//! Relative paths are read from the plan's directory. With `--server-pid` the
//! server's resident set (`VmRSS` of `/proc/PID/status`) is sampled every
//! second, so a run also says whether memory settles after the warm-up or
//! keeps growing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use serde::{Deserialize, Serialize};
use tokio::time::{Instant, MissedTickBehavior};

use crate::report::RunReport;
use crate::run::{self, RunConfig};
use crate::target::{HttpMethod, RequestTemplate, Variation};
use crate::{read_body, read_lines};

/// How often the server's memory is sampled.
const RSS_INTERVAL: Duration = Duration::from_secs(1);

/// The kinds of request of one mixed run.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    pub kinds: Vec<Kind>,
}

/// One kind of request and the connections that send it; the fields mean what
/// the `run` flags of the same names mean. Always POST.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kind {
    pub name: String,
    pub connections: usize,
    pub url: String,
    /// Bodies sent in turn; none sends empty bodies (view beacons).
    #[serde(default)]
    pub body_files: Vec<PathBuf>,
    pub article_ids_file: Option<PathBuf>,
    pub user_agent: Option<String>,
    #[serde(default)]
    pub unique_readers: bool,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Text in each body that every request overwrites with its number.
    pub sequence_marker: Option<String>,
    pub expect_substring: Option<String>,
    pub reject_substring: Option<String>,
}

/// Everything a mixed run measured, printed as the last line (JSON).
#[derive(Debug, Serialize)]
pub struct MixedReport {
    pub kinds: Vec<RunReport>,
    pub total: Total,
    pub rss: Option<RssSummary>,
}

/// All kinds together.
#[derive(Debug, Serialize)]
pub struct Total {
    pub connections: usize,
    pub requests: u64,
    pub rps: f64,
    pub errors: u64,
}

/// The server's resident set over the run, in KiB.
#[derive(Debug, Serialize)]
pub struct RssSummary {
    pub start_kib: u64,
    /// The first sample once the warm-up is over.
    pub after_warmup_kib: u64,
    pub peak_kib: u64,
    pub end_kib: u64,
    /// Least-squares slope of the samples after the warm-up: near zero when
    /// memory is stable, positive when it keeps growing.
    pub after_warmup_slope_kib_per_minute: f64,
    /// One sample per second from the start of the run.
    pub samples_kib: Vec<u64>,
}

pub struct MixedArgs<'args> {
    pub plan: &'args Path,
    pub duration: Duration,
    pub warmup: Duration,
    pub server_pid: Option<u32>,
}

/// Runs the plan and prints one line per kind, a total, the memory figures,
/// and the whole report as JSON.
pub async fn mixed(args: MixedArgs<'_>) -> Result<()> {
    let text = std::fs::read_to_string(args.plan)
        .with_context(|| format!("cannot read {}", args.plan.display()))?;
    let plan: Plan = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a valid plan", args.plan.display()))?;
    ensure!(!plan.kinds.is_empty(), "the plan has no kinds of request");
    let base = args.plan.parent().unwrap_or_else(|| Path::new("."));
    let mut loads = Vec::with_capacity(plan.kinds.len());
    for kind in &plan.kinds {
        let template = template(kind, base)
            .await
            .with_context(|| format!("kind {:?}", kind.name))?;
        let config = RunConfig {
            label: kind.name.clone(),
            connections: kind.connections,
            duration: args.duration,
            warmup: args.warmup,
            expect_substring: kind.expect_substring.clone(),
            reject_substring: kind.reject_substring.clone(),
        };
        loads.push((Arc::new(template), config));
    }

    let until = Instant::now() + args.warmup + args.duration;
    let sampling = async {
        match args.server_pid {
            Some(pid) => Some(sample_rss(pid, until).await),
            None => None,
        }
    };
    let (reports, samples) = tokio::join!(run::run_together(&loads), sampling);
    let reports = reports?;
    let rss = match samples {
        Some(samples) => Some(summarise_rss(&samples?, args.warmup)?),
        None => None,
    };
    let total = Total {
        connections: reports.iter().map(|r| r.connections).sum(),
        requests: reports.iter().map(|r| r.requests).sum(),
        rps: reports.iter().map(|r| r.rps).sum(),
        errors: reports.iter().map(|r| r.errors).sum(),
    };
    for report in &reports {
        println!("{}", report.human_line());
    }
    println!(
        "total: {} connections, {} requests, {:.0} req/s, errors {}",
        total.connections, total.requests, total.rps, total.errors
    );
    if let Some(rss) = &rss {
        println!(
            "server RSS: start {} KiB, after warm-up {} KiB, peak {} KiB, end {} KiB, \
             slope after warm-up {:+.0} KiB/min",
            rss.start_kib,
            rss.after_warmup_kib,
            rss.peak_kib,
            rss.end_kib,
            rss.after_warmup_slope_kib_per_minute
        );
    }
    let report = MixedReport {
        kinds: reports,
        total,
        rss,
    };
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}

async fn template(kind: &Kind, base: &Path) -> Result<RequestTemplate> {
    let mut bodies = Vec::with_capacity(kind.body_files.len());
    for path in &kind.body_files {
        bodies.push(read_body(&base.join(path))?);
    }
    let article_ids = match &kind.article_ids_file {
        Some(path) => read_lines(&base.join(path))?,
        None => Vec::new(),
    };
    let variation = Variation {
        article_ids,
        user_agent: kind.user_agent.clone(),
        unique_readers: kind.unique_readers,
    };
    let first = bodies.first().cloned().unwrap_or_default();
    let mut template = RequestTemplate::new(&kind.url, HttpMethod::Post, first, variation).await?;
    if bodies.len() > 1 {
        template = template.with_bodies(bodies)?;
    }
    for (name, value) in &kind.headers {
        template = template.with_header(name, value)?;
    }
    if let Some(marker) = &kind.sequence_marker {
        template = template.with_sequence_marker(marker)?;
    }
    Ok(template)
}

/// `VmRSS` of the process every second until `until`, starting now. A server
/// that has gone away ends the sampling with an error: its figures would mean
/// nothing.
async fn sample_rss(pid: u32, until: Instant) -> Result<Vec<u64>> {
    let path = PathBuf::from(format!("/proc/{pid}/status"));
    let mut ticks = tokio::time::interval(RSS_INTERVAL);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut samples = Vec::new();
    loop {
        let tick = ticks.tick().await;
        if tick > until {
            return Ok(samples);
        }
        // A few hundred bytes from procfs, once a second: not worth a
        // blocking thread.
        let status = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}: did the server exit?", path.display()))?;
        samples.push(vm_rss_kib(&status).context("no VmRSS line")?);
    }
}

fn vm_rss_kib(status: &str) -> Option<u64> {
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn summarise_rss(samples: &[u64], warmup: Duration) -> Result<RssSummary> {
    let start_kib = *samples.first().context("no memory sample was taken")?;
    let end_kib = *samples.last().context("no memory sample was taken")?;
    // Sample n was taken n seconds into the run.
    let warm_index = usize::try_from(warmup.as_secs()).unwrap_or(usize::MAX);
    let after_warmup = samples.get(warm_index..).unwrap_or_default();
    let after_warmup_kib = after_warmup.first().copied().unwrap_or(end_kib);
    Ok(RssSummary {
        start_kib,
        after_warmup_kib,
        peak_kib: samples.iter().copied().max().unwrap_or(start_kib),
        end_kib,
        after_warmup_slope_kib_per_minute: slope_per_second(after_warmup) * 60.0,
        samples_kib: samples.to_vec(),
    })
}

/// The least-squares slope of evenly spaced samples, per sample interval.
fn slope_per_second(samples: &[u64]) -> f64 {
    let n = samples.len() as f64;
    if samples.len() < 2 {
        return 0.0;
    }
    let mean_x = (n - 1.0) / 2.0;
    let mean_y = samples.iter().map(|&y| y as f64).sum::<f64>() / n;
    let (mut covariance, mut variance) = (0.0, 0.0);
    for (x, &y) in samples.iter().enumerate() {
        let dx = x as f64 - mean_x;
        covariance += dx * (y as f64 - mean_y);
        variance += dx * dx;
    }
    covariance / variance
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_vm_rss_from_proc_status() {
        let status = "Name:\tkronika\nVmHWM:\t  52000 kB\nVmRSS:\t   41234 kB\nThreads:\t9\n";
        assert_eq!(vm_rss_kib(status), Some(41_234));
        assert_eq!(vm_rss_kib("Name:\tx\n"), None);
    }

    #[test]
    fn summarises_memory_after_the_warm_up() -> Result<()> {
        let flat = summarise_rss(&[10, 30, 50, 50, 50, 50], Duration::from_secs(2))?;
        assert_eq!(
            (
                flat.start_kib,
                flat.after_warmup_kib,
                flat.peak_kib,
                flat.end_kib
            ),
            (10, 50, 50, 50)
        );
        assert!(flat.after_warmup_slope_kib_per_minute.abs() < 1e-9);
        let growing = summarise_rss(&[10, 20, 30, 40], Duration::ZERO)?;
        assert!((growing.after_warmup_slope_kib_per_minute - 600.0).abs() < 1e-9);
        Ok(())
    }
}
