//! Galleries through the API: create, order, cover, add and remove photos, delete; photo
//! captions through `updatePhoto`; `deletePhoto` while a published article shows it.

use entities::gallery;
use kronika_core::domain::{ArticleStatus, Role};
use kronika_tests::{Session, TestApp, first_error_code, on_both_databases};
use sea_orm::EntityTrait;
use serde_json::{Value, json};

on_both_databases!(
    editors_arrange_galleries,
    captions_change_and_readers_see_it_at_once,
    deleting_a_photo_that_a_published_article_shows_needs_force,
    authors_change_only_their_own_photos_and_galleries,
);

const GALLERY_FIELDS: &str = "id slug title description cover { id } photos { id caption }";

async fn upload(app: &TestApp, session: &Session, caption: &str) -> String {
    let photo = app
        .upload_fixture(
            session,
            "real/node-exif--iphone4s-gps.jpg",
            json!({"caption": caption}),
        )
        .await;
    photo["id"].as_str().unwrap_or_default().to_owned()
}

fn captions(gallery: &Value) -> Vec<String> {
    gallery["photos"]
        .as_array()
        .map(|photos| {
            photos
                .iter()
                .map(|photo| photo["caption"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

async fn editors_arrange_galleries(app: TestApp) {
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let first = upload(&app, &editor, "pierwsze").await;
    let second = upload(&app, &editor, "drugie").await;
    let third = upload(&app, &editor, "trzecie").await;
    let created = app
        .data_as(
            &editor,
            &format!("mutation($input: CreateGalleryInput!) {{ createGallery(input: $input) {{ gallery {{ {GALLERY_FIELDS} }} }} }}"),
            json!({"input": {"title": "Konferencja w Mińsku", "photoIds": [first, second], "description": "Zdjęcia z konferencji"}}),
        )
        .await;
    let gallery = &created["createGallery"]["gallery"];
    assert_eq!(gallery["slug"], "konferencja-w-minsku");
    assert_eq!(captions(gallery), ["pierwsze", "drugie"]);
    assert_eq!(
        gallery["cover"]["id"],
        first.as_str(),
        "the first photo by default"
    );
    let id = gallery["id"].clone();
    // Reorder, add the third, choose a cover: one update.
    let updated = app
        .data_as(
            &editor,
            &format!("mutation($id: ID!, $input: UpdateGalleryInput!) {{ updateGallery(id: $id, input: $input) {{ gallery {{ {GALLERY_FIELDS} }} }} }}"),
            json!({"id": id, "input": {"photoIds": [third, second, first], "coverPhotoId": second, "title": "Konferencja"}}),
        )
        .await;
    let gallery = &updated["updateGallery"]["gallery"];
    assert_eq!(captions(gallery), ["trzecie", "drugie", "pierwsze"]);
    assert_eq!(gallery["cover"]["id"], second.as_str());
    assert_eq!(gallery["title"], "Konferencja");
    assert_eq!(
        gallery["slug"], "konferencja-w-minsku",
        "the slug stays unless given"
    );
    // Remove the cover: the first photo is the cover again.
    let removed = app
        .data_as(
            &editor,
            &format!("mutation($id: ID!, $photos: [ID!]!) {{ removeGalleryPhotos(galleryId: $id, photoIds: $photos) {{ gallery {{ {GALLERY_FIELDS} }} }} }}"),
            json!({"id": id, "photos": [second]}),
        )
        .await;
    let gallery = &removed["removeGalleryPhotos"]["gallery"];
    assert_eq!(captions(gallery), ["trzecie", "pierwsze"]);
    assert_eq!(gallery["cover"]["id"], third.as_str());
    let added = app
        .data_as(
            &editor,
            &format!("mutation($id: ID!, $photos: [ID!]!) {{ addGalleryPhotos(galleryId: $id, photoIds: $photos, position: 1) {{ gallery {{ {GALLERY_FIELDS} }} }} }}"),
            json!({"id": id, "photos": [second]}),
        )
        .await;
    assert_eq!(
        captions(&added["addGalleryPhotos"]["gallery"]),
        ["trzecie", "drugie", "pierwsze"]
    );
    // Bad input names its field and changes nothing.
    let twice = app
        .gql_as(
            &editor,
            "mutation($id: ID!, $input: UpdateGalleryInput!) { updateGallery(id: $id, input: $input) { gallery { id } } }",
            json!({"id": id, "input": {"photoIds": [first, first]}}),
        )
        .await;
    assert_eq!(first_error_code(&twice), "BAD_USER_INPUT");
    assert_eq!(twice["errors"][0]["extensions"]["field"], "input.photoIds");
    let foreign_cover = app
        .gql_as(
            &editor,
            "mutation($id: ID!, $input: UpdateGalleryInput!) { updateGallery(id: $id, input: $input) { gallery { id } } }",
            json!({"id": id, "input": {"photoIds": [first], "coverPhotoId": third}}),
        )
        .await;
    assert_eq!(
        foreign_cover["errors"][0]["extensions"]["field"],
        "input.coverPhotoId"
    );
    let unknown = app
        .gql_as(
            &editor,
            "mutation($id: ID!, $input: UpdateGalleryInput!) { updateGallery(id: $id, input: $input) { gallery { id } } }",
            json!({"id": id, "input": {"photoIds": ["999999"]}}),
        )
        .await;
    assert_eq!(first_error_code(&unknown), "BAD_USER_INPUT");
    let read = app
        .data(
            &format!("query($id: ID!) {{ gallery(id: $id) {{ {GALLERY_FIELDS} }} }}"),
            json!({"id": id}),
        )
        .await;
    assert_eq!(
        captions(&read["gallery"]),
        ["trzecie", "drugie", "pierwsze"]
    );
    // An article links the gallery: it cannot be deleted until unlinked.
    let gallery_id: i64 = id.as_str().unwrap_or_default().parse().unwrap_or_default();
    let model = gallery::Entity::find_by_id(gallery_id)
        .one(app.db())
        .await
        .unwrap_or_else(|error| panic!("{error}"))
        .unwrap_or_else(|| panic!("the gallery exists"));
    let section = app.section("Aktualności").await;
    let author = app.editor("Dorota").await;
    app.article("Artykuł z galerią", &section, &author)
        .gallery(&model)
        .create()
        .await;
    let refused = app
        .gql_as(
            &editor,
            "mutation($id: ID!) { deleteGallery(id: $id) { deletedGalleryId } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(first_error_code(&refused), "CONFLICT");
    let spare = app
        .data_as(
            &editor,
            "mutation { createGallery(input: {title: \"Zapas\"}) { gallery { id } } }",
            json!({}),
        )
        .await;
    let deleted = app
        .data_as(
            &editor,
            "mutation($id: ID!) { deleteGallery(id: $id) { deletedGalleryId } }",
            json!({"id": spare["createGallery"]["gallery"]["id"]}),
        )
        .await;
    assert_eq!(
        deleted["deleteGallery"]["deletedGalleryId"],
        spare["createGallery"]["gallery"]["id"]
    );
}

async fn captions_change_and_readers_see_it_at_once(app: TestApp) {
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let photo = upload(&app, &editor, "stary podpis").await;
    let query = "query($id: ID!) { photo(id: $id) { caption credit alt } }";
    let before = app.data(query, json!({"id": photo})).await;
    assert_eq!(before["photo"]["caption"], "stary podpis");
    let updated = app
        .data_as(
            &editor,
            "mutation($id: ID!, $input: UpdatePhotoInput!) { updatePhoto(id: $id, input: $input) { photo { caption credit alt } } }",
            json!({"id": photo, "input": {"caption": "Nowy podpis", "credit": "Jan Nowak", "alt": "Samochód"}}),
        )
        .await;
    assert_eq!(updated["updatePhoto"]["photo"]["credit"], "Jan Nowak");
    // The anonymous response cache heard of the change.
    let after = app.data(query, json!({"id": photo})).await;
    assert_eq!(
        after["photo"],
        json!({"caption": "Nowy podpis", "credit": "Jan Nowak", "alt": "Samochód"})
    );
    let too_long = app
        .gql_as(
            &editor,
            "mutation($id: ID!, $input: UpdatePhotoInput!) { updatePhoto(id: $id, input: $input) { photo { id } } }",
            json!({"id": photo, "input": {"credit": "x".repeat(500)}}),
        )
        .await;
    assert_eq!(too_long["errors"][0]["extensions"]["field"], "input.credit");
    let missing = app
        .gql_as(
            &editor,
            "mutation { updatePhoto(id: \"424242\", input: {caption: \"x\"}) { photo { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(first_error_code(&missing), "NOT_FOUND");
}

async fn deleting_a_photo_that_a_published_article_shows_needs_force(app: TestApp) {
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let author = app.login_as("Adam Autor", Role::Author).await;
    let photo = app
        .upload_fixture(
            &author,
            "real/goexif--nikon-d2h-gps.jpg",
            json!({"caption": "w artykule"}),
        )
        .await;
    let photo_id = photo["id"].as_str().unwrap_or_default().to_owned();
    let created = app
        .data_as(
            &author,
            "mutation($photos: [ID!]) { createGallery(input: {title: \"Galeria\", photoIds: $photos}) { gallery { id } } }",
            json!({"photos": [photo_id]}),
        )
        .await;
    let gallery_id: i64 = created["createGallery"]["gallery"]["id"]
        .as_str()
        .unwrap_or_default()
        .parse()
        .unwrap_or_default();
    let model = gallery::Entity::find_by_id(gallery_id)
        .one(app.db())
        .await
        .unwrap_or_else(|error| panic!("{error}"))
        .unwrap_or_else(|| panic!("the gallery exists"));
    let section = app.section("Aktualności").await;
    let owner = app.editor("Dorota").await;
    app.article("Szkic z galerią", &section, &owner)
        .status(ArticleStatus::Draft)
        .gallery(&model)
        .create()
        .await;
    let published = app
        .article("Opublikowany z galerią", &section, &owner)
        .gallery(&model)
        .create()
        .await;
    let delete = "mutation($id: ID!, $force: Boolean! = false) { deletePhoto(id: $id, force: $force) { deletedPhotoId } }";
    let refused = app.gql_as(&editor, delete, json!({"id": photo_id})).await;
    assert_eq!(first_error_code(&refused), "CONFLICT", "{refused:#}");
    let author_forcing = app
        .gql_as(&author, delete, json!({"id": photo_id, "force": true}))
        .await;
    assert_eq!(first_error_code(&author_forcing), "FORBIDDEN");
    let url = photo["renditions"][0]["url"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(app.get(&url).await.status(), 200);
    app.data_as(&editor, delete, json!({"id": photo_id, "force": true}))
        .await;
    let article = app
        .data(
            "query($id: ID!) { article(id: $id) { gallery { photos { id } cover { id } } } }",
            json!({"id": published.id.to_string()}),
        )
        .await;
    assert_eq!(article["article"]["gallery"]["photos"], json!([]));
    assert_eq!(article["article"]["gallery"]["cover"], Value::Null);
    assert_eq!(app.get(&url).await.status(), 404, "its files are gone");
    let again = app.gql_as(&editor, delete, json!({"id": photo_id})).await;
    assert_eq!(first_error_code(&again), "NOT_FOUND");
}

async fn authors_change_only_their_own_photos_and_galleries(app: TestApp) {
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let author = app.login_as("Adam Autor", Role::Author).await;
    let editors_photo = upload(&app, &editor, "redakcji").await;
    let own_photo = upload(&app, &author, "własne").await;
    let update = "mutation($id: ID!) { updatePhoto(id: $id, input: {caption: \"zmiana\"}) { photo { caption } } }";
    let refused = app
        .gql_as(&author, update, json!({"id": editors_photo}))
        .await;
    assert_eq!(first_error_code(&refused), "FORBIDDEN");
    app.data_as(&author, update, json!({"id": own_photo})).await;
    app.data_as(&editor, update, json!({"id": own_photo})).await;
    let editors_gallery = app
        .data_as(
            &editor,
            "mutation { createGallery(input: {title: \"Redakcyjna\"}) { gallery { id } } }",
            json!({}),
        )
        .await;
    let rename = "mutation($id: ID!) { updateGallery(id: $id, input: {title: \"Moja\"}) { gallery { title } } }";
    let refused = app
        .gql_as(
            &author,
            rename,
            json!({"id": editors_gallery["createGallery"]["gallery"]["id"]}),
        )
        .await;
    assert_eq!(first_error_code(&refused), "FORBIDDEN");
    let anonymous = app
        .gql("mutation { createGallery(input: {title: \"Anonim\"}) { gallery { id } } }")
        .await;
    assert_eq!(first_error_code(&anonymous), "UNAUTHENTICATED");
}
