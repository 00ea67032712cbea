//! The DataLoader proof: a page of 20 articles with every relation costs the same number
//! of SQL statements as a page of 2.

use kronika_tests::{TestApp, on_both_databases};
use serde_json::json;

on_both_databases!(a_page_of_twenty_costs_as_many_statements_as_a_page_of_two);

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
    } }
  }
}"#;

async fn statements_for_page(app: &TestApp, first: usize) -> u64 {
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
    // Page, count, sections, accounts, galleries, tags, photos: one statement each.
    assert_eq!(for_two, 7);
    assert_eq!(for_twenty, for_two);
}
