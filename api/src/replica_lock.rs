//! Which servers may run together on one database.
//!
//! Replicas of Kronika share everything through the database except what a server keeps
//! to itself: the embedded search index (tantivy, under its data directory) and local
//! media storage. Two servers on one database where either keeps such state diverge
//! silently: each search outbox row reaches one server's private index, each photo lands
//! in one server's private directory. So a serving process declares, through the
//! database, which kind it is, and refuses to start when its kind cannot run beside the
//! servers already there:
//!
//! - a server with process-private state takes the lock exclusively: it must be alone;
//! - a server whose state is all shared (Meilisearch and S3) takes it shared: any number
//!   of those may run together, but not beside a server of the first kind.
//!
//! On PostgreSQL the lock is a session-level advisory lock held by one dedicated
//! connection for as long as the server serves; on SQLite it is an advisory file lock
//! (`flock`) on a file beside the database, since two processes on one host can share a
//! SQLite file just as well. Both vanish when the process dies, so a crash leaves nothing
//! stale to clean up. Only `kronika serve` takes the lock; `migrate`, `reindex` and
//! `user` run beside servers, as they are meant to.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::PathBuf;
use std::time::Duration;

use sea_orm::sqlx::postgres::PgConnection;
use sea_orm::sqlx::{self, Connection};

use crate::config::DatabaseUrl;

/// The advisory lock key: the bytes of "kronika" read as a number, so that it does not
/// collide with the keys of another application sharing the database by accident.
const ADVISORY_LOCK_KEY: i64 = 0x006B_726F_6E69_6B61;

/// How long connecting for the lock may take; the pool has just connected, so this only
/// bounds a database that stopped answering in between.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// State a server keeps to itself, which other servers on its database cannot see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrivateState {
    /// The embedded search index in the data directory (`KRONIKA_SEARCH=embedded`).
    EmbeddedSearchIndex,
    /// Photo files in the data directory (`KRONIKA_STORAGE=local`).
    LocalMediaStorage,
}

impl PrivateState {
    fn describe(self) -> &'static str {
        match self {
            Self::EmbeddedSearchIndex => {
                "its search index is the embedded one in its data directory (KRONIKA_SEARCH=embedded)"
            }
            Self::LocalMediaStorage => {
                "its photos are stored in its data directory (KRONIKA_STORAGE=local)"
            }
        }
    }
}

/// Why a server may not serve beside the others on its database.
#[derive(Debug, thiserror::Error)]
pub enum ReplicaLockError {
    #[error(
        "another Kronika server is running on this database, and this one keeps state of its \
         own: {}. Every server on one database would have its own search index and photos and \
         they would drift apart. Servers that share a database must share search and media \
         too: set MEILISEARCH_URL and KRONIKA_STORAGE=s3 with KRONIKA_S3_BUCKET on all of \
         them, or run only one server",
        describe_all(.0)
    )]
    ThisServerKeepsPrivateState(Vec<PrivateState>),
    #[error(
        "another Kronika server on this database keeps its search index or photos to itself \
         (embedded search or local media storage), so no second server may join it. Give \
         that server Meilisearch (MEILISEARCH_URL) and S3 storage (KRONIKA_STORAGE=s3), as \
         this one has, or stop it"
    )]
    AnotherServerKeepsPrivateState,
    #[error("cannot take the replica lock on the database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("cannot take the replica lock on the database: no connection within {0:?}")]
    ConnectTimeout(Duration),
    #[error("cannot take the replica lock file {path}: {source}")]
    LockFile {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn describe_all(private: &[PrivateState]) -> String {
    private
        .iter()
        .map(|state| state.describe())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The lock a serving process holds; [`ReplicaLock::release`] gives it back, and so
/// does the end of the process.
#[derive(Debug)]
pub struct ReplicaLock {
    held: Held,
}

#[derive(Debug)]
enum Held {
    /// The session whose advisory lock it is.
    Postgres(PgConnection),
    /// The open lock file whose `flock` it is.
    SqliteFile(File),
    /// An in-memory SQLite database belongs to one process anyway.
    Nothing,
}

impl ReplicaLock {
    /// Takes the lock for a server with `private` state (none: everything shared) on the
    /// database at `url`, or says why this server may not run beside those already there.
    pub async fn acquire(
        url: &DatabaseUrl,
        private: &[PrivateState],
    ) -> Result<Self, ReplicaLockError> {
        let exclusive = !private.is_empty();
        let taken = if url.is_sqlite() {
            match sqlite_lock_file(url) {
                Some(path) => lock_file(path, exclusive).map(|file| file.map(Held::SqliteFile))?,
                None => Some(Held::Nothing),
            }
        } else {
            lock_postgres(url, exclusive).await?.map(Held::Postgres)
        };
        match taken {
            Some(held) => Ok(Self { held }),
            None if exclusive => Err(ReplicaLockError::ThisServerKeepsPrivateState(
                private.to_vec(),
            )),
            None => Err(ReplicaLockError::AnotherServerKeepsPrivateState),
        }
    }

    /// Gives the lock back: unlocks and ends the PostgreSQL session, or closes the lock
    /// file. The unlock is a round trip of its own, so that a server started right after
    /// this returns finds the lock free (a closed session releases its locks only once
    /// the database has noticed). A session that is already gone (the database
    /// restarted) holds nothing any more, so failing to end it is only logged.
    pub async fn release(self) {
        match self.held {
            Held::Postgres(mut connection) => {
                let unlocked = sqlx::query("SELECT pg_advisory_unlock_all()")
                    .execute(&mut connection)
                    .await;
                if let Err(error) = unlocked {
                    tracing::warn!(%error, "the replica lock could not be released; its session ends instead");
                }
                if let Err(error) = connection.close().await {
                    tracing::warn!(%error, "the replica lock's session did not end cleanly");
                }
            }
            Held::SqliteFile(file) => drop(file),
            Held::Nothing => {}
        }
    }
}

/// One connection of its own, outside the pool (whose connections come and go), that
/// asks for the advisory lock; `None` when another session holds it in a conflicting
/// mode.
async fn lock_postgres(
    url: &DatabaseUrl,
    exclusive: bool,
) -> Result<Option<PgConnection>, ReplicaLockError> {
    let mut connection = tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect(url.expose()))
        .await
        .map_err(|_| ReplicaLockError::ConnectTimeout(CONNECT_TIMEOUT))??;
    let statement = if exclusive {
        "SELECT pg_try_advisory_lock($1)"
    } else {
        "SELECT pg_try_advisory_lock_shared($1)"
    };
    let locked: bool = sqlx::query_scalar(statement)
        .bind(ADVISORY_LOCK_KEY)
        .fetch_one(&mut connection)
        .await?;
    if locked {
        Ok(Some(connection))
    } else {
        let _ = connection.close().await;
        Ok(None)
    }
}

/// The lock file of a SQLite database stored in a file: `<database>.serve-lock` beside
/// it. `None` for an in-memory database.
fn sqlite_lock_file(url: &DatabaseUrl) -> Option<PathBuf> {
    let location = url.expose().strip_prefix("sqlite:")?;
    let (path, options) = location.split_once('?').unwrap_or((location, ""));
    let path = path.strip_prefix("//").unwrap_or(path);
    let in_memory = path.is_empty()
        || path == ":memory:"
        || options.split('&').any(|option| option == "mode=memory");
    (!in_memory).then(|| PathBuf::from(format!("{path}.serve-lock")))
}

/// Takes an exclusive or shared `flock` on `path` (created when missing); `None` when
/// another process holds it in a conflicting mode.
fn lock_file(path: PathBuf, exclusive: bool) -> Result<Option<File>, ReplicaLockError> {
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|source| ReplicaLockError::LockFile {
            path: path.clone(),
            source,
        })?;
    let attempt = if exclusive {
        file.try_lock()
    } else {
        file.try_lock_shared()
    };
    match attempt {
        Ok(()) => Ok(Some(file)),
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(source)) => Err(ReplicaLockError::LockFile { path, source }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> DatabaseUrl {
        text.parse().unwrap_or_else(|_| panic!("{text}"))
    }

    #[test]
    fn the_lock_file_sits_beside_a_sqlite_file_and_an_in_memory_database_has_none() {
        assert_eq!(
            sqlite_lock_file(&url("sqlite:///srv/data/kronika.sqlite3?mode=rwc")),
            Some(PathBuf::from("/srv/data/kronika.sqlite3.serve-lock"))
        );
        assert_eq!(
            sqlite_lock_file(&url("sqlite:data/kronika.sqlite3")),
            Some(PathBuf::from("data/kronika.sqlite3.serve-lock"))
        );
        assert_eq!(sqlite_lock_file(&url("sqlite::memory:")), None);
        assert_eq!(sqlite_lock_file(&url("sqlite://shared?mode=memory")), None);
    }

    #[test]
    fn the_refusal_says_what_to_configure() {
        let message = ReplicaLockError::ThisServerKeepsPrivateState(vec![
            PrivateState::EmbeddedSearchIndex,
            PrivateState::LocalMediaStorage,
        ])
        .to_string();
        for needed in [
            "KRONIKA_SEARCH=embedded",
            "KRONIKA_STORAGE=local",
            "MEILISEARCH_URL",
            "KRONIKA_STORAGE=s3",
        ] {
            assert!(message.contains(needed), "{needed} missing from: {message}");
        }
        let message = ReplicaLockError::AnotherServerKeepsPrivateState.to_string();
        assert!(message.contains("MEILISEARCH_URL"), "{message}");
        assert!(message.contains("KRONIKA_STORAGE=s3"), "{message}");
    }
}
