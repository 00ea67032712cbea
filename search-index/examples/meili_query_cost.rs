//! Kronika's side of a Meilisearch search, queries only: the relevance benchmark's
//! questions of 6 to 12 words (first pages, and once at offset 1,000) and one hostile
//! query (32 rare words, most with several lemmas), run against the help pages an earlier
//! run of the `relevance` example left in Meilisearch, so that the CPU figures and a
//! `perf record -p` of this process hold no indexing.
//!
//! ```text
//! cargo run --release -p search-index --example relevance -- --engine meilisearch --analysis full --queries index
//! cargo run --release -p search-index --example meili_query_cost [-- ROUNDS]
//! ```
//! Needs `MEILISEARCH_URL` (and `MEILISEARCH_API_KEY`) as the relevance example does, and
//! its index `relevance-full`; `RERANK_DEPTH=N` as there. Each search asks for 10 hits
//! with highlighted titles and snippets, the total and the facets, as a results page does.
//! Prints per search: wall time, this process's CPU time (Kronika's side), and the
//! difference (Meilisearch's side plus waiting, the two sharing this machine's cores).

#![expect(clippy::expect_used, reason = "a benchmark stops loudly on any error")]

#[path = "relevance/cpu.rs"]
mod cpu;
#[path = "relevance/dataset.rs"]
mod dataset;

use std::sync::Arc;
use std::time::{Duration, Instant};

use search_index::{
    AnalysisMode, Analyzer, DEFAULT_RERANK_DEPTH, MeilisearchBackend, SearchBackend, SearchQuery,
};

use cpu::process_cpu;
use dataset::{DATASET_PATH, Dataset};

/// The offset of the deep pages: the help has 2,551 pages, and the questions' common
/// words match most of them.
const DEEP_OFFSET: usize = 1_000;

/// 32 words (the most a query may have), none a stop word, most with two or more lemmas:
/// the query that asks Meilisearch for the most word lists.
const HOSTILE: &str = "zamki gminy rady sesje drogi mosty szkoły parki domy lasy rzeki pola \
                       miasta wsie ulice place kościoły dworce porty sklepy banki urzędy \
                       szpitale teatry muzea kina hale stadiony baseny łąki góry doliny";

struct Cost {
    searches: usize,
    wall: Duration,
    cpu: Duration,
}

impl Cost {
    fn row(&self, label: &str) -> String {
        let per = |total: Duration| total.as_secs_f64() * 1000.0 / self.searches as f64;
        format!(
            "| {label} | {} | {:.2} ms | {:.2} ms | {:.2} ms |",
            self.searches,
            per(self.wall),
            per(self.cpu),
            per(self.wall.saturating_sub(self.cpu)),
        )
    }
}

async fn measure(
    backend: &MeilisearchBackend,
    texts: &[String],
    rounds: usize,
    offset: usize,
) -> Cost {
    let (started, cpu_before) = (Instant::now(), process_cpu());
    for _ in 0..rounds {
        for text in texts {
            let query = SearchQuery {
                text: text.clone(),
                limit: 10,
                offset,
                ..SearchQuery::default()
            };
            backend.search(&query).await.expect("search");
        }
    }
    Cost {
        searches: rounds * texts.len(),
        wall: started.elapsed(),
        cpu: process_cpu().saturating_sub(cpu_before),
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(5);
    let url = std::env::var("MEILISEARCH_URL").expect("MEILISEARCH_URL");
    let api_key = std::env::var("MEILISEARCH_API_KEY").ok();
    let depth = std::env::var("RERANK_DEPTH")
        .ok()
        .map_or(DEFAULT_RERANK_DEPTH, |depth| {
            depth.parse().expect("RERANK_DEPTH")
        });
    let stop_words = search_index::analysis::stop_words()
        .into_iter()
        .map(String::from)
        .collect();
    let backend = MeilisearchBackend::new(
        &url,
        api_key.as_deref(),
        "relevance-full",
        Arc::new(Analyzer::new(AnalysisMode::Full)),
        stop_words,
    )
    .expect("backend")
    .with_rerank_depth(depth);
    let dataset = Dataset::load(DATASET_PATH.as_ref()).expect("relevance data set");
    let questions = dataset.speed_questions().expect("questions");
    // A first round warms Meilisearch's caches and this process's allocator.
    let _ = measure(&backend, &questions, 1, 0).await;
    let asked = measure(&backend, &questions, rounds, 0).await;
    // A page past the re-ranked list: the re-rank, then Meilisearch's order continued.
    let deep = measure(&backend, &questions, 1, DEEP_OFFSET).await;
    let hostile = measure(&backend, &[HOSTILE.to_owned()], 20 * rounds, 0).await;
    println!(
        "re-rank depth {depth}, {} questions of 6 to 12 words",
        questions.len()
    );
    println!("| query | searches | wall per search | Kronika CPU per search | wall − CPU |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    println!("{}", asked.row("questions"));
    println!("{}", deep.row("questions, offset 1,000"));
    println!("{}", hostile.row("32 rare words"));
}
