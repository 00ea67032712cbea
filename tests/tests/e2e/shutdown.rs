//! Graceful shutdown: the listener closes, a request under way is still answered, and
//! the views counted so far are written (the last part is also checked, under load, by
//! `views_counting::concurrent_beacons_are_all_written_by_a_graceful_shutdown`).

use std::time::{Duration, Instant};

use kronika_core::domain::Role;
use kronika_tests::{PASSWORD, TestApp};
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_under_way_is_answered_and_new_ones_are_refused_after_a_stop() {
    let mut app = TestApp::spawn_sqlite().await;
    let account = kronika_core::auth::accounts::add(
        app.db(),
        "ewa@example.org",
        "Ewa",
        Role::Editor,
        PASSWORD,
    )
    .await
    .unwrap_or_else(|error| panic!("{error}"));
    let author = app.editor("Anna Nowak").await;
    let section = app.section("Aktualności").await;
    let article = app.article("Czytany", &section, &author).create().await;
    app.beacon(article.id, "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0")
        .await;

    // A login hashes a password, which keeps the request busy for a while.
    let client = app.client.clone();
    let url = app.url("/graphql");
    let login = tokio::spawn(async move {
        let answer = client
            .post(url)
            .json(&json!({
                "query": "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
                "variables": {"e": account.email, "p": PASSWORD},
            }))
            .send()
            .await;
        (answer, Instant::now())
    });
    tokio::time::sleep(Duration::from_millis(15)).await;
    let stop_began = Instant::now();
    app.shutdown().await;

    let (answered, answered_at) = login.await.unwrap_or_else(|error| panic!("{error}"));
    let answered =
        answered.unwrap_or_else(|error| panic!("the request under way was cut off: {error}"));
    assert!(
        answered_at > stop_began,
        "the login was answered before the stop began, so this test proved nothing"
    );
    assert_eq!(answered.status(), 200);
    let body: Value = answered.json().await.unwrap_or_default();
    assert!(body["data"]["login"]["token"].is_string(), "{body:#}");

    let after = reqwest::Client::new()
        .get(app.url("/health"))
        .timeout(Duration::from_secs(2))
        .send()
        .await;
    assert!(
        after.is_err(),
        "the server still accepted a connection after it stopped"
    );

    let stored = app.stored_article(article.id).await;
    assert_eq!(
        stored.view_count, 1,
        "the counted view was written at the stop"
    );
}
