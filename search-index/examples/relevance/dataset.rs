//! The relevance benchmark's data set: the Polish LibreOffice help (Debian
//! `libreoffice-help-pl`, MPL-2.0) as pages, and its alphabetical index as queries whose
//! relevant pages are the ones each entry links to. Stored as gzipped JSON in
//! `search-index/relevance/`; built by `examples/build_relevance_dataset.rs`. Beside it,
//! `questions-pl.json`: hand-written natural-language questions over the same pages
//! (`questions-pl.md`).

// Shared by the builder (which saves) and the runner (which loads).
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

pub const DATASET_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/relevance/libreoffice-help-pl.json.gz"
);

pub const QUESTIONS_PATH: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/relevance/questions-pl.json");

#[derive(Serialize, Deserialize)]
pub struct Dataset {
    /// Where the data came from (package and version).
    pub source: String,
    pub pages: Vec<Page>,
    pub queries: Vec<Query>,
}

#[derive(Serialize, Deserialize)]
pub struct Page {
    /// Path inside the help, e.g. `text/swriter/guide/calculate.html`.
    pub path: String,
    pub title: String,
    /// The page's visible text (the keyword meta tags that repeat the index are not text).
    pub text: String,
}

#[derive(Serialize, Deserialize)]
pub struct Query {
    /// The index entry, lowercased, with its "--" and "," separators turned into spaces.
    pub text: String,
    /// Indexes into `pages` of every page the entry links to.
    pub relevant: Vec<usize>,
    /// Some word of the query appears in no relevant page as written, but another form of
    /// the same dictionary lemma does: the queries only inflection-aware search can answer.
    pub inflected: bool,
}

/// A question as a user would type it into the help's search box, with the pages that
/// answer it.
pub struct Question {
    pub text: String,
    /// Indexes into `pages`.
    pub relevant: Vec<usize>,
}

/// `questions-pl.json` with its paths resolved.
pub struct Questions {
    /// Who wrote them and how.
    pub source: String,
    pub questions: Vec<Question>,
}

/// `questions-pl.json` as written: relevant pages by path, so that the file stays readable
/// and does not depend on the order of pages in the data set.
#[derive(Deserialize)]
struct QuestionsFile {
    source: String,
    questions: Vec<QuestionEntry>,
}

#[derive(Deserialize)]
struct QuestionEntry {
    text: String,
    relevant: Vec<String>,
}

impl Dataset {
    pub fn load(path: &Path) -> Result<Dataset, Box<dyn std::error::Error>> {
        let mut json = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(path)?).read_to_end(&mut json)?;
        Ok(serde_json::from_slice(&json)?)
    }

    /// The hand-written questions over these pages.
    pub fn questions(&self, path: &Path) -> Result<Questions, Box<dyn std::error::Error>> {
        let file: QuestionsFile = serde_json::from_slice(&std::fs::read(path)?)?;
        let pages: HashMap<&str, usize> = self
            .pages
            .iter()
            .enumerate()
            .map(|(id, page)| (page.path.as_str(), id))
            .collect();
        let questions = file
            .questions
            .into_iter()
            .map(|entry| question(entry, &pages))
            .collect::<Result<Vec<Question>, String>>()?;
        Ok(Questions {
            source: file.source,
            questions,
        })
    }

    /// The texts of the questions of 6 to 12 words, the ones the speed benchmarks ask
    /// (`question_speed`, `meili_query_cost`, and `scripts/bench-search.sh` likewise).
    pub fn speed_questions(&self) -> Result<Vec<String>, Box<dyn std::error::Error>> {
        Ok(self
            .questions(Path::new(QUESTIONS_PATH))?
            .questions
            .into_iter()
            .map(|question| question.text)
            .filter(|text| (6..=12).contains(&text.split_whitespace().count()))
            .collect())
    }

    pub fn save(&self, path: &Path) -> Result<(), Box<dyn std::error::Error>> {
        let partial = path.with_extension("partial");
        let mut gz = flate2::write::GzEncoder::new(
            std::fs::File::create(&partial)?,
            flate2::Compression::best(),
        );
        gz.write_all(&serde_json::to_vec(self)?)?;
        gz.finish()?;
        std::fs::rename(partial, path)?;
        Ok(())
    }
}

/// Resolves a question's paths to page indexes. An unknown path (or none at all) is an
/// error, not a skipped page: the question would silently count as a miss for every engine.
fn question(entry: QuestionEntry, pages: &HashMap<&str, usize>) -> Result<Question, String> {
    if entry.relevant.is_empty() {
        return Err(format!("question {:?} has no relevant page", entry.text));
    }
    let relevant = entry
        .relevant
        .iter()
        .map(|path| {
            pages.get(path.as_str()).copied().ok_or_else(|| {
                format!(
                    "question {:?}: no page {path:?} in the data set",
                    entry.text
                )
            })
        })
        .collect::<Result<Vec<usize>, String>>()?;
    Ok(Question {
        text: entry.text,
        relevant,
    })
}
