//! One signal for "content changed", so that no read-side cache is forgotten.
//!
//! Every code path that commits a content change (mutations, the scheduler) calls
//! [`ContentChanges::notify`]; adding a new cache of content means adding it here.

use crate::http::response_cache::ResponseCache;
use crate::views::ViewCounter;

#[derive(Clone, Debug)]
pub struct ContentChanges {
    response_cache: ResponseCache,
    views: ViewCounter,
}

impl ContentChanges {
    pub fn new(response_cache: ResponseCache, views: ViewCounter) -> Self {
        Self {
            response_cache,
            views,
        }
    }

    /// Cached responses are no longer served, and the view counter asks again which
    /// articles are published. Counting a view is not a content change.
    pub fn notify(&self) {
        self.response_cache.content_changed();
        self.views.content_changed();
    }
}
