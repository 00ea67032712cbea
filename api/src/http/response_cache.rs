//! An in-process cache of anonymous GraphQL query responses.
//!
//! Readers ask the same few questions (the front page list, the article of the day) far
//! more often than editors change anything, so the serialised response of a query is
//! kept and replayed byte for byte. Two things bound how stale an entry can be:
//!
//! - a content generation: every content change made through this process calls
//!   [`ResponseCache::content_changed`], after which no older entry is served;
//! - a time to live, for changes this process cannot see (another replica's writes, view
//!   counts flushed elsewhere).
//!
//! Only responses without errors to queries (never mutations) from requests without
//! credentials are stored.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;

/// The most memory the cached bodies and keys may take together.
const MAX_CACHE_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Clone, Debug)]
pub struct ResponseCache {
    /// `None` when the cache is switched off (time to live 0).
    entries: Option<moka::sync::Cache<String, CachedResponse>>,
    generation: Arc<AtomicU64>,
}

#[derive(Clone, Debug)]
struct CachedResponse {
    generation: u64,
    body: Bytes,
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

    /// The stored body for `key`, unless content changed since it was stored.
    pub fn get(&self, key: &str) -> Option<Bytes> {
        let entries = self.entries.as_ref()?;
        let cached = entries.get(key)?;
        (cached.generation == self.generation.load(Ordering::Acquire)).then_some(cached.body)
    }

    /// Stores a body computed while `generation` was current. If content changed in the
    /// meantime the body may be stale, so it is dropped instead.
    pub fn insert(&self, key: String, generation: u64, body: Bytes) {
        let Some(entries) = &self.entries else {
            return;
        };
        if generation == self.generation.load(Ordering::Acquire) {
            entries.insert(key, CachedResponse { generation, body });
        }
    }

    /// The generation to pass to `insert` for a response computed from now on.
    pub fn current_generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Forgets every stored response. Call after every committed content change.
    pub fn content_changed(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Some(entries) = &self.entries {
            entries.invalidate_all();
        }
    }

    pub fn is_enabled(&self) -> bool {
        self.entries.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache() -> ResponseCache {
        ResponseCache::new(Duration::from_secs(60))
    }

    #[test]
    fn a_stored_response_is_replayed_until_content_changes() {
        let cache = cache();
        let key = ResponseCache::key("{ sections { slug } }", None, "{}");
        cache.insert(
            key.clone(),
            cache.current_generation(),
            Bytes::from_static(b"one"),
        );
        assert_eq!(cache.get(&key), Some(Bytes::from_static(b"one")));
        cache.content_changed();
        assert_eq!(cache.get(&key), None);
    }

    #[test]
    fn a_response_computed_before_a_change_is_not_stored() {
        let cache = cache();
        let generation = cache.current_generation();
        cache.content_changed();
        cache.insert("k".into(), generation, Bytes::from_static(b"stale"));
        assert_eq!(cache.get("k"), None);
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
        cache.insert(
            "k".into(),
            cache.current_generation(),
            Bytes::from_static(b"x"),
        );
        assert_eq!(cache.get("k"), None);
    }
}
