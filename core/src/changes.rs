//! The vocabulary of "content changed": what a committed change touched
//! ([`ContentChange`]) and what a cached response used ([`CacheTag`]).
//!
//! A change invalidates the cache tags it touches ([`ContentChange::tags`]): a cached
//! response is dropped only when it used one of them, and the change webhook tells a CDN
//! the same tags, which `GET /graphql` also sends as `Cache-Tag`. This module is a leaf:
//! it imports nothing of Kronika's, so every producer and consumer can use it. The signal
//! that carries changes is `change_signal::ContentChanges`.

use std::sync::{Arc, Mutex};

/// Something a response was built from; a change to it makes the response stale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CacheTag {
    /// One article, found by id or slug.
    Article(i64),
    /// A gallery and its photos.
    Gallery(i64),
    /// Sections and tags (names, slugs).
    Taxonomy,
    /// Anything that lists or searches articles, or looked for one and found none: any
    /// article appearing, changing or disappearing may change it.
    Lists,
    /// A search: the index may change after the commit that changed the content, when
    /// the outbox delivers it.
    Search,
}

impl CacheTag {
    /// The tag as sent in `Cache-Tag` headers and webhook notices.
    pub fn name(self) -> String {
        match self {
            Self::Article(id) => format!("article-{id}"),
            Self::Gallery(id) => format!("gallery-{id}"),
            Self::Taxonomy => "taxonomy".to_owned(),
            Self::Lists => "lists".to_owned(),
            Self::Search => "search".to_owned(),
        }
    }
}

/// A committed change of content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContentChange {
    /// An article was created, edited, published, scheduled, unpublished or archived.
    Article(i64),
    /// A gallery or one of its photos changed.
    Gallery(i64),
    /// A section or tag was created or changed.
    Taxonomy,
    /// The search index applied queued changes: searches may answer differently.
    SearchIndex,
    /// An account's public name or standing changed: bylines may read differently.
    /// Cached responses keep their time to live (as they always did for accounts); the
    /// entity cache forgets its accounts.
    Accounts,
    /// Counted views were written: `viewCount` and most-read orders may differ. Cached
    /// responses keep their time to live (counting never clears them); the entity cache
    /// forgets its article rows, which carry the counts.
    ViewCounts,
    /// Something whose reach is not known precisely: every cached response is dropped.
    Everything,
}

impl ContentChange {
    /// Whether any of `changes` is a change of content itself, not only the search index
    /// catching up with one reported before.
    pub fn any_of_content(changes: &[Self]) -> bool {
        changes
            .iter()
            .any(|change| !matches!(change, Self::SearchIndex | Self::ViewCounts))
    }

    /// The cache tags this change makes stale; `None` for all of them.
    pub fn tags(self) -> Option<Vec<CacheTag>> {
        match self {
            Self::Article(id) => Some(vec![CacheTag::Article(id), CacheTag::Lists]),
            Self::Gallery(id) => Some(vec![CacheTag::Gallery(id), CacheTag::Lists]),
            Self::Taxonomy => Some(vec![CacheTag::Taxonomy, CacheTag::Lists]),
            Self::SearchIndex => Some(vec![CacheTag::Search]),
            Self::Accounts | Self::ViewCounts => Some(Vec::new()),
            Self::Everything => None,
        }
    }
}

/// The tags a request's resolvers recorded while it ran; attached to cacheable requests
/// only, so recording costs nothing elsewhere.
#[derive(Clone, Debug, Default)]
pub struct UsedContent(Arc<Mutex<Vec<CacheTag>>>);

impl UsedContent {
    pub fn record(&self, tag: CacheTag) {
        if let Ok(mut tags) = self.0.lock() {
            tags.push(tag);
        }
    }

    /// Every tag recorded, sorted and without repeats.
    pub fn tags(&self) -> Vec<CacheTag> {
        let mut tags = self.0.lock().map(|tags| tags.clone()).unwrap_or_default();
        tags.sort_unstable();
        tags.dedup();
        tags
    }
}
