//! The one "content changed" signal: every producer reports through it and every
//! consumer hears every change, whichever edge made the change.

use std::time::Duration;

use kronika_api::config::{ChangeWebhook, Secret};
use kronika_core::auth::Actor;
use kronika_core::domain::Role;
use kronika_core::editing::articles::{self, ArticleChanges};
use kronika_tests::webhook::webhook_receiver;
use kronika_tests::{Backend, TestApp, on_both_databases};
use serde_json::{Value, json};

on_both_databases!(an_edit_made_without_graphql_still_drops_the_cached_responses);

const PAGE: &str = "query Page($slug: String!) { article(slug: $slug) { title } }";

async fn page_title(app: &TestApp, slug: &str) -> (String, String) {
    let (cache, body) = app
        .gql_noting_cache(PAGE, json!({"slug": slug}), None)
        .await;
    let title = body["data"]["article"]["title"]
        .as_str()
        .unwrap_or_else(|| panic!("no title in {body}"))
        .to_owned();
    (title, cache)
}

/// The editing services report their own changes, so an edge that is not GraphQL (the
/// editors' application, an importer, the CLI) cannot leave a stale page in the cache.
async fn an_edit_made_without_graphql_still_drops_the_cached_responses(app: TestApp) {
    let editor = app.editor("Ewa Redaktor").await;
    let section = app.section("Aktualności").await;
    let article = app
        .article("Przed zmianą", &section, &editor)
        .create()
        .await;
    page_title(&app, &article.slug).await;
    let (title, cache) = page_title(&app, &article.slug).await;
    assert_eq!((title.as_str(), cache.as_str()), ("Przed zmianą", "hit"));

    let actor = Actor {
        account_id: editor.id,
        role: Role::Editor,
        token_id: 0,
    };
    let changes = ArticleChanges {
        title: Some("Po zmianie".to_owned()),
        ..ArticleChanges::default()
    };
    articles::update(
        app.app.content_store(),
        &actor,
        article.id,
        changes,
        article.version,
    )
    .await
    .unwrap_or_else(|error| panic!("{error}"));

    let (title, cache) = page_title(&app, &article.slug).await;
    assert_eq!((title.as_str(), cache.as_str()), ("Po zmianie", "miss"));
}

/// When the index applies a batch, searches answer differently: a CDN that cached
/// them must hear it as much as the in-process cache does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_webhook_is_told_when_the_search_index_catches_up() {
    let (url, mut received) = webhook_receiver().await;
    let app = TestApp::spawn_with(Backend::Sqlite, |config| {
        config.change_webhook = Some(ChangeWebhook {
            url,
            secret: Secret::new("a-shared-secret-of-some-length"),
        });
    })
    .await
    .unwrap_or_else(|| panic!("SQLite is always available"));
    let editor = app.editor("Ewa Redaktor").await;
    let section = app.section("Aktualności").await;
    app.article("Dożynki gminne", &section, &editor)
        .create()
        .await;

    let mut heard = Vec::new();
    let search_notice = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some((_, body)) = received.recv().await {
            let notice: Value =
                serde_json::from_slice(&body).unwrap_or_else(|error| panic!("{error}"));
            if notice["changes"]
                .as_array()
                .is_some_and(|changes| changes.contains(&json!({"kind": "search"})))
            {
                return notice;
            }
            heard.push(notice);
        }
        panic!("the receiver stopped");
    })
    .await
    .unwrap_or_else(|_| panic!("no search notice within 10 s; heard {heard:?}"));
    assert!(
        search_notice["tags"]
            .as_array()
            .is_some_and(|tags| tags.contains(&json!("search"))),
        "{search_notice}"
    );
}
