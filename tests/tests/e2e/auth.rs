//! Logging in and out, tokens, and throttled guessing.

use kronika_core::auth::accounts;
use kronika_core::domain::Role;
use kronika_tests::{PASSWORD, TestApp, first_error_code, on_both_databases};
use serde_json::json;

on_both_databases!(
    a_login_opens_a_session_that_logout_closes,
    a_wrong_password_and_an_unknown_address_get_the_same_answer,
    repeated_failed_logins_are_refused_for_a_while,
    a_missing_or_bad_token_cannot_change_anything,
    admins_create_api_tokens_that_act_with_their_role_until_revoked,
    a_disabled_account_loses_its_sessions,
);

const VIEWER: &str = "{ viewer { email name role } }";
const LOGIN: &str = "mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token expiresAt account { name } } }";
const CREATE_TAG: &str = r#"mutation { createTag(input: {name: "nowy tag"}) { tag { slug } } }"#;

async fn a_login_opens_a_session_that_logout_closes(app: TestApp) {
    let session = app.login_as("Ewa Redaktor", Role::Editor).await;
    let viewer = app.data_as(&session, VIEWER, json!({})).await;
    assert_eq!(
        viewer["viewer"],
        json!({"email": "ewa-redaktor@example.org", "name": "Ewa Redaktor", "role": "EDITOR"})
    );
    let logged_out = app
        .data_as(&session, "mutation { logout }", json!({}))
        .await;
    assert_eq!(logged_out["logout"], true);
    let viewer = app.data_as(&session, VIEWER, json!({})).await;
    assert_eq!(viewer["viewer"], json!(null));
    let refused = app.gql_as(&session, CREATE_TAG, json!({})).await;
    assert_eq!(first_error_code(&refused), "UNAUTHENTICATED");
}

async fn a_wrong_password_and_an_unknown_address_get_the_same_answer(app: TestApp) {
    app.login_as("Ewa Redaktor", Role::Editor).await;
    let wrong_password = app
        .gql_with(
            LOGIN,
            json!({"email": "ewa-redaktor@example.org", "password": "wrong password!"}),
        )
        .await;
    let unknown_address = app
        .gql_with(
            LOGIN,
            json!({"email": "nikt@example.org", "password": PASSWORD}),
        )
        .await;
    assert_eq!(first_error_code(&wrong_password), "UNAUTHENTICATED");
    assert_eq!(
        wrong_password["errors"][0]["message"],
        unknown_address["errors"][0]["message"]
    );
    assert_eq!(
        wrong_password["errors"][0]["extensions"],
        unknown_address["errors"][0]["extensions"]
    );
}

async fn repeated_failed_logins_are_refused_for_a_while(app: TestApp) {
    app.login_as("Ewa Redaktor", Role::Editor).await;
    let wrong = json!({"email": "ewa-redaktor@example.org", "password": "guess guess guess"});
    for _ in 0..5 {
        let response = app.gql_with(LOGIN, wrong.clone()).await;
        assert_eq!(first_error_code(&response), "UNAUTHENTICATED");
    }
    // Now even the right password is refused, and the answer says for how long.
    let response = app
        .gql_with(
            LOGIN,
            json!({"email": "ewa-redaktor@example.org", "password": PASSWORD}),
        )
        .await;
    assert_eq!(first_error_code(&response), "RATE_LIMITED");
    assert!(response["errors"][0]["extensions"]["retryAfterSeconds"].as_u64() > Some(0));
    assert!(
        response["errors"][0]["message"]
            .as_str()
            .is_some_and(|message| message.contains("try again"))
    );
}

async fn a_missing_or_bad_token_cannot_change_anything(app: TestApp) {
    let anonymous = app.gql(CREATE_TAG).await;
    assert_eq!(first_error_code(&anonymous), "UNAUTHENTICATED");
    let forged = app
        .gql_with_token("kronika_forged", CREATE_TAG, json!({}))
        .await;
    assert_eq!(first_error_code(&forged), "UNAUTHENTICATED");
    // Reads with a bad token still work, as for any reader.
    let read = app
        .gql_with_token("kronika_forged", "{ sections { slug } }", json!({}))
        .await;
    assert_eq!(read, json!({"data": {"sections": []}}));
}

async fn admins_create_api_tokens_that_act_with_their_role_until_revoked(app: TestApp) {
    let admin = app.login_as("Adam Admin", Role::Admin).await;
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let create = r#"mutation($role: Role!) {
        createApiToken(input: {name: "budowa strony", role: $role, expiresAt: "2099-01-01T00:00:00Z"}) {
            token apiToken { id name role }
        }
    }"#;
    let refused = app.gql_as(&editor, create, json!({"role": "EDITOR"})).await;
    assert_eq!(first_error_code(&refused), "FORBIDDEN");

    let created = app.data_as(&admin, create, json!({"role": "AUTHOR"})).await;
    let token = created["createApiToken"]["token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let token_id = created["createApiToken"]["apiToken"]["id"].clone();
    let viewer = app.gql_with_token(&token, VIEWER, json!({})).await;
    assert_eq!(
        viewer["data"]["viewer"]["role"], "AUTHOR",
        "the token acts with its own role"
    );
    let as_author = app.gql_with_token(&token, CREATE_TAG, json!({})).await;
    assert_eq!(first_error_code(&as_author), "FORBIDDEN");

    let revoked = app
        .data_as(
            &admin,
            "mutation($id: ID!) { revokeApiToken(id: $id) }",
            json!({"id": token_id}),
        )
        .await;
    assert_eq!(revoked["revokeApiToken"], true);
    let after = app.gql_with_token(&token, CREATE_TAG, json!({})).await;
    assert_eq!(first_error_code(&after), "UNAUTHENTICATED");
}

async fn a_disabled_account_loses_its_sessions(app: TestApp) {
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    accounts::disable(app.db(), &editor.email)
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    let refused = app.gql_as(&editor, CREATE_TAG, json!({})).await;
    assert_eq!(first_error_code(&refused), "UNAUTHENTICATED");
    let login = app
        .gql_with(LOGIN, json!({"email": editor.email, "password": PASSWORD}))
        .await;
    assert_eq!(first_error_code(&login), "UNAUTHENTICATED");
}
