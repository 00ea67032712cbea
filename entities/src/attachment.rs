//! A document published with articles: its file, the title a screen reader reads as the
//! link text, and what was learned from its bytes.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "attachments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub title: String,
    pub description: String,
    /// BCP 47 language tag of the document (`pl`, `en`, …).
    pub language: String,
    /// The name the file had on the uploader's computer.
    pub file_name: String,
    /// The format detected from the bytes (`pdf`, `docx`, …).
    pub format: String,
    pub size_bytes: i64,
    /// Page count, for PDF.
    pub pages: Option<i32>,
    /// SHA-256 (hex) of the stored bytes; the file is stored under this name.
    pub content_hash: String,
    /// Text extracted for search; empty when there is none.
    pub text: String,
    /// `extracted` or `none`.
    pub text_status: String,
    /// Why there is no text, in Polish, for editors.
    pub text_problem: Option<String>,
    /// The document's own metadata (author, creator, …) as a JSON list of
    /// `{"name", "value"}`, as it is in the stored file.
    pub metadata_json: String,
    /// Whether personal metadata was removed from the stored file at upload.
    pub metadata_removed: bool,
    pub uploaded_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::article_attachment::Entity")]
    ArticleAttachment,
}

impl Related<super::article_attachment::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ArticleAttachment.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
