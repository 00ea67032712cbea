//! Anonymous readers see only published articles: in lists, by slug, by id and through
//! every relation.

use kronika_core::domain::ArticleStatus;
use kronika_tests::{TestApp, on_both_databases};
use serde_json::json;

on_both_databases!(unpublished_articles_are_invisible_to_anonymous_readers_everywhere);

async fn unpublished_articles_are_invisible_to_anonymous_readers_everywhere(app: TestApp) {
    let author = app.editor("Anna Nowak").await;
    let section = app.section("Aktualności").await;
    let tag = app.tag("partnerstwo lokalne").await;
    app.article("Widoczny", &section, &author)
        .tags(&[&tag])
        .create()
        .await;
    let mut hidden_ids = Vec::new();
    for (title, status) in [
        ("Szkic", ArticleStatus::Draft),
        ("Zaplanowany", ArticleStatus::Scheduled),
        ("Zarchiwizowany", ArticleStatus::Archived),
    ] {
        let article = app
            .article(title, &section, &author)
            .status(status)
            .tags(&[&tag])
            .views(1_000)
            .create()
            .await;
        hidden_ids.push(article.id);
    }

    for (slug, id) in ["szkic", "zaplanowany", "zarchiwizowany"]
        .iter()
        .zip(&hidden_ids)
    {
        let data = app
            .data(
                "query($slug: String!, $id: ID!) { bySlug: article(slug: $slug) { id } byId: article(id: $id) { id } }",
                json!({"slug": slug, "id": id.to_string()}),
            )
            .await;
        assert_eq!(data, json!({"bySlug": null, "byId": null}), "{slug}");
    }

    let only_visible = json!({"totalCount": 1, "nodes": [{"title": "Widoczny"}]});
    let data = app
        .data(
            r#"{
              all: articles { totalCount nodes { title } }
              byViews: articles(orderBy: {field: VIEWS}) { totalCount nodes { title } }
              byTag: articles(filter: {tag: "partnerstwo-lokalne"}) { totalCount nodes { title } }
              bySection: articles(filter: {section: "aktualnosci"}) { totalCount nodes { title } }
              section(slug: "aktualnosci") { articles { totalCount nodes { title } } }
              sections { articles { totalCount nodes { title } } }
            }"#,
            json!({}),
        )
        .await;
    for list in ["all", "byViews", "byTag", "bySection"] {
        assert_eq!(data[list], only_visible, "{list}");
    }
    assert_eq!(data["section"]["articles"], only_visible);
    assert_eq!(data["sections"][0]["articles"], only_visible);
}
