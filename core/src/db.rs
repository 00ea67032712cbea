//! Connecting to the database and keeping its schema current.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, RuntimeErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

use crate::settings::DatabaseUrl;

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

/// Gives SQLite's query planner statistics of the data (`ANALYZE`). Without them the
/// planner takes every indexed equality for selective and, on a large site, sorts every
/// draft to show the latest six, or sums a year of daily views to rank the last week's.
/// `analysis_limit` makes each index's analysis a sample, so a run costs milliseconds
/// whatever the size. (`PRAGMA optimize` would skip tables this connection has not
/// queried yet, which at start is all of them.) PostgreSQL keeps its own statistics.
pub async fn refresh_planner_statistics(connection: &DatabaseConnection) -> Result<(), DbErr> {
    if connection.get_database_backend() != DbBackend::Sqlite {
        return Ok(());
    }
    // One transaction, so that both statements run on the same pooled connection.
    let transaction = begin_write(connection).await?;
    transaction
        .execute_unprepared("PRAGMA analysis_limit = 1000")
        .await?;
    transaction.execute_unprepared("ANALYZE").await?;
    transaction.commit().await
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

/// Whether an error means the database could not be reached — restarting, shut down, the
/// network gone, no connection free in time — rather than that a statement failed. Such a
/// request changed nothing and may simply be retried.
pub fn is_unreachable(error: &DbErr) -> bool {
    use sea_orm::sqlx::Error as SqlxError;
    match error {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(error)) | DbErr::Query(RuntimeErr::SqlxError(error)) => {
            match error.as_ref() {
                SqlxError::Io(_)
                | SqlxError::Tls(_)
                | SqlxError::PoolTimedOut
                | SqlxError::PoolClosed
                | SqlxError::WorkerCrashed => true,
                // SQLSTATE class 08 is "connection exception", 57P01–57P03 are an
                // administrator's or a crash's shutdown and "cannot connect now".
                SqlxError::Database(database) => database
                    .code()
                    .is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
                _ => false,
            }
        }
        _ => false,
    }
}

#[cfg(test)]
mod unreachable_tests {
    use std::sync::Arc;

    use sea_orm::error::ConnAcquireErr;

    use super::*;

    #[test]
    fn a_pool_timeout_or_a_dropped_connection_is_unreachable_a_bad_statement_is_not() {
        assert!(is_unreachable(&DbErr::ConnectionAcquire(
            ConnAcquireErr::Timeout
        )));
        let io =
            sea_orm::sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::ConnectionReset));
        assert!(is_unreachable(&DbErr::Query(RuntimeErr::SqlxError(
            Arc::new(io)
        ))));
        assert!(!is_unreachable(&DbErr::Query(RuntimeErr::Internal(
            "syntax error".into()
        ))));
        assert!(!is_unreachable(&DbErr::RecordNotFound("article".into())));
    }
}
