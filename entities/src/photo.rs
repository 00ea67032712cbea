//! A photo with its descriptive metadata. Width and height are those of the upright image.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
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
    /// SHA-256 (hex) of the uploaded original; its files are stored under this name.
    /// `None` for a photo without files.
    pub content_hash: Option<String>,
    /// The original's format as detected from its bytes (`jpeg`, `png`, …).
    pub original_format: Option<String>,
    pub original_bytes: Option<i64>,
    /// When the photo was taken, from EXIF.
    pub taken_at: Option<DateTimeUtc>,
    /// A tiny inline image (data URI) to show while the photo loads.
    pub placeholder: Option<String>,
    pub blurhash: Option<String>,
    /// `#rrggbb`.
    pub dominant_color: Option<String>,
    /// Widths of the stored renditions, ascending, comma-separated (`320,640,1024`).
    pub rendition_widths: Option<String>,
    pub uploaded_by: Option<i64>,
    pub updated_at: Option<DateTimeUtc>,
    /// Caption and credit folded for the photo library's search: lowercase ASCII words
    /// (Polish letters transliterated), written with every change of either.
    pub search_text: String,
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
