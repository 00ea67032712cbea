//! Sections and tags as whole lists (the reads; the writes are in `editing::taxonomy`).

use entities::{section, tag};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, QueryOrder};

/// All sections in navigation order.
pub async fn all_sections(db: &impl ConnectionTrait) -> Result<Vec<section::Model>, DbErr> {
    section::Entity::find()
        .order_by_asc(section::Column::Position)
        .order_by_asc(section::Column::Name)
        .all(db)
        .await
}

/// All tags by name.
pub async fn all_tags(db: &impl ConnectionTrait) -> Result<Vec<tag::Model>, DbErr> {
    tag::Entity::find()
        .order_by_asc(tag::Column::Name)
        .all(db)
        .await
}
