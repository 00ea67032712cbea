//! The change signal across replicas: on PostgreSQL, every committed content change is
//! also published with `NOTIFY`, and every replica `LISTEN`s and tells its own caches.
//!
//! A change is announced inside the writing transaction ([`announce`]), so PostgreSQL
//! sends it when, and only if, the transaction commits, and no replica hears of a change
//! it cannot read yet. Each replica keeps one listening connection ([`listen`]), beside
//! its pool; when that connection is lost (a database restart, a proxy's idle timeout)
//! it connects again, and since notifications sent meanwhile are gone, it then drops
//! everything it holds. The response cache's time to live stays as the last safety net.
//!
//! SQLite is one process: nothing is announced there and nobody listens.
//!
//! The payload is text, `<replica> <change>`: the announcing replica as 16 hexadecimal
//! digits (a replica ignores its own announcements, having told its caches at commit)
//! and the change as `article:<id>`, `gallery:<id>`, `taxonomy`, `search`, `accounts`,
//! `views` or `everything`.

use std::time::Duration;

use sea_orm::sqlx::postgres::{PgListener, PgPoolOptions};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, Statement};
use tokio::task::JoinHandle;

use crate::change_signal::{ContentChanges, ReplicaId};
use crate::changes::ContentChange;

/// The PostgreSQL notification channel of content changes.
pub const CHANNEL: &str = "kronika_content_changes";

/// How long the listener waits before connecting again after a failed attempt.
const RECONNECT_DELAY: Duration = Duration::from_secs(1);

/// How long a starting server waits for its first `LISTEN` before serving without it
/// (and dropping its caches once it does listen).
const FIRST_LISTEN_TIMEOUT: Duration = Duration::from_secs(5);

/// Publishes `change` to the other replicas when `connection`'s transaction commits (at
/// once outside a transaction). Does nothing on SQLite.
pub async fn announce(
    connection: &impl ConnectionTrait,
    replica: ReplicaId,
    change: ContentChange,
) -> Result<(), DbErr> {
    if connection.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(());
    }
    connection
        .execute_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [CHANNEL.into(), payload(replica, change).into()],
        ))
        .await
        .map(|_| ())
}

/// Starts the replica's listener on PostgreSQL (`None` on SQLite): it tells `changes`
/// what the other replicas announce until the task is aborted. Call it before serving:
/// it returns once the first `LISTEN` is in place (or has failed), so that nothing the
/// replica caches predates its listening.
pub async fn listen(db: &DatabaseConnection, changes: ContentChanges) -> Option<JoinHandle<()>> {
    if db.get_database_backend() != DatabaseBackend::Postgres {
        return None;
    }
    // A pool of one connection of its own, with the server's connection options: the
    // listening connection is held for as long as the server runs, and taking it from
    // the requests' pool would leave them one short (and show it busy in the metrics).
    let options = db.get_postgres_connection_pool().connect_options();
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect_lazy_with((*options).clone());
    let first = match tokio::time::timeout(FIRST_LISTEN_TIMEOUT, start_listening(&pool)).await {
        Ok(Ok(listener)) => Some(listener),
        Ok(Err(error)) => {
            tracing::warn!(%error, "cannot LISTEN for other replicas' changes; retrying");
            None
        }
        Err(_) => {
            tracing::warn!("LISTEN for other replicas' changes timed out; retrying");
            None
        }
    };
    Some(tokio::spawn(async move {
        let mut listening = first;
        loop {
            let mut listener = match listening.take() {
                Some(listener) => listener,
                None => match start_listening(&pool).await {
                    // Whatever was cached while this replica did not listen may be stale.
                    Ok(listener) => {
                        changes.notify_from_other_replica(&[ContentChange::Everything]);
                        listener
                    }
                    Err(error) => {
                        tracing::warn!(%error, "cannot LISTEN for other replicas' changes");
                        tokio::time::sleep(RECONNECT_DELAY).await;
                        continue;
                    }
                },
            };
            hear(&mut listener, &changes).await;
            tokio::time::sleep(RECONNECT_DELAY).await;
        }
    }))
}

async fn start_listening(pool: &sea_orm::sqlx::PgPool) -> Result<PgListener, sea_orm::sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

/// Hears announcements until the connection fails for good; then everything is dropped,
/// since announcements sent until the listener is back are lost.
async fn hear(listener: &mut PgListener, changes: &ContentChanges) {
    loop {
        match listener.try_recv().await {
            Ok(Some(notification)) => match parse(notification.payload()) {
                Some((replica, _)) if replica == changes.replica() => {}
                Some((_, change)) => changes.notify_from_other_replica(&[change]),
                None => {
                    tracing::warn!(
                        payload = notification.payload(),
                        "an announcement of a change that this version does not understand"
                    );
                    changes.notify_from_other_replica(&[ContentChange::Everything]);
                }
            },
            // The connection was lost and has been re-established (sqlx reconnects
            // before it says so): announcements sent in between are gone.
            Ok(None) => {
                tracing::warn!("the connection hearing other replicas' changes was lost");
                changes.notify_from_other_replica(&[ContentChange::Everything]);
            }
            Err(error) => {
                tracing::warn!(%error, "stopped hearing other replicas' changes; reconnecting");
                changes.notify_from_other_replica(&[ContentChange::Everything]);
                return;
            }
        }
    }
}

fn payload(replica: ReplicaId, change: ContentChange) -> String {
    let change = match change {
        ContentChange::Article(id) => format!("article:{id}"),
        ContentChange::Gallery(id) => format!("gallery:{id}"),
        ContentChange::Taxonomy => "taxonomy".to_owned(),
        ContentChange::SearchIndex => "search".to_owned(),
        ContentChange::Accounts => "accounts".to_owned(),
        ContentChange::ViewCounts => "views".to_owned(),
        ContentChange::Everything => "everything".to_owned(),
    };
    format!("{:016x} {change}", replica.0)
}

fn parse(payload: &str) -> Option<(ReplicaId, ContentChange)> {
    let (replica, change) = payload.split_once(' ')?;
    let replica = ReplicaId(u64::from_str_radix(replica, 16).ok()?);
    let change = match change.split_once(':') {
        Some(("article", id)) => ContentChange::Article(id.parse().ok()?),
        Some(("gallery", id)) => ContentChange::Gallery(id.parse().ok()?),
        Some(_) => return None,
        None => match change {
            "taxonomy" => ContentChange::Taxonomy,
            "search" => ContentChange::SearchIndex,
            "accounts" => ContentChange::Accounts,
            "views" => ContentChange::ViewCounts,
            "everything" => ContentChange::Everything,
            _ => return None,
        },
    };
    Some((replica, change))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_change_survives_its_payload() {
        let replica = ReplicaId(0x00ab_cdef_0123_4567);
        for change in [
            ContentChange::Article(42),
            ContentChange::Gallery(7),
            ContentChange::Taxonomy,
            ContentChange::SearchIndex,
            ContentChange::Accounts,
            ContentChange::ViewCounts,
            ContentChange::Everything,
        ] {
            let text = payload(replica, change);
            assert_eq!(parse(&text), Some((replica, change)), "{text}");
        }
        assert_eq!(
            payload(replica, ContentChange::Article(42)),
            "00abcdef01234567 article:42"
        );
    }

    #[test]
    fn a_payload_it_does_not_understand_is_no_change() {
        for text in [
            "",
            "article:1",
            "zz article:1",
            "00abcdef01234567 article:x",
            "00abcdef01234567 photo:1",
            "00abcdef01234567 something",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }
}
