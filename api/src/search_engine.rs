//! The search engine the configuration names, behind the `SearchBackend` trait.

use std::sync::Arc;

use search_index::{Analyzer, MeilisearchBackend, SearchBackend, SearchError, TantivyBackend};

use crate::config::{Config, SearchEngineConfig};

/// Opens the configured engine with the full Polish analyser. The embedded index is
/// created under the data directory when missing; a Meilisearch server is not contacted
/// here (it may be down at start, which must not stop Kronika: the indexer keeps trying).
pub async fn open(config: &Config) -> Result<Arc<dyn SearchBackend>, SearchError> {
    let analyzer = Arc::new(Analyzer::polish());
    match &config.search {
        SearchEngineConfig::Embedded => {
            let directory = config.search_index_dir();
            // Opening reads the dictionary and the index from disk: keep it off the
            // async workers.
            let backend =
                tokio::task::spawn_blocking(move || TantivyBackend::open(&directory, analyzer))
                    .await
                    .map_err(|error| SearchError::Internal(error.to_string()))??;
            Ok(Arc::new(backend))
        }
        SearchEngineConfig::Meilisearch {
            url,
            api_key,
            index,
            rerank_depth,
        } => {
            // The Polish stop words in Meilisearch's settings too: the queries we send
            // leave them out already, and in the index they no longer count towards
            // proximity (measured on the help's questions: MRR@10 0.279 with them,
            // 0.251 without).
            let stop_words = search_index::analysis::stop_words()
                .into_iter()
                .map(str::to_owned)
                .collect();
            let backend = MeilisearchBackend::new(
                url.as_str(),
                api_key.as_ref().map(|key| key.expose()),
                index.as_str(),
                analyzer,
                stop_words,
            )?
            .with_rerank_depth(*rerank_depth);
            Ok(Arc::new(backend))
        }
    }
}
