//! Managing editor accounts from the command line (`kronika user …`).

use chrono::Utc;
use entities::{access_token, account};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};

use crate::content::write;
use crate::domain::Role;
use crate::domain::secrets::{PasswordError, hash_password};

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{0:?} is not an e-mail address")]
    InvalidEmail(String),
    #[error("a name cannot be empty")]
    EmptyName,
    #[error("an account with the e-mail address {0} exists already")]
    Exists(String),
    #[error("no account has the e-mail address {0}")]
    Unknown(String),
    #[error(transparent)]
    Password(#[from] PasswordError),
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
}

/// Creates an account that can log in with `password`.
pub async fn add(
    db: &DatabaseConnection,
    email: &str,
    name: &str,
    role: Role,
    password: &str,
) -> Result<account::Model, AccountError> {
    let email = email.trim().to_lowercase();
    let looks_like_email = email
        .split_once('@')
        .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
    if !looks_like_email {
        return Err(AccountError::InvalidEmail(email));
    }
    let name = name.trim();
    if name.is_empty() {
        return Err(AccountError::EmptyName);
    }
    let existing = account::Entity::find()
        .filter(account::Column::Email.eq(&email))
        .count(db)
        .await?;
    if existing > 0 {
        return Err(AccountError::Exists(email));
    }
    let password = password.to_owned();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|error| PasswordError::Hashing(error.to_string()))??;
    Ok(write::insert_account(db, &email, name, role, Some(hash)).await?)
}

/// Every account, oldest first.
pub async fn list(db: &DatabaseConnection) -> Result<Vec<account::Model>, AccountError> {
    Ok(account::Entity::find()
        .order_by_asc(account::Column::Id)
        .all(db)
        .await?)
}

/// Disables an account and revokes its tokens at once, in one transaction.
pub async fn disable(db: &DatabaseConnection, email: &str) -> Result<account::Model, AccountError> {
    let email = email.trim().to_lowercase();
    let transaction = crate::db::begin_write(db).await?;
    let found = account::Entity::find()
        .filter(account::Column::Email.eq(&email))
        .one(&transaction)
        .await?
        .ok_or_else(|| AccountError::Unknown(email.clone()))?;
    let now = Utc::now();
    let mut disabled: account::ActiveModel = found.into();
    disabled.disabled_at = Set(Some(now));
    let disabled = disabled.update(&transaction).await?;
    access_token::Entity::update_many()
        .col_expr(
            access_token::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(access_token::Column::AccountId.eq(disabled.id))
        .filter(access_token::Column::RevokedAt.is_null())
        .exec(&transaction)
        .await?;
    transaction.commit().await?;
    Ok(disabled)
}
