//! An editor account: the person who enters and changes content.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "accounts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub email: String,
    pub display_name: String,
    /// `ADMIN`, `EDITOR` or `AUTHOR`; parsed into a typed role by the API.
    pub role: String,
    pub created_at: DateTimeUtc,
    /// An argon2id PHC string; `None` for an account that cannot log in. Never
    /// serialised: an export must not carry what would let anyone test passwords offline.
    #[serde(skip_serializing, default)]
    pub password_hash: Option<String>,
    /// Set when the account was disabled: it can no longer log in or use its tokens.
    pub disabled_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
