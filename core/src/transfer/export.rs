//! `kronika export DIR`: every table and every stored file, from one snapshot.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::Utc;
use entities::{
    account, article, article_attachment, article_path, article_revision, article_slug,
    article_source, article_tag, article_view_daily, attachment, gallery, gallery_photo, photo,
    section, tag,
};
use futures::TryStreamExt;
use sea_orm::{
    AccessMode, DatabaseConnection, DbBackend, EntityTrait, IsolationLevel, QueryOrder,
    TransactionTrait,
};

use super::tables::export_table;
use super::{FORMAT, FORMAT_VERSION, MANIFEST, MEDIA_DIR, Manifest, TransferError};
use crate::editing::photos::stored_widths;
use crate::images::RenditionFormat;
use crate::storage::{ContentHash, MediaKey, MediaStore};

/// Exports into `target`, which must not exist or be empty. Everything is written into a
/// sibling directory first and renamed into place at the end, so `target` never holds
/// half an export: it is complete or absent.
pub async fn export(
    db: &DatabaseConnection,
    media: &MediaStore,
    target: &Path,
) -> Result<Manifest, TransferError> {
    if target.exists() {
        let mut entries = std::fs::read_dir(target).map_err(TransferError::io(target))?;
        if entries.next().is_some() {
            return Err(TransferError::TargetNotEmpty {
                path: target.to_owned(),
            });
        }
    }
    let partial = partial_dir(target);
    if partial.exists() {
        // What a killed export left: never a usable export, so it goes.
        std::fs::remove_dir_all(&partial).map_err(TransferError::io(&partial))?;
    }
    std::fs::create_dir_all(&partial).map_err(TransferError::io(&partial))?;
    match write_export(db, media, &partial).await {
        Ok(manifest) => {
            if target.exists() {
                std::fs::remove_dir(target).map_err(TransferError::io(target))?;
            }
            std::fs::rename(&partial, target).map_err(TransferError::io(target))?;
            Ok(manifest)
        }
        Err(error) => {
            let _ = std::fs::remove_dir_all(&partial);
            Err(error)
        }
    }
}

/// `DIR.partial` beside `DIR`.
fn partial_dir(target: &Path) -> PathBuf {
    let mut name = target
        .file_name()
        .map(|name| name.to_os_string())
        .unwrap_or_default();
    name.push(".partial");
    target.with_file_name(name)
}

async fn write_export(
    db: &DatabaseConnection,
    media: &MediaStore,
    dir: &Path,
) -> Result<Manifest, TransferError> {
    // One snapshot for every table: on PostgreSQL a repeatable-read transaction; on
    // SQLite (write-ahead log) any read transaction sees the database as of its first read.
    let snapshot = match db.get_database_backend() {
        DbBackend::Postgres => {
            db.begin_with_config(
                Some(IsolationLevel::RepeatableRead),
                Some(AccessMode::ReadOnly),
            )
            .await?
        }
        _ => db.begin().await?,
    };
    let mut tables = BTreeMap::new();
    let mut note = |(name, rows): (String, u64)| {
        tables.insert(name, rows);
    };
    note(export_table::<account::Entity, _>(&snapshot, dir).await?);
    note(export_table::<section::Entity, _>(&snapshot, dir).await?);
    note(export_table::<tag::Entity, _>(&snapshot, dir).await?);
    note(export_table::<photo::Entity, _>(&snapshot, dir).await?);
    note(export_table::<gallery::Entity, _>(&snapshot, dir).await?);
    note(export_table::<gallery_photo::Entity, _>(&snapshot, dir).await?);
    note(export_table::<article::Entity, _>(&snapshot, dir).await?);
    note(export_table::<article_tag::Entity, _>(&snapshot, dir).await?);
    note(export_table::<article_slug::Entity, _>(&snapshot, dir).await?);
    note(export_table::<article_path::Entity, _>(&snapshot, dir).await?);
    note(export_table::<article_source::Entity, _>(&snapshot, dir).await?);
    note(export_table::<article_revision::Entity, _>(&snapshot, dir).await?);
    note(export_table::<article_view_daily::Entity, _>(&snapshot, dir).await?);
    note(export_table::<attachment::Entity, _>(&snapshot, dir).await?);
    note(export_table::<article_attachment::Entity, _>(&snapshot, dir).await?);
    let keys = media_keys(&snapshot).await?;
    snapshot.commit().await?;

    // Stored files never change (they are named by their content), so copying them after
    // the snapshot is safe; one deleted meanwhile is reported as missing.
    let (media_files, missing_media) = copy_media(media, &keys, &dir.join(MEDIA_DIR)).await?;
    let manifest = Manifest {
        format: FORMAT.to_owned(),
        format_version: FORMAT_VERSION,
        schema: super::current_schema(),
        exported_at: Utc::now(),
        tables,
        media_files,
        missing_media,
    };
    let path = dir.join(MANIFEST);
    let text = serde_json::to_vec_pretty(&manifest)
        .map_err(|error| TransferError::io(&path)(error.into()))?;
    std::fs::write(&path, text).map_err(TransferError::io(&path))?;
    Ok(manifest)
}

/// Every file the snapshot names: each photo's original and renditions, each
/// attachment's document.
async fn media_keys(db: &sea_orm::DatabaseTransaction) -> Result<Vec<MediaKey>, TransferError> {
    let mut keys = Vec::new();
    let mut photos = photo::Entity::find()
        .order_by_asc(photo::Column::Id)
        .stream(db)
        .await?;
    while let Some(photo) = photos.try_next().await? {
        let Some(hash) = photo.content_hash.as_deref().and_then(ContentHash::parse) else {
            continue;
        };
        if photo.original_format.is_some() {
            keys.push(MediaKey::Original { hash: hash.clone() });
        }
        for width in stored_widths(&photo) {
            for format in RenditionFormat::ALL {
                keys.push(MediaKey::Rendition {
                    hash: hash.clone(),
                    width,
                    format,
                });
            }
        }
    }
    // A stream holds the snapshot's connection until it is dropped: the next one waits
    // for it (for ever, on SQLite's single connection).
    drop(photos);
    let mut attachments = attachment::Entity::find()
        .order_by_asc(attachment::Column::Id)
        .stream(db)
        .await?;
    while let Some(attachment) = attachments.try_next().await? {
        if let Some(hash) = ContentHash::parse(&attachment.content_hash) {
            keys.push(MediaKey::Attachment { hash });
        }
    }
    // Photos (and attachments) sharing bytes share files.
    keys.sort_by_key(MediaKey::relative_path);
    keys.dedup();
    Ok(keys)
}

/// Copies `keys` from the storage under `media_dir`; returns how many were copied and
/// the paths of those the storage did not have.
async fn copy_media(
    media: &MediaStore,
    keys: &[MediaKey],
    media_dir: &Path,
) -> Result<(u64, Vec<String>), TransferError> {
    let mut copied = 0;
    let mut missing = Vec::new();
    for key in keys {
        let relative = key.relative_path();
        let Some(bytes) = media.get(key).await? else {
            missing.push(relative);
            continue;
        };
        let path = media_dir.join(&relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(TransferError::io(parent))?;
        }
        std::fs::write(&path, &bytes).map_err(TransferError::io(&path))?;
        copied += 1;
    }
    Ok((copied, missing))
}
