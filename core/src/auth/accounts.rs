//! Managing editor accounts from the command line (`kronika user …`).

use chrono::Utc;
use entities::{access_token, account};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
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
    #[error("the first administrator exists already")]
    SetupDone,
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

/// Creates the first account, an administrator, only while no account exists: the check
/// and the insert are one write transaction, so two first-run forms sent at once cannot
/// both succeed.
pub async fn create_first_administrator(
    db: &DatabaseConnection,
    email: &str,
    name: &str,
    password: &str,
) -> Result<account::Model, AccountError> {
    let (email, name, hash) = checked_new_account(email, name, password).await?;
    let transaction = crate::db::begin_write(db).await?;
    // SQLite's write transaction holds the database's one write lock from its start; on
    // PostgreSQL two transactions would both count no accounts, so the table is locked
    // against other writers until the commit.
    if transaction.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        transaction
            .execute_unprepared("LOCK TABLE accounts IN SHARE ROW EXCLUSIVE MODE")
            .await?;
    }
    if account::Entity::find().count(&transaction).await? > 0 {
        return Err(AccountError::SetupDone);
    }
    let created = write::insert_account(&transaction, &email, &name, Role::Admin, Some(hash)).await?;
    transaction.commit().await?;
    Ok(created)
}

/// The normalised address and name of a new account, and its password's hash.
async fn checked_new_account(
    email: &str,
    name: &str,
    password: &str,
) -> Result<(String, String, String), AccountError> {
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
    let password = password.to_owned();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|error| PasswordError::Hashing(error.to_string()))??;
    Ok((email, name.to_owned(), hash))
}

/// Whether any account exists (the first run has none).
pub async fn any_exist(db: &DatabaseConnection) -> Result<bool, sea_orm::DbErr> {
    Ok(account::Entity::find().count(db).await? > 0)
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
