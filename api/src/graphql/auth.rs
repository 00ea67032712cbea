//! `viewer`, `login`, `logout` and the API tokens of integrations.

use std::net::IpAddr;

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, FixedOffset, Utc};
use entities::account;
use sea_orm::{DatabaseConnection, EntityTrait};

use super::article::parse_id;
use super::error::ApiError;
use super::time::SiteTimeZone;
use super::viewer::{require_actor, viewer};
use crate::sign_in::{SignInError, sign_in};
use kronika_core::auth::accounts::ApiTokenSummary;
use kronika_core::auth::{self, LoginThrottle};
use kronika_core::domain::Role;

/// The client's address as the HTTP layer saw it, for login throttling.
#[derive(Clone, Copy, Debug)]
pub struct ClientAddress(pub Option<IpAddr>);

/// The per-address limit of login attempts (`KRONIKA_RATE_LIMIT_LOGINS`).
#[derive(Clone, Debug)]
pub struct LoginRateLimit(pub crate::rate_limit::RateLimiter);

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "Role")]
pub enum RoleValue {
    /// Everything, including accounts, API tokens and sections.
    Admin,
    /// All content, and publishing.
    Editor,
    /// Own drafts only.
    Author,
}

impl From<Role> for RoleValue {
    fn from(role: Role) -> Self {
        match role {
            Role::Admin => Self::Admin,
            Role::Editor => Self::Editor,
            Role::Author => Self::Author,
        }
    }
}

impl From<RoleValue> for Role {
    fn from(role: RoleValue) -> Self {
        match role {
            RoleValue::Admin => Self::Admin,
            RoleValue::Editor => Self::Editor,
            RoleValue::Author => Self::Author,
        }
    }
}

/// An editor account.
pub struct Account(pub account::Model);

#[Object]
impl Account {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn email(&self) -> &str {
        &self.0.email
    }

    async fn name(&self) -> &str {
        &self.0.display_name
    }

    /// The account's role; for `viewer`, the role this request acts with (an API
    /// token's own role).
    async fn role(&self) -> Result<RoleValue, ApiError> {
        let role: Role = self.0.role.parse().map_err(ApiError::internal)?;
        Ok(role.into())
    }

    async fn created_at(&self, ctx: &Context<'_>) -> DateTime<FixedOffset> {
        ctx.data_unchecked::<SiteTimeZone>()
            .present(self.0.created_at)
    }

    /// A disabled account can neither log in nor use any token.
    async fn disabled(&self) -> bool {
        self.0.disabled_at.is_some()
    }

    async fn disabled_at(&self, ctx: &Context<'_>) -> Option<DateTime<FixedOffset>> {
        let zone = ctx.data_unchecked::<SiteTimeZone>();
        self.0
            .disabled_at
            .map(|disabled_at| zone.present(disabled_at))
    }

    /// Whether the account has a password to log in with; one made without waits for
    /// its owner to set one through a reset link.
    async fn has_password(&self) -> bool {
        self.0.password_hash.is_some()
    }
}

#[derive(Default)]
pub struct AuthQueries;

#[Object]
impl AuthQueries {
    /// The logged-in account, or null for readers.
    async fn viewer(&self, ctx: &Context<'_>) -> Result<Option<Account>, ApiError> {
        let Some(actor) = viewer(ctx).actor() else {
            return Ok(None);
        };
        let db = ctx.data_unchecked::<DatabaseConnection>();
        let account = account::Entity::find_by_id(actor.account_id)
            .one(db)
            .await?;
        // An API token acts with its own role, which is what the client needs to know.
        Ok(account.map(|mut account| {
            account.role = actor.role.as_str().to_owned();
            Account(account)
        }))
    }
}

#[derive(SimpleObject)]
pub struct LoginPayload {
    /// Send as `Authorization: Bearer <token>`. Shown only now.
    token: String,
    expires_at: DateTime<FixedOffset>,
    account: Account,
}

#[derive(InputObject)]
pub struct CreateApiTokenInput {
    /// What the token is for, e.g. "site build".
    name: String,
    role: RoleValue,
    expires_at: DateTime<Utc>,
}

/// An API token as admins see it; the token itself is shown only when it is created.
#[derive(SimpleObject)]
pub struct ApiToken {
    id: ID,
    name: String,
    role: RoleValue,
    created_at: DateTime<FixedOffset>,
    expires_at: DateTime<FixedOffset>,
    /// When it was revoked, or null while it works (until it expires).
    revoked_at: Option<DateTime<FixedOffset>>,
    /// The account that created it.
    owner: Account,
}

impl ApiToken {
    pub fn from_summary(summary: ApiTokenSummary, zone: &SiteTimeZone) -> Self {
        Self {
            id: ID(summary.id.to_string()),
            name: summary.name,
            role: summary.role.into(),
            created_at: zone.present(summary.created_at),
            expires_at: zone.present(summary.expires_at),
            revoked_at: summary
                .revoked_at
                .map(|revoked_at| zone.present(revoked_at)),
            owner: Account(summary.owner),
        }
    }
}

#[derive(SimpleObject)]
pub struct CreateApiTokenPayload {
    /// Send as `Authorization: Bearer <token>`. Shown only now.
    token: String,
    api_token: ApiToken,
}

#[derive(Default)]
pub struct AuthMutations;

#[Object]
impl AuthMutations {
    /// Opens a session. A wrong e-mail address and a wrong password get the same answer;
    /// repeated failures are slowed down and then refused for a while (`RATE_LIMITED`)
    /// from the address that made them. An address the account logged in from before is
    /// only slowed down, never refused.
    async fn login(
        &self,
        ctx: &Context<'_>,
        email: String,
        password: String,
    ) -> Result<LoginPayload, ApiError> {
        let throttle = ctx.data_unchecked::<LoginThrottle>();
        let LoginRateLimit(rate_limit) = ctx.data_unchecked::<LoginRateLimit>();
        let address = ctx
            .data_opt::<ClientAddress>()
            .and_then(|address| address.0);
        let db = ctx.data_unchecked::<DatabaseConnection>();
        let issued = sign_in(throttle, rate_limit, &email, address, || {
            auth::login(db, &email, &password)
        })
        .await
        .map_err(|error| match error {
            SignInError::RateLimited {
                retry_after_seconds,
            } => ApiError::RateLimited {
                retry_after_seconds,
            },
            SignInError::InvalidCredentials => ApiError::InvalidCredentials,
            SignInError::Database(error) => error.into(),
        })?;
        let zone = ctx.data_unchecked::<SiteTimeZone>();
        Ok(LoginPayload {
            token: issued.token,
            expires_at: zone.present(issued.expires_at),
            account: Account(issued.account),
        })
    }

    /// Ends the session of the token this request carries.
    async fn logout(&self, ctx: &Context<'_>) -> Result<bool, ApiError> {
        let actor = require_actor(ctx)?;
        let db = ctx.data_unchecked::<DatabaseConnection>();
        auth::logout(db, actor.token_id).await?;
        Ok(true)
    }

    /// Creates a long-lived token for an integration. Admins only.
    async fn create_api_token(
        &self,
        ctx: &Context<'_>,
        input: CreateApiTokenInput,
    ) -> Result<CreateApiTokenPayload, ApiError> {
        let actor = require_actor(ctx)?;
        if !actor.role.is_admin() {
            return Err(ApiError::Forbidden(
                "only admins create API tokens".to_owned(),
            ));
        }
        if input.expires_at <= Utc::now() {
            return Err(ApiError::bad_input(
                "input.expiresAt",
                "the expiry must be in the future",
            ));
        }
        let name = input.name.trim();
        if name.is_empty() {
            return Err(ApiError::bad_input("input.name", "name the token"));
        }
        let db = ctx.data_unchecked::<DatabaseConnection>();
        let owner = account::Entity::find_by_id(actor.account_id)
            .one(db)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        // The row's own time is taken a moment later, inside the insert.
        let created_at = Utc::now();
        let issued =
            auth::create_api_token(db, &owner, name, input.role.into(), input.expires_at).await?;
        let zone = ctx.data_unchecked::<SiteTimeZone>();
        let summary = ApiTokenSummary {
            id: issued.id,
            name: name.to_owned(),
            role: input.role.into(),
            owner: issued.account,
            created_at,
            expires_at: issued.expires_at,
            revoked_at: None,
        };
        Ok(CreateApiTokenPayload {
            token: issued.token,
            api_token: ApiToken::from_summary(summary, zone),
        })
    }

    /// Revokes an API token at once. Admins only.
    async fn revoke_api_token(&self, ctx: &Context<'_>, id: ID) -> Result<bool, ApiError> {
        let actor = require_actor(ctx)?;
        if !actor.role.is_admin() {
            return Err(ApiError::Forbidden(
                "only admins revoke API tokens".to_owned(),
            ));
        }
        let db = ctx.data_unchecked::<DatabaseConnection>();
        let Some(token_id) = parse_id(&id) else {
            return Err(ApiError::NotFound("API token not found".to_owned()));
        };
        if auth::revoke_api_token(db, token_id).await? {
            Ok(true)
        } else {
            Err(ApiError::NotFound("API token not found".to_owned()))
        }
    }
}
