//! The one "content changed" signal: every producer reports through [`ContentChanges`]
//! after its commit, and every consumer hears every change.
//!
//! Producers are the editing services (which report after their own commit, so that no
//! edge can forget it), the scheduler, and the search indexer once the index has applied
//! a batch. Consumers subscribe once at start: the response cache, the view counter's set
//! of published articles, the search indexer's wake-up, and the change webhook. A new
//! cache of content subscribes here and cannot miss a producer.
//!
//! On PostgreSQL several replicas serve one database, and `change_broadcast` carries each
//! replica's changes to the others: what they hear arrives through
//! [`ContentChanges::notify_from_other_replica`] and reaches every listener except those
//! subscribed with [`ContentChanges::subscribe_to_own`]: the change webhook, which must
//! say each change once however many replicas run, and the search indexer's wake-up,
//! since the replica that queued the outbox rows delivers them.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use crate::changes::ContentChange;

/// Hears committed content changes. Called on the producer's task right after its
/// commit, so it must be quick: drop entries, set a flag, queue work for later.
pub trait ChangeListener: Send + Sync + 'static {
    fn content_changed(&self, changes: &[ContentChange]);
}

/// Which replica a change came from: a number drawn when the signal is made, so two
/// servers in one process (the tests' replicas) are told apart as well as two processes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ReplicaId(pub u64);

impl ReplicaId {
    /// A new identity: every signal draws one, and so does a process that writes without
    /// serving (an importer), whose announcements every server must hear.
    pub fn fresh() -> Self {
        // Distinct across processes (the random state is seeded per process) and within
        // one (the counter).
        static MADE: AtomicU64 = AtomicU64::new(0);
        let mut hasher = std::hash::BuildHasher::build_hasher(&std::hash::RandomState::new());
        std::hash::Hasher::write_u64(&mut hasher, MADE.fetch_add(1, Ordering::Relaxed));
        std::hash::Hasher::write_u32(&mut hasher, std::process::id());
        Self(std::hash::Hasher::finish(&hasher))
    }
}

/// A consumer and whether it hears other replicas' changes too.
#[derive(Clone)]
struct Subscription {
    listener: Arc<dyn ChangeListener>,
    own_changes_only: bool,
}

/// The signal. Cloning shares the listeners and the replica's identity.
#[derive(Clone)]
pub struct ContentChanges {
    listeners: Arc<RwLock<Vec<Subscription>>>,
    replica: ReplicaId,
}

impl Default for ContentChanges {
    fn default() -> Self {
        Self {
            listeners: Arc::default(),
            replica: ReplicaId::fresh(),
        }
    }
}

impl std::fmt::Debug for ContentChanges {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let listeners = self.listeners.read().map_or(0, |listeners| listeners.len());
        formatter
            .debug_struct("ContentChanges")
            .field("listeners", &listeners)
            .field("replica", &self.replica)
            .finish()
    }
}

impl ContentChanges {
    /// A signal nobody hears yet; the composition root subscribes the consumers.
    pub fn new() -> Self {
        Self::default()
    }

    /// This replica, as its announcements to the others name it.
    pub fn replica(&self) -> ReplicaId {
        self.replica
    }

    /// Adds a consumer: it hears every change reported from now on, this replica's and
    /// the other replicas'.
    pub fn subscribe(&self, listener: Arc<dyn ChangeListener>) {
        self.add(listener, false);
    }

    /// Adds a consumer that hears only the changes this replica makes: one that acts on
    /// the world once per change (the change webhook), where every replica acting on
    /// every change would repeat it.
    pub fn subscribe_to_own(&self, listener: Arc<dyn ChangeListener>) {
        self.add(listener, true);
    }

    fn add(&self, listener: Arc<dyn ChangeListener>, own_changes_only: bool) {
        if let Ok(mut listeners) = self.listeners.write() {
            listeners.push(Subscription {
                listener,
                own_changes_only,
            });
        }
    }

    /// Tells every consumer what this replica changed. Call it after the commit, never
    /// before: a consumer that reloads at once must see the new content.
    pub fn notify(&self, changes: &[ContentChange]) {
        self.tell(changes, true);
    }

    /// Tells the consumers that follow other replicas what another replica changed (or,
    /// with [`ContentChange::Everything`], that this one may have missed something).
    pub fn notify_from_other_replica(&self, changes: &[ContentChange]) {
        self.tell(changes, false);
    }

    fn tell(&self, changes: &[ContentChange], own: bool) {
        if changes.is_empty() {
            return;
        }
        let listeners = match self.listeners.read() {
            Ok(listeners) => listeners.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        for subscription in listeners {
            if own || !subscription.own_changes_only {
                subscription.listener.content_changed(changes);
            }
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

    #[test]
    fn a_listener_of_its_own_changes_never_hears_another_replicas() {
        let signal = ContentChanges::new();
        let cache = Arc::new(Recorder::default());
        let webhook = Arc::new(Recorder::default());
        signal.subscribe(cache.clone());
        signal.subscribe_to_own(webhook.clone());
        signal.notify(&[ContentChange::Article(1)]);
        signal.notify_from_other_replica(&[ContentChange::Article(2)]);

        assert_eq!(
            heard(&cache),
            [ContentChange::Article(1), ContentChange::Article(2)]
        );
        assert_eq!(heard(&webhook), [ContentChange::Article(1)]);
    }

    #[test]
    fn every_signal_is_a_replica_of_its_own_and_its_clones_are_the_same_one() {
        let first = ContentChanges::new();
        let second = ContentChanges::new();
        assert_ne!(first.replica(), second.replica());
        assert_eq!(first.clone().replica(), first.replica());
    }
}
