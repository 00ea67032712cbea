//! How soon a change made through one replica is read from another: two servers on one
//! PostgreSQL database (`TEST_DATABASE_URL`, a fresh database of their own), answers
//! cached for an hour, so only the announcement of the change (`NOTIFY`) can refresh the
//! second one.
//!
//! Each round caches an article's answer on the second server, edits the article's
//! title through GraphQL on the first, and from the moment the first answers reads the
//! second as fast as one connection can until it shows the new title. Prints the
//! distribution of those delays.
//!
//! `TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test cargo run --release -p
//! kronika-tests --example replica_freshness [ROUNDS]`

use std::time::{Duration, Instant};

use kronika_core::domain::Role;
use kronika_tests::{Backend, TestApp};
use serde_json::json;

const READ: &str = "query($slug: String!) { article(slug: $slug) { title } }";
const UPDATE: &str = "mutation($id: ID!, $input: UpdateArticleInput!, $version: Int!) {
  updateArticle(id: $id, input: $input, expectedVersion: $version) { article { version } }
}";

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|value| value.parse().ok())
        .unwrap_or(500);
    let cached_for_an_hour =
        |config: &mut kronika_api::Config| config.response_cache_ttl = Duration::from_secs(3_600);
    let Some(first) = TestApp::spawn_with_shared_state(Backend::Postgres, cached_for_an_hour).await
    else {
        eprintln!("replica_freshness needs TEST_DATABASE_URL");
        std::process::exit(2);
    };
    let author = first.editor("Anna Nowak").await;
    let section = first.section("Aktualności").await;
    let article = first
        .article("Sesja rady gminy", &section, &author)
        .create()
        .await;
    let second = first.spawn_sharing_database(cached_for_an_hour).await;
    let admin = first.login_as("Adam Admin", Role::Admin).await;
    let variables = json!({"slug": article.slug});

    let mut version = article.version;
    let mut delays = Vec::with_capacity(rounds);
    let mut reads = 0_u64;
    let mut fresh_at_once = 0_usize;
    for round in 0..rounds {
        // Twice: the second read is answered from the cache.
        second.data(READ, variables.clone()).await;
        second.data(READ, variables.clone()).await;
        let title = format!("Sesja rady gminy nr {round}");
        let updated = first
            .data_as(
                &admin,
                UPDATE,
                json!({"id": article.id.to_string(), "input": {"title": title},
                       "version": version}),
            )
            .await;
        let committed = Instant::now();
        version = updated["updateArticle"]["article"]["version"]
            .as_i64()
            .and_then(|number| i32::try_from(number).ok())
            .unwrap_or_else(|| panic!("{updated}"));
        for attempt in 1_u64.. {
            reads += 1;
            let seen = second.data(READ, variables.clone()).await;
            if seen["article"]["title"] == title.as_str() {
                delays.push(committed.elapsed());
                fresh_at_once += usize::from(attempt == 1);
                break;
            }
            assert!(
                committed.elapsed() < Duration::from_secs(30),
                "still stale after 30 s: {seen}"
            );
        }
    }
    delays.sort();
    let at = |quantile: f64| {
        let index = ((delays.len() as f64 - 1.0) * quantile).round() as usize;
        delays[index].as_secs_f64() * 1_000.0
    };
    println!(
        "{rounds} edits through one replica, read from the other: delay until fresh \
         p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({:.2} reads per edit, \
         the first read after the edit already fresh in {} of {rounds})",
        at(0.5),
        at(0.9),
        at(0.99),
        at(1.0),
        reads as f64 / rounds as f64,
        fresh_at_once,
    );
}
