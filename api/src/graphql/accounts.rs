//! Account management: `accounts`, `apiTokens`, and the mutations that create and
//! change accounts and passwords. Every rule lives in `kronika_core::auth::accounts`,
//! which the editors' application calls too; this file only translates.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, FixedOffset};
use sea_orm::DatabaseConnection;

use super::article::parse_id;
use super::auth::{Account, ApiToken, RoleValue};
use super::error::ApiError;
use super::time::SiteTimeZone;
use super::viewer::require_actor;
use kronika_core::auth::accounts::{self, AccountChanges, AccountError};
use kronika_core::domain::secrets::PasswordError;
use kronika_core::store::ContentStore;

/// The path of the editors' application's page that takes a password-reset token.
pub fn reset_path(token: &str) -> String {
    format!("/admin/reset/{token}")
}

/// Translates the account service's refusals; `password_field` names the argument that
/// carried the new password, for a password that is refused.
fn account_error(error: AccountError, password_field: &str) -> ApiError {
    let message = error.to_string();
    match error {
        AccountError::Forbidden => ApiError::Forbidden(message),
        AccountError::InvalidEmail(_) => ApiError::bad_input("input.email", message),
        AccountError::EmptyName => ApiError::bad_input("input.name", message),
        AccountError::InvalidResetLink => ApiError::bad_input("token", message),
        AccountError::WrongPassword => ApiError::bad_input("currentPassword", message),
        AccountError::Password(PasswordError::TooShort) => {
            ApiError::bad_input(password_field, message)
        }
        AccountError::Password(error @ PasswordError::Hashing(_)) => ApiError::internal(error),
        AccountError::Unknown(_) | AccountError::NotFound => ApiError::NotFound(message),
        AccountError::Exists(_)
        | AccountError::LastAdministrator
        | AccountError::DisableSelf
        | AccountError::Disabled
        | AccountError::SetupDone => ApiError::Conflict(message),
        AccountError::Database(error) => ApiError::from(error),
    }
}

impl From<AccountError> for ApiError {
    fn from(error: AccountError) -> Self {
        account_error(error, "password")
    }
}

fn account_id(id: &ID) -> Result<i64, ApiError> {
    parse_id(id).ok_or_else(|| ApiError::NotFound(AccountError::NotFound.to_string()))
}

#[derive(Default)]
pub struct AccountQueries;

#[Object]
impl AccountQueries {
    /// Every account, oldest first, disabled ones included. Admins only.
    async fn accounts(&self, ctx: &Context<'_>) -> Result<Vec<Account>, ApiError> {
        let actor = require_actor(ctx)?;
        let db = ctx.data_unchecked::<DatabaseConnection>();
        let found = accounts::list_accounts(db, actor).await?;
        Ok(found.into_iter().map(Account).collect())
    }

    /// Every API token, newest first, revoked and expired ones included, with its owner.
    /// The token itself is shown only once, when it is created. Admins only.
    async fn api_tokens(&self, ctx: &Context<'_>) -> Result<Vec<ApiToken>, ApiError> {
        let actor = require_actor(ctx)?;
        let db = ctx.data_unchecked::<DatabaseConnection>();
        let zone = ctx.data_unchecked::<SiteTimeZone>();
        let found = accounts::list_api_tokens(db, actor).await?;
        Ok(found
            .into_iter()
            .map(|summary| ApiToken::from_summary(summary, zone))
            .collect())
    }
}

#[derive(InputObject)]
pub struct CreateAccountInput {
    email: String,
    name: String,
    role: RoleValue,
    /// At least 10 characters. Without one, the account logs in only after its owner
    /// sets a password through a link from `createPasswordResetLink`.
    password: Option<String>,
}

#[derive(SimpleObject)]
pub struct CreateAccountPayload {
    account: Account,
}

/// Changes to an account; fields left out stay as they are.
#[derive(InputObject)]
pub struct UpdateAccountInput {
    name: Option<String>,
    role: Option<RoleValue>,
    /// `true` disables the account and ends all its sessions and API tokens at once;
    /// `false` lets it log in again (its old tokens stay revoked).
    disabled: Option<bool>,
}

#[derive(SimpleObject)]
pub struct UpdateAccountPayload {
    account: Account,
}

#[derive(SimpleObject)]
pub struct CreatePasswordResetLinkPayload {
    /// The one-time token; shown only now.
    token: String,
    /// The page of the editors' application that takes it: `/admin/reset/{token}`.
    path: String,
    expires_at: DateTime<FixedOffset>,
    account: Account,
}

#[derive(Default)]
pub struct AccountMutations;

#[Object]
impl AccountMutations {
    /// Creates an account. Admins only. A taken e-mail address is a `CONFLICT`.
    async fn create_account(
        &self,
        ctx: &Context<'_>,
        input: CreateAccountInput,
    ) -> Result<CreateAccountPayload, ApiError> {
        let actor = require_actor(ctx)?;
        let db = ctx.data_unchecked::<DatabaseConnection>();
        let created = accounts::create_account(
            db,
            actor,
            &input.email,
            &input.name,
            input.role.into(),
            input.password.as_deref(),
        )
        .await
        .map_err(|error| account_error(error, "input.password"))?;
        Ok(CreateAccountPayload {
            account: Account(created),
        })
    }

    /// Renames an account, changes its role, disables or enables it. Admins only. The
    /// last enabled admin can be neither demoted nor disabled, and nobody disables their
    /// own account (`CONFLICT`).
    async fn update_account(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateAccountInput,
    ) -> Result<UpdateAccountPayload, ApiError> {
        let actor = require_actor(ctx)?;
        let store = ctx.data_unchecked::<ContentStore>();
        let changes = AccountChanges {
            name: input.name,
            role: input.role.map(Into::into),
            disabled: input.disabled,
        };
        let updated = accounts::update_account(store, actor, account_id(&id)?, changes).await?;
        Ok(UpdateAccountPayload {
            account: Account(updated),
        })
    }

    /// A one-time link for the account's owner to set a new password, valid for 72
    /// hours; the account's older links stop working. Admins only.
    async fn create_password_reset_link(
        &self,
        ctx: &Context<'_>,
        account_id: ID,
    ) -> Result<CreatePasswordResetLinkPayload, ApiError> {
        let actor = require_actor(ctx)?;
        let db = ctx.data_unchecked::<DatabaseConnection>();
        let issued =
            accounts::issue_password_reset(db, actor, self::account_id(&account_id)?).await?;
        let zone = ctx.data_unchecked::<SiteTimeZone>();
        Ok(CreatePasswordResetLinkPayload {
            path: reset_path(&issued.token),
            token: issued.token,
            expires_at: zone.present(issued.expires_at),
            account: Account(issued.account),
        })
    }

    /// Sets a new password with the token of a reset link; needs no login. The link works
    /// once, and every session of the account ends. An unknown, used or expired token is
    /// `BAD_USER_INPUT`.
    async fn reset_password(
        &self,
        ctx: &Context<'_>,
        token: String,
        password: String,
    ) -> Result<bool, ApiError> {
        let db = ctx.data_unchecked::<DatabaseConnection>();
        accounts::reset_password(db, &token, &password)
            .await
            .map_err(|error| account_error(error, "password"))?;
        Ok(true)
    }

    /// Changes the password of the logged-in account after checking the current one.
    /// This session stays; the account's other sessions end.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        current_password: String,
        new_password: String,
    ) -> Result<bool, ApiError> {
        let actor = require_actor(ctx)?;
        let db = ctx.data_unchecked::<DatabaseConnection>();
        accounts::change_own_password(db, actor, &current_password, &new_password)
            .await
            .map_err(|error| account_error(error, "newPassword"))?;
        Ok(true)
    }
}
