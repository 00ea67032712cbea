//! Uploading, describing, attaching and deleting attachments.
//!
//! An upload is read in full first (`attachments::inspect`, on a blocking thread, within
//! the time budget), then its file is stored, and only then is the row written; a
//! refused or failed upload leaves no row and no file. Files are content-addressed and
//! shared by every attachment row with the same bytes, so deleting an attachment removes
//! its file only when no other row uses it.

use std::sync::Arc;

use bytes::Bytes;
use chrono::Utc;
use entities::{article, article_attachment, attachment};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, JoinType, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, RelationTrait, Set,
};

use super::{EditError, remove_files, valid_text};
use crate::attachments::{self, AttachmentError, ExtractedText, Inspection, Limits};
use crate::auth::Actor;
use crate::changes::ContentChange;
use crate::content::Audience;
use crate::content::attachments::usable_by;
use crate::domain::ArticleStatus;
use crate::search::outbox::{self, Operation};
use crate::storage::{ContentHash, MediaKey, MediaStore};
use crate::store::ContentStore;
use tokio::sync::Semaphore;

const MAX_TITLE_CHARS: usize = 300;
const MAX_DESCRIPTION_CHARS: usize = 2_000;
const MAX_FILE_NAME_CHARS: usize = 200;
/// The language of a document whose uploader named none: the site's.
const DEFAULT_LANGUAGE: &str = "pl";

/// `text_status` of an attachment whose text was read.
pub const TEXT_EXTRACTED: &str = "extracted";
/// `text_status` of an attachment kept without text; `text_problem` says why.
pub const TEXT_NONE: &str = "none";

/// What an upload needs besides the database.
#[derive(Clone, Debug)]
pub struct AttachmentServices {
    pub media: MediaStore,
    pub limits: Limits,
    /// How many files are read at once. Each holds its document (up to the upload
    /// limit) and what the reader builds from it; more uploads wait here rather than
    /// all reading at once and taking the server's memory.
    pub readers: Arc<Semaphore>,
}

impl AttachmentServices {
    pub fn new(media: MediaStore, limits: Limits, readers: usize) -> Self {
        Self {
            media,
            limits,
            readers: Arc::new(Semaphore::new(readers.max(1))),
        }
    }
}

/// The words that go with an attachment; `None` leaves a field as it is (on upload: the
/// title is required, the description empty, the language Polish).
#[derive(Clone, Debug, Default)]
pub struct AttachmentText {
    pub title: Option<String>,
    pub description: Option<String>,
    pub language: Option<String>,
}

/// One uploaded file.
#[derive(Clone, Debug)]
pub struct AttachmentUpload {
    /// The name the file had on the uploader's computer, as the client sent it.
    pub file_name: String,
    pub bytes: Bytes,
    pub text: AttachmentText,
    /// Take the document's personal metadata (author, last editor, paths) out of the
    /// stored file.
    pub remove_metadata: bool,
}

fn valid_texts(text: &AttachmentText) -> Result<AttachmentText, EditError> {
    let title = text
        .title
        .as_deref()
        .map(|title| {
            let title = title.trim();
            if title.is_empty() {
                return Err(EditError::invalid(
                    "title",
                    "an attachment needs a title: it is the link text readers hear",
                ));
            }
            valid_text("title", title, MAX_TITLE_CHARS)
        })
        .transpose()?;
    let description = text
        .description
        .as_deref()
        .map(|description| valid_text("description", description, MAX_DESCRIPTION_CHARS))
        .transpose()?;
    let language = text.language.as_deref().map(valid_language).transpose()?;
    Ok(AttachmentText {
        title,
        description,
        language,
    })
}

/// A language tag of the simple form frontends put into `hreflang`: `pl`, `en`,
/// `en-GB`, `szl`; lower-cased primary subtag.
fn valid_language(language: &str) -> Result<String, EditError> {
    let language = language.trim();
    let mut subtags = language.split('-');
    let primary = subtags.next().unwrap_or_default();
    let primary_ok =
        (2..=3).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_alphabetic());
    let rest_ok = subtags.all(|subtag| {
        (1..=8).contains(&subtag.len()) && subtag.chars().all(|c| c.is_ascii_alphanumeric())
    });
    if !primary_ok || !rest_ok {
        return Err(EditError::invalid(
            "language",
            "a language tag such as pl, en or en-GB",
        ));
    }
    let (primary, rest) = language.split_at(primary.len());
    Ok(format!("{}{rest}", primary.to_ascii_lowercase()))
}

/// The original file name without any directory a browser may have sent, without
/// control characters, at most 200 characters; an empty name becomes `załącznik`.
pub fn clean_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_FILE_NAME_CHARS)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    if cleaned.is_empty() {
        "załącznik".to_owned()
    } else {
        cleaned.to_owned()
    }
}

/// The last part of an attachment's URL: the file name as a slug with the extension of
/// the format detected (`Regulamin naboru.PDF` → `regulamin-naboru.pdf`). Only for
/// reading; the file is found by its hash.
pub fn url_file_name(file_name: &str, format: &str) -> String {
    let stem = file_name
        .rsplit_once('.')
        .map_or(file_name, |(stem, _)| stem);
    let slug = slug::slugify(stem);
    let slug = if slug.is_empty() {
        "zalacznik".to_owned()
    } else {
        slug
    };
    // The format's key is its usual extension.
    format!("{slug}.{format}")
}

/// Reads a file on a blocking thread. The reader keeps to `limits.text_time` for text;
/// the outer bound (three times that) is for a structure so pathological that even the
/// checks before the text run long: the upload is refused rather than held for ever.
async fn inspect(bytes: Bytes, services: &AttachmentServices) -> Result<Inspection, EditError> {
    let limits = &services.limits;
    // The semaphore is never closed, so acquiring fails only if it were.
    let _reader = services
        .readers
        .acquire()
        .await
        .map_err(|error| AttachmentError::Unreadable(error.to_string()))?;
    let reader_limits = limits.clone();
    let reading = tokio::task::spawn_blocking(move || attachments::inspect(&bytes, &reader_limits));
    match tokio::time::timeout(limits.text_time * 3, reading).await {
        Ok(Ok(result)) => Ok(result?),
        Ok(Err(join_error)) => Err(AttachmentError::Unreadable(format!(
            "the file could not be read: {join_error}"
        ))
        .into()),
        Err(_) => Err(AttachmentError::Unreadable(
            "reading the file took too long; save it again in a simpler form".to_owned(),
        )
        .into()),
    }
}

/// The file to store and what it holds: the upload (re-encoded as UTF-8 when it was text
/// in a legacy encoding), without its personal metadata when asked, read again after
/// that so the stored file is known to open.
async fn prepare(
    bytes: Bytes,
    remove_metadata: bool,
    services: &AttachmentServices,
) -> Result<(Bytes, Inspection), EditError> {
    let mut inspection = inspect(bytes.clone(), services).await?;
    let mut stored = match inspection.stored_bytes.take() {
        Some(reencoded) => Bytes::from(reencoded),
        None => bytes,
    };
    if remove_metadata && !inspection.metadata.is_empty() {
        let cleaned = without_metadata(stored, &inspection, &services.limits).await?;
        inspection = inspect(cleaned.clone(), services).await?;
        stored = cleaned;
    }
    Ok((stored, inspection))
}

async fn without_metadata(
    bytes: Bytes,
    inspection: &Inspection,
    limits: &Limits,
) -> Result<Bytes, EditError> {
    if !inspection.metadata_removable {
        return Err(EditError::invalid(
            "removeMetadata",
            format!(
                "the metadata of this {} cannot be removed without breaking it (a signed \
                 document keeps it); upload it without removing metadata",
                inspection.format.label()
            ),
        ));
    }
    let format = inspection.format;
    let reader_limits = limits.clone();
    let removed = tokio::task::spawn_blocking(move || {
        attachments::remove_metadata(&bytes, format, &reader_limits)
    })
    .await
    .map_err(|error| AttachmentError::Unreadable(format!("removing metadata failed: {error}")))??;
    removed.map(Bytes::from).ok_or_else(|| {
        EditError::invalid(
            "removeMetadata",
            "this file's metadata cannot be removed without breaking it",
        )
    })
}

/// The columns an inspection fills.
struct FileColumns {
    format: String,
    size_bytes: i64,
    pages: Option<i32>,
    content_hash: String,
    text: String,
    text_status: String,
    text_problem: Option<String>,
    metadata_json: String,
}

impl FileColumns {
    fn of(stored: &[u8], inspection: Inspection) -> Result<Self, EditError> {
        let (text, text_status, text_problem) = match inspection.text {
            ExtractedText::Text(text) => (text, TEXT_EXTRACTED, None),
            ExtractedText::None { reason } => (String::new(), TEXT_NONE, Some(reason)),
        };
        Ok(Self {
            format: inspection.format.key().to_owned(),
            size_bytes: i64::try_from(stored.len()).unwrap_or(i64::MAX),
            pages: inspection
                .pages
                .map(|pages| i32::try_from(pages).unwrap_or(i32::MAX)),
            content_hash: crate::images::pipeline::content_hash(stored),
            text,
            text_status: text_status.to_owned(),
            text_problem,
            metadata_json: serde_json::to_string(&inspection.metadata)
                .map_err(|error| EditError::invalid("file", error.to_string()))?,
        })
    }

    fn apply(self, row: &mut attachment::ActiveModel) {
        row.format = Set(self.format);
        row.size_bytes = Set(self.size_bytes);
        row.pages = Set(self.pages);
        row.content_hash = Set(self.content_hash);
        row.text = Set(self.text);
        row.text_status = Set(self.text_status);
        row.text_problem = Set(self.text_problem);
        row.metadata_json = Set(self.metadata_json);
    }
}

fn key_of(hash: &str) -> Result<MediaKey, EditError> {
    let hash = ContentHash::parse(hash)
        .ok_or_else(|| EditError::invalid("file", "the content hash is malformed"))?;
    Ok(MediaKey::Attachment { hash })
}

/// Stores the file unless a row already holds the same bytes. Returns the key written
/// now, to remove if the row cannot be saved.
async fn store_file(
    db: &impl ConnectionTrait,
    media: &MediaStore,
    hash: &str,
    bytes: Bytes,
) -> Result<Option<MediaKey>, EditError> {
    let key = key_of(hash)?;
    if rows_with_hash(db, hash).await? > 0 && media.exists(&key).await? {
        return Ok(None);
    }
    media.put(&key, bytes).await?;
    Ok(Some(key))
}

async fn rows_with_hash(db: &impl ConnectionTrait, hash: &str) -> Result<u64, EditError> {
    Ok(attachment::Entity::find()
        .filter(attachment::Column::ContentHash.eq(hash))
        .count(db)
        .await?)
}

/// Stores an uploaded document. Any account may upload.
pub async fn upload(
    store: &ContentStore,
    services: &AttachmentServices,
    actor: &Actor,
    upload: AttachmentUpload,
) -> Result<attachment::Model, EditError> {
    let db = store.db();
    let text = valid_texts(&upload.text)?;
    let Some(title) = text.title else {
        return Err(EditError::invalid(
            "title",
            "an attachment needs a title: it is the link text readers hear",
        ));
    };
    let (stored, inspection) = prepare(upload.bytes, upload.remove_metadata, services).await?;
    let metadata_removed = upload.remove_metadata && inspection.metadata.is_empty();
    let columns = FileColumns::of(&stored, inspection)?;
    let written = store_file(db, &services.media, &columns.content_hash, stored).await?;
    let now = Utc::now();
    let mut row = attachment::ActiveModel {
        title: Set(title),
        description: Set(text.description.unwrap_or_default()),
        language: Set(text.language.unwrap_or_else(|| DEFAULT_LANGUAGE.to_owned())),
        file_name: Set(clean_file_name(&upload.file_name)),
        metadata_removed: Set(metadata_removed),
        uploaded_by: Set(Some(actor.account_id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    columns.apply(&mut row);
    let inserted = async {
        let transaction = crate::db::begin_write(db).await?;
        let inserted = row.insert(&transaction).await?;
        transaction.commit().await?;
        Ok::<_, EditError>(inserted)
    }
    .await;
    if inserted.is_err()
        && let Some(key) = &written
    {
        remove_files(&services.media, std::slice::from_ref(key)).await;
    }
    inserted
}

/// The attachment, when the actor may change or delete it (editors any, authors their
/// own); `forbidden` says what an author may not do.
async fn attachment_actor_may_edit(
    db: &impl ConnectionTrait,
    actor: &Actor,
    attachment_id: i64,
    forbidden: &'static str,
) -> Result<attachment::Model, EditError> {
    let found = attachment::Entity::find_by_id(attachment_id)
        .one(db)
        .await?
        .ok_or(EditError::NotFound("attachment"))?;
    if !actor
        .role
        .can_edit_media(actor.account_id, found.uploaded_by)
    {
        return Err(EditError::Forbidden(forbidden));
    }
    Ok(found)
}

/// Changes an attachment's title, description or language, and removes the metadata
/// of its file when asked (a new file, under its new hash).
pub async fn update(
    store: &ContentStore,
    services: &AttachmentServices,
    actor: &Actor,
    attachment_id: i64,
    text: AttachmentText,
    remove_metadata: bool,
) -> Result<attachment::Model, EditError> {
    let db = store.db();
    let text = valid_texts(&text)?;
    let found = attachment_actor_may_edit(
        db,
        actor,
        attachment_id,
        "authors change only attachments they uploaded",
    )
    .await?;
    let mut changed: attachment::ActiveModel = found.clone().into();
    let mut replaced_file: Option<(MediaKey, Option<MediaKey>)> = None;
    if remove_metadata && !found.metadata_removed && found.metadata_json != "[]" {
        let old_key = key_of(&found.content_hash)?;
        let bytes = services
            .media
            .get(&old_key)
            .await?
            .ok_or(EditError::NotFound("attachment file"))?;
        let (stored, inspection) = prepare(bytes, true, services).await?;
        let columns = FileColumns::of(&stored, inspection)?;
        let written = store_file(db, &services.media, &columns.content_hash, stored).await?;
        columns.apply(&mut changed);
        changed.metadata_removed = Set(true);
        replaced_file = Some((old_key, written));
    }
    if let Some(title) = text.title {
        changed.title = Set(title);
    }
    if let Some(description) = text.description {
        changed.description = Set(description);
    }
    if let Some(language) = text.language {
        changed.language = Set(language);
    }
    changed.updated_at = Set(Utc::now());
    let saved = async {
        let transaction = crate::db::begin_write(db).await?;
        let updated = changed.update(&transaction).await?;
        enqueue_published_articles_using(&transaction, attachment_id).await?;
        let old_file_unused = match &replaced_file {
            Some(_) => rows_with_hash(&transaction, &found.content_hash).await? == 0,
            None => false,
        };
        // Every article listing the attachment shows its new title or file.
        store.commit(transaction, ContentChange::Everything).await?;
        Ok::<_, EditError>((updated, old_file_unused))
    }
    .await;
    match saved {
        Ok((updated, old_file_unused)) => {
            if old_file_unused && let Some((old_key, _)) = &replaced_file {
                remove_files(&services.media, std::slice::from_ref(old_key)).await;
            }
            Ok(updated)
        }
        Err(error) => {
            if let Some((_, Some(written))) = &replaced_file {
                remove_files(&services.media, std::slice::from_ref(written)).await;
            }
            Err(error)
        }
    }
}

/// Queues a search update for every published article listing the attachment: its
/// title and text are part of their search documents.
async fn enqueue_published_articles_using(
    db: &impl ConnectionTrait,
    attachment_id: i64,
) -> Result<(), EditError> {
    for article_id in published_articles_using(db, attachment_id).await? {
        outbox::enqueue(db, article_id, Operation::Upsert).await?;
    }
    Ok(())
}

/// The published articles listing the attachment.
pub async fn published_articles_using(
    db: &impl ConnectionTrait,
    attachment_id: i64,
) -> Result<Vec<i64>, EditError> {
    Ok(article::Entity::find()
        .select_only()
        .column(article::Column::Id)
        .join(
            JoinType::InnerJoin,
            article::Relation::ArticleAttachment.def(),
        )
        .filter(article_attachment::Column::AttachmentId.eq(attachment_id))
        .filter(article::Column::Status.eq(ArticleStatus::Published))
        .into_tuple()
        .all(db)
        .await?)
}

/// Deletes an attachment from every article and, when no other attachment has the same
/// bytes, its file. While any article lists it, only `force` deletes it, and while a
/// published one does, only editors and admins may force.
pub async fn delete(
    store: &ContentStore,
    media: &MediaStore,
    actor: &Actor,
    attachment_id: i64,
    force: bool,
) -> Result<(), EditError> {
    let db = store.db();
    let transaction = crate::db::begin_write(db).await?;
    let found = attachment_actor_may_edit(
        &transaction,
        actor,
        attachment_id,
        "authors delete only attachments they uploaded",
    )
    .await?;
    let uses = article_attachment::Entity::find()
        .filter(article_attachment::Column::AttachmentId.eq(attachment_id))
        .count(&transaction)
        .await?;
    if uses > 0 && !force {
        return Err(EditError::Conflict(format!(
            "{uses} articles list this attachment; remove it from them first, or delete \
             with force: true"
        )));
    }
    let published = published_articles_using(&transaction, attachment_id).await?;
    if !published.is_empty() && !actor.role.can_force_delete_media() {
        return Err(EditError::Forbidden(
            "only editors and admins delete attachments that published articles list",
        ));
    }
    for article_id in &published {
        outbox::enqueue(&transaction, *article_id, Operation::Upsert).await?;
    }
    article_attachment::Entity::delete_many()
        .filter(article_attachment::Column::AttachmentId.eq(attachment_id))
        .exec(&transaction)
        .await?;
    attachment::Entity::delete_by_id(attachment_id)
        .exec(&transaction)
        .await?;
    let still_used = rows_with_hash(&transaction, &found.content_hash).await? > 0;
    store.commit(transaction, ContentChange::Everything).await?;
    if !still_used {
        // After the commit: a failure here leaves an unused file, never a row without one.
        remove_files(media, &[key_of(&found.content_hash)?]).await;
    }
    Ok(())
}

/// Refuses an attachment list with repeated ids, or with an id the actor may not use:
/// through the article its file would reach the actor (an author would download another
/// author's unpublished document by its guessable id). The answer is the same as for a
/// missing attachment. Ids in `listed_already` (the article's list as saved) are not
/// asked about again: an editor may have chosen one the author cannot choose, and the
/// author's next save keeps it.
pub(super) async fn check_attachment_ids(
    db: &impl ConnectionTrait,
    actor: &Actor,
    attachment_ids: &[i64],
    listed_already: &[i64],
) -> Result<(), EditError> {
    let mut unique = attachment_ids.to_vec();
    unique.sort_unstable();
    unique.dedup();
    if unique.len() != attachment_ids.len() {
        return Err(EditError::invalid(
            "attachmentIds",
            "an attachment is listed twice",
        ));
    }
    unique.retain(|id| !listed_already.contains(id));
    if unique.is_empty() {
        return Ok(());
    }
    let found = match usable_by(Audience::of_actor(actor)) {
        Some(usable) => {
            attachment::Entity::find()
                .filter(attachment::Column::Id.is_in(unique.iter().copied()))
                .filter(usable)
                .count(db)
                .await?
        }
        None => 0,
    };
    if found != unique.len() as u64 {
        return Err(EditError::invalid("attachmentIds", "no such attachment"));
    }
    Ok(())
}

/// Puts `attachment_ids`, in this order, in place of the article's list.
pub(crate) async fn replace_article_attachments(
    db: &impl ConnectionTrait,
    article_id: i64,
    attachment_ids: &[i64],
) -> Result<(), EditError> {
    article_attachment::Entity::delete_many()
        .filter(article_attachment::Column::ArticleId.eq(article_id))
        .exec(db)
        .await?;
    for (position, attachment_id) in attachment_ids.iter().enumerate() {
        article_attachment::ActiveModel {
            article_id: Set(article_id),
            attachment_id: Set(*attachment_id),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// The ids of an article's attachments, in order.
pub async fn attachment_ids_of(
    db: &impl ConnectionTrait,
    article_id: i64,
) -> Result<Vec<i64>, sea_orm::DbErr> {
    Ok(article_attachment::Entity::find()
        .filter(article_attachment::Column::ArticleId.eq(article_id))
        .order_by_asc(article_attachment::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|link| link.attachment_id)
        .collect())
}
