//! GraphQL hardening: depth, complexity, alias and batch limits, the body size limit,
//! the request timeout, and introspection and GraphiQL switched off.

use std::time::Duration;

use kronika_api::Config;
use kronika_core::domain::Role;
use kronika_tests::{Backend, PASSWORD, TestApp, first_error_code, on_both_databases};
use serde_json::{Value, json};

on_both_databases!(
    a_query_nested_too_deep_is_refused_with_its_code,
    a_query_selecting_too_much_is_refused_with_its_code,
    too_many_aliases_are_refused_with_its_code,
    a_batch_runs_each_operation_up_to_the_cap,
    a_body_over_the_limit_is_payload_too_large,
    a_post_without_content_type_is_unsupported,
    a_request_error_has_no_data_entry_and_400_with_the_graphql_response_type,
);

async fn post(app: &TestApp, body: &Value) -> (u16, Value) {
    let response = app
        .client
        .post(app.url("/graphql"))
        .json(body)
        .send()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

async fn a_query_nested_too_deep_is_refused_with_its_code(app: TestApp) {
    // Depth 20: sections → (articles → nodes → section) × 6 → slug.
    let mut query = String::from("slug");
    for _ in 0..6 {
        query = format!("articles {{ nodes {{ section {{ {query} }} }} }}");
    }
    let query = format!("{{ sections {{ {query} }} }}");
    let response = app.gql(&query).await;
    assert_eq!(
        first_error_code(&response),
        "QUERY_TOO_DEEP",
        "{response:#}"
    );
    assert!(response.get("data").is_none_or(Value::is_null));
}

async fn a_query_selecting_too_much_is_refused_with_its_code(app: TestApp) {
    let fields = "id slug title lead body bodyText byline status version publishedAt updatedAt createdAt viewCount";
    // 100 aliased copies would hit the alias cap first, so repeat inline fragments.
    let fragments: String = (0..450)
        .map(|_| format!("... on Article {{ {fields} }} "))
        .collect();
    let query = format!("{{ articles {{ nodes {{ {fragments} }} }} }}");
    let response = app.gql(&query).await;
    assert_eq!(
        first_error_code(&response),
        "QUERY_TOO_COMPLEX",
        "{response:#}"
    );
}

async fn too_many_aliases_are_refused_with_its_code(app: TestApp) {
    let aliases: String = (0..31)
        .map(|n| format!("a{n}: sections {{ slug }} "))
        .collect();
    let response = app.gql(&format!("{{ {aliases} }}")).await;
    assert_eq!(
        first_error_code(&response),
        "QUERY_TOO_COMPLEX",
        "{response:#}"
    );
    let aliases: String = (0..30)
        .map(|n| format!("a{n}: sections {{ slug }} "))
        .collect();
    let response = app.gql(&format!("{{ {aliases} }}")).await;
    assert!(response.get("errors").is_none(), "{response:#}");
}

async fn a_batch_runs_each_operation_up_to_the_cap(app: TestApp) {
    let batch: Vec<Value> = (0..3)
        .map(|n| json!({"query": format!("query Q{n} {{ sections {{ slug }} }}")}))
        .collect();
    let (status, body) = post(&app, &json!(batch)).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!([{"data": {"sections": []}}, {"data": {"sections": []}}, {"data": {"sections": []}}])
    );

    let batch: Vec<Value> = (0..11)
        .map(|_| json!({"query": "{ sections { slug } }"}))
        .collect();
    let (status, body) = post(&app, &json!(batch)).await;
    assert_eq!(status, 400);
    assert_eq!(first_error_code(&body), "BATCH_TOO_LARGE");
}

async fn a_body_over_the_limit_is_payload_too_large(app: TestApp) {
    let padding = "#".repeat(1024 * 1024 + 1);
    let (status, body) = post(
        &app,
        &json!({"query": format!("{{ sections {{ slug }} }}\n{padding}")}),
    )
    .await;
    assert_eq!(status, 413);
    assert_eq!(first_error_code(&body), "PAYLOAD_TOO_LARGE");

    // Without a Content-Length (chunked), the limit holds while reading.
    let chunks =
        futures::stream::iter((0..40).map(|_| Ok::<_, std::io::Error>(vec![b' '; 32 * 1024])));
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await;
    // The server answers 413 as soon as the limit is passed and closes the connection;
    // a client still streaming may see that close before it reads the answer.
    match response {
        Ok(response) => assert_eq!(response.status(), 413),
        Err(error) => assert!(
            error.is_request() || error.is_body(),
            "not the server closing an oversized upload: {error}"
        ),
    }
}

async fn a_post_without_content_type_is_unsupported(app: TestApp) {
    let response = app
        .client
        .post(app.url("/graphql"))
        .body(r#"{"query": "{ sections { slug } }"}"#)
        .send()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(response.status(), 415);
    let body: Value = response.json().await.unwrap_or_default();
    assert_eq!(first_error_code(&body), "UNSUPPORTED_MEDIA_TYPE");
    // What `fetch` sends for a string body unless told otherwise.
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "text/plain;charset=UTF-8")
        .body(r#"{"query": "{ sections { slug } }"}"#)
        .send()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(response.status(), 415);
}

async fn a_request_error_has_no_data_entry_and_400_with_the_graphql_response_type(app: TestApp) {
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("accept", "application/graphql-response+json")
        .json(&json!({"query": "{ sections { nope } }"}))
        .send()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(response.status(), 400);
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|value| value.to_str().ok()),
        Some("application/graphql-response+json; charset=utf-8")
    );
    let body: Value = response.json().await.unwrap_or_default();
    assert_eq!(first_error_code(&body), "GRAPHQL_VALIDATION_FAILED");
    assert!(body.get("data").is_none(), "{body:#}");
    let (status, body) = post(&app, &json!({"query": "{ sections { nope } }"})).await;
    assert_eq!(
        status, 200,
        "plain JSON answers 200 for what the executor saw"
    );
    assert!(body.get("data").is_none(), "{body:#}");
}

fn closed_schema(config: &mut Config) {
    config.introspection = false;
    config.graphiql = false;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn introspection_and_graphiql_can_be_switched_off() {
    let open = TestApp::spawn_sqlite().await;
    let introspection = "{ __schema { queryType { name } } }";
    let answer = open.gql(introspection).await;
    assert_eq!(answer["data"]["__schema"]["queryType"]["name"], "QueryRoot");

    let closed = TestApp::spawn_with(Backend::Sqlite, closed_schema)
        .await
        .unwrap_or_else(|| panic!("SQLite is always available"));
    let answer = closed.gql(introspection).await;
    assert_eq!(first_error_code(&answer), "FORBIDDEN", "{answer:#}");
    let answer = closed
        .gql(r#"{ ...T } fragment T on QueryRoot { __type(name: "Article") { name } }"#)
        .await;
    assert_eq!(first_error_code(&answer), "FORBIDDEN", "{answer:#}");
    let answer = closed.gql("{ __typename sections { slug } }").await;
    assert!(answer.get("errors").is_none(), "{answer:#}");

    let page = closed
        .client
        .get(closed.url("/graphql"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(page.status(), 400, "no GraphiQL, and no query either");
    let body = page.text().await.unwrap_or_default();
    assert!(!body.to_lowercase().contains("graphiql"), "{body}");
}

fn one_millisecond_timeout(config: &mut Config) {
    config.graphql_limits.timeout = Duration::from_millis(1);
}

/// `login` hashes a password (tens of milliseconds) and then writes a token, so with a
/// 1 ms limit the request is always stopped at its next await.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_over_the_time_limit_is_stopped_with_timeout() {
    let app = TestApp::spawn_with(Backend::Sqlite, one_millisecond_timeout)
        .await
        .unwrap_or_else(|| panic!("SQLite is always available"));
    let account = kronika_core::auth::accounts::add(
        app.db(),
        "slow@example.org",
        "Slow",
        Role::Editor,
        PASSWORD,
    )
    .await
    .unwrap_or_else(|error| panic!("{error}"));
    let response = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({
            "query": "mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }",
            "variables": {"email": account.email, "password": PASSWORD},
        }))
        .send()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(response.status(), 503);
    let body: Value = response.json().await.unwrap_or_default();
    assert_eq!(first_error_code(&body), "TIMEOUT", "{body:#}");
}
