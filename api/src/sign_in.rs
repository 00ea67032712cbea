//! One way to sign in for both edges (the `login` mutation and the editors' login form):
//! the per-address rate limit first, then the per-account throttle and its delay, then
//! the password check, and the throttle told how it went.

use std::future::Future;
use std::net::IpAddr;

use kronika_core::auth::{LoginError, LoginThrottle};
use sea_orm::DbErr;

use crate::rate_limit::RateLimiter;

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("too many login attempts; try again in {retry_after_seconds} s")]
    RateLimited { retry_after_seconds: u64 },
    #[error("wrong e-mail address or password")]
    InvalidCredentials,
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// Runs `check` (which verifies the password and opens a session of the caller's kind)
/// under the login limits of `address`.
pub async fn sign_in<T, Check, Checked>(
    throttle: &LoginThrottle,
    rate_limit: &RateLimiter,
    email: &str,
    address: Option<IpAddr>,
    check: Check,
) -> Result<T, SignInError>
where
    Check: FnOnce() -> Checked,
    Checked: Future<Output = Result<T, LoginError>>,
{
    // The per-address rate comes first: it also bounds attempts at many accounts.
    if let Some(address) = address {
        rate_limit.check(address).map_err(|retry_after| {
            crate::metrics::rate_limited("login");
            SignInError::RateLimited {
                retry_after_seconds: retry_after.seconds(),
            }
        })?;
    }
    let delay = throttle
        .before_attempt(email, address)
        .map_err(|throttled| SignInError::RateLimited {
            retry_after_seconds: throttled.retry_after.as_secs(),
        })?;
    tokio::time::sleep(delay).await;
    match check().await {
        Ok(session) => {
            throttle.record_success(email, address);
            Ok(session)
        }
        Err(LoginError::InvalidCredentials) => {
            throttle.record_failure(email, address);
            Err(SignInError::InvalidCredentials)
        }
        Err(LoginError::Database(error)) => Err(error.into()),
    }
}
