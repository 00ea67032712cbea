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

use crate::change_webhook::ChangeWebhookSender;
use crate::config::{Config, ConfigError, SearchEngineConfig, StorageConfig};
use crate::graphql::auth::LoginRateLimit;
use crate::graphql::{self, MediaUrl, SchemaOptions, SharedData, SiteTimeZone, ViewRateLimit};
use crate::http::persisted_queries::{AllowListError, PersistedQueries};
use crate::http::{self, HttpState};
use crate::rate_limit::RateLimiters;
use crate::readiness::Readiness;
use crate::replica_lock::{PrivateState, ReplicaLock, ReplicaLockError};
use kronika_core::auth::LoginThrottle;
use kronika_core::change_broadcast;
use kronika_core::change_signal::ContentChanges;
use kronika_core::changes::ContentChange;
use kronika_core::content::title_terms;
use kronika_core::db::{self, StatementCounter};
use kronika_core::demo;
use kronika_core::editing::attachments::AttachmentServices;
use kronika_core::editing::lifecycle;
use kronika_core::editing::photos::PhotoServices;
use kronika_core::entity_cache::EntityCache;
use kronika_core::images::ImagePipeline;
use kronika_core::response_cache::ResponseCache;
use kronika_core::search::{self, BatchReport, SearchIndexer};
use kronika_core::storage::MediaStore;
use kronika_core::store::ContentStore;
use kronika_core::views::{FlushReport, ViewCounter};

/// How long in-flight requests may take to finish after a shutdown signal.
const GRACEFUL_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(10);
/// How often rate limiters forget quiet addresses and the metrics recorder tidies up.
const HOUSEKEEPING_INTERVAL: Duration = Duration::from_secs(60);

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("invalid configuration: {0}")]
    Config(#[from] ConfigError),
    #[error("{0}")]
    AllowList(#[from] AllowListError),
    #[error("cannot create the data directory {path}: {source}")]
    DataDirectory { path: PathBuf, source: io::Error },
    #[error("cannot open the database {url}: {source}")]
    Database { url: String, source: DbErr },
    #[error("cannot migrate the database: {0}")]
    Migration(DbErr),
    #[error("cannot open the media storage: {0}")]
    Storage(#[from] kronika_core::storage::StorageError),
    #[error("cannot count the accounts for the first run: {0}")]
    Accounts(DbErr),
    #[error("cannot load the demo content: {0}")]
    DemoContent(DbErr),
    #[error("cannot fill in the title terms of older articles: {0}")]
    TitleTerms(DbErr),
    #[error("cannot open the search index: {0}")]
    SearchIndex(SearchError),
    #[error("{0}")]
    Replicas(#[from] ReplicaLockError),
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
    entity_cache: EntityCache,
    login_throttle: LoginThrottle,
    views: ViewCounter,
    store: ContentStore,
    rate_limits: RateLimiters,
    persisted_queries: PersistedQueries,
    readiness: Readiness,
    metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    photos: PhotoServices,
    attachments: AttachmentServices,
    search_indexer: SearchIndexer,
    /// While no account exists: the link that creates the first administrator.
    setup_link: crate::admin::SetupLink,
    /// What this server keeps to itself, which decides whether other servers may serve
    /// on its database beside it (see `replica_lock`).
    private_state: Vec<PrivateState>,
}

/// Parts of a server made by its caller instead of from the configuration. A caller that
/// makes a part may give the same one to several servers (the tests run replicas in one
/// process this way), so a part given here counts as shared between servers, as
/// Meilisearch and S3 are: the replica check does not count it as this server's own.
#[derive(Clone, Default)]
pub struct SharedParts {
    /// The engine behind search and the indexer, instead of the configured one.
    pub search_engine: Option<Arc<dyn SearchBackend>>,
    /// The photo storage, instead of the configured one.
    pub media: Option<MediaStore>,
}

impl std::fmt::Debug for SharedParts {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("SharedParts")
            .field("search_engine", &self.search_engine.is_some())
            .field("media", &self.media)
            .finish()
    }
}

impl App {
    /// Opens (and creates) the data directory and database, migrates, loads demo
    /// content into an empty database when the configuration asks for it, and opens the
    /// configured search engine.
    pub async fn build(config: Config) -> Result<Self, StartError> {
        Self::build_with_shared_parts(config, SharedParts::default()).await
    }

    /// Like [`App::build`], with a search engine made by the caller instead of the one the
    /// configuration names. The tests use it to put a failing engine behind the server.
    pub async fn build_with_search_engine(
        config: Config,
        engine: Arc<dyn SearchBackend>,
    ) -> Result<Self, StartError> {
        let parts = SharedParts {
            search_engine: Some(engine),
            media: None,
        };
        Self::build_with_shared_parts(config, parts).await
    }

    /// Like [`App::build`], with the parts the caller made in place of the configured ones
    /// (see [`SharedParts`]).
    pub async fn build_with_shared_parts(
        config: Config,
        parts: SharedParts,
    ) -> Result<Self, StartError> {
        config.validate()?;
        create_data_dir(&config)?;
        let mut private_state = Vec::new();
        let engine = match parts.search_engine {
            Some(engine) => engine,
            None => {
                if config.search == SearchEngineConfig::Embedded {
                    private_state.push(PrivateState::EmbeddedSearchIndex);
                }
                crate::search_engine::open(&config)
                    .await
                    .map_err(StartError::SearchIndex)?
            }
        };
        let persisted_queries = match (&config.query_allow_list, config.persisted_queries) {
            (Some(path), _) => PersistedQueries::allow_list(path)?,
            (None, true) => PersistedQueries::automatic(),
            (None, false) => PersistedQueries::Off,
        };
        let url = config.effective_database_url();
        let statements = StatementCounter::default();
        let db = db::connect(&url, &statements)
            .await
            .map_err(|source| StartError::Database {
                url: url.to_string(),
                source,
            })?;
        db::migrate(&db).await.map_err(StartError::Migration)?;
        let media = match parts.media {
            Some(media) => media,
            None => {
                if config.storage == StorageConfig::Local {
                    private_state.push(PrivateState::LocalMediaStorage);
                }
                MediaStore::open(&config.storage, &config.data_dir)?
            }
        };
        let photos = PhotoServices {
            media,
            pipeline: ImagePipeline::new(
                config.image_workers,
                config.upload_max_pixels,
                config.timezone,
            ),
            zone: config.timezone,
        };
        if config.demo_content {
            demo::load_if_empty(&db, &photos)
                .await
                .map_err(StartError::DemoContent)?;
        }
        fill_in_title_terms(&db).await?;
        if let Err(error) = db::refresh_planner_statistics(&db).await {
            tracing::warn!(%error, "cannot refresh the query planner's statistics");
        }
        let response_cache = ResponseCache::new(config.response_cache_ttl);
        let entity_cache = EntityCache::new(config.entity_cache_mib);
        let webhook = config
            .change_webhook
            .clone()
            .map(ChangeWebhookSender::start);
        let metrics = if config.metrics {
            crate::metrics::install()
        } else {
            None
        };
        // Every producer reports through `changes`; every consumer hears every change.
        let changes = ContentChanges::new();
        let store = ContentStore::new(db.clone(), changes.clone());
        let views = ViewCounter::new(store.clone(), config.timezone);
        let search_indexer = SearchIndexer::new(
            db.clone(),
            engine,
            changes.clone(),
            config.search_poll_interval,
            config.search_retry_max_delay,
        );
        changes.subscribe(Arc::new(response_cache.clone()));
        changes.subscribe(Arc::new(entity_cache.clone()));
        changes.subscribe(Arc::new(views.clone()));
        // The replica that queued outbox rows wakes its own indexer; waking the others'
        // would only have them race it for the same rows.
        changes.subscribe_to_own(search_indexer.wake_on_changes());
        if let Some(webhook) = webhook {
            // Each replica tells the webhook of its own changes only, so that a change is
            // sent once however many replicas hear of it.
            changes.subscribe_to_own(Arc::new(webhook));
        }
        prepare_search_index(&db, &search_indexer).await;
        let setup_link = if kronika_core::auth::accounts::any_exist(&db)
            .await
            .map_err(StartError::Accounts)?
        {
            crate::admin::SetupLink::none()
        } else {
            crate::admin::SetupLink::issue()
        };
        let attachments = AttachmentServices::new(
            photos.media.clone(),
            kronika_core::attachments::Limits::default(),
            // As many documents read at once as photos processed: each is CPU-bound.
            config.image_workers,
        );
        Ok(Self {
            setup_link,
            rate_limits: RateLimiters::new(&config.rate_limits),
            readiness: Readiness::for_database(db.clone())
                .with_check("storage", {
                    let media = photos.media.clone();
                    move || {
                        let media = media.clone();
                        async move { media.check().await.map_err(|error| error.to_string()) }
                    }
                })
                .with_check("search", {
                    let engine = search_indexer.engine().clone();
                    move || {
                        let engine = engine.clone();
                        async move { engine.health().await.map_err(|error| error.to_string()) }
                    }
                }),
            persisted_queries,
            metrics,
            config,
            db,
            statements,
            response_cache,
            entity_cache,
            login_throttle: LoginThrottle::default(),
            views,
            store,
            attachments,
            photos,
            search_indexer,
            private_state,
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

    /// Tells every consumer of the change signal that content changed in ways not known
    /// precisely, for writes made beside the editing services (the tests' fixtures): no
    /// cached response is served any more, and the view counter asks again which articles
    /// are published. The editing services report their own changes.
    pub fn content_changed(&self) {
        self.store.changes().notify(&[ContentChange::Everything]);
    }

    /// The in-memory copy of published content readers' requests read through.
    pub fn entity_cache(&self) -> &EntityCache {
        &self.entity_cache
    }

    /// The database with the change signal, as the editing services take it.
    pub fn content_store(&self) -> &ContentStore {
        &self.store
    }

    /// Adds a named readiness check to `/ready` (the search engine, media storage).
    pub fn add_readiness_check<F, Fut>(&mut self, name: &'static str, check: F)
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), String>> + Send + 'static,
    {
        self.readiness = std::mem::take(&mut self.readiness).with_check(name, check);
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

    /// Where photo files are kept.
    pub fn media(&self) -> &kronika_core::storage::MediaStore {
        &self.photos.media
    }

    /// The photo pipeline and storage, for work outside requests (imports).
    pub fn photo_services(&self) -> &PhotoServices {
        &self.photos
    }

    /// Views counted in memory and not yet written.
    pub fn pending_views(&self) -> u64 {
        self.views.pending_views()
    }

    fn upload_limits(&self) -> graphql::UploadLimits {
        graphql::UploadLimits {
            photo_max_bytes: self.config.upload_max_bytes,
            attachment_max_bytes: self.config.attachment_max_bytes,
        }
    }

    /// The HTTP application with all routes and middleware.
    pub fn endpoint(&self) -> impl poem::Endpoint + 'static {
        let schema = graphql::build_schema(
            SharedData {
                db: self.db.clone(),
                time_zone: SiteTimeZone(self.config.timezone),
                store: self.store.clone(),
                login_throttle: self.login_throttle.clone(),
                views: self.views.clone(),
                login_rate_limit: LoginRateLimit(self.rate_limits.logins.clone()),
                // The beacon's own limiter, so that both ways share one allowance.
                view_rate_limit: ViewRateLimit(self.rate_limits.view_beacons.clone()),
                photos: self.photos.clone(),
                attachments: self.attachments.clone(),
                upload_limits: self.upload_limits(),
                media_url: MediaUrl(self.config.media_url.clone()),
                search: graphql::search::SearchEngine(self.search_indexer.engine().clone()),
            },
            SchemaOptions {
                introspection: self.config.introspection,
            },
        );
        http::routes(
            HttpState {
                schema,
                db: self.db.clone(),
                response_cache: self.response_cache.clone(),
                entity_cache: self.entity_cache.clone(),
                views: self.views.clone(),
                trust_proxy: self.config.trust_proxy,
                limits: self.config.graphql_limits,
                graphiql: self.config.graphiql,
                persisted_queries: self.persisted_queries.clone(),
                rate_limits: self.rate_limits.clone(),
                browser_cache_seconds: self.config.response_cache_ttl.as_secs(),
                readiness: self.readiness.clone(),
                metrics: self.metrics.clone(),
                upload_max_bytes: self.upload_limits().largest(),
                media: self.photos.media.clone(),
                site: self.config.site.clone().map(Arc::new),
                time_zone: self.config.timezone,
                media_url: self.config.media_url.clone(),
                syndication_renders: Arc::new(tokio::sync::Semaphore::new(1)),
            },
            crate::admin::AdminState {
                store: self.store.clone(),
                login_throttle: self.login_throttle.clone(),
                login_rate_limit: self.rate_limits.logins.clone(),
                photos: self.photos.clone(),
                upload_max_bytes: self.config.upload_max_bytes,
                time_zone: self.config.timezone,
                trust_proxy: self.config.trust_proxy,
                setup_link: self.setup_link.clone(),
                search: self.search_indexer.engine().clone(),
            },
            &self.config.cors_origins,
        )
    }

    /// The path that creates the first administrator, while no account exists and the
    /// link is unused (`kronika serve` logs it at start).
    pub fn setup_path(&self) -> Option<String> {
        self.setup_link.path()
    }

    /// Takes this server's place among the servers of its database (the replica lock,
    /// held until [`App::serve`] ends) and binds the configured address. Port 0 picks a
    /// free port; the bound address is returned with the listener.
    ///
    /// A server that keeps state of its own (the embedded search index, local media)
    /// refuses to start while another server serves on its database, and any server
    /// refuses to start beside one that keeps such state: they would drift apart.
    /// Building an `App` takes no lock; binding is where serving starts, and only
    /// `kronika serve` binds.
    pub async fn bind(&self) -> Result<BoundListener, StartError> {
        let replica_lock =
            ReplicaLock::acquire(&self.config.effective_database_url(), &self.private_state)
                .await?;
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
            replica_lock,
        })
    }

    /// Serves until `shutdown` completes, then lets in-flight requests finish, and then
    /// writes every view still counted in memory. While it serves, the scheduler
    /// publishes due articles, counted views are written every `view_flush_interval`, and
    /// on PostgreSQL the changes other replicas announce reach this one's caches.
    ///
    /// A graceful stop loses no counted view unless the last flush fails on every retry;
    /// that ends in an error naming how many were lost.
    pub async fn serve(
        &self,
        listener: BoundListener,
        shutdown: impl Future<Output = ()> + Send,
    ) -> io::Result<()> {
        let scheduler = tokio::spawn(self.clone().run_scheduler());
        let housekeeping = tokio::spawn(self.clone().run_housekeeping());
        let flusher = self.views.start_flusher(self.config.view_flush_interval);
        let indexer = self.search_indexer.start();
        // On PostgreSQL, the other replicas' changes reach this one's caches.
        let other_replicas = change_broadcast::listen(&self.db, self.store.changes().clone()).await;
        let BoundListener {
            acceptor,
            replica_lock,
            ..
        } = listener;
        let served = Server::new_with_acceptor(acceptor)
            .run_with_graceful_shutdown(self.endpoint(), shutdown, Some(GRACEFUL_SHUTDOWN_TIMEOUT))
            .await;
        scheduler.abort();
        housekeeping.abort();
        if let Some(other_replicas) = other_replicas {
            other_replicas.abort();
        }
        flusher.stop().await;
        indexer.stop().await;
        let flushed = self.views.flush_before_exit().await;
        // Only now may a server of another kind take this one's place on the database.
        replica_lock.release().await;
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
            // `publish_due` reports each article it publishes through the change signal.
            match lifecycle::publish_due(&self.store, chrono::Utc::now()).await {
                Ok(published) if published.is_empty() => {}
                Ok(published) => {
                    tracing::info!(published = published.len(), "published scheduled articles");
                }
                Err(error) => {
                    tracing::error!(%error, "the scheduler could not publish due articles");
                }
            }
        }
    }
}

impl App {
    /// Forgets rate-limit state of quiet addresses and lets the metrics recorder drain
    /// its histogram buffers, once a minute; refreshes the query planner's statistics
    /// once an hour, as a site grows.
    async fn run_housekeeping(self) {
        let mut ticks = tokio::time::interval(HOUSEKEEPING_INTERVAL);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        for minute in 0u64.. {
            ticks.tick().await;
            self.rate_limits.forget_idle();
            if let Some(metrics) = &self.metrics {
                metrics.run_upkeep();
            }
            if minute > 0
                && minute % 60 == 0
                && let Err(error) = db::refresh_planner_statistics(&self.db).await
            {
                tracing::warn!(%error, "cannot refresh the query planner's statistics");
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
/// Gives articles written before the editors' finder had its table their title terms;
/// a database where none is missing costs one statement.
async fn fill_in_title_terms(db: &DatabaseConnection) -> Result<(), StartError> {
    let filled = title_terms::backfill(db)
        .await
        .map_err(StartError::TitleTerms)?;
    if filled > 0 {
        tracing::info!(
            filled,
            "gave older articles their title terms for the editors' finder"
        );
    }
    Ok(())
}

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

/// A listening socket, the address it is bound to, and the replica lock that lets this
/// server serve on its database.
pub struct BoundListener {
    acceptor: poem::listener::TcpAcceptor,
    local_address: SocketAddr,
    replica_lock: ReplicaLock,
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
