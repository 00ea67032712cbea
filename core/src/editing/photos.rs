//! Uploading, describing and deleting photos.
//!
//! An upload is processed in memory first (`images`), then its files are stored, and
//! only then is the row written, in one transaction; a refused or failed upload leaves
//! no row and no file. Files are content-addressed and shared by every photo row with
//! the same original, so deleting a photo removes its files only when no other row uses
//! them.

use std::sync::Arc;

use bytes::Bytes;
use chrono::Utc;
use entities::{article, gallery, gallery_photo, photo};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, JoinType, PaginatorTrait,
    QueryFilter, QuerySelect, RelationTrait, Set,
};

use super::{EditError, remove_files, valid_text};
use crate::auth::Actor;
use crate::changes::ContentChange;
use crate::content::photo_library::photo_search_text;
use crate::content::write::PhotoFiles;
use crate::domain::ArticleStatus;
use crate::images::{ImagePipeline, RenditionFormat, metadata};
use crate::storage::{ContentHash, MediaKey, MediaStore};
use crate::store::ContentStore;

const MAX_CAPTION_CHARS: usize = 2_000;
const MAX_CREDIT_CHARS: usize = 200;
const MAX_ALT_CHARS: usize = 1_000;

/// The words that go with a photo; `None` leaves a field as it is (or, on upload,
/// empty; an empty credit on upload is filled from the file's metadata if it can be).
#[derive(Clone, Debug, Default)]
pub struct PhotoText {
    pub caption: Option<String>,
    pub credit: Option<String>,
    pub alt: Option<String>,
}

/// What an upload needs besides the database.
#[derive(Clone, Debug)]
pub struct PhotoServices {
    pub media: MediaStore,
    pub pipeline: ImagePipeline,
    pub zone: chrono_tz::Tz,
}

fn valid_texts(text: &PhotoText) -> Result<PhotoText, EditError> {
    Ok(PhotoText {
        caption: text
            .caption
            .as_deref()
            .map(|value| valid_text("caption", value, MAX_CAPTION_CHARS))
            .transpose()?,
        credit: text
            .credit
            .as_deref()
            .map(|value| valid_text("credit", value, MAX_CREDIT_CHARS))
            .transpose()?,
        alt: text
            .alt
            .as_deref()
            .map(|value| valid_text("alt", value, MAX_ALT_CHARS))
            .transpose()?,
    })
}

/// Every file of a photo: the original and each rendition.
pub fn files_of(hash: &ContentHash, widths: &[u32]) -> Vec<MediaKey> {
    let mut keys = vec![MediaKey::Original { hash: hash.clone() }];
    for width in widths {
        for format in RenditionFormat::ALL {
            keys.push(MediaKey::Rendition {
                hash: hash.clone(),
                width: *width,
                format,
            });
        }
    }
    keys
}

/// The widths stored in `rendition_widths`.
pub fn stored_widths(photo: &photo::Model) -> Vec<u32> {
    widths_of(photo.rendition_widths.as_deref())
}

/// The widths in a `rendition_widths` value (comma-separated).
pub fn widths_of(rendition_widths: Option<&str>) -> Vec<u32> {
    rendition_widths
        .unwrap_or_default()
        .split(',')
        .filter_map(|width| width.parse().ok())
        .collect()
}

fn widths_text(widths: &[u32]) -> String {
    widths
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// What storing an original produced: the columns for its row, the credit its metadata
/// suggests, and the files written now (none when the same bytes were stored before).
pub struct StoredOriginal {
    pub files: PhotoFiles,
    pub width: i32,
    pub height: i32,
    pub suggested_credit: Option<String>,
    written: Vec<MediaKey>,
}

impl StoredOriginal {
    /// Removes the files this upload wrote, when its row could not be saved.
    pub async fn discard(self, media: &MediaStore) {
        remove_files(media, &self.written).await;
    }
}

/// Processes an original and stores it with its renditions, or reuses the files of an
/// earlier upload of the same bytes. Nothing is written unless processing succeeds.
pub async fn store_original(
    db: &impl ConnectionTrait,
    services: &PhotoServices,
    bytes: Bytes,
) -> Result<StoredOriginal, EditError> {
    let hash = crate::images::pipeline::content_hash(&bytes);
    let twin = photo::Entity::find()
        .filter(photo::Column::ContentHash.eq(hash.as_str()))
        .filter(photo::Column::RenditionWidths.is_not_null())
        .one(db)
        .await?;
    if let Some(twin) = twin
        && let Some(files) = files_of_row(&twin)
    {
        // The same bytes were uploaded before: their files are stored; reuse what the
        // pipeline found then, and store nothing again.
        return Ok(StoredOriginal {
            files,
            width: twin.width,
            height: twin.height,
            suggested_credit: metadata::read(&bytes, services.zone).credit,
            written: Vec::new(),
        });
    }
    let processed = services.pipeline.process(Arc::new(bytes.to_vec())).await?;
    let content_hash = ContentHash::parse(&processed.content_hash)
        .ok_or_else(|| EditError::invalid("file", "the content hash is malformed"))?;
    let files = PhotoFiles {
        content_hash: processed.content_hash.clone(),
        original_format: processed.format.name().to_owned(),
        original_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
        taken_at: processed.taken_at,
        placeholder: processed.placeholder.clone(),
        blurhash: processed.blurhash.clone(),
        dominant_color: processed.dominant_color.clone(),
        rendition_widths: widths_text(&processed.widths()),
    };
    let mut stored = StoredOriginal {
        files,
        width: i32::try_from(processed.width).unwrap_or(i32::MAX),
        height: i32::try_from(processed.height).unwrap_or(i32::MAX),
        suggested_credit: processed.suggested_credit.clone(),
        written: Vec::new(),
    };
    let mut to_write = vec![(
        MediaKey::Original {
            hash: content_hash.clone(),
        },
        bytes,
    )];
    for rendition in processed.renditions {
        to_write.push((
            MediaKey::Rendition {
                hash: content_hash.clone(),
                width: rendition.width,
                format: rendition.format,
            },
            Bytes::from(rendition.bytes),
        ));
    }
    for (key, file) in to_write {
        if let Err(error) = services.media.put(&key, file).await {
            stored.discard(&services.media).await;
            return Err(error.into());
        }
        stored.written.push(key);
    }
    Ok(stored)
}

fn files_of_row(row: &photo::Model) -> Option<PhotoFiles> {
    Some(PhotoFiles {
        content_hash: row.content_hash.clone()?,
        original_format: row.original_format.clone()?,
        original_bytes: row.original_bytes?,
        taken_at: row.taken_at,
        placeholder: row.placeholder.clone()?,
        blurhash: row.blurhash.clone()?,
        dominant_color: row.dominant_color.clone()?,
        rendition_widths: row.rendition_widths.clone()?,
    })
}

/// Stores an uploaded photo. Any account may upload.
pub async fn upload(
    store: &ContentStore,
    services: &PhotoServices,
    actor: &Actor,
    bytes: Bytes,
    text: PhotoText,
) -> Result<photo::Model, EditError> {
    let db = store.db();
    let text = valid_texts(&text)?;
    let stored = store_original(db, services, bytes).await?;
    let now = Utc::now();
    let credit = text
        .credit
        .filter(|credit| !credit.is_empty())
        .or_else(|| stored.suggested_credit.clone())
        .unwrap_or_default();
    let caption = text.caption.unwrap_or_default();
    let mut row = photo::ActiveModel {
        search_text: Set(photo_search_text(&caption, &credit)),
        caption: Set(caption),
        credit: Set(credit),
        alt: Set(text.alt.unwrap_or_default()),
        width: Set(stored.width),
        height: Set(stored.height),
        uploaded_by: Set(Some(actor.account_id)),
        created_at: Set(now),
        updated_at: Set(Some(now)),
        ..Default::default()
    };
    stored.files.apply(&mut row);
    let inserted = async {
        let transaction = crate::db::begin_write(db).await?;
        let inserted = row.insert(&transaction).await?;
        transaction.commit().await?;
        Ok::<_, EditError>(inserted)
    }
    .await;
    if inserted.is_err() {
        stored.discard(&services.media).await;
    }
    inserted
}

/// Changes a photo's caption, credit or alt text.
pub async fn update(
    store: &ContentStore,
    actor: &Actor,
    photo_id: i64,
    text: PhotoText,
) -> Result<photo::Model, EditError> {
    let db = store.db();
    let text = valid_texts(&text)?;
    let transaction = crate::db::begin_write(db).await?;
    let found = photo_actor_may_edit(
        &transaction,
        actor,
        photo_id,
        "authors change only photos they uploaded",
    )
    .await?;
    let search_text = photo_search_text(
        text.caption.as_deref().unwrap_or(&found.caption),
        text.credit.as_deref().unwrap_or(&found.credit),
    );
    let mut changed: photo::ActiveModel = found.into();
    changed.search_text = Set(search_text);
    if let Some(caption) = text.caption {
        changed.caption = Set(caption);
    }
    if let Some(credit) = text.credit {
        changed.credit = Set(credit);
    }
    if let Some(alt) = text.alt {
        changed.alt = Set(alt);
    }
    changed.updated_at = Set(Some(Utc::now()));
    let updated = changed.update(&transaction).await?;
    reindex_articles_showing(&transaction, photo_id).await?;
    // Any gallery and any article showing the photo may have changed.
    store.commit(transaction, ContentChange::Everything).await?;
    Ok(updated)
}

/// How many published articles show `photo_id` through their gallery.
/// The photo, when the actor may change or delete it (editors any, authors their own);
/// `forbidden` says what an author may not do.
async fn photo_actor_may_edit(
    transaction: &impl ConnectionTrait,
    actor: &Actor,
    photo_id: i64,
    forbidden: &'static str,
) -> Result<photo::Model, EditError> {
    let found = photo::Entity::find_by_id(photo_id)
        .one(transaction)
        .await?
        .ok_or(EditError::NotFound("photo"))?;
    if !actor
        .role
        .can_edit_media(actor.account_id, found.uploaded_by)
    {
        return Err(EditError::Forbidden(forbidden));
    }
    Ok(found)
}

/// Queues a search update for every article whose gallery shows the photo: its caption
/// is part of their search documents.
async fn reindex_articles_showing(
    transaction: &impl ConnectionTrait,
    photo_id: i64,
) -> Result<(), EditError> {
    let gallery_ids: Vec<i64> = gallery_photo::Entity::find()
        .filter(gallery_photo::Column::PhotoId.eq(photo_id))
        .all(transaction)
        .await?
        .into_iter()
        .map(|row| row.gallery_id)
        .collect();
    for gallery_id in gallery_ids {
        crate::search::outbox::enqueue_articles_using_gallery(transaction, gallery_id).await?;
    }
    Ok(())
}

pub async fn published_uses(db: &impl ConnectionTrait, photo_id: i64) -> Result<u64, EditError> {
    Ok(article::Entity::find()
        .join(JoinType::InnerJoin, article::Relation::Gallery.def())
        .join(JoinType::InnerJoin, gallery::Relation::GalleryPhoto.def())
        .filter(gallery_photo::Column::PhotoId.eq(photo_id))
        .filter(article::Column::Status.eq(ArticleStatus::Published))
        .count(db)
        .await?)
}

/// Deletes a photo: from every gallery, as any gallery's cover, and its files when no
/// other photo uses them. While a published article shows it, only `force` (editors and
/// admins) deletes it.
pub async fn delete(
    store: &ContentStore,
    media: &MediaStore,
    actor: &Actor,
    photo_id: i64,
    force: bool,
) -> Result<(), EditError> {
    let db = store.db();
    let transaction = crate::db::begin_write(db).await?;
    let found = photo_actor_may_edit(
        &transaction,
        actor,
        photo_id,
        "authors delete only photos they uploaded",
    )
    .await?;
    let uses = published_uses(&transaction, photo_id).await?;
    if uses > 0 {
        if !force {
            return Err(EditError::Conflict(format!(
                "{uses} published articles show this photo; remove it from their galleries \
                 first, or delete with force: true"
            )));
        }
        if !actor.role.can_force_delete_media() {
            return Err(EditError::Forbidden(
                "only editors and admins delete photos that published articles show",
            ));
        }
    }
    gallery::Entity::update_many()
        .col_expr(
            gallery::Column::CoverPhotoId,
            Expr::value(Option::<i64>::None),
        )
        .filter(gallery::Column::CoverPhotoId.eq(photo_id))
        .exec(&transaction)
        .await?;
    reindex_articles_showing(&transaction, photo_id).await?;
    gallery_photo::Entity::delete_many()
        .filter(gallery_photo::Column::PhotoId.eq(photo_id))
        .exec(&transaction)
        .await?;
    photo::Entity::delete_by_id(photo_id)
        .exec(&transaction)
        .await?;
    let still_used = match &found.content_hash {
        Some(hash) => {
            photo::Entity::find()
                .filter(photo::Column::ContentHash.eq(hash.as_str()))
                .count(&transaction)
                .await?
                > 0
        }
        None => true,
    };
    store.commit(transaction, ContentChange::Everything).await?;
    if !still_used && let Some(hash) = found.content_hash.as_deref().and_then(ContentHash::parse) {
        // After the commit: a failure here leaves unused files, never a row without them.
        remove_files(media, &files_of(&hash, &stored_widths(&found))).await;
    }
    Ok(())
}
