//! PostgreSQL restarts under load, and the server recovers by itself: no restart of
//! Kronika, no request answered with anything but a coded JSON error while the database
//! is away, and no write it acknowledged is lost.
//!
//! The database is a private cluster (`PrivatePostgres`): stopping the shared server of
//! `TEST_DATABASE_URL` would fail the tests running beside this one.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use kronika_api::Config;
use kronika_core::domain::Role;
use kronika_tests::fixtures::{create_article, section_id};
use kronika_tests::load::Tally;
use kronika_tests::private_postgres::PrivatePostgres;
use kronika_tests::{Session, TestApp, wait_until};
use serde_json::{Value, json};

const READ_ONE: &str =
    r#"query($slug: String!) { article(slug: $slug) { id title section { name } } }"#;
const READ_LIST: &str = r#"{ articles(first: 10) { edges { node { id title } } } }"#;
const CREATE: &str = r#"mutation($input: CreateArticleInput!) {
  createArticle(input: $input) { article { id slug title version } }
}"#;
const UPDATE: &str = r#"mutation($id: ID!, $input: UpdateArticleInput!, $version: Int!) {
  updateArticle(id: $id, input: $input, expectedVersion: $version) { article { title version } }
}"#;
const READ_AS_EDITOR: &str = r#"query($slug: String!) { article(slug: $slug) { title version } }"#;

/// The codes a request may fail with while the database is away: the cause stays in the
/// log, the client learns that the database is unavailable (or that its request ran out of
/// time waiting for it).
const OUTAGE_CODES: [&str; 2] = ["DATABASE_UNAVAILABLE", "TIMEOUT"];

const READERS: usize = 4;
const WRITERS: usize = 2;

/// An article whose creation (and maybe one update) the server acknowledged.
#[derive(Clone, Debug)]
struct Acknowledged {
    slug: String,
    title: String,
    version: i64,
}

struct Load {
    app: TestApp,
    admin: Session,
    section: Value,
    stop: AtomicBool,
    reads: Tally,
    writes: Tally,
    acknowledged: Mutex<Vec<Acknowledged>>,
}

/// No response cache, so every read goes to the database.
fn every_read_uses_the_database(config: &mut Config) {
    config.response_cache_ttl = Duration::ZERO;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_recovers_by_itself_when_postgresql_restarts_under_load() {
    let Some(cluster) = PrivatePostgres::start().await else {
        return;
    };
    let app = TestApp::spawn_on_postgres_url(&cluster.url(), every_read_uses_the_database).await;
    let admin = app.login_as("Adam Admin", Role::Admin).await;
    let section = section_id(&app, &admin).await;
    let first = create_article(&app, &admin, &section, "Sesja rady gminy").await;
    app.data_as(
        &admin,
        "mutation($id: ID!) { publishArticle(id: $id) { article { status } } }",
        json!({"id": first["id"]}),
    )
    .await;

    let load = Arc::new(Load {
        app,
        admin,
        section,
        stop: AtomicBool::new(false),
        reads: Tally::default(),
        writes: Tally::default(),
        acknowledged: Mutex::new(Vec::new()),
    });
    let mut tasks = Vec::new();
    for _ in 0..READERS {
        tasks.push(tokio::spawn(read_until_stopped(Arc::clone(&load))));
    }
    for writer in 0..WRITERS {
        tasks.push(tokio::spawn(write_until_stopped(Arc::clone(&load), writer)));
    }
    wait_until("reads and writes succeed under load", async || {
        load.reads.ok() > 20 && load.writes.ok() > 4
    })
    .await;

    cluster.stop().await;
    // While the database is away the process stays live (an orchestrator must not restart
    // it) but not ready (a load balancer sends its traffic elsewhere).
    let health = load
        .app
        .client
        .get(load.app.url("/health"))
        .send()
        .await
        .unwrap_or_else(|error| panic!("GET /health: {error}"));
    assert_eq!(health.status(), 200, "/health while the database is down");
    let (status, ready) = load.app.ready().await;
    assert_eq!(status, 503, "/ready while the database is down: {ready:#}");
    assert_eq!(ready["checks"]["database"], "unavailable", "{ready:#}");
    // The load goes on for a while, and until the outage has been felt by a client: a
    // request that waits for a connection fails once the pool gives up waiting.
    tokio::time::sleep(Duration::from_secs(2)).await;
    wait_until("a request fails while the database is down", async || {
        !load.reads.failures().is_empty() || !load.writes.failures().is_empty()
    })
    .await;

    cluster.start_again().await;
    let (reads_before, writes_before) = (load.reads.ok(), load.writes.ok());
    wait_until(
        "reads and writes succeed again after the restart",
        async || load.reads.ok() > reads_before + 10 && load.writes.ok() > writes_before + 2,
    )
    .await;
    wait_until("/ready says ready again", async || {
        load.app.ready().await.0 == 200
    })
    .await;

    load.stop.store(true, Ordering::SeqCst);
    for task in tasks {
        task.await
            .unwrap_or_else(|error| panic!("a load task failed: {error}"));
    }

    // The background workers lived through it: the search indexer delivers the changes
    // made around the outage.
    wait_until("the search outbox drains after the restart", async || {
        kronika_core::search::outbox::status(load.app.db())
            .await
            .is_ok_and(|status| status.backlog == 0)
    })
    .await;

    // Every failure was a coded JSON error of the outage, and some were seen.
    let mut failures = load.reads.failures();
    for (failure, count) in load.writes.failures() {
        *failures.entry(failure).or_default() += count;
    }
    assert!(!failures.is_empty(), "the outage was not felt");
    for failure in failures.keys() {
        assert!(
            OUTAGE_CODES.contains(&failure.as_str()),
            "a request failed with {failure} (all failures: {failures:?})"
        );
    }
    eprintln!(
        "reads: {} ok; writes: {} ok; failures: {failures:?}",
        load.reads.ok(),
        load.writes.ok()
    );

    // Nothing acknowledged is lost: each article is there, with its acknowledged title
    // unless a later update went through whose answer the outage cut off.
    let acknowledged = load
        .acknowledged
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    assert!(acknowledged.len() > 6, "{acknowledged:?}");
    for expected in &acknowledged {
        let stored = load
            .app
            .data_as(&load.admin, READ_AS_EDITOR, json!({"slug": expected.slug}))
            .await["article"]
            .clone();
        assert!(!stored.is_null(), "acknowledged article lost: {expected:?}");
        let version = stored["version"].as_i64().unwrap_or_default();
        assert!(version >= expected.version, "{expected:?}: {stored:#}");
        if version == expected.version {
            assert_eq!(stored["title"], expected.title.as_str(), "{expected:?}");
        }
    }
}

async fn read_until_stopped(load: Arc<Load>) {
    while !load.stop.load(Ordering::SeqCst) {
        let one = load
            .app
            .try_gql(None, READ_ONE, json!({"slug": "sesja-rady-gminy"}))
            .await;
        let one = one.and_then(|data| {
            if data["article"]["title"] == "Sesja rady gminy" {
                Ok(())
            } else {
                Err(format!("wrong article: {data}"))
            }
        });
        load.reads.record(&one);
        let list = load.app.try_gql(None, READ_LIST, json!({})).await;
        load.reads.record(&list);
    }
}

/// Creates articles one after another, and updates each once, recording what the
/// server acknowledged.
async fn write_until_stopped(load: Arc<Load>, writer: usize) {
    let mut number = 0;
    while !load.stop.load(Ordering::SeqCst) {
        number += 1;
        let title = format!("Komunikat {writer}-{number}");
        let input = json!({"sectionId": load.section, "title": title, "body": "<p>Treść.</p>"});
        let created = load
            .app
            .try_gql(Some(&load.admin), CREATE, json!({"input": input}))
            .await;
        load.writes.record(&created);
        let Ok(created) = created else {
            continue;
        };
        let article = &created["createArticle"]["article"];
        let slug = article["slug"].as_str().unwrap_or_default().to_owned();
        assert_eq!(article["title"], title.as_str(), "{created:#}");
        let index = {
            let mut acknowledged = load
                .acknowledged
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            acknowledged.push(Acknowledged {
                slug,
                title: title.clone(),
                version: 1,
            });
            acknowledged.len() - 1
        };
        let new_title = format!("{title} (poprawiony)");
        let updated = load
            .app
            .try_gql(
                Some(&load.admin),
                UPDATE,
                json!({"id": article["id"], "input": {"title": new_title}, "version": 1}),
            )
            .await;
        load.writes.record(&updated);
        if let Ok(updated) = updated {
            assert_eq!(updated["updateArticle"]["article"]["version"], 2);
            let mut acknowledged = load
                .acknowledged
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if let Some(entry) = acknowledged.get_mut(index) {
                entry.title = new_title;
                entry.version = 2;
            }
        }
    }
}
