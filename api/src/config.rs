//! The server's typed configuration, read once at start.
//!
//! Every setting, its variable and its default is listed in `cli.rs` (`kronika --help`)
//! and in the README. Secrets are wrapped so that they never reach a log line.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

pub const DEFAULT_UPLOAD_MAX_BYTES: usize = 25 * 1024 * 1024;
pub const DEFAULT_UPLOAD_MAX_PIXELS: u64 = 50_000_000;

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
    /// The largest photo upload accepted, in bytes, checked while the body streams in.
    /// Default 25 MiB.
    pub upload_max_bytes: usize,
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
}

/// Where photo files are kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StorageConfig {
    /// `media/` in the data directory.
    Local,
    /// An S3-compatible bucket.
    S3(S3Config),
}

/// An S3-compatible bucket. The secret key never prints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3Config {
    pub bucket: String,
    /// For S3-compatible services (MinIO, Ceph, …); AWS when `None`.
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<Secret>,
    /// Allow an `http://` endpoint (a server on the same host or network).
    pub allow_http: bool,
}

/// A secret setting: `Debug` and `Display` print `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("***")
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
            scheduler_interval: Duration::from_secs(10),
            view_flush_interval: Duration::from_secs(5),
            trust_proxy: false,
            upload_max_bytes: DEFAULT_UPLOAD_MAX_BYTES,
            upload_max_pixels: DEFAULT_UPLOAD_MAX_PIXELS,
            image_workers: default_image_workers(),
            storage: StorageConfig::Local,
            media_url: "/media".to_owned(),
        }
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
    fn a_secret_never_prints() {
        let secret = Secret::new("wJalrXUtnFEMI");
        assert_eq!(format!("{secret} {secret:?}"), "*** ***");
    }

    #[test]
    fn an_unknown_database_scheme_is_refused() {
        assert!("mysql://localhost/kronika".parse::<DatabaseUrl>().is_err());
    }
}
