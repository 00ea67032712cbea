//! One signal for "content changed", so that no read-side cache is forgotten.
//!
//! Every code path that commits a content change (mutations, the scheduler) calls
//! [`ContentChanges::notify`]; adding a new cache of content means adding it here.

use crate::http::response_cache::ResponseCache;
use crate::search::SearchIndexer;
use crate::views::ViewCounter;

#[derive(Clone, Debug)]
pub struct ContentChanges {
    response_cache: ResponseCache,
    views: ViewCounter,
    search_indexer: SearchIndexer,
}

impl ContentChanges {
    pub fn new(
        response_cache: ResponseCache,
        views: ViewCounter,
        search_indexer: SearchIndexer,
    ) -> Self {
        Self {
            response_cache,
            views,
            search_indexer,
        }
    }

    /// Cached responses are no longer served, the view counter asks again which articles
    /// are published, and the search indexer delivers the outbox rows the change wrote.
    /// (The indexer clears the response cache once more when the index has changed.)
    /// Counting a view is not a content change.
    pub fn notify(&self) {
        self.response_cache.content_changed();
        self.views.content_changed();
        self.search_indexer.wake();
    }
}
