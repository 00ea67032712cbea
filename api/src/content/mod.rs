//! Reading and writing content in the database: the SQL behind the API.
//!
//! Functions here speak sea-orm and domain types, never GraphQL. Every public read goes
//! through a function that applies the visibility rule: readers see only PUBLISHED articles.

pub mod article_list;
pub mod cursor;
pub mod relations;
pub mod views;
pub mod write;

use entities::article;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::domain::ArticleStatus;

/// The condition every public read of articles carries.
pub fn published_only() -> Condition {
    Condition::all().add(article::Column::Status.eq(ArticleStatus::Published.as_str()))
}

/// A published article by its slug, or `None`.
pub async fn published_article_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<Option<article::Model>, DbErr> {
    article::Entity::find()
        .filter(published_only())
        .filter(article::Column::Slug.eq(slug))
        .one(db)
        .await
}

/// A published article by its id, or `None`.
pub async fn published_article_by_id(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<article::Model>, DbErr> {
    article::Entity::find()
        .filter(published_only())
        .filter(article::Column::Id.eq(id))
        .one(db)
        .await
}
