//! Two servers on one PostgreSQL database, as behind a load balancer: a change made
//! through one is read fresh from the other at once, although the other cached the old
//! answer for an hour. Only the change announced through PostgreSQL's `NOTIFY` can have
//! told it; a lost listening connection ends with everything dropped, not with a stale
//! answer.
//!
//! PostgreSQL only: SQLite is one process.

use std::time::{Duration, Instant};

use kronika_api::Config;
use kronika_core::domain::{ArticleStatus, Role};
use kronika_tests::private_postgres::PrivatePostgres;
use kronika_tests::{Backend, Session, TestApp};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

/// Answers stay cached for an hour: nothing but an announcement can refresh them.
fn cached_for_an_hour(config: &mut Config) {
    config.response_cache_ttl = Duration::from_secs(3_600);
}

/// The first replica's scheduler looks for due articles ten times a second.
fn cached_and_scheduling(config: &mut Config) {
    cached_for_an_hour(config);
    config.scheduler_interval = Duration::from_millis(100);
}

/// The second replica's scheduler sleeps: only the first one publishes.
fn cached_and_not_scheduling(config: &mut Config) {
    cached_for_an_hour(config);
    config.scheduler_interval = Duration::from_secs(3_600);
}

/// How long a test waits for a cached answer or the database before failing: a bound on
/// waiting on a loaded machine (reads until fresh use `TestApp::read_until_fresh`).
const AT_MOST: Duration = Duration::from_secs(10);

const ARTICLE: &str = "query($slug: String!) { article(slug: $slug) {
  title section { name } tags { name } gallery { title photos { caption } }
} }";
const NEWEST: &str = "{ articles(first: 5) { edges { node { title } } } }";

/// Reads `query` from `app` until it is answered from the response cache (the first
/// answer is computed, the second replayed); returns the cached data.
async fn cached(app: &TestApp, query: &str, variables: &Value) -> Value {
    let started = Instant::now();
    loop {
        let (cache, body) = app.gql_noting_cache(query, variables.clone(), None).await;
        if cache == "hit" {
            return body["data"].clone();
        }
        assert!(
            started.elapsed() < AT_MOST,
            "no answer from the cache after {AT_MOST:?}: {cache} {body}"
        );
    }
}

/// Two replicas on one database, both listening, and an administrator's session.
struct Replicas {
    first: TestApp,
    second: TestApp,
    admin: Session,
}

impl Replicas {
    /// Caches `query` on the second replica, runs `mutation` on the first, then reads
    /// the second until `fresh` holds for the answer.
    async fn change(
        &self,
        mutation: &str,
        mutation_variables: Value,
        (query, variables): (&str, Value),
        fresh: impl Fn(&Value) -> bool,
    ) {
        cached(&self.second, query, &variables).await;
        self.first
            .data_as(&self.admin, mutation, mutation_variables)
            .await;
        self.second.read_until_fresh(query, &variables, fresh).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_change_through_one_replica_is_read_fresh_from_the_other() {
    let Some(first) =
        TestApp::spawn_with_shared_state(Backend::Postgres, cached_and_scheduling).await
    else {
        return;
    };
    let author = first.editor("Anna Nowak").await;
    let section = first.section("Aktualności").await;
    let tag = first.tag("rynek pracy").await;
    let gallery = first.gallery("Sesja", 1).await;
    let article = first
        .article("Sesja rady gminy", &section, &author)
        .tags(&[&tag])
        .gallery(&gallery)
        .create()
        .await;
    let draft = first
        .article("Zapowiedź festynu", &section, &author)
        .status(ArticleStatus::Draft)
        .create()
        .await;
    let second = first
        .spawn_sharing_database(cached_and_not_scheduling)
        .await;
    wait_for_listeners(&first, 2).await;
    let admin = first.login_as("Adam Admin", Role::Admin).await;
    let photo = first
        .data_as(
            &admin,
            "query($id: ID!) { gallery(id: $id) { photos { id } } }",
            json!({"id": gallery.id.to_string()}),
        )
        .await["gallery"]["photos"][0]["id"]
        .clone();
    let replicas = Replicas {
        first,
        second,
        admin,
    };
    let page = || (ARTICLE, json!({"slug": article.slug}));

    replicas
        .change(
            "mutation($id: ID!, $version: Int!) { updateArticle(id: $id, expectedVersion: $version,
               input: {title: \"Sesja Rady Gminy – porządek obrad\"}) { article { version } } }",
            json!({"id": article.id.to_string(), "version": article.version}),
            page(),
            |data| data["article"]["title"] == "Sesja Rady Gminy – porządek obrad",
        )
        .await;
    // A new section is written without a transaction of its own: announced after.
    replicas
        .change(
            "mutation { createSection(input: {name: \"Ogłoszenia\"}) { section { id } } }",
            json!({}),
            ("{ sections { name } }", json!({})),
            |data| data["sections"].to_string().contains("Ogłoszenia"),
        )
        .await;
    replicas
        .change(
            "mutation($id: ID!) { renameSection(id: $id, name: \"Wiadomości\") { section { name } } }",
            json!({"id": section.id.to_string()}),
            page(),
            |data| data["article"]["section"]["name"] == "Wiadomości",
        )
        .await;
    replicas
        .change(
            "mutation($id: ID!) { renameTag(id: $id, name: \"praca\") { tag { name } } }",
            json!({"id": tag.id.to_string()}),
            page(),
            |data| data["article"]["tags"][0]["name"] == "praca",
        )
        .await;
    replicas
        .change(
            "mutation($id: ID!) { updateGallery(id: $id, input: {title: \"Sesja absolutoryjna\"}) { gallery { id } } }",
            json!({"id": gallery.id.to_string()}),
            page(),
            |data| data["article"]["gallery"]["title"] == "Sesja absolutoryjna",
        )
        .await;
    replicas
        .change(
            "mutation($id: ID!) { updatePhoto(id: $id, input: {caption: \"Radni przy stole\"}) { photo { id } } }",
            json!({"id": photo}),
            page(),
            |data| data["article"]["gallery"]["photos"][0]["caption"] == "Radni przy stole",
        )
        .await;
    // Scheduled half a second ahead: the first replica's scheduler publishes it.
    replicas
        .change(
            "mutation($id: ID!, $at: DateTime) { publishArticle(id: $id, at: $at) { article { status } } }",
            json!({"id": draft.id.to_string(),
                   "at": (chrono::Utc::now() + chrono::Duration::milliseconds(500)).to_rfc3339()}),
            (NEWEST, json!({})),
            |data| data["articles"]["edges"][0]["node"]["title"] == "Zapowiedź festynu",
        )
        .await;
    replicas
        .change(
            "mutation($id: ID!) { unpublishArticle(id: $id) { article { status } } }",
            json!({"id": draft.id.to_string()}),
            (NEWEST, json!({})),
            |data| data["articles"]["edges"][0]["node"]["title"] != "Zapowiedź festynu",
        )
        .await;
    replicas
        .change(
            "mutation($id: ID!) { deleteArticle(id: $id) { article { status } } }",
            json!({"id": article.id.to_string()}),
            page(),
            |data| data["article"].is_null(),
        )
        .await;
}

/// The second replica's listening connection is killed (as a database restart or a
/// proxy's idle timeout would); a change made before it listens again is never heard,
/// so on reconnecting it drops everything and reads fresh.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_that_lost_its_listening_connection_ends_fresh() {
    let Some(first) = TestApp::spawn_with_shared_state(Backend::Postgres, cached_for_an_hour).await
    else {
        return;
    };
    let author = first.editor("Anna Nowak").await;
    let section = first.section("Aktualności").await;
    let article = first
        .article("Dożynki gminne", &section, &author)
        .create()
        .await;
    let second = first.spawn_sharing_database(cached_for_an_hour).await;
    let listening = wait_for_listeners(&first, 2).await;
    let page = json!({"slug": article.slug});
    assert_eq!(
        cached(&second, ARTICLE, &page).await["article"]["title"],
        "Dożynki gminne"
    );

    // Both replicas listen on this test's own database; kill every listening connection
    // and, in the same breath, change the article behind the cache's back (with SQL, so
    // that nothing is announced: only the reconnection can save the second replica).
    first
        .db()
        .execute_unprepared(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid IN ({})",
            listening
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(",")
        ))
        .await
        .unwrap_or_else(|error| panic!("terminate the listeners: {error}"));
    first
        .db()
        .execute_unprepared(&format!(
            "UPDATE articles SET title = 'Dożynki gminne 2027' WHERE id = {}",
            article.id
        ))
        .await
        .unwrap_or_else(|error| panic!("update the article: {error}"));

    second
        .read_until_fresh(ARTICLE, &page, |data| {
            data["article"]["title"] == "Dożynki gminne 2027"
        })
        .await;
    // And it listens again: an announced change still arrives.
    wait_for_listeners(&first, 2).await;
    cached(&second, ARTICLE, &page).await;
    let admin = first.login_as("Adam Admin", Role::Admin).await;
    first
        .data_as(
            &admin,
            "mutation($id: ID!) { unpublishArticle(id: $id) { article { status } } }",
            json!({"id": article.id.to_string()}),
        )
        .await;
    second
        .read_until_fresh(ARTICLE, &page, |data| data["article"].is_null())
        .await;
    assert_eq!(
        first.stored_article(article.id).await.status,
        ArticleStatus::Draft
    );
}

/// PostgreSQL restarts (on a private cluster: the shared one serves other tests); a change
/// made while the second replica could not hear is read fresh once it listens again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_ends_fresh_after_postgresql_restarts_between_a_change_and_the_read() {
    let Some(cluster) = PrivatePostgres::start().await else {
        return;
    };
    let first = TestApp::spawn_replicas_on_postgres_url(&cluster.url(), cached_for_an_hour).await;
    let author = first.editor("Anna Nowak").await;
    let section = first.section("Aktualności").await;
    let article = first
        .article("Festyn rodzinny", &section, &author)
        .create()
        .await;
    let second = first.spawn_sharing_database(cached_for_an_hour).await;
    wait_for_listeners(&first, 2).await;
    let page = json!({"slug": article.slug});
    assert_eq!(
        cached(&second, ARTICLE, &page).await["article"]["title"],
        "Festyn rodzinny"
    );

    cluster.stop().await;
    cluster.start_again().await;
    // Written the moment the database is back, with SQL so that nothing announces it:
    // the second replica may not even be listening again yet.
    let update = format!(
        "UPDATE articles SET title = 'Festyn rodzinny przełożony' WHERE id = {}",
        article.id
    );
    let started = Instant::now();
    while let Err(error) = first.db().execute_unprepared(&update).await {
        assert!(
            started.elapsed() < AT_MOST,
            "the database is not back after {AT_MOST:?}: {error}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    second
        .read_until_fresh(ARTICLE, &page, |data| {
            data["article"]["title"] == "Festyn rodzinny przełożony"
        })
        .await;
}

/// An importer writes beside the running servers (`kronika import` is a process of its
/// own): on PostgreSQL its articles reach a server's cached lists as each commits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_beside_a_running_server_reaches_its_cache_at_once() {
    let Some(app) = TestApp::spawn_with_shared_state(Backend::Postgres, cached_for_an_hour).await
    else {
        return;
    };
    wait_for_listeners(&app, 1).await;
    let list = "{ articles(first: 100) { edges { node { title } } } }";
    let titles = |data: &Value| -> Vec<String> {
        data["articles"]["edges"]
            .as_array()
            .map(|edges| {
                edges
                    .iter()
                    .filter_map(|edge| edge["node"]["title"].as_str().map(ToOwned::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(
        titles(&cached(&app, list, &json!({})).await),
        Vec::<String>::new()
    );

    // The importer as the command runs it: the library on the same database, with no
    // word to this server's own signal.
    let export = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/wordpress/a11y-theme-unit-test-data.xml");
    let summary = kronika_core::import::wordpress(
        app.db(),
        app.app.photo_services(),
        &export,
        None,
        false,
        |_, _| {},
    )
    .await
    .unwrap_or_else(|error| panic!("import: {error}"));
    assert!(summary.created > 0, "{summary:?}");

    app.read_until_fresh(list, &json!({}), |data| {
        titles(data).contains(&"Template: Featured Image (Horizontal)".to_owned())
    })
    .await;
}

/// The process ids of the connections listening on this test's database, once there are
/// `count` of them (the replicas start listening as they start serving).
async fn wait_for_listeners(app: &TestApp, count: usize) -> Vec<i32> {
    let started = Instant::now();
    loop {
        let rows = app
            .db()
            .query_all_raw(sea_orm::Statement::from_string(
                sea_orm::DatabaseBackend::Postgres,
                "SELECT pid FROM pg_stat_activity \
                 WHERE datname = current_database() AND query LIKE 'LISTEN %'",
            ))
            .await
            .unwrap_or_else(|error| panic!("pg_stat_activity: {error}"));
        let pids: Vec<i32> = rows
            .iter()
            .filter_map(|row| row.try_get::<i32>("", "pid").ok())
            .collect();
        if pids.len() >= count {
            return pids;
        }
        assert!(
            started.elapsed() < AT_MOST,
            "{} of {count} replicas listen after {AT_MOST:?}",
            pids.len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
