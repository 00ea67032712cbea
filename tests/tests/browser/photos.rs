//! Photos in a real Chromium: `upload.js` sending several files to a gallery with a
//! refused one among them, and `reorder.js` putting a gallery in order with the keyboard
//! alone. The screens are audited and photographed with the results on them.

use std::path::PathBuf;

use kronika_core::domain::Role;
use kronika_tests::browser::Browser;
use kronika_tests::{Session, TestApp};
use serde_json::{Value, json};

const GALLERY_PHOTOS: &str = "query($id: ID!) { gallery(id: $id) { photos { id caption } } }";

fn fixture_path(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/images")
        .join(name)
        .display()
        .to_string()
}

/// A gallery made through GraphQL from the captions given, one real photo each.
async fn gallery_of(app: &TestApp, session: &Session, captions: &[&str]) -> String {
    let mut ids = Vec::new();
    for (caption, file) in captions.iter().zip([
        "imaging--orientation_1.jpg",
        "goexif--nikon-d2h-gps.jpg",
        "imaging--orientation_3.jpg",
    ]) {
        let photo = app
            .upload_fixture(
                session,
                &format!("real/{file}"),
                json!({"caption": caption, "credit": "Jan Kowalski", "alt": format!("Zdjęcie: {caption}")}),
            )
            .await;
        ids.push(photo["id"].as_str().unwrap_or_default().to_owned());
    }
    let created = app
        .data_as(
            session,
            "mutation($input: CreateGalleryInput!) { createGallery(input: $input) { gallery { id } } }",
            json!({"input": {"title": "Dzień otwarty", "photoIds": ids}}),
        )
        .await;
    created["createGallery"]["gallery"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn captions_in_order(app: &TestApp, session: &Session, gallery: &str) -> Vec<String> {
    let data = app
        .data_as(session, GALLERY_PHOTOS, json!({"id": gallery}))
        .await;
    data["gallery"]["photos"]
        .as_array()
        .map(|photos| {
            photos
                .iter()
                .map(|photo| photo["caption"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Asks the page until `script` returns something other than null, for at most ten
/// seconds (the uploads and the order are sent in the background).
async fn eventually(browser: &Browser, script: &str, what: &str) -> Value {
    for _ in 0..100 {
        let value = browser
            .client()
            .execute(script, vec![])
            .await
            .unwrap_or_else(|error| panic!("{what}: {error}"));
        if !value.is_null() {
            return value;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{what}: still nothing after ten seconds");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_file_is_named_and_the_others_reach_the_gallery() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn_sqlite().await;
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let gallery = gallery_of(&app, &editor, &["Wejście"]).await;
    browser.sign_in(&app, &editor.email).await;

    browser
        .goto(&app.url(&format!("/admin/galleries/{gallery}")))
        .await;
    let picker = browser.wait_for("input#pliki").await;
    // An HTML page named .jpg between two real photos: chromedriver hands all three to the
    // multiple file picker at once, as a person choosing them in the dialog would.
    let files = [
        fixture_path("real/imaging--orientation_2.jpg"),
        fixture_path("hostile/gen-html-named.jpg"),
        fixture_path("real/goexif--iphone4s-orientation6-gps.jpg"),
    ];
    picker
        .send_keys(&files.join("\n"))
        .await
        .unwrap_or_else(|error| panic!("choose files: {error}"));

    // Each file gets its own line; when all three have an answer, the refused one stays on
    // screen with a link to the gallery instead of a reload.
    eventually(
        &browser,
        "const link = [...document.querySelectorAll('.upload-list a')]\
           .find((a) => a.textContent === 'Pokaż galerię z nowymi zdjęciami');\
         return link ? true : null;",
        "the uploads to finish",
    )
    .await;
    let done = browser.texts_of(".upload-list .upload-done").await;
    let refused = browser.texts_of(".upload-list .upload-error").await;
    assert_eq!(done.len(), 2, "{done:?} / {refused:?}");
    assert_eq!(refused.len(), 1, "{done:?} / {refused:?}");
    assert!(
        refused[0].starts_with("Nie przyjęto: To nie jest zdjęcie."),
        "{refused:?}"
    );
    let names = browser.texts_of(".upload-list li > span").await;
    assert_eq!(
        names,
        [
            "imaging--orientation_2.jpg",
            "gen-html-named.jpg",
            "goexif--iphone4s-orientation6-gps.jpg"
        ]
    );
    browser
        .axe_audit("galeria-po-wysylce")
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    browser.screenshot("galeria-po-wysylce").await;

    // The two photos joined the gallery in the order chosen; the refused file left nothing.
    let photos = app
        .data_as(&editor, GALLERY_PHOTOS, json!({"id": gallery}))
        .await;
    assert_eq!(
        photos["gallery"]["photos"].as_array().map(Vec::len),
        Some(3),
        "{photos:#}"
    );
    let library = app
        .data_as(&editor, "{ photos(first: 50) { totalCount } }", json!({}))
        .await;
    assert_eq!(library["photos"]["totalCount"], 3, "{library:#}");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gallery_is_put_in_order_with_the_keyboard_alone() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn_sqlite().await;
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let gallery = gallery_of(&app, &editor, &["Pierwsze", "Drugie", "Trzecie"]).await;
    browser.sign_in(&app, &editor.email).await;

    browser
        .goto(&app.url(&format!("/admin/galleries/{gallery}")))
        .await;
    browser.wait_for("ul.sortable").await;
    // The handle is a button in the tab order; focus it as Tab would and move the first
    // photo two places down with the arrow key.
    browser
        .client()
        .execute(
            "document.querySelector('ul.sortable li .handle').focus()",
            vec![],
        )
        .await
        .unwrap_or_else(|error| panic!("focus the handle: {error}"));
    let handle_label = browser
        .focused()
        .await
        .attr("aria-label")
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    assert_eq!(handle_label, "Przesuń zdjęcie 1 (strzałki w górę i w dół)");
    let down = char::from(fantoccini::key::Key::Down).to_string();
    browser.press_keys(&down).await;
    browser.press_keys(&down).await;
    assert_eq!(
        browser.text_of("[data-announce]").await,
        "Przeniesiono na pozycję 3 z 3"
    );
    // Focus stays on the moved photo's handle, so a keyboard user can go on moving it.
    let still_focused = browser
        .focused()
        .await
        .attr("class")
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    assert!(still_focused.contains("handle"), "{still_focused}");

    let mut order = Vec::new();
    for _ in 0..100 {
        order = captions_in_order(&app, &editor, &gallery).await;
        if order == ["Drugie", "Trzecie", "Pierwsze"] {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(order, ["Drugie", "Trzecie", "Pierwsze"]);

    // After a reload the page shows the saved order.
    browser
        .goto(&app.url(&format!("/admin/galleries/{gallery}")))
        .await;
    browser.wait_for("ul.sortable").await;
    let values: Value = browser
        .client()
        .execute(
            "return [...document.querySelectorAll('ul.sortable li input[name=caption]')].map((i) => i.value)",
            vec![],
        )
        .await
        .unwrap_or_else(|error| panic!("read captions: {error}"));
    assert_eq!(values, json!(["Drugie", "Trzecie", "Pierwsze"]));
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_dragged_onto_another_takes_its_place() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn_sqlite().await;
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let gallery = gallery_of(&app, &editor, &["Pierwsze", "Drugie", "Trzecie"]).await;
    browser.sign_in(&app, &editor.email).await;

    browser
        .goto(&app.url(&format!("/admin/galleries/{gallery}")))
        .await;
    browser.wait_for("ul.sortable").await;
    // WebDriver's pointer actions do not start HTML5 drag and drop in Chromium, so the
    // events a mouse drag fires are dispatched here, in the order a browser fires them,
    // with one DataTransfer shared as a real drag shares it.
    browser
        .client()
        .execute(
            "const rows = [...document.querySelectorAll('ul.sortable > li')];\
             const data = new DataTransfer();\
             const fire = (target, type) => target.dispatchEvent(\
               new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: data}));\
             fire(rows[2], 'dragstart'); fire(rows[0], 'dragover'); fire(rows[0], 'drop');\
             fire(rows[2], 'dragend');",
            vec![],
        )
        .await
        .unwrap_or_else(|error| panic!("drag: {error}"));
    assert_eq!(
        browser.text_of("[data-announce]").await,
        "Przeniesiono na pozycję 1 z 3"
    );
    let mut order = Vec::new();
    for _ in 0..100 {
        order = captions_in_order(&app, &editor, &gallery).await;
        if order == ["Trzecie", "Pierwsze", "Drugie"] {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(order, ["Trzecie", "Pierwsze", "Drugie"]);
    browser.close().await;
}
