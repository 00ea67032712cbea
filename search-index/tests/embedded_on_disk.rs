//! The embedded engine on disk: what the contract suite (run in memory) cannot show.
#![expect(clippy::unwrap_used, reason = "a test fails loudly on any error")]

use std::path::Path;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use search_index::{
    AnalysisMode, Analyzer, SearchBackend, SearchDocument, SearchQuery, TantivyBackend, TaxonomyRef,
};

fn article(id: i64, title: &str) -> SearchDocument {
    SearchDocument {
        id,
        slug: format!("a-{id}"),
        title: title.into(),
        lead: "Krótki wstęp.".into(),
        body: "Treść artykułu.".into(),
        section: TaxonomyRef {
            slug: "aktualnosci".into(),
            name: "Aktualności".into(),
        },
        tags: Vec::new(),
        published_at: Utc.with_ymd_and_hms(2024, 5, 1, 8, 0, 0).unwrap(),
        view_count: 0,
        photo_captions: Vec::new(),
        attachments: Vec::new(),
    }
}

fn open(dir: &Path) -> TantivyBackend {
    TantivyBackend::open(dir, Arc::new(Analyzer::new(AnalysisMode::Snowball))).unwrap()
}

fn everything() -> SearchQuery {
    SearchQuery {
        limit: 10,
        ..SearchQuery::default()
    }
}

fn generations(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("index-"))
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn the_index_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    open(dir.path())
        .upsert(&[article(1, "Sesja rady gminy")])
        .await
        .unwrap();
    let reopened = open(dir.path());
    let results = reopened.search(&everything()).await.unwrap();
    assert_eq!(results.total_hits, 1);
}

#[tokio::test]
async fn a_finished_rebuild_is_live_after_a_restart_and_the_old_index_is_gone() {
    let dir = tempfile::tempdir().unwrap();
    let backend = open(dir.path());
    backend
        .upsert(&[article(1, "Stary artykuł")])
        .await
        .unwrap();
    let before = generations(dir.path());
    let mut rebuild = backend.start_rebuild().await.unwrap();
    rebuild
        .add(&[article(2, "Nowy artykuł"), article(3, "Inny artykuł")])
        .await
        .unwrap();
    assert_eq!(
        generations(dir.path()).len(),
        2,
        "built beside the live index"
    );
    rebuild.finish().await.unwrap();
    let after = generations(dir.path());
    assert_eq!(after.len(), 1);
    assert_ne!(after, before);
    drop(backend);
    let results = open(dir.path()).search(&everything()).await.unwrap();
    let mut ids: Vec<i64> = results.hits.iter().map(|hit| hit.id).collect();
    ids.sort_unstable();
    assert_eq!(ids, [2, 3]);
}

#[tokio::test]
async fn an_abandoned_rebuild_leaves_the_live_index_alone() {
    let dir = tempfile::tempdir().unwrap();
    let backend = open(dir.path());
    backend
        .upsert(&[article(1, "Stary artykuł")])
        .await
        .unwrap();
    let before = generations(dir.path());
    let mut rebuild = backend.start_rebuild().await.unwrap();
    rebuild.add(&[article(2, "Nowy artykuł")]).await.unwrap();
    drop(rebuild);
    assert_eq!(generations(dir.path()), before);
    backend
        .upsert(&[article(4, "Kolejny artykuł")])
        .await
        .unwrap();
    assert_eq!(backend.search(&everything()).await.unwrap().total_hits, 2);
    // And a new rebuild may start.
    backend
        .start_rebuild()
        .await
        .unwrap()
        .finish()
        .await
        .unwrap();
    assert_eq!(backend.search(&everything()).await.unwrap().total_hits, 0);
}
