//! One tantivy index with its reader and its single writer: the live index, or the one a
//! rebuild is filling.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tantivy::directory::MmapDirectory;
use tantivy::directory::error::LockError;
use tantivy::schema::Schema;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, TantivyError, Term};

use super::expanded_word::ExpansionCache;
use super::schema::{Fields, build_schema};
use crate::SearchError;

/// Writer memory per indexing thread; tantivy flushes a segment when it is used up.
const WRITER_HEAP_PER_THREAD: usize = 48 * 1024 * 1024;
/// Indexing threads at most: on a small machine more threads only compete with requests.
const MAX_WRITER_THREADS: usize = 4;

pub(crate) struct OpenIndex {
    pub reader: IndexReader,
    pub fields: Fields,
    /// What typo and prefix words expanded to in this index's segments.
    pub expansions: ExpansionCache,
    /// `None` once the index is retired (swapped out by a rebuild or abandoned).
    writer: Mutex<Option<IndexWriter>>,
    /// The generation directory; `None` for an index in memory.
    pub directory: Option<PathBuf>,
}

pub(crate) enum Change<'a> {
    Upsert(&'a [(i64, TantivyDocument)]),
    Delete(&'a [i64]),
}

impl OpenIndex {
    pub(crate) fn create_in_ram() -> Result<Self, SearchError> {
        let (schema, fields) = build_schema();
        Self::from_index(Index::create_in_ram(schema), fields, None, 1)
    }

    pub(crate) fn create_in_dir(directory: &Path) -> Result<Self, SearchError> {
        let (schema, fields) = build_schema();
        let index = Index::create_in_dir(directory, schema).map_err(internal)?;
        Self::from_index(index, fields, Some(directory.to_owned()), writer_threads())
    }

    /// Opens an existing generation; `Ok(None)` when it was written with another schema
    /// (an older version of this code), which only a rebuild can fix.
    pub(crate) fn open_in_dir(directory: &Path) -> Result<Option<Self>, SearchError> {
        let (schema, fields) = build_schema();
        let mmap = MmapDirectory::open(directory).map_err(internal)?;
        let index = Index::open(mmap).map_err(internal)?;
        if !same_schema(&index.schema(), &schema) {
            return Ok(None);
        }
        Self::from_index(index, fields, Some(directory.to_owned()), writer_threads()).map(Some)
    }

    fn from_index(
        index: Index,
        fields: Fields,
        directory: Option<PathBuf>,
        threads: usize,
    ) -> Result<Self, SearchError> {
        // Manual reloads: every write reloads the reader before it returns, so a write is
        // visible as soon as it is acknowledged.
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(internal)?;
        let writer = index
            .writer_with_num_threads(threads, threads * WRITER_HEAP_PER_THREAD)
            .map_err(|error| match error {
                TantivyError::LockFailure(LockError::LockBusy, _) => {
                    SearchError::Locked(error.to_string())
                }
                error => internal(error),
            })?;
        Ok(OpenIndex {
            reader,
            fields,
            expansions: ExpansionCache::new(),
            writer: Mutex::new(Some(writer)),
            directory,
        })
    }

    /// Applies a change; with `commit`, also makes it durable and visible to searches.
    /// A failed change is rolled back whole, so no half of a batch is ever committed.
    pub(crate) fn apply(&self, change: &Change<'_>, commit: bool) -> Result<(), SearchError> {
        let mut guard = self
            .writer
            .lock()
            .map_err(|_| SearchError::Internal("the index writer lock is poisoned".into()))?;
        let writer = guard
            .as_mut()
            .ok_or_else(|| SearchError::Internal("the search index was closed".into()))?;
        let result = self.apply_with(writer, change, commit);
        if result.is_err()
            && let Err(error) = writer.rollback()
        {
            tracing::error!(%error, "could not roll back a failed search index write");
        }
        result
    }

    fn apply_with(
        &self,
        writer: &mut IndexWriter,
        change: &Change<'_>,
        commit: bool,
    ) -> Result<(), SearchError> {
        let id_term = |id: i64| Term::from_field_i64(self.fields.id, id);
        match change {
            Change::Upsert(documents) => {
                for (id, document) in documents.iter() {
                    writer.delete_term(id_term(*id));
                    writer.add_document(document.clone()).map_err(internal)?;
                }
            }
            Change::Delete(ids) => {
                for id in ids.iter() {
                    writer.delete_term(id_term(*id));
                }
            }
        }
        if commit {
            writer.commit().map_err(internal)?;
            self.reader.reload().map_err(internal)?;
        }
        Ok(())
    }

    /// Commits, then merges every segment into one. For a rebuilt index, before it goes
    /// live: each segment costs every search its own term look-ups and typo automaton walk
    /// per word, and a rebuild leaves one segment per indexing thread or more.
    pub(crate) fn commit_as_one_segment(&self) -> Result<(), SearchError> {
        let mut guard = self
            .writer
            .lock()
            .map_err(|_| SearchError::Internal("the index writer lock is poisoned".into()))?;
        let writer = guard
            .as_mut()
            .ok_or_else(|| SearchError::Internal("the search index was closed".into()))?;
        writer.commit().map_err(internal)?;
        let segments = writer.index().searchable_segment_ids().map_err(internal)?;
        if segments.len() > 1 {
            writer.merge(&segments).wait().map_err(internal)?;
        }
        self.reader.reload().map_err(internal)
    }

    /// Stops the writer (waiting for its merges), so the directory can be removed.
    pub(crate) fn retire(&self) {
        let writer = match self.writer.lock() {
            Ok(mut guard) => guard.take(),
            Err(_) => None,
        };
        if let Some(writer) = writer
            && let Err(error) = writer.wait_merging_threads()
        {
            tracing::warn!(%error, "a retired search index did not finish merging");
        }
    }
}

fn writer_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(MAX_WRITER_THREADS)
}

fn same_schema(found: &Schema, expected: &Schema) -> bool {
    match (serde_json::to_value(found), serde_json::to_value(expected)) {
        (Ok(found), Ok(expected)) => found == expected,
        _ => false,
    }
}

pub(crate) fn internal(error: impl std::fmt::Display) -> SearchError {
    SearchError::Internal(error.to_string())
}
