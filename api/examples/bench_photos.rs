//! Times the upload pipeline on one photo: decode, orient, every rendition in WebP and
//! JPEG, placeholders. Used by `scripts/bench-photos.sh`, which runs libvips'
//! `vipsthumbnail` on the same photo for comparison.
//!
//! `bench_photos PHOTO [RUNS]` processes the photo RUNS times one after another;
//! `bench_photos PHOTO --concurrent N` processes it N times at once. Both print the
//! times and the process's peak resident memory (VmHWM).

use std::time::{Duration, Instant};

use kronika_core::images::pipeline::process;

const MAX_PIXELS: u64 = 50_000_000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let path = arguments
        .first()
        .ok_or("usage: bench_photos PHOTO [RUNS | --concurrent N]")?;
    let bytes = std::fs::read(path)?;
    let zone = chrono_tz::Europe::Warsaw;
    if arguments.get(1).map(String::as_str) == Some("--concurrent") {
        let count: usize = arguments.get(2).map_or(Ok(4), |count| count.parse())?;
        let started = Instant::now();
        let times = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..count)
                .map(|_| {
                    scope.spawn(|| {
                        let started = Instant::now();
                        process(&bytes, MAX_PIXELS, zone).map(|_| started.elapsed())
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|worker| worker.join().map_err(|_| "a worker panicked"))
                .collect::<Result<Vec<_>, _>>()
        })?;
        for time in times {
            time?;
        }
        println!(
            "concurrent={count} wall_ms={} peak_rss_mb={}",
            started.elapsed().as_millis(),
            peak_rss_mb()?
        );
        return Ok(());
    }
    let runs: usize = arguments.get(1).map_or(Ok(5), |runs| runs.parse())?;
    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    let mut summary = String::new();
    for _ in 0..runs {
        let started = Instant::now();
        let processed = process(&bytes, MAX_PIXELS, zone)?;
        times.push(started.elapsed());
        let total: usize = processed
            .renditions
            .iter()
            .map(|rendition| rendition.bytes.len())
            .sum();
        summary = format!(
            "{}x{} renditions={} widths={:?} rendition_bytes={total}",
            processed.width,
            processed.height,
            processed.renditions.len(),
            processed.widths()
        );
    }
    times.sort();
    let milliseconds = |time: &Duration| time.as_secs_f64() * 1000.0;
    println!(
        "{summary} runs={runs} min_ms={:.0} median_ms={:.0} peak_rss_mb={}",
        milliseconds(&times[0]),
        milliseconds(&times[times.len() / 2]),
        peak_rss_mb()?
    );
    Ok(())
}

/// The most resident memory this process has had, from /proc (Linux).
fn peak_rss_mb() -> Result<u64, Box<dyn std::error::Error>> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let kilobytes = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| {
            value
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        })
        .ok_or("no VmHWM in /proc/self/status")?;
    Ok(kilobytes / 1024)
}
