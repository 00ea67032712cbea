//! The DataLoader proof: a page of 20 articles with every relation costs the same number
//! of SQL statements as a page of 2. The entity cache is off here, so that every page
//! reads every relation from the database (`entity_cache.rs` tests the cache).

use kronika_tests::{TestApp, background_work_asleep_and_entity_cache_off, on_both_databases};
use serde_json::json;

on_both_databases!(
    configured_by = background_work_asleep_and_entity_cache_off;
    a_page_of_twenty_costs_as_many_statements_as_a_page_of_two,
    a_front_page_of_many_sections_costs_as_much_as_one_of_two,
);

const PAGE_WITH_RELATIONS: &str = r#"
query($first: Int) {
  articles(first: $first) {
    totalCount
    edges { node {
      title
      section { slug name }
      tags { slug }
      createdBy { name }
      gallery { title photos { caption width } }
      attachments { title size }
    } }
  }
}"#;

async fn statements_for_page(app: &TestApp, first: usize) -> u64 {
    app.settle_search_indexer().await;
    let before = app.statement_count();
    let data = app.data(PAGE_WITH_RELATIONS, json!({"first": first})).await;
    let after = app.statement_count();
    assert_eq!(
        data["articles"]["edges"].as_array().map(Vec::len),
        Some(first)
    );
    after - before
}

async fn a_page_of_twenty_costs_as_many_statements_as_a_page_of_two(app: TestApp) {
    let news = app.section("Aktualności").await;
    let events = app.section("Wydarzenia").await;
    let authors = [
        app.editor("Anna Nowak").await,
        app.editor("Jan Kowalski").await,
    ];
    let tags = [
        app.tag("partnerstwo lokalne").await,
        app.tag("rynek pracy").await,
        app.tag("powiat miński").await,
    ];
    for number in 0..20_usize {
        let gallery = app.gallery(&format!("Galeria {number}"), 2).await;
        let section = if number % 2 == 0 { &news } else { &events };
        app.article(&format!("Artykuł {number}"), section, &authors[number % 2])
            .published_hours_after_base(i64::try_from(number).unwrap_or_default())
            .tags(&[&tags[number % 3], &tags[(number + 1) % 3]])
            .gallery(&gallery)
            .create()
            .await;
    }

    let for_two = statements_for_page(&app, 2).await;
    let for_twenty = statements_for_page(&app, 20).await;
    // Page, count, sections, accounts, galleries, tags, photos, attachments: one
    // statement each.
    assert_eq!(for_two, 8);
    assert_eq!(for_twenty, for_two);
}

const FRONT_PAGE: &str = r#"
{
  sections {
    slug
    articles(first: 2) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { title section { slug } tags { slug } }
    }
  }
}"#;

/// The typical front page: every section with its two newest articles.
async fn a_front_page_of_many_sections_costs_as_much_as_one_of_two(app: TestApp) {
    let author = app.editor("Anna Nowak").await;
    let tag = app.tag("rynek pracy").await;
    let mut statements = Vec::new();
    let mut sections_made = 0;
    for section_count in [2, 6] {
        while sections_made < section_count {
            let section = app.section(&format!("Dział {sections_made}")).await;
            for hour in 0..3 {
                app.article(
                    &format!("Dział {sections_made} artykuł {hour}"),
                    &section,
                    &author,
                )
                .published_hours_after_base(hour)
                .tags(&[&tag])
                .create()
                .await;
            }
            sections_made += 1;
        }
        app.settle_search_indexer().await;
        let before = app.statement_count();
        let data = app.data(FRONT_PAGE, json!({})).await;
        statements.push(app.statement_count() - before);
        for section in data["sections"].as_array().into_iter().flatten() {
            let articles = &section["articles"];
            assert_eq!(articles["totalCount"], 3);
            assert_eq!(articles["pageInfo"]["hasNextPage"], true);
            assert_eq!(articles["nodes"][0]["section"]["slug"], section["slug"]);
            let titles: Vec<&str> = articles["nodes"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|node| node["title"].as_str())
                .collect();
            assert_eq!(titles.len(), 2);
            assert!(titles[0].ends_with("artykuł 2") && titles[1].ends_with("artykuł 1"));
        }
    }
    // Sections, first pages, counts, the articles' sections and tags: one statement each.
    assert_eq!(statements, [5, 5]);

    // The next page of one section continues where its first page, batched, ended.
    let first_page = app
        .data(
            r#"{ section(slug: "dzial-0") { articles(first: 2) { pageInfo { endCursor } } } }"#,
            json!({}),
        )
        .await;
    let cursor = &first_page["section"]["articles"]["pageInfo"]["endCursor"];
    let next_page = app
        .data(
            r#"query($after: String) { section(slug: "dzial-0") { articles(first: 2, after: $after) { nodes { title } pageInfo { hasNextPage } } } }"#,
            json!({"after": cursor}),
        )
        .await;
    assert_eq!(
        next_page["section"]["articles"],
        json!({"nodes": [{"title": "Dział 0 artykuł 0"}], "pageInfo": {"hasNextPage": false}})
    );
}
