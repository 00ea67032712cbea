//! An article: the unit of content that editors write and readers read.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Where an article is in its life cycle. Only `Published` articles are visible to
/// readers. A typed column: a value outside these four cannot be read or written.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum ArticleStatus {
    /// Being written; visible to editors only.
    #[sea_orm(string_value = "DRAFT")]
    Draft,
    /// Will be published automatically at its `published_at`.
    #[sea_orm(string_value = "SCHEDULED")]
    Scheduled,
    /// Visible to everyone.
    #[sea_orm(string_value = "PUBLISHED")]
    Published,
    /// Withdrawn ("deleted"), kept so it can be restored.
    #[sea_orm(string_value = "ARCHIVED")]
    Archived,
}

impl ArticleStatus {
    /// The value stored in the `articles.status` column, as the API also names it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "DRAFT",
            Self::Scheduled => "SCHEDULED",
            Self::Published => "PUBLISHED",
            Self::Archived => "ARCHIVED",
        }
    }
}

impl std::fmt::Display for ArticleStatus {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
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
    /// Stored as `DRAFT`, `SCHEDULED`, `PUBLISHED` or `ARCHIVED`.
    pub status: ArticleStatus,
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
    #[sea_orm(has_many = "super::article_attachment::Entity")]
    ArticleAttachment,
}

impl Related<super::article_attachment::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ArticleAttachment.def()
    }
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
