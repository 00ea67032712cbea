//! Everything out, and back in: `kronika export DIR` and `kronika import kronika DIR`.
//!
//! An export is a directory: `manifest.json`, one JSON Lines file per table (each line one
//! row, its columns as the entity names them, times in RFC 3339) and `media/` with the
//! stored files under their storage paths (`originals/<sha256>`,
//! `renditions/<sha256>/<width>.<webp|jpg>`, `attachments/<sha256>`). It is read from one consistent snapshot of
//! the database, so it can be taken while servers write. Accounts leave without their
//! password hashes; access tokens, sessions, the search outbox and the derived title
//! terms stay behind (the import and the next start rebuild what is derived).
//!
//! The format is documented in `docs/backup.md`.

pub mod export;
pub mod import;
mod tables;

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use migration::MigratorTrait;
use serde::{Deserialize, Serialize};

use crate::storage::StorageError;

/// `manifest.json`'s `format`.
pub const FORMAT: &str = "kronika-export";
/// Raised when the layout of the directory changes (not the tables' columns: `schema`).
pub const FORMAT_VERSION: u32 = 1;
const MANIFEST: &str = "manifest.json";
const MEDIA_DIR: &str = "media";

/// What `manifest.json` says of an export.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    /// The newest database migration of the exporting Kronika: the columns of the rows.
    pub schema: String,
    pub exported_at: DateTime<Utc>,
    /// Rows per table file.
    pub tables: BTreeMap<String, u64>,
    /// Files under `media/`.
    pub media_files: u64,
    /// Files the database names that the storage did not have (already lost before the
    /// export; the export says so instead of failing).
    pub missing_media: Vec<String>,
}

/// The newest migration of this build: what an import's `schema` must equal.
pub fn current_schema() -> String {
    migration::Migrator::migrations()
        .last()
        .map(|migration| migration.name().to_owned())
        .unwrap_or_default()
}

#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} exists and is not empty; an export goes into a new or empty directory")]
    TargetNotEmpty { path: PathBuf },
    #[error("{path}:{line}: {message}")]
    BadRow {
        path: PathBuf,
        line: u64,
        message: String,
    },
    #[error("{0}")]
    NotAnExport(String),
    #[error(
        "the database already holds {table} ({rows} rows); an export is imported into an empty database only"
    )]
    DatabaseNotEmpty { table: &'static str, rows: u64 },
    #[error("media file {path}: {message}")]
    Media { path: String, message: String },
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
}

impl TransferError {
    fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| Self::Io { path, source }
    }
}
