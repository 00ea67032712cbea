//! Photo lookups outside GraphQL: what the media routes need to serve a file.

use entities::{article, gallery, gallery_photo, photo};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, JoinType, QueryFilter, QueryOrder,
    QuerySelect, RelationTrait,
};

use super::{Audience, published_only};
use crate::images::SourceFormat;
use crate::storage::ContentHash;

/// The most (article, gallery) pairs a public rendition names for cache tags. Naming a
/// few is enough: the response is purged when any named pair stops showing the photo,
/// and the next answer names whichever pairs still show it.
const MAX_SHOWN_BY: u64 = 20;

/// Who may fetch the renditions stored under one content hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenditionAccess {
    /// Anyone: a published article shows a photo with these files, through the gallery
    /// of each (article id, gallery id) pair here.
    Public { shown_by: Vec<(i64, i64)> },
    /// Only the asking viewer (staff, or the author who uploaded it): no published
    /// article shows it yet.
    Private,
    /// Not this viewer, or no photo has these files: indistinguishable to the asker.
    Hidden,
}

/// Whether, and for whom, the renditions under `hash` may be served to `audience`.
/// Photos share files when the same bytes were uploaded twice, so any photo with these
/// files being public makes the files public.
pub async fn rendition_access(
    db: &impl ConnectionTrait,
    hash: &ContentHash,
    audience: Audience,
) -> Result<RenditionAccess, DbErr> {
    let shown_by: Vec<(i64, i64)> = article::Entity::find()
        .select_only()
        .column(article::Column::Id)
        .column(gallery_photo::Column::GalleryId)
        .distinct()
        .join(JoinType::InnerJoin, article::Relation::Gallery.def())
        .join(JoinType::InnerJoin, gallery::Relation::GalleryPhoto.def())
        .join(JoinType::InnerJoin, gallery_photo::Relation::Photo.def())
        .filter(photo::Column::ContentHash.eq(hash.as_str()))
        .filter(published_only())
        .order_by_asc(article::Column::Id)
        .limit(MAX_SHOWN_BY)
        .into_tuple()
        .all(db)
        .await?;
    if !shown_by.is_empty() {
        return Ok(RenditionAccess::Public { shown_by });
    }
    let own_photos = match audience {
        Audience::Public => return Ok(RenditionAccess::Hidden),
        Audience::Staff => Condition::all(),
        Audience::Author { account_id } => {
            Condition::all().add(photo::Column::UploadedBy.eq(account_id))
        }
    };
    let visible: Option<i64> = photo::Entity::find()
        .select_only()
        .column(photo::Column::Id)
        .filter(photo::Column::ContentHash.eq(hash.as_str()))
        .filter(own_photos)
        .into_tuple()
        .one(db)
        .await?;
    Ok(if visible.is_some() {
        RenditionAccess::Private
    } else {
        RenditionAccess::Hidden
    })
}

/// The format of the original stored under `hash`, or `None` when no photo has it.
pub async fn original_format(
    db: &impl ConnectionTrait,
    hash: &ContentHash,
) -> Result<Option<SourceFormat>, DbErr> {
    let format: Option<Option<String>> = photo::Entity::find()
        .select_only()
        .column(photo::Column::OriginalFormat)
        .filter(photo::Column::ContentHash.eq(hash.as_str()))
        .into_tuple()
        .one(db)
        .await?;
    Ok(format
        .flatten()
        .as_deref()
        .and_then(SourceFormat::from_name))
}
