//! Speed of the embedded engine on questions as people type them, inside one process: the
//! articles and questions of `scripts/bench-search.sh` without the HTTP server around them,
//! so the engine's own cost per question can be timed and profiled (`perf record`).
//!
//! Run: `cargo run --release -p search-index --example question_speed [-- ARTICLES [ROUNDS]]`
//! (default 10,000 articles, 5 rounds over the questions). Article n is help page n mod
//! 2,551 of the relevance data set (`search-index/relevance`, MPL-2.0), from the second
//! round on with 1,000 characters of another page appended, exactly as bench-search seeds
//! them; the questions are those of `questions-pl.json` with 6 to 12 words. Each search
//! asks for 10 hits with highlighted titles and snippets, the total and the facets, as a
//! results page does.

#![expect(clippy::expect_used, reason = "a benchmark stops loudly on any error")]

#[path = "relevance/dataset.rs"]
mod dataset;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use search_index::{
    Analyzer, SearchBackend, SearchDocument, SearchQuery, TantivyBackend, TaxonomyRef,
};

use dataset::{DATASET_PATH, Dataset, Page};

const BATCH: usize = 1_000;

/// Article `number` as bench-search.sh writes it into the database.
fn article(number: usize, pages: &[Page]) -> SearchDocument {
    let page = &pages[number % pages.len()];
    let (mut title, mut text) = (page.title.clone(), page.text.clone());
    if number >= pages.len() {
        let other = &pages[(number * 7919) % pages.len()];
        title = format!("{title} ({})", number / pages.len() + 1);
        let appended: String = other.text.chars().take(1_000).collect();
        text = format!("{text} {appended}");
    }
    let lead: String = text.chars().take(200).collect();
    let lead = lead
        .rsplit_once(' ')
        .map_or(lead.as_str(), |(kept, _)| kept);
    SearchDocument {
        id: number as i64,
        slug: format!("pomoc-{number}"),
        title,
        lead: lead.to_owned(),
        body: text,
        section: TaxonomyRef {
            slug: "pomoc".into(),
            name: "Pomoc".into(),
        },
        tags: Vec::new(),
        published_at: Utc
            .timestamp_opt(1_600_000_000 + number as i64 * 60, 0)
            .single()
            .expect("a valid date"),
        view_count: 0,
        photo_captions: Vec::new(),
        attachments: Vec::new(),
    }
}

/// Segments of the index under `dir`: each has one `.store` file.
fn segment_count(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|entry| match entry.file_type() {
                    Ok(kind) if kind.is_dir() => segment_count(&entry.path()),
                    _ => usize::from(entry.path().extension().is_some_and(|e| e == "store")),
                })
                .sum()
        })
        .unwrap_or(0)
}

fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * fraction).round() as usize]
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let rounds: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(5);
    // The first round only warms the index up: one round would time nothing.
    assert!(
        rounds >= 2,
        "ROUNDS must be 2 or more (the first round is not timed)"
    );
    let dataset = Dataset::load(DATASET_PATH.as_ref()).expect("relevance data set");
    let questions = dataset.speed_questions().expect("questions");

    let data_dir = tempfile::tempdir().expect("temporary directory");
    let backend =
        TantivyBackend::open(data_dir.path(), Arc::new(Analyzer::polish())).expect("open");
    let started = Instant::now();
    let mut rebuild = backend.start_rebuild().await.expect("start rebuild");
    for first in (0..count).step_by(BATCH) {
        let batch: Vec<SearchDocument> = (first..(first + BATCH).min(count))
            .map(|number| article(number, &dataset.pages))
            .collect();
        rebuild.add(&batch).await.expect("add");
    }
    rebuild.finish().await.expect("finish");
    println!(
        "indexed {count} articles in {:.1} s into {} segments; {} questions of 6 to 12 words",
        started.elapsed().as_secs_f64(),
        segment_count(data_dir.path()),
        questions.len()
    );

    let mut timings = Vec::new();
    let mut total_hits = 0usize;
    for round in 0..rounds {
        for text in &questions {
            let query = SearchQuery {
                text: text.clone(),
                limit: 10,
                ..SearchQuery::default()
            };
            let started = Instant::now();
            let results = backend.search(&query).await.expect("search");
            // The first round faults the index into memory, as a running server has it.
            if round > 0 {
                timings.push(started.elapsed());
                total_hits += results.total_hits;
            }
        }
    }
    timings.sort_unstable();
    let ms = |duration: Duration| format!("{:.2} ms", duration.as_secs_f64() * 1000.0);
    let mean = timings.iter().sum::<Duration>() / timings.len() as u32;
    println!("| searches | mean | p50 | p99 | max | mean total hits |");
    println!("| ---: | ---: | ---: | ---: | ---: | ---: |");
    println!(
        "| {} | {} | {} | {} | {} | {} |",
        timings.len(),
        ms(mean),
        ms(percentile(&timings, 0.50)),
        ms(percentile(&timings, 0.99)),
        ms(timings[timings.len() - 1]),
        total_hits / timings.len()
    );
}
