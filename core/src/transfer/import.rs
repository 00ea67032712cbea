//! `kronika import kronika DIR`: an export back into an empty database.

use std::path::Path;

use entities::{
    account, article, article_attachment, article_path, article_revision, article_slug,
    article_source, article_tag, article_view_daily, attachment, gallery, gallery_photo, photo,
    section, tag,
};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend};
use sha2::{Digest, Sha256};

use super::tables::{count, import_table};
use super::{FORMAT, FORMAT_VERSION, MANIFEST, MEDIA_DIR, Manifest, TransferError};
use crate::search::outbox;
use crate::storage::{MediaKey, MediaStore};

/// Tables whose `id` comes from a sequence on PostgreSQL; after rows arrive with their
/// own ids the sequences must continue past them.
const TABLES_WITH_SEQUENCES: [&str; 8] = [
    "accounts",
    "attachments",
    "sections",
    "tags",
    "photos",
    "galleries",
    "articles",
    "article_revisions",
];

/// Restores the export in `dir`. The database must hold no content and no accounts. The
/// files go to the storage first (named by their content, they change nothing a reader
/// sees); then every row is written in one transaction, so a damaged file leaves the
/// database as it was. A search index rebuild is queued for the next start.
pub async fn import(
    db: &DatabaseConnection,
    media: &MediaStore,
    dir: &Path,
) -> Result<Manifest, TransferError> {
    let manifest = read_manifest(dir)?;
    refuse_unless_empty(db).await?;
    copy_media_in(media, &dir.join(MEDIA_DIR)).await?;

    let transaction = crate::db::begin_write(db).await?;
    let mut imported = std::collections::BTreeMap::new();
    let mut note = |(name, rows): (String, u64)| {
        imported.insert(name, rows);
    };
    note(import_table::<account::Entity, _>(&transaction, dir).await?);
    note(import_table::<section::Entity, _>(&transaction, dir).await?);
    note(import_table::<tag::Entity, _>(&transaction, dir).await?);
    note(import_table::<photo::Entity, _>(&transaction, dir).await?);
    note(import_table::<gallery::Entity, _>(&transaction, dir).await?);
    note(import_table::<gallery_photo::Entity, _>(&transaction, dir).await?);
    note(import_table::<article::Entity, _>(&transaction, dir).await?);
    note(import_table::<article_tag::Entity, _>(&transaction, dir).await?);
    note(import_table::<article_slug::Entity, _>(&transaction, dir).await?);
    note(import_table::<article_path::Entity, _>(&transaction, dir).await?);
    note(import_table::<article_source::Entity, _>(&transaction, dir).await?);
    note(import_table::<article_revision::Entity, _>(&transaction, dir).await?);
    note(import_table::<article_view_daily::Entity, _>(&transaction, dir).await?);
    note(import_table::<attachment::Entity, _>(&transaction, dir).await?);
    note(import_table::<article_attachment::Entity, _>(&transaction, dir).await?);
    // A truncated file parses fine; the manifest's counts tell.
    if imported != manifest.tables {
        return Err(TransferError::NotAnExport(format!(
            "the files hold {imported:?} rows, the manifest says {:?}: the export is incomplete",
            manifest.tables
        )));
    }
    if transaction.get_database_backend() == DbBackend::Postgres {
        for table in TABLES_WITH_SEQUENCES {
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                 COALESCE(MAX(id), 0) + 1, false) FROM {table}"
            );
            transaction.execute_unprepared(&sql).await?;
        }
    }
    outbox::enqueue_rebuild(&transaction).await?;
    transaction.commit().await?;
    Ok(manifest)
}

fn read_manifest(dir: &Path) -> Result<Manifest, TransferError> {
    let path = dir.join(MANIFEST);
    let text = std::fs::read(&path).map_err(TransferError::io(&path))?;
    let manifest: Manifest = serde_json::from_slice(&text)
        .map_err(|error| TransferError::NotAnExport(format!("{}: {error}", path.display())))?;
    if manifest.format != FORMAT || manifest.format_version != FORMAT_VERSION {
        return Err(TransferError::NotAnExport(format!(
            "{} is not a Kronika export of format version {FORMAT_VERSION}",
            path.display()
        )));
    }
    let schema = super::current_schema();
    if manifest.schema != schema {
        return Err(TransferError::NotAnExport(format!(
            "the export's rows have the columns of database migration {}, this Kronika's are those of {schema}: import it with the Kronika that made it, migrate, and export again",
            manifest.schema
        )));
    }
    Ok(manifest)
}

async fn refuse_unless_empty(db: &DatabaseConnection) -> Result<(), TransferError> {
    let counts = [
        ("accounts", count::<account::Entity>(db).await?),
        ("sections", count::<section::Entity>(db).await?),
        ("tags", count::<tag::Entity>(db).await?),
        ("photos", count::<photo::Entity>(db).await?),
        ("galleries", count::<gallery::Entity>(db).await?),
        ("articles", count::<article::Entity>(db).await?),
        ("attachments", count::<attachment::Entity>(db).await?),
    ];
    match counts.into_iter().find(|(_, rows)| *rows > 0) {
        Some((table, rows)) => Err(TransferError::DatabaseNotEmpty { table, rows }),
        None => Ok(()),
    }
}

/// Puts every file under `media_dir` into the storage under its key. A file outside the
/// layout, or an original or attachment whose bytes do not have the SHA-256 it is named by, stops the
/// import before the database is touched.
async fn copy_media_in(media: &MediaStore, media_dir: &Path) -> Result<(), TransferError> {
    if !media_dir.exists() {
        return Ok(());
    }
    let mut pending = vec![media_dir.to_owned()];
    while let Some(directory) = pending.pop() {
        let entries = std::fs::read_dir(&directory).map_err(TransferError::io(&directory))?;
        for entry in entries {
            let entry = entry.map_err(TransferError::io(&directory))?;
            let path = entry.path();
            let kind = entry.file_type().map_err(TransferError::io(&path))?;
            if kind.is_dir() {
                pending.push(path);
                continue;
            }
            let relative = path
                .strip_prefix(media_dir)
                .ok()
                .and_then(Path::to_str)
                .map(|text| text.replace(std::path::MAIN_SEPARATOR, "/"))
                .unwrap_or_default();
            let Some(key) = MediaKey::from_relative_path(&relative).filter(|_| kind.is_file())
            else {
                return Err(TransferError::Media {
                    path: path.display().to_string(),
                    message:
                        "not a file of the media layout (originals/…, renditions/…, attachments/…)"
                            .to_owned(),
                });
            };
            let bytes = std::fs::read(&path).map_err(TransferError::io(&path))?;
            if let MediaKey::Original { hash } | MediaKey::Attachment { hash } = &key {
                let actual = hex::encode(Sha256::digest(&bytes));
                if actual != hash.as_str() {
                    return Err(TransferError::Media {
                        path: relative,
                        message: format!("damaged: its SHA-256 is {actual}"),
                    });
                }
            }
            media.put(&key, bytes.into()).await?;
        }
    }
    Ok(())
}
