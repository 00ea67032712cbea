//! Photo lookups outside GraphQL: what the media routes need to serve a file.

use entities::photo;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};

use crate::images::SourceFormat;
use crate::storage::ContentHash;

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
