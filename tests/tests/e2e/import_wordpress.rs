//! `kronika import wordpress`: a real WordPress export (WordPress's accessibility theme
//! test data) becomes articles with their dates, status, sections, tags and photos,
//! readable through GraphQL, searchable, and found by their old addresses; a rerun
//! updates instead of duplicating, and `--dry-run` writes nothing.

use std::path::{Path, PathBuf};

use entities::article;
use kronika_core::domain::ArticleStatus;
use kronika_core::import::{self, ImportSummary};
use kronika_tests::photos::fixture;
use kronika_tests::{TestApp, background_work_asleep, on_both_databases};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

on_both_databases!(
    configured_by = background_work_asleep;
    a_wordpress_export_becomes_articles_with_their_dates_sections_tags_and_photos,
    a_rerun_updates_a_dry_run_writes_nothing_and_a_broken_post_spares_the_rest,
);

fn export_file() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/wordpress/a11y-theme-unit-test-data.xml")
}

/// A copy of `wp-content/uploads` holding one of the export's images: the featured image
/// of "Template: Featured Image (Horizontal)" (a real photo stands in for it).
fn uploads() -> tempfile::TempDir {
    let directory = tempfile::tempdir().unwrap_or_else(|error| panic!("{error}"));
    let month = directory.path().join("2013/03");
    std::fs::create_dir_all(&month).unwrap_or_else(|error| panic!("{error}"));
    std::fs::write(
        month.join("featured-image-horizontal.jpg"),
        fixture("real/goexif--nikon-d2h-gps.jpg"),
    )
    .unwrap_or_else(|error| panic!("{error}"));
    directory
}

async fn run(app: &TestApp, file: &Path, uploads: Option<&Path>, dry_run: bool) -> ImportSummary {
    let summary = import::wordpress(
        app.db(),
        app.app.photo_services(),
        file,
        uploads,
        dry_run,
        |_, _| {},
    )
    .await
    .unwrap_or_else(|error| panic!("import: {error}"));
    app.app.content_changed();
    summary
}

const BY_SLUG: &str = r#"query($slug: String!) { article(slug: $slug) {
  title status publishedAt byline viewCount lead section { slug name } tags { slug }
  gallery { photos { url caption } } body
} }"#;

async fn a_wordpress_export_becomes_articles_with_their_dates_sections_tags_and_photos(
    app: TestApp,
) {
    let uploads = uploads();
    let summary = run(&app, &export_file(), Some(uploads.path()), false).await;
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    assert_eq!(summary.created, 47, "every post of the export");
    assert_eq!(summary.updated, 0);
    let pages = summary
        .skipped
        .iter()
        .filter(|(_, reason)| reason.contains("a page"))
        .count();
    let menu_items = summary
        .skipped
        .iter()
        .filter(|(_, reason)| reason.contains("nav_menu_item"))
        .count();
    assert_eq!((pages, menu_items), (18, 50), "{:?}", summary.skipped);
    assert!(
        summary
            .warnings
            .iter()
            .any(|warning| warning.contains("img_8399.jpg")),
        "photos not in the uploads copy are reported: {:?}",
        summary.warnings
    );

    let featured = app
        .data(
            BY_SLUG,
            json!({"slug": "template-featured-image-horizontal"}),
        )
        .await["article"]
        .clone();
    assert_eq!(featured["title"], "Template: Featured Image (Horizontal)");
    assert_eq!(featured["status"], "PUBLISHED");
    // 2012-03-15 22:15:12 GMT in the export, given in the site's zone.
    assert_eq!(featured["publishedAt"], "2012-03-15T23:15:12+01:00");
    assert_eq!(
        featured["section"]["slug"], "template-2",
        "its first category"
    );
    let photos = featured["gallery"]["photos"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(photos.len(), 1, "{featured:#}");
    let photo_url = photos[0]["url"].as_str().unwrap_or_default();
    assert_eq!(app.get(photo_url).await.status(), 200);

    // Categories beyond the first become tags; tags stay tags.
    let many_tags = app
        .data(BY_SLUG, json!({"slug": "edge-case-many-tags"}))
        .await["article"]
        .clone();
    let tags = many_tags["tags"].as_array().map_or(0, Vec::len);
    assert!(tags > 20, "{many_tags:#}");
    assert!(
        !many_tags["body"]
            .as_str()
            .unwrap_or_default()
            .contains("[gallery")
    );

    // The old addresses find the article, as a path or a whole URL.
    let by_path = r#"query($path: String!) { articleByPath(path: $path) { slug } }"#;
    for old in [
        "/2012/03/15/template-featured-image-horizontal/",
        "http://wpthemetestdata.wordpress.com/2012/03/15/template-featured-image-horizontal/",
    ] {
        assert_eq!(
            app.data(by_path, json!({"path": old})).await["articleByPath"]["slug"],
            "template-featured-image-horizontal",
            "{old}"
        );
    }
    // The draft keeps its old address, but readers do not see drafts.
    assert_eq!(
        app.data(by_path, json!({"path": "/?p=1164"})).await["articleByPath"],
        json!(null)
    );
    // The file's own counts: 47 posts (45 published, 1 draft, 1 scheduled), 9 distinct
    // first categories and 81 other categories and tags (counted from the XML).
    let taxonomy = app
        .data(r#"{ sections { slug } tags { slug } }"#, json!({}))
        .await;
    assert_eq!(
        taxonomy["sections"].as_array().map(Vec::len),
        Some(9),
        "{taxonomy}"
    );
    assert_eq!(taxonomy["tags"].as_array().map(Vec::len), Some(81));
    for (status, expected) in [(ArticleStatus::Draft, 1), (ArticleStatus::Scheduled, 1)] {
        let found = article::Entity::find()
            .filter(article::Column::Status.eq(status))
            .count(app.db())
            .await
            .unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(found, expected, "{status:?}");
    }
    let statuses = r#"{ articles(first: 100) { totalCount } }"#;
    let published = app.data(statuses, json!({})).await["articles"]["totalCount"]
        .as_u64()
        .unwrap_or_default();
    assert_eq!(
        published, 45,
        "47 posts less the draft and the scheduled one"
    );

    // Search follows the import through the outbox.
    app.settle_search_indexer().await;
    let search = app
        .data(
            r#"{ search(query: "Featured Image Horizontal") { totalHits hits { article { slug } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        search["search"]["hits"][0]["article"]["slug"], "template-featured-image-horizontal",
        "{search:#}"
    );
}

async fn a_rerun_updates_a_dry_run_writes_nothing_and_a_broken_post_spares_the_rest(app: TestApp) {
    let count = r#"{ articles(first: 1) { totalCount } }"#;
    let dry = run(&app, &export_file(), None, true).await;
    assert_eq!((dry.created, dry.updated), (47, 0));
    assert_eq!(
        app.data(count, json!({})).await["articles"]["totalCount"],
        0,
        "a dry run writes nothing"
    );

    let first = run(&app, &export_file(), None, false).await;
    assert_eq!((first.created, first.updated), (47, 0));
    assert!(
        first
            .warnings
            .iter()
            .any(|warning| warning.starts_with("no --uploads directory given")),
        "{:?}",
        first.warnings
    );
    let second = run(&app, &export_file(), None, false).await;
    assert_eq!(
        (second.created, second.updated),
        (0, 47),
        "{:?}",
        second.failed
    );
    assert_eq!(
        app.data(count, json!({})).await["articles"]["totalCount"],
        45,
        "nothing doubled"
    );

    // One good post, and one whose featured image is a damaged file: the good one lands,
    // the other is reported, and nothing of it stays.
    let directory = tempfile::tempdir().unwrap_or_else(|error| panic!("{error}"));
    let small = directory.path().join("small.xml");
    std::fs::write(&small, SMALL_EXPORT).unwrap_or_else(|error| panic!("{error}"));
    let uploads = directory.path().join("uploads");
    std::fs::create_dir_all(uploads.join("2024/05")).unwrap_or_else(|error| panic!("{error}"));
    std::fs::write(
        uploads.join("2024/05/plakat.jpg"),
        b"\xff\xd8\xff not a photo",
    )
    .unwrap_or_else(|error| panic!("{error}"));
    let articles_before = app.data(count, json!({})).await["articles"]["totalCount"].clone();
    let summary = run(&app, &small, Some(&uploads), false).await;
    assert_eq!(summary.created, 1, "{summary:?}");
    assert_eq!(summary.failed.len(), 1, "{summary:?}");
    assert!(summary.failed[0].1.contains("plakat.jpg"), "{summary:?}");
    let after = app.data(count, json!({})).await["articles"]["totalCount"].clone();
    assert_eq!(after.as_u64(), articles_before.as_u64().map(|n| n + 1));
    let landed = app
        .data(BY_SLUG, json!({"slug": "nabor-na-stanowisko"}))
        .await["article"]
        .clone();
    assert_eq!(landed["title"], "Nabór na stanowisko");
    assert_eq!(landed["section"]["name"], "Ogłoszenia");
    assert_eq!(landed["byline"], "Anna Nowak");
    assert_eq!(landed["viewCount"], 518);
    assert_eq!(landed["lead"], "Nabór na stanowisko podinspektora.");
    assert_eq!(landed["publishedAt"], "2024-05-02T10:00:00+02:00");
    assert!(
        landed["body"]
            .as_str()
            .unwrap_or_default()
            .contains("<p>Wójt ogłasza nabór.</p>"),
        "{landed:#}"
    );

    let not_wxr = directory.path().join("page.xml");
    std::fs::write(&not_wxr, "<html><body>nie</body></html>")
        .unwrap_or_else(|error| panic!("{error}"));
    assert!(
        import::wordpress(
            app.db(),
            app.app.photo_services(),
            &not_wxr,
            None,
            false,
            |_, _| {}
        )
        .await
        .is_err()
    );
}

const SMALL_EXPORT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<wp:author><wp:author_login>anowak</wp:author_login><wp:author_email>anowak@gmina.example.pl</wp:author_email><wp:author_display_name><![CDATA[Anna Nowak]]></wp:author_display_name></wp:author>
<item>
  <title>Nabór na stanowisko</title>
  <link>https://gmina.example.pl/2024/05/nabor/</link>
  <guid isPermaLink="false">https://gmina.example.pl/?p=7</guid>
  <dc:creator>anowak</dc:creator>
  <content:encoded><![CDATA[Wójt ogłasza nabór.

Termin: 31 maja.]]></content:encoded>
  <excerpt:encoded><![CDATA[Nabór na stanowisko podinspektora.]]></excerpt:encoded>
  <wp:post_id>7</wp:post_id>
  <wp:post_date>2024-05-02 10:00:00</wp:post_date>
  <wp:post_date_gmt>2024-05-02 08:00:00</wp:post_date_gmt>
  <wp:post_modified_gmt>2024-05-03 08:00:00</wp:post_modified_gmt>
  <wp:post_name>nabor-na-stanowisko</wp:post_name>
  <wp:status>publish</wp:status>
  <wp:post_type>post</wp:post_type>
  <category domain="category" nicename="ogloszenia"><![CDATA[Ogłoszenia]]></category>
  <wp:postmeta><wp:meta_key>post_views_count</wp:meta_key><wp:meta_value>518</wp:meta_value></wp:postmeta>
</item>
<item>
  <title>Plakat dożynek</title>
  <guid isPermaLink="false">https://gmina.example.pl/?p=8</guid>
  <content:encoded><![CDATA[Zapraszamy.]]></content:encoded>
  <wp:post_id>8</wp:post_id>
  <wp:post_date_gmt>2024-05-04 08:00:00</wp:post_date_gmt>
  <wp:status>publish</wp:status>
  <wp:post_type>post</wp:post_type>
  <wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>9</wp:meta_value></wp:postmeta>
</item>
<item>
  <title>plakat</title>
  <wp:post_id>9</wp:post_id>
  <wp:status>inherit</wp:status>
  <wp:post_type>attachment</wp:post_type>
  <wp:attachment_url>https://gmina.example.pl/wp-content/uploads/2024/05/plakat.jpg</wp:attachment_url>
</item>
</channel>
</rss>
"#;
