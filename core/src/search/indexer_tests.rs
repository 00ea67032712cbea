//! The indexer against a real SQLite database and an in-memory test double of the
//! engine (the real engines have their own contract suite in `search-index`).

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;
use chrono::Utc;
use entities::search_outbox;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use search_index::{IndexRebuild, SearchQuery, SearchResults};

use super::*;
use crate::content::write::{self, NewArticle};
use crate::domain::{ArticleBody, ArticleStatus, Role, Slug};

/// Test double: keeps documents in a map, and fails every call while `failing` is set.
#[derive(Default)]
struct MapEngine {
    documents: Mutex<HashMap<i64, SearchDocument>>,
    deleted: Mutex<Vec<i64>>,
    failing: AtomicBool,
}

impl MapEngine {
    fn check(&self) -> Result<(), SearchError> {
        if self.failing.load(Ordering::SeqCst) {
            Err(SearchError::Unavailable("connection refused".to_owned()))
        } else {
            Ok(())
        }
    }

    fn titles(&self) -> Vec<String> {
        let documents = self.documents.lock().unwrap_or_else(|e| e.into_inner());
        let mut titles: Vec<String> = documents.values().map(|d| d.title.clone()).collect();
        titles.sort();
        titles
    }
}

#[async_trait]
impl SearchBackend for MapEngine {
    async fn apply_settings(&self) -> Result<(), SearchError> {
        self.check()
    }
    async fn upsert(&self, documents: &[SearchDocument]) -> Result<(), SearchError> {
        self.check()?;
        let mut stored = self.documents.lock().unwrap_or_else(|e| e.into_inner());
        for document in documents {
            stored.insert(document.id, document.clone());
        }
        Ok(())
    }
    async fn delete(&self, ids: &[i64]) -> Result<(), SearchError> {
        self.check()?;
        let mut stored = self.documents.lock().unwrap_or_else(|e| e.into_inner());
        for id in ids {
            stored.remove(id);
        }
        self.deleted
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(ids);
        Ok(())
    }
    async fn search(&self, _query: &SearchQuery) -> Result<SearchResults, SearchError> {
        self.check()?;
        Ok(SearchResults::default())
    }
    async fn health(&self) -> Result<(), SearchError> {
        self.check()
    }
    async fn start_rebuild(&self) -> Result<Box<dyn IndexRebuild>, SearchError> {
        Err(SearchError::Internal(
            "the test double does not rebuild".to_owned(),
        ))
    }
}

struct Fixture {
    _dir: tempfile::TempDir,
    db: DatabaseConnection,
    engine: Arc<MapEngine>,
    indexer: SearchIndexer,
    section_id: i64,
    account_id: i64,
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("t.sqlite3").display()
    )
    .parse()
    .unwrap_or_else(|_| panic!("url"));
    let db = crate::db::connect(&url, &crate::db::StatementCounter::default())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    crate::db::migrate(&db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let account = write::insert_account(&db, "e@example.org", "E", Role::Editor, None)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let slug = Slug::from_title("Aktualności").unwrap_or_else(|e| panic!("{e}"));
    let section = write::insert_section(&db, &slug, "Aktualności", 0)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let engine = Arc::new(MapEngine::default());
    let indexer = SearchIndexer::new(
        db.clone(),
        engine.clone(),
        ContentChanges::new(),
        // Long, so that only a wake-up can explain a prompt delivery.
        Duration::from_secs(3600),
        Duration::from_secs(300),
    );
    Fixture {
        _dir: dir,
        db,
        engine,
        indexer,
        section_id: section.id,
        account_id: account.id,
    }
}

impl Fixture {
    async fn article(&self, title: &str, status: ArticleStatus) -> i64 {
        let now = Utc::now();
        let new = NewArticle {
            slug: Slug::from_title(title).unwrap_or_else(|e| panic!("{e}")),
            section_id: self.section_id,
            title: title.to_owned(),
            lead: "Wstęp.".to_owned(),
            body: ArticleBody::from_untrusted_html("<p>Treść.</p>")
                .unwrap_or_else(|e| panic!("{e}")),
            byline: String::new(),
            created_by: self.account_id,
            status,
            published_at: (status == ArticleStatus::Published).then_some(now),
            created_at: now,
            updated_at: now,
            gallery_id: None,
            tag_ids: Vec::new(),
            view_count: 0,
        };
        write::insert_article(&self.db, new)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .id
    }

    /// Everything due delivered, batch after batch, as the worker would.
    async fn deliver(&self) -> BatchReport {
        self.indexer
            .deliver_all_due()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    async fn outbox(&self) -> Vec<search_outbox::Model> {
        search_outbox::Entity::find()
            .all(&self.db)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }
}

#[tokio::test]
async fn a_published_article_reaches_the_engine_and_its_row_is_deleted() {
    let fixture = fixture().await;
    fixture
        .article("Partnerstwo lokalne", ArticleStatus::Published)
        .await;
    fixture.article("Szkic", ArticleStatus::Draft).await;
    assert_eq!(
        fixture.outbox().await.len(),
        1,
        "a draft writes no outbox row"
    );

    let report = fixture.deliver().await;
    assert_eq!(
        report,
        BatchReport {
            delivered: 1,
            failed: 0
        }
    );
    assert_eq!(fixture.engine.titles(), ["Partnerstwo lokalne"]);
    assert!(fixture.outbox().await.is_empty());
}

#[tokio::test]
async fn a_row_for_an_article_that_is_not_published_becomes_a_delete() {
    let fixture = fixture().await;
    let draft = fixture.article("Szkic", ArticleStatus::Draft).await;
    outbox::enqueue(&fixture.db, draft, outbox::Operation::Upsert)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    fixture.deliver().await;
    assert!(
        fixture.engine.titles().is_empty(),
        "drafts are never indexed"
    );
    assert_eq!(
        *fixture
            .engine
            .deleted
            .lock()
            .unwrap_or_else(|e| e.into_inner()),
        [draft]
    );
}

#[tokio::test]
async fn a_failing_engine_postpones_rows_with_back_off_and_they_drain_later() {
    let fixture = fixture().await;
    fixture.engine.failing.store(true, Ordering::SeqCst);
    fixture.article("Pierwszy", ArticleStatus::Published).await;
    fixture.article("Drugi", ArticleStatus::Published).await;

    let before = Utc::now();
    let report = fixture.deliver().await;
    assert_eq!(
        report,
        BatchReport {
            delivered: 0,
            failed: 2
        }
    );
    let rows = fixture.outbox().await;
    assert_eq!(rows.len(), 2, "nothing is lost while the engine is down");
    for row in &rows {
        assert_eq!(row.attempts, 1);
        assert!(row.next_attempt_at > before, "the next attempt waits");
        assert!(
            row.last_error
                .as_deref()
                .is_some_and(|e| e.contains("connection refused"))
        );
    }
    // Not due yet: the next run leaves the rows alone.
    let report = fixture.deliver().await;
    assert_eq!(report, BatchReport::default());

    let status = outbox::status(&fixture.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(status.backlog, 2);
    assert!(status.last_error.is_some());

    // The engine is back and the back-off has passed.
    fixture.engine.failing.store(false, Ordering::SeqCst);
    for row in rows {
        let mut due: search_outbox::ActiveModel = row.into();
        due.next_attempt_at = Set(Utc::now());
        due.update(&fixture.db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let report = fixture.deliver().await;
    assert_eq!(
        report,
        BatchReport {
            delivered: 2,
            failed: 0
        }
    );
    assert_eq!(fixture.engine.titles(), ["Drugi", "Pierwszy"]);
    assert_eq!(
        outbox::status(&fixture.db)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .backlog,
        0
    );
}

#[tokio::test]
async fn the_background_worker_delivers_when_woken() {
    let fixture = fixture().await;
    let running = fixture.indexer.start();
    fixture.article("Obudzony", ArticleStatus::Published).await;
    fixture.indexer.wake();
    test_support::wait_until("the worker delivers the article", async || {
        !fixture.engine.titles().is_empty()
    })
    .await;
    running.stop().await;
    assert_eq!(fixture.engine.titles(), ["Obudzony"]);
}

#[derive(Default)]
struct HeardChanges(Mutex<Vec<ContentChange>>);

impl ChangeListener for HeardChanges {
    fn content_changed(&self, changes: &[ContentChange]) {
        if let Ok(mut heard) = self.0.lock() {
            heard.extend_from_slice(changes);
        }
    }
}

#[tokio::test]
async fn a_delivered_batch_is_reported_through_the_change_signal_and_an_empty_one_is_not() {
    let fixture = fixture().await;
    let heard = Arc::new(HeardChanges::default());
    fixture.indexer.inner.changes.subscribe(heard.clone());
    fixture.deliver().await;
    assert!(
        heard
            .0
            .lock()
            .map(|heard| heard.is_empty())
            .unwrap_or(false)
    );

    fixture.article("Zgłoszony", ArticleStatus::Published).await;
    fixture.deliver().await;
    let heard = heard
        .0
        .lock()
        .map(|heard| heard.clone())
        .unwrap_or_default();
    assert_eq!(heard, [ContentChange::SearchIndex]);
}
