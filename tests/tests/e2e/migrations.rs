//! Migrations on an empty database, twice, and demo content loaded only once.

use kronika_api::{App, Config};
use kronika_tests::{TestApp, on_both_databases, with_demo_content};
use serde_json::json;

on_both_databases!(
    configured_by = with_demo_content;
    migrating_twice_changes_nothing,
);

/// Builds a second app on the first one's database: migrations run again and find
/// nothing to do, and the demo content is not loaded twice.
async fn migrating_twice_changes_nothing(first: TestApp) {
    let mut config: Config = first.app.config().clone();
    config.database_url = Some(config.effective_database_url());
    // A data directory of its own: the embedded search index admits one writer, and the
    // database is shared through its URL.
    let second_data_dir = tempfile::tempdir().unwrap_or_else(|error| panic!("{error}"));
    config.data_dir = second_data_dir.path().to_path_buf();
    let second = App::build(config)
        .await
        .unwrap_or_else(|error| panic!("second start failed: {error}"));
    kronika_core::db::migrate(second.database())
        .await
        .unwrap_or_else(|error| panic!("third migration failed: {error}"));
    let data = first
        .data("{ sections { slug } articles { totalCount } }", json!({}))
        .await;
    assert_eq!(data["sections"].as_array().map(Vec::len), Some(3));
    assert_eq!(data["articles"]["totalCount"], 6);
}
