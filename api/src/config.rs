//! The server's typed configuration, read once at start.
//!
//! Every setting, its variable and its default is listed in `cli.rs` (`kronika --help`)
//! and in the README. Secrets are wrapped so that they never reach a log line.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

pub use kronika_core::settings::{
    DatabaseUrl, S3Config, Secret, StorageConfig, UnsupportedDatabaseUrl,
};

pub const DEFAULT_UPLOAD_MAX_BYTES: usize = 25 * 1024 * 1024;
pub const DEFAULT_UPLOAD_MAX_PIXELS: u64 = 50_000_000;
pub const DEFAULT_ATTACHMENT_MAX_BYTES: usize = 50 * 1024 * 1024;

/// Everything `App::build` needs.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where the HTTP server listens. Default 127.0.0.1:8080.
    pub listen: SocketAddr,
    /// Holds the SQLite database (when `database_url` is unset) and media files.
    pub data_dir: PathBuf,
    /// `sqlite:…` or `postgres://…`; SQLite in `data_dir` when `None`.
    pub database_url: Option<DatabaseUrl>,
    /// The site's zone: timestamps leave the API as RFC 3339 in this zone.
    pub timezone: chrono_tz::Tz,
    /// Load demo content into an empty database.
    pub demo_content: bool,
    /// How long an anonymous query's response may be replayed from memory; zero turns
    /// the response cache off. Content changes made through this process clear it at once.
    pub response_cache_ttl: Duration,
    /// About how many MiB of published content (articles, tags, sections, galleries and
    /// photos) readers' requests may find in memory instead of the database; 0 turns the
    /// entity cache off. Every content change, this replica's or (on PostgreSQL) another's,
    /// drops what it touched at once. Default 256.
    pub entity_cache_mib: u64,
    /// How often the scheduler publishes scheduled articles whose time has come.
    pub scheduler_interval: Duration,
    /// How often views counted in memory are written to the database. A crash (SIGKILL,
    /// power loss) loses at most the views of one interval; a graceful stop loses none.
    /// Default 5 s.
    pub view_flush_interval: Duration,
    /// Take a reader's address from the last `X-Forwarded-For` entry instead of the TCP
    /// connection. Only for a server behind one reverse proxy that sets that header.
    /// Default off.
    pub trust_proxy: bool,
    /// The public site whose article pages feeds and sitemaps link to; without it they
    /// answer 404. Default none.
    pub site: Option<crate::site::Site>,
    /// What a GraphQL request may ask for and how long it may take.
    pub graphql_limits: GraphqlLimits,
    /// Serve the schema to introspection queries. Default on; production may turn it
    /// off so that the schema is not advertised.
    pub introspection: bool,
    /// Serve GraphiQL to browsers that open `/graphql`. Default on.
    pub graphiql: bool,
    /// Accept the automatic persisted query protocol (a query's SHA-256 instead of its
    /// text). Default on.
    pub persisted_queries: bool,
    /// A JSON file of the only queries that may run (allow-list mode): an array of query
    /// texts, or an object mapping each query's SHA-256 (hex) to its text.
    pub query_allow_list: Option<PathBuf>,
    /// Origins allowed to call the API from a browser (CORS). Empty: no CORS headers,
    /// so only same-origin pages may read responses. `*` allows every origin.
    pub cors_origins: Vec<String>,
    /// Per-address request rates of the public endpoints; zero turns one off.
    pub rate_limits: RateLimits,
    /// Where to POST a signed notice of every content change (a CDN purge hook or a
    /// static-site builder), and the HMAC-SHA256 secret that signs it.
    pub change_webhook: Option<ChangeWebhook>,
    /// Serve Prometheus metrics at `/metrics`. Default on.
    pub metrics: bool,
    /// The largest photo upload accepted, in bytes, checked while the body streams in.
    /// Default 25 MiB.
    pub upload_max_bytes: usize,
    /// The largest attachment (document) upload accepted, in bytes. Default 50 MiB.
    pub attachment_max_bytes: usize,
    /// The most pixels (width × height) an uploaded photo may have, checked from its
    /// header before decoding. Default 50 megapixels.
    pub upload_max_pixels: u64,
    /// How many photos are decoded and resized at once; more wait. Each 12-megapixel
    /// photo in flight takes about 100 MB. Default: the number of CPUs, at most 4.
    pub image_workers: usize,
    /// Where photo files are kept. Default: `media/` in the data directory.
    pub storage: StorageConfig,
    /// The URL prefix of media files in the API's `url` and `srcset` fields: `/media`
    /// (the default) for this server, or e.g. a CDN's `https://cdn.example.org/media`.
    pub media_url: String,
    /// Which search engine holds the index. Default: embedded (tantivy) under
    /// `<data_dir>/search`.
    pub search: SearchEngineConfig,
    /// How often the search indexer looks at the outbox when nothing woke it (changes of
    /// other replicas, retries). Default 1 s.
    pub search_poll_interval: Duration,
    /// The longest pause between two delivery attempts to an engine that keeps failing;
    /// the pause doubles from 1 s up to this. Default 300 s.
    pub search_retry_max_delay: Duration,
}

/// Limits on one GraphQL request. The defaults admit every query a frontend sensibly
/// sends (the deepest, article → gallery → photos → field, is depth 5) and refuse the
/// shapes that only serve to load the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GraphqlLimits {
    /// Deepest nesting of fields. Default 16.
    pub max_depth: usize,
    /// Most fields a query may select, counting each list field once and each fragment
    /// where it is spread. Default 5000.
    pub max_complexity: usize,
    /// Most values a query's answer could hold, counting each list at its page size
    /// (`first`, else the default page size). Default 50000.
    pub max_cost: u64,
    /// Most aliased fields in one document. Default 30.
    pub max_aliases: usize,
    /// Most operations in one batched POST (a JSON array). Default 10.
    pub max_batch: usize,
    /// Largest request body in bytes. Default 1 MiB.
    pub max_body_bytes: usize,
    /// Longest a request may run before it is answered with `TIMEOUT`. Default 30 s.
    pub timeout: Duration,
}

impl Default for GraphqlLimits {
    fn default() -> Self {
        Self {
            max_depth: 16,
            max_complexity: 5_000,
            max_cost: 50_000,
            max_aliases: 30,
            max_batch: 10,
            max_body_bytes: 1024 * 1024,
            timeout: Duration::from_secs(30),
        }
    }
}

/// Requests per client address; zero switches a limit off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimits {
    /// GraphQL requests (GET and POST `/graphql`) per second. Default 50.
    pub graphql_per_second: u32,
    /// View beacons (`POST /api/views/{id}`) per second. Default 10.
    pub view_beacons_per_second: u32,
    /// `login` attempts per minute, on top of the failed-login throttle. Default 10.
    pub logins_per_minute: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            graphql_per_second: 50,
            view_beacons_per_second: 10,
            logins_per_minute: 10,
        }
    }
}

/// The change webhook: its URL and signing secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeWebhook {
    pub url: String,
    pub secret: Secret,
}

/// A setting that does not make sense; the server refuses to start with it.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("{setting} must be at least 1")]
    Zero { setting: &'static str },
    #[error("KRONIKA_WEBHOOK_URL must be an http:// or https:// URL (the configured value is not)")]
    WebhookUrl,
    #[error("KRONIKA_WEBHOOK_SECRET must have at least 16 characters")]
    WebhookSecretTooShort,
    #[error("KRONIKA_WEBHOOK_URL and KRONIKA_WEBHOOK_SECRET must be set together")]
    WebhookHalfConfigured,
    #[error("KRONIKA_CORS_ORIGINS: {origin:?} is not an origin like https://www.example.pl")]
    CorsOrigin { origin: String },
    #[error("KRONIKA_SEARCH=meilisearch needs MEILISEARCH_URL (--meilisearch-url)")]
    MeilisearchWithoutUrl,
    #[error("KRONIKA_S3_BUCKET must be set when KRONIKA_STORAGE is s3")]
    MissingBucket,
    #[error("KRONIKA_QUERY_ALLOW_LIST: {0}")]
    AllowList(String),
}

impl ChangeWebhook {
    /// Both halves or neither: a URL without a secret would send unsigned notices.
    pub fn from_parts(
        url: Option<String>,
        secret: Option<Secret>,
    ) -> Result<Option<Self>, ConfigError> {
        match (url, secret) {
            (None, None) => Ok(None),
            (Some(url), Some(secret)) => {
                let webhook = Self { url, secret };
                webhook.validate()?;
                Ok(Some(webhook))
            }
            _ => Err(ConfigError::WebhookHalfConfigured),
        }
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if !(self.url.starts_with("http://") || self.url.starts_with("https://")) {
            return Err(ConfigError::WebhookUrl);
        }
        if self.secret.expose().chars().count() < 16 {
            return Err(ConfigError::WebhookSecretTooShort);
        }
        Ok(())
    }
}

/// The default number of image workers: one per CPU, at most four.
fn default_image_workers() -> usize {
    std::thread::available_parallelism()
        .map(|cpus| cpus.get().min(4))
        .unwrap_or(1)
}

impl Config {
    /// The defaults of the embedded mode, with the given data directory.
    pub fn new(data_dir: PathBuf) -> Self {
        Self {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 8080)),
            data_dir,
            database_url: None,
            timezone: chrono_tz::Europe::Warsaw,
            demo_content: true,
            response_cache_ttl: Duration::from_secs(5),
            entity_cache_mib: kronika_core::entity_cache::DEFAULT_BOUND_MIB,
            scheduler_interval: Duration::from_secs(10),
            view_flush_interval: Duration::from_secs(5),
            trust_proxy: false,
            graphql_limits: GraphqlLimits::default(),
            introspection: true,
            graphiql: true,
            persisted_queries: true,
            query_allow_list: None,
            cors_origins: Vec::new(),
            rate_limits: RateLimits::default(),
            change_webhook: None,
            metrics: true,
            upload_max_bytes: DEFAULT_UPLOAD_MAX_BYTES,
            attachment_max_bytes: DEFAULT_ATTACHMENT_MAX_BYTES,
            upload_max_pixels: DEFAULT_UPLOAD_MAX_PIXELS,
            image_workers: default_image_workers(),
            storage: StorageConfig::Local,
            media_url: "/media".to_owned(),
            search: SearchEngineConfig::Embedded,
            search_poll_interval: Duration::from_secs(1),
            search_retry_max_delay: Duration::from_secs(300),
            site: None,
        }
    }

    /// Refuses settings that cannot work, with a message naming the variable.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let limits = &self.graphql_limits;
        let at_least_one = [
            ("KRONIKA_MAX_QUERY_DEPTH", limits.max_depth),
            ("KRONIKA_MAX_QUERY_COMPLEXITY", limits.max_complexity),
            (
                "KRONIKA_MAX_QUERY_COST",
                usize::try_from(limits.max_cost).unwrap_or(usize::MAX),
            ),
            ("KRONIKA_MAX_BATCH", limits.max_batch),
            ("KRONIKA_MAX_BODY_BYTES", limits.max_body_bytes),
        ];
        for (setting, value) in at_least_one {
            if value == 0 {
                return Err(ConfigError::Zero { setting });
            }
        }
        if limits.timeout.is_zero() {
            return Err(ConfigError::Zero {
                setting: "KRONIKA_REQUEST_TIMEOUT_SECONDS",
            });
        }
        if let Some(webhook) = &self.change_webhook {
            webhook.validate()?;
        }
        if let StorageConfig::S3(s3) = &self.storage
            && s3.bucket.trim().is_empty()
        {
            return Err(ConfigError::MissingBucket);
        }
        if let Some(path) = &self.query_allow_list {
            // Loaded here only to refuse a bad file before anything starts; the server
            // loads it again when it builds its routes.
            crate::http::persisted_queries::PersistedQueries::allow_list(path)
                .map_err(|error| ConfigError::AllowList(error.to_string()))?;
        }
        for origin in &self.cors_origins {
            let looks_like_origin = origin == "*"
                || ((origin.starts_with("http://") || origin.starts_with("https://"))
                    && !origin.trim_end_matches('/').contains(['?', '#'])
                    && origin.matches('/').count() == 2);
            if !looks_like_origin {
                return Err(ConfigError::CorsOrigin {
                    origin: origin.clone(),
                });
            }
        }
        Ok(())
    }

    /// Where the embedded search index lives.
    pub fn search_index_dir(&self) -> PathBuf {
        self.data_dir.join("search")
    }

    /// The database to connect to: the configured URL, or the SQLite file of the data dir.
    pub fn effective_database_url(&self) -> DatabaseUrl {
        match &self.database_url {
            Some(url) => url.clone(),
            None => DatabaseUrl::sqlite_file(&self.data_dir.join("kronika.sqlite3")),
        }
    }
}

/// The search engine behind `search` and the indexer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SearchEngineConfig {
    /// tantivy, in the data directory: nothing to run beside Kronika.
    Embedded,
    /// A Meilisearch server, shared by every replica.
    Meilisearch {
        url: MeilisearchUrl,
        api_key: Option<Secret>,
        /// The index holding the articles; several sites or environments can share one
        /// server under different names.
        index: MeilisearchIndex,
        /// How many of Meilisearch's best matches are re-ranked with the embedded engine's
        /// scoring (0: Meilisearch's own order); each costs Kronika CPU on every search.
        rerank_depth: usize,
    },
}

/// The name of a Meilisearch index: what Meilisearch accepts as an index uid (letters,
/// digits, `-` and `_`, at most 400 bytes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeilisearchIndex(String);

#[derive(Debug, thiserror::Error)]
#[error(
    "MEILISEARCH_INDEX must be 1 to 400 ASCII letters, digits, '-' or '_', such as articles or www_articles"
)]
pub struct InvalidMeilisearchIndex;

impl MeilisearchIndex {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for MeilisearchIndex {
    fn default() -> Self {
        Self("articles".to_owned())
    }
}

impl FromStr for MeilisearchIndex {
    type Err = InvalidMeilisearchIndex;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let valid = !value.is_empty()
            && value.len() <= 400
            && value
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_');
        if valid {
            Ok(Self(value.to_owned()))
        } else {
            Err(InvalidMeilisearchIndex)
        }
    }
}

/// An `http://` or `https://` address of a Meilisearch server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeilisearchUrl(String);

#[derive(Debug, thiserror::Error)]
#[error("MEILISEARCH_URL must be an http:// or https:// address, such as http://127.0.0.1:7700")]
pub struct InvalidMeilisearchUrl;

impl MeilisearchUrl {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for MeilisearchUrl {
    type Err = InvalidMeilisearchUrl;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let value = value.trim();
        let host = value
            .strip_prefix("http://")
            .or_else(|| value.strip_prefix("https://"))
            .ok_or(InvalidMeilisearchUrl)?;
        if host.is_empty() || host.starts_with('/') || host.contains(char::is_whitespace) {
            return Err(InvalidMeilisearchUrl);
        }
        Ok(Self(value.trim_end_matches('/').to_owned()))
    }
}

impl fmt::Display for MeilisearchUrl {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_url_never_prints_its_password() {
        let url: DatabaseUrl = match "postgres://kronika:s3cret@db:5432/kronika".parse() {
            Ok(url) => url,
            Err(error) => panic!("{error}"),
        };
        assert_eq!(format!("{url}"), "postgres://db:5432/kronika");
        assert_eq!(format!("{url:?}"), "postgres://db:5432/kronika");
        assert!(!format!("{url:?}").contains("s3cret"));
    }

    #[test]
    fn a_secret_never_prints() {
        let secret = Secret::new("very-secret-signing-key");
        assert_eq!(format!("{secret:?}"), "Secret(***)");
        assert_eq!(format!("{secret}"), "***");
        let webhook =
            ChangeWebhook::from_parts(Some("https://cdn.example/purge".into()), Some(secret));
        assert!(!format!("{webhook:?}").contains("very-secret"));
    }

    #[test]
    fn a_webhook_needs_both_halves_and_a_real_url() {
        assert_eq!(
            ChangeWebhook::from_parts(Some("https://cdn.example".into()), None),
            Err(ConfigError::WebhookHalfConfigured)
        );
        assert_eq!(
            ChangeWebhook::from_parts(
                Some("ftp://x".into()),
                Some(Secret::new("0123456789abcdef"))
            ),
            Err(ConfigError::WebhookUrl)
        );
        assert_eq!(
            ChangeWebhook::from_parts(Some("https://x".into()), Some(Secret::new("short"))),
            Err(ConfigError::WebhookSecretTooShort)
        );
    }

    #[test]
    fn cors_origins_must_be_origins() {
        let mut config = Config::new(PathBuf::from("data"));
        config.cors_origins = vec!["https://www.example.pl".into(), "*".into()];
        assert_eq!(config.validate(), Ok(()));
        config.cors_origins = vec!["https://www.example.pl/page".into()];
        assert!(config.validate().is_err());
        config.cors_origins = vec!["www.example.pl".into()];
        assert!(config.validate().is_err());
    }

    #[test]
    fn an_api_key_never_prints() {
        let config = SearchEngineConfig::Meilisearch {
            url: "http://127.0.0.1:7700"
                .parse()
                .unwrap_or_else(|error| panic!("{error}")),
            api_key: Some(Secret::new("masterKey123")),
            index: MeilisearchIndex::default(),
            rerank_depth: search_index::DEFAULT_RERANK_DEPTH,
        };
        assert!(!format!("{config:?}").contains("masterKey123"));
    }

    #[test]
    fn a_meilisearch_index_name_is_what_meilisearch_accepts() {
        for good in ["articles", "www_articles", "staging-2", &"a".repeat(400)] {
            assert!(good.parse::<MeilisearchIndex>().is_ok(), "{good}");
        }
        for bad in ["", "artykuły", "a b", "a/b", "a.b", &"a".repeat(401)] {
            assert!(bad.parse::<MeilisearchIndex>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_meilisearch_url_needs_http_or_https_and_a_host() {
        assert!("http://127.0.0.1:7700/".parse::<MeilisearchUrl>().is_ok());
        assert!(
            "https://search.example.org"
                .parse::<MeilisearchUrl>()
                .is_ok()
        );
        for bad in ["127.0.0.1:7700", "ftp://x", "http://", "http:///x", ""] {
            assert!(bad.parse::<MeilisearchUrl>().is_err(), "{bad}");
        }
    }

    #[test]
    fn an_unknown_database_scheme_is_refused() {
        assert!("mysql://localhost/kronika".parse::<DatabaseUrl>().is_err());
    }
}
