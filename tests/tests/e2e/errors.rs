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
