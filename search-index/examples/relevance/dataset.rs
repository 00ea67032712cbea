//! The relevance benchmark's data set: the Polish LibreOffice help (Debian
//! `libreoffice-help-pl`, MPL-2.0) as pages, and its alphabetical index as queries whose
//! relevant pages are the ones each entry links to. Stored as gzipped JSON in
//! `search-index/relevance/`; built by `examples/build_relevance_dataset.rs`.

// Shared by the builder (which saves) and the runner (which loads).
#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

pub const DATASET_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/relevance/libreoffice-help-pl.json.gz"
);

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

impl Dataset {
    pub fn load(path: &Path) -> Result<Dataset, Box<dyn std::error::Error>> {
        let mut json = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(path)?).read_to_end(&mut json)?;
        Ok(serde_json::from_slice(&json)?)
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
