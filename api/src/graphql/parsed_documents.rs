//! Documents parsed before, by their text: frontends send the same few query texts over
//! and over (with other variables), and parsing one is about a quarter of the CPU of an
//! article request answered from the entity cache (async-graphql's pest parser, measured
//! with `perf` under `scripts/bench-read.sh`'s article query). A document is only ever
//! reused for the identical text, so nothing about it can differ; what depends on the
//! request (variables, the budget's walk, validation, execution) still runs every time.
//!
//! Bounded in memory by an estimate of the parsed documents' size: a client sending a
//! stream of distinct texts only replaces entries, and texts longer than
//! [`MAX_CACHED_TEXT_BYTES`] are parsed every time.

use std::sync::Arc;

use async_graphql::parser::types::ExecutableDocument;
use moka::sync::Cache;

/// How much memory the cached documents may take, by [`estimated_bytes`].
const MAX_CACHED_BYTES: u64 = 32 * 1024 * 1024;
/// Longer texts are not kept: real queries are a few kilobytes at most, and a cache of
/// a few very large documents would hold little of use.
const MAX_CACHED_TEXT_BYTES: usize = 16 * 1024;
/// A parsed document takes about this many times its text's bytes (every field a
/// positioned node with its name, arguments and selection set).
const PARSED_BYTES_PER_TEXT_BYTE: usize = 16;

pub struct ParsedDocuments {
    documents: Cache<String, Arc<ExecutableDocument>>,
}

impl std::fmt::Debug for ParsedDocuments {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("ParsedDocuments")
            .field("entries", &self.documents.entry_count())
            .finish()
    }
}

impl Default for ParsedDocuments {
    fn default() -> Self {
        Self {
            documents: Cache::builder()
                .max_capacity(MAX_CACHED_BYTES)
                .weigher(|text: &String, _document| {
                    u32::try_from(estimated_bytes(text)).unwrap_or(u32::MAX)
                })
                .build(),
        }
    }
}

fn estimated_bytes(text: &str) -> usize {
    text.len() * (1 + PARSED_BYTES_PER_TEXT_BYTE)
}

impl ParsedDocuments {
    /// The document parsed from exactly this text before, if it is still kept.
    pub fn get(&self, text: &str) -> Option<Arc<ExecutableDocument>> {
        self.documents.get(text)
    }

    /// Keeps the document parsed from `text`, unless the text is too long to be kept.
    pub fn keep(&self, text: &str, document: Arc<ExecutableDocument>) {
        if text.len() <= MAX_CACHED_TEXT_BYTES {
            self.documents.insert(text.to_owned(), document);
        }
    }

    #[cfg(test)]
    pub fn len(&self) -> u64 {
        self.documents.run_pending_tasks();
        self.documents.entry_count()
    }
}
