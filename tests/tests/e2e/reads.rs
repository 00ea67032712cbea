//! Single reads: article by slug and id, sections, tags, galleries, photos.

use kronika_tests::{TestApp, first_error_code, on_both_databases};
use serde_json::json;

on_both_databases!(
    an_article_is_found_by_slug_and_by_id,
    an_unknown_slug_is_null_without_an_error,
    sections_list_in_order_and_show_their_articles,
    a_gallery_is_found_by_id_and_slug_with_ordered_photos,
    a_photo_is_found_by_id,
    tags_are_listed_and_attached_to_articles,
);

async fn an_article_is_found_by_slug_and_by_id(app: TestApp) {
    let author = app.editor("Anna Nowak").await;
    let section = app.section("Aktualności").await;
    let article = app
        .article("Łódź nad Wisłą?", &section, &author)
        .create()
        .await;

    let by_slug = app
        .data(
            r#"query($slug: String!) { article(slug: $slug) { id title slug } }"#,
            json!({"slug": "lodz-nad-wisla"}),
        )
        .await;
    assert_eq!(by_slug["article"]["title"], "Łódź nad Wisłą?");
    let by_id = app
        .data(
            r#"query($id: ID!) { article(id: $id) { id slug createdBy { name } } }"#,
            json!({"id": article.id.to_string()}),
        )
        .await;
    assert_eq!(by_id["article"]["slug"], "lodz-nad-wisla");
    assert_eq!(by_id["article"]["createdBy"]["name"], "Anna Nowak");

    let both = app
        .gql(r#"{ article(slug: "lodz-nad-wisla", id: "1") { id } }"#)
        .await;
    assert_eq!(first_error_code(&both), "BAD_USER_INPUT");
}

async fn an_unknown_slug_is_null_without_an_error(app: TestApp) {
    let response = app
        .gql(r#"{ article(slug: "nie-ma-takiego") { id } }"#)
        .await;
    assert_eq!(response, json!({"data": {"article": null}}));
    let response = app.gql(r#"{ article(id: "not-a-number") { id } }"#).await;
    assert_eq!(response, json!({"data": {"article": null}}));
}

async fn sections_list_in_order_and_show_their_articles(app: TestApp) {
    let author = app.editor("Anna Nowak").await;
    let news = app.section("Aktualności").await;
    let events = app.section("Wydarzenia").await;
    app.article("Pierwszy", &news, &author).create().await;
    app.article("Drugi", &news, &author)
        .published_hours_after_base(1)
        .create()
        .await;
    app.article("Koncert", &events, &author).create().await;

    let data = app
        .data(
            r#"{
              sections { slug name }
              section(slug: "aktualnosci") {
                name
                articles(first: 10) { totalCount nodes { title section { slug } } }
              }
              missing: section(slug: "brak") { name }
            }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["sections"],
        json!([
            {"slug": "aktualnosci", "name": "Aktualności"},
            {"slug": "wydarzenia", "name": "Wydarzenia"},
        ])
    );
    assert_eq!(data["section"]["articles"]["totalCount"], 2);
    assert_eq!(
        data["section"]["articles"]["nodes"],
        json!([
            {"title": "Drugi", "section": {"slug": "aktualnosci"}},
            {"title": "Pierwszy", "section": {"slug": "aktualnosci"}},
        ])
    );
    assert_eq!(data["missing"], json!(null));
}

/// A gallery a published article shows; readers see no other (see `media_access`).
async fn published_gallery(
    app: &TestApp,
    title: &str,
    photo_count: usize,
) -> entities::gallery::Model {
    let gallery = app.gallery(title, photo_count).await;
    let author = app.editor("Galerzysta").await;
    let section = app.section("Galerie").await;
    app.article(&format!("Artykuł z galerią {title}"), &section, &author)
        .gallery(&gallery)
        .create()
        .await;
    gallery
}

async fn a_gallery_is_found_by_id_and_slug_with_ordered_photos(app: TestApp) {
    let gallery = published_gallery(&app, "Konferencja", 3).await;
    let query = r#"query($id: ID, $slug: String) {
        gallery(id: $id, slug: $slug) { id slug title photos { caption credit alt width height aspectRatio } }
    }"#;
    let by_id = app.data(query, json!({"id": gallery.id.to_string()})).await;
    let by_slug = app.data(query, json!({"slug": "konferencja"})).await;
    assert_eq!(by_id, by_slug);
    let captions: Vec<&str> = by_id["gallery"]["photos"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|photo| photo["caption"].as_str())
        .collect();
    assert_eq!(
        captions,
        ["Konferencja 1", "Konferencja 2", "Konferencja 3"]
    );
    assert_eq!(by_id["gallery"]["photos"][0]["width"], 1600);
    assert_eq!(by_id["gallery"]["photos"][0]["aspectRatio"], 1600.0 / 900.0);
    let missing = app.data(query, json!({"slug": "brak"})).await;
    assert_eq!(missing["gallery"], json!(null));
}

async fn a_photo_is_found_by_id(app: TestApp) {
    published_gallery(&app, "Spotkanie", 2).await;
    let data = app
        .data(
            r#"query($id: ID!) { photo(id: $id) { caption alt credit } }"#,
            json!({"id": "2"}),
        )
        .await;
    assert_eq!(
        data["photo"],
        json!({"caption": "Spotkanie 2", "alt": "Zdjęcie 2", "credit": "fot. Test"})
    );
    let missing = app
        .data(r#"{ photo(id: "999") { caption } }"#, json!({}))
        .await;
    assert_eq!(missing["photo"], json!(null));
}

async fn tags_are_listed_and_attached_to_articles(app: TestApp) {
    let author = app.editor("Anna Nowak").await;
    let section = app.section("Aktualności").await;
    let local = app.tag("partnerstwo lokalne").await;
    let labour = app.tag("rynek pracy").await;
    app.article("Z tagami", &section, &author)
        .tags(&[&local, &labour])
        .create()
        .await;
    let data = app
        .data(
            r#"{ tags { slug } article(slug: "z-tagami") { tags { slug name } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["tags"],
        json!([{"slug": "partnerstwo-lokalne"}, {"slug": "rynek-pracy"}])
    );
    assert_eq!(
        data["article"]["tags"],
        json!([
            {"slug": "partnerstwo-lokalne", "name": "partnerstwo lokalne"},
            {"slug": "rynek-pracy", "name": "rynek pracy"},
        ])
    );
}
