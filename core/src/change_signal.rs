//! The one "content changed" signal: every producer reports through [`ContentChanges`]
//! after its commit, and every consumer hears every change.
//!
//! Producers are the editing services (which report after their own commit, so that no
//! edge can forget it), the scheduler, and the search indexer once the index has applied
//! a batch. Consumers subscribe once at start: the response cache, the view counter's set
//! of published articles, the search indexer's wake-up, and the change webhook. A new
//! cache of content subscribes here and cannot miss a producer.

use std::sync::{Arc, RwLock};

use crate::changes::ContentChange;

/// Hears committed content changes. Called on the producer's task right after its
/// commit, so it must be quick: drop entries, set a flag, queue work for later.
pub trait ChangeListener: Send + Sync + 'static {
    fn content_changed(&self, changes: &[ContentChange]);
}

/// The signal. Cloning shares the listeners.
#[derive(Clone, Default)]
pub struct ContentChanges {
    listeners: Arc<RwLock<Vec<Arc<dyn ChangeListener>>>>,
}

impl std::fmt::Debug for ContentChanges {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let listeners = self.listeners.read().map_or(0, |listeners| listeners.len());
        formatter
            .debug_struct("ContentChanges")
            .field("listeners", &listeners)
            .finish()
    }
}

impl ContentChanges {
    /// A signal nobody hears yet; the composition root subscribes the consumers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a consumer: it hears every change reported from now on.
    pub fn subscribe(&self, listener: Arc<dyn ChangeListener>) {
        if let Ok(mut listeners) = self.listeners.write() {
            listeners.push(listener);
        }
    }

    /// Tells every consumer what changed. Call it after the commit, never before: a
    /// consumer that reloads at once must see the new content.
    pub fn notify(&self, changes: &[ContentChange]) {
        if changes.is_empty() {
            return;
        }
        let listeners = match self.listeners.read() {
            Ok(listeners) => listeners.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        for listener in listeners {
            listener.content_changed(changes);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    #[derive(Default)]
    struct Recorder(Mutex<Vec<ContentChange>>);

    impl ChangeListener for Recorder {
        fn content_changed(&self, changes: &[ContentChange]) {
            if let Ok(mut heard) = self.0.lock() {
                heard.extend_from_slice(changes);
            }
        }
    }

    fn heard(recorder: &Recorder) -> Vec<ContentChange> {
        recorder
            .0
            .lock()
            .map(|heard| heard.clone())
            .unwrap_or_default()
    }

    #[test]
    fn every_listener_hears_every_change_reported_after_it_subscribed() {
        let signal = ContentChanges::new();
        let first = Arc::new(Recorder::default());
        let second = Arc::new(Recorder::default());
        signal.subscribe(first.clone());
        signal.notify(&[ContentChange::Article(1)]);
        signal.subscribe(second.clone());
        signal
            .clone()
            .notify(&[ContentChange::SearchIndex, ContentChange::Taxonomy]);
        signal.notify(&[]);

        assert_eq!(
            heard(&first),
            [
                ContentChange::Article(1),
                ContentChange::SearchIndex,
                ContentChange::Taxonomy
            ]
        );
        assert_eq!(
            heard(&second),
            [ContentChange::SearchIndex, ContentChange::Taxonomy]
        );
    }
}
