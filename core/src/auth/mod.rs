//! Who is asking: accounts, login sessions, API tokens and login throttling.
//!
//! No HTTP or GraphQL here: the HTTP layer hands in the `Authorization` header and the
//! client address, and gets back a [`Viewer`] that the rest of the server trusts.

pub mod accounts;
pub mod browser_sessions;
mod throttle;
mod tokens;

pub use throttle::{LoginThrottle, Throttled};
pub use tokens::{
    IssuedToken, LoginError, SESSION_LIFETIME, create_api_token, login, logout, resolve_bearer,
    revoke_api_token,
};

use crate::domain::Role;

/// The account a request acts for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub account_id: i64,
    pub role: Role,
    /// The token the request came with, so `logout` can revoke exactly it.
    pub token_id: i64,
}

/// Who sent a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Viewer {
    /// No `Authorization` header: a reader.
    Anonymous,
    /// A token that is unknown, expired, revoked, or belongs to a disabled account.
    /// Reads proceed as anonymous; anything that needs an account is refused.
    InvalidToken,
    Authenticated(Actor),
}

impl Viewer {
    pub fn actor(&self) -> Option<&Actor> {
        match self {
            Self::Authenticated(actor) => Some(actor),
            Self::Anonymous | Self::InvalidToken => None,
        }
    }
}
