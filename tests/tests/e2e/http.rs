//! GraphQL over HTTP: GET for cacheable reads, POST, GraphiQL, health.

use kronika_tests::{TestApp, first_error_code, on_both_databases};
use serde_json::{Value, json};

on_both_databases!(
    a_query_can_be_sent_with_get,
    a_mutation_sent_with_get_is_refused,
    a_browser_opening_graphql_gets_graphiql,
    health_reports_the_database,
);

async fn a_query_can_be_sent_with_get(app: TestApp) {
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "{ sections { slug } }")])
        .send()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(response.status(), 200);
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|value| value.to_str().ok()),
        Some("application/json")
    );
    let body: Value = response.json().await.unwrap_or_default();
    assert_eq!(body, json!({"data": {"sections": []}}));
}

async fn a_mutation_sent_with_get_is_refused(app: TestApp) {
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "mutation { recordView(articleId: \"1\") }")])
        .send()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(response.status(), 405);
    let body: Value = response.json().await.unwrap_or_default();
    assert_eq!(first_error_code(&body), "BAD_REQUEST");
}

async fn a_browser_opening_graphql_gets_graphiql(app: TestApp) {
    let response = app
        .client
        .get(app.url("/graphql"))
        .header("accept", "text/html,application/xhtml+xml")
        .send()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(response.status(), 200);
    let page = response.text().await.unwrap_or_default();
    assert!(page.to_lowercase().contains("graphiql"), "{page}");
}

async fn health_reports_the_database(app: TestApp) {
    let response = app
        .client
        .get(app.url("/health"))
        .send()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap_or_default();
    assert_eq!(
        body,
        json!({"status": "ok"}),
        "liveness does not ask the database"
    );
    let response = app
        .client
        .get(app.url("/ready"))
        .send()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap_or_default();
    assert_eq!(
        body,
        json!({
            "status": "ready",
            "checks": {"database": "ok", "storage": "ok", "search": "ok"}
        })
    );
}
