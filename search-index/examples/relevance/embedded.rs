//! The help pages in the embedded engine (tantivy, in memory), searched through the same
//! `SearchBackend` calls the API makes. The page-to-document mapping and the search call
//! are shared with the Meilisearch engine, so both see exactly the same input.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use search_index::{
    AnalysisMode, Analyzer, SearchBackend, SearchDocument, SearchError, SearchQuery,
    TantivyBackend, TaxonomyRef,
};

use crate::dataset::Page;

/// Documents per `upsert` call.
pub const BATCH: usize = 500;

pub struct Embedded {
    backend: TantivyBackend,
    runtime: tokio::runtime::Runtime,
}

impl Embedded {
    pub fn build(
        mode: AnalysisMode,
        pages: &[Page],
    ) -> Result<Embedded, Box<dyn std::error::Error>> {
        let runtime = runtime()?;
        let backend = TantivyBackend::in_memory(Arc::new(Analyzer::new(mode)))?;
        let documents = documents(pages)?;
        runtime.block_on(async {
            backend.apply_settings().await?;
            for batch in documents.chunks(BATCH) {
                backend.upsert(batch).await?;
            }
            Ok::<_, SearchError>(())
        })?;
        Ok(Embedded { backend, runtime })
    }

    /// Page ids, best first.
    pub fn search(
        &self,
        text: &str,
        limit: usize,
    ) -> Result<Vec<usize>, Box<dyn std::error::Error>> {
        ranked_pages(&self.runtime, &self.backend, text, limit)
    }
}

/// The runtime the async `SearchBackend` calls are driven on.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
}

/// The pages as articles: id = page index, title and body from the page, the rest fixed
/// (one section, no tags, one date), so that only the text decides the ranking.
pub fn documents(pages: &[Page]) -> Result<Vec<SearchDocument>, Box<dyn std::error::Error>> {
    let published_at = Utc
        .with_ymd_and_hms(2022, 8, 18, 12, 0, 0)
        .single()
        .ok_or("date")?;
    Ok(pages
        .iter()
        .enumerate()
        .map(|(id, page)| SearchDocument {
            id: id as i64,
            slug: page.path.replace(['/', '.'], "-"),
            title: page.title.clone(),
            lead: String::new(),
            body: page.text.clone(),
            section: TaxonomyRef {
                slug: "pomoc".into(),
                name: "Pomoc".into(),
            },
            tags: Vec::new(),
            published_at,
            view_count: 0,
            photo_captions: Vec::new(),
            attachments: Vec::new(),
        })
        .collect())
}

/// Page ids, best first, as `backend` ranks them for `text`.
pub fn ranked_pages(
    runtime: &tokio::runtime::Runtime,
    backend: &dyn SearchBackend,
    text: &str,
    limit: usize,
) -> Result<Vec<usize>, Box<dyn std::error::Error>> {
    let query = SearchQuery {
        text: text.to_owned(),
        limit,
        ..SearchQuery::default()
    };
    match runtime.block_on(backend.search(&query)) {
        Ok(results) => Ok(results.hits.iter().map(|hit| hit.id as usize).collect()),
        // The engine refuses absurd queries (too many words); a reader would get an
        // error and no hits, so the query counts as a miss.
        Err(SearchError::InvalidQuery(reason)) => {
            eprintln!("refused {text:?}: {reason}");
            Ok(Vec::new())
        }
        Err(error) => Err(error.into()),
    }
}
