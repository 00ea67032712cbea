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

/// An editor account, as its owner sees it.
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

    /// For `viewer`: the role this request acts with (an API token's own role).
    async fn role(&self) -> Result<RoleValue, ApiError> {
        let role: Role = self.0.role.parse().map_err(ApiError::internal)?;
        Ok(role.into())
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

#[derive(SimpleObject)]
pub struct ApiToken {
    id: ID,
    name: String,
    role: RoleValue,
    expires_at: DateTime<FixedOffset>,
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
        let issued =
            auth::create_api_token(db, &owner, name, input.role.into(), input.expires_at).await?;
        let zone = ctx.data_unchecked::<SiteTimeZone>();
        Ok(CreateApiTokenPayload {
            token: issued.token,
            api_token: ApiToken {
                id: ID(issued.id.to_string()),
                name: name.to_owned(),
                role: input.role,
                expires_at: zone.present(issued.expires_at),
            },
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
