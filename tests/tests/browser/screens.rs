//! Every screen of the editors' application besides writing (tests/tests/browser/writing.rs)
//! in a real Chromium, filled with real content: photos uploaded from real files, a
//! gallery, an article with views, a second account. Each passes axe-core with no
//! violation and is photographed at 1280×800 and 390×844.

use kronika_core::domain::Role;
use kronika_tests::TestApp;
use kronika_tests::browser::Browser;
use kronika_tests::views::{days_before, site_today};
use serde_json::json;

const PHOTOS: [&str; 3] = [
    "imaging--orientation_1.jpg",
    "goexif--nikon-d2h-gps.jpg",
    "goexif--iphone4s-orientation6-gps.jpg",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_screen_passes_the_audit_at_both_sizes() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn_sqlite().await;
    let admin = app.login_as("Anna Administratorka", Role::Admin).await;
    let _ = app.login_as("Jan Autor", Role::Author).await;
    let section = app.section("Aktualności").await;
    app.tag("Kultura").await;
    let mut photo_ids = Vec::new();
    for (number, file) in PHOTOS.iter().enumerate() {
        let photo = app
            .upload_fixture(
                &admin,
                &format!("real/{file}"),
                json!({"caption": format!("Spotkanie partnerów, ujęcie {}", number + 1), "credit": "Jan Kowalski", "alt": "Uczestnicy spotkania przy stole"}),
            )
            .await;
        photo_ids.push(photo["id"].as_str().unwrap_or_default().to_owned());
    }
    let gallery = app
        .data_as(
            &admin,
            "mutation($input: CreateGalleryInput!) { createGallery(input: $input) { gallery { id } } }",
            json!({"input": {"title": "Spotkanie partnerów", "photoIds": photo_ids}}),
        )
        .await;
    let gallery_id = gallery["createGallery"]["gallery"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let author = app.editor("Ewa Redaktor").await;
    let article = app
        .article("Razem dla wspólnej sprawy", &section, &author)
        .views(518)
        .create()
        .await;
    let today = site_today(&app);
    for days in 0..14 {
        app.plant_daily_views(
            &article,
            days_before(today, days),
            10 + i64::try_from(days * 7 % 23).unwrap_or(0),
        )
        .await;
    }

    browser.sign_in(&app, &admin.email).await;

    let screens = [
        ("zdjecia", "/admin/photos".to_owned(), ".photo-grid"),
        ("zdjecie", format!("/admin/photos/{}", photo_ids[0]), "form"),
        ("galerie", "/admin/galleries".to_owned(), "main h1"),
        (
            "galeria",
            format!("/admin/galleries/{gallery_id}"),
            ".sortable",
        ),
        ("nowa-galeria", "/admin/galleries/new".to_owned(), "form"),
        (
            "statystyki",
            format!("/admin/stats?artykul={}&dni=30", article.id),
            "svg",
        ),
        (
            "administracja-konta",
            "/admin/administration/accounts".to_owned(),
            "table",
        ),
        (
            "administracja-dzialy",
            "/admin/administration/taxonomy".to_owned(),
            "main h1",
        ),
        (
            "administracja-klucze",
            "/admin/administration/tokens".to_owned(),
            "main h1",
        ),
        ("moje-konto", "/admin/account".to_owned(), "form"),
        (
            "edytor-z-galeria",
            format!("/admin/articles/{}", article.id),
            "#tresc-edytor",
        ),
        (
            "pulpit-administratora",
            "/admin/".to_owned(),
            ".dashboard-grid",
        ),
    ];
    let mut failures = Vec::new();
    for (name, path, ready) in &screens {
        browser.goto(&app.url(path)).await;
        browser.wait_for(ready).await;
        if let Err(report) = browser.axe_audit(name).await {
            failures.push(report);
        }
        browser.screenshot(name).await;
        if let Err(report) = browser.reflows_on_a_phone(name).await {
            failures.push(report);
        }
    }
    browser.close().await;
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
