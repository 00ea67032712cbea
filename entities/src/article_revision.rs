//! One change of an article: who, when, which fields, and the state before it.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "article_revisions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub article_id: i64,
    /// The acting account; `None` for the scheduler publishing on time.
    pub account_id: Option<i64>,
    pub created_at: DateTimeUtc,
    /// What happened: `CREATED`, `UPDATED`, `PUBLISHED`, `SCHEDULED`, `UNPUBLISHED`,
    /// `ARCHIVED`, `RESTORED` or `REVISION_RESTORED`.
    pub kind: String,
    /// The changed fields, as a JSON array of field names.
    #[sea_orm(column_type = "Text")]
    pub changed_fields: String,
    /// The article as it was before the change, as JSON; `None` for its creation.
    #[sea_orm(column_type = "Text", nullable)]
    pub previous_state: Option<String>,
    /// Whether the change belongs to the public change register (it touched a published
    /// article or published it); a draft's history stays private.
    pub public: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::article::Entity",
        from = "Column::ArticleId",
        to = "super::article::Column::Id"
    )]
    Article,
}

impl Related<super::article::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Article.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
