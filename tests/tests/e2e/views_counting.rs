//! Counting views: beacons and `recordView`, dedupe, bots, drafts, and what a flush and a
//! graceful shutdown write.

use std::time::Duration;

use kronika_api::Config;
use kronika_core::domain::ArticleStatus;
use kronika_tests::views::{reader_user_agent, site_today};
use kronika_tests::{Backend, TestApp, first_error_code, on_both_databases};
use serde_json::json;

on_both_databases!(
    configured_by = flush_only_on_demand;
    concurrent_beacons_are_all_written_by_a_graceful_shutdown,
    a_reader_counts_once_per_article_per_day,
    bots_are_not_counted,
    drafts_and_unknown_articles_are_not_counted,
    a_failed_flush_keeps_its_views_for_the_next_one,
    a_flush_costs_statements_per_article_not_per_view,
);

on_both_databases!(
    configured_by = behind_a_trusted_proxy;
    behind_a_trusted_proxy_readers_are_told_apart_by_their_forwarded_address,
);

on_both_databases!(
    configured_by = without_response_cache;
    counting_changes_neither_updated_at_nor_version,
);

on_both_databases!(
    configured_by = two_views_per_second;
    record_view_and_the_beacon_share_one_rate_limit,
);

/// The periodic flusher would write at a time the test does not choose; an hour keeps it
/// out of the way, so that every write in these tests comes from an explicit flush or
/// from the shutdown.
fn flush_only_on_demand(config: &mut Config) {
    config.view_flush_interval = Duration::from_secs(3600);
    // Some tests count the flush's statements; other background work must not mix in.
    kronika_tests::background_work_asleep(config);
}

fn behind_a_trusted_proxy(config: &mut Config) {
    flush_only_on_demand(config);
    config.trust_proxy = true;
}

fn two_views_per_second(config: &mut Config) {
    flush_only_on_demand(config);
    config.rate_limits.view_beacons_per_second = 2;
}

fn without_response_cache(config: &mut Config) {
    flush_only_on_demand(config);
    config.response_cache_ttl = Duration::ZERO;
}

const RECORD_VIEW: &str = "mutation($id: ID!) { recordView(articleId: $id) }";

async fn concurrent_beacons_are_all_written_by_a_graceful_shutdown(mut app: TestApp) {
    let author = app.editor("Anna Nowak").await;
    let section = app.section("Aktualności").await;
    let mut articles = Vec::new();
    for number in 0..4 {
        let article = app
            .article(&format!("Artykuł {number}"), &section, &author)
            .create()
            .await;
        articles.push(article);
    }
    let readers = 50;
    let beacons = (0..readers)
        .flat_map(|reader| {
            articles
                .iter()
                .map(move |article| (article.id, reader_user_agent(reader)))
        })
        .collect();
    app.beacons_at_once(beacons).await;
    assert_eq!(
        app.app.pending_views(),
        200,
        "every view is counted in memory and none is written yet"
    );

    app.shutdown().await;

    let today = site_today(&app);
    for article in &articles {
        let stored = app.stored_article(article.id).await;
        assert_eq!(stored.view_count, 50, "{}", stored.title);
        assert_eq!(app.stored_daily_views(article.id).await, [(today, 50)]);
    }
    assert_eq!(app.app.pending_views(), 0);
}

async fn a_reader_counts_once_per_article_per_day(app: TestApp) {
    let author = app.editor("Anna Nowak").await;
    let section = app.section("Aktualności").await;
    let first = app.article("Pierwszy", &section, &author).create().await;
    let second = app.article("Drugi", &section, &author).create().await;
    let anna = reader_user_agent(1);
    let jan = reader_user_agent(2);

    for _ in 0..3 {
        assert_eq!(app.beacon(first.id, &anna).await, 204);
    }
    // Without a trusted proxy, X-Forwarded-For is the client's word and changes nothing.
    let forged = [
        ("user-agent", anna.as_str()),
        ("x-forwarded-for", "203.0.113.9"),
    ];
    assert_eq!(app.beacon_with(&first.id.to_string(), &forged).await, 204);
    app.beacon(second.id, &anna).await;
    app.beacon(first.id, &jan).await;

    // recordView shares the beacon's memory and says whether it counted.
    let record_as = |user_agent: &str, article_id: i64| {
        let request = app
            .client
            .post(app.url("/graphql"))
            .header("user-agent", user_agent.to_owned())
            .json(&json!({"query": RECORD_VIEW, "variables": {"id": article_id.to_string()}}));
        async move {
            let response: serde_json::Value = request
                .send()
                .await
                .unwrap_or_else(|error| panic!("{error}"))
                .json()
                .await
                .unwrap_or_default();
            response
        }
    };
    let repeated = record_as(&anna, first.id).await;
    assert_eq!(repeated, json!({"data": {"recordView": false}}));
    let new_reader = record_as(&reader_user_agent(3), first.id).await;
    assert_eq!(new_reader, json!({"data": {"recordView": true}}));

    app.flush_views().await;
    assert_eq!(app.stored_article(first.id).await.view_count, 3);
    assert_eq!(app.stored_article(second.id).await.view_count, 1);
}

async fn behind_a_trusted_proxy_readers_are_told_apart_by_their_forwarded_address(app: TestApp) {
    let author = app.editor("Anna Nowak").await;
    let section = app.section("Aktualności").await;
    let article = app.article("Pierwszy", &section, &author).create().await;
    let user_agent = reader_user_agent(1);
    let id = article.id.to_string();
    for forwarded_for in [
        "203.0.113.1",
        "203.0.113.2",
        // Only the last entry, the one the proxy added, is believed.
        "198.51.100.7, 203.0.113.2",
        "203.0.113.2",
    ] {
        let headers = [
            ("user-agent", user_agent.as_str()),
            ("x-forwarded-for", forwarded_for),
        ];
        assert_eq!(app.beacon_with(&id, &headers).await, 204);
    }
    app.flush_views().await;
    assert_eq!(app.stored_article(article.id).await.view_count, 2);
}

async fn bots_are_not_counted(app: TestApp) {
    let author = app.editor("Anna Nowak").await;
    let section = app.section("Aktualności").await;
    let article = app.article("Pierwszy", &section, &author).create().await;
    for user_agent in [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "curl/8.5.0",
        "",
    ] {
        assert_eq!(app.beacon(article.id, user_agent).await, 204);
    }
    // reqwest sends no User-Agent unless told to: a script, not a reader.
    assert_eq!(app.beacon_with(&article.id.to_string(), &[]).await, 204);
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("user-agent", "Googlebot/2.1")
        .json(&json!({"query": RECORD_VIEW, "variables": {"id": article.id.to_string()}}))
        .send()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    let body: serde_json::Value = response.json().await.unwrap_or_default();
    assert_eq!(body, json!({"data": {"recordView": false}}));

    assert_eq!(app.app.pending_views(), 0);
    app.flush_views().await;
    assert_eq!(app.stored_article(article.id).await.view_count, 0);
}

async fn drafts_and_unknown_articles_are_not_counted(app: TestApp) {
    let author = app.editor("Anna Nowak").await;
    let section = app.section("Aktualności").await;
    let draft = app
        .article("Szkic", &section, &author)
        .status(ArticleStatus::Draft)
        .create()
        .await;
    let archived = app
        .article("Archiwum", &section, &author)
        .status(ArticleStatus::Archived)
        .create()
        .await;
    let reader = reader_user_agent(1);
    for id in [
        draft.id.to_string(),
        archived.id.to_string(),
        "999999".to_owned(),
        "not-a-number".to_owned(),
    ] {
        // The beacon answers the same whatever the id, so it reveals nothing.
        let status = app
            .beacon_with(&id, &[("user-agent", reader.as_str())])
            .await;
        assert_eq!(status, 204, "{id}");
    }
    for id in [draft.id.to_string(), "999999".to_owned(), "x".to_owned()] {
        let response = app
            .client
            .post(app.url("/graphql"))
            .header("user-agent", reader.as_str())
            .json(&json!({"query": RECORD_VIEW, "variables": {"id": id}}))
            .send()
            .await
            .unwrap_or_else(|error| panic!("{error}"));
        let body: serde_json::Value = response.json().await.unwrap_or_default();
        assert_eq!(first_error_code(&body), "NOT_FOUND", "{id}: {body:#}");
    }
    assert_eq!(app.app.pending_views(), 0);
    app.flush_views().await;
    assert_eq!(app.stored_article(draft.id).await.view_count, 0);
    assert!(app.stored_daily_views(draft.id).await.is_empty());
}

async fn counting_changes_neither_updated_at_nor_version(app: TestApp) {
    let author = app.editor("Anna Nowak").await;
    let section = app.section("Aktualności").await;
    let article = app.article("Pierwszy", &section, &author).create().await;
    let query = "query($id: ID!) { article(id: $id) { viewCount updatedAt version } }";
    let variables = json!({"id": article.id.to_string()});
    let before = app.data(query, variables.clone()).await;
    let stored_before = app.stored_article(article.id).await;

    app.beacon(article.id, &reader_user_agent(1)).await;
    app.beacon(article.id, &reader_user_agent(2)).await;
    app.flush_views().await;

    let after = app.data(query, variables).await;
    assert_eq!(after["article"]["viewCount"], 2);
    assert_eq!(
        after["article"]["updatedAt"],
        before["article"]["updatedAt"]
    );
    assert_eq!(after["article"]["version"], before["article"]["version"]);
    let stored_after = app.stored_article(article.id).await;
    assert_eq!(stored_after.updated_at, stored_before.updated_at);
    assert_eq!(stored_after.version, stored_before.version);
    assert_eq!(stored_after.updated_by, stored_before.updated_by);
}

async fn a_failed_flush_keeps_its_views_for_the_next_one(app: TestApp) {
    let author = app.editor("Anna Nowak").await;
    let section = app.section("Aktualności").await;
    let article = app.article("Pierwszy", &section, &author).create().await;
    for reader in 0..5 {
        app.beacon(article.id, &reader_user_agent(reader)).await;
    }
    // Hiding the daily table makes the flush's second statement fail after its first
    // has already added to the article's total, inside the same transaction.
    rename_table(&app, "article_views_daily", "article_views_daily_hidden").await;
    assert!(app.app.flush_views().await.is_err());
    assert_eq!(app.app.pending_views(), 5, "the failed batch is kept");
    assert_eq!(
        app.stored_article(article.id).await.view_count,
        0,
        "the failed transaction left no partial write"
    );

    app.beacon(article.id, &reader_user_agent(5)).await;
    rename_table(&app, "article_views_daily_hidden", "article_views_daily").await;
    app.flush_views().await;
    assert_eq!(app.app.pending_views(), 0);
    assert_eq!(app.stored_article(article.id).await.view_count, 6);
    assert_eq!(
        app.stored_daily_views(article.id).await,
        [(site_today(&app), 6)]
    );
}

async fn rename_table(app: &TestApp, from: &str, to: &str) {
    use sea_orm::ConnectionTrait;
    app.db()
        .execute_unprepared(&format!("ALTER TABLE {from} RENAME TO {to}"))
        .await
        .unwrap_or_else(|error| panic!("rename {from}: {error}"));
}

async fn a_flush_costs_statements_per_article_not_per_view(app: TestApp) {
    let author = app.editor("Anna Nowak").await;
    let section = app.section("Aktualności").await;
    let mut articles = Vec::new();
    for number in 0..3 {
        let article = app
            .article(&format!("Artykuł {number}"), &section, &author)
            .create()
            .await;
        articles.push(article);
    }
    let mut statements = Vec::new();
    let mut next_reader = 0;
    for readers_per_article in [1, 40] {
        let mut beacons = Vec::new();
        for _ in 0..readers_per_article {
            for article in &articles {
                beacons.push((article.id, reader_user_agent(next_reader)));
            }
            next_reader += 1;
        }
        app.beacons_at_once(beacons).await;
        app.settle_search_indexer().await;
        let counted_before = app.statement_count();
        let report = app
            .app
            .flush_views()
            .await
            .unwrap_or_else(|error| panic!("{error}"));
        let counted = app.statement_count() - counted_before;
        assert_eq!(report.views, 3 * readers_per_article as u64);
        assert_eq!(report.articles, 3);
        // One UPDATE of the totals and one upsert of the days, as the metric callback
        // saw them (BEGIN and COMMIT are not reported to it); on PostgreSQL one more after
        // the commit, which tells the other replicas' entity caches.
        let announcement = u64::from(app.backend == Backend::Postgres);
        assert_eq!((report.statements, counted), (2, 2 + announcement));
        statements.push(counted);
    }
    assert_eq!(statements[0], statements[1]);
    for article in &articles {
        assert_eq!(app.stored_article(article.id).await.view_count, 41);
    }
}

/// One address rotating its User-Agent is a new reader each time, so only the rate limit
/// stands between it and any number of counted views, whichever way it sends them.
async fn record_view_and_the_beacon_share_one_rate_limit(app: TestApp) {
    let author = app.editor("Anna Nowak").await;
    let section = app.section("Aktualności").await;
    let article = app.article("Artykuł", &section, &author).create().await;
    // The beacon takes the address's whole burst of two.
    assert_eq!(app.beacon(article.id, &reader_user_agent(1)).await, 204);
    assert_eq!(app.beacon(article.id, &reader_user_agent(2)).await, 204);
    let started = std::time::Instant::now();
    let mut counted = 0_u32;
    let mut refused = Vec::new();
    for reader in 3..9 {
        let response = app
            .client
            .post(app.url("/graphql"))
            .header("user-agent", reader_user_agent(reader))
            .json(&json!({"query": RECORD_VIEW, "variables": {"id": article.id.to_string()}}))
            .send()
            .await
            .unwrap_or_else(|error| panic!("{error}"));
        let status = response.status().as_u16();
        let retry_after = response.headers().get("retry-after").is_some();
        let body: serde_json::Value = response.json().await.unwrap_or_default();
        if body["data"]["recordView"] == json!(true) {
            counted += 1;
        } else {
            assert_eq!(first_error_code(&body), "RATE_LIMITED", "{body:#}");
            assert_eq!(status, 429);
            assert!(retry_after, "a refusal says when to come back");
            refused.push(body);
        }
    }
    // At two a second, one more view becomes due every half second these took.
    let became_due = (started.elapsed().as_secs_f64() * 2.0).ceil();
    assert!(
        f64::from(counted) <= became_due,
        "{counted} views counted in {:?}",
        started.elapsed()
    );
    assert!(!refused.is_empty());
}
