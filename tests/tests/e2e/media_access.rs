//! Who may see galleries, photos and their files: readers only what a published article
//! shows, editors and admins everything, authors also their own uploads and galleries;
//! originals only editors and admins.

use kronika_core::domain::Role;
use kronika_tests::{Session, TestApp, on_both_databases};
use serde_json::{Value, json};

use kronika_tests::fixtures::section_id;

on_both_databases!(
    a_gallery_and_its_photos_are_public_only_while_a_published_article_shows_them,
    authors_see_their_own_uploads_and_galleries_and_nobody_elses_drafts,
    originals_are_for_editors_and_admins_only,
);

const CREATE_GALLERY: &str = r#"mutation($title: String!, $photos: [ID!]) {
  createGallery(input: {title: $title, photoIds: $photos}) { gallery { id slug } }
}"#;
const CREATE_ARTICLE: &str = r#"mutation($section: ID!, $gallery: ID) {
  createArticle(input: {sectionId: $section, title: "Konferencja", body: "<p>Treść.</p>", galleryId: $gallery}) { article { id } }
}"#;
const PUBLISH: &str = r#"mutation($id: ID!) { publishArticle(id: $id) { article { status } } }"#;
const UNPUBLISH: &str =
    r#"mutation($id: ID!) { unpublishArticle(id: $id) { article { status } } }"#;
/// Every public way to a gallery or a photo except through an article.
const READ: &str = r#"query($galleryId: ID!, $gallerySlug: String!, $photoId: ID!) {
  byId: gallery(id: $galleryId) { id title photos { caption alt } cover { id } }
  bySlug: gallery(slug: $gallerySlug) { id }
  photo(id: $photoId) { id caption alt credit url }
}"#;

/// Uploads a camera photo; different `fixture`s give photos that share no files.
async fn upload(app: &TestApp, session: &Session, fixture: &str, caption: &str) -> Value {
    app.upload_fixture(
        session,
        fixture,
        json!({"caption": caption, "alt": "Sala obrad"}),
    )
    .await
}

const IPHONE: &str = "real/node-exif--iphone4s-gps.jpg";
const NIKON: &str = "real/goexif--nikon-d2h-gps.jpg";

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn a_gallery_and_its_photos_are_public_only_while_a_published_article_shows_them(
    app: TestApp,
) {
    let admin = app.login_as("Adam Admin", Role::Admin).await;
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let section = section_id(&app, &admin).await;
    let photo = upload(&app, &editor, IPHONE, "Szkic: sala obrad").await;
    let rendition = photo["renditions"][0]["url"]
        .as_str()
        .unwrap_or_else(|| panic!("no rendition in {photo:#}"))
        .to_owned();
    let gallery = app
        .data_as(
            &editor,
            CREATE_GALLERY,
            json!({"title": "Konferencja", "photos": [photo["id"]]}),
        )
        .await["createGallery"]["gallery"]
        .clone();
    let article = app
        .data_as(
            &editor,
            CREATE_ARTICLE,
            json!({"section": section, "gallery": gallery["id"]}),
        )
        .await["createArticle"]["article"]
        .clone();
    let variables =
        json!({"galleryId": gallery["id"], "gallerySlug": gallery["slug"], "photoId": photo["id"]});
    let hidden = json!({"byId": null, "bySlug": null, "photo": null});

    // While the article is a draft, readers find neither the gallery nor its photo.
    assert_eq!(app.data(READ, variables.clone()).await, hidden);
    let anonymous = app.get(&rendition).await;
    assert_eq!(anonymous.status(), 404, "a draft's photo file: {rendition}");
    assert_eq!(header(&anonymous, "cache-control"), "no-store");
    // Editors see everything, and the file is theirs only: never stored by a cache.
    let seen_by_editor = app.data_as(&editor, READ, variables.clone()).await;
    assert_eq!(seen_by_editor["byId"]["id"], gallery["id"]);
    assert_eq!(seen_by_editor["photo"]["caption"], "Szkic: sala obrad");
    let editors_file = app.get_as(&editor, &rendition).await;
    assert_eq!(editors_file.status(), 200);
    assert_eq!(header(&editors_file, "cache-control"), "private, no-store");

    // Published: readers see the gallery and the photo, and the file is cached for a year
    // under tags a CDN purges when the article or the gallery changes.
    app.data_as(&editor, PUBLISH, json!({"id": article["id"]}))
        .await;
    let public = app.data(READ, variables.clone()).await;
    assert_eq!(public["byId"]["photos"][0]["caption"], "Szkic: sala obrad");
    assert_eq!(public["bySlug"]["id"], gallery["id"]);
    assert_eq!(public["photo"]["id"], photo["id"]);
    let published_file = app.get(&rendition).await;
    assert_eq!(published_file.status(), 200);
    assert_eq!(
        header(&published_file, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    let tags = header(&published_file, "cache-tag");
    let article_tag = format!("article-{}", article["id"].as_str().unwrap_or_default());
    let gallery_tag = format!("gallery-{}", gallery["id"].as_str().unwrap_or_default());
    assert!(
        tags.split(' ').any(|tag| tag == article_tag)
            && tags.split(' ').any(|tag| tag == gallery_tag),
        "{tags}"
    );

    // Unpublished: hidden again at once, though the public answer above was cached.
    app.data_as(&editor, UNPUBLISH, json!({"id": article["id"]}))
        .await;
    assert_eq!(app.data(READ, variables.clone()).await, hidden);
    assert_eq!(app.get(&rendition).await.status(), 404);
    let etag = header(&published_file, "etag");
    let revalidated = app
        .client
        .get(app.url(&rendition))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(
        revalidated.status(),
        404,
        "a validator does not bring a hidden file back"
    );
}

async fn authors_see_their_own_uploads_and_galleries_and_nobody_elses_drafts(app: TestApp) {
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let author = app.login_as("Adam Autor", Role::Author).await;
    let other_author = app.login_as("Olga Autorka", Role::Author).await;
    let own_photo = upload(&app, &author, IPHONE, "moje").await;
    let editors_photo = upload(&app, &editor, NIKON, "redakcji").await;
    let own_gallery = app
        .data_as(
            &author,
            CREATE_GALLERY,
            json!({"title": "Moja galeria", "photos": [own_photo["id"]]}),
        )
        .await["createGallery"]["gallery"]
        .clone();
    let variables = |photo: &Value| json!({"galleryId": own_gallery["id"], "gallerySlug": own_gallery["slug"], "photoId": photo["id"]});
    let own = app.data_as(&author, READ, variables(&own_photo)).await;
    assert_eq!(own["byId"]["id"], own_gallery["id"]);
    assert_eq!(own["photo"]["caption"], "moje");
    let others = app.data_as(&author, READ, variables(&editors_photo)).await;
    assert_eq!(
        others["photo"],
        Value::Null,
        "an editor's unpublished upload"
    );
    let stranger = app
        .data_as(&other_author, READ, variables(&own_photo))
        .await;
    assert_eq!(
        stranger,
        json!({"byId": null, "bySlug": null, "photo": null})
    );
    let own_file = own_photo["renditions"][0]["url"]
        .as_str()
        .unwrap_or_default();
    assert_eq!(app.get_as(&author, own_file).await.status(), 200);
    assert_eq!(app.get_as(&other_author, own_file).await.status(), 404);
    let editors_file = editors_photo["renditions"][0]["url"]
        .as_str()
        .unwrap_or_default();
    assert_eq!(app.get_as(&author, editors_file).await.status(), 404);
}

async fn originals_are_for_editors_and_admins_only(app: TestApp) {
    let admin = app.login_as("Adam Admin", Role::Admin).await;
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let author = app.login_as("Adam Autor", Role::Author).await;
    let photo = upload(&app, &author, IPHONE, "z GPS").await;
    assert_eq!(
        photo["originalUrl"],
        Value::Null,
        "not even the uploader's own: the schema promises originals to editors"
    );
    let query = "query($id: ID!) { photo(id: $id) { originalUrl } }";
    let seen_by_editor = app
        .data_as(&editor, query, json!({"id": photo["id"]}))
        .await;
    let original = seen_by_editor["photo"]["originalUrl"]
        .as_str()
        .unwrap_or_else(|| panic!("editors get the original: {seen_by_editor:#}"))
        .to_owned();
    let seen_by_author = app
        .data_as(&author, query, json!({"id": photo["id"]}))
        .await;
    assert_eq!(seen_by_author["photo"]["originalUrl"], Value::Null);

    let refused = app.get_as(&author, &original).await;
    assert_eq!(refused.status(), 403, "an author's token: {original}");
    assert_eq!(header(&refused, "cache-control"), "no-store");
    assert_eq!(app.get(&original).await.status(), 401);
    for session in [&editor, &admin] {
        let served = app.get_as(session, &original).await;
        assert_eq!(served.status(), 200);
        assert!(header(&served, "content-disposition").starts_with("attachment"));
    }
}
