//! Two server processes counting into one database lose no view: their flushes add to
//! the same rows with atomic increments, often at the same moment.

use std::time::Duration;

use kronika_api::Config;
use kronika_tests::views::{reader_user_agent, site_today};
use kronika_tests::{TestApp, on_both_databases};
use serde_json::json;

// The servers share one search index and one media store, as Meilisearch and S3 are
// shared in production: servers with their own would refuse to run together.
on_both_databases!(
    replicas, configured_by = flush_constantly;
    two_servers_on_one_database_count_every_view,
);

/// Flushes every few milliseconds, so that the two servers' transactions overlap while
/// beacons keep arriving. The assertions do not depend on when any flush happens.
fn flush_constantly(config: &mut Config) {
    config.view_flush_interval = Duration::from_millis(5);
}

async fn two_servers_on_one_database_count_every_view(mut first: TestApp) {
    let author = first.editor("Anna Nowak").await;
    let section = first.section("Aktualności").await;
    let shared = first.article("Wspólny", &section, &author).create().await;
    let other = first.article("Drugi", &section, &author).create().await;
    let mut second = first.spawn_sharing_database(flush_constantly).await;

    // Different readers on each server: dedupe memory belongs to one process.
    let readers_per_server = 150;
    let beacons_for = |first_reader: usize| -> Vec<(i64, String)> {
        (first_reader..first_reader + readers_per_server)
            .flat_map(|reader| {
                [
                    (shared.id, reader_user_agent(reader)),
                    (other.id, reader_user_agent(reader)),
                ]
            })
            .collect()
    };
    tokio::join!(
        first.beacons_at_once(beacons_for(0)),
        second.beacons_at_once(beacons_for(readers_per_server)),
    );
    tokio::join!(first.shutdown(), second.shutdown());

    let today = site_today(&first);
    for article in [&shared, &other] {
        assert_eq!(first.stored_article(article.id).await.view_count, 300);
        assert_eq!(first.stored_daily_views(article.id).await, [(today, 300)]);
    }

    // A third server reads what the two wrote.
    let reader = first.spawn_sharing_database(|_| {}).await;
    let data = reader
        .data(
            "query($id: ID!) { article(id: $id) { viewCount viewsByDay(from: null) { views } } \
             mostRead(days: 1) { views article { title } } }",
            json!({"id": shared.id.to_string()}),
        )
        .await;
    assert_eq!(data["article"]["viewCount"], 300);
    let series = data["article"]["viewsByDay"]
        .as_array()
        .unwrap_or_else(|| panic!("{data:#}"));
    assert_eq!(series.len(), 30);
    assert_eq!(series[29]["views"], 300);
    assert_eq!(
        data["mostRead"],
        json!([
            {"views": 300, "article": {"title": "Drugi"}},
            {"views": 300, "article": {"title": "Wspólny"}},
        ]),
        "equal views: the newer article first (same publication time, so the higher id)"
    );
}
