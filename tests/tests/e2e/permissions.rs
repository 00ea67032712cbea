//! Every mutation against every role: who may do what, and the code everyone else gets.
//! The table in the README ("Roles") says the same in prose.

use kronika_core::domain::Role;
use kronika_tests::{Session, TestApp, on_both_databases};
use serde_json::{Value, json};

on_both_databases!(every_mutation_checks_the_role);

/// Who sends a mutation.
#[derive(Clone, Copy, Debug)]
enum Who {
    Anonymous,
    /// The author who owns the draft the mutation targets.
    OwningAuthor,
    OtherAuthor,
    Editor,
    Admin,
}

const OK: &str = "OK";
const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
const FORBIDDEN: &str = "FORBIDDEN";
const NOT_FOUND: &str = "NOT_FOUND";

/// Fresh objects for one row, so that one row's success cannot change another's outcome.
struct World {
    number: usize,
    section: Value,
    tag: Value,
    empty_section: Value,
    empty_tag: Value,
    author_draft: Value,
    author_revision: Value,
    published: Value,
    archived: Value,
    api_token: Value,
}

struct Sessions {
    author: Session,
    other_author: Session,
    editor: Session,
    admin: Session,
}

async fn id_of(
    app: &TestApp,
    session: &Session,
    query: &str,
    variables: Value,
    path: &[&str],
) -> Value {
    let data = app.data_as(session, query, variables).await;
    path.iter().fold(data, |value, key| value[*key].clone())
}

async fn world(app: &TestApp, sessions: &Sessions, number: usize) -> World {
    let admin = &sessions.admin;
    let section = id_of(
        app,
        admin,
        "mutation($name: String!) { createSection(input: {name: $name}) { section { id } } }",
        json!({"name": format!("Dział {number}")}),
        &["createSection", "section", "id"],
    )
    .await;
    let empty_section = id_of(
        app,
        admin,
        "mutation($name: String!) { createSection(input: {name: $name}) { section { id } } }",
        json!({"name": format!("Pusty {number}")}),
        &["createSection", "section", "id"],
    )
    .await;
    let tag = id_of(
        app,
        admin,
        "mutation($name: String!) { createTag(input: {name: $name}) { tag { id } } }",
        json!({"name": format!("tag {number}")}),
        &["createTag", "tag", "id"],
    )
    .await;
    let empty_tag = id_of(
        app,
        admin,
        "mutation($name: String!) { createTag(input: {name: $name}) { tag { id } } }",
        json!({"name": format!("pusty tag {number}")}),
        &["createTag", "tag", "id"],
    )
    .await;
    let create =
        "mutation($input: CreateArticleInput!) { createArticle(input: $input) { article { id } } }";
    let author_draft = id_of(
        app,
        &sessions.author,
        create,
        json!({"input": {"sectionId": section, "title": format!("Szkic autora {number}")}}),
        &["createArticle", "article", "id"],
    )
    .await;
    app.data_as(&sessions.author, "mutation($id: ID!) { updateArticle(id: $id, input: {lead: \"Zmieniony\"}, expectedVersion: 1) { article { id } } }", json!({"id": author_draft})).await;
    let revisions = app
        .data_as(
            &sessions.author,
            "query($id: ID!) { article(id: $id) { revisions { id kind } } }",
            json!({"id": author_draft}),
        )
        .await;
    let author_revision = revisions["article"]["revisions"][1]["id"].clone();
    let published = id_of(
        app,
        admin,
        create,
        json!({"input": {"sectionId": section, "title": format!("Opublikowany {number}")}}),
        &["createArticle", "article", "id"],
    )
    .await;
    app.data_as(
        admin,
        "mutation($id: ID!) { publishArticle(id: $id) { article { id } } }",
        json!({"id": published}),
    )
    .await;
    let archived = id_of(
        app,
        admin,
        create,
        json!({"input": {"sectionId": section, "title": format!("Usunięty {number}")}}),
        &["createArticle", "article", "id"],
    )
    .await;
    app.data_as(
        admin,
        "mutation($id: ID!) { deleteArticle(id: $id) { article { id } } }",
        json!({"id": archived}),
    )
    .await;
    let api_token = id_of(app, admin, r#"mutation { createApiToken(input: {name: "x", role: EDITOR, expiresAt: "2099-01-01T00:00:00Z"}) { apiToken { id } } }"#, json!({}), &["createApiToken", "apiToken", "id"]).await;
    World {
        number,
        section,
        tag,
        empty_section,
        empty_tag,
        author_draft,
        author_revision,
        published,
        archived,
        api_token,
    }
}

/// Each mutation with the outcome expected for anonymous, owning author, other author,
/// editor and admin, in that order.
fn rows(world: &World) -> Vec<(&'static str, String, Value, [&'static str; 5])> {
    let all_staff = [UNAUTHENTICATED, FORBIDDEN, FORBIDDEN, OK, OK];
    let admin_only = [UNAUTHENTICATED, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK];
    let owner_or_staff = [UNAUTHENTICATED, OK, NOT_FOUND, OK, OK];
    vec![
        ("createArticle", "mutation($s: ID!) { createArticle(input: {sectionId: $s, title: \"Nowy\"}) { article { id } } }".into(), json!({"s": world.section}), [UNAUTHENTICATED, OK, OK, OK, OK]),
        ("updateArticle", "mutation($id: ID!) { updateArticle(id: $id, input: {title: \"Zmiana\"}, expectedVersion: 2) { article { id } } }".into(), json!({"id": world.author_draft}), owner_or_staff),
        ("updateArticle (published)", "mutation($id: ID!) { updateArticle(id: $id, input: {title: \"Zmiana\"}, expectedVersion: 2) { article { id } } }".into(), json!({"id": world.published}), [UNAUTHENTICATED, FORBIDDEN, FORBIDDEN, OK, OK]),
        ("publishArticle", "mutation($id: ID!) { publishArticle(id: $id) { article { id } } }".into(), json!({"id": world.author_draft}), all_staff),
        ("unpublishArticle", "mutation($id: ID!) { unpublishArticle(id: $id) { article { id } } }".into(), json!({"id": world.published}), all_staff),
        ("deleteArticle", "mutation($id: ID!) { deleteArticle(id: $id) { article { id } } }".into(), json!({"id": world.author_draft}), owner_or_staff),
        ("deleteArticle (published)", "mutation($id: ID!) { deleteArticle(id: $id) { article { id } } }".into(), json!({"id": world.published}), [UNAUTHENTICATED, FORBIDDEN, FORBIDDEN, OK, OK]),
        ("restoreArticle", "mutation($id: ID!) { restoreArticle(id: $id) { article { id } } }".into(), json!({"id": world.archived}), admin_only),
        ("restoreRevision", "mutation($id: ID!) { restoreRevision(revisionId: $id) { article { id } } }".into(), json!({"id": world.author_revision}), owner_or_staff),
        ("createSection", "mutation($name: String!) { createSection(input: {name: $name}) { section { id } } }".into(), json!({"name": format!("Nowy dział {}", world.number)}), admin_only),
        ("renameSection", "mutation($id: ID!) { renameSection(id: $id, name: \"Nazwa\") { section { id } } }".into(), json!({"id": world.section}), admin_only),
        ("deleteSection", "mutation($id: ID!) { deleteSection(id: $id) }".into(), json!({"id": world.empty_section}), admin_only),
        ("createTag", "mutation($name: String!) { createTag(input: {name: $name}) { tag { id } } }".into(), json!({"name": format!("nowy tag {}", world.number)}), all_staff),
        ("renameTag", "mutation($id: ID!) { renameTag(id: $id, name: \"nazwa\") { tag { id } } }".into(), json!({"id": world.tag}), all_staff),
        ("deleteTag", "mutation($id: ID!) { deleteTag(id: $id) }".into(), json!({"id": world.empty_tag}), all_staff),
        ("createApiToken", "mutation { createApiToken(input: {name: \"y\", role: AUTHOR, expiresAt: \"2099-01-01T00:00:00Z\"}) { token } }".into(), json!({}), admin_only),
        ("revokeApiToken", "mutation($id: ID!) { revokeApiToken(id: $id) }".into(), json!({"id": world.api_token}), admin_only),
        ("logout", "mutation { logout }".into(), json!({}), [UNAUTHENTICATED, OK, OK, OK, OK]),
    ]
}

async fn every_mutation_checks_the_role(app: TestApp) {
    let sessions = Sessions {
        author: app.login_as("Anna Autorka", Role::Author).await,
        other_author: app.login_as("Olga Autorka", Role::Author).await,
        editor: app.login_as("Ewa Redaktor", Role::Editor).await,
        admin: app.login_as("Adam Admin", Role::Admin).await,
    };
    let row_count = rows(&world(&app, &sessions, 0).await).len();
    let mut checked = 0;
    for row_index in 0..row_count {
        for (who_index, who) in [
            Who::Anonymous,
            Who::OwningAuthor,
            Who::OtherAuthor,
            Who::Editor,
            Who::Admin,
        ]
        .into_iter()
        .enumerate()
        {
            let world = world(&app, &sessions, row_index * 10 + who_index + 1).await;
            let (name, query, variables, expected) = rows(&world).swap_remove(row_index);
            // `logout` ends the session it is sent with, so it gets a session of its own.
            let logout_session;
            let session = match who {
                Who::Anonymous => None,
                _ if name == "logout" => {
                    let role = match who {
                        Who::Admin => Role::Admin,
                        Who::Editor => Role::Editor,
                        _ => Role::Author,
                    };
                    logout_session = app
                        .login_as(&format!("Wylogowanie {row_index} {who_index}"), role)
                        .await;
                    Some(&logout_session)
                }
                Who::OwningAuthor => Some(&sessions.author),
                Who::OtherAuthor => Some(&sessions.other_author),
                Who::Editor => Some(&sessions.editor),
                Who::Admin => Some(&sessions.admin),
            };
            let response = match session {
                Some(session) => app.gql_as(session, &query, variables).await,
                None => app.gql_with(&query, variables).await,
            };
            let outcome = response["errors"][0]["extensions"]["code"]
                .as_str()
                .unwrap_or(OK);
            assert_eq!(
                outcome, expected[who_index],
                "{name} as {who:?}: {response}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, row_count * 5);
}
