//! Speed of the embedded engine: indexes N generated Polish articles (default 100,000)
//! into a fresh on-disk index through the rebuild path `kronika reindex` uses, then times
//! one- to four-word queries as a reader types them (the last word a prefix).
//!
//! Run: `cargo run --release -p search-index --example search_speed [-- ARTICLES]`.
//! The articles are generated deterministically from the Polish prose in
//! `fixtures/polish-text` (see its README for sources and licences), so every run indexes
//! the same texts and asks the same queries.

#![expect(clippy::expect_used, reason = "a benchmark stops loudly on any error")]

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use search_index::{
    Analyzer, SearchBackend, SearchDocument, SearchQuery, TantivyBackend, TaxonomyRef,
};

const BATCH: usize = 1_000;
const QUERIES_PER_LENGTH: usize = 500;
const SECTIONS: [&str; 8] = [
    "aktualnosci",
    "region",
    "gospodarka",
    "kultura",
    "sport",
    "edukacja",
    "zdrowie",
    "poradniki",
];

/// SplitMix64: a tiny deterministic generator, enough to pick paragraphs.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    fn pick<'a>(&mut self, items: &'a [String]) -> &'a str {
        &items[self.below(items.len())]
    }
}

fn paragraphs() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/polish-text");
    let mut paragraphs = Vec::new();
    for file in ["gnome-help-pl.txt", "debian-handbook-pl.txt", "udhr-pl.txt"] {
        let text = std::fs::read_to_string(dir.join(file)).expect("fixture text");
        paragraphs.extend(
            text.split("\n\n")
                .map(|paragraph| paragraph.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|paragraph| paragraph.len() >= 60 && !paragraph.starts_with("###")),
        );
    }
    paragraphs
}

fn article(id: usize, random: &mut Random, paragraphs: &[String]) -> SearchDocument {
    let title: String = random
        .pick(paragraphs)
        .split_whitespace()
        .take(4 + random.below(8))
        .collect::<Vec<_>>()
        .join(" ");
    let lead = random.pick(paragraphs).to_owned();
    let body = (0..3 + random.below(5))
        .map(|_| random.pick(paragraphs))
        .collect::<Vec<_>>()
        .join("\n\n");
    let taxonomy = |slug: String| TaxonomyRef {
        name: slug.clone(),
        slug,
    };
    let section = SECTIONS[random.below(SECTIONS.len())].to_owned();
    SearchDocument {
        id: id as i64,
        slug: format!("artykul-{id}"),
        title,
        lead,
        body,
        section: taxonomy(section),
        tags: (0..random.below(4))
            .map(|_| taxonomy(format!("tag-{}", random.below(40))))
            .collect(),
        published_at: Utc
            .timestamp_opt(1_500_000_000 + id as i64 * 3_600, 0)
            .unwrap(),
        view_count: random.below(10_000) as i64,
        photo_captions: (0..random.below(3))
            .map(|_| {
                random
                    .pick(paragraphs)
                    .split_whitespace()
                    .take(8)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect(),
        attachments: Vec::new(),
    }
}

/// Queries as a reader types them: `words` consecutive words of a paragraph, lowercased,
/// without a trailing space (so the last word is also a prefix).
fn queries(words: usize, random: &mut Random, paragraphs: &[String]) -> Vec<String> {
    let mut queries = Vec::new();
    while queries.len() < QUERIES_PER_LENGTH {
        let paragraph: Vec<&str> = random
            .pick(paragraphs)
            .split(|c: char| !c.is_alphanumeric())
            .filter(|word| word.chars().count() >= 3)
            .collect();
        if paragraph.len() < words {
            continue;
        }
        let start = random.below(paragraph.len() - words + 1);
        queries.push(paragraph[start..start + words].join(" ").to_lowercase());
    }
    queries
}

fn directory_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .flatten()
                .map(|entry| match entry.metadata() {
                    Ok(meta) if meta.is_dir() => directory_size(&entry.path()),
                    Ok(meta) => meta.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    sorted[index]
}

#[tokio::main]
async fn main() {
    let count: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let paragraphs = paragraphs();
    let data_dir = tempfile::tempdir().expect("temporary directory");
    let backend =
        TantivyBackend::open(data_dir.path(), Arc::new(Analyzer::polish())).expect("open");
    println!(
        "{} paragraphs of Polish prose; generating {count} articles",
        paragraphs.len()
    );

    let mut random = Random(2026);
    let started = Instant::now();
    let mut rebuild = backend.start_rebuild().await.expect("start rebuild");
    let mut text_bytes = 0usize;
    for first in (0..count).step_by(BATCH) {
        let batch: Vec<SearchDocument> = (first..(first + BATCH).min(count))
            .map(|id| article(id, &mut random, &paragraphs))
            .collect();
        text_bytes += batch
            .iter()
            .map(|a| a.title.len() + a.lead.len() + a.body.len())
            .sum::<usize>();
        rebuild.add(&batch).await.expect("add");
    }
    rebuild.finish().await.expect("finish");
    let indexing = started.elapsed();
    println!(
        "indexed {count} articles ({:.0} MiB of text) in {:.1} s: {:.0} articles/s",
        text_bytes as f64 / 1_048_576.0,
        indexing.as_secs_f64(),
        count as f64 / indexing.as_secs_f64()
    );
    println!(
        "index size: {:.0} MiB",
        directory_size(data_dir.path()) as f64 / 1_048_576.0
    );

    // A few searches to fault the index files into the page cache, as a running server has.
    for query in queries(2, &mut Random(1), &paragraphs).iter().take(100) {
        let _ = backend
            .search(&SearchQuery {
                text: query.clone(),
                limit: 10,
                ..SearchQuery::default()
            })
            .await;
    }
    println!("| words | queries | p50 | p99 | max | mean hits |");
    println!("| ---: | ---: | ---: | ---: | ---: | ---: |");
    for words in 1..=4 {
        let mut timings = Vec::new();
        let mut hits = 0usize;
        for text in queries(words, &mut random, &paragraphs) {
            let query = SearchQuery {
                text,
                limit: 10,
                ..SearchQuery::default()
            };
            let started = Instant::now();
            let results = backend.search(&query).await.expect("search");
            timings.push(started.elapsed());
            hits += results.total_hits;
        }
        timings.sort_unstable();
        let ms = |duration: Duration| format!("{:.2} ms", duration.as_secs_f64() * 1000.0);
        println!(
            "| {words} | {} | {} | {} | {} | {} |",
            timings.len(),
            ms(percentile(&timings, 0.50)),
            ms(percentile(&timings, 0.99)),
            ms(timings[timings.len() - 1]),
            hits / timings.len()
        );
    }
}
