//! Reading attachments: an article's list, the editors' list of every attachment, and
//! who may download a file.
//!
//! An attachment is public while a published article lists it, like a photo a published
//! gallery shows. Before that, and after, it is for staff and the author who uploaded it
//! (or whose article lists it).

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use entities::{article, article_attachment, attachment};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, JoinType,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, RelationTrait,
};
use serde::{Deserialize, Serialize};

use super::cursor::InvalidCursor;
use super::{Audience, published_only};
use crate::storage::ContentHash;

/// An attachment without its extracted text (which may run to megabytes and is read
/// only by the search indexer): what every list and every download needs.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct AttachmentSummary {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub language: String,
    pub file_name: String,
    pub format: String,
    pub size_bytes: i64,
    pub pages: Option<i32>,
    pub content_hash: String,
    pub text_status: String,
    pub text_problem: Option<String>,
    pub metadata_json: String,
    pub metadata_removed: bool,
    pub uploaded_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<attachment::Model> for AttachmentSummary {
    fn from(row: attachment::Model) -> Self {
        Self {
            id: row.id,
            title: row.title,
            description: row.description,
            language: row.language,
            file_name: row.file_name,
            format: row.format,
            size_bytes: row.size_bytes,
            pages: row.pages,
            content_hash: row.content_hash,
            text_status: row.text_status,
            text_problem: row.text_problem,
            metadata_json: row.metadata_json,
            metadata_removed: row.metadata_removed,
            uploaded_by: row.uploaded_by,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

impl AttachmentSummary {
    /// Estimated bytes in memory, for the entity cache's bound.
    pub fn weight(&self) -> usize {
        200 + self.title.len()
            + self.description.len()
            + self.file_name.len()
            + self.metadata_json.len()
            + self.text_problem.as_ref().map_or(0, String::len)
    }
}

/// Every column but the text.
fn summary_columns() -> [attachment::Column; 16] {
    use attachment::Column;
    [
        Column::Id,
        Column::Title,
        Column::Description,
        Column::Language,
        Column::FileName,
        Column::Format,
        Column::SizeBytes,
        Column::Pages,
        Column::ContentHash,
        Column::TextStatus,
        Column::TextProblem,
        Column::MetadataJson,
        Column::MetadataRemoved,
        Column::UploadedBy,
        Column::CreatedAt,
        Column::UpdatedAt,
    ]
}

/// At most this many articles are named as the reasons a file is public (its cache tags).
const MAX_LISTED_BY: u64 = 50;

/// Who may download the file stored under one hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttachmentAccess {
    /// Anyone: the published articles (ids) here list an attachment with this file.
    Public {
        listed_by: Vec<i64>,
        rows: Vec<AttachmentSummary>,
    },
    /// Only the asking viewer (staff, or its author): no published article lists it.
    Private { rows: Vec<AttachmentSummary> },
    /// Not this viewer, or no attachment has this file: indistinguishable to the asker.
    Hidden,
}

/// Whether, and for whom, the file under `hash` may be served to `audience`, with the
/// attachment rows that hold it (the same bytes uploaded twice share one file).
pub async fn attachment_access(
    db: &impl ConnectionTrait,
    hash: &ContentHash,
    audience: Audience,
) -> Result<AttachmentAccess, DbErr> {
    let rows = attachment::Entity::find()
        .select_only()
        .columns(summary_columns())
        .filter(attachment::Column::ContentHash.eq(hash.as_str()))
        .order_by_asc(attachment::Column::Id)
        .into_model::<AttachmentSummary>()
        .all(db)
        .await?;
    if rows.is_empty() {
        return Ok(AttachmentAccess::Hidden);
    }
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let listed_by: Vec<i64> = article::Entity::find()
        .select_only()
        .column(article::Column::Id)
        .distinct()
        .join(
            JoinType::InnerJoin,
            article::Relation::ArticleAttachment.def(),
        )
        .filter(article_attachment::Column::AttachmentId.is_in(ids.iter().copied()))
        .filter(published_only())
        .order_by_asc(article::Column::Id)
        .limit(MAX_LISTED_BY)
        .into_tuple()
        .all(db)
        .await?;
    if !listed_by.is_empty() {
        return Ok(AttachmentAccess::Public { listed_by, rows });
    }
    let visible = match audience {
        Audience::Public => false,
        Audience::Staff => true,
        Audience::Author { account_id } => {
            rows.iter().any(|row| row.uploaded_by == Some(account_id))
                || article::Entity::find()
                    .join(
                        JoinType::InnerJoin,
                        article::Relation::ArticleAttachment.def(),
                    )
                    .filter(article_attachment::Column::AttachmentId.is_in(ids))
                    .filter(article::Column::CreatedBy.eq(account_id))
                    .count(db)
                    .await?
                    > 0
        }
    };
    Ok(if visible {
        AttachmentAccess::Private { rows }
    } else {
        AttachmentAccess::Hidden
    })
}

/// The attachments of each of `article_ids`, in each article's order. The articles'
/// own visibility is the caller's: an article the viewer may read shows its list.
pub async fn attachments_of_articles(
    db: &impl ConnectionTrait,
    article_ids: &[i64],
) -> Result<HashMap<i64, Vec<AttachmentSummary>>, DbErr> {
    #[derive(FromQueryResult)]
    struct Listed {
        listing_article_id: i64,
        #[sea_orm(nested)]
        attachment: AttachmentSummary,
    }
    let rows: Vec<Listed> = attachment::Entity::find()
        .select_only()
        .columns(summary_columns())
        .column_as(article_attachment::Column::ArticleId, "listing_article_id")
        .join(
            JoinType::InnerJoin,
            attachment::Relation::ArticleAttachment.def(),
        )
        .filter(article_attachment::Column::ArticleId.is_in(article_ids.iter().copied()))
        .order_by_asc(article_attachment::Column::ArticleId)
        .order_by_asc(article_attachment::Column::Position)
        .into_model::<Listed>()
        .all(db)
        .await?;
    // Every article asked about gets its list, an empty one too, so that the entity
    // cache keeps "no attachments" as well.
    let mut by_article: HashMap<i64, Vec<AttachmentSummary>> = article_ids
        .iter()
        .map(|article_id| (*article_id, Vec::new()))
        .collect();
    for row in rows {
        by_article
            .entry(row.listing_article_id)
            .or_default()
            .push(row.attachment);
    }
    Ok(by_article)
}

/// The position of one attachment in the editors' list, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentCursor {
    /// Marks the cursor as one of this list, so another list's cursor is refused.
    list: AttachmentCursorTag,
    created_at: DateTime<Utc>,
    id: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
enum AttachmentCursorTag {
    #[serde(rename = "attachments")]
    Attachments,
}

impl AttachmentCursor {
    pub fn after(row: &AttachmentSummary) -> Self {
        Self {
            list: AttachmentCursorTag::Attachments,
            created_at: row.created_at,
            id: row.id,
        }
    }

    pub fn encode(&self) -> String {
        // Serialising a struct of strings and numbers cannot fail.
        let json = serde_json::to_vec(self).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(json)
    }

    pub fn decode(encoded: &str) -> Result<Self, InvalidCursor> {
        let json = URL_SAFE_NO_PAD.decode(encoded).map_err(|_| InvalidCursor)?;
        serde_json::from_slice(&json).map_err(|_| InvalidCursor)
    }
}

/// One page of the editors' list.
#[derive(Clone, Debug)]
pub struct AttachmentPage {
    pub attachments: Vec<AttachmentSummary>,
    pub has_next_page: bool,
    pub total_count: u64,
}

/// The attachments `audience` may use (list, and put on an article): staff all, an
/// author the attachments published articles list and their own uploads; `None` for
/// readers, who use none.
pub fn usable_by(audience: Audience) -> Option<Condition> {
    match audience {
        Audience::Public => None,
        Audience::Staff => Some(Condition::all()),
        Audience::Author { account_id } => {
            let public_ids = article_attachment::Entity::find()
                .select_only()
                .column(article_attachment::Column::AttachmentId)
                .join(
                    JoinType::InnerJoin,
                    article_attachment::Relation::Article.def(),
                )
                .filter(published_only())
                .into_query();
            Some(
                Condition::any()
                    .add(attachment::Column::UploadedBy.eq(account_id))
                    .add(attachment::Column::Id.in_subquery(public_ids)),
            )
        }
    }
}

/// Every attachment `audience` may use ([`usable_by`]), newest first.
pub async fn attachment_list(
    db: &impl ConnectionTrait,
    audience: Audience,
    first: u64,
    after: Option<&AttachmentCursor>,
) -> Result<AttachmentPage, DbErr> {
    let Some(visible) = usable_by(audience) else {
        return Ok(AttachmentPage {
            attachments: Vec::new(),
            has_next_page: false,
            total_count: 0,
        });
    };
    let total_count = attachment::Entity::find()
        .filter(visible.clone())
        .count(db)
        .await?;
    let mut page = attachment::Entity::find()
        .select_only()
        .columns(summary_columns())
        .filter(visible);
    if let Some(after) = after {
        page = page.filter(
            Condition::any()
                .add(attachment::Column::CreatedAt.lt(after.created_at))
                .add(
                    Condition::all()
                        .add(attachment::Column::CreatedAt.eq(after.created_at))
                        .add(attachment::Column::Id.lt(after.id)),
                ),
        );
    }
    // One more than asked tells whether another page follows.
    let mut attachments = page
        .order_by_desc(attachment::Column::CreatedAt)
        .order_by_desc(attachment::Column::Id)
        .limit(first.saturating_add(1))
        .into_model::<AttachmentSummary>()
        .all(db)
        .await?;
    let has_next_page = attachments.len() as u64 > first;
    attachments.truncate(usize::try_from(first).unwrap_or(usize::MAX));
    Ok(AttachmentPage {
        attachments,
        has_next_page,
        total_count,
    })
}
