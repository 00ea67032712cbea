//! The content store as the editing services see it: the database, and the signal that
//! tells every cache what a committed write changed.
//!
//! The two travel together so that a service which commits a change cannot forget to
//! report it: every editing function takes a `ContentStore` and reports after its own
//! commit, whichever edge (GraphQL, the editors' application, an importer, the CLI)
//! called it. On PostgreSQL the report also reaches the other replicas
//! (`change_broadcast`).

use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr};

use crate::change_broadcast;
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

    /// Commits `transaction`, which made `change`, and reports it: to the other
    /// replicas inside the transaction (so they hear of it exactly when it commits), then
    /// to this replica's listeners.
    pub(crate) async fn commit(
        &self,
        transaction: DatabaseTransaction,
        change: ContentChange,
    ) -> Result<(), DbErr> {
        change_broadcast::announce(&transaction, self.changes.replica(), change).await?;
        transaction.commit().await?;
        self.changes.notify(&[change]);
        Ok(())
    }

    /// Reports a change written without a transaction of its own (one statement, already
    /// committed). The other replicas hear of it by a statement of its own; if that
    /// fails, they catch up when their cached answers expire.
    pub(crate) async fn committed(&self, change: ContentChange) {
        if let Err(error) =
            change_broadcast::announce(&self.db, self.changes.replica(), change).await
        {
            tracing::warn!(%error, ?change, "cannot tell the other replicas of a change");
        }
        self.changes.notify(&[change]);
    }
}
