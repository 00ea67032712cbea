//! Managing accounts: creating them, roles, disabling, password-reset links, changing a
//! password, the first administrator and the list of API tokens.

use kronika_core::auth::accounts::{self, AccountError};
use kronika_core::domain::Role;
use kronika_core::domain::secrets::token_hash;
use kronika_tests::{PASSWORD, Session, TestApp, first_error_code, on_both_databases};
use serde_json::{Value, json};

on_both_databases!(
    an_admin_creates_an_account_that_can_log_in,
    editors_cannot_manage_accounts,
    the_last_enabled_admin_can_be_neither_demoted_nor_disabled,
    disabling_an_account_revokes_its_tokens_at_once,
    a_reset_link_works_once_and_ends_the_old_sessions,
    a_new_reset_link_replaces_the_old_one,
    changing_a_password_needs_the_current_one_and_keeps_only_this_session,
    the_first_administrator_is_created_only_once,
    the_list_of_api_tokens_never_shows_a_token,
);

const VIEWER: &str = "{ viewer { email } }";
const LOGIN: &str = "mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }";
const CREATE_ACCOUNT: &str = "mutation($input: CreateAccountInput!) { createAccount(input: $input) { account { id email name role disabled hasPassword } } }";
const UPDATE_ACCOUNT: &str = "mutation($id: ID!, $input: UpdateAccountInput!) { updateAccount(id: $id, input: $input) { account { id role disabled disabledAt } } }";
const RESET_LINK: &str = "mutation($id: ID!) { createPasswordResetLink(accountId: $id) { token path expiresAt account { email } } }";
const RESET_PASSWORD: &str = "mutation($token: String!, $password: String!) { resetPassword(token: $token, password: $password) }";
const CHANGE_PASSWORD: &str = "mutation($current: String!, $new: String!) { changePassword(currentPassword: $current, newPassword: $new) }";
const NEW_PASSWORD: &str = "a brand new passphrase";

async fn login(app: &TestApp, email: &str, password: &str) -> Value {
    app.gql_with(LOGIN, json!({"email": email, "password": password}))
        .await
}

async fn token_of_login(app: &TestApp, email: &str, password: &str) -> String {
    let response = login(app, email, password).await;
    response["data"]["login"]["token"]
        .as_str()
        .unwrap_or_else(|| panic!("the login failed: {response:#}"))
        .to_owned()
}

/// Whether a bearer token still stands for its account.
async fn token_works(app: &TestApp, token: &str) -> bool {
    let response = app.gql_with_token(token, VIEWER, json!({})).await;
    !response["data"]["viewer"].is_null()
}

fn id_of(session: &Session) -> String {
    session.account_id.to_string()
}

async fn an_admin_creates_an_account_that_can_log_in(app: TestApp) {
    let admin = app.login_as("Anna Admin", Role::Admin).await;
    let created = app
        .data_as(
            &admin,
            CREATE_ACCOUNT,
            json!({"input": {"email": " Nowa.Autorka@Example.org ", "name": " Nowa Autorka ",
                             "role": "AUTHOR", "password": PASSWORD}}),
        )
        .await;
    let account = &created["createAccount"]["account"];
    assert_eq!(account["email"], "nowa.autorka@example.org");
    assert_eq!(account["name"], "Nowa Autorka");
    assert_eq!(account["role"], "AUTHOR");
    assert_eq!(account["disabled"], false);
    assert_eq!(account["hasPassword"], true);
    let token = token_of_login(&app, "nowa.autorka@example.org", PASSWORD).await;
    assert!(token_works(&app, &token).await);

    let listed = app
        .data_as(&admin, "{ accounts { email role } }", json!({}))
        .await;
    assert_eq!(
        listed["accounts"],
        json!([{"email": "anna-admin@example.org", "role": "ADMIN"},
               {"email": "nowa.autorka@example.org", "role": "AUTHOR"}])
    );

    let again = app
        .gql_as(
            &admin,
            CREATE_ACCOUNT,
            json!({"input": {"email": "nowa.autorka@example.org", "name": "Ktoś", "role": "EDITOR"}}),
        )
        .await;
    assert_eq!(first_error_code(&again), "CONFLICT");
    let short = app
        .gql_as(
            &admin,
            CREATE_ACCOUNT,
            json!({"input": {"email": "inna@example.org", "name": "Inna", "role": "EDITOR", "password": "krótkie"}}),
        )
        .await;
    assert_eq!(first_error_code(&short), "BAD_USER_INPUT");
    assert_eq!(short["errors"][0]["extensions"]["field"], "input.password");
    let bad_email = app
        .gql_as(
            &admin,
            CREATE_ACCOUNT,
            json!({"input": {"email": "bez-malpy", "name": "Inna", "role": "EDITOR"}}),
        )
        .await;
    assert_eq!(bad_email["errors"][0]["extensions"]["field"], "input.email");
}

async fn editors_cannot_manage_accounts(app: TestApp) {
    let admin = app.login_as("Anna Admin", Role::Admin).await;
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let attempts = [
        (
            CREATE_ACCOUNT,
            json!({"input": {"email": "x@example.org", "name": "X", "role": "ADMIN"}}),
        ),
        (
            UPDATE_ACCOUNT,
            json!({"id": id_of(&admin), "input": {"disabled": true}}),
        ),
        (
            UPDATE_ACCOUNT,
            json!({"id": id_of(&editor), "input": {"role": "ADMIN"}}),
        ),
        (RESET_LINK, json!({"id": id_of(&admin)})),
        ("{ accounts { id } }", json!({})),
        ("{ apiTokens { id } }", json!({})),
    ];
    for (query, variables) in attempts {
        let refused = app.gql_as(&editor, query, variables).await;
        assert_eq!(
            first_error_code(&refused),
            "FORBIDDEN",
            "{query}: {refused:#}"
        );
    }
    let anonymous = app.gql("{ accounts { id } }").await;
    assert_eq!(first_error_code(&anonymous), "UNAUTHENTICATED");
    // Nothing changed: the editor is still an editor, the admin still works.
    let viewer = app.data_as(&editor, "{ viewer { role } }", json!({})).await;
    assert_eq!(viewer["viewer"]["role"], "EDITOR");
    assert!(token_works(&app, &admin.token).await);
}

async fn the_last_enabled_admin_can_be_neither_demoted_nor_disabled(app: TestApp) {
    let first = app.login_as("Anna Admin", Role::Admin).await;
    let demoted = app
        .gql_as(
            &first,
            UPDATE_ACCOUNT,
            json!({"id": id_of(&first), "input": {"role": "EDITOR"}}),
        )
        .await;
    assert_eq!(first_error_code(&demoted), "CONFLICT");
    let message = demoted["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("last enabled administrator"), "{message}");
    let disabled_self = app
        .gql_as(
            &first,
            UPDATE_ACCOUNT,
            json!({"id": id_of(&first), "input": {"disabled": true}}),
        )
        .await;
    assert_eq!(first_error_code(&disabled_self), "CONFLICT");
    let message = disabled_self["errors"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains("your own account"), "{message}");

    // An admin API token of the first admin outlives her admin role: through it, the
    // second admin, now the last, is neither demoted nor disabled.
    let created = app
        .data_as(
            &first,
            r#"mutation { createApiToken(input: {name: "import", role: ADMIN, expiresAt: "2099-01-01T00:00:00Z"}) { token } }"#,
            json!({}),
        )
        .await;
    let api_token = created["createApiToken"]["token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let second = app.login_as("Bogdan Admin", Role::Admin).await;
    let first_demoted = app
        .data_as(
            &second,
            UPDATE_ACCOUNT,
            json!({"id": id_of(&first), "input": {"role": "EDITOR"}}),
        )
        .await;
    assert_eq!(first_demoted["updateAccount"]["account"]["role"], "EDITOR");
    for input in [json!({"role": "AUTHOR"}), json!({"disabled": true})] {
        let refused = app
            .gql_with_token(
                &api_token,
                UPDATE_ACCOUNT,
                json!({"id": id_of(&second), "input": input}),
            )
            .await;
        assert_eq!(first_error_code(&refused), "CONFLICT", "{refused:#}");
    }
    let viewer = app.data_as(&second, "{ viewer { role } }", json!({})).await;
    assert_eq!(viewer["viewer"]["role"], "ADMIN");
    // With another admin enabled, the second may step down.
    app.data_as(
        &second,
        UPDATE_ACCOUNT,
        json!({"id": id_of(&first), "input": {"role": "ADMIN"}}),
    )
    .await;
    let stepped_down = app
        .data_as(
            &second,
            UPDATE_ACCOUNT,
            json!({"id": id_of(&second), "input": {"role": "EDITOR"}}),
        )
        .await;
    assert_eq!(stepped_down["updateAccount"]["account"]["role"], "EDITOR");
}

async fn disabling_an_account_revokes_its_tokens_at_once(app: TestApp) {
    let admin = app.login_as("Anna Admin", Role::Admin).await;
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    assert!(token_works(&app, &editor.token).await);
    let disabled = app
        .data_as(
            &admin,
            UPDATE_ACCOUNT,
            json!({"id": id_of(&editor), "input": {"disabled": true}}),
        )
        .await;
    assert_eq!(disabled["updateAccount"]["account"]["disabled"], true);
    assert!(!disabled["updateAccount"]["account"]["disabledAt"].is_null());
    assert!(!token_works(&app, &editor.token).await);
    let refused = login(&app, &editor.email, PASSWORD).await;
    assert_eq!(first_error_code(&refused), "UNAUTHENTICATED");

    let enabled = app
        .data_as(
            &admin,
            UPDATE_ACCOUNT,
            json!({"id": id_of(&editor), "input": {"disabled": false}}),
        )
        .await;
    assert_eq!(enabled["updateAccount"]["account"]["disabled"], false);
    assert!(enabled["updateAccount"]["account"]["disabledAt"].is_null());
    // Enabled again, the account logs in anew; its old session stays revoked.
    let token = token_of_login(&app, &editor.email, PASSWORD).await;
    assert!(token_works(&app, &token).await);
    assert!(!token_works(&app, &editor.token).await);
}

async fn a_reset_link_works_once_and_ends_the_old_sessions(app: TestApp) {
    let admin = app.login_as("Anna Admin", Role::Admin).await;
    let created = app
        .data_as(
            &admin,
            CREATE_ACCOUNT,
            json!({"input": {"email": "bez-hasla@example.org", "name": "Bez Hasła", "role": "EDITOR"}}),
        )
        .await;
    assert_eq!(created["createAccount"]["account"]["hasPassword"], false);
    let account_id = created["createAccount"]["account"]["id"].clone();
    let link = app
        .data_as(&admin, RESET_LINK, json!({"id": account_id}))
        .await;
    let link = &link["createPasswordResetLink"];
    let token = link["token"].as_str().unwrap_or_default().to_owned();
    assert_eq!(link["path"], format!("/admin/reset/{token}"));
    assert_eq!(link["account"]["email"], "bez-hasla@example.org");
    // A reset token is no bearer token.
    assert!(!token_works(&app, &token).await);

    let too_short = app
        .gql_with(
            RESET_PASSWORD,
            json!({"token": token, "password": "krótkie"}),
        )
        .await;
    assert_eq!(first_error_code(&too_short), "BAD_USER_INPUT");
    assert_eq!(too_short["errors"][0]["extensions"]["field"], "password");
    // A refused password leaves the link working.
    let reset = app
        .gql_with(
            RESET_PASSWORD,
            json!({"token": token, "password": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(reset["data"]["resetPassword"], true, "{reset:#}");
    let first_session = token_of_login(&app, "bez-hasla@example.org", NEW_PASSWORD).await;
    let twice = app
        .gql_with(
            RESET_PASSWORD,
            json!({"token": token, "password": "yet another passphrase"}),
        )
        .await;
    assert_eq!(first_error_code(&twice), "BAD_USER_INPUT");
    assert_eq!(twice["errors"][0]["extensions"]["field"], "token");
    let unknown = app
        .gql_with(
            RESET_PASSWORD,
            json!({"token": "kronika_nonsense", "password": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(
        unknown["errors"][0]["message"],
        twice["errors"][0]["message"]
    );

    // A second reset ends the session opened after the first.
    let link = app
        .data_as(&admin, RESET_LINK, json!({"id": account_id}))
        .await;
    let second_token = link["createPasswordResetLink"]["token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(token_works(&app, &first_session).await);
    let reset = app
        .gql_with(
            RESET_PASSWORD,
            json!({"token": second_token, "password": "the third passphrase"}),
        )
        .await;
    assert_eq!(reset["data"]["resetPassword"], true, "{reset:#}");
    assert!(!token_works(&app, &first_session).await);
    let old_password = login(&app, "bez-hasla@example.org", NEW_PASSWORD).await;
    assert_eq!(first_error_code(&old_password), "UNAUTHENTICATED");
    token_of_login(&app, "bez-hasla@example.org", "the third passphrase").await;
}

async fn a_new_reset_link_replaces_the_old_one(app: TestApp) {
    let admin = app.login_as("Anna Admin", Role::Admin).await;
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let mut tokens = Vec::new();
    for _ in 0..2 {
        let link = app
            .data_as(&admin, RESET_LINK, json!({"id": id_of(&editor)}))
            .await;
        tokens.push(
            link["createPasswordResetLink"]["token"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        );
    }
    let old = app
        .gql_with(
            RESET_PASSWORD,
            json!({"token": tokens[0], "password": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(first_error_code(&old), "BAD_USER_INPUT");
    let new = app
        .gql_with(
            RESET_PASSWORD,
            json!({"token": tokens[1], "password": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(new["data"]["resetPassword"], true, "{new:#}");
    let missing = app
        .gql_as(&admin, RESET_LINK, json!({"id": "999999"}))
        .await;
    assert_eq!(first_error_code(&missing), "NOT_FOUND");
}

async fn changing_a_password_needs_the_current_one_and_keeps_only_this_session(app: TestApp) {
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let other_session = token_of_login(&app, &editor.email, PASSWORD).await;
    let wrong = app
        .gql_as(
            &editor,
            CHANGE_PASSWORD,
            json!({"current": "not my password", "new": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(first_error_code(&wrong), "BAD_USER_INPUT");
    assert_eq!(wrong["errors"][0]["extensions"]["field"], "currentPassword");
    let short = app
        .gql_as(
            &editor,
            CHANGE_PASSWORD,
            json!({"current": PASSWORD, "new": "krótkie"}),
        )
        .await;
    assert_eq!(short["errors"][0]["extensions"]["field"], "newPassword");
    assert!(token_works(&app, &other_session).await);

    let changed = app
        .data_as(
            &editor,
            CHANGE_PASSWORD,
            json!({"current": PASSWORD, "new": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(changed["changePassword"], true);
    assert!(token_works(&app, &editor.token).await);
    assert!(!token_works(&app, &other_session).await);
    let old = login(&app, &editor.email, PASSWORD).await;
    assert_eq!(first_error_code(&old), "UNAUTHENTICATED");
    token_of_login(&app, &editor.email, NEW_PASSWORD).await;
    let anonymous = app
        .gql_with(
            CHANGE_PASSWORD,
            json!({"current": PASSWORD, "new": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(first_error_code(&anonymous), "UNAUTHENTICATED");
}

async fn the_first_administrator_is_created_only_once(app: TestApp) {
    let db = app.db();
    let (first, second) = tokio::join!(
        accounts::create_first_administrator(db, "pierwsza@example.org", "Pierwsza", PASSWORD),
        accounts::create_first_administrator(db, "druga@example.org", "Druga", PASSWORD),
    );
    let created: Vec<_> = [&first, &second]
        .into_iter()
        .filter(|result| result.is_ok())
        .collect();
    assert_eq!(created.len(), 1, "{first:?} {second:?}");
    assert!(
        [&first, &second]
            .into_iter()
            .any(|result| matches!(result, Err(AccountError::SetupDone))),
        "{first:?} {second:?}"
    );
    let later =
        accounts::create_first_administrator(db, "trzecia@example.org", "Trzecia", PASSWORD).await;
    assert!(matches!(later, Err(AccountError::SetupDone)), "{later:?}");
    let all = accounts::list(db)
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].role, "ADMIN");
    token_of_login(&app, &all[0].email, PASSWORD).await;
}

async fn the_list_of_api_tokens_never_shows_a_token(app: TestApp) {
    let admin = app.login_as("Anna Admin", Role::Admin).await;
    let created = app
        .data_as(
            &admin,
            r#"mutation { createApiToken(input: {name: "budowa strony", role: EDITOR, expiresAt: "2099-01-01T00:00:00Z"}) { token apiToken { id } } }"#,
            json!({}),
        )
        .await;
    let token = created["createApiToken"]["token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let token_id = created["createApiToken"]["apiToken"]["id"].clone();
    app.data_as(
        &admin,
        "mutation($id: ID!) { revokeApiToken(id: $id) }",
        json!({"id": token_id}),
    )
    .await;
    let response = app
        .gql_as(
            &admin,
            "{ apiTokens { id name role createdAt expiresAt revokedAt owner { name email } } }",
            json!({}),
        )
        .await;
    let listed = &response["data"]["apiTokens"];
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{response:#}");
    assert_eq!(listed[0]["id"], token_id);
    assert_eq!(listed[0]["name"], "budowa strony");
    assert_eq!(listed[0]["role"], "EDITOR");
    assert_eq!(
        listed[0]["owner"],
        json!({"name": "Anna Admin", "email": "anna-admin@example.org"})
    );
    assert!(!listed[0]["revokedAt"].is_null());
    // Sessions are no API tokens, and neither the token nor its hash is anywhere.
    let text = response.to_string();
    assert!(!text.contains(&token));
    assert!(!text.contains(&token_hash(&token)));
    assert!(!text.contains(&admin.token));
}
