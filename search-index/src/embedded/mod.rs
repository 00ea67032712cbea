//! The embedded engine: a tantivy index in the data directory (or in memory for tests),
//! fed by our Polish analyser. Every write commits and reloads before it returns; all
//! tantivy work runs on blocking threads, and one gate lets one write run at a time.

mod document;
mod expanded_word;
mod facets;
mod generations;
mod open_index;
mod query_builder;
mod schema;
mod search;
mod typo_automaton;
mod word_bonus;
mod word_query;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use async_trait::async_trait;
use tantivy::TantivyDocument;

use self::open_index::{Change, OpenIndex, internal};
use self::schema::Fields;
use crate::{
    Analyzer, IndexRebuild, SearchBackend, SearchDocument, SearchError, SearchQuery, SearchResults,
};

/// Batches at least this large are analysed on several threads.
const PARALLEL_ANALYSIS_FROM: usize = 64;

/// The embedded search engine.
#[derive(Clone)]
pub struct TantivyBackend {
    inner: Arc<Inner>,
}

struct Inner {
    analyzer: Arc<Analyzer>,
    /// The same in every index this backend opens (the schema is built by one function).
    fields: Fields,
    /// The data directory holding the index generations; `None` in memory.
    data_dir: Option<PathBuf>,
    live: RwLock<Arc<OpenIndex>>,
    /// The index a rebuild is filling: writes go to it too, so that changes made while
    /// it is built are not lost when it replaces the live one.
    rebuilding: Mutex<Option<Arc<OpenIndex>>>,
    /// One write at a time (tantivy allows one writer per index, and a rebuild's swap must
    /// not interleave with a write).
    write_gate: tokio::sync::Mutex<()>,
}

impl TantivyBackend {
    /// Opens the index in `data_dir`, creating it when missing. An index written with
    /// another schema (by an older version) is set aside for an empty one, and a warning
    /// says to run `kronika reindex`.
    pub fn open(data_dir: &Path, analyzer: Arc<Analyzer>) -> Result<Self, SearchError> {
        std::fs::create_dir_all(data_dir).map_err(internal)?;
        let existing = match generations::current(data_dir).map_err(internal)? {
            Some(generation) => OpenIndex::open_in_dir(&generation)?,
            None => None,
        };
        let live = match existing {
            Some(live) => live,
            None => {
                if generations::current(data_dir).map_err(internal)?.is_some() {
                    tracing::warn!(
                        "the search index was written by another version; starting an empty one, run `kronika reindex`"
                    );
                }
                let generation = generations::create_next(data_dir).map_err(internal)?;
                let live = OpenIndex::create_in_dir(&generation)?;
                generations::publish(data_dir, &generation).map_err(internal)?;
                live
            }
        };
        if let Some(directory) = &live.directory {
            generations::remove_all_but(data_dir, directory);
        }
        Ok(Self::with_live(analyzer, Some(data_dir.to_owned()), live))
    }

    /// An index in memory, gone when dropped: for tests.
    pub fn in_memory(analyzer: Arc<Analyzer>) -> Result<Self, SearchError> {
        Ok(Self::with_live(analyzer, None, OpenIndex::create_in_ram()?))
    }

    fn with_live(analyzer: Arc<Analyzer>, data_dir: Option<PathBuf>, live: OpenIndex) -> Self {
        TantivyBackend {
            inner: Arc::new(Inner {
                fields: live.fields,
                analyzer,
                data_dir,
                live: RwLock::new(Arc::new(live)),
                rebuilding: Mutex::new(None),
                write_gate: tokio::sync::Mutex::new(()),
            }),
        }
    }
}

impl Inner {
    fn live(&self) -> Result<Arc<OpenIndex>, SearchError> {
        self.live
            .read()
            .map(|live| Arc::clone(&live))
            .map_err(|_| SearchError::Internal("the live index lock is poisoned".into()))
    }

    fn rebuilding(&self) -> Result<std::sync::MutexGuard<'_, Option<Arc<OpenIndex>>>, SearchError> {
        self.rebuilding
            .lock()
            .map_err(|_| SearchError::Internal("the rebuild lock is poisoned".into()))
    }

    /// Analyses the documents, on every core for a large batch (a rebuild's): analysis,
    /// not tantivy, is most of the cost of indexing.
    fn to_tantivy(&self, documents: &[SearchDocument]) -> Vec<(i64, TantivyDocument)> {
        let convert = |chunk: &[SearchDocument]| -> Vec<(i64, TantivyDocument)> {
            chunk
                .iter()
                .map(|document| {
                    let converted = document::to_tantivy(&self.analyzer, &self.fields, document);
                    (document.id, converted)
                })
                .collect()
        };
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        if threads == 1 || documents.len() < PARALLEL_ANALYSIS_FROM {
            return convert(documents);
        }
        let chunk_size = documents.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let workers: Vec<_> = documents
                .chunks(chunk_size)
                .map(|chunk| scope.spawn(move || convert(chunk)))
                .collect();
            workers
                .into_iter()
                .flat_map(|worker| {
                    worker
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        })
    }

    /// Applies a change to the live index (committed) and to a rebuild in progress.
    fn write(&self, change: &Change<'_>) -> Result<(), SearchError> {
        let rebuilding = self.rebuilding()?.clone();
        if let Some(rebuilding) = rebuilding {
            rebuilding.apply(change, false)?;
        }
        self.live()?.apply(change, true)
    }
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, SearchError> + Send + 'static,
) -> Result<T, SearchError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| SearchError::Internal(format!("search task failed: {error}")))?
}

#[async_trait]
impl SearchBackend for TantivyBackend {
    /// Nothing to send: the schema is this code's, and `open` checked the index has it.
    async fn apply_settings(&self) -> Result<(), SearchError> {
        Ok(())
    }

    async fn upsert(&self, documents: &[SearchDocument]) -> Result<(), SearchError> {
        let _gate = self.inner.write_gate.lock().await;
        let inner = Arc::clone(&self.inner);
        let documents = documents.to_vec();
        blocking(move || {
            let converted = inner.to_tantivy(&documents);
            inner.write(&Change::Upsert(&converted))
        })
        .await
    }

    async fn delete(&self, ids: &[i64]) -> Result<(), SearchError> {
        let _gate = self.inner.write_gate.lock().await;
        let inner = Arc::clone(&self.inner);
        let ids = ids.to_vec();
        blocking(move || inner.write(&Change::Delete(&ids))).await
    }

    async fn search(&self, query: &SearchQuery) -> Result<SearchResults, SearchError> {
        let inner = Arc::clone(&self.inner);
        let query = query.clone();
        blocking(move || search::search(&inner.analyzer, &*inner.live()?, &query)).await
    }

    async fn health(&self) -> Result<(), SearchError> {
        self.inner.live().map(|_| ())
    }

    async fn start_rebuild(&self) -> Result<Box<dyn IndexRebuild>, SearchError> {
        let _gate = self.inner.write_gate.lock().await;
        let inner = Arc::clone(&self.inner);
        let index = blocking(move || {
            if inner.rebuilding()?.is_some() {
                return Err(SearchError::Internal(
                    "a rebuild of the search index is already running".into(),
                ));
            }
            let index = Arc::new(match &inner.data_dir {
                Some(data_dir) => {
                    let generation = generations::create_next(data_dir).map_err(internal)?;
                    OpenIndex::create_in_dir(&generation)?
                }
                None => OpenIndex::create_in_ram()?,
            });
            *inner.rebuilding()? = Some(Arc::clone(&index));
            Ok(index)
        })
        .await?;
        Ok(Box::new(TantivyRebuild {
            inner: Arc::clone(&self.inner),
            index,
            finished: false,
        }))
    }
}

/// A new index filled beside the live one; dropped without `finish`, it is thrown away.
struct TantivyRebuild {
    inner: Arc<Inner>,
    index: Arc<OpenIndex>,
    finished: bool,
}

#[async_trait]
impl IndexRebuild for TantivyRebuild {
    async fn add(&mut self, documents: &[SearchDocument]) -> Result<(), SearchError> {
        let _gate = self.inner.write_gate.lock().await;
        let inner = Arc::clone(&self.inner);
        let index = Arc::clone(&self.index);
        let documents = documents.to_vec();
        blocking(move || {
            let converted = inner.to_tantivy(&documents);
            index.apply(&Change::Upsert(&converted), false)
        })
        .await
    }

    async fn finish(mut self: Box<Self>) -> Result<(), SearchError> {
        let _gate = self.inner.write_gate.lock().await;
        let inner = Arc::clone(&self.inner);
        let index = Arc::clone(&self.index);
        blocking(move || swap_in(&inner, index)).await?;
        self.finished = true;
        Ok(())
    }
}

/// Commits the rebuilt index, makes it the live one on disk and in memory, and retires
/// the old one. Searches running meanwhile finish on the old index, which stays readable
/// until they drop it.
fn swap_in(inner: &Inner, index: Arc<OpenIndex>) -> Result<(), SearchError> {
    index.commit_as_one_segment()?;
    if let (Some(data_dir), Some(directory)) = (&inner.data_dir, &index.directory) {
        generations::publish(data_dir, directory).map_err(internal)?;
    }
    let old = {
        let mut live = inner
            .live
            .write()
            .map_err(|_| SearchError::Internal("the live index lock is poisoned".into()))?;
        std::mem::replace(&mut *live, index)
    };
    *inner.rebuilding()? = None;
    old.retire();
    if let Some(directory) = &old.directory {
        generations::remove(directory);
    }
    Ok(())
}

impl Drop for TantivyRebuild {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        if let Ok(mut rebuilding) = self.inner.rebuilding.lock() {
            *rebuilding = None;
        }
        self.index.retire();
        if let Some(directory) = &self.index.directory {
            generations::remove(directory);
        }
    }
}
