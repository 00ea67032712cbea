//! An article cannot be made to reach a gallery its author may not see: through the
//! article, the gallery's unpublished photos would reach the author.

use kronika_core::domain::Role;
use kronika_tests::admin::EditorBrowser;
use kronika_tests::{TestApp, on_both_databases};
use reqwest::StatusCode;
use serde_json::json;

on_both_databases!(an_author_cannot_attach_another_authors_unpublished_gallery);

async fn an_author_cannot_attach_another_authors_unpublished_gallery(app: TestApp) {
    let owner = app.login_as("Olga Autorka", Role::Author).await;
    let created = app
        .data_as(
            &owner,
            "mutation { createGallery(input: {title: \"Prywatne zdjęcia\"}) { gallery { id } } }",
            json!({}),
        )
        .await;
    let private_gallery = created["createGallery"]["gallery"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let section = app.section("Aktualności").await;

    // Through GraphQL.
    let intruder = app.login_as("Igor Autor", Role::Author).await;
    let answer = app
        .gql_as(
            &intruder,
            "mutation($input: CreateArticleInput!) { createArticle(input: $input) { article { id gallery { title } } } }",
            json!({"input": {"title": "Cudza galeria", "sectionId": section.id.to_string(), "galleryId": private_gallery}}),
        )
        .await;
    assert_eq!(
        answer["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{answer}"
    );
    assert!(!answer.to_string().contains("Prywatne zdjęcia"), "{answer}");

    // Through the editors' application, with a forged gallery id.
    let (mut browser, _) = EditorBrowser::logged_in_as(&app, "Iza Autorka", Role::Author).await;
    let section_id = section.id.to_string();
    let refused = browser
        .post(
            "/admin/articles/new",
            &[
                ("title", "Cudza galeria"),
                ("section", &section_id),
                ("gallery", &private_gallery),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(!refused.body.contains("Prywatne zdjęcia"));

    // The owner, and an editor, may attach it.
    let own = app
        .gql_as(
            &owner,
            "mutation($input: CreateArticleInput!) { createArticle(input: $input) { article { gallery { title } } } }",
            json!({"input": {"title": "Moja galeria", "sectionId": section.id.to_string(), "galleryId": private_gallery}}),
        )
        .await;
    assert_eq!(
        own["data"]["createArticle"]["article"]["gallery"]["title"], "Prywatne zdjęcia",
        "{own}"
    );
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let by_editor = app
        .gql_as(
            &editor,
            "mutation($input: CreateArticleInput!) { createArticle(input: $input) { article { id } } }",
            json!({"input": {"title": "Galeria od redakcji", "sectionId": section.id.to_string(), "galleryId": private_gallery}}),
        )
        .await;
    assert!(by_editor.get("errors").is_none(), "{by_editor}");
}
