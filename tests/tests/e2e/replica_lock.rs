//! Which servers may serve one database together: replicas whose search index and media
//! are shared (Meilisearch and S3 in production; here one index and one media store that
//! the test gives to both) start side by side, and a server that keeps either to itself
//! is refused, with a message that says what to configure, since its index and photos
//! would drift away from the others'. The check goes through the database (an advisory
//! lock on PostgreSQL, a lock file beside the SQLite file), so it holds across processes.

use std::time::Duration;

use kronika_api::app::{SharedParts, StartError};
use kronika_api::replica_lock::{PrivateState, ReplicaLockError};
use kronika_api::{App, Config};
use kronika_tests::{TestApp, on_both_databases};
use serde_json::json;

on_both_databases!(
    replicas, configured_by = quick_indexer;
    replicas_that_share_their_index_and_media_serve_together,
    a_server_with_its_own_search_index_is_refused_beside_replicas,
    a_server_with_its_own_media_is_refused_beside_replicas,
);

on_both_databases!(
    configured_by = quick_indexer;
    no_server_joins_one_that_keeps_its_own_state_until_it_stops,
);

fn quick_indexer(config: &mut Config) {
    config.search_poll_interval = Duration::from_millis(50);
}

/// Builds a further server on `first`'s database with `parts` and the configuration
/// changed by `configure`, and tries to bind it, as `kronika serve` does.
async fn try_to_serve_beside(
    first: &TestApp,
    parts: SharedParts,
    configure: impl FnOnce(&mut Config),
) -> Result<(), StartError> {
    let data_dir = tempfile::tempdir().unwrap_or_else(|error| panic!("{error}"));
    let config = first.config_sharing_database(&data_dir, configure);
    let app = App::build_with_shared_parts(config, parts)
        .await
        .unwrap_or_else(|error| panic!("building is not serving and must succeed: {error}"));
    app.bind().await.map(drop)
}

fn shared_parts(first: &TestApp) -> SharedParts {
    first
        .shared_state()
        .unwrap_or_else(|| panic!("the first server runs with shared state"))
        .parts()
}

async fn answers_health(app: &TestApp) {
    let response = app
        .client
        .get(app.url("/health"))
        .send()
        .await
        .unwrap_or_else(|error| panic!("GET /health: {error}"));
    assert_eq!(response.status(), 200);
}

async fn replicas_that_share_their_index_and_media_serve_together(first: TestApp) {
    let second = first.spawn_sharing_database(quick_indexer).await;
    let third = first.spawn_sharing_database(quick_indexer).await;
    for server in [&first, &second, &third] {
        answers_health(server).await;
    }

    // What one replica indexes, another finds: the index is one.
    let author = first.editor("Anna Nowak").await;
    let section = first.section("Aktualności").await;
    first
        .article("Remont mostu na Wiśle", &section, &author)
        .create()
        .await;
    let query = r#"{ search(query: "mostem") { totalHits hits { article { title } } } }"#;
    for _ in 0..200 {
        let found = second.data(query, json!({})).await;
        if found["search"]["totalHits"] == 1 {
            assert_eq!(
                found["search"]["hits"][0]["article"]["title"],
                "Remont mostu na Wiśle"
            );
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the second replica never found what the replicas indexed");
}

async fn a_server_with_its_own_search_index_is_refused_beside_replicas(first: TestApp) {
    let parts = SharedParts {
        search_engine: None,
        ..shared_parts(&first)
    };
    let refused = try_to_serve_beside(&first, parts, |_| {}).await;
    let Err(StartError::Replicas(ReplicaLockError::ThisServerKeepsPrivateState(private))) =
        &refused
    else {
        panic!("a server with the embedded index started beside replicas: {refused:?}");
    };
    assert_eq!(private, &[PrivateState::EmbeddedSearchIndex]);
    let message = refused
        .err()
        .map(|error| error.to_string())
        .unwrap_or_default();
    for needed in [
        "another Kronika server",
        "KRONIKA_SEARCH=embedded",
        "MEILISEARCH_URL",
    ] {
        assert!(message.contains(needed), "{needed} is not in: {message}");
    }
    assert!(!message.contains("KRONIKA_STORAGE=local"), "{message}");
    answers_health(&first).await;
}

async fn a_server_with_its_own_media_is_refused_beside_replicas(first: TestApp) {
    let parts = SharedParts {
        media: None,
        ..shared_parts(&first)
    };
    let refused = try_to_serve_beside(&first, parts, |_| {}).await;
    let Err(StartError::Replicas(ReplicaLockError::ThisServerKeepsPrivateState(private))) =
        &refused
    else {
        panic!("a server with local media started beside replicas: {refused:?}");
    };
    assert_eq!(private, &[PrivateState::LocalMediaStorage]);
    let message = refused
        .err()
        .map(|error| error.to_string())
        .unwrap_or_default();
    for needed in [
        "KRONIKA_STORAGE=local",
        "KRONIKA_STORAGE=s3",
        "KRONIKA_S3_BUCKET",
    ] {
        assert!(message.contains(needed), "{needed} is not in: {message}");
    }
    answers_health(&first).await;
}

/// A single server with the embedded index and local media (the default) is alone on its
/// database: not even a server with only shared state may join it, since what it writes
/// would never reach the first one's index. Once the first stops, its lock is gone and
/// another server starts. Building an app (what `migrate`, `reindex` and `user` need)
/// takes no lock at all.
async fn no_server_joins_one_that_keeps_its_own_state_until_it_stops(mut first: TestApp) {
    let media_directory = tempfile::tempdir().unwrap_or_else(|error| panic!("{error}"));
    let parts = SharedParts {
        search_engine: Some(first.app.search_engine().clone()),
        media: Some(
            kronika_core::storage::MediaStore::local(media_directory.path())
                .unwrap_or_else(|error| panic!("{error}")),
        ),
    };
    let refused = try_to_serve_beside(&first, parts, |_| {}).await;
    assert!(
        matches!(
            refused,
            Err(StartError::Replicas(
                ReplicaLockError::AnotherServerKeepsPrivateState
            ))
        ),
        "a replica joined a server with its own index and media: {refused:?}"
    );
    let message = refused
        .err()
        .map(|error| error.to_string())
        .unwrap_or_default();
    for needed in [
        "keeps its search index or photos to itself",
        "MEILISEARCH_URL",
    ] {
        assert!(message.contains(needed), "{needed} is not in: {message}");
    }
    // A second single server (the default configuration) is refused just the same.
    let refused = try_to_serve_beside(&first, SharedParts::default(), |_| {}).await;
    assert!(
        matches!(
            refused,
            Err(StartError::Replicas(
                ReplicaLockError::ThisServerKeepsPrivateState(_)
            ))
        ),
        "{refused:?}"
    );
    answers_health(&first).await;

    first.shutdown().await;
    let restarted = first.spawn_sharing_database(|_| {}).await;
    answers_health(&restarted).await;
}
