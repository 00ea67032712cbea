//! The `kronika` command line: subcommands, flags and the environment variables behind them.
//!
//! Precedence is flag > environment variable > default, which clap applies for us. A bad
//! value ends the program with clap's message and exit code 2, before anything starts.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::{
    ChangeWebhook, Config, ConfigError, DatabaseUrl, GraphqlLimits, MeilisearchIndex,
    MeilisearchUrl, RateLimits, S3Config, SearchEngineConfig, Secret, StorageConfig,
};
use crate::site::{ArticleUrlPattern, Site};
use kronika_core::domain::Role;

const AFTER_HELP: &str = "\
Environment variables (each flag above also names its variable):
  DATABASE_URL        database to use, e.g. postgres://user@host/db; when unset, SQLite
                      at <data-dir>/kronika.sqlite3
  KRONIKA_LISTEN      address to listen on (default 127.0.0.1:8080)
  KRONIKA_DATA_DIR    data directory (default ./data)
  KRONIKA_TIMEZONE    the site's time zone for timestamps (default Europe/Warsaw)
  KRONIKA_DEMO_CONTENT
                      load demo content into an empty database (default true)
  KRONIKA_PASSWORD    the password for `kronika user add` (else read from standard input)
  KRONIKA_SCHEDULER_SECONDS
                      how often scheduled articles are checked for publication (default 10)
  KRONIKA_RESPONSE_CACHE_SECONDS
                      seconds an anonymous query's response is replayed from memory;
                      0 turns the cache off (default 5)
  KRONIKA_VIEW_FLUSH_SECONDS
                      seconds between writes of counted views to the database; a
                      crash loses at most this much counting (default 5)
  KRONIKA_TRUST_PROXY take readers' addresses from the last X-Forwarded-For entry;
                      only behind one reverse proxy that sets it (default false)
  KRONIKA_MAX_QUERY_DEPTH, KRONIKA_MAX_QUERY_COMPLEXITY, KRONIKA_MAX_QUERY_ALIASES,
  KRONIKA_MAX_BATCH, KRONIKA_MAX_BODY_BYTES, KRONIKA_REQUEST_TIMEOUT_SECONDS
                      limits of one GraphQL request (defaults 16, 5000, 30, 10,
                      1048576, 30)
  KRONIKA_INTROSPECTION, KRONIKA_GRAPHIQL
                      serve schema introspection / GraphiQL (default true; turn
                      both off in production if the schema is not public)
  KRONIKA_PERSISTED_QUERIES
                      accept automatic persisted queries (default true)
  KRONIKA_QUERY_ALLOW_LIST
                      JSON file of the only queries that may run (allow-list
                      mode): an array of query texts, or an object of
                      SHA-256 hex → query text
  KRONIKA_CORS_ORIGINS
                      comma-separated origins allowed by CORS, or * (default none)
  KRONIKA_RATE_LIMIT_GRAPHQL, KRONIKA_RATE_LIMIT_VIEWS, KRONIKA_RATE_LIMIT_LOGINS
                      per-address requests per second to /graphql and the view
                      beacon, and logins per minute; 0 turns a limit off
                      (defaults 50, 10, 10)
  KRONIKA_WEBHOOK_URL, KRONIKA_WEBHOOK_SECRET
                      POST a notice of every content change there, signed with
                      HMAC-SHA256 of the secret (X-Kronika-Signature)
  KRONIKA_METRICS     serve Prometheus metrics at /metrics (default true)
  KRONIKA_LOG_FORMAT  text or json (default text)
  KRONIKA_UPLOAD_MAX_BYTES
                      largest photo upload in bytes (default 26214400, 25 MiB)
  KRONIKA_UPLOAD_MAX_PIXELS
                      most pixels of an uploaded photo (default 50000000)
  KRONIKA_IMAGE_WORKERS
                      photos processed at once (default: CPUs, at most 4)
  KRONIKA_STORAGE     local (media/ in the data directory, default) or s3
  KRONIKA_S3_BUCKET, KRONIKA_S3_ENDPOINT, KRONIKA_S3_REGION
                      the bucket with --storage s3; the endpoint of an S3-compatible
                      service (AWS when unset); its region (default us-east-1)
  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
                      S3 credentials; the secret is read only from the environment
  KRONIKA_MEDIA_URL   URL prefix of photo files in the API (default /media)
  KRONIKA_SITE_URL    the public site's address of an article page, with {slug}, e.g.
                      https://urzad.example.gov.pl/aktualnosci/{slug}; feeds and
                      sitemaps link there and answer 404 while it is unset
  KRONIKA_SITE_NAME   the site's name in feeds and the news sitemap (default: the
                      host of KRONIKA_SITE_URL)
  KRONIKA_SEARCH      search engine: embedded (tantivy under <data-dir>/search) or
                      meilisearch (default: meilisearch when MEILISEARCH_URL is set,
                      else embedded)
  MEILISEARCH_URL     Meilisearch server, e.g. http://127.0.0.1:7700
  MEILISEARCH_API_KEY Meilisearch API key (never printed)
  MEILISEARCH_INDEX   the Meilisearch index of the articles (default articles); sites or
                      environments sharing one server each need their own
  KRONIKA_SEARCH_RETRY_MAX_SECONDS
                      longest pause between retries to a failing search engine; the
                      pause doubles from 1 s up to it (default 300)
  RUST_LOG            log filter, e.g. info or kronika_api=debug (default info)

With no subcommand, `kronika` runs `serve`.";

/// The deepest re-rank a configuration may ask for: every candidate's stored terms are
/// fetched and counted on every search (about 0.04 ms each, twice the depth with the word
/// lists' articles), so this bounds what one search can cost.
const MAX_RERANK_DEPTH: u64 = 200;

/// Kronika: a GraphQL content hub for articles, galleries and Polish search.
#[derive(Debug, Parser)]
#[command(name = "kronika", version, about, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(flatten)]
    pub common: CommonArgs,
    /// The flags of `serve`, accepted without the subcommand too, since it is the default.
    /// `migrate` accepts and ignores them, so one set of variables serves both.
    #[command(flatten)]
    pub serve: ServeArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (migrates the database first).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Ask the server at the listen address for /health; exit 0 when it answers 200.
    /// For container health checks, which then need no HTTP client in the image.
    Healthcheck,
    /// Manage editor accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Print what the Polish search analyser makes of a text: one line per word,
    /// `token<TAB>lemma1,lemma2<TAB>folded`.
    Analyze {
        /// The text to analyse (several arguments are joined with spaces).
        #[arg(required = true, num_args = 1..)]
        text: Vec<String>,
    },
    /// Rebuild the search index from the database: a new index is built beside the live
    /// one, which keeps answering searches, and then takes its place. A server running on
    /// the same embedded index is asked to do it, and the command waits.
    Reindex,
    /// Write everything (accounts without their passwords, sections, tags, articles with
    /// their revisions, galleries, photos with their files, daily views) into a new or
    /// empty directory, from one consistent snapshot; servers may keep running.
    Export {
        /// The directory to create (or an empty one).
        dir: PathBuf,
    },
    /// Bring content in from elsewhere.
    #[command(subcommand)]
    Import(ImportCommand),
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import a WordPress export (WXR, from Tools → Export): posts become articles with
    /// their dates, status, categories (the first is the section, the others tags), tags,
    /// excerpt, views and photos; pages and menu items are reported and skipped. Running it
    /// again updates what it imported before.
    Wordpress {
        /// The export file (.xml).
        file: PathBuf,
        /// A copy of the site's wp-content/uploads, where the photos are found.
        #[arg(long)]
        uploads: Option<PathBuf>,
        /// Read and check everything, write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Import the article pages of a mirrored old site (as `wget --mirror` leaves them),
    /// with a profile that says where each part of a page is (docs/import-profile.toml
    /// fits pages like the seed article). Pages without a title are skipped; running it
    /// again updates what it imported before.
    Html {
        /// The mirror's directory.
        dir: PathBuf,
        /// The profile (TOML): CSS selectors and the words around dates, people and views.
        #[arg(long)]
        profile: PathBuf,
        /// Read and check everything, write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Restore a `kronika export` into an empty database (and its files into the
    /// storage); the search index is rebuilt at the next start.
    Kronika {
        /// The export's directory.
        dir: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account. The password comes from KRONIKA_PASSWORD, or else from the
    /// first line of standard input.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// admin, editor or author.
        #[arg(long)]
        role: Role,
    },
    /// List every account.
    List,
    /// Disable an account and revoke its tokens.
    Disable {
        #[arg(long)]
        email: String,
    },
    /// Set an account's password (from KRONIKA_PASSWORD, or else the first line of
    /// standard input) and end its sessions; e.g. after an import, which brings accounts
    /// without passwords.
    SetPassword {
        #[arg(long)]
        email: String,
    },
}

/// Settings every subcommand needs.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Directory for the SQLite database and media files.
    #[arg(
        long,
        env = "KRONIKA_DATA_DIR",
        default_value = "./data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// Database URL (sqlite:… or postgres://…); SQLite in the data directory when unset.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<DatabaseUrl>,
    /// The site's time zone, used for timestamps in the API.
    #[arg(
        long,
        env = "KRONIKA_TIMEZONE",
        default_value = "Europe/Warsaw",
        global = true
    )]
    pub timezone: chrono_tz::Tz,
    /// How log lines are written: `text` for people, `json` for a log collector.
    #[arg(
        long,
        env = "KRONIKA_LOG_FORMAT",
        default_value = "text",
        global = true
    )]
    pub log_format: LogFormat,
    /// Search engine: embedded or meilisearch.
    #[arg(long, env = "KRONIKA_SEARCH", global = true, value_enum)]
    pub search: Option<SearchEngineChoice>,
    /// Meilisearch server address, e.g. http://127.0.0.1:7700.
    #[arg(long, env = "MEILISEARCH_URL", global = true)]
    pub meilisearch_url: Option<MeilisearchUrl>,
    /// Meilisearch API key.
    #[arg(
        long,
        env = "MEILISEARCH_API_KEY",
        global = true,
        hide_env_values = true
    )]
    pub meilisearch_api_key: Option<Secret>,
    /// The Meilisearch index of the articles.
    #[arg(
        long,
        env = "MEILISEARCH_INDEX",
        default_value = "articles",
        global = true
    )]
    pub meilisearch_index: MeilisearchIndex,
    /// How many of Meilisearch's best matches are re-ranked with the embedded engine's
    /// scoring, at a cost in CPU per search; 0 keeps Meilisearch's order.
    #[arg(
        long,
        env = "MEILISEARCH_RERANK_DEPTH",
        default_value_t = search_index::DEFAULT_RERANK_DEPTH as u64,
        value_parser = clap::value_parser!(u64).range(0..=MAX_RERANK_DEPTH),
        global = true
    )]
    pub meilisearch_rerank_depth: u64,
    /// Longest pause, in seconds, between delivery attempts to a failing search engine.
    #[arg(
        long,
        env = "KRONIKA_SEARCH_RETRY_MAX_SECONDS",
        default_value_t = 300,
        value_parser = clap::value_parser!(u64).range(1..),
        global = true
    )]
    pub search_retry_max_seconds: u64,
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// The values of `KRONIKA_SEARCH`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SearchEngineChoice {
    Embedded,
    Meilisearch,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(
        long,
        env = "KRONIKA_LISTEN",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub listen: SocketAddr,
    /// Load demo content when the database is empty.
    #[arg(
        long,
        env = "KRONIKA_DEMO_CONTENT",
        default_value_t = true,
        global = true,
        action = clap::ArgAction::Set
    )]
    pub demo_content: bool,
    /// Seconds an anonymous query's response may be served from memory; 0 turns the
    /// response cache off.
    #[arg(
        long,
        env = "KRONIKA_RESPONSE_CACHE_SECONDS",
        default_value_t = 5,
        global = true
    )]
    pub response_cache_seconds: u64,
    /// About how many MiB of published content readers' requests may find in memory
    /// instead of the database (the entity cache); 0 turns it off.
    #[arg(
        long,
        env = "KRONIKA_ENTITY_CACHE_MIB",
        default_value_t = kronika_core::entity_cache::DEFAULT_BOUND_MIB,
        global = true
    )]
    pub entity_cache_mib: u64,
    /// Seconds between checks for scheduled articles that are due.
    #[arg(long, env = "KRONIKA_SCHEDULER_SECONDS", default_value_t = 10, global = true, value_parser = clap::value_parser!(u64).range(1..))]
    pub scheduler_seconds: u64,
    /// Seconds between writes of counted views to the database (1 or more). A crash loses
    /// at most the views of one interval; a graceful stop writes them all.
    #[arg(
        long,
        env = "KRONIKA_VIEW_FLUSH_SECONDS",
        default_value_t = 5,
        value_parser = clap::value_parser!(u64).range(1..),
        global = true
    )]
    pub view_flush_seconds: u64,
    /// Take a reader's address from the last X-Forwarded-For entry instead of the
    /// connection, for counting views. Turn on only behind one reverse proxy that sets the
    /// header; without one, any client could pose as many readers.
    #[arg(
        long,
        env = "KRONIKA_TRUST_PROXY",
        default_value_t = false,
        global = true,
        action = clap::ArgAction::Set
    )]
    pub trust_proxy: bool,
    /// The public site's address of an article page, with `{slug}` where the slug goes:
    /// what feeds and sitemaps link to.
    #[arg(long, env = "KRONIKA_SITE_URL", global = true)]
    pub site_url: Option<ArticleUrlPattern>,
    /// The site's name in feeds and the news sitemap (default: the site's host).
    #[arg(long, env = "KRONIKA_SITE_NAME", global = true)]
    pub site_name: Option<String>,
    /// Deepest field nesting a query may have.
    #[arg(long, env = "KRONIKA_MAX_QUERY_DEPTH", default_value_t = GraphqlLimits::default().max_depth, global = true)]
    pub max_query_depth: usize,
    /// Most fields a query may select (each list field counted once).
    #[arg(long, env = "KRONIKA_MAX_QUERY_COMPLEXITY", default_value_t = GraphqlLimits::default().max_complexity, global = true)]
    pub max_query_complexity: usize,
    /// Most values a query's answer could hold, each list counted at its page size.
    #[arg(long, env = "KRONIKA_MAX_QUERY_COST", default_value_t = GraphqlLimits::default().max_cost, global = true)]
    pub max_query_cost: u64,
    /// Most aliased fields in one query document.
    #[arg(long, env = "KRONIKA_MAX_QUERY_ALIASES", default_value_t = GraphqlLimits::default().max_aliases, global = true)]
    pub max_query_aliases: usize,
    /// Most operations in one batched POST.
    #[arg(long, env = "KRONIKA_MAX_BATCH", default_value_t = GraphqlLimits::default().max_batch, global = true)]
    pub max_batch: usize,
    /// Largest request body accepted on /graphql, in bytes.
    #[arg(long, env = "KRONIKA_MAX_BODY_BYTES", default_value_t = GraphqlLimits::default().max_body_bytes, global = true)]
    pub max_body_bytes: usize,
    /// Seconds a GraphQL request may run before it is answered with TIMEOUT.
    #[arg(
        long,
        env = "KRONIKA_REQUEST_TIMEOUT_SECONDS",
        default_value_t = 30,
        global = true
    )]
    pub request_timeout_seconds: u64,
    /// Answer introspection queries (the schema). Turn off to keep it private.
    #[arg(long, env = "KRONIKA_INTROSPECTION", default_value_t = true, global = true, action = clap::ArgAction::Set)]
    pub introspection: bool,
    /// Serve GraphiQL to browsers at /graphql.
    #[arg(long, env = "KRONIKA_GRAPHIQL", default_value_t = true, global = true, action = clap::ArgAction::Set)]
    pub graphiql: bool,
    /// Accept automatic persisted queries (a query's SHA-256 in place of its text).
    #[arg(long, env = "KRONIKA_PERSISTED_QUERIES", default_value_t = true, global = true, action = clap::ArgAction::Set)]
    pub persisted_queries: bool,
    /// A JSON file of the only queries allowed to run: an array of query texts, or an
    /// object mapping each query's SHA-256 (hex) to its text.
    #[arg(long, env = "KRONIKA_QUERY_ALLOW_LIST", global = true)]
    pub query_allow_list: Option<PathBuf>,
    /// Comma-separated origins allowed to call the API from a browser, or `*`.
    #[arg(
        long,
        env = "KRONIKA_CORS_ORIGINS",
        value_delimiter = ',',
        global = true
    )]
    pub cors_origins: Vec<String>,
    /// GraphQL requests per second allowed from one address (0: no limit).
    #[arg(long, env = "KRONIKA_RATE_LIMIT_GRAPHQL", default_value_t = RateLimits::default().graphql_per_second, global = true)]
    pub rate_limit_graphql: u32,
    /// View beacons per second allowed from one address (0: no limit).
    #[arg(long, env = "KRONIKA_RATE_LIMIT_VIEWS", default_value_t = RateLimits::default().view_beacons_per_second, global = true)]
    pub rate_limit_views: u32,
    /// Login attempts per minute allowed from one address (0: no limit).
    #[arg(long, env = "KRONIKA_RATE_LIMIT_LOGINS", default_value_t = RateLimits::default().logins_per_minute, global = true)]
    pub rate_limit_logins: u32,
    /// URL that receives a signed POST for every content change (CDN purge, site build).
    #[arg(long, env = "KRONIKA_WEBHOOK_URL", global = true)]
    pub webhook_url: Option<String>,
    /// Secret for the webhook's HMAC-SHA256 signature (16 characters at least).
    #[arg(
        long,
        env = "KRONIKA_WEBHOOK_SECRET",
        global = true,
        hide_env_values = true
    )]
    pub webhook_secret: Option<Secret>,
    /// Serve Prometheus metrics at /metrics.
    #[arg(long, env = "KRONIKA_METRICS", default_value_t = true, global = true, action = clap::ArgAction::Set)]
    pub metrics: bool,
    /// The largest photo upload accepted, in bytes (checked while it streams in).
    #[arg(
        long,
        env = "KRONIKA_UPLOAD_MAX_BYTES",
        default_value_t = crate::config::DEFAULT_UPLOAD_MAX_BYTES as u64,
        value_parser = clap::value_parser!(u64).range(1..),
        global = true
    )]
    pub upload_max_bytes: u64,
    /// The largest attachment (PDF, Office document, …) upload accepted, in bytes.
    #[arg(
        long,
        env = "KRONIKA_ATTACHMENT_MAX_BYTES",
        default_value_t = crate::config::DEFAULT_ATTACHMENT_MAX_BYTES as u64,
        value_parser = clap::value_parser!(u64).range(1..),
        global = true
    )]
    pub attachment_max_bytes: u64,
    /// The most pixels (width × height) an uploaded photo may have.
    #[arg(
        long,
        env = "KRONIKA_UPLOAD_MAX_PIXELS",
        default_value_t = crate::config::DEFAULT_UPLOAD_MAX_PIXELS,
        value_parser = clap::value_parser!(u64).range(1..),
        global = true
    )]
    pub upload_max_pixels: u64,
    /// How many photos are decoded and resized at once (default: CPUs, at most 4).
    #[arg(long, env = "KRONIKA_IMAGE_WORKERS", global = true, value_parser = clap::value_parser!(u64).range(1..64))]
    pub image_workers: Option<u64>,
    /// Where photo files are kept: `local` (media/ in the data directory) or `s3`.
    #[arg(long, env = "KRONIKA_STORAGE", default_value = "local", global = true)]
    pub storage: StorageKind,
    /// The S3 bucket (with --storage s3).
    #[arg(long, env = "KRONIKA_S3_BUCKET", global = true)]
    pub s3_bucket: Option<String>,
    /// The endpoint of an S3-compatible service; AWS when unset.
    #[arg(long, env = "KRONIKA_S3_ENDPOINT", global = true)]
    pub s3_endpoint: Option<String>,
    /// The bucket's region.
    #[arg(
        long,
        env = "KRONIKA_S3_REGION",
        default_value = "us-east-1",
        global = true
    )]
    pub s3_region: String,
    /// The access key for S3 (or the AWS_ACCESS_KEY_ID variable).
    #[arg(long, env = "AWS_ACCESS_KEY_ID", global = true, hide_env_values = true)]
    pub s3_access_key_id: Option<String>,
    /// The secret key for S3; from the AWS_SECRET_ACCESS_KEY variable only, so it never
    /// shows in a process list.
    #[arg(skip = std::env::var("AWS_SECRET_ACCESS_KEY").ok())]
    pub s3_secret_access_key: Option<String>,
    /// The URL prefix of media files in the API (`/media`, or a CDN's URL).
    #[arg(
        long,
        env = "KRONIKA_MEDIA_URL",
        default_value = "/media",
        global = true
    )]
    pub media_url: String,
}

/// Which media storage `--storage` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum StorageKind {
    Local,
    S3,
}

impl Cli {
    /// The typed configuration for the chosen subcommand, or why it cannot work.
    pub fn config(&self) -> Result<Config, ConfigError> {
        let serve = &self.serve;
        let common = &self.common;
        let mut config = Config::new(self.common.data_dir.clone());
        config.database_url = self.common.database_url.clone();
        config.timezone = self.common.timezone;
        config.listen = serve.listen;
        config.demo_content = serve.demo_content;
        config.response_cache_ttl = std::time::Duration::from_secs(serve.response_cache_seconds);
        config.entity_cache_mib = serve.entity_cache_mib;
        config.scheduler_interval = std::time::Duration::from_secs(serve.scheduler_seconds);
        config.view_flush_interval = std::time::Duration::from_secs(serve.view_flush_seconds);
        config.trust_proxy = serve.trust_proxy;
        config.site = serve
            .site_url
            .clone()
            .map(|article_url| Site::new(article_url, serve.site_name.clone()));
        config.upload_max_bytes = usize::try_from(serve.upload_max_bytes).unwrap_or(usize::MAX);
        config.attachment_max_bytes =
            usize::try_from(serve.attachment_max_bytes).unwrap_or(usize::MAX);
        config.upload_max_pixels = serve.upload_max_pixels;
        if let Some(workers) = serve.image_workers {
            config.image_workers = usize::try_from(workers).unwrap_or(1);
        }
        config.media_url = serve.media_url.trim_end_matches('/').to_owned();
        config.storage = match serve.storage {
            StorageKind::Local => StorageConfig::Local,
            StorageKind::S3 => StorageConfig::S3(S3Config {
                bucket: serve.s3_bucket.clone().unwrap_or_default(),
                allow_http: serve
                    .s3_endpoint
                    .as_deref()
                    .is_some_and(|endpoint| endpoint.starts_with("http://")),
                endpoint: serve.s3_endpoint.clone(),
                region: serve.s3_region.clone(),
                access_key_id: serve.s3_access_key_id.clone(),
                secret_access_key: serve.s3_secret_access_key.clone().map(Secret::new),
            }),
        };
        config.graphql_limits = GraphqlLimits {
            max_depth: serve.max_query_depth,
            max_complexity: serve.max_query_complexity,
            max_cost: serve.max_query_cost,
            max_aliases: serve.max_query_aliases,
            max_batch: serve.max_batch,
            max_body_bytes: serve.max_body_bytes,
            timeout: std::time::Duration::from_secs(serve.request_timeout_seconds),
        };
        config.introspection = serve.introspection;
        config.graphiql = serve.graphiql;
        config.persisted_queries = serve.persisted_queries;
        config.query_allow_list = serve.query_allow_list.clone();
        config.cors_origins = serve
            .cors_origins
            .iter()
            .map(|origin| origin.trim().to_owned())
            .filter(|origin| !origin.is_empty())
            .collect();
        config.rate_limits = RateLimits {
            graphql_per_second: serve.rate_limit_graphql,
            view_beacons_per_second: serve.rate_limit_views,
            logins_per_minute: serve.rate_limit_logins,
        };
        // An empty variable (as `KEY=` in an env file leaves it) means "not set".
        let webhook_url = serve.webhook_url.clone().filter(|url| !url.is_empty());
        let webhook_secret = serve
            .webhook_secret
            .clone()
            .filter(|secret| !secret.expose().is_empty());
        config.change_webhook = ChangeWebhook::from_parts(webhook_url, webhook_secret)?;
        config.metrics = serve.metrics;
        config.search_retry_max_delay =
            std::time::Duration::from_secs(common.search_retry_max_seconds);
        let choice = common
            .search
            .unwrap_or(if common.meilisearch_url.is_some() {
                SearchEngineChoice::Meilisearch
            } else {
                SearchEngineChoice::Embedded
            });
        config.search = match (choice, &common.meilisearch_url) {
            (SearchEngineChoice::Embedded, _) => SearchEngineConfig::Embedded,
            (SearchEngineChoice::Meilisearch, Some(url)) => SearchEngineConfig::Meilisearch {
                url: url.clone(),
                api_key: common.meilisearch_api_key.clone(),
                index: common.meilisearch_index.clone(),
                rerank_depth: usize::try_from(common.meilisearch_rerank_depth)
                    .unwrap_or(search_index::DEFAULT_RERANK_DEPTH),
            },
            (SearchEngineChoice::Meilisearch, None) => {
                return Err(ConfigError::MeilisearchWithoutUrl);
            }
        };
        config.validate()?;
        Ok(config)
    }
}
