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

/// GraphiQL comes from the binary: the page names no other origin, has a CSP, and its
/// assets are served by this server with their types and immutable caching.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphiql_is_served_from_the_binary_with_a_content_security_policy() {
    let app = TestApp::spawn_sqlite().await;
    let response = app
        .client
        .get(app.url("/graphql"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(response.status(), 200);
    let csp = response
        .headers()
        .get("content-security-policy")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_else(|| panic!("no Content-Security-Policy"))
        .to_owned();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(csp.contains("connect-src 'self'"), "{csp}");
    assert!(csp.contains("default-src 'none'"), "{csp}");
    let page = response.text().await.unwrap_or_default();
    for origin in ["http://", "https://", "//unpkg", "//cdn"] {
        assert!(!page.contains(origin), "{origin} in {page}");
    }
    assert!(!page.contains("development"), "{page}");
    let references: Vec<&str> = page
        .split(['"', '\''])
        .filter(|part| part.starts_with("/graphiql/"))
        .collect();
    let expected_types = [
        ("graphiql.min-", ".js", "text/javascript"),
        ("graphiql.min-", ".css", "text/css"),
        ("react.production.min-", ".js", "text/javascript"),
        ("react-dom.production.min-", ".js", "text/javascript"),
        ("graphiql-start-", ".js", "text/javascript"),
    ];
    assert_eq!(references.len(), expected_types.len(), "{references:?}");
    for (stem, extension, content_type) in expected_types {
        let path = references
            .iter()
            .find(|path| {
                path.trim_start_matches("/graphiql/").starts_with(stem) && path.ends_with(extension)
            })
            .unwrap_or_else(|| panic!("{stem}…{extension} not in {references:?}"));
        let asset = app
            .client
            .get(app.url(path))
            .send()
            .await
            .unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(asset.status(), 200, "{path}");
        let header = |name: &str| {
            asset
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        assert!(header("content-type").starts_with(content_type), "{path}");
        assert!(header("cache-control").contains("immutable"), "{path}");
        let bytes = asset.bytes().await.unwrap_or_default();
        assert!(bytes.len() > 500, "{path}");
    }
    let unknown = app
        .client
        .get(app.url("/graphiql/graphiql.min-0000000000000000.js"))
        .send()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(unknown.status(), 404);
}
