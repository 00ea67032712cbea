//! An in-process cache of anonymous GraphQL query responses.
//!
//! Readers ask the same few questions (the front page list, the article of the day) far
//! more often than editors change anything, so the serialised response of a query is
//! kept and replayed byte for byte, with its `ETag` and `Cache-Tag` computed once. Three
//! things bound how stale an entry can be:
//!
//! - its cache tags: a content change made through this process drops the entries that
//!   used what it changed (see `change_signal`), and only those;
//! - a generation counter: a response computed while any change was committed is not
//!   stored, since it may have read the content from before the change;
//! - a time to live, for changes this process cannot see (another replica's writes, view
//!   counts flushed elsewhere).
//!
//! Only responses without errors to queries (never mutations) from requests without
//! credentials are stored.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use siphasher::sip128::{Hasher128, SipHasher13};

use crate::change_signal::ChangeListener;
use crate::changes::{CacheTag, ContentChange};

/// The most memory the cached bodies and keys may take together.
const MAX_CACHE_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Clone, Debug)]
pub struct ResponseCache {
    /// `None` when the cache is switched off (time to live 0).
    entries: Option<moka::sync::Cache<String, CachedResponse>>,
    generation: Arc<AtomicU64>,
}

/// A response as it is replayed.
#[derive(Clone, Debug)]
pub struct CachedResponse {
    pub body: Bytes,
    /// A strong validator of the body, quoted as the `ETag` header wants it.
    pub etag: Arc<str>,
    /// The tags' names separated by spaces, for the `Cache-Tag` header.
    pub tag_names: Arc<str>,
    /// The name of the operation that produced it, for the metrics of a cache hit.
    pub operation_name: Option<Arc<str>>,
    tags: Arc<[CacheTag]>,
}

impl CachedResponse {
    pub fn new(body: Bytes, tags: Vec<CacheTag>) -> Self {
        let tag_names = tags
            .iter()
            .map(|tag| tag.name())
            .collect::<Vec<_>>()
            .join(" ");
        Self {
            etag: etag_of(&body).into(),
            tag_names: tag_names.into(),
            tags: tags.into(),
            operation_name: None,
            body,
        }
    }
}

/// A strong `ETag` for a body: 128 bits of SipHash, enough to tell versions apart.
pub fn etag_of(body: &[u8]) -> String {
    let mut hasher = SipHasher13::new();
    std::hash::Hasher::write(&mut hasher, body);
    format!("\"{:032x}\"", hasher.finish128().as_u128())
}

impl ResponseCache {
    /// A cache whose entries live at most `time_to_live`; zero switches it off.
    pub fn new(time_to_live: Duration) -> Self {
        let entries = (!time_to_live.is_zero()).then(|| {
            moka::sync::Cache::builder()
                .time_to_live(time_to_live)
                .max_capacity(MAX_CACHE_BYTES)
                .weigher(|key: &String, value: &CachedResponse| {
                    u32::try_from(key.len() + value.body.len()).unwrap_or(u32::MAX)
                })
                .support_invalidation_closures()
                .build()
        });
        Self {
            entries,
            generation: Arc::new(AtomicU64::new(0)),
        }
    }

    /// The key of a request: the query text, operation name and variables, which together
    /// decide the response of an anonymous query.
    pub fn key(query: &str, operation_name: Option<&str>, variables_json: &str) -> String {
        let operation_name = operation_name.unwrap_or_default();
        format!("{query}\u{0}{operation_name}\u{0}{variables_json}")
    }

    /// The stored response for `key`, unless what it used changed since it was stored.
    pub fn get(&self, key: &str) -> Option<CachedResponse> {
        self.entries.as_ref()?.get(key)
    }

    /// Stores a response computed while `generation` was current. If content changed in
    /// the meantime the response may be stale, so it is dropped instead.
    pub fn insert(&self, key: String, generation: u64, response: CachedResponse) {
        let Some(entries) = &self.entries else {
            return;
        };
        if generation == self.generation.load(Ordering::Acquire) {
            entries.insert(key.clone(), response);
            // A change may have come between the check and the insert, and its
            // invalidation only reaches entries inserted before it; so look again.
            if generation != self.generation.load(Ordering::Acquire) {
                entries.invalidate(&key);
            }
        }
    }

    /// The generation to pass to `insert` for a response computed from now on.
    pub fn current_generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Forgets the stored responses that used what `changes` touched. Call after every
    /// committed content change.
    pub fn content_changed(&self, changes: &[ContentChange]) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        let Some(entries) = &self.entries else {
            return;
        };
        let mut stale: Vec<CacheTag> = Vec::new();
        for change in changes {
            match change.tags() {
                Some(tags) => stale.extend(tags),
                None => {
                    entries.invalidate_all();
                    return;
                }
            }
        }
        let stale: Arc<[CacheTag]> = stale.into();
        let invalidated = entries.invalidate_entries_if(move |_, response| {
            response.tags.iter().any(|tag| stale.contains(tag))
        });
        if invalidated.is_err() {
            // Only possible without `support_invalidation_closures`; be safe regardless.
            entries.invalidate_all();
        }
    }

    pub fn is_enabled(&self) -> bool {
        self.entries.is_some()
    }
}

impl ChangeListener for ResponseCache {
    fn content_changed(&self, changes: &[ContentChange]) {
        ResponseCache::content_changed(self, changes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache() -> ResponseCache {
        ResponseCache::new(Duration::from_secs(60))
    }

    fn response(body: &'static [u8], tags: &[CacheTag]) -> CachedResponse {
        CachedResponse::new(Bytes::from_static(body), tags.to_vec())
    }

    #[test]
    fn a_change_drops_only_the_responses_that_used_what_changed() {
        let cache = cache();
        let generation = cache.current_generation();
        cache.insert(
            "a1".into(),
            generation,
            response(b"one", &[CacheTag::Article(1)]),
        );
        cache.insert(
            "a2".into(),
            generation,
            response(b"two", &[CacheTag::Article(2)]),
        );
        cache.insert(
            "list".into(),
            generation,
            response(b"list", &[CacheTag::Lists]),
        );
        cache.content_changed(&[ContentChange::Article(1)]);
        assert!(cache.get("a1").is_none());
        assert!(cache.get("list").is_none());
        assert_eq!(
            cache.get("a2").map(|hit| hit.body),
            Some(Bytes::from_static(b"two"))
        );
        cache.content_changed(&[ContentChange::Everything]);
        assert!(cache.get("a2").is_none());
    }

    #[test]
    fn a_response_computed_before_a_change_is_not_stored() {
        let cache = cache();
        let generation = cache.current_generation();
        cache.content_changed(&[ContentChange::Taxonomy]);
        cache.insert(
            "k".into(),
            generation,
            response(b"stale", &[CacheTag::Article(9)]),
        );
        assert!(cache.get("k").is_none());
    }

    #[test]
    fn etags_follow_the_body_and_tags_are_named() {
        let one = response(b"one", &[CacheTag::Article(3), CacheTag::Lists]);
        assert_eq!(one.etag, response(b"one", &[]).etag);
        assert_ne!(one.etag, response(b"two", &[]).etag);
        assert!(one.etag.starts_with('"') && one.etag.ends_with('"'));
        assert_eq!(&*one.tag_names, "article-3 lists");
    }

    #[test]
    fn variables_and_operation_names_are_part_of_the_key() {
        let plain = ResponseCache::key("q", None, "{}");
        assert_ne!(plain, ResponseCache::key("q", Some("A"), "{}"));
        assert_ne!(plain, ResponseCache::key("q", None, r#"{"slug":"a"}"#));
    }

    #[test]
    fn a_zero_time_to_live_switches_the_cache_off() {
        let cache = ResponseCache::new(Duration::ZERO);
        assert!(!cache.is_enabled());
        cache.insert("k".into(), cache.current_generation(), response(b"x", &[]));
        assert!(cache.get("k").is_none());
    }
}
