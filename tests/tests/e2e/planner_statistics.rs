//! The query planner's statistics: a server starting on SQLite leaves them in the
//! database (without them SQLite picks the wrong index for the editors' lists and the
//! most-read rankings on a large site), and the refresh is harmless on PostgreSQL,
//! which keeps statistics of its own.

use kronika_core::db;
use kronika_tests::{Backend, TestApp, with_demo_content};
use sea_orm::{ConnectionTrait, Statement};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_started_sqlite_server_has_analysed_its_tables() {
    let app = TestApp::spawn_with(Backend::Sqlite, with_demo_content)
        .await
        .unwrap_or_else(|| panic!("SQLite is always available"));
    let database = app.app.database();
    let analysed = database
        .query_one_raw(Statement::from_string(
            database.get_database_backend(),
            "SELECT COUNT(*) AS count FROM sqlite_stat1 WHERE tbl = 'articles'",
        ))
        .await
        .unwrap_or_else(|error| panic!("no statistics table: {error}"))
        .and_then(|row| row.try_get::<i64>("", "count").ok())
        .unwrap_or_default();
    assert!(analysed > 0, "no statistics for articles");
    // Refreshing again, as the hourly upkeep does, works on a running server.
    db::refresh_planner_statistics(database)
        .await
        .unwrap_or_else(|error| panic!("second refresh: {error}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refreshing_statistics_on_postgresql_does_nothing_and_succeeds() {
    let Some(app) = TestApp::spawn_with(Backend::Postgres, with_demo_content).await else {
        return;
    };
    db::refresh_planner_statistics(app.app.database())
        .await
        .unwrap_or_else(|error| panic!("refresh on PostgreSQL: {error}"));
}
