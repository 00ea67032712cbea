//! HTTP caching of anonymous reads: `ETag`, `Cache-Control`, `Cache-Tag` and `304` on
//! GET; precise invalidation of the response cache; the signed change webhook.

use std::time::Duration;

use hmac::{Hmac, Mac};
use kronika_api::config::{ChangeWebhook, Secret};
use kronika_core::domain::Role;
use kronika_tests::webhook::webhook_receiver;
use kronika_tests::{Backend, Session, TestApp, on_both_databases};
use serde_json::{Value, json};
use sha2::Sha256;

on_both_databases!(
    anonymous_get_queries_carry_validators_and_answer_not_modified,
    a_change_drops_only_the_cached_responses_that_used_it,
);

const PAGE: &str = "query Page($slug: String!) { article(slug: $slug) { id title } }";
const LIST: &str = "query List { articles { nodes { title } } }";
const UPDATE: &str = r#"mutation($id: ID!, $input: UpdateArticleInput!, $version: Int!) {
  updateArticle(id: $id, input: $input, expectedVersion: $version) { article { version } }
}"#;

struct Answer {
    status: u16,
    cache: String,
    etag: Option<String>,
    cache_control: Option<String>,
    cache_tag: Option<String>,
    body: Value,
}

async fn get(app: &TestApp, query: &str, variables: Value, headers: &[(&str, &str)]) -> Answer {
    let mut request = app.client.get(app.url("/graphql")).query(&[
        ("query", query.to_owned()),
        ("variables", variables.to_string()),
    ]);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request
        .send()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(ToOwned::to_owned)
    };
    let status = response.status().as_u16();
    let cache = header("x-kronika-cache").unwrap_or_default();
    let etag = header("etag");
    let cache_control = header("cache-control");
    let cache_tag = header("cache-tag");
    let text = response.text().await.unwrap_or_default();
    Answer {
        status,
        cache,
        etag,
        cache_control,
        cache_tag,
        body: serde_json::from_str(&text).unwrap_or(Value::Null),
    }
}

async fn anonymous_get_queries_carry_validators_and_answer_not_modified(app: TestApp) {
    let author = app.editor("Anna Nowak").await;
    let section = app.section("Aktualności").await;
    let article = app.article("Pierwszy", &section, &author).create().await;
    let variables = json!({"slug": article.slug});

    let first = get(&app, PAGE, variables.clone(), &[]).await;
    assert_eq!(first.status, 200);
    assert_eq!(first.body["data"]["article"]["title"], "Pierwszy");
    let etag = first.etag.unwrap_or_else(|| panic!("no ETag"));
    assert_eq!(first.cache_control.as_deref(), Some("public, max-age=5"));
    let tags = first.cache_tag.unwrap_or_default();
    assert!(
        tags.split(' ')
            .any(|tag| tag == format!("article-{}", article.id)),
        "{tags}"
    );
    assert!(
        !tags.split(' ').any(|tag| tag == "lists"),
        "one article's page uses no list: {tags}"
    );

    let revalidated = get(&app, PAGE, variables.clone(), &[("if-none-match", &etag)]).await;
    assert_eq!(revalidated.status, 304);
    assert_eq!(revalidated.etag.as_deref(), Some(etag.as_str()));
    assert_eq!(revalidated.body, Value::Null, "a 304 has no body");

    let other = get(
        &app,
        PAGE,
        variables.clone(),
        &[("if-none-match", "\"something-else\"")],
    )
    .await;
    assert_eq!(other.status, 200);

    let list = get(&app, LIST, json!({}), &[]).await;
    assert!(list.cache_tag.unwrap_or_default().contains("lists"));

    let gallery = app.gallery("Z wydarzenia", 2).await;
    let illustrated = app
        .article("Ilustrowany", &section, &author)
        .gallery(&gallery)
        .create()
        .await;
    let with_gallery = get(
        &app,
        "query($slug: String!) { article(slug: $slug) { title gallery { photos { caption } } } }",
        json!({"slug": illustrated.slug}),
        &[],
    )
    .await;
    let tags = with_gallery.cache_tag.unwrap_or_default();
    assert!(tags.contains(&format!("gallery-{}", gallery.id)), "{tags}");
    assert!(
        tags.contains(&format!("article-{}", illustrated.id)),
        "{tags}"
    );

    let with_credentials = get(&app, PAGE, variables, &[("authorization", "Bearer nobody")]).await;
    assert_eq!(with_credentials.cache_control.as_deref(), Some("no-store"));
    assert_eq!(with_credentials.etag, None);

    let failing = get(&app, "{ articles { nope } }", json!({}), &[]).await;
    assert_eq!(failing.cache_control.as_deref(), Some("no-store"));
    assert_eq!(failing.etag, None);
}

async fn update_title(app: &TestApp, editor: &Session, id: i64, version: i32, title: &str) {
    app.data_as(
        editor,
        UPDATE,
        json!({"id": id.to_string(), "input": {"title": title}, "version": version}),
    )
    .await;
}

async fn a_change_drops_only_the_cached_responses_that_used_it(app: TestApp) {
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let author = app.editor("Anna Nowak").await;
    let section = app.section("Aktualności").await;
    let changed = app.article("Zmieniany", &section, &author).create().await;
    let untouched = app
        .article("Nietknięty", &section, &author)
        .published_hours_after_base(1)
        .create()
        .await;
    let changed_page = json!({"slug": changed.slug});
    let untouched_page = json!({"slug": untouched.slug});
    for _ in 0..2 {
        get(&app, PAGE, changed_page.clone(), &[]).await;
        get(&app, PAGE, untouched_page.clone(), &[]).await;
        get(&app, LIST, json!({}), &[]).await;
    }
    let before = get(&app, PAGE, changed_page.clone(), &[]).await;
    assert_eq!(before.cache, "hit");

    update_title(&app, &editor, changed.id, changed.version, "Zmieniony").await;

    let page = get(&app, PAGE, changed_page.clone(), &[]).await;
    assert_eq!(page.cache, "miss");
    assert_eq!(page.body["data"]["article"]["title"], "Zmieniony");
    assert_ne!(page.etag, before.etag, "a new body has a new ETag");
    let list = get(&app, LIST, json!({}), &[]).await;
    assert_eq!(list.cache, "miss", "lists show titles");
    let other = get(&app, PAGE, untouched_page, &[]).await;
    assert_eq!(
        other.cache, "hit",
        "another article's page is still served from memory"
    );
}

const WEBHOOK_SECRET: &str = "a-shared-secret-of-some-length";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_content_change_is_announced_to_the_webhook_with_a_valid_signature() {
    let (url, mut received) = webhook_receiver().await;
    let app = TestApp::spawn_with(Backend::Sqlite, |config| {
        config.change_webhook = Some(ChangeWebhook {
            url,
            secret: Secret::new(WEBHOOK_SECRET),
        });
    })
    .await
    .unwrap_or_else(|| panic!("SQLite is always available"));
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let author = app.editor("Anna Nowak").await;
    let section = app.section("Aktualności").await;
    let article = app.article("Zmieniany", &section, &author).create().await;
    // The fixtures' own writes announce "everything"; wait for those notices to pass.
    tokio::time::sleep(Duration::from_millis(300)).await;
    while received.try_recv().is_ok() {}

    update_title(&app, &editor, article.id, article.version, "Zmieniony").await;

    let (headers, body) = tokio::time::timeout(Duration::from_secs(10), received.recv())
        .await
        .unwrap_or_else(|_| panic!("no notice within 10 s"))
        .unwrap_or_else(|| panic!("the receiver stopped"));
    let header = |name: &str| {
        headers
            .iter()
            .find(|(header, _)| header == name)
            .map(|(_, value)| value.clone())
            .unwrap_or_else(|| panic!("no {name} header in {headers:?}"))
    };
    let timestamp = header("x-kronika-timestamp");
    let mut mac = Hmac::<Sha256>::new_from_slice(WEBHOOK_SECRET.as_bytes())
        .unwrap_or_else(|error| panic!("{error}"));
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(&body);
    let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    assert_eq!(header("x-kronika-signature"), expected);

    let notice: Value = serde_json::from_slice(&body).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(notice["event"], "content.changed");
    // The search index catching up is announced too, and may share this notice.
    let without_search = |values: &Value, search: &Value| -> Vec<Value> {
        values
            .as_array()
            .unwrap_or_else(|| panic!("not a list: {values}"))
            .iter()
            .filter(|value| *value != search)
            .cloned()
            .collect()
    };
    assert_eq!(
        without_search(&notice["changes"], &json!({"kind": "search"})),
        [json!({"kind": "article", "id": article.id.to_string()})]
    );
    assert_eq!(
        without_search(&notice["tags"], &json!("search")),
        [json!(format!("article-{}", article.id)), json!("lists")]
    );
}
