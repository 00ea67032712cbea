//! The settings the core needs from the configuration: where the database and media
//! files are, and the secrets among them. `api`'s `Config` reads them from flags and the
//! environment; the core only receives them, already valid.

use std::fmt;
use std::str::FromStr;

/// A database URL, which may carry a password: `Debug` and `Display` show only its scheme
/// and host, never the credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

#[derive(Debug, thiserror::Error)]
#[error("DATABASE_URL must start with sqlite: or postgres:// (or postgresql://)")]
pub struct UnsupportedDatabaseUrl;

impl DatabaseUrl {
    /// A SQLite database in `path`, created when missing.
    pub fn sqlite_file(path: &std::path::Path) -> Self {
        Self(format!("sqlite://{}?mode=rwc", path.display()))
    }

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

/// A secret setting: `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself; for the code that uses it only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("Secret(***)")
    }
}

impl FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Ok(Self(value.to_owned()))
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("***")
    }
}
