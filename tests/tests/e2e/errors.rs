//! Errors carry a code from the closed set and never a database or internal message.

use kronika_tests::{TestApp, first_error_code, on_both_databases};
use serde_json::json;

on_both_databases!(
    a_malformed_query_is_a_parse_failure,
    an_unknown_field_is_a_validation_failure,
    a_wrong_variable_type_is_bad_user_input,
    out_of_range_arguments_name_their_field,
    a_body_that_is_not_graphql_is_a_bad_request,
    an_internal_failure_says_nothing_about_its_cause,
);

async fn a_malformed_query_is_a_parse_failure(app: TestApp) {
    let response = app.gql("{ articles { ").await;
    assert_eq!(first_error_code(&response), "GRAPHQL_PARSE_FAILED");
}

async fn an_unknown_field_is_a_validation_failure(app: TestApp) {
    let response = app.gql("{ articles { nodes { password } } }").await;
    assert_eq!(first_error_code(&response), "GRAPHQL_VALIDATION_FAILED");
}

async fn a_wrong_variable_type_is_bad_user_input(app: TestApp) {
    let response = app
        .gql_with(
            "query($first: Int) { articles(first: $first) { totalCount } }",
            json!({"first": "twenty"}),
        )
        .await;
    assert_eq!(
        first_error_code(&response),
        "BAD_USER_INPUT",
        "{response:#}"
    );
    let response = app
        .gql(r#"{ articles(orderBy: {field: POPULARITY}) { totalCount } }"#)
        .await;
    assert_eq!(
        first_error_code(&response),
        "BAD_USER_INPUT",
        "{response:#}"
    );
}

async fn out_of_range_arguments_name_their_field(app: TestApp) {
    let response = app.gql("{ articles(first: 1000) { totalCount } }").await;
    assert_eq!(first_error_code(&response), "BAD_USER_INPUT");
    assert_eq!(response["errors"][0]["extensions"]["field"], "first");
    let response = app
        .gql(r#"{ articles(after: "garbage") { totalCount } }"#)
        .await;
    assert_eq!(first_error_code(&response), "BAD_USER_INPUT");
    assert_eq!(response["errors"][0]["extensions"]["field"], "after");
}

async fn a_body_that_is_not_graphql_is_a_bad_request(app: TestApp) {
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.unwrap_or_default();
    assert_eq!(first_error_code(&body), "BAD_REQUEST");
}

/// Drops a table behind the server's back, so the next read fails inside the database.
/// The client must see a generic message with `INTERNAL_SERVER_ERROR`, not the SQL error.
async fn an_internal_failure_says_nothing_about_its_cause(app: TestApp) {
    use sea_orm::ConnectionTrait;
    app.db()
        .execute_unprepared("DROP TABLE gallery_photos")
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    let response = app.gql(r#"{ gallery(slug: "x") { id } }"#).await;
    assert!(
        response.get("errors").is_none(),
        "untouched tables still work"
    );
    // Whether readers may see a photo depends on the galleries that hold it.
    let response = app.gql(r#"{ photo(id: "1") { id } }"#).await;
    assert_eq!(first_error_code(&response), "INTERNAL_SERVER_ERROR");
    let text = response.to_string().to_lowercase();
    for leak in ["photos", "table", "sql", "relation", "no such"] {
        assert!(!text.contains(leak), "{leak} leaked: {response}");
    }
}

/// Fragments of the JSON parser's, the multipart parser's, the GraphQL grammar's and the
/// image decoders' own messages, which must never reach a client.
const FOREIGN_WORDS: &[&str] = &[
    "expected",
    "EOF",
    "Invalid request",
    "invalid type",
    "key must be",
    "multipart data",
    "stream",
    "boundary",
    "-->",
    "CRC",
    "Format error",
    "decoding",
];

fn assert_in_our_words(answer: &serde_json::Value, expected_start: &str) {
    let message = answer["errors"][0]["message"]
        .as_str()
        .unwrap_or_else(|| panic!("no message in {answer:#}"));
    assert!(
        message.starts_with(expected_start),
        "{message:?} does not start with {expected_start:?}"
    );
    for foreign in FOREIGN_WORDS {
        assert!(!message.contains(foreign), "{foreign:?} in {message:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parser_and_decoder_messages_are_replaced_by_ours() {
    use kronika_core::domain::Role;
    use kronika_tests::photos::fixture;
    use reqwest::multipart::{Form, Part};

    let app = TestApp::spawn_sqlite().await;
    let post_raw = |content_type: &'static str, body: &'static str| {
        app.client
            .post(app.url("/graphql"))
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let answer_of = |response: reqwest::Result<reqwest::Response>| async {
        let response = response.unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(response.status(), 400);
        let answer: serde_json::Value = response.json().await.unwrap_or_default();
        assert_eq!(first_error_code(&answer), "BAD_REQUEST", "{answer:#}");
        answer
    };

    let answer = answer_of(post_raw("application/json", "{not json").await).await;
    assert_in_our_words(
        &answer,
        "the request is not a GraphQL request: the body is not valid JSON (at line 1, column 2)",
    );
    let answer = answer_of(post_raw("application/json", r#"{"query": 5}"#).await).await;
    assert_in_our_words(
        &answer,
        "the request is not a GraphQL request: the body must be a JSON object with a `query` string",
    );
    let answer = answer_of(post_raw("application/json", r#"{"query": "#).await).await;
    assert_in_our_words(
        &answer,
        "the request is not a GraphQL request: the JSON body ends too early",
    );

    let answer = answer_of(
        post_raw(
            "multipart/form-data; boundary=kronika",
            "--kronika\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{\"query\": \"{ sections { slug } }\"}",
        )
        .await,
    )
    .await;
    assert_in_our_words(
        &answer,
        "the request is not a GraphQL request: the multipart body is malformed",
    );
    let only_operations = Form::new().text(
        "operations",
        r#"{"query": "mutation($file: Upload!) { uploadPhoto(file: $file) { photo { id } } }", "variables": {"file": null}}"#,
    );
    let response = app
        .client
        .post(app.url("/graphql"))
        .multipart(only_operations)
        .send()
        .await;
    let answer = answer_of(response).await;
    assert_in_our_words(
        &answer,
        "the request is not a GraphQL request: the multipart body has no `map` part",
    );
    let wrong_map = Form::new()
        .text("operations", r#"{"query": "{ sections { slug } }"}"#)
        .text("map", "[1, 2]")
        .part("0", Part::bytes(vec![1, 2, 3]).file_name("x.jpg"));
    let response = app
        .client
        .post(app.url("/graphql"))
        .multipart(wrong_map)
        .send()
        .await;
    let answer = answer_of(response).await;
    assert_in_our_words(
        &answer,
        "the request is not a GraphQL request: the multipart `map` part must be a JSON object",
    );

    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "{ sections { slug } }"), ("variables", "{broken")])
        .send()
        .await;
    let answer = answer_of(response).await;
    assert_in_our_words(
        &answer,
        "the request is not a GraphQL request: give `query`",
    );

    let answer = app.gql("{ articles { ").await;
    assert_eq!(first_error_code(&answer), "GRAPHQL_PARSE_FAILED");
    assert_in_our_words(
        &answer,
        "the query is not valid GraphQL: syntax error at line 1, column",
    );

    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    for damaged in [
        "hostile/gen-png-bad-crc.png",
        "hostile/gen-arithmetic-coded.jpg",
    ] {
        let answer = app
            .upload_photo(
                Some(&editor),
                fixture(damaged),
                damaged,
                json!({"caption": "x"}),
            )
            .await;
        assert_eq!(first_error_code(&answer), "BAD_USER_INPUT", "{answer:#}");
        assert_eq!(
            answer["errors"][0]["message"],
            "the image is corrupt or uses a feature that cannot be decoded",
            "{damaged}: {answer:#}"
        );
    }
}
