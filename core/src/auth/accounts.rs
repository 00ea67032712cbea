//! The accounts of the editors: creating, changing and disabling them, passwords and
//! their reset links, and the list of API tokens.
//!
//! Every function an edge calls with an [`Actor`] checks the actor's role itself; those
//! without one are for the command line (`kronika user …`), which speaks for whoever
//! runs the server, and for the first start (`create_first_administrator`).
//! Rules that count accounts (the last enabled administrator, the first administrator)
//! are checked inside the write transaction with the accounts table locked against
//! other writers, so two concurrent requests cannot both pass them.

use chrono::{DateTime, Duration, Utc};
use entities::{access_token, account};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set, SqlErr,
};

use super::Actor;
use super::tokens::{self, IssuedToken};
use crate::changes::ContentChange;
use crate::content::write;
use crate::domain::Role;
use crate::domain::secrets::{PasswordError, hash_password, token_hash, verify_password};
use crate::store::ContentStore;

/// How long a password-reset link works.
pub const RESET_LINK_LIFETIME: Duration = Duration::hours(72);

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("only admins manage accounts and API tokens")]
    Forbidden,
    #[error("{0:?} is not an e-mail address")]
    InvalidEmail(String),
    #[error("a name cannot be empty")]
    EmptyName,
    #[error("an account with the e-mail address {0} exists already")]
    Exists(String),
    #[error("no account has the e-mail address {0}")]
    Unknown(String),
    #[error("no such account")]
    NotFound,
    #[error(
        "this is the last enabled administrator; make another account an administrator \
         before demoting or disabling this one"
    )]
    LastAdministrator,
    #[error("you cannot disable your own account")]
    DisableSelf,
    #[error("the account is disabled; enable it before sending a reset link")]
    Disabled,
    #[error("this password-reset link is unknown, used already or expired; ask for a new one")]
    InvalidResetLink,
    #[error("the current password is wrong")]
    WrongPassword,
    #[error("an administrator exists already; log in instead")]
    SetupDone,
    #[error(transparent)]
    Password(#[from] PasswordError),
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// What `update_account` changes; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct AccountChanges {
    pub name: Option<String>,
    pub role: Option<Role>,
    /// `true` disables the account and revokes all its tokens; `false` enables it again.
    pub disabled: Option<bool>,
}

/// An API token as the list of tokens shows it: never the token or its hash.
#[derive(Clone, Debug)]
pub struct ApiTokenSummary {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub owner: account::Model,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

fn require_admin(actor: &Actor) -> Result<(), AccountError> {
    if actor.role.is_admin() {
        Ok(())
    } else {
        Err(AccountError::Forbidden)
    }
}

fn valid_email(email: &str) -> Result<String, AccountError> {
    let email = email.trim().to_lowercase();
    let looks_like_email = email
        .split_once('@')
        .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
    if looks_like_email {
        Ok(email)
    } else {
        Err(AccountError::InvalidEmail(email))
    }
}

fn valid_name(name: &str) -> Result<String, AccountError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AccountError::EmptyName);
    }
    Ok(name.to_owned())
}

/// Hashes a new password off the async runtime: argon2 takes tens of milliseconds by
/// design. Too short a password is refused here, before anything is written.
async fn hash_off_runtime(password: &str) -> Result<String, AccountError> {
    let password = password.to_owned();
    Ok(
        tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(|error| PasswordError::Hashing(error.to_string()))??,
    )
}

/// Keeps other writers of the accounts table out until the transaction ends, so a rule
/// that counts accounts holds at the commit. SQLite's `BEGIN IMMEDIATE` (see
/// `db::begin_write`) already admits one writer at a time; PostgreSQL's mode
/// `SHARE ROW EXCLUSIVE` conflicts with itself and with every row change, never with
/// reads, so logins and token checks go on.
async fn lock_accounts(transaction: &impl ConnectionTrait) -> Result<(), DbErr> {
    if transaction.get_database_backend() == DatabaseBackend::Postgres {
        transaction
            .execute_unprepared("LOCK TABLE accounts IN SHARE ROW EXCLUSIVE MODE")
            .await?;
    }
    Ok(())
}

/// Inserts an account, reporting a taken address (checked first, and again by the
/// unique index should another request take it meanwhile) as `Exists`.
async fn insert_new_account(
    db: &impl ConnectionTrait,
    email: String,
    name: &str,
    role: Role,
    password_hash: Option<String>,
) -> Result<account::Model, AccountError> {
    let existing = account::Entity::find()
        .filter(account::Column::Email.eq(&email))
        .count(db)
        .await?;
    if existing > 0 {
        return Err(AccountError::Exists(email));
    }
    match write::insert_account(db, &email, name, role, password_hash).await {
        Ok(inserted) => Ok(inserted),
        Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Err(AccountError::Exists(email))
        }
        Err(error) => Err(error.into()),
    }
}

/// Creates an account that can log in with `password` (`kronika user add`).
pub async fn add(
    db: &DatabaseConnection,
    email: &str,
    name: &str,
    role: Role,
    password: &str,
) -> Result<account::Model, AccountError> {
    let email = valid_email(email)?;
    let name = valid_name(name)?;
    let hash = hash_off_runtime(password).await?;
    insert_new_account(db, email, &name, role, Some(hash)).await
}

/// Every account, oldest first (`kronika user list`).
pub async fn list(db: &DatabaseConnection) -> Result<Vec<account::Model>, AccountError> {
    Ok(account::Entity::find()
        .order_by_asc(account::Column::Id)
        .all(db)
        .await?)
}

/// Sets the password of the account with `email` and ends its sessions, API tokens and
/// reset links (`kronika user set-password`): how an operator gives back access, e.g. to
/// accounts an import brought without passwords.
pub async fn set_password(
    db: &DatabaseConnection,
    email: &str,
    password: &str,
) -> Result<account::Model, AccountError> {
    let email = email.trim().to_lowercase();
    let hash = hash_off_runtime(password).await?;
    let transaction = crate::db::begin_write(db).await?;
    let found = account::Entity::find()
        .filter(account::Column::Email.eq(&email))
        .one(&transaction)
        .await?
        .ok_or_else(|| AccountError::Unknown(email.clone()))?;
    let mut changed: account::ActiveModel = found.into();
    changed.password_hash = Set(Some(hash));
    let changed = changed.update(&transaction).await?;
    revoke_tokens_of(&transaction, changed.id, TokenScope::Everything).await?;
    transaction.commit().await?;
    Ok(changed)
}

/// Disables an account by e-mail address and revokes its tokens at once, in one
/// transaction (`kronika user disable`). The command line may disable anyone: it is how
/// an operator locks out an administrator.
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
    revoke_tokens_of(&transaction, disabled.id, TokenScope::Everything).await?;
    transaction.commit().await?;
    Ok(disabled)
}

/// Which of an account's tokens to revoke.
#[derive(Clone, Copy)]
enum TokenScope {
    /// Every token: sessions, browser sessions, reset links and API tokens.
    Everything,
    /// The ways a person is logged in or may log in (sessions, browser sessions and
    /// reset links), except one token; API tokens of integrations stay.
    SessionsExcept(Option<i64>),
}

async fn revoke_tokens_of(
    transaction: &impl ConnectionTrait,
    account_id: i64,
    scope: TokenScope,
) -> Result<(), DbErr> {
    let mut update = access_token::Entity::update_many()
        .col_expr(access_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(access_token::Column::AccountId.eq(account_id))
        .filter(access_token::Column::RevokedAt.is_null());
    if let TokenScope::SessionsExcept(kept) = scope {
        update = update.filter(access_token::Column::Kind.is_in([
            tokens::SESSION,
            tokens::BROWSER,
            tokens::RESET,
        ]));
        if let Some(kept) = kept {
            update = update.filter(access_token::Column::Id.ne(kept));
        }
    }
    update.exec(transaction).await?;
    Ok(())
}

/// Every account, oldest first. Admins only.
pub async fn list_accounts(
    db: &DatabaseConnection,
    actor: &Actor,
) -> Result<Vec<account::Model>, AccountError> {
    require_admin(actor)?;
    list(db).await
}

/// One account by id. Admins only.
pub async fn account_by_id(
    db: &DatabaseConnection,
    actor: &Actor,
    account_id: i64,
) -> Result<account::Model, AccountError> {
    require_admin(actor)?;
    account::Entity::find_by_id(account_id)
        .one(db)
        .await?
        .ok_or(AccountError::NotFound)
}

/// Creates an account. Admins only. Without a password the account cannot log in until
/// its owner sets one through a reset link (`issue_password_reset`).
pub async fn create_account(
    db: &DatabaseConnection,
    actor: &Actor,
    email: &str,
    name: &str,
    role: Role,
    password: Option<&str>,
) -> Result<account::Model, AccountError> {
    require_admin(actor)?;
    let email = valid_email(email)?;
    let name = valid_name(name)?;
    let hash = match password {
        Some(password) => Some(hash_off_runtime(password).await?),
        None => None,
    };
    let transaction = crate::db::begin_write(db).await?;
    let created = insert_new_account(&transaction, email, &name, role, hash).await?;
    transaction.commit().await?;
    Ok(created)
}

/// Whether `found` is an enabled administrator and the only one.
async fn is_last_enabled_admin(
    transaction: &impl ConnectionTrait,
    found: &account::Model,
) -> Result<bool, DbErr> {
    if found.role != Role::Admin.as_str() || found.disabled_at.is_some() {
        return Ok(false);
    }
    let enabled_admins = account::Entity::find()
        .filter(account::Column::Role.eq(Role::Admin.as_str()))
        .filter(account::Column::DisabledAt.is_null())
        .count(transaction)
        .await?;
    Ok(enabled_admins <= 1)
}

/// Renames an account, changes its role, disables or enables it. Admins only. The last
/// enabled administrator can be neither demoted nor disabled, and nobody disables
/// themselves. Disabling revokes every token of the account in the same transaction.
pub async fn update_account(
    store: &ContentStore,
    actor: &Actor,
    account_id: i64,
    changes: AccountChanges,
) -> Result<account::Model, AccountError> {
    let db = store.db();
    require_admin(actor)?;
    let name = changes.name.as_deref().map(valid_name).transpose()?;
    let disabling = changes.disabled == Some(true);
    if disabling && account_id == actor.account_id {
        return Err(AccountError::DisableSelf);
    }
    let transaction = crate::db::begin_write(db).await?;
    lock_accounts(&transaction).await?;
    let found = account::Entity::find_by_id(account_id)
        .one(&transaction)
        .await?
        .ok_or(AccountError::NotFound)?;
    let demoting = changes.role.is_some_and(|role| !role.is_admin());
    let newly_disabled = disabling && found.disabled_at.is_none();
    if (demoting || newly_disabled) && is_last_enabled_admin(&transaction, &found).await? {
        return Err(AccountError::LastAdministrator);
    }
    let mut changed: account::ActiveModel = found.clone().into();
    if let Some(name) = name {
        changed.display_name = Set(name);
    }
    if let Some(role) = changes.role {
        changed.role = Set(role.as_str().to_owned());
    }
    match changes.disabled {
        Some(true) if found.disabled_at.is_none() => changed.disabled_at = Set(Some(Utc::now())),
        Some(false) => changed.disabled_at = Set(None),
        _ => {}
    }
    let updated = changed.update(&transaction).await?;
    if disabling {
        revoke_tokens_of(&transaction, account_id, TokenScope::Everything).await?;
    }
    // Bylines show the name: the entity caches of every replica hear of it.
    store.commit(transaction, ContentChange::Accounts).await?;
    Ok(updated)
}

/// Issues a one-time link for the account to set a new password, valid for
/// [`RESET_LINK_LIFETIME`]. Admins only. Older unused links of the account stop working.
pub async fn issue_password_reset(
    db: &DatabaseConnection,
    actor: &Actor,
    account_id: i64,
) -> Result<IssuedToken, AccountError> {
    require_admin(actor)?;
    let transaction = crate::db::begin_write(db).await?;
    let found = account::Entity::find_by_id(account_id)
        .one(&transaction)
        .await?
        .ok_or(AccountError::NotFound)?;
    if found.disabled_at.is_some() {
        return Err(AccountError::Disabled);
    }
    access_token::Entity::update_many()
        .col_expr(access_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(access_token::Column::AccountId.eq(account_id))
        .filter(access_token::Column::Kind.eq(tokens::RESET))
        .filter(access_token::Column::RevokedAt.is_null())
        .exec(&transaction)
        .await?;
    let issued = tokens::insert_token(
        &transaction,
        &found,
        tokens::RESET,
        None,
        None,
        Utc::now() + RESET_LINK_LIFETIME,
    )
    .await?;
    transaction.commit().await?;
    Ok(issued)
}

/// Sets a new password with a reset link's token, once. The token and every other
/// session of the account stop working in the same transaction. An unknown, used or
/// expired token, or one of a disabled account, gets one answer: `InvalidResetLink`.
pub async fn reset_password(
    db: &DatabaseConnection,
    token: &str,
    new_password: &str,
) -> Result<account::Model, AccountError> {
    let hash = token_hash(token.trim());
    let usable = |found: &access_token::Model| {
        found.kind == tokens::RESET && found.revoked_at.is_none() && found.expires_at > Utc::now()
    };
    let found = access_token::Entity::find()
        .filter(access_token::Column::TokenHash.eq(&hash))
        .one(db)
        .await?
        .filter(usable)
        .ok_or(AccountError::InvalidResetLink)?;
    // Hashed before the transaction (it takes a while), and before the link is used up:
    // a refused password leaves the link working.
    let password_hash = hash_off_runtime(new_password).await?;
    let transaction = crate::db::begin_write(db).await?;
    // Revoking the link is the claim: of two requests with the same link, one revokes it.
    let claimed = access_token::Entity::update_many()
        .col_expr(access_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(access_token::Column::Id.eq(found.id))
        .filter(access_token::Column::RevokedAt.is_null())
        .exec(&transaction)
        .await?
        .rows_affected
        == 1;
    let owner = account::Entity::find_by_id(found.account_id)
        .one(&transaction)
        .await?
        .filter(|owner| owner.disabled_at.is_none());
    let (true, Some(owner)) = (claimed, owner) else {
        return Err(AccountError::InvalidResetLink);
    };
    let mut changed: account::ActiveModel = owner.into();
    changed.password_hash = Set(Some(password_hash));
    let updated = changed.update(&transaction).await?;
    revoke_tokens_of(&transaction, updated.id, TokenScope::SessionsExcept(None)).await?;
    transaction.commit().await?;
    Ok(updated)
}

/// Changes the actor's own password after checking the current one. The session that
/// asked stays; the account's other sessions, browser sessions and reset links end.
pub async fn change_own_password(
    db: &DatabaseConnection,
    actor: &Actor,
    current_password: &str,
    new_password: &str,
) -> Result<account::Model, AccountError> {
    let found = account::Entity::find_by_id(actor.account_id)
        .one(db)
        .await?
        .ok_or(AccountError::NotFound)?;
    let stored_hash = found.password_hash.clone();
    let current_password = current_password.to_owned();
    let verified = tokio::task::spawn_blocking(move || {
        verify_password(&current_password, stored_hash.as_deref())
    })
    .await
    .unwrap_or(false);
    if !verified {
        return Err(AccountError::WrongPassword);
    }
    let password_hash = hash_off_runtime(new_password).await?;
    let transaction = crate::db::begin_write(db).await?;
    let mut changed: account::ActiveModel = found.into();
    changed.password_hash = Set(Some(password_hash));
    let updated = changed.update(&transaction).await?;
    revoke_tokens_of(
        &transaction,
        updated.id,
        TokenScope::SessionsExcept(Some(actor.token_id)),
    )
    .await?;
    transaction.commit().await?;
    Ok(updated)
}

/// Creates the first account, an administrator, on a server that has none; once any
/// account exists, `SetupDone`. Checked inside the write transaction with the accounts
/// table locked, so of two concurrent calls only one succeeds.
pub async fn create_first_administrator(
    db: &DatabaseConnection,
    email: &str,
    name: &str,
    password: &str,
) -> Result<account::Model, AccountError> {
    let email = valid_email(email)?;
    let name = valid_name(name)?;
    // A server with accounts answers at once, without spending a hash.
    if account::Entity::find().count(db).await? > 0 {
        return Err(AccountError::SetupDone);
    }
    let hash = hash_off_runtime(password).await?;
    let transaction = crate::db::begin_write(db).await?;
    lock_accounts(&transaction).await?;
    if account::Entity::find().count(&transaction).await? > 0 {
        return Err(AccountError::SetupDone);
    }
    let created = insert_new_account(&transaction, email, &name, Role::Admin, Some(hash)).await?;
    transaction.commit().await?;
    Ok(created)
}

/// Every API token, newest first, with its owner; never the token or its hash. Admins
/// only.
pub async fn list_api_tokens(
    db: &DatabaseConnection,
    actor: &Actor,
) -> Result<Vec<ApiTokenSummary>, AccountError> {
    require_admin(actor)?;
    let rows = access_token::Entity::find()
        .filter(access_token::Column::Kind.eq(tokens::API))
        .find_also_related(account::Entity)
        .order_by_desc(access_token::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(token, owner)| {
            let owner = owner?;
            // An API token always has a role; one that does not parse acts as its owner.
            let role = token
                .role
                .as_deref()
                .unwrap_or(&owner.role)
                .parse::<Role>()
                .ok()?;
            Some(ApiTokenSummary {
                id: token.id,
                name: token.name.unwrap_or_default(),
                role,
                owner,
                created_at: token.created_at,
                expires_at: token.expires_at,
                revoked_at: token.revoked_at,
            })
        })
        .collect())
}

/// Whether any account exists (the first run has none).
pub async fn any_exist(db: &DatabaseConnection) -> Result<bool, DbErr> {
    Ok(account::Entity::find().count(db).await? > 0)
}
