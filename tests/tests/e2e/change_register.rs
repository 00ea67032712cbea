//! Revisions for editors and the public change register for readers.

use kronika_core::domain::Role;
use kronika_tests::fixtures::{create_article, section_id};
use kronika_tests::{TestApp, first_error_code, on_both_databases};
use serde_json::json;

on_both_databases!(
    the_change_register_lists_publication_and_three_later_edits,
    an_earlier_revision_can_be_restored,
    an_authors_draft_is_invisible_to_the_public_and_to_other_authors,
);

const UPDATE: &str = r#"mutation($id: ID!, $input: UpdateArticleInput!, $version: Int!) {
  updateArticle(id: $id, input: $input, expectedVersion: $version) { article { version } }
}"#;

async fn the_change_register_lists_publication_and_three_later_edits(app: TestApp) {
    let admin = app.login_as("Adam Admin", Role::Admin).await;
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let section = section_id(&app, &admin).await;
    let article = create_article(&app, &editor, &section, "Rejestr zmian").await;
    let id = article["id"].clone();
    // A draft edit: private history.
    app.data_as(
        &editor,
        UPDATE,
        json!({"id": id, "version": 1, "input": {"lead": "Szkic wstępu"}}),
    )
    .await;
    app.data_as(
        &editor,
        "mutation($id: ID!) { publishArticle(id: $id) { article { id } } }",
        json!({"id": id}),
    )
    .await;
    app.data_as(
        &editor,
        UPDATE,
        json!({"id": id, "version": 3, "input": {"title": "Rejestr zmian (poprawiony)"}}),
    )
    .await;
    app.data_as(&admin, UPDATE, json!({"id": id, "version": 4, "input": {"body": "<p>Nowa treść.</p>", "lead": "Nowy wstęp"}})).await;
    let gallery = app.gallery("Galeria rejestru", 1).await;
    app.data_as(
        &editor,
        UPDATE,
        json!({"id": id, "version": 5, "input": {"galleryId": gallery.id.to_string()}}),
    )
    .await;

    let public = app
        .data("query($id: ID!) { article(id: $id) { changeLog { at editorName description changedFields } } }", json!({"id": id}))
        .await;
    let entries = public["article"]["changeLog"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let summary: Vec<(String, String)> = entries
        .iter()
        .map(|entry| {
            (
                entry["editorName"].as_str().unwrap_or_default().to_owned(),
                entry["description"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("Ewa Redaktor".to_owned(), "Publikacja".to_owned()),
            ("Ewa Redaktor".to_owned(), "Zmieniono: tytuł".to_owned()),
            (
                "Adam Admin".to_owned(),
                "Zmieniono: wstęp, treść".to_owned()
            ),
            ("Ewa Redaktor".to_owned(), "Zmieniono: galeria".to_owned()),
        ]
    );
    let times: Vec<&str> = entries
        .iter()
        .filter_map(|entry| entry["at"].as_str())
        .collect();
    let mut sorted = times.clone();
    sorted.sort_unstable();
    assert_eq!(times, sorted, "in the order they happened");

    // Editors see the whole history, draft edits included, with the previous states.
    let history = app
        .data_as(&editor, "query($id: ID!) { article(id: $id) { revisions { kind changedFields previousState } } }", json!({"id": id}))
        .await;
    let kinds: Vec<&str> = history["article"]["revisions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|revision| revision["kind"].as_str())
        .collect();
    assert_eq!(
        kinds,
        [
            "CREATED",
            "UPDATED",
            "PUBLISHED",
            "UPDATED",
            "UPDATED",
            "UPDATED"
        ]
    );
    assert!(
        history["article"]["revisions"][3]["previousState"]
            .as_str()
            .is_some_and(|state| state.contains("\"title\":\"Rejestr zmian\""))
    );
    let readers = app
        .gql_with(
            "query($id: ID!) { article(id: $id) { revisions { kind } } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(first_error_code(&readers), "FORBIDDEN");
}

async fn an_earlier_revision_can_be_restored(app: TestApp) {
    let admin = app.login_as("Adam Admin", Role::Admin).await;
    let section = section_id(&app, &admin).await;
    let article = create_article(&app, &admin, &section, "Pierwotny tytuł").await;
    let id = article["id"].clone();
    app.data_as(&admin, UPDATE, json!({"id": id, "version": 1, "input": {"title": "Błędny tytuł", "body": "<p>Zepsute.</p>"}})).await;
    let history = app
        .data_as(
            &admin,
            "query($id: ID!) { article(id: $id) { revisions { id kind } } }",
            json!({"id": id}),
        )
        .await;
    let bad_edit = history["article"]["revisions"][1]["id"].clone();
    let restored = app
        .data_as(&admin, "mutation($id: ID!) { restoreRevision(revisionId: $id) { article { title bodyText version } } }", json!({"id": bad_edit}))
        .await;
    assert_eq!(
        restored["restoreRevision"]["article"],
        json!({"title": "Pierwotny tytuł", "bodyText": "Treść.", "version": 3})
    );
}

async fn an_authors_draft_is_invisible_to_the_public_and_to_other_authors(app: TestApp) {
    let admin = app.login_as("Adam Admin", Role::Admin).await;
    let author = app.login_as("Anna Autorka", Role::Author).await;
    let other = app.login_as("Olga Autorka", Role::Author).await;
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let section = section_id(&app, &admin).await;
    let draft = create_article(&app, &author, &section, "Szkic Anny").await;
    let query = "query($id: ID!, $slug: String!) { byId: article(id: $id) { title } bySlug: article(slug: $slug) { title } }";
    let variables = json!({"id": draft["id"], "slug": "szkic-anny"});
    let nothing = json!({"byId": null, "bySlug": null});
    assert_eq!(app.data(query, variables.clone()).await, nothing);
    assert_eq!(app.data_as(&other, query, variables.clone()).await, nothing);
    let seen = json!({"byId": {"title": "Szkic Anny"}, "bySlug": {"title": "Szkic Anny"}});
    assert_eq!(app.data_as(&author, query, variables.clone()).await, seen);
    assert_eq!(app.data_as(&editor, query, variables).await, seen);
    let listed = app.data("{ articles { totalCount } }", json!({})).await;
    assert_eq!(listed["articles"]["totalCount"], 0);
}

on_both_databases!(editors_list_drafts_and_authors_only_their_own);

async fn editors_list_drafts_and_authors_only_their_own(app: TestApp) {
    let admin = app.login_as("Adam Admin", Role::Admin).await;
    let author = app.login_as("Anna Autorka", Role::Author).await;
    let other = app.login_as("Olga Autorka", Role::Author).await;
    let section = section_id(&app, &admin).await;
    create_article(&app, &author, &section, "Szkic Anny").await;
    create_article(&app, &other, &section, "Szkic Olgi").await;
    let published = create_article(&app, &admin, &section, "Opublikowany").await;
    app.data_as(
        &admin,
        "mutation($id: ID!) { publishArticle(id: $id) { article { id } } }",
        json!({"id": published["id"]}),
    )
    .await;

    let drafts = r#"{ articles(filter: {status: [DRAFT]}, orderBy: {field: UPDATED_AT}) { totalCount nodes { title } } }"#;
    let titles = |data: serde_json::Value| -> Vec<String> {
        data["articles"]["nodes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|node| node["title"].as_str().map(ToOwned::to_owned))
            .collect()
    };
    assert_eq!(
        titles(app.data_as(&admin, drafts, json!({})).await),
        ["Szkic Olgi", "Szkic Anny"]
    );
    assert_eq!(
        titles(app.data_as(&author, drafts, json!({})).await),
        ["Szkic Anny"]
    );
    assert!(
        titles(app.data(drafts, json!({})).await).is_empty(),
        "readers never see drafts"
    );

    let everything = r#"{ articles(filter: {status: [DRAFT, PUBLISHED]}, orderBy: {field: TITLE, direction: ASC}) { nodes { title } } }"#;
    assert_eq!(
        titles(app.data_as(&other, everything, json!({})).await),
        ["Opublikowany", "Szkic Olgi"]
    );

    let undated = app
        .gql_as(
            &admin,
            r#"{ articles(filter: {status: [DRAFT]}) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(first_error_code(&undated), "BAD_USER_INPUT");
    assert_eq!(undated["errors"][0]["extensions"]["field"], "orderBy");
}
