//! The search engine fails for a while under load and comes back (the embedded engine
//! switched off within the server process, and a real Meilisearch killed and started
//! again): content reads and writes never fail, the outbox holds the changes meanwhile,
//! and once the engine answers again the backlog drains and the index has exactly the
//! published articles.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use kronika_api::Config;
use kronika_core::domain::Role;
use kronika_tests::fixtures::{create_article, section_id};
use kronika_tests::load::Tally;
use kronika_tests::meilisearch::PrivateMeilisearch;
use kronika_tests::{Backend, Session, TestApp, on_both_databases, wait_until};
use search_index::{
    Analyzer, IndexRebuild, SearchBackend, SearchDocument, SearchError, SearchQuery, SearchResults,
    TantivyBackend,
};
use serde_json::{Value, json};

/// The embedded engine behind a switch: an outage on any machine, within the process.
/// While switched off, every call answers `SearchError::Unavailable`, as
/// `MeilisearchBackend` does when its server does not answer, and the index keeps what it
/// had, as Meilisearch's does across a restart. The test with a real Meilisearch process,
/// killed and started again, runs where its binary is installed.
struct SwitchableEngine {
    engine: TantivyBackend,
    up: AtomicBool,
}

impl SwitchableEngine {
    fn new() -> Self {
        let engine = TantivyBackend::in_memory(Arc::new(Analyzer::polish()))
            .unwrap_or_else(|error| panic!("in-memory index: {error}"));
        Self {
            engine,
            up: AtomicBool::new(true),
        }
    }

    fn switch(&self, up: bool) {
        self.up.store(up, Ordering::SeqCst);
    }

    fn available(&self) -> Result<(), SearchError> {
        if self.up.load(Ordering::SeqCst) {
            Ok(())
        } else {
            Err(SearchError::Unavailable(
                "connection refused (switched off by the test)".to_owned(),
            ))
        }
    }
}

#[async_trait]
impl SearchBackend for SwitchableEngine {
    async fn apply_settings(&self) -> Result<(), SearchError> {
        self.available()?;
        self.engine.apply_settings().await
    }

    async fn upsert(&self, documents: &[SearchDocument]) -> Result<(), SearchError> {
        self.available()?;
        self.engine.upsert(documents).await
    }

    async fn delete(&self, ids: &[i64]) -> Result<(), SearchError> {
        self.available()?;
        self.engine.delete(ids).await
    }

    async fn search(&self, query: &SearchQuery) -> Result<SearchResults, SearchError> {
        self.available()?;
        self.engine.search(query).await
    }

    async fn health(&self) -> Result<(), SearchError> {
        self.available()?;
        self.engine.health().await
    }

    async fn start_rebuild(&self) -> Result<Box<dyn IndexRebuild>, SearchError> {
        self.available()?;
        self.engine.start_rebuild().await
    }
}

const READ_ONE: &str = r#"query($slug: String!) { article(slug: $slug) { id title } }"#;
const READ_LIST: &str = r#"{ articles(first: 10) { edges { node { id title } } } }"#;
const SEARCH: &str = r#"query($q: String, $first: Int, $after: String) {
  search(query: $q, first: $first, after: $after) { totalHits endCursor hasNextPage hits { article { id title } } }
}"#;
const CREATE: &str = r#"mutation($input: CreateArticleInput!) {
  createArticle(input: $input) { article { id } }
}"#;
const PUBLISH: &str = r#"mutation($id: ID!) { publishArticle(id: $id) { article { status } } }"#;
const UNPUBLISH: &str =
    r#"mutation($id: ID!) { unpublishArticle(id: $id) { article { status } } }"#;
const INDEX_STATUS: &str = "{ searchIndexStatus { backlog lastError } }";

const READERS: usize = 2;
const SEARCHERS: usize = 1;
const WRITERS: usize = 2;

struct Load {
    app: TestApp,
    admin: Session,
    section: Value,
    stop: AtomicBool,
    content_reads: Tally,
    searches: Tally,
    writes: Tally,
    /// Articles whose writes all succeeded, by id, with whether they end up published.
    articles: Mutex<Vec<(String, bool)>>,
    articles_written: AtomicU64,
}

/// Every search reaches the engine (no cached answer hides the outage), and the indexer
/// retries a failing engine every second instead of backing off for minutes.
fn no_cache_quick_retries(config: &mut Config) {
    config.response_cache_ttl = Duration::ZERO;
    config.search_retry_max_delay = Duration::from_secs(1);
}

/// What takes the engine away during the load and brings it back.
enum Outage {
    /// The embedded engine behind a switch, in this process.
    Switch(Arc<SwitchableEngine>),
    /// A real Meilisearch server, killed (SIGKILL) and started again on its database.
    Process(PrivateMeilisearch),
}

impl Outage {
    async fn begin(&mut self) {
        match self {
            Outage::Switch(engine) => engine.switch(false),
            Outage::Process(meilisearch) => meilisearch.kill(),
        }
    }

    async fn end(&mut self) {
        match self {
            Outage::Switch(engine) => engine.switch(true),
            Outage::Process(meilisearch) => meilisearch.start_again().await,
        }
    }
}

on_both_databases!(
    starts_its_own_server;
    a_search_outage_under_load_loses_nothing,
    a_meilisearch_killed_under_load_loses_nothing,
);

/// The scenario starts its own server, around an engine it keeps a handle on to switch.
async fn a_search_outage_under_load_loses_nothing(backend: Backend) {
    let engine = Arc::new(SwitchableEngine::new());
    let shared: Arc<dyn SearchBackend> = engine.clone();
    let Some(app) =
        TestApp::spawn_with_search_engine(backend, shared, no_cache_quick_retries).await
    else {
        return;
    };
    outage_under_load(app, Outage::Switch(engine)).await;
}

/// The same with a real Meilisearch process behind the server, killed in the middle of
/// the load (perhaps during one of the indexer's tasks) and started again.
async fn a_meilisearch_killed_under_load_loses_nothing(backend: Backend) {
    let Some(meilisearch) = PrivateMeilisearch::start().await else {
        return;
    };
    let search = meilisearch.config("articles");
    let Some(app) = TestApp::spawn_with(backend, |config| {
        no_cache_quick_retries(config);
        config.search = search;
    })
    .await
    else {
        return;
    };
    outage_under_load(app, Outage::Process(meilisearch)).await;
}

/// Writes, reads and searches under load; the engine goes away and comes back; then
/// nothing failed but searches during the outage, and the index holds exactly the
/// published articles.
async fn outage_under_load(app: TestApp, mut outage: Outage) {
    let admin = app.login_as("Adam Admin", Role::Admin).await;
    let section = section_id(&app, &admin).await;
    let seed = create_article(&app, &admin, &section, "Sesja rady gminy").await["id"].clone();
    app.try_gql(Some(&admin), PUBLISH, json!({"id": seed}))
        .await
        .unwrap_or_else(|error| panic!("publish: {error}"));

    let load = Arc::new(Load {
        app,
        admin,
        section,
        stop: AtomicBool::new(false),
        content_reads: Tally::default(),
        searches: Tally::default(),
        writes: Tally::default(),
        articles: Mutex::new(vec![(id_string(&seed), true)]),
        articles_written: AtomicU64::new(0),
    });
    let mut tasks = Vec::new();
    for _ in 0..READERS {
        tasks.push(tokio::spawn(read_until_stopped(Arc::clone(&load))));
    }
    for _ in 0..SEARCHERS {
        tasks.push(tokio::spawn(search_until_stopped(Arc::clone(&load))));
    }
    for writer in 0..WRITERS {
        tasks.push(tokio::spawn(write_until_stopped(Arc::clone(&load), writer)));
    }
    let written = || load.articles_written.load(Ordering::SeqCst);
    wait_until("articles are written and searched under load", async || {
        written() >= 6 && load.searches.ok() > 0
    })
    .await;

    // The outage: writes go on, and their changes wait in the outbox.
    outage.begin().await;
    let before_outage = written();
    wait_until("the backlog grows while the engine is down", async || {
        written() >= before_outage + 9 && backlog(&load).await > 0
    })
    .await;
    let down = load
        .app
        .try_gql(None, SEARCH, json!({"q": "komunikat"}))
        .await;
    assert_eq!(down, Err("SEARCH_UNAVAILABLE".to_owned()));
    let (status, ready) = load.app.ready().await;
    assert_eq!(status, 503, "{ready:#}");
    assert_eq!(ready["checks"]["search"], "unavailable", "{ready:#}");
    assert_eq!(ready["checks"]["database"], "ok", "{ready:#}");

    // The engine is back; more writes, then the load stops.
    outage.end().await;
    let after_outage = written();
    wait_until(
        "articles are written after the engine came back",
        async || written() >= after_outage + 3,
    )
    .await;
    load.stop.store(true, Ordering::SeqCst);
    for task in tasks {
        task.await
            .unwrap_or_else(|error| panic!("a load task failed: {error}"));
    }
    wait_until("the backlog drains", async || backlog(&load).await == 0).await;
    assert_eq!(load.app.ready().await.0, 200);

    assert_eq!(
        load.writes.failures(),
        Default::default(),
        "a write failed ({} succeeded)",
        load.writes.ok()
    );
    assert_eq!(
        load.content_reads.failures(),
        Default::default(),
        "a content read failed ({} succeeded)",
        load.content_reads.ok()
    );
    let search_failures = load.searches.failures();
    assert!(
        search_failures
            .keys()
            .all(|code| code == "SEARCH_UNAVAILABLE"),
        "{search_failures:?}"
    );

    // Exactly the published articles are found; drafts and unpublished ones are not.
    let articles = load
        .articles
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    let published: BTreeSet<String> = articles
        .iter()
        .filter(|(_, published)| *published)
        .map(|(id, _)| id.clone())
        .collect();
    assert!(
        articles.len() > published.len(),
        "some articles stay unpublished"
    );
    assert_eq!(every_article_found(&load.app, "").await, published);
    // Inflected, as a reader would type it: the komunikaty, without the seed article.
    let mut komunikaty = published.clone();
    komunikaty.remove(&id_string(&seed));
    assert_eq!(
        every_article_found(&load.app, "komunikatów o remoncie").await,
        komunikaty
    );
    eprintln!(
        "{} articles written ({} published); content reads {}, searches {} ok and {:?}",
        articles.len(),
        published.len(),
        load.content_reads.ok(),
        load.searches.ok(),
        search_failures
    );
}

fn id_string(id: &Value) -> String {
    id.as_str()
        .unwrap_or_else(|| panic!("an ID is a string: {id}"))
        .to_owned()
}

async fn backlog(load: &Load) -> i64 {
    let status = load
        .app
        .try_gql(Some(&load.admin), INDEX_STATUS, json!({}))
        .await
        .unwrap_or_else(|error| panic!("searchIndexStatus: {error}"));
    status["searchIndexStatus"]["backlog"]
        .as_i64()
        .unwrap_or_else(|| panic!("no backlog in {status}"))
}

/// The ids of every article `query` finds, page by page.
async fn every_article_found(app: &TestApp, query: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut after = Value::Null;
    loop {
        let page = app
            .try_gql(
                None,
                SEARCH,
                json!({"q": query, "first": 100, "after": after}),
            )
            .await
            .unwrap_or_else(|error| panic!("search {query:?}: {error}"))["search"]
            .clone();
        for hit in page["hits"].as_array().into_iter().flatten() {
            found.insert(id_string(&hit["article"]["id"]));
        }
        if page["hasNextPage"] != true {
            return found;
        }
        after = page["endCursor"].clone();
    }
}

/// Content reads never touch the search engine, so they must succeed throughout.
async fn read_until_stopped(load: Arc<Load>) {
    while !load.stop.load(Ordering::SeqCst) {
        let one = load
            .app
            .try_gql(None, READ_ONE, json!({"slug": "sesja-rady-gminy"}))
            .await
            .and_then(|data| {
                if data["article"]["title"] == "Sesja rady gminy" {
                    Ok(())
                } else {
                    Err(format!("wrong article: {data}"))
                }
            });
        load.content_reads.record(&one);
        let list = load.app.try_gql(None, READ_LIST, json!({})).await;
        load.content_reads.record(&list);
    }
}

/// Searches succeed, or say `SEARCH_UNAVAILABLE` while the engine is down.
async fn search_until_stopped(load: Arc<Load>) {
    while !load.stop.load(Ordering::SeqCst) {
        let found = load
            .app
            .try_gql(None, SEARCH, json!({"q": "komunikat remont"}))
            .await;
        load.searches.record(&found);
    }
}

/// Writes articles in turns of three: one published, one left a draft, one published
/// and unpublished again.
async fn write_until_stopped(load: Arc<Load>, writer: usize) {
    let mut number = 0;
    while !load.stop.load(Ordering::SeqCst) {
        number += 1;
        let title = format!("Komunikat o remoncie drogi {writer}-{number}");
        let input = json!({"sectionId": load.section, "title": title, "body": "<p>Treść.</p>"});
        let created = load
            .app
            .try_gql(Some(&load.admin), CREATE, json!({"input": input}))
            .await;
        load.writes.record(&created);
        let Ok(created) = created else {
            continue;
        };
        let id = created["createArticle"]["article"]["id"].clone();
        let mut steps = Vec::new();
        match number % 3 {
            0 => steps.push(PUBLISH),
            1 => {}
            _ => steps.extend([PUBLISH, UNPUBLISH]),
        }
        let mut all_succeeded = true;
        for step in &steps {
            let outcome = load
                .app
                .try_gql(Some(&load.admin), step, json!({"id": id}))
                .await;
            load.writes.record(&outcome);
            all_succeeded &= outcome.is_ok();
        }
        if all_succeeded {
            load.articles
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push((id_string(&id), steps == [PUBLISH]));
        }
        load.articles_written.fetch_add(1, Ordering::SeqCst);
        // A short pause keeps the number of articles (and index commits) modest.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
