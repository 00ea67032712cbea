//! The content store as the editing services see it: the database, and the signal that
//! tells every cache what a committed write changed.
//!
//! The two travel together so that a service which commits a change cannot forget to
//! report it: every editing function takes a `ContentStore` and reports after its own
//! commit, whichever edge (GraphQL, the editors' application, an importer, the CLI)
//! called it.

use sea_orm::DatabaseConnection;

use crate::change_signal::ContentChanges;
use crate::changes::ContentChange;

#[derive(Clone, Debug)]
pub struct ContentStore {
    db: DatabaseConnection,
    changes: ContentChanges,
}

impl ContentStore {
    pub fn new(db: DatabaseConnection, changes: ContentChanges) -> Self {
        Self { db, changes }
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// The signal, for producers outside the editing services (the search indexer).
    pub fn changes(&self) -> &ContentChanges {
        &self.changes
    }

    /// Reports a change that has been committed.
    pub(crate) fn committed(&self, change: ContentChange) {
        self.changes.notify(&[change]);
    }
}
