//! The relevance benchmark: the Polish LibreOffice help (2,551 pages) searched with its own
//! alphabetical index (5,103 queries, the linked pages being the relevant ones), reporting
//! MRR@10 and Success@10 for all queries and for the inflected ones, for each analysis mode.
//!
//! ```text
//! cargo run --release -p search-index --example relevance [-- --engine bm25|embedded|all] [--analysis plain|snowball|full]
//! ```
//! `bm25` is a plain BM25 over the analyser's output, `embedded` the tantivy backend; every
//! analysis mode runs unless `--analysis` names one.
//! Prints a Markdown table; figures go into BENCHMARKS.md.

#[path = "relevance/bm25.rs"]
mod bm25;
#[path = "relevance/dataset.rs"]
mod dataset;
#[path = "relevance/embedded.rs"]
mod embedded;
#[path = "relevance/metrics.rs"]
mod metrics;

use std::path::Path;
use std::time::Instant;

use bm25::Bm25;
use dataset::{DATASET_PATH, Dataset};
use embedded::Embedded;
use metrics::Scores;
use search_index::AnalysisMode;

const MODES: [AnalysisMode; 3] = [
    AnalysisMode::Plain,
    AnalysisMode::Snowball,
    AnalysisMode::Full,
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let option = |name: &str| std::env::args().skip_while(|a| a != name).nth(1);
    let engine = option("--engine").unwrap_or_else(|| "all".to_owned());
    let analysis = option("--analysis").map(|name| name.to_lowercase());
    let dataset = Dataset::load(Path::new(DATASET_PATH))?;
    let inflected = dataset.queries.iter().filter(|q| q.inflected).count();
    println!(
        "{}: {} pages, {} queries ({} inflected)\n",
        dataset.source,
        dataset.pages.len(),
        dataset.queries.len(),
        inflected
    );
    println!(
        "| engine | analysis | MRR@10 | Success@10 | MRR@10 inflected | Success@10 inflected | indexing | per query |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let modes = MODES.into_iter().filter(|mode| {
        analysis
            .as_ref()
            .is_none_or(|name| format!("{mode:?}").to_lowercase() == *name)
    });
    for mode in modes {
        if engine == "bm25" || engine == "all" {
            let started = Instant::now();
            let bm25 = Bm25::build(
                mode,
                dataset
                    .pages
                    .iter()
                    .map(|p| format!("{}\n{}", p.title, p.text)),
            );
            let indexing = started.elapsed();
            let results = run(&dataset, |query| Ok(bm25.search(query, 10)))?;
            report("BM25 (reference)", mode, results, indexing);
        }
        if engine == "embedded" || engine == "all" {
            let started = Instant::now();
            let embedded = Embedded::build(mode, &dataset.pages)?;
            let indexing = started.elapsed();
            let results = run(&dataset, |query| embedded.search(query, 10))?;
            report("embedded (tantivy)", mode, results, indexing);
        }
    }
    Ok(())
}

struct RunResults {
    all: Scores,
    inflected: Scores,
    per_query: std::time::Duration,
}

fn run(
    dataset: &Dataset,
    mut search: impl FnMut(&str) -> Result<Vec<usize>, Box<dyn std::error::Error>>,
) -> Result<RunResults, Box<dyn std::error::Error>> {
    let mut all = Scores::default();
    let mut inflected = Scores::default();
    let started = Instant::now();
    for query in &dataset.queries {
        let ranked = search(&query.text)?;
        all.add(&ranked, &query.relevant);
        if query.inflected {
            inflected.add(&ranked, &query.relevant);
        }
    }
    Ok(RunResults {
        all,
        inflected,
        per_query: started.elapsed() / dataset.queries.len().max(1) as u32,
    })
}

fn report(engine: &str, mode: AnalysisMode, r: RunResults, indexing: std::time::Duration) {
    println!(
        "| {engine} | {mode:?} | {:.3} | {:.3} | {:.3} | {:.3} | {:.1} s | {:.2} ms |",
        r.all.mrr(),
        r.all.success(),
        r.inflected.mrr(),
        r.inflected.success(),
        indexing.as_secs_f64(),
        r.per_query.as_secs_f64() * 1000.0
    );
}
