//! Automatic persisted queries over GET and POST, and allow-list mode.

use kronika_tests::{Backend, TestApp, first_error_code, on_both_databases};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

on_both_databases!(an_automatic_persisted_query_is_learned_once_then_sent_by_hash);

const QUERY: &str = "query Sections { sections { slug } }";

fn hash_of(query: &str) -> String {
    hex::encode(Sha256::digest(query.as_bytes()))
}

fn extension(hash: &str) -> Value {
    json!({"persistedQuery": {"version": 1, "sha256Hash": hash}})
}

async fn get_by_hash(app: &TestApp, hash: &str) -> (u16, Value) {
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[("extensions", extension(hash).to_string())])
        .send()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

async fn post(app: &TestApp, body: Value) -> (u16, Value) {
    let response = app
        .client
        .post(app.url("/graphql"))
        .json(&body)
        .send()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

async fn an_automatic_persisted_query_is_learned_once_then_sent_by_hash(app: TestApp) {
    let hash = hash_of(QUERY);
    let (status, unknown) = get_by_hash(&app, &hash).await;
    assert_eq!(
        status, 200,
        "Apollo clients expect the not-found answer with 200"
    );
    assert_eq!(first_error_code(&unknown), "PERSISTED_QUERY_NOT_FOUND");
    assert_eq!(unknown["errors"][0]["message"], "PersistedQueryNotFound");

    let (status, registered) = post(
        &app,
        json!({"query": QUERY, "extensions": extension(&hash)}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(registered, json!({"data": {"sections": []}}));

    let (status, by_hash) = get_by_hash(&app, &hash).await;
    assert_eq!(status, 200);
    assert_eq!(by_hash, json!({"data": {"sections": []}}));
    let (_, by_hash) = post(&app, json!({"extensions": extension(&hash)})).await;
    assert_eq!(by_hash, json!({"data": {"sections": []}}));

    let (status, mismatch) = post(
        &app,
        json!({"query": "{ sections { name } }", "extensions": extension(&hash)}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(first_error_code(&mismatch), "BAD_REQUEST");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn persisted_queries_can_be_switched_off() {
    let app = TestApp::spawn_with(Backend::Sqlite, |config| config.persisted_queries = false)
        .await
        .unwrap_or_else(|| panic!("SQLite is always available"));
    let (status, answer) = get_by_hash(&app, &hash_of(QUERY)).await;
    assert_eq!(status, 400);
    assert_eq!(first_error_code(&answer), "PERSISTED_QUERY_NOT_SUPPORTED");
    let (_, plain) = post(&app, json!({"query": QUERY})).await;
    assert_eq!(plain, json!({"data": {"sections": []}}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_allow_list_mode_only_listed_queries_run() {
    let list = tempfile::NamedTempFile::new().unwrap_or_else(|error| panic!("{error}"));
    let manifest = json!({ hash_of(QUERY): QUERY });
    std::fs::write(list.path(), manifest.to_string()).unwrap_or_else(|error| panic!("{error}"));
    let path = list.path().to_path_buf();
    let app = TestApp::spawn_with(Backend::Sqlite, move |config| {
        config.query_allow_list = Some(path);
    })
    .await
    .unwrap_or_else(|| panic!("SQLite is always available"));

    let (status, by_hash) = get_by_hash(&app, &hash_of(QUERY)).await;
    assert_eq!(
        status, 200,
        "a listed hash runs without ever being sent as text"
    );
    assert_eq!(by_hash, json!({"data": {"sections": []}}));
    let (_, as_text) = post(&app, json!({"query": QUERY})).await;
    assert_eq!(as_text, json!({"data": {"sections": []}}));

    let other = "{ sections { name } }";
    let (status, refused) = post(&app, json!({"query": other})).await;
    assert_eq!(status, 403);
    assert_eq!(first_error_code(&refused), "QUERY_NOT_ALLOWED");
    let (_, refused) = post(
        &app,
        json!({"query": other, "extensions": extension(&hash_of(other))}),
    )
    .await;
    assert_eq!(
        first_error_code(&refused),
        "QUERY_NOT_ALLOWED",
        "clients cannot add to the list"
    );
    let (_, refused) = get_by_hash(&app, &hash_of(other)).await;
    assert_eq!(first_error_code(&refused), "QUERY_NOT_ALLOWED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_allow_list_stops_the_start_with_a_clear_error() {
    let list = tempfile::NamedTempFile::new().unwrap_or_else(|error| panic!("{error}"));
    std::fs::write(list.path(), json!({ "00".repeat(32): QUERY }).to_string())
        .unwrap_or_else(|error| panic!("{error}"));
    let data_dir = tempfile::tempdir().unwrap_or_else(|error| panic!("{error}"));
    let mut config = kronika_api::Config::new(data_dir.path().to_path_buf());
    config.query_allow_list = Some(list.path().to_path_buf());
    let error = kronika_api::App::build(config)
        .await
        .err()
        .unwrap_or_else(|| panic!("the app started with a wrong hash in its allow-list"));
    assert!(
        error
            .to_string()
            .contains("is not the SHA-256 of its query"),
        "{error}"
    );
}
