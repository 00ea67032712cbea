//! The relevance benchmark: the Polish LibreOffice help (2,551 pages) searched with two
//! query sets, reporting MRR@10 and Success@10 for each engine and analysis mode, one
//! Markdown table per set:
//! - `index`: the help's own alphabetical index (5,103 queries, the linked pages being the
//!   relevant ones), also reported for its inflected queries alone;
//! - `questions`: 279 hand-written natural-language questions (`questions-pl.json`, see
//!   `questions-pl.md`), with function words, other inflected forms, missing diacritics
//!   and typos; the set marks no inflected subset.
//!
//! ```text
//! cargo run --release -p search-index --example relevance [-- --engine bm25|embedded|meilisearch|all] [--analysis plain|snowball|full] [--queries index|questions|all]
//! ```
//! `bm25` is a plain BM25 over the analyser's output, `embedded` the tantivy backend,
//! `meilisearch` the Meilisearch backend on the server `MEILISEARCH_URL` names (with
//! `MEILISEARCH_API_KEY` if it has a master key; indexes `relevance-<mode>` there are
//! dropped and rebuilt). Every engine, analysis mode and query set runs unless an option
//! names one; `all` skips Meilisearch, saying so, when `MEILISEARCH_URL` is unset.
//! Prints Markdown tables (progress goes to stderr); figures go into BENCHMARKS.md.

#[path = "relevance/bm25.rs"]
mod bm25;
#[path = "relevance/cpu.rs"]
mod cpu;
#[path = "relevance/dataset.rs"]
mod dataset;
#[path = "relevance/embedded.rs"]
mod embedded;
#[path = "relevance/meilisearch.rs"]
mod meilisearch;
#[path = "relevance/metrics.rs"]
mod metrics;

use std::error::Error;
use std::path::Path;
use std::time::{Duration, Instant};

use bm25::Bm25;
use cpu::process_cpu;
use dataset::{DATASET_PATH, Dataset, QUESTIONS_PATH, Questions};
use embedded::Embedded;
use meilisearch::{Meilisearch, Server};
use metrics::Scores;
use search_index::AnalysisMode;

const MODES: [AnalysisMode; 3] = [
    AnalysisMode::Plain,
    AnalysisMode::Snowball,
    AnalysisMode::Full,
];
const ENGINES: [&str; 4] = ["bm25", "embedded", "meilisearch", "all"];
const QUERY_SETS: [&str; 3] = ["index", "questions", "all"];

fn main() -> Result<(), Box<dyn Error>> {
    let options = Options::parse()?;
    let server = meilisearch_server(&options.engine)?;
    let dataset = Dataset::load(Path::new(DATASET_PATH))?;
    let questions = dataset.questions(Path::new(QUESTIONS_PATH))?;
    println!("{}: {} pages", dataset.source, dataset.pages.len());
    println!("Questions: {}\n", questions.source);
    let mut tables: Vec<Table> = query_sets(&dataset, &questions, &options.queries)
        .into_iter()
        .map(Table::new)
        .collect();
    for mode in MODES.into_iter().filter(|mode| options.runs_mode(*mode)) {
        if options.runs("bm25") {
            measure("BM25 (reference)", mode, &mut tables, || {
                Ok(Bm25::build(
                    mode,
                    dataset
                        .pages
                        .iter()
                        .map(|p| format!("{}\n{}", p.title, p.text)),
                ))
            })?;
        }
        if options.runs("embedded") {
            measure("embedded (tantivy)", mode, &mut tables, || {
                Embedded::build(mode, &dataset.pages)
            })?;
        }
        if let Some(server) = &server {
            measure("Meilisearch", mode, &mut tables, || {
                Meilisearch::build(server, mode, &dataset.pages)
            })?;
        }
    }
    for table in &tables {
        table.print();
    }
    Ok(())
}

/// The command line: which engines, analysis modes and query sets to run.
struct Options {
    engine: String,
    analysis: Option<String>,
    queries: String,
}

impl Options {
    /// Reads the options, refusing unknown values: a misspelt name would otherwise run
    /// nothing and print empty tables.
    fn parse() -> Result<Options, Box<dyn Error>> {
        let option = |name: &str| std::env::args().skip_while(|a| a != name).nth(1);
        let options = Options {
            engine: option("--engine").unwrap_or_else(|| "all".to_owned()),
            analysis: option("--analysis").map(|name| name.to_lowercase()),
            queries: option("--queries").unwrap_or_else(|| "all".to_owned()),
        };
        if !ENGINES.contains(&options.engine.as_str()) {
            return Err(format!("--engine {}: expected one of {ENGINES:?}", options.engine).into());
        }
        if !QUERY_SETS.contains(&options.queries.as_str()) {
            return Err(format!(
                "--queries {}: expected one of {QUERY_SETS:?}",
                options.queries
            )
            .into());
        }
        if !MODES.into_iter().any(|mode| options.runs_mode(mode)) {
            return Err(format!(
                "--analysis {:?}: expected plain, snowball or full",
                options.analysis
            )
            .into());
        }
        Ok(options)
    }

    fn runs(&self, engine: &str) -> bool {
        self.engine == engine || self.engine == "all"
    }

    fn runs_mode(&self, mode: AnalysisMode) -> bool {
        self.analysis
            .as_ref()
            .is_none_or(|name| format!("{mode:?}").to_lowercase() == *name)
    }
}

/// The Meilisearch server to measure, if Meilisearch is to run. Asked for by name, it must
/// be configured; as part of `all` it is skipped without a server, but visibly, so that a
/// table without Meilisearch rows is not mistaken for a complete one.
fn meilisearch_server(engine: &str) -> Result<Option<Server>, Box<dyn Error>> {
    match (engine, Server::from_env()) {
        ("meilisearch", None) => {
            Err("--engine meilisearch needs MEILISEARCH_URL (and MEILISEARCH_API_KEY)".into())
        }
        ("meilisearch" | "all", server @ Some(_)) => Ok(server),
        ("all", None) => {
            println!("Meilisearch skipped: MEILISEARCH_URL is not set.\n");
            Ok(None)
        }
        _ => Ok(None),
    }
}

/// One set of queries with their relevant pages.
struct QuerySet<'a> {
    heading: String,
    queries: Vec<Judged<'a>>,
    /// Whether the set says which queries need inflection (the index does, the questions
    /// do not): the inflected columns are shown only then.
    marks_inflected: bool,
}

struct Judged<'a> {
    text: &'a str,
    relevant: &'a [usize],
    inflected: bool,
}

/// The sets `--queries` names, in a fixed order.
fn query_sets<'a>(dataset: &'a Dataset, questions: &'a Questions, name: &str) -> Vec<QuerySet<'a>> {
    let mut sets = Vec::new();
    if name == "index" || name == "all" {
        sets.push(index_queries(dataset));
    }
    if name == "questions" || name == "all" {
        sets.push(questions_set(questions));
    }
    sets
}

fn index_queries(dataset: &Dataset) -> QuerySet<'_> {
    let queries: Vec<Judged> = dataset
        .queries
        .iter()
        .map(|q| Judged {
            text: &q.text,
            relevant: &q.relevant,
            inflected: q.inflected,
        })
        .collect();
    let inflected = queries.iter().filter(|q| q.inflected).count();
    QuerySet {
        heading: format!(
            "Index entries: {} queries ({inflected} inflected)",
            queries.len()
        ),
        queries,
        marks_inflected: true,
    }
}

fn questions_set(questions: &Questions) -> QuerySet<'_> {
    QuerySet {
        heading: format!(
            "Natural-language questions (questions-pl.json): {} questions",
            questions.questions.len()
        ),
        queries: questions
            .questions
            .iter()
            .map(|q| Judged {
                text: &q.text,
                relevant: &q.relevant,
                inflected: false,
            })
            .collect(),
        marks_inflected: false,
    }
}

/// An engine built over the pages, answering with page ids, best first (at most 10).
trait Ranker {
    fn ranked(&self, query: &str) -> Result<Vec<usize>, Box<dyn Error>>;
}

impl Ranker for Bm25 {
    fn ranked(&self, query: &str) -> Result<Vec<usize>, Box<dyn Error>> {
        Ok(self.search(query, 10))
    }
}

impl Ranker for Embedded {
    fn ranked(&self, query: &str) -> Result<Vec<usize>, Box<dyn Error>> {
        self.search(query, 10)
    }
}

impl Ranker for Meilisearch {
    fn ranked(&self, query: &str) -> Result<Vec<usize>, Box<dyn Error>> {
        self.search(query, 10)
    }
}

/// Builds one engine for one mode (timed as indexing) and adds a row to every table. The
/// engine is built once for all query sets, as the sets search the same pages.
fn measure<R: Ranker>(
    engine: &str,
    mode: AnalysisMode,
    tables: &mut [Table],
    build: impl FnOnce() -> Result<R, Box<dyn Error>>,
) -> Result<(), Box<dyn Error>> {
    let started = Instant::now();
    let ranker = build()?;
    let indexing = started.elapsed();
    eprintln!(
        "{engine} {mode:?}: indexed in {:.1} s",
        indexing.as_secs_f64()
    );
    for table in tables {
        let results = run(&table.set, &ranker)?;
        table.add(engine, mode, &results, indexing);
    }
    Ok(())
}

struct RunResults {
    all: Scores,
    /// `None` when the set marks no inflected queries.
    inflected: Option<Scores>,
    per_query: Duration,
    /// This process's CPU time per query: for Meilisearch, Kronika's side of a search.
    cpu_per_query: Duration,
}

fn run(set: &QuerySet, ranker: &impl Ranker) -> Result<RunResults, Box<dyn Error>> {
    let mut all = Scores::default();
    let mut inflected = Scores::default();
    let started = Instant::now();
    let cpu_before = process_cpu();
    for query in &set.queries {
        let ranked = ranker.ranked(query.text)?;
        all.add(&ranked, query.relevant);
        if query.inflected {
            inflected.add(&ranked, query.relevant);
        }
    }
    Ok(RunResults {
        all,
        inflected: set.marks_inflected.then_some(inflected),
        per_query: started.elapsed() / set.queries.len().max(1) as u32,
        cpu_per_query: process_cpu().saturating_sub(cpu_before) / set.queries.len().max(1) as u32,
    })
}

/// A query set's Markdown table, printed when every engine has run (the engines are built
/// once per mode for all sets, so the rows of one set arrive interleaved with the other's).
struct Table<'a> {
    set: QuerySet<'a>,
    rows: Vec<String>,
}

impl<'a> Table<'a> {
    fn new(set: QuerySet<'a>) -> Table<'a> {
        Table {
            set,
            rows: Vec::new(),
        }
    }

    fn add(&mut self, engine: &str, mode: AnalysisMode, r: &RunResults, indexing: Duration) {
        let inflected = r.inflected.map_or(String::new(), |scores| {
            format!(" {:.3} | {:.3} |", scores.mrr(), scores.success())
        });
        self.rows.push(format!(
            "| {engine} | {mode:?} | {:.3} | {:.3} |{inflected} {:.1} s | {:.2} ms | {:.2} ms |",
            r.all.mrr(),
            r.all.success(),
            indexing.as_secs_f64(),
            r.per_query.as_secs_f64() * 1000.0,
            r.cpu_per_query.as_secs_f64() * 1000.0
        ));
    }

    fn print(&self) {
        println!("## {}\n", self.set.heading);
        if self.set.marks_inflected {
            println!(
                "| engine | analysis | MRR@10 | Success@10 | MRR@10 inflected | Success@10 inflected | indexing | per query | CPU per query |"
            );
            println!("|---|---|---|---|---|---|---|---|---|");
        } else {
            println!(
                "| engine | analysis | MRR@10 | Success@10 | indexing | per query | CPU per query |"
            );
            println!("|---|---|---|---|---|---|---|");
        }
        for row in &self.rows {
            println!("{row}");
        }
        println!();
    }
}
