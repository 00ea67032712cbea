//! The end-to-end test harness: `TestApp::spawn_*` builds the real Kronika app on an
//! ephemeral port against a fresh database, and tests drive it over HTTP like a client.
//!
//! SQLite tests always run. PostgreSQL tests run when `TEST_DATABASE_URL` is set; each
//! gets a database of its own, dropped afterwards. Without the variable they say through
//! [`skip`] that they were skipped, in the normal test output: they never pass silently as
//! if they had run, and with `KRONIKA_REQUIRE_SERVICES=1` (as in CI) they fail.

pub mod admin;
pub mod attachments;
pub mod browser;
pub mod fixtures;
pub mod load;
pub mod meilisearch;
pub mod photos;
pub mod private_postgres;
pub mod views;
pub mod webhook;
pub mod xml_schema;

pub use fixtures::{PASSWORD, Session};
pub use test_support::{Service, meilisearch_from_env, skip, unique_name, wait_until};

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use kronika_api::app::SharedParts;
use kronika_api::config::RateLimits;
use kronika_api::{App, Config};
use kronika_core::storage::MediaStore;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use search_index::{Analyzer, SearchBackend, TantivyBackend};
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Which database a test runs against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A running server and the handles a test needs.
#[derive(Debug)]
pub struct TestApp {
    pub address: SocketAddr,
    pub app: App,
    pub client: reqwest::Client,
    pub backend: Backend,
    _data_dir: tempfile::TempDir,
    postgres_database: Option<PostgresDatabase>,
    /// The search index and media every replica of this test shares, when the test runs
    /// replicas (see [`TestApp::spawn_with_shared_state`]).
    shared_state: Option<Arc<SharedState>>,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<io::Result<()>>>,
}

/// A search index and a media directory that a test makes once and gives to each of its
/// servers. In one test process the servers then share them exactly as replicas in
/// production share Meilisearch and an S3 bucket: one index that every server's indexer
/// writes to and every search reads, one store of photo files. This is what lets several
/// servers run on one database; a server with an index or media of its own is refused
/// (`kronika_api::replica_lock`).
#[derive(Debug)]
pub struct SharedState {
    parts: SharedParts,
    _directory: tempfile::TempDir,
}

impl SharedState {
    async fn create() -> Arc<Self> {
        let directory = tempfile::tempdir().unwrap_or_else(|error| panic!("temp dir: {error}"));
        let index_directory = directory.path().join("search");
        let engine = tokio::task::spawn_blocking(move || {
            TantivyBackend::open(&index_directory, Arc::new(Analyzer::polish()))
        })
        .await
        .unwrap_or_else(|error| panic!("opening the shared index panicked: {error}"))
        .unwrap_or_else(|error| panic!("cannot open the shared index: {error}"));
        let media = MediaStore::local(&directory.path().join("media"))
            .unwrap_or_else(|error| panic!("cannot open the shared media: {error}"));
        Arc::new(Self {
            parts: SharedParts {
                search_engine: Some(Arc::new(engine)),
                media: Some(media),
            },
            _directory: directory,
        })
    }

    /// The parts to build a server with.
    pub fn parts(&self) -> SharedParts {
        self.parts.clone()
    }
}

impl TestApp {
    /// A server on a fresh SQLite database without demo content.
    pub async fn spawn_sqlite() -> Self {
        Self::spawn(Backend::Sqlite, false)
            .await
            .unwrap_or_else(|| panic!("SQLite is always available"))
    }

    /// A server on a fresh PostgreSQL database without demo content, or `None` (after
    /// saying so) when `TEST_DATABASE_URL` is not set.
    pub async fn spawn_postgres() -> Option<Self> {
        Self::spawn(Backend::Postgres, false).await
    }

    /// A server of the given backend; `demo_content` loads the first-run content.
    pub async fn spawn(backend: Backend, demo_content: bool) -> Option<Self> {
        Self::spawn_with(backend, |config| config.demo_content = demo_content).await
    }

    /// A server of the given backend on a fresh database, without demo content unless
    /// `configure` asks for it; `configure` may change any other setting too.
    pub async fn spawn_with(backend: Backend, configure: impl FnOnce(&mut Config)) -> Option<Self> {
        let (config, data_dir, postgres_database) = Self::fresh(backend, configure).await?;
        let parts = SharedParts::default();
        Some(Self::start(config, backend, data_dir, postgres_database, parts, None).await)
    }

    /// Like [`TestApp::spawn_with`], with `engine` behind search instead of the one the
    /// configuration names, for tests that make the engine fail.
    pub async fn spawn_with_search_engine(
        backend: Backend,
        engine: Arc<dyn SearchBackend>,
        configure: impl FnOnce(&mut Config),
    ) -> Option<Self> {
        let (config, data_dir, postgres_database) = Self::fresh(backend, configure).await?;
        let parts = SharedParts {
            search_engine: Some(engine),
            media: None,
        };
        Some(Self::start(config, backend, data_dir, postgres_database, parts, None).await)
    }

    /// Like [`TestApp::spawn_with`], for the first of several replicas: its search index
    /// and media are a [`SharedState`] that [`TestApp::spawn_sharing_database`] gives to
    /// every further server, so that they may all serve on one database.
    pub async fn spawn_with_shared_state(
        backend: Backend,
        configure: impl FnOnce(&mut Config),
    ) -> Option<Self> {
        let (config, data_dir, postgres_database) = Self::fresh(backend, configure).await?;
        let shared_state = SharedState::create().await;
        let parts = shared_state.parts();
        Some(
            Self::start(
                config,
                backend,
                data_dir,
                postgres_database,
                parts,
                Some(shared_state),
            )
            .await,
        )
    }

    /// A server on the PostgreSQL database at `url`, which the caller made and owns (a
    /// private cluster that a fault test stops and starts); nothing is dropped afterwards.
    pub async fn spawn_on_postgres_url(url: &str, configure: impl FnOnce(&mut Config)) -> Self {
        let (config, data_dir) = Self::config_on_postgres_url(url, configure).await;
        let parts = SharedParts::default();
        Self::start(config, Backend::Postgres, data_dir, None, parts, None).await
    }

    /// Like [`TestApp::spawn_on_postgres_url`], for the first of several replicas on that
    /// database, as [`TestApp::spawn_with_shared_state`] is for a fresh one.
    pub async fn spawn_replicas_on_postgres_url(
        url: &str,
        configure: impl FnOnce(&mut Config),
    ) -> Self {
        let (config, data_dir) = Self::config_on_postgres_url(url, configure).await;
        let shared_state = SharedState::create().await;
        let parts = shared_state.parts();
        Self::start(
            config,
            Backend::Postgres,
            data_dir,
            None,
            parts,
            Some(shared_state),
        )
        .await
    }

    /// A fresh data directory with the test defaults, pointed at the caller's database.
    async fn config_on_postgres_url(
        url: &str,
        configure: impl FnOnce(&mut Config),
    ) -> (Config, tempfile::TempDir) {
        let database_url = url
            .parse()
            .unwrap_or_else(|_| panic!("not a database URL: {url}"));
        let (config, data_dir, _) = Self::fresh(Backend::Sqlite, |config| {
            config.database_url = Some(database_url);
            configure(config);
        })
        .await
        .unwrap_or_else(|| panic!("a SQLite configuration is always available"));
        (config, data_dir)
    }

    /// The configuration of a test server on a fresh database of `backend`, or `None`
    /// (after saying so) when PostgreSQL is asked for and `TEST_DATABASE_URL` is not set.
    async fn fresh(
        backend: Backend,
        configure: impl FnOnce(&mut Config),
    ) -> Option<(Config, tempfile::TempDir, Option<PostgresDatabase>)> {
        let data_dir = tempfile::tempdir().unwrap_or_else(|error| panic!("temp dir: {error}"));
        let mut config = Config::new(data_dir.path().to_path_buf());
        config.demo_content = false;
        // Tests send bursts from one address; the rate-limit tests switch limits on.
        config.rate_limits = RateLimits {
            graphql_per_second: 0,
            view_beacons_per_second: 0,
            logins_per_minute: 0,
        };
        let postgres_database = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => {
                let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else {
                    skip(Service::Postgres, "TEST_DATABASE_URL is not set");
                    return None;
                };
                let database = PostgresDatabase::create(&admin_url).await;
                config.database_url = Some(
                    database
                        .url
                        .parse()
                        .unwrap_or_else(|_| panic!("bad TEST_DATABASE_URL {admin_url}")),
                );
                Some(database)
            }
        };
        configure(&mut config);
        Some((config, data_dir, postgres_database))
    }

    /// A second server on this one's database, as a second process behind a load
    /// balancer would be: its own pool, caches and view counter, and the search index and
    /// media of this one's [`SharedState`] when it has one. While this one serves, it
    /// must have been started by [`TestApp::spawn_with_shared_state`]: a server with an
    /// index or media of its own refuses to serve beside another. The first app owns the
    /// database, so drop the second one first (declare it later).
    pub async fn spawn_sharing_database(&self, configure: impl FnOnce(&mut Config)) -> Self {
        let data_dir = tempfile::tempdir().unwrap_or_else(|error| panic!("temp dir: {error}"));
        let config = self.config_sharing_database(&data_dir, configure);
        let shared_state = self.shared_state.clone();
        let parts = shared_state
            .as_ref()
            .map(|shared| shared.parts())
            .unwrap_or_default();
        Self::start(config, self.backend, data_dir, None, parts, shared_state).await
    }

    /// The configuration of a further server on this one's database, with `data_dir` as
    /// its data directory and no demo content, changed by `configure`.
    pub fn config_sharing_database(
        &self,
        data_dir: &tempfile::TempDir,
        configure: impl FnOnce(&mut Config),
    ) -> Config {
        let mut config = self.app.config().clone();
        config.data_dir = data_dir.path().to_path_buf();
        config.database_url = Some(self.app.config().effective_database_url());
        config.demo_content = false;
        config.listen = SocketAddr::from(([127, 0, 0, 1], 0));
        configure(&mut config);
        config
    }

    /// The search index and media this test's replicas share, if it runs replicas.
    pub fn shared_state(&self) -> Option<&SharedState> {
        self.shared_state.as_deref()
    }

    async fn start(
        mut config: Config,
        backend: Backend,
        data_dir: tempfile::TempDir,
        postgres_database: Option<PostgresDatabase>,
        parts: SharedParts,
        shared_state: Option<Arc<SharedState>>,
    ) -> Self {
        config.listen = SocketAddr::from(([127, 0, 0, 1], 0));
        let app = App::build_with_shared_parts(config, parts)
            .await
            .unwrap_or_else(|error| panic!("the app did not build: {error}"));
        let listener = app
            .bind()
            .await
            .unwrap_or_else(|error| panic!("cannot bind: {error}"));
        let address = listener.local_address();
        let (shutdown, shutdown_received) = oneshot::channel::<()>();
        let server = app.clone();
        let server = tokio::spawn(async move {
            let stopped = async {
                let _ = shutdown_received.await;
            };
            server.serve(listener, stopped).await
        });
        Self {
            address,
            app,
            client: reqwest::Client::new(),
            backend,
            _data_dir: data_dir,
            postgres_database,
            shared_state,
            shutdown: Some(shutdown),
            server: Some(server),
        }
    }

    /// Stops the server as SIGTERM would and waits until it has finished: in-flight
    /// requests answered and every counted view written. The database stays for
    /// assertions (through `db()` or a second app from `spawn_sharing_database`).
    pub async fn shutdown(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(server) = self.server.take() {
            match server.await {
                Ok(Ok(())) => {}
                Ok(Err(error)) => panic!("the server stopped with an error: {error}"),
                Err(error) => panic!("the server task failed: {error}"),
            }
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// The server's data directory (its media, its search index).
    pub fn data_dir(&self) -> &std::path::Path {
        self._data_dir.path()
    }

    pub fn db(&self) -> &DatabaseConnection {
        self.app.database()
    }

    /// POSTs a GraphQL query and returns the whole response body.
    pub async fn gql(&self, query: &str) -> Value {
        self.gql_with(query, json!({})).await
    }

    /// POSTs a GraphQL query with variables and returns the whole response body.
    pub async fn gql_with(&self, query: &str, variables: Value) -> Value {
        let response = self
            .client
            .post(self.url("/graphql"))
            .json(&json!({"query": query, "variables": variables}))
            .send()
            .await
            .unwrap_or_else(|error| panic!("POST /graphql failed: {error}"));
        response
            .json()
            .await
            .unwrap_or_else(|error| panic!("POST /graphql did not answer JSON: {error}"))
    }

    /// POSTs a query, with `authorization` as the header's value when given, and returns
    /// whether the response cache answered (`x-kronika-cache`: `hit`, `miss` or `bypass`)
    /// with the body.
    pub async fn gql_noting_cache(
        &self,
        query: &str,
        variables: Value,
        authorization: Option<&str>,
    ) -> (String, Value) {
        let mut request = self
            .client
            .post(self.url("/graphql"))
            .json(&json!({"query": query, "variables": variables}));
        if let Some(authorization) = authorization {
            request = request.header("authorization", authorization);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|error| panic!("POST /graphql failed: {error}"));
        let cache = response
            .headers()
            .get("x-kronika-cache")
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = response
            .json()
            .await
            .unwrap_or_else(|error| panic!("POST /graphql did not answer JSON: {error}"));
        (cache, body)
    }

    /// POSTs a query that must succeed and returns its `data`.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let response = self.gql_with(query, variables).await;
        assert!(
            response.get("errors").is_none(),
            "unexpected errors: {response:#}"
        );
        response["data"].clone()
    }

    /// Reads `query` until `fresh` holds for its `data`, failing after ten seconds: for a
    /// change that reaches this server from another (a bound on waiting on a loaded
    /// machine, not a freshness target; `tests/examples/replica_freshness.rs` measures).
    pub async fn read_until_fresh(
        &self,
        query: &str,
        variables: &Value,
        fresh: impl Fn(&Value) -> bool,
    ) {
        const AT_MOST: std::time::Duration = std::time::Duration::from_secs(10);
        let started = std::time::Instant::now();
        loop {
            let data = self.data(query, variables.clone()).await;
            if fresh(&data) {
                return;
            }
            assert!(
                started.elapsed() < AT_MOST,
                "the server still answers {data} after {AT_MOST:?}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    }

    /// SQL statements the server has sent so far.
    pub fn statement_count(&self) -> u64 {
        self.app.statement_count()
    }

    /// Delivers the search outbox rows the fixtures wrote and waits until the server sends
    /// no statement for a while, so that neither the indexer's work nor a delivery the
    /// fixtures' change notices woke is counted with the statements of the request under
    /// test (pair it with [`background_work_asleep`]). A fixed pause was not enough: on a
    /// loaded machine a woken delivery outlasted it.
    pub async fn settle_search_indexer(&self) {
        self.app
            .deliver_search_outbox()
            .await
            .unwrap_or_else(|error| panic!("{error}"));
        const QUIET: std::time::Duration = std::time::Duration::from_millis(300);
        const AT_MOST: std::time::Duration = std::time::Duration::from_secs(30);
        let started = std::time::Instant::now();
        let mut seen = self.statement_count();
        loop {
            tokio::time::sleep(QUIET).await;
            let now = self.statement_count();
            if now == seen {
                return;
            }
            assert!(
                started.elapsed() < AT_MOST,
                "the server kept sending statements for {AT_MOST:?} after the fixtures"
            );
            seen = now;
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(database) = self.postgres_database.take() {
            database.drop_blocking();
        }
    }
}

/// The `extensions.code` of the first error of a response.
pub fn first_error_code(response: &Value) -> &str {
    response["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code in {response:#}"))
}

/// A PostgreSQL database made for one test.
#[derive(Debug)]
struct PostgresDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl PostgresDatabase {
    async fn create(admin_url: &str) -> Self {
        let name = format!("kronika_test_{}", uuid::Uuid::new_v4().simple());
        let admin = connect(admin_url).await;
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap_or_else(|error| panic!("CREATE DATABASE {name}: {error}"));
        let base = admin_url.split('?').next().unwrap_or(admin_url);
        let server = base.rsplit_once('/').map_or(base, |(server, _)| server);
        Self {
            admin_url: admin_url.to_owned(),
            url: format!("{server}/{name}"),
            name,
        }
    }

    /// Drops the database from a thread of its own, since `Drop` cannot await. `FORCE`
    /// closes the connections the test's server still holds.
    fn drop_blocking(self) {
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            if let Ok(runtime) = runtime {
                runtime.block_on(async {
                    let admin = connect(&self.admin_url).await;
                    let statement = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
                    if let Err(error) = admin.execute_unprepared(&statement).await {
                        eprintln!("could not drop test database {}: {error}", self.name);
                    }
                });
            }
        });
        let _ = dropped.join();
    }
}

async fn connect(url: &str) -> DatabaseConnection {
    Database::connect(url)
        .await
        .unwrap_or_else(|error| panic!("cannot connect to {url}: {error}"))
}

/// Runs a scenario `async fn name(app: TestApp)` as two tests, `name::sqlite` and
/// `name::postgres`; the second says through [`skip`] that it was skipped when
/// PostgreSQL is not configured.
///
/// `on_both_databases!(configured_by = function; scenario, …)` first passes each app's
/// `Config` to `fn function(&mut Config)`, named in the same file (defined or imported
/// there), for scenarios that need other settings: [`with_demo_content`] for the first-run
/// content, for instance.
///
/// `on_both_databases!(starts_its_own_server; scenario, …)` is for scenarios that start
/// their servers themselves (one with a search engine the test holds on to, say): it calls
/// `async fn scenario(backend: Backend)`, which returns early when `TestApp::spawn_*`
/// returns `None` (having said why).
///
/// `on_both_databases!(and_meilisearch; scenario, …)` (also with `configured_by`) adds a
/// third test, `scenario::meilisearch`: on SQLite with the Meilisearch of
/// `MEILISEARCH_URL` behind search, each server in an index of its own, SKIPPED without one.
///
/// `on_both_databases!(replicas, configured_by = function; scenario, …)` starts the app
/// with [`TestApp::spawn_with_shared_state`], for scenarios that run further servers on
/// the same database with [`TestApp::spawn_sharing_database`].
#[macro_export]
macro_rules! on_both_databases {
    (replicas, configured_by = $configure:ident; $($scenario:ident),* $(,)?) => {
        $crate::on_both_databases!(
            @spawned_by $crate::TestApp::spawn_with_shared_state, super::$configure;
            $($scenario),*
        );
    };
    (configured_by = $configure:ident; $($scenario:ident),* $(,)?) => {
        $crate::on_both_databases!(@configured super::$configure; $($scenario),*);
    };
    (@configured $configure:path; $($scenario:ident),* $(,)?) => {
        $crate::on_both_databases!(
            @spawned_by $crate::TestApp::spawn_with, $configure; $($scenario),*
        );
    };
    (@spawned_by $spawn:path, $configure:path; $($scenario:ident),* $(,)?) => {$(
        mod $scenario {
            $crate::on_both_databases!(@database_tests $spawn, $configure; $scenario);
        }
    )*};
    (@database_tests $spawn:path, $configure:path; $scenario:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn sqlite() {
            let app = $spawn($crate::Backend::Sqlite, $configure)
                .await
                .unwrap_or_else(|| panic!("SQLite is always available"));
            super::$scenario(app).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn postgres() {
            if let Some(app) = $spawn($crate::Backend::Postgres, $configure).await {
                super::$scenario(app).await;
            }
        }
    };
    (and_meilisearch, configured_by = $configure:ident; $($scenario:ident),* $(,)?) => {
        $crate::on_both_databases!(and_meilisearch, @configured super::$configure; $($scenario),*);
    };
    (and_meilisearch; $($scenario:ident),* $(,)?) => {
        $crate::on_both_databases!(
            and_meilisearch, @configured $crate::keep_defaults; $($scenario),*
        );
    };
    (and_meilisearch, @configured $configure:path; $($scenario:ident),* $(,)?) => {$(
        mod $scenario {
            $crate::on_both_databases!(
                @database_tests $crate::TestApp::spawn_with, $configure; $scenario
            );

            /// On SQLite with the Meilisearch of `MEILISEARCH_URL`, in an index of its own.
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn meilisearch() {
                let Some(search) = $crate::meilisearch::shared_server() else {
                    return;
                };
                let app = $crate::TestApp::spawn_with($crate::Backend::Sqlite, |config| {
                    $configure(config);
                    config.search = search;
                })
                .await
                .unwrap_or_else(|| panic!("SQLite is always available"));
                super::$scenario(app).await;
            }
        }
    )*};
    (starts_its_own_server; $($scenario:ident),* $(,)?) => {$(
        mod $scenario {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$scenario($crate::Backend::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$scenario($crate::Backend::Postgres).await;
            }
        }
    )*};
    ($($scenario:ident),* $(,)?) => {
        $crate::on_both_databases!(@configured $crate::keep_defaults; $($scenario),*);
    };
}

/// For tests that count SQL statements: the search indexer and the scheduler run hourly
/// instead of every second or ten, so only the work the tests ask for runs.
pub fn background_work_asleep(config: &mut Config) {
    config.search_poll_interval = std::time::Duration::from_secs(3_600);
    config.scheduler_interval = std::time::Duration::from_secs(3_600);
}

/// For tests that count the statements of the cold path: `background_work_asleep`, and
/// the entity cache off, so that every read goes to the database.
pub fn background_work_asleep_and_entity_cache_off(config: &mut Config) {
    background_work_asleep(config);
    config.entity_cache_mib = 0;
}

/// The configuration of `on_both_databases!` without `configured_by`: the defaults.
pub fn keep_defaults(_config: &mut Config) {}

/// The first-run demo content (the seed article, its gallery, a handful of others), which
/// test servers otherwise start without.
pub fn with_demo_content(config: &mut Config) {
    config.demo_content = true;
}
