//! `kronika import html`: a mirrored old site (the seed article rebuilt as its page, a
//! page without an update date or photos, one whose photo is missing, a list page) read
//! with the shipped profile.

use std::path::PathBuf;

use kronika_core::import::{self, ImportSummary};
use kronika_tests::{TestApp, background_work_asleep, on_both_databases};
use serde_json::json;

on_both_databases!(
    configured_by = background_work_asleep;
    old_article_pages_become_articles_with_their_dates_people_photos_and_views,
);

fn site() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/html/site")
}

fn profile() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/import-profile.toml")
}

async fn run(app: &TestApp, dry_run: bool) -> ImportSummary {
    let summary = import::html(
        app.db(),
        app.app.photo_services(),
        &site(),
        &profile(),
        dry_run,
        |_, _| {},
    )
    .await
    .unwrap_or_else(|error| panic!("import: {error}"));
    app.app.content_changed();
    summary
}

const BY_SLUG: &str = r#"query($slug: String!) { article(slug: $slug) {
  title lead byline publishedAt updatedAt viewCount body createdBy { name }
  section { slug name } gallery { photos { caption credit alt url } }
} }"#;

async fn old_article_pages_become_articles_with_their_dates_people_photos_and_views(app: TestApp) {
    let dry = run(&app, true).await;
    assert_eq!((dry.created, dry.updated), (3, 0), "{dry:?}");
    let summary = run(&app, false).await;
    assert_eq!(
        (summary.created, summary.failed.len()),
        (3, 0),
        "{summary:?}"
    );
    assert_eq!(
        summary.warnings,
        ["aktualnosci/wystawa.html: no file for the photo images/zaginione.jpg"],
        "a missing photo is reported and the article comes without it"
    );
    assert_eq!(
        summary.skipped.len(),
        1,
        "the list page: {:?}",
        summary.skipped
    );
    assert_eq!(summary.skipped[0].0, "aktualnosci/index-2.html");

    let seed = app
        .data(BY_SLUG, json!({"slug": "razem-dla-wspolnej-sprawy"}))
        .await["article"]
        .clone();
    assert_eq!(seed["title"], "Razem dla wspólnej sprawy");
    assert_eq!(seed["section"]["name"], "Aktualności");
    assert_eq!(seed["publishedAt"], "2018-02-20T14:50:00+01:00");
    assert_eq!(seed["updatedAt"], "2018-02-22T11:07:00+01:00");
    assert_eq!(seed["byline"], "oprac. WKZ");
    assert_eq!(seed["createdBy"]["name"], "Dorota Łucja Cichocka");
    assert_eq!(seed["viewCount"], 518);
    assert!(
        seed["lead"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Konferencja zainaugurowała")
    );
    let body = seed["body"].as_str().unwrap_or_default();
    assert!(
        body.contains("Czym") && body.contains("realiować dzialania"),
        "{body}"
    );
    assert!(!body.contains("Liczba wyświetleń"), "only the body: {body}");
    let photos = seed["gallery"]["photos"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(photos.len(), 2, "{seed:#}");
    assert_eq!(photos[0]["caption"], "Wśród gości marszałek Adam Struzik");
    assert_eq!(photos[0]["credit"], "Anna Kowalska");
    assert_eq!(photos[0]["alt"], "Marszałek Adam Struzik na scenie");
    assert_eq!(
        app.get(photos[0]["url"].as_str().unwrap_or_default())
            .await
            .status(),
        200
    );

    let plain = app.data(BY_SLUG, json!({"slug": "nabor-wnioskow"})).await["article"].clone();
    assert_eq!(plain["publishedAt"], "2019-03-04T09:15:00+01:00");
    assert_eq!(
        plain["updatedAt"], plain["publishedAt"],
        "no update date: the publication's"
    );
    assert_eq!(plain["gallery"], json!(null));
    assert_eq!(plain["viewCount"], 42);

    let by_path = r#"query($path: String!) { articleByPath(path: $path) { slug } }"#;
    assert_eq!(
        app.data(
            by_path,
            json!({"path": "/aktualnosci/razem-dla-wspolnej-sprawy.html"})
        )
        .await["articleByPath"]["slug"],
        "razem-dla-wspolnej-sprawy"
    );

    let again = run(&app, false).await;
    assert_eq!((again.created, again.updated), (0, 3), "{again:?}");
    assert_eq!(
        app.data(r#"{ articles { totalCount } }"#, json!({})).await["articles"]["totalCount"],
        3
    );
}
