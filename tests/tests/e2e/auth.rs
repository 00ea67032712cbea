//! Logging in and out, tokens, and throttled guessing.

use kronika_api::Config;
use kronika_core::auth::accounts;
use kronika_core::domain::Role;
use kronika_tests::{PASSWORD, TestApp, first_error_code, on_both_databases};
use serde_json::{Value, json};

on_both_databases!(
    a_login_opens_a_session_that_logout_closes,
    a_wrong_password_and_an_unknown_address_get_the_same_answer,
    repeated_failed_logins_are_refused_for_a_while,
    a_missing_or_bad_token_cannot_change_anything,
    admins_create_api_tokens_that_act_with_their_role_until_revoked,
    a_disabled_account_loses_its_sessions,
);

on_both_databases!(
    configured_by = behind_a_trusted_proxy;
    failed_logins_from_one_address_do_not_lock_the_account_out_elsewhere,
    an_address_that_logged_in_before_is_slowed_but_never_locked_out,
);

/// Each test request names its client address in `X-Forwarded-For`.
fn behind_a_trusted_proxy(config: &mut Config) {
    config.trust_proxy = true;
}

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
    // Never logged in: this client's address is not one the account is known to use.
    accounts::add(
        app.db(),
        "ewa-redaktor@example.org",
        "Ewa Redaktor",
        Role::Editor,
        PASSWORD,
    )
    .await
    .unwrap_or_else(|error| panic!("{error}"));
    let wrong = json!({"email": "ewa-redaktor@example.org", "password": "guess guess guess"});
    for _ in 0..5 {
        let response = app.gql_with(LOGIN, wrong.clone()).await;
        assert_eq!(first_error_code(&response), "UNAUTHENTICATED");
    }
    // Now even the right password is refused from here, and the answer says for how long.
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

async fn login_from(app: &TestApp, address: &str, password: &str) -> Value {
    app.client
        .post(app.url("/graphql"))
        .header("x-forwarded-for", address)
        .json(&json!({"query": LOGIN, "variables": {"email": "ewa@example.org", "password": password}}))
        .send()
        .await
        .unwrap_or_else(|error| panic!("{error}"))
        .json()
        .await
        .unwrap_or_else(|error| panic!("{error}"))
}

async fn add_ewa(app: &TestApp) {
    accounts::add(app.db(), "ewa@example.org", "Ewa", Role::Editor, PASSWORD)
        .await
        .unwrap_or_else(|error| panic!("{error}"));
}

/// Five wrong passwords from one address once refused the account everywhere: anyone who
/// knew an editor's e-mail address could keep them out.
async fn failed_logins_from_one_address_do_not_lock_the_account_out_elsewhere(app: TestApp) {
    add_ewa(&app).await;
    let guesser = "203.0.113.66";
    for _ in 0..5 {
        let response = login_from(&app, guesser, "guess guess guess").await;
        assert_eq!(first_error_code(&response), "UNAUTHENTICATED");
    }
    let refused = login_from(&app, guesser, PASSWORD).await;
    assert_eq!(first_error_code(&refused), "RATE_LIMITED", "{refused:#}");
    let elsewhere = login_from(&app, "198.51.100.7", PASSWORD).await;
    assert!(
        elsewhere["data"]["login"]["token"].is_string(),
        "the editor logs in from their own address: {elsewhere:#}"
    );
    // Another address guessing is refused after its own five failures.
    let other_guesser = "192.0.2.44";
    for _ in 0..5 {
        login_from(&app, other_guesser, "guess guess guess").await;
    }
    let refused = login_from(&app, other_guesser, "guess guess guess").await;
    assert_eq!(first_error_code(&refused), "RATE_LIMITED");
}

/// Someone sharing the editor's address (an office, a café) guesses: the editor, who
/// logged in from there before, waits a little longer but gets in.
async fn an_address_that_logged_in_before_is_slowed_but_never_locked_out(app: TestApp) {
    add_ewa(&app).await;
    let office = "198.51.100.7";
    let first = login_from(&app, office, PASSWORD).await;
    assert!(first["data"]["login"]["token"].is_string(), "{first:#}");
    for attempt in 0..6 {
        let response = login_from(&app, office, "guess guess guess").await;
        assert_eq!(
            first_error_code(&response),
            "UNAUTHENTICATED",
            "attempt {attempt}: slowed, not refused"
        );
    }
    let started = std::time::Instant::now();
    let again = login_from(&app, office, PASSWORD).await;
    assert!(again["data"]["login"]["token"].is_string(), "{again:#}");
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(500),
        "the failures slowed the next attempt: {:?}",
        started.elapsed()
    );
}
