//! A gallery: an ordered set of photos, usually shown with one article.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "galleries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub slug: String,
    pub title: String,
    pub description: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The photo shown for the gallery; the first photo when `None`.
    pub cover_photo_id: Option<i64>,
    pub created_by: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::gallery_photo::Entity")]
    GalleryPhoto,
}

impl Related<super::gallery_photo::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::GalleryPhoto.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
