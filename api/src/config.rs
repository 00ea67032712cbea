//! The server's typed configuration, read once at start.
//!
//! Every setting, its variable and its default is listed in `cli.rs` (`kronika --help`)
//! and in the README. Secrets are wrapped so that they never reach a log line.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

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
            scheduler_interval: Duration::from_secs(10),
            view_flush_interval: Duration::from_secs(5),
            trust_proxy: false,
            search: SearchEngineConfig::Embedded,
            search_poll_interval: Duration::from_secs(1),
            search_retry_max_delay: Duration::from_secs(300),
        }
    }

    /// Where the embedded search index lives.
    pub fn search_index_dir(&self) -> PathBuf {
        self.data_dir.join("search")
    }

    /// The database to connect to: the configured URL, or the SQLite file of the data dir.
    pub fn effective_database_url(&self) -> DatabaseUrl {
        match &self.database_url {
            Some(url) => url.clone(),
            None => DatabaseUrl(format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("kronika.sqlite3").display()
            )),
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
    },
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

/// A secret such as an API key: `Debug` and `Display` print a placeholder, never the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself; for the client that sends it only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Ok(Self(value.to_owned()))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("Secret(********)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("********")
    }
}

/// A database URL, which may carry a password: `Debug` and `Display` show only its scheme
/// and host, never the credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

#[derive(Debug, thiserror::Error)]
#[error("DATABASE_URL must start with sqlite: or postgres:// (or postgresql://)")]
pub struct UnsupportedDatabaseUrl;

impl DatabaseUrl {
    /// The full URL, credentials included; for the database driver only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_sqlite(&self) -> bool {
        self.0.starts_with("sqlite:")
    }
}

impl FromStr for DatabaseUrl {
    type Err = UnsupportedDatabaseUrl;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let supported = ["sqlite:", "postgres://", "postgresql://"]
            .iter()
            .any(|scheme| value.starts_with(scheme));
        if supported {
            Ok(Self(value.to_owned()))
        } else {
            Err(UnsupportedDatabaseUrl)
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, formatter)
    }
}

impl fmt::Display for DatabaseUrl {
    /// Shows `scheme://host/…` with any user and password removed.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (scheme, rest) = self.0.split_once(':').unwrap_or(("?", ""));
        let rest = rest.trim_start_matches('/');
        let host_and_path = rest.rsplit_once('@').map_or(rest, |(_, after)| after);
        write!(formatter, "{scheme}://{host_and_path}")
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
    fn an_api_key_never_prints() {
        let config = SearchEngineConfig::Meilisearch {
            url: "http://127.0.0.1:7700"
                .parse()
                .unwrap_or_else(|error| panic!("{error}")),
            api_key: Some(Secret::new("masterKey123")),
        };
        assert!(!format!("{config:?}").contains("masterKey123"));
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
