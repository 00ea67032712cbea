//! The help pages in the embedded engine (tantivy, in memory), searched through the same
//! `SearchBackend` calls the API makes.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use search_index::{
    AnalysisMode, Analyzer, SearchBackend, SearchDocument, SearchError, SearchQuery,
    TantivyBackend, TaxonomyRef,
};

use crate::dataset::Page;

pub struct Embedded {
    backend: TantivyBackend,
    runtime: tokio::runtime::Runtime,
}

impl Embedded {
    pub fn build(
        mode: AnalysisMode,
        pages: &[Page],
    ) -> Result<Embedded, Box<dyn std::error::Error>> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?;
        let backend = TantivyBackend::in_memory(Arc::new(Analyzer::new(mode)))?;
        let published_at = Utc
            .with_ymd_and_hms(2022, 8, 18, 12, 0, 0)
            .single()
            .ok_or("date")?;
        let documents: Vec<SearchDocument> = pages
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
            })
            .collect();
        runtime.block_on(async {
            backend.apply_settings().await?;
            for batch in documents.chunks(500) {
                backend.upsert(batch).await?;
            }
            Ok::<_, search_index::SearchError>(())
        })?;
        Ok(Embedded { backend, runtime })
    }

    /// Page ids, best first.
    pub fn search(
        &self,
        text: &str,
        limit: usize,
    ) -> Result<Vec<usize>, Box<dyn std::error::Error>> {
        let query = SearchQuery {
            text: text.to_owned(),
            limit,
            ..SearchQuery::default()
        };
        match self.runtime.block_on(self.backend.search(&query)) {
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
}
