//! The composition root: `App::build` turns a `Config` into a running server's parts.
//! `main` and the end-to-end tests both start Kronika through here.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use poem::Server;
use poem::listener::{Acceptor, Listener, TcpListener};
use sea_orm::{DatabaseConnection, DbErr};
use search_index::{SearchBackend, SearchError};

use crate::auth::LoginThrottle;
use crate::config::Config;
use crate::content_changes::ContentChanges;
use crate::db::{self, StatementCounter};
use crate::demo;
use crate::editing::lifecycle;
use crate::graphql::{self, SharedData, SiteTimeZone};
use crate::http::response_cache::ResponseCache;
use crate::http::{self, HttpState};
use crate::search::{self, BatchReport, SearchIndexer};
use crate::views::{FlushReport, ViewCounter};

/// How long in-flight requests may take to finish after a shutdown signal.
const GRACEFUL_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(10);

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot create the data directory {path}: {source}")]
    DataDirectory { path: PathBuf, source: io::Error },
    #[error("cannot open the database {url}: {source}")]
    Database { url: String, source: DbErr },
    #[error("cannot migrate the database: {0}")]
    Migration(DbErr),
    #[error("cannot load the demo content: {0}")]
    DemoContent(DbErr),
    #[error("cannot open the search index: {0}")]
    SearchIndex(SearchError),
    #[error("cannot listen on {address}: {source}")]
    Listen {
        address: SocketAddr,
        source: io::Error,
    },
}

/// A built server, ready to listen. Cloning is cheap: the parts share their pools.
#[derive(Clone, Debug)]
pub struct App {
    config: Config,
    db: DatabaseConnection,
    statements: StatementCounter,
    response_cache: ResponseCache,
    login_throttle: LoginThrottle,
    views: ViewCounter,
    content_changes: ContentChanges,
    search_indexer: SearchIndexer,
}

impl App {
    /// Opens (and creates) the data directory and database, migrates, loads demo
    /// content into an empty database when the configuration asks for it, and opens the
    /// configured search engine.
    pub async fn build(config: Config) -> Result<Self, StartError> {
        create_data_dir(&config)?;
        let engine = search::engine::open(&config)
            .await
            .map_err(StartError::SearchIndex)?;
        Self::build_with_search_engine(config, engine).await
    }

    /// Like [`App::build`], with a search engine made by the caller instead of the one the
    /// configuration names. The tests use it to put a failing engine behind the server.
    pub async fn build_with_search_engine(
        config: Config,
        engine: Arc<dyn SearchBackend>,
    ) -> Result<Self, StartError> {
        create_data_dir(&config)?;
        let url = config.effective_database_url();
        let statements = StatementCounter::default();
        let db = db::connect(&url, &statements)
            .await
            .map_err(|source| StartError::Database {
                url: url.to_string(),
                source,
            })?;
        db::migrate(&db).await.map_err(StartError::Migration)?;
        if config.demo_content {
            demo::load_if_empty(&db)
                .await
                .map_err(StartError::DemoContent)?;
        }
        let response_cache = ResponseCache::new(config.response_cache_ttl);
        let views = ViewCounter::new(db.clone(), config.timezone);
        let search_indexer = SearchIndexer::new(
            db.clone(),
            engine,
            response_cache.clone(),
            config.search_poll_interval,
            config.search_retry_max_delay,
        );
        prepare_search_index(&db, &search_indexer).await;
        let content_changes = ContentChanges::new(
            response_cache.clone(),
            views.clone(),
            search_indexer.clone(),
        );
        Ok(Self {
            config,
            db,
            statements,
            response_cache,
            login_throttle: LoginThrottle::default(),
            views,
            content_changes,
            search_indexer,
        })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn database(&self) -> &DatabaseConnection {
        &self.db
    }

    /// SQL statements sent since the app was built.
    pub fn statement_count(&self) -> u64 {
        self.statements.get()
    }

    /// Tells the read path that content changed: cached responses are no longer served,
    /// and the view counter asks again which articles are published. Every code path that
    /// commits a content change must call this. Counting a view is not a content change
    /// and does not call it.
    pub fn content_changed(&self) {
        self.content_changes.notify();
    }

    /// Writes the views counted so far now, instead of at the next flush interval. The
    /// tests use it; the server flushes by itself.
    pub async fn flush_views(&self) -> Result<FlushReport, DbErr> {
        self.views.flush().await
    }

    /// Delivers every due search outbox row now instead of waiting for the indexer. The
    /// tests use it; the server delivers by itself.
    pub async fn deliver_search_outbox(&self) -> Result<BatchReport, DbErr> {
        self.search_indexer.deliver_all_due().await
    }

    /// The engine behind `search`.
    pub fn search_engine(&self) -> &Arc<dyn SearchBackend> {
        self.search_indexer.engine()
    }

    /// Views counted in memory and not yet written.
    pub fn pending_views(&self) -> u64 {
        self.views.pending_views()
    }

    /// The HTTP application with all routes and middleware.
    pub fn endpoint(&self) -> impl poem::Endpoint + 'static {
        let schema = graphql::build_schema(SharedData {
            db: self.db.clone(),
            time_zone: SiteTimeZone(self.config.timezone),
            content_changes: self.content_changes.clone(),
            login_throttle: self.login_throttle.clone(),
            views: self.views.clone(),
            search: graphql::search::SearchEngine(self.search_indexer.engine().clone()),
        });
        http::routes(HttpState {
            schema,
            db: self.db.clone(),
            response_cache: self.response_cache.clone(),
            views: self.views.clone(),
            trust_proxy: self.config.trust_proxy,
        })
    }

    /// Binds the configured address. Port 0 picks a free port; the bound address is
    /// returned with the listener.
    pub async fn bind(&self) -> Result<BoundListener, StartError> {
        let address = self.config.listen;
        let acceptor = TcpListener::bind(address)
            .into_acceptor()
            .await
            .map_err(|source| StartError::Listen { address, source })?;
        let local_address = acceptor
            .local_addr()
            .first()
            .and_then(|local| local.as_socket_addr().copied())
            .unwrap_or(address);
        Ok(BoundListener {
            acceptor,
            local_address,
        })
    }

    /// Serves until `shutdown` completes, then lets in-flight requests finish, and then
    /// writes every view still counted in memory. While it serves, the scheduler
    /// publishes due articles and counted views are written every `view_flush_interval`.
    ///
    /// A graceful stop loses no counted view unless the last flush fails on every retry;
    /// that ends in an error naming how many were lost.
    pub async fn serve(
        &self,
        listener: BoundListener,
        shutdown: impl Future<Output = ()> + Send,
    ) -> io::Result<()> {
        let scheduler = tokio::spawn(self.clone().run_scheduler());
        let flusher = self.views.start_flusher(self.config.view_flush_interval);
        let indexer = self.search_indexer.start();
        let served = Server::new_with_acceptor(listener.acceptor)
            .run_with_graceful_shutdown(self.endpoint(), shutdown, Some(GRACEFUL_SHUTDOWN_TIMEOUT))
            .await;
        scheduler.abort();
        flusher.stop().await;
        indexer.stop().await;
        let flushed = self.views.flush_before_exit().await;
        served?;
        flushed.map(|_| ()).map_err(io::Error::other)
    }

    /// Publishes scheduled articles when their time comes. The first check runs at once,
    /// so articles that fell due while the server was down appear right after a start.
    async fn run_scheduler(self) {
        let mut ticks = tokio::time::interval(self.config.scheduler_interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match lifecycle::publish_due(&self.db, chrono::Utc::now()).await {
                Ok(0) => {}
                Ok(published) => {
                    tracing::info!(published, "published scheduled articles");
                    self.content_changed();
                }
                Err(error) => {
                    tracing::error!(%error, "the scheduler could not publish due articles");
                }
            }
        }
    }
}

fn create_data_dir(config: &Config) -> Result<(), StartError> {
    std::fs::create_dir_all(&config.data_dir).map_err(|source| StartError::DataDirectory {
        path: config.data_dir.clone(),
        source,
    })
}

/// Applies the engine's settings and, when the index is empty but the database has
/// published articles (a new engine, a wiped data directory), queues them all. An engine
/// that does not answer is not a reason to refuse starting: content keeps working, and
/// the indexer tries again until it answers.
async fn prepare_search_index(db: &DatabaseConnection, indexer: &SearchIndexer) {
    if let Err(error) = indexer.ensure_settings().await {
        tracing::error!(%error, "the search engine is unavailable at start; search fails until it answers");
        return;
    }
    match search::queue_all_if_index_empty(db, indexer.engine().as_ref()).await {
        Ok(0) => {}
        Ok(queued) => tracing::info!(
            queued,
            "the search index was empty; queued every published article"
        ),
        Err(error) => tracing::error!(%error, "cannot check whether the search index is empty"),
    }
}

/// A listening socket and the address it is bound to.
pub struct BoundListener {
    acceptor: poem::listener::TcpAcceptor,
    local_address: SocketAddr,
}

impl BoundListener {
    pub fn local_address(&self) -> SocketAddr {
        self.local_address
    }
}

impl std::fmt::Debug for BoundListener {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("BoundListener")
            .field("local_address", &self.local_address)
            .finish_non_exhaustive()
    }
}
