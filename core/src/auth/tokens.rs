//! Issuing, checking and revoking bearer tokens.

use chrono::{DateTime, Duration, Utc};
use entities::{access_token, account};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};

use super::{Actor, Viewer};
use crate::domain::Role;
use crate::domain::secrets::{new_token, token_hash, verify_password};

/// How long a login session lasts; an editor logs in again after a working day.
pub const SESSION_LIFETIME: Duration = Duration::hours(12);

/// The kinds of token rows. Only `SESSION` and `API` tokens are bearer tokens: a
/// browser session's cookie or a password-reset link never authorises an API request.
pub(crate) const SESSION: &str = "SESSION";
pub(crate) const API: &str = "API";
pub(crate) const BROWSER: &str = "BROWSER";
pub(crate) const RESET: &str = "RESET";

/// A token as its owner receives it, once.
#[derive(Clone, Debug)]
pub struct IssuedToken {
    pub id: i64,
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub account: account::Model,
}

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// The same answer for an unknown address, a wrong password and a disabled account.
    #[error("wrong e-mail address or password")]
    InvalidCredentials,
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// Checks an e-mail address and password and opens a session.
pub async fn login(
    db: &impl ConnectionTrait,
    email: &str,
    password: &str,
) -> Result<IssuedToken, LoginError> {
    let account = check_credentials(db, email, password).await?;
    let issued = insert_token(
        db,
        &account,
        SESSION,
        None,
        None,
        Utc::now() + SESSION_LIFETIME,
    )
    .await?;
    Ok(issued)
}

/// The enabled account with this e-mail address and password. An unknown address takes
/// as long as a wrong password, so the answer does not tell which was wrong.
pub(crate) async fn check_credentials(
    db: &impl ConnectionTrait,
    email: &str,
    password: &str,
) -> Result<account::Model, LoginError> {
    let account = account::Entity::find()
        .filter(account::Column::Email.eq(email.trim().to_lowercase()))
        .one(db)
        .await?;
    let stored_hash = account
        .as_ref()
        .and_then(|account| account.password_hash.clone());
    // Verified off the async runtime: argon2 takes tens of milliseconds by design.
    let password = password.to_owned();
    let verified =
        tokio::task::spawn_blocking(move || verify_password(&password, stored_hash.as_deref()))
            .await
            .unwrap_or(false);
    match account {
        Some(account) if verified && account.disabled_at.is_none() => Ok(account),
        _ => Err(LoginError::InvalidCredentials),
    }
}

/// Creates a long-lived token for an integration, acting with `role`.
pub async fn create_api_token(
    db: &impl ConnectionTrait,
    owner: &account::Model,
    name: &str,
    role: Role,
    expires_at: DateTime<Utc>,
) -> Result<IssuedToken, DbErr> {
    insert_token(db, owner, API, Some(name), Some(role), expires_at).await
}

pub(crate) async fn insert_token(
    db: &impl ConnectionTrait,
    account: &account::Model,
    kind: &str,
    name: Option<&str>,
    role: Option<Role>,
    expires_at: DateTime<Utc>,
) -> Result<IssuedToken, DbErr> {
    let token = new_token();
    // A browser session's idle expiry counts from its opening.
    let last_used_at = (kind == BROWSER).then(Utc::now);
    let row = access_token::ActiveModel {
        token_hash: Set(token_hash(&token)),
        account_id: Set(account.id),
        kind: Set(kind.to_owned()),
        name: Set(name.map(ToOwned::to_owned)),
        role: Set(role.map(|role| role.as_str().to_owned())),
        created_at: Set(Utc::now()),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
        last_used_at: Set(last_used_at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(IssuedToken {
        id: row.id,
        token,
        expires_at,
        account: account.clone(),
    })
}

/// Revokes the token a session was opened with.
pub async fn logout(db: &impl ConnectionTrait, token_id: i64) -> Result<(), DbErr> {
    revoke(db, token_id, None).await.map(|_| ())
}

/// Revokes an API token by id; `false` when there is no such API token.
pub async fn revoke_api_token(db: &impl ConnectionTrait, token_id: i64) -> Result<bool, DbErr> {
    revoke(db, token_id, Some(API)).await
}

pub(crate) async fn revoke(
    db: &impl ConnectionTrait,
    token_id: i64,
    kind: Option<&str>,
) -> Result<bool, DbErr> {
    let mut update = access_token::Entity::update_many()
        .col_expr(
            access_token::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(access_token::Column::Id.eq(token_id))
        .filter(access_token::Column::RevokedAt.is_null());
    if let Some(kind) = kind {
        update = update.filter(access_token::Column::Kind.eq(kind));
    }
    Ok(update.exec(db).await?.rows_affected > 0)
}

/// Turns an `Authorization` header value into the viewer it stands for.
pub async fn resolve_bearer(
    db: &impl ConnectionTrait,
    authorization: Option<&str>,
) -> Result<Viewer, DbErr> {
    let Some(authorization) = authorization else {
        return Ok(Viewer::Anonymous);
    };
    let Some(token) = authorization
        .strip_prefix("Bearer ")
        .or_else(|| authorization.strip_prefix("bearer "))
    else {
        return Ok(Viewer::InvalidToken);
    };
    let found = access_token::Entity::find()
        .filter(access_token::Column::TokenHash.eq(token_hash(token.trim())))
        .filter(access_token::Column::Kind.is_in([SESSION, API]))
        .find_also_related(account::Entity)
        .one(db)
        .await?;
    let Some((token, Some(account))) = found else {
        return Ok(Viewer::InvalidToken);
    };
    let usable = token.revoked_at.is_none()
        && token.expires_at > Utc::now()
        && account.disabled_at.is_none();
    let role = token
        .role
        .as_deref()
        .unwrap_or(&account.role)
        .parse::<Role>();
    match (usable, role) {
        (true, Ok(role)) => Ok(Viewer::Authenticated(Actor {
            account_id: account.id,
            role,
            token_id: token.id,
        })),
        _ => Ok(Viewer::InvalidToken),
    }
}
