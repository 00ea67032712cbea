//! Reading view statistics: `mostRead` and `Article.viewsByDay`.

use kronika_core::domain::ArticleStatus;
use kronika_tests::views::{days_before, site_today};
use kronika_tests::{TestApp, background_work_asleep, first_error_code, on_both_databases};
use serde_json::{Value, json};

on_both_databases!(
    configured_by = background_work_asleep;
    views_by_day_on_a_list_costs_one_statement,
);

on_both_databases!(
    most_read_ranks_published_articles_by_views_within_the_window,
    views_by_day_lists_every_day_with_zero_where_nothing_was_read,
);

const MOST_READ: &str = r#"
query($section: String, $days: Int, $first: Int) {
  mostRead(section: $section, days: $days, first: $first) { views article { title } }
}"#;

async fn most_read(app: &TestApp, variables: Value) -> Vec<(String, i64)> {
    let data = app.data(MOST_READ, variables).await;
    data["mostRead"]
        .as_array()
        .unwrap_or_else(|| panic!("{data:#}"))
        .iter()
        .map(|entry| {
            (
                entry["article"]["title"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                entry["views"].as_i64().unwrap_or_default(),
            )
        })
        .collect()
}

fn ranking(entries: &[(&str, i64)]) -> Vec<(String, i64)> {
    entries
        .iter()
        .map(|(title, views)| ((*title).to_owned(), *views))
        .collect()
}

async fn most_read_ranks_published_articles_by_views_within_the_window(app: TestApp) {
    let author = app.editor("Anna Nowak").await;
    let news = app.section("Aktualności").await;
    let events = app.section("Wydarzenia").await;
    let old_hit = app.article("Dawny hit", &news, &author).create().await;
    let today_hit = app
        .article("Dzisiejszy hit", &news, &author)
        .published_hours_after_base(1)
        .create()
        .await;
    let this_week = app
        .article("W tym tygodniu", &news, &author)
        .published_hours_after_base(2)
        .create()
        .await;
    let event = app
        .article("Wydarzenie", &events, &author)
        .published_hours_after_base(3)
        .create()
        .await;
    let draft = app
        .article("Szkic", &news, &author)
        .status(ArticleStatus::Draft)
        .create()
        .await;

    let today = site_today(&app);
    app.plant_daily_views(&old_hit, days_before(today, 10), 100)
        .await;
    app.plant_daily_views(&old_hit, today, 5).await;
    app.plant_daily_views(&today_hit, today, 10).await;
    app.plant_daily_views(&this_week, days_before(today, 6), 4)
        .await;
    app.plant_daily_views(&this_week, days_before(today, 3), 3)
        .await;
    app.plant_daily_views(&event, today, 8).await;
    app.plant_daily_views(&draft, today, 1000).await;

    assert_eq!(
        most_read(&app, json!({})).await,
        ranking(&[
            ("Dzisiejszy hit", 10),
            ("Wydarzenie", 8),
            ("W tym tygodniu", 7),
            ("Dawny hit", 5),
        ]),
        "the default window is today and the six days before"
    );
    assert_eq!(
        most_read(&app, json!({"days": 30})).await,
        ranking(&[
            ("Dawny hit", 105),
            ("Dzisiejszy hit", 10),
            ("Wydarzenie", 8),
            ("W tym tygodniu", 7),
        ])
    );
    assert_eq!(
        most_read(&app, json!({"days": 1})).await,
        ranking(&[("Dzisiejszy hit", 10), ("Wydarzenie", 8), ("Dawny hit", 5)])
    );
    assert_eq!(
        most_read(&app, json!({"days": 6})).await,
        ranking(&[
            ("Dzisiejszy hit", 10),
            ("Wydarzenie", 8),
            ("Dawny hit", 5),
            ("W tym tygodniu", 3),
        ]),
        "six days back from today leaves out the views of six days ago"
    );
    assert_eq!(
        most_read(&app, json!({"section": "aktualnosci", "first": 2})).await,
        ranking(&[("Dzisiejszy hit", 10), ("W tym tygodniu", 7)])
    );
    assert_eq!(
        most_read(&app, json!({"section": "nie-ma-takiego"})).await,
        ranking(&[])
    );

    // Equal views: the newer article comes first.
    app.plant_daily_views(&event, days_before(today, 1), 2)
        .await;
    assert_eq!(
        most_read(&app, json!({"first": 2})).await,
        ranking(&[("Wydarzenie", 10), ("Dzisiejszy hit", 10)])
    );

    for variables in [
        json!({"days": 0}),
        json!({"days": 367}),
        json!({"first": -1}),
        json!({"first": 101}),
    ] {
        let response = app.gql_with(MOST_READ, variables.clone()).await;
        assert_eq!(first_error_code(&response), "BAD_USER_INPUT", "{variables}");
    }
}

const VIEWS_BY_DAY: &str = r#"
query($id: ID!, $from: Date, $to: Date) {
  article(id: $id) { viewsByDay(from: $from, to: $to) { day views } }
}"#;

async fn views_by_day_lists_every_day_with_zero_where_nothing_was_read(app: TestApp) {
    let author = app.editor("Anna Nowak").await;
    let section = app.section("Aktualności").await;
    let article = app.article("Pierwszy", &section, &author).create().await;
    let other = app.article("Drugi", &section, &author).create().await;
    let today = site_today(&app);
    app.plant_daily_views(&article, days_before(today, 3), 4)
        .await;
    app.plant_daily_views(&article, days_before(today, 1), 2)
        .await;
    app.plant_daily_views(&other, days_before(today, 2), 50)
        .await;

    let id = article.id.to_string();
    let data = app
        .data(
            VIEWS_BY_DAY,
            json!({"id": id, "from": days_before(today, 4).to_string(), "to": today.to_string()}),
        )
        .await;
    let expected: Vec<Value> = [(4, 0), (3, 4), (2, 0), (1, 2), (0, 0)]
        .into_iter()
        .map(|(days_ago, views)| json!({"day": days_before(today, days_ago).to_string(), "views": views}))
        .collect();
    assert_eq!(data["article"]["viewsByDay"], json!(expected));

    let default_range = app.data(VIEWS_BY_DAY, json!({"id": id})).await;
    let series = default_range["article"]["viewsByDay"]
        .as_array()
        .unwrap_or_else(|| panic!("{default_range:#}"));
    assert_eq!(series.len(), 30, "the last thirty days up to today");
    assert_eq!(series[0]["day"], json!(days_before(today, 29).to_string()));
    assert_eq!(series[29]["day"], json!(today.to_string()));
    let total: i64 = series
        .iter()
        .map(|day| day["views"].as_i64().unwrap_or_default())
        .sum();
    assert_eq!(total, 6);

    for variables in [
        json!({"id": id, "from": today.to_string(), "to": days_before(today, 1).to_string()}),
        json!({"id": id, "from": "2026-13-01"}),
        json!({"id": id, "from": "2020-01-01", "to": "2026-01-01"}),
    ] {
        let response = app.gql_with(VIEWS_BY_DAY, variables.clone()).await;
        assert_eq!(first_error_code(&response), "BAD_USER_INPUT", "{variables}");
    }
}

async fn views_by_day_on_a_list_costs_one_statement(app: TestApp) {
    let author = app.editor("Anna Nowak").await;
    let section = app.section("Aktualności").await;
    let today = site_today(&app);
    let query = r#"
        query($first: Int) {
          articles(first: $first) { nodes { title viewsByDay(from: null) { views } } }
        }"#;
    let mut statements = Vec::new();
    for count in [2, 10] {
        while app_article_count(&app).await < count {
            let number = app_article_count(&app).await;
            let article = app
                .article(&format!("Artykuł {number}"), &section, &author)
                .create()
                .await;
            app.plant_daily_views(&article, today, 1).await;
        }
        app.settle_search_indexer().await;
        let before = app.statement_count();
        let data = app.data(query, json!({"first": count})).await;
        statements.push(app.statement_count() - before);
        let nodes = data["articles"]["nodes"]
            .as_array()
            .unwrap_or_else(|| panic!("{data:#}"));
        assert_eq!(nodes.len(), count);
        assert!(
            nodes
                .iter()
                .all(|node| node["viewsByDay"][29]["views"] == 1)
        );
    }
    // The page and one statement for every article's series.
    assert_eq!(statements, [2, 2]);
}

async fn app_article_count(app: &TestApp) -> usize {
    let data = app
        .data("{ articles(first: 100) { totalCount } }", json!({}))
        .await;
    usize::try_from(data["articles"]["totalCount"].as_u64().unwrap_or_default()).unwrap_or_default()
}
