//! Several replicas on one database: the publish scheduler publishes every due article
//! exactly once, however the replicas' runs overlap.

use std::collections::BTreeSet;
use std::time::Duration;

use entities::{article, article_revision};
use kronika_api::Config;
use kronika_core::domain::ArticleStatus;
use kronika_core::editing::lifecycle;
use kronika_tests::{TestApp, on_both_databases, wait_until};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

on_both_databases!(
    configured_by = scheduler_asleep;
    two_replicas_publish_each_due_article_exactly_once,
);

/// The servers' own schedulers run once at start and then not for an hour, so the test
/// decides when the replicas' runs happen.
fn scheduler_asleep(config: &mut Config) {
    config.scheduler_interval = Duration::from_secs(3_600);
}

fn scheduler_busy(config: &mut Config) {
    config.scheduler_interval = Duration::from_millis(10);
}

const DUE_ARTICLES: usize = 12;

async fn two_replicas_publish_each_due_article_exactly_once(first: TestApp) {
    let second = first.spawn_sharing_database(scheduler_asleep).await;
    // Each server's scheduler runs once as it starts; let those runs pass, or they take
    // some of the due articles below away from the two runs this test makes.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let author = first.editor("Anna Nowak").await;
    let section = first.section("Aktualności").await;
    let mut due = BTreeSet::new();
    for number in 0..DUE_ARTICLES {
        let scheduled = first
            .article(&format!("Zaplanowany {number}"), &section, &author)
            .status(ArticleStatus::Scheduled)
            .published_hours_after_base(i64::try_from(number).unwrap_or_default())
            .create()
            .await;
        due.insert(scheduled.id);
    }

    // Both replicas' schedulers run at the same moment, each on its own pool.
    let now = chrono::Utc::now();
    let (by_first, by_second) = tokio::join!(
        lifecycle::publish_due(first.app.content_store(), now),
        lifecycle::publish_due(second.app.content_store(), now),
    );
    let by_first: BTreeSet<i64> = by_first
        .unwrap_or_else(|error| panic!("first replica: {error:?}"))
        .into_iter()
        .collect();
    let by_second: BTreeSet<i64> = by_second
        .unwrap_or_else(|error| panic!("second replica: {error:?}"))
        .into_iter()
        .collect();
    assert!(
        by_first.is_disjoint(&by_second),
        "both published {:?}",
        by_first.intersection(&by_second).collect::<Vec<_>>()
    );
    let all: BTreeSet<i64> = by_first.union(&by_second).copied().collect();
    assert_eq!(all, due, "every due article was published by one of them");

    // And with the servers' own schedulers racing every 10 ms on more due articles.
    let third = first.spawn_sharing_database(scheduler_busy).await;
    let fourth = first.spawn_sharing_database(scheduler_busy).await;
    for number in 0..DUE_ARTICLES {
        let scheduled = first
            .article(&format!("Później {number}"), &section, &author)
            .status(ArticleStatus::Scheduled)
            .published_hours_after_base(i64::try_from(number).unwrap_or_default())
            .create()
            .await;
        due.insert(scheduled.id);
    }
    let published_count = || async {
        article::Entity::find()
            .filter(article::Column::Status.eq(ArticleStatus::Published))
            .count(first.db())
            .await
            .unwrap_or_else(|error| panic!("{error}"))
    };
    wait_until(
        "the busy schedulers publish every due article",
        async || published_count().await == due.len() as u64,
    )
    .await;
    drop((third, fourth));

    for id in &due {
        let stored = article::Entity::find_by_id(*id)
            .one(first.db())
            .await
            .unwrap_or_else(|error| panic!("{error}"))
            .unwrap_or_else(|| panic!("article {id} vanished"));
        assert_eq!(stored.status, ArticleStatus::Published, "article {id}");
        assert_eq!(stored.version, 2, "article {id} was changed once");
        let publications = article_revision::Entity::find()
            .filter(article_revision::Column::ArticleId.eq(*id))
            .filter(article_revision::Column::Kind.eq("PUBLISHED"))
            .count(first.db())
            .await
            .unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(publications, 1, "article {id} has one publication revision");
    }
}
