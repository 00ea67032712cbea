//! Article lists: cursor pagination under every ordering, filters, orders.

use kronika_tests::{TestApp, first_error_code, on_both_databases};
use serde_json::{Value, json};

on_both_databases!(
    paging_through_every_ordering_visits_each_article_exactly_once,
    orderings_sort_as_asked_with_ties_broken_by_id,
    each_filter_narrows_the_list,
    a_cursor_from_another_ordering_is_refused,
);

const PAGE_QUERY: &str = r#"
query Page($first: Int, $after: String, $orderBy: ArticleOrder, $filter: ArticleFilter) {
  articles(first: $first, after: $after, orderBy: $orderBy, filter: $filter) {
    totalCount
    edges { cursor node { id title viewCount publishedAt } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"#;

/// Ten published articles with deliberate ties: pairs share a publication hour and view
/// counts repeat, so only the id tie-break keeps pages stable.
async fn ten_articles(app: &TestApp) -> Vec<i64> {
    let author = app.editor("Anna Nowak").await;
    let section = app.section("Aktualności").await;
    let titles = [
        "Żuraw", "Agrest", "Łąka", "Bocian", "Ćma", "Dąb", "Ekran", "Sowa", "Zając", "Osa",
    ];
    let mut ids = Vec::new();
    for (index, title) in (0_i64..).zip(titles) {
        let article = app
            .article(title, &section, &author)
            .published_hours_after_base(index / 2)
            .views(index % 3 * 10)
            .create()
            .await;
        ids.push(article.id);
    }
    ids
}

fn ids_of(connection: &Value) -> Vec<String> {
    connection["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|edge| edge["node"]["id"].as_str().map(ToOwned::to_owned))
        .collect()
}

async fn paging_through_every_ordering_visits_each_article_exactly_once(app: TestApp) {
    ten_articles(&app).await;
    for order_by in [
        json!({"field": "PUBLISHED_AT", "direction": "DESC"}),
        json!({"field": "PUBLISHED_AT", "direction": "ASC"}),
        json!({"field": "TITLE", "direction": "ASC"}),
        json!({"field": "TITLE", "direction": "DESC"}),
        json!({"field": "VIEWS", "direction": "DESC"}),
        json!({"field": "VIEWS", "direction": "ASC"}),
    ] {
        let everything = app
            .data(PAGE_QUERY, json!({"first": 100, "orderBy": order_by}))
            .await;
        let expected = ids_of(&everything["articles"]);
        assert_eq!(expected.len(), 10);

        let mut visited = Vec::new();
        let mut after: Option<String> = None;
        let mut pages = 0;
        loop {
            let page = app
                .data(
                    PAGE_QUERY,
                    json!({"first": 3, "after": after, "orderBy": order_by}),
                )
                .await;
            let connection = &page["articles"];
            assert_eq!(connection["totalCount"], 10);
            assert_eq!(connection["pageInfo"]["hasPreviousPage"], after.is_some());
            visited.extend(ids_of(connection));
            pages += 1;
            if connection["pageInfo"]["hasNextPage"] == false {
                break;
            }
            after = connection["pageInfo"]["endCursor"]
                .as_str()
                .map(ToOwned::to_owned);
            assert!(pages < 10, "paging does not end for {order_by}");
        }
        assert_eq!(pages, 4, "{order_by}");
        assert_eq!(
            visited, expected,
            "pages differ from the whole list for {order_by}"
        );
    }
}

async fn orderings_sort_as_asked_with_ties_broken_by_id(app: TestApp) {
    ten_articles(&app).await;
    let titles = |data: &Value| -> Vec<String> {
        data["articles"]["edges"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|edge| edge["node"]["title"].as_str().map(ToOwned::to_owned))
            .collect()
    };
    let newest = app.data(PAGE_QUERY, json!({"first": 4})).await;
    // Default: newest first; the two of the latest hour by descending id.
    assert_eq!(titles(&newest), ["Osa", "Zając", "Sowa", "Ekran"]);

    let by_views = app
        .data(
            PAGE_QUERY,
            json!({"first": 10, "orderBy": {"field": "VIEWS", "direction": "DESC"}}),
        )
        .await;
    let views: Vec<i64> = by_views["articles"]["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|edge| edge["node"]["viewCount"].as_i64())
        .collect();
    let mut sorted = views.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(views, sorted);

    let by_title = app
        .data(
            PAGE_QUERY,
            json!({"first": 10, "orderBy": {"field": "TITLE", "direction": "ASC"}}),
        )
        .await;
    let by_title = titles(&by_title);
    // Plain ASCII titles sort the same under every collation our databases use.
    let ascii: Vec<&String> = by_title.iter().filter(|title| title.is_ascii()).collect();
    assert_eq!(ascii, ["Agrest", "Bocian", "Ekran", "Osa", "Sowa"]);
}

async fn each_filter_narrows_the_list(app: TestApp) {
    let author = app.editor("Anna Nowak").await;
    let news = app.section("Aktualności").await;
    let events = app.section("Wydarzenia").await;
    let local = app.tag("partnerstwo lokalne").await;
    app.article("Styczeń", &news, &author)
        .tags(&[&local])
        .create()
        .await;
    app.article("Luty", &news, &author)
        .published_hours_after_base(24 * 31)
        .create()
        .await;
    app.article("Marzec", &events, &author)
        .published_hours_after_base(24 * 60)
        .tags(&[&local])
        .create()
        .await;

    let titles_for = |filter: Value| {
        let app = &app;
        async move {
            let data = app
                .data(
                    "query($filter: ArticleFilter) { articles(filter: $filter) { totalCount nodes { title } } }",
                    json!({"filter": filter}),
                )
                .await;
            let titles: Vec<String> = data["articles"]["nodes"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|node| node["title"].as_str().map(ToOwned::to_owned))
                .collect();
            assert_eq!(
                data["articles"]["totalCount"].as_u64(),
                Some(titles.len() as u64)
            );
            titles
        }
    };
    assert_eq!(
        titles_for(json!({"section": "aktualnosci"})).await,
        ["Luty", "Styczeń"]
    );
    assert_eq!(
        titles_for(json!({"section": "wydarzenia"})).await,
        ["Marzec"]
    );
    assert_eq!(
        titles_for(json!({"tag": "partnerstwo-lokalne"})).await,
        ["Marzec", "Styczeń"]
    );
    assert_eq!(
        titles_for(json!({"publishedAfter": "2024-02-01T13:00:00+01:00"})).await,
        ["Marzec", "Luty"]
    );
    assert_eq!(
        titles_for(json!({"publishedBefore": "2024-02-01T13:00:00+01:00"})).await,
        ["Styczeń"]
    );
    assert_eq!(
        titles_for(json!({
            "section": "aktualnosci",
            "tag": "partnerstwo-lokalne",
            "publishedAfter": "2024-01-01T00:00:00Z",
        }))
        .await,
        ["Styczeń"]
    );
    assert!(titles_for(json!({"section": "brak"})).await.is_empty());
}

async fn a_cursor_from_another_ordering_is_refused(app: TestApp) {
    ten_articles(&app).await;
    let page = app.data(PAGE_QUERY, json!({"first": 2})).await;
    let cursor = page["articles"]["pageInfo"]["endCursor"].clone();
    let response = app
        .gql_with(
            PAGE_QUERY,
            json!({"first": 2, "after": cursor, "orderBy": {"field": "TITLE"}}),
        )
        .await;
    assert_eq!(first_error_code(&response), "BAD_USER_INPUT");
    assert_eq!(response["errors"][0]["extensions"]["field"], "after");
}
