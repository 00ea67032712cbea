//! A bearer token: a login session or a long-lived integration token. Only the SHA-256
//! hash of the token is stored, so a copy of the database cannot be used to log in.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "access_tokens")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub token_hash: String,
    pub account_id: i64,
    /// `SESSION` (from the `login` mutation), `BROWSER` (a cookie session of the editors'
    /// application), `API` (created by an admin for an integration) or `RESET` (a one-time
    /// link to set a new password).
    pub kind: String,
    /// What an API token is for, as its creator named it.
    pub name: Option<String>,
    /// The role an API token acts with; sessions act with their account's role.
    pub role: Option<String>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
    /// When a `BROWSER` session last made a request (idle expiry); unused by other kinds.
    pub last_used_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::account::Entity",
        from = "Column::AccountId",
        to = "super::account::Column::Id"
    )]
    Account,
}

impl Related<super::account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Account.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
