//! The first run: demo content with the seed article exactly as the site published it.

use kronika_tests::{TestApp, on_both_databases, with_demo_content};
use serde_json::json;

on_both_databases!(
    configured_by = with_demo_content;
    demo_content_carries_the_seed_article_as_published,
    demo_content_gives_lists_something_to_show,
);

const SEED_TEXT: &str = include_str!("../../fixtures/seed/razem-dla-wspolnej-sprawy.txt");

const SEED_QUERY: &str = r#"
query Seed {
  article(slug: "razem-dla-wspolnej-sprawy") {
    title slug lead body bodyText byline status viewCount publishedAt updatedAt
    headings { level text anchor }
    createdBy { name }
    section { slug name }
    gallery { photos { caption credit alt width height url(width: 640) renditions { url } } }
  }
}"#;

async fn demo_content_carries_the_seed_article_as_published(app: TestApp) {
    let data = app.data(SEED_QUERY, json!({})).await;
    let article = &data["article"];
    assert_eq!(article["title"], "Razem dla wspólnej sprawy");
    assert_eq!(article["slug"], "razem-dla-wspolnej-sprawy");
    assert_eq!(
        article["lead"],
        "Konferencja zainaugurowała cykl czterech warsztatów ożywienia gospodarczego. \
         Uczestniczył w niej m.in. marszałek Adam Struzik."
    );
    assert_eq!(article["byline"], "oprac. WKZ");
    assert_eq!(article["createdBy"]["name"], "Dorota Łucja Cichocka");
    assert_eq!(article["publishedAt"], "2018-02-20T14:50:00+01:00");
    assert_eq!(article["updatedAt"], "2018-02-22T11:07:00+01:00");
    assert_eq!(article["viewCount"], 518);
    assert_eq!(article["status"], "PUBLISHED");
    assert_eq!(
        article["section"],
        json!({"slug": "aktualnosci", "name": "Aktualności"})
    );
    let headings: Vec<&str> = article["headings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|heading| heading["text"].as_str())
        .collect();
    assert_eq!(
        headings,
        // The site typed a no-break space after "Czym"; it is kept as published.
        [
            "Czym\u{a0}jest partnerstwo lokalne",
            "Na mazowieckim gruncie",
            "Wzajemne korzyści"
        ]
    );
    assert!(
        article["body"]
            .as_str()
            .is_some_and(|body| body.contains(r#"<h2 id="na-mazowieckim-gruncie">"#))
    );

    // Every paragraph of the published body, as the site printed it, is in bodyText.
    let body_text = article["bodyText"].as_str().unwrap_or_default();
    let body_start = SEED_TEXT
        .find("Czym\u{a0}jest partnerstwo lokalne")
        .unwrap_or_else(|| panic!("fixture changed"));
    let body_end = SEED_TEXT
        .find("Liczba wyświetleń")
        .unwrap_or_else(|| panic!("fixture changed"));
    let published_paragraphs: Vec<&str> = SEED_TEXT[body_start..body_end]
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    assert_eq!(published_paragraphs.len(), 8, "3 headings and 5 paragraphs");
    for paragraph in published_paragraphs {
        assert!(
            body_text.contains(paragraph),
            "missing from bodyText: {paragraph}"
        );
    }
    let photos = article["gallery"]["photos"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let captions: Vec<&str> = photos
        .iter()
        .map(|photo| photo["caption"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        captions[..2],
        ["Wśród gości marszałek Adam Struzik", "Goście konferencji"]
    );
    assert_eq!(photos.len(), 3);
    // Real photos, run through the upload pipeline at the first start.
    for photo in &photos {
        assert!(!photo["credit"].as_str().unwrap_or_default().is_empty());
        assert!(photo["width"].as_i64() > Some(300), "{photo:#}");
        let url = photo["url"].as_str().unwrap_or_default();
        // 640 px, or the whole photo when it is narrower.
        let width = photo["width"].as_i64().unwrap_or_default().min(640);
        assert!(url.ends_with(&format!("/{width}.webp")), "{url}");
        for rendition in photo["renditions"].as_array().cloned().unwrap_or_default() {
            let url = rendition["url"].as_str().unwrap_or_default();
            assert_eq!(app.get(url).await.status(), 200, "{url}");
        }
    }
}

async fn demo_content_gives_lists_something_to_show(app: TestApp) {
    let data = app
        .data(
            "{ sections { slug } articles(first: 3) { totalCount pageInfo { hasNextPage } } }",
            json!({}),
        )
        .await;
    assert!(data["articles"]["totalCount"].as_u64() >= Some(5));
    assert_eq!(data["articles"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(data["sections"][0]["slug"], "aktualnosci");
}
