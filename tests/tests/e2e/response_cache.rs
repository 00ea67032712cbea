//! Anonymous queries are replayed from the response cache until content changes.

use kronika_tests::{TestApp, background_work_asleep, on_both_databases};
use serde_json::{Value, json};

on_both_databases!(
    configured_by = background_work_asleep;
    an_anonymous_query_is_replayed_until_content_changes,
    requests_with_credentials_and_failed_queries_are_never_cached,
);

async fn post(app: &TestApp, query: &str, authorization: Option<&str>) -> (String, Value) {
    app.gql_noting_cache(query, json!({}), authorization).await
}

const TITLES: &str = "{ articles { nodes { title } } }";

async fn an_anonymous_query_is_replayed_until_content_changes(app: TestApp) {
    let author = app.editor("Anna Nowak").await;
    let section = app.section("Aktualności").await;
    app.article("Pierwszy", &section, &author).create().await;
    app.settle_search_indexer().await;

    let (first_cache, first) = post(&app, TITLES, None).await;
    let statements_before_replay = app.statement_count();
    let (second_cache, second) = post(&app, TITLES, None).await;
    assert_eq!(
        (first_cache.as_str(), second_cache.as_str()),
        ("miss", "hit")
    );
    assert_eq!(first, second);
    assert_eq!(
        app.statement_count(),
        statements_before_replay,
        "a hit runs no SQL"
    );

    app.article("Drugi", &section, &author)
        .published_hours_after_base(1)
        .create()
        .await;
    let (third_cache, third) = post(&app, TITLES, None).await;
    assert_eq!(third_cache, "miss");
    assert_eq!(
        third["data"]["articles"]["nodes"],
        json!([{"title": "Drugi"}, {"title": "Pierwszy"}])
    );
}

async fn requests_with_credentials_and_failed_queries_are_never_cached(app: TestApp) {
    for _ in 0..2 {
        let (cache, _) = post(&app, TITLES, Some("Bearer some-token")).await;
        assert_eq!(cache, "miss");
        let (cache, body) = post(&app, "{ articles { nope } }", None).await;
        assert_eq!(cache, "miss");
        assert!(body.get("errors").is_some());
    }
}
