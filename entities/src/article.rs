//! An article: the unit of content that editors write and readers read.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "articles")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub slug: String,
    pub section_id: i64,
    pub title: String,
    /// Plain text shown under the title.
    pub lead: String,
    /// Sanitised HTML; never stored unsanitised.
    #[sea_orm(column_type = "Text")]
    pub body_html: String,
    /// Plain text derived from `body_html` when it is written.
    #[sea_orm(column_type = "Text")]
    pub body_text: String,
    /// The table of contents derived from `body_html`, as a JSON array.
    #[sea_orm(column_type = "Text")]
    pub headings_json: String,
    /// Free text such as "oprac. WKZ"; not an account.
    pub byline: String,
    pub created_by: i64,
    pub updated_by: Option<i64>,
    /// `DRAFT`, `SCHEDULED`, `PUBLISHED` or `ARCHIVED`.
    pub status: String,
    pub published_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub gallery_id: Option<i64>,
    /// Total views, kept beside the daily series so lists can sort by it cheaply.
    pub view_count: i64,
    /// Incremented on every change, for optimistic concurrency.
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::section::Entity",
        from = "Column::SectionId",
        to = "super::section::Column::Id"
    )]
    Section,
    #[sea_orm(
        belongs_to = "super::gallery::Entity",
        from = "Column::GalleryId",
        to = "super::gallery::Column::Id"
    )]
    Gallery,
    #[sea_orm(has_many = "super::article_tag::Entity")]
    ArticleTag,
}

impl Related<super::section::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Section.def()
    }
}

impl Related<super::gallery::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Gallery.def()
    }
}

impl Related<super::article_tag::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ArticleTag.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
