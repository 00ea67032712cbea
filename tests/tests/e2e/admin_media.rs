//! The photo library and galleries of the editors' application over HTTP, on both
//! databases: uploading several photos at once (with and without JavaScript), describing
//! a photo, putting a gallery in order, and deleting a photo a gallery uses.

use entities::{gallery, photo};
use kronika_api::Config;
use kronika_core::domain::Role;
use kronika_core::editing::galleries::photo_ids;
use kronika_tests::admin::EditorBrowser;
use kronika_tests::photos::fixture;
use kronika_tests::{TestApp, on_both_databases};
use reqwest::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait};

on_both_databases!(
    several_photos_are_uploaded_at_once_and_a_file_that_is_not_a_photo_is_refused_alone,
    the_script_upload_answers_json_per_file,
    an_upload_without_the_session_token_is_refused_and_stores_nothing,
    the_alternative_text_is_saved_and_the_library_stops_asking_for_it,
    a_gallery_is_created_filled_reordered_and_given_a_cover,
    deleting_a_photo_names_the_galleries_it_leaves,
    a_photo_a_published_article_shows_is_not_deleted_without_force,
    photos_uploaded_from_a_gallery_page_join_that_gallery,
);

on_both_databases!(
    configured_by = uploads_of_at_most_4_kb;
    a_file_over_the_upload_limit_is_refused_while_the_next_one_is_added,
);

fn uploads_of_at_most_4_kb(config: &mut Config) {
    config.upload_max_bytes = 4 * 1024;
}

fn file(path: &str) -> (String, Vec<u8>) {
    let name = path.rsplit('/').next().unwrap_or(path).to_owned();
    (name, fixture(path))
}

async fn photo_count(app: &TestApp) -> u64 {
    photo::Entity::find()
        .count(app.db())
        .await
        .unwrap_or_else(|error| panic!("count photos: {error}"))
}

async fn several_photos_are_uploaded_at_once_and_a_file_that_is_not_a_photo_is_refused_alone(
    app: TestApp,
) {
    let (mut editor, _) = EditorBrowser::logged_in_as(&app, "Ewa Redaktor", Role::Editor).await;
    let library = editor.get("/admin/photos").await;
    assert_eq!(library.status, StatusCode::OK, "{}", library.body);
    assert!(
        library
            .texts("label")
            .contains(&"Wybierz zdjęcia".to_owned())
    );
    assert_eq!(
        library.attribute("input[type=file]", "accept").as_deref(),
        Some("image/*")
    );
    assert!(library.attribute("input[type=file]", "multiple").is_some());

    let answer = editor
        .post_multipart(
            "/admin/photos/upload",
            &[],
            vec![
                file("real/imaging--orientation_1.jpg"),
                file("hostile/gen-html-named.jpg"),
                file("real/ximage--yellow-rose-lossy-alpha.webp"),
                file("hostile/gen-truncated-50pct.webp"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let names = answer.texts(".upload-list li span");
    assert_eq!(
        names,
        [
            "imaging--orientation_1.jpg",
            "gen-html-named.jpg",
            "ximage--yellow-rose-lossy-alpha.webp",
            "gen-truncated-50pct.webp"
        ]
    );
    assert_eq!(answer.texts(".upload-done").len(), 2, "{}", answer.body);
    let refusals = answer.texts(".upload-error");
    assert_eq!(refusals.len(), 2, "{refusals:?}");
    assert!(refusals[0].contains("To nie jest zdjęcie"), "{refusals:?}");
    assert!(refusals[1].contains("uszkodzony"), "{refusals:?}");
    assert_eq!(photo_count(&app).await, 2);

    let library = editor.get("/admin/photos").await;
    assert_eq!(library.texts(".photo-grid li.photo-card").len(), 2);
    assert_eq!(
        library.texts(".photo-missing-alt"),
        ["Brak tekstu alternatywnego", "Brak tekstu alternatywnego"]
    );
    let thumbnail = library
        .attribute(".photo-card img", "src")
        .unwrap_or_default();
    assert!(thumbnail.starts_with("/media/"), "{thumbnail}");
    let media = editor.get(&thumbnail).await;
    assert_eq!(
        media.status,
        StatusCode::OK,
        "the session sees the draft photo's file"
    );
}

async fn the_script_upload_answers_json_per_file(app: TestApp) {
    let (mut editor, _) = EditorBrowser::logged_in_as(&app, "Ewa Redaktor", Role::Editor).await;
    editor.get("/admin/photos").await;
    let token = editor.csrf.clone().unwrap_or_default();
    let headers = [
        ("x-csrf-token", token.as_str()),
        ("accept", "application/json"),
    ];
    let added = editor
        .post_multipart_raw(
            "/admin/photos/upload",
            &[],
            vec![file("real/imaging--orientation_1.jpg")],
            &headers,
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    let json: serde_json::Value = serde_json::from_str(&added.body).unwrap_or_default();
    assert_eq!(json["ok"], true);
    let id = json["id"].as_i64().unwrap_or_default();
    assert!(
        photo::Entity::find_by_id(id)
            .one(app.db())
            .await
            .ok()
            .flatten()
            .is_some()
    );

    let refused = editor
        .post_multipart_raw(
            "/admin/photos/upload",
            &[],
            vec![file("hostile/gen-html-named.jpg")],
            &headers,
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    let json: serde_json::Value = serde_json::from_str(&refused.body).unwrap_or_default();
    assert_eq!(json["ok"], false);
    assert!(
        json["message"]
            .as_str()
            .unwrap_or_default()
            .contains("To nie jest zdjęcie"),
        "{json}"
    );
}

async fn an_upload_without_the_session_token_is_refused_and_stores_nothing(app: TestApp) {
    let (mut editor, _) = EditorBrowser::logged_in_as(&app, "Ewa Redaktor", Role::Editor).await;
    editor.get("/admin/photos").await;
    let forged = editor
        .post_multipart_raw(
            "/admin/photos/upload",
            &[],
            vec![file("real/imaging--orientation_1.jpg")],
            &[],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", forged.body);
    let wrong = editor
        .post_multipart_raw(
            "/admin/photos/upload",
            &[("_csrf", "not-the-token")],
            vec![file("real/imaging--orientation_1.jpg")],
            &[],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    assert_eq!(photo_count(&app).await, 0);
}

async fn the_alternative_text_is_saved_and_the_library_stops_asking_for_it(app: TestApp) {
    let (mut editor, _) = EditorBrowser::logged_in_as(&app, "Ewa Redaktor", Role::Editor).await;
    editor.get("/admin/photos").await;
    editor
        .post_multipart(
            "/admin/photos/upload",
            &[],
            vec![file("real/imaging--orientation_1.jpg")],
        )
        .await;
    let library = editor.get("/admin/photos").await;
    let path = library
        .attribute(".photo-card a", "href")
        .unwrap_or_default();
    let form = editor.get(&path).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(
        ["Podpis", "Autor zdjęcia", "Tekst alternatywny"]
            .iter()
            .all(|label| form
                .texts("label")
                .iter()
                .any(|text| text.starts_with(label))),
        "{:?}",
        form.texts("label")
    );
    assert!(
        form.texts(".hint")
            .iter()
            .any(|hint| hint.starts_with("Opisz, co widać na zdjęciu"))
    );

    let saved = editor
        .post(
            &path,
            &[
                ("caption", "Rynek w Łodzi"),
                ("credit", "fot. Żaneta Kowalska"),
                ("alt", "Kamienice wokół rynku o zmierzchu"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let shown = editor.get(saved.location()).await;
    assert_eq!(shown.texts(".notice"), ["Zapisano opis zdjęcia."]);
    assert_eq!(
        shown.texts("textarea#tekst-alternatywny"),
        ["Kamienice wokół rynku o zmierzchu"]
    );
    assert_eq!(
        shown.attribute("input#autor-zdjecia", "value").as_deref(),
        Some("fot. Żaneta Kowalska")
    );

    let library = editor.get("/admin/photos").await;
    assert!(library.texts(".photo-missing-alt").is_empty());
    let found = editor.get("/admin/photos?q=lodz").await;
    assert_eq!(found.texts(".photo-card a"), ["Rynek w Łodzi"]);
    let by_credit = editor.get("/admin/photos?q=kowalska").await;
    assert_eq!(by_credit.texts(".photo-card a"), ["Rynek w Łodzi"]);
    let none = editor.get("/admin/photos?q=krakow").await;
    assert!(none.texts(".photo-card").is_empty());

    let too_long = "x".repeat(1_001);
    let refused = editor.post(&path, &[("alt", too_long.as_str())]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.attribute(".error-summary a", "href").as_deref(),
        Some("#tekst-alternatywny")
    );
}

async fn gallery_of(app: &TestApp, id: i64) -> gallery::Model {
    gallery::Entity::find_by_id(id)
        .one(app.db())
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("gallery {id}"))
}

async fn a_gallery_is_created_filled_reordered_and_given_a_cover(app: TestApp) {
    let (mut editor, _) = EditorBrowser::logged_in_as(&app, "Ewa Redaktor", Role::Editor).await;
    let stock = app.gallery("Zapas", 3).await;
    let stock_ids = photo_ids(app.db(), stock.id).await.unwrap_or_default();

    let form = editor.get("/admin/galleries/new").await;
    assert_eq!(form.status, StatusCode::OK);
    let empty = editor
        .post("/admin/galleries/new", &[("title", "  ")])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let created = editor
        .post(
            "/admin/galleries/new",
            &[("title", "Dożynki 2026"), ("description", "Święto plonów")],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let path = created
        .location()
        .split('?')
        .next()
        .unwrap_or_default()
        .to_owned();
    let id: i64 = path
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .parse()
        .unwrap_or_default();

    let page = editor.get(&path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(
        page.texts(".photo-grid input[type=checkbox]").len(),
        3,
        "the library offers its photos"
    );
    let chosen: Vec<String> = stock_ids.iter().map(ToString::to_string).collect();
    let fields: Vec<(&str, &str)> = chosen.iter().map(|id| ("photo_id", id.as_str())).collect();
    let added = editor.post(&format!("{path}/add"), &fields).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    assert_eq!(photo_ids(app.db(), id).await.unwrap_or_default(), stock_ids);

    let page = editor.get(&path).await;
    assert_eq!(page.texts("ul.sortable > li").len(), 3);
    assert!(page.texts("button").contains(&"W górę".to_owned()));
    assert!(page.texts("button").contains(&"W dół".to_owned()));

    // The first row's `W dół` form carries the whole new order.
    let moved_down = page
        .attribute(
            "ul.sortable > li:first-child form[action$='/order'] input[name=photo_id]",
            "value",
        )
        .unwrap_or_default();
    assert_eq!(moved_down, stock_ids[1].to_string());
    let reversed: Vec<String> = stock_ids.iter().rev().map(ToString::to_string).collect();
    let order: Vec<(&str, &str)> = reversed
        .iter()
        .map(|id| ("photo_id", id.as_str()))
        .collect();
    let reordered = editor.post(&format!("{path}/order"), &order).await;
    assert_eq!(
        reordered.status,
        StatusCode::SEE_OTHER,
        "{}",
        reordered.body
    );
    let mut expected = stock_ids.clone();
    expected.reverse();
    assert_eq!(photo_ids(app.db(), id).await.unwrap_or_default(), expected);

    // An order from a page that no longer matches the gallery is refused, not applied.
    let stale = editor.post(&format!("{path}/order"), &order[..2]).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(photo_ids(app.db(), id).await.unwrap_or_default(), expected);

    let cover = stock_ids[1].to_string();
    let covered = editor
        .post(&format!("{path}/cover"), &[("photo_id", cover.as_str())])
        .await;
    assert_eq!(covered.status, StatusCode::SEE_OTHER, "{}", covered.body);
    assert_eq!(
        gallery_of(&app, id).await.cover_photo_id,
        Some(stock_ids[1])
    );
    let page = editor.get(covered.location()).await;
    assert_eq!(page.texts(".notice"), ["Ustawiono okładkę galerii."]);
    assert_eq!(page.texts("ul.sortable .status"), ["Okładka"]);

    let removed = editor
        .post(&format!("{path}/remove"), &[("photo_id", cover.as_str())])
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert_eq!(
        photo_ids(app.db(), id).await.unwrap_or_default(),
        [stock_ids[2], stock_ids[0]]
    );
    assert_eq!(
        gallery_of(&app, id).await.cover_photo_id,
        None,
        "a removed cover stops being the cover"
    );

    let list = editor.get("/admin/galleries").await;
    assert!(list.texts("a").contains(&"Nowa galeria".to_owned()));
    assert_eq!(list.texts("tbody td.title-cell"), ["Dożynki 2026", "Zapas"]);
    assert_eq!(list.texts("tbody td.numeric"), ["2", "3"]);
}

async fn deleting_a_photo_names_the_galleries_it_leaves(app: TestApp) {
    let (mut editor, _) = EditorBrowser::logged_in_as(&app, "Ewa Redaktor", Role::Editor).await;
    let gallery = app.gallery("Spotkanie z autorem", 2).await;
    let ids = photo_ids(app.db(), gallery.id).await.unwrap_or_default();
    let path = format!("/admin/photos/{}", ids[0]);
    let page = editor.get(&path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let asked = editor.post(&format!("{path}/delete"), &[]).await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    assert_eq!(
        asked.texts("ul.galleries-using li"),
        ["Spotkanie z autorem"]
    );
    assert!(
        photo::Entity::find_by_id(ids[0])
            .one(app.db())
            .await
            .ok()
            .flatten()
            .is_some(),
        "asking deletes nothing"
    );

    let deleted = editor
        .post(&format!("{path}/delete"), &[("confirm", "tak")])
        .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER, "{}", deleted.body);
    assert!(
        photo::Entity::find_by_id(ids[0])
            .one(app.db())
            .await
            .ok()
            .flatten()
            .is_none()
    );
    assert_eq!(
        photo_ids(app.db(), gallery.id).await.unwrap_or_default(),
        [ids[1]]
    );
    let library = editor.get(deleted.location()).await;
    assert_eq!(library.texts(".notice"), ["Usunięto zdjęcie."]);
}

async fn a_photo_a_published_article_shows_is_not_deleted_without_force(app: TestApp) {
    let (mut editor, _) = EditorBrowser::logged_in_as(&app, "Ewa Redaktor", Role::Editor).await;
    let (mut author, _) = EditorBrowser::logged_in_as(&app, "Adam Autor", Role::Author).await;
    let section = app.section("Kultura").await;
    let gallery = app.gallery("Wernisaż", 1).await;
    let owner = app.editor("Redakcja").await;
    app.article("Wernisaż w galerii", &section, &owner)
        .gallery(&gallery)
        .create()
        .await;
    let ids = photo_ids(app.db(), gallery.id).await.unwrap_or_default();
    let path = format!("/admin/photos/{}", ids[0]);

    editor.get(&path).await;
    let unforced = editor
        .post(&format!("{path}/delete"), &[("confirm", "tak")])
        .await;
    assert_eq!(unforced.status, StatusCode::CONFLICT, "{}", unforced.body);
    assert!(
        unforced
            .body
            .contains("Opublikowany artykuł pokazuje to zdjęcie")
    );
    let asked = editor.post(&format!("{path}/delete"), &[]).await;
    assert!(
        asked.texts("button").contains(&"Usuń mimo to".to_owned()),
        "an editor may force"
    );

    author.get(&path).await;
    let asked = author.post(&format!("{path}/delete"), &[]).await;
    assert!(
        !asked
            .texts("button")
            .iter()
            .any(|text| text.starts_with("Usuń mimo")),
        "an author may not"
    );
    let forced = author
        .post(
            &format!("{path}/delete"),
            &[("confirm", "tak"), ("force", "tak")],
        )
        .await;
    assert_ne!(forced.status, StatusCode::SEE_OTHER);
    assert!(
        photo::Entity::find_by_id(ids[0])
            .one(app.db())
            .await
            .ok()
            .flatten()
            .is_some()
    );

    let forced = editor
        .post(
            &format!("{path}/delete"),
            &[("confirm", "tak"), ("force", "tak")],
        )
        .await;
    assert_eq!(forced.status, StatusCode::SEE_OTHER, "{}", forced.body);
    assert!(
        photo::Entity::find_by_id(ids[0])
            .one(app.db())
            .await
            .ok()
            .flatten()
            .is_none()
    );
}

async fn a_file_over_the_upload_limit_is_refused_while_the_next_one_is_added(app: TestApp) {
    let (mut editor, _) = EditorBrowser::logged_in_as(&app, "Ewa Redaktor", Role::Editor).await;
    editor.get("/admin/photos").await;
    let answer = editor
        .post_multipart(
            "/admin/photos/upload",
            &[],
            vec![
                file("real/ximage--yellow-rose-lossy-alpha.webp"),
                file("real/imaging--orientation_1.jpg"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let refusals = answer.texts(".upload-error");
    assert_eq!(refusals.len(), 1, "{}", answer.body);
    assert!(refusals[0].contains("za duży"), "{refusals:?}");
    assert_eq!(answer.texts(".upload-done").len(), 1);
    assert_eq!(photo_count(&app).await, 1);
}

async fn photos_uploaded_from_a_gallery_page_join_that_gallery(app: TestApp) {
    let (mut editor, _) = EditorBrowser::logged_in_as(&app, "Ewa Redaktor", Role::Editor).await;
    let gallery = app.gallery("Festyn", 1).await;
    let before = photo_ids(app.db(), gallery.id).await.unwrap_or_default();
    let path = format!("/admin/galleries/{}", gallery.id);
    let page = editor.get(&path).await;
    assert_eq!(
        page.attribute("form[data-upload] input[name=gallery_id]", "value"),
        Some(gallery.id.to_string())
    );
    let gallery_id = gallery.id.to_string();
    let answer = editor
        .post_multipart(
            "/admin/photos/upload",
            &[("gallery_id", gallery_id.as_str())],
            vec![file("real/imaging--orientation_1.jpg")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let after = photo_ids(app.db(), gallery.id).await.unwrap_or_default();
    assert_eq!(after.len(), 2);
    assert_eq!(after[0], before[0], "new photos go to the end");
    assert_eq!(answer.attribute(".upload-list + p a", "href"), Some(path));
}
