//! Connecting to the database and keeping its schema current.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};

use crate::config::DatabaseUrl;

/// Counts the SQL statements the server sends. Tests use it to prove that a page of
/// twenty articles costs as many statements as a page of two (no N+1 queries).
#[derive(Clone, Debug, Default)]
pub struct StatementCounter(Arc<AtomicU64>);

impl StatementCounter {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    fn increment(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

/// Opens a connection pool. SQLite gets write-ahead logging, so readers never wait for a
/// writer, and a busy timeout, so that concurrent writers queue instead of failing.
pub async fn connect(
    url: &DatabaseUrl,
    statements: &StatementCounter,
) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.expose().to_owned());
    options
        .sqlx_logging(false)
        .acquire_timeout(Duration::from_secs(10));
    if url.is_sqlite() {
        options
            .max_connections(8)
            .min_connections(1)
            .map_sqlx_sqlite_opts(|sqlite| {
                sqlite
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(5))
                    .foreign_keys(true)
            });
    } else {
        options.max_connections(16).min_connections(1);
    }
    let mut connection = Database::connect(options).await?;
    let counter = statements.clone();
    connection.set_metric_callback(move |_info| counter.increment());
    Ok(connection)
}

/// Applies every pending migration; running it on a current schema changes nothing.
pub async fn migrate(connection: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(connection, None).await
}

/// A cheap round trip that proves the database answers, for `/health`.
pub async fn ping(connection: &DatabaseConnection) -> Result<(), DbErr> {
    connection.execute_unprepared("SELECT 1").await.map(|_| ())
}

/// Starts a transaction that will write. On SQLite it begins IMMEDIATE, taking the single
/// write lock at once and waiting for it up to the busy timeout: a default (deferred)
/// transaction that reads first and then writes fails with "database is locked" when
/// another writer committed in between, which concurrent editors would see as errors.
/// On PostgreSQL it is an ordinary transaction.
pub async fn begin_write<C: TransactionTrait>(db: &C) -> Result<C::Transaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        isolation_level: None,
        // Setting an access mode would cost PostgreSQL a SET TRANSACTION round trip.
        access_mode: None,
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
    })
    .await
}
