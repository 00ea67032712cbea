//! Where media files (photos and attachments) live: a local directory by default, S3-compatible object storage in
//! production. Both sit behind `object_store`'s one trait, so the rest of the server
//! never knows which; on a local disk every write goes to a temporary name and is
//! renamed into place, so a reader never sees half a file.
//!
//! Files are content-addressed: an original is stored under the SHA-256 of its bytes and
//! its renditions under that hash, width and format. The same bytes uploaded twice are
//! stored once, and a URL's content never changes, so it can be cached for good.

use std::path::Path as FsPath;
use std::sync::Arc;

use bytes::Bytes;
use futures::stream::BoxStream;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt, PutPayload};

use crate::images::RenditionFormat;
use crate::settings::{S3Config, StorageConfig};

/// One stored file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MediaKey {
    Original {
        hash: ContentHash,
    },
    Rendition {
        hash: ContentHash,
        width: u32,
        format: RenditionFormat,
    },
    /// An attachment's document, stored as uploaded (or with its metadata removed).
    Attachment {
        hash: ContentHash,
    },
}

impl MediaKey {
    fn path(&self) -> Path {
        match self {
            Self::Original { hash } => Path::from(format!("originals/{}", hash.0)),
            Self::Rendition {
                hash,
                width,
                format,
            } => Path::from(format!(
                "renditions/{}/{width}.{}",
                hash.0,
                format.extension()
            )),
            Self::Attachment { hash } => Path::from(format!("attachments/{}", hash.0)),
        }
    }
}

impl MediaKey {
    /// The key's path under the storage root (`originals/<sha256>`,
    /// `renditions/<sha256>/<width>.<ext>`, `attachments/<sha256>`): how an export names
    /// its files.
    pub fn relative_path(&self) -> String {
        self.path().to_string()
    }

    /// The key a path of [`relative_path`](Self::relative_path)'s form names; `None` for
    /// any other path, so that no file of an import lands outside the media layout.
    pub fn from_relative_path(path: &str) -> Option<Self> {
        let parts: Vec<&str> = path.split('/').collect();
        match parts.as_slice() {
            ["originals", hash] => Some(Self::Original {
                hash: ContentHash::parse(hash)?,
            }),
            ["attachments", hash] => Some(Self::Attachment {
                hash: ContentHash::parse(hash)?,
            }),
            ["renditions", hash, file] => {
                let (width_text, extension) = file.split_once('.')?;
                let width: u32 = width_text.parse().ok()?;
                // `parse` accepts "+5" and "05"; the layout writes neither.
                if width.to_string() != width_text {
                    return None;
                }
                let format = RenditionFormat::ALL
                    .into_iter()
                    .find(|format| format.extension() == extension)?;
                Some(Self::Rendition {
                    hash: ContentHash::parse(hash)?,
                    width,
                    format,
                })
            }
            _ => None,
        }
    }
}

/// A SHA-256 in lower-case hex, checked, so that no other text becomes a storage path.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ContentHash(String);

impl ContentHash {
    pub fn parse(text: &str) -> Option<Self> {
        let valid = text.len() == 64
            && text
                .bytes()
                .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte));
        valid.then(|| Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("cannot open the media storage: {0}")]
    Open(String),
    #[error("media storage failed: {0}")]
    Io(#[from] object_store::Error),
}

/// The media files of one server. Cloning is cheap.
#[derive(Clone)]
pub struct MediaStore {
    store: Arc<dyn ObjectStore>,
}

impl std::fmt::Debug for MediaStore {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "MediaStore({})", self.store)
    }
}

impl MediaStore {
    /// Opens the configured storage; `data_dir` holds `media/` when storage is local.
    pub fn open(config: &StorageConfig, data_dir: &FsPath) -> Result<Self, StorageError> {
        match config {
            StorageConfig::Local => Self::local(&data_dir.join("media")),
            StorageConfig::S3(s3) => Self::s3(s3),
        }
    }

    pub fn local(directory: &FsPath) -> Result<Self, StorageError> {
        std::fs::create_dir_all(directory)
            .map_err(|error| StorageError::Open(format!("{}: {error}", directory.display())))?;
        let store = LocalFileSystem::new_with_prefix(directory)
            .map_err(|error| StorageError::Open(error.to_string()))?
            // Deleting the last file of a rendition directory removes the directory too.
            .with_automatic_cleanup(true);
        Ok(Self {
            store: Arc::new(store),
        })
    }

    pub fn s3(config: &S3Config) -> Result<Self, StorageError> {
        // reqwest is built without a crypto provider of its own (see Cargo.toml); ring
        // is the one the rest of the server already uses. A second call finds it set.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&config.bucket)
            .with_region(&config.region)
            .with_allow_http(config.allow_http);
        if let Some(endpoint) = &config.endpoint {
            builder = builder.with_endpoint(endpoint);
        }
        if let Some(access_key_id) = &config.access_key_id {
            builder = builder.with_access_key_id(access_key_id);
        }
        if let Some(secret) = &config.secret_access_key {
            builder = builder.with_secret_access_key(secret.expose());
        }
        let store = builder
            .build()
            .map_err(|error| StorageError::Open(error.to_string()))?;
        Ok(Self {
            store: Arc::new(store),
        })
    }

    pub async fn put(&self, key: &MediaKey, bytes: Bytes) -> Result<(), StorageError> {
        self.store
            .put(&key.path(), PutPayload::from_bytes(bytes))
            .await?;
        Ok(())
    }

    /// The file's bytes, or `None` when there is no such file.
    pub async fn get(&self, key: &MediaKey) -> Result<Option<Bytes>, StorageError> {
        match self.store.get(&key.path()).await {
            Ok(found) => Ok(Some(found.bytes().await?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(error) => Err(error.into()),
        }
    }

    /// The file's size in bytes, or `None` when there is no such file.
    pub async fn size(&self, key: &MediaKey) -> Result<Option<u64>, StorageError> {
        match self.store.head(&key.path()).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(error) => Err(error.into()),
        }
    }

    /// A file (or the bytes `range` of it) as a stream of chunks, so that a large
    /// document is sent without ever being held in memory whole; `None` when there is
    /// no such file.
    pub async fn get_stream(
        &self,
        key: &MediaKey,
        range: Option<std::ops::Range<u64>>,
    ) -> Result<Option<BoxStream<'static, Result<Bytes, object_store::Error>>>, StorageError> {
        let options = GetOptions {
            range: range.map(GetRange::from),
            ..GetOptions::default()
        };
        match self.store.get_opts(&key.path(), options).await {
            Ok(found) => Ok(Some(found.into_stream())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(error) => Err(error.into()),
        }
    }

    pub async fn exists(&self, key: &MediaKey) -> Result<bool, StorageError> {
        match self.store.head(&key.path()).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(error) => Err(error.into()),
        }
    }

    /// Whether the storage answers, for `/ready`: asks for a file that never exists, so
    /// "not found" is the healthy answer and any other is a failure.
    pub async fn check(&self) -> Result<(), StorageError> {
        match self.store.head(&Path::from("readiness-probe")).await {
            Ok(_) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(error.into()),
        }
    }

    /// Removes a file; one that is already gone is not an error.
    pub async fn delete(&self, key: &MediaKey) -> Result<(), StorageError> {
        match self.store.delete(&key.path()).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(error.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_media_key_survives_its_relative_path_and_nothing_else_parses() {
        let hash = ContentHash::parse(&"ab".repeat(32)).unwrap_or_else(|| panic!("valid"));
        for key in [
            MediaKey::Original { hash: hash.clone() },
            MediaKey::Rendition {
                hash: hash.clone(),
                width: 640,
                format: RenditionFormat::Webp,
            },
            MediaKey::Rendition {
                hash: hash.clone(),
                width: 1280,
                format: RenditionFormat::Jpeg,
            },
            MediaKey::Attachment { hash: hash.clone() },
        ] {
            assert_eq!(
                MediaKey::from_relative_path(&key.relative_path()),
                Some(key)
            );
        }
        let h = hash.as_str();
        for hostile in [
            format!("originals/{h}/../../etc/passwd"),
            format!("../originals/{h}"),
            format!("renditions/{h}/0640.jpg"),
            format!("renditions/{h}/+640.jpg"),
            format!("renditions/{h}/640.png"),
            "originals/ABCDEF".to_owned(),
            format!("thumbnails/{h}"),
            format!("attachments/{h}/regulamin.pdf"),
        ] {
            assert_eq!(MediaKey::from_relative_path(&hostile), None, "{hostile}");
        }
    }
}
