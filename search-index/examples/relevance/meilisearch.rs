//! The help pages in Meilisearch, through `MeilisearchBackend` and the same `SearchBackend`
//! calls the API makes. Needs a running server, named by `MEILISEARCH_URL` (and
//! `MEILISEARCH_API_KEY` when it has a master key); each analysis mode gets its own index,
//! `relevance-<mode>`, dropped and filled again on every run. `RERANK_DEPTH=N` re-ranks
//! the first N matches instead of the backend's default (0: Meilisearch's own order).

use std::error::Error;
use std::sync::Arc;
use std::time::Duration;

use meilisearch_sdk::client::Client;
use meilisearch_sdk::errors::ErrorCode;
use meilisearch_sdk::tasks::Task;
use search_index::{
    AnalysisMode, Analyzer, DEFAULT_RERANK_DEPTH, MeilisearchBackend, SearchBackend,
};

use crate::dataset::Page;
use crate::embedded::{BATCH, documents, ranked_pages, runtime};

/// How long dropping the previous run's index may take (the backend waits as long for
/// its own tasks).
const DELETE_TIMEOUT: Duration = Duration::from_secs(60);
const TASK_POLL: Duration = Duration::from_millis(25);

/// Where the Meilisearch server is.
pub struct Server {
    url: String,
    api_key: Option<String>,
}

impl Server {
    /// The server `MEILISEARCH_URL` names, if it is set (the contract suite reads the same
    /// variables).
    pub fn from_env() -> Option<Server> {
        let url = std::env::var("MEILISEARCH_URL").ok()?;
        Some(Server {
            url,
            api_key: std::env::var("MEILISEARCH_API_KEY").ok(),
        })
    }
}

/// `RERANK_DEPTH` from the environment, else the backend's default.
fn rerank_depth() -> Result<usize, Box<dyn Error>> {
    match std::env::var("RERANK_DEPTH") {
        Ok(depth) => Ok(depth
            .parse()
            .map_err(|_| format!("RERANK_DEPTH={depth}: expected a number"))?),
        Err(_) => Ok(DEFAULT_RERANK_DEPTH),
    }
}

pub struct Meilisearch {
    backend: MeilisearchBackend,
    runtime: tokio::runtime::Runtime,
}

impl Meilisearch {
    /// Drops the mode's index, creates it with the backend's settings and waits until every
    /// page is indexed.
    pub fn build(
        server: &Server,
        mode: AnalysisMode,
        pages: &[Page],
    ) -> Result<Meilisearch, Box<dyn Error>> {
        let runtime = runtime()?;
        let uid = format!("relevance-{}", format!("{mode:?}").to_lowercase());
        let backend = MeilisearchBackend::new(
            &server.url,
            server.api_key.as_deref(),
            &uid,
            Arc::new(Analyzer::new(mode)),
            stop_words(),
        )?
        .with_rerank_depth(rerank_depth()?);
        let documents = documents(pages)?;
        runtime.block_on(async {
            delete_index(server, &uid).await?;
            backend.apply_settings().await?;
            for batch in documents.chunks(BATCH) {
                backend.upsert(batch).await?;
            }
            Ok::<_, Box<dyn Error>>(())
        })?;
        Ok(Meilisearch { backend, runtime })
    }

    /// Page ids, best first.
    pub fn search(&self, text: &str, limit: usize) -> Result<Vec<usize>, Box<dyn Error>> {
        ranked_pages(&self.runtime, &self.backend, text, limit)
    }
}

/// The analyser's Polish stop-word list, as the API (`api/src/search_engine.rs`) and the
/// contract suite configure Meilisearch.
fn stop_words() -> Vec<String> {
    search_index::analysis::stop_words()
        .into_iter()
        .map(String::from)
        .collect()
}

/// Deletes index `uid` and waits for it to be gone, so that no page, setting or
/// document left by an earlier run (perhaps of other code) affects this one. The backend
/// has no call for this (its rebuild swaps indexes instead), hence the client directly. A
/// missing index is fine: the first run has none.
async fn delete_index(server: &Server, uid: &str) -> Result<(), Box<dyn Error>> {
    let client = Client::new(&server.url, server.api_key.as_deref())?;
    let task = client.delete_index(uid).await?;
    let finished = client
        .wait_for_task(task, Some(TASK_POLL), Some(DELETE_TIMEOUT))
        .await?;
    match finished {
        Task::Succeeded { .. } => Ok(()),
        Task::Failed { content } if content.error.error_code == ErrorCode::IndexNotFound => Ok(()),
        Task::Failed { content } => Err(content.error.into()),
        Task::Enqueued { .. } | Task::Processing { .. } => {
            Err(format!("deleting index {uid} did not finish").into())
        }
    }
}
