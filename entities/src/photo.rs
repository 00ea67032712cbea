//! A photo with its descriptive metadata. Width and height are those of the upright image.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "photos")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub caption: String,
    /// Who took the photo ("fot. …").
    pub credit: String,
    /// Text alternative for readers who cannot see the image.
    pub alt: String,
    pub width: i32,
    pub height: i32,
    pub created_at: DateTimeUtc,
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
