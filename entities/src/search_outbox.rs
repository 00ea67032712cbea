//! A content change the search index has not acknowledged yet. Written in the same
//! transaction as the change; deleted once the engine has applied it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "search_outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Not a foreign key: a delete must reach the index after the row is gone.
    pub article_id: i64,
    /// `UPSERT` (the article is published after the change) or `DELETE`.
    pub operation: String,
    pub enqueued_at: DateTimeUtc,
    /// Failed deliveries so far; the back-off grows with it.
    pub attempts: i32,
    /// The row is not tried again before this instant.
    pub next_attempt_at: DateTimeUtc,
    /// Why the last delivery failed, for editors' `searchIndexStatus`.
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
