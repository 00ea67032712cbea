//! Sessions of the editors' application: a random token in an `HttpOnly` cookie, stored
//! as its SHA-256 like every token, ending after a time without use
//! ([`BROWSER_SESSION_IDLE`]) or at a fixed end ([`SESSION_LIFETIME`] after login),
//! whichever comes first, or when the editor logs out.
//!
//! Forms carry a CSRF token derived from the session's secret ([`BrowserSession::csrf_token`]),
//! so only a page the server rendered for this session can change anything: a site
//! elsewhere can make the browser send the cookie, but cannot read the token.

use chrono::{DateTime, Duration, Utc};
use entities::{access_token, account};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};

use super::tokens::{BROWSER, LoginError, check_credentials, insert_token, revoke};
use super::{Actor, IssuedToken, SESSION_LIFETIME};
use crate::domain::Role;
use crate::domain::secrets::{same_secret, token_hash};

/// A session unused this long has ended.
pub const BROWSER_SESSION_IDLE: Duration = Duration::hours(2);

/// The last use is written at most this often, so that a page's many requests do not
/// each write to the database.
const LAST_USE_PRECISION: Duration = Duration::minutes(1);

/// A live session, found from its cookie.
#[derive(Clone, Debug)]
pub struct BrowserSession {
    pub actor: Actor,
    pub account_name: String,
    pub account_email: String,
    pub expires_at: DateTime<Utc>,
    csrf_token: String,
}

impl BrowserSession {
    /// The token every state-changing request of this session must carry.
    pub fn csrf_token(&self) -> &str {
        &self.csrf_token
    }

    /// Whether `offered` is this session's CSRF token (compared in constant time).
    pub fn accepts_csrf_token(&self, offered: &str) -> bool {
        same_secret(&self.csrf_token, offered)
    }
}

/// The CSRF token of a session: a hash of its secret under a label of its own, so that
/// the form token and the stored token hash can never be taken for each other.
fn csrf_token_of(session_secret: &str) -> String {
    let digest = Sha256::new()
        .chain_update(b"kronika csrf\0")
        .chain_update(session_secret.as_bytes())
        .finalize();
    hex::encode(&digest[..16])
}

/// Checks the e-mail address and password and opens a browser session.
pub async fn open(
    db: &impl ConnectionTrait,
    email: &str,
    password: &str,
) -> Result<IssuedToken, LoginError> {
    let account = check_credentials(db, email, password).await?;
    Ok(open_for(db, &account).await?)
}

/// Opens a browser session for an account that has just proved who it is some other way
/// (the first administrator just created, a password just set from a reset link).
pub async fn open_for(
    db: &impl ConnectionTrait,
    account: &account::Model,
) -> Result<IssuedToken, DbErr> {
    insert_token(
        db,
        account,
        BROWSER,
        None,
        None,
        Utc::now() + SESSION_LIFETIME,
    )
    .await
}

/// The live session a cookie's token stands for, or `None` when it is unknown, ended,
/// revoked, or its account is disabled. Notes the use for the idle expiry.
pub async fn resolve(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<BrowserSession>, DbErr> {
    let found = access_token::Entity::find()
        .filter(access_token::Column::TokenHash.eq(token_hash(token)))
        .filter(access_token::Column::Kind.eq(BROWSER))
        .find_also_related(account::Entity)
        .one(db)
        .await?;
    let Some((row, Some(account))) = found else {
        return Ok(None);
    };
    let now = Utc::now();
    let last_used_at = row.last_used_at.unwrap_or(row.created_at);
    let live = row.revoked_at.is_none()
        && row.expires_at > now
        && now - last_used_at < BROWSER_SESSION_IDLE
        && account.disabled_at.is_none();
    let Ok(role) = account.role.parse::<Role>() else {
        return Ok(None);
    };
    if !live {
        return Ok(None);
    }
    if now - last_used_at >= LAST_USE_PRECISION {
        access_token::Entity::update_many()
            .col_expr(access_token::Column::LastUsedAt, Expr::value(now))
            .filter(access_token::Column::Id.eq(row.id))
            .exec(db)
            .await?;
    }
    Ok(Some(BrowserSession {
        actor: Actor {
            account_id: account.id,
            role,
            token_id: row.id,
        },
        account_name: account.display_name,
        account_email: account.email,
        expires_at: row.expires_at,
        csrf_token: csrf_token_of(token),
    }))
}

/// Ends a browser session at once (logout).
pub async fn close(db: &impl ConnectionTrait, session: &BrowserSession) -> Result<(), DbErr> {
    revoke(db, session.actor.token_id, Some(BROWSER))
        .await
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csrf_token_is_not_the_stored_hash_and_depends_on_the_secret() {
        let secret = "kronika_secret-one";
        assert_ne!(csrf_token_of(secret), token_hash(secret));
        assert_ne!(csrf_token_of(secret), csrf_token_of("kronika_secret-two"));
        assert_eq!(csrf_token_of(secret), csrf_token_of(secret));
    }
}
