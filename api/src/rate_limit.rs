//! Per-address request rates of the public endpoints, so that one client cannot take the
//! server's capacity from everybody else.
//!
//! Each limit is a keyed GCRA limiter (the `governor` crate): a steady rate with a burst
//! of the same size, per client address as `http::client_address` finds it. A refusal
//! says how long until the next request would be allowed, which the HTTP layer sends as
//! `Retry-After`. Addresses that went quiet are forgotten by `forget_idle`, which the
//! server calls every minute, so the table does not grow with every address ever seen.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

use crate::config::RateLimits;

/// One limit; `None` inside when it is switched off.
#[derive(Clone)]
pub struct RateLimiter {
    limiter: Option<Arc<DefaultKeyedRateLimiter<IpAddr>>>,
    clock: DefaultClock,
}

/// The request was refused; the client may try again after this long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryAfter(pub Duration);

impl RetryAfter {
    /// Whole seconds for the `Retry-After` header, at least 1 so that clients wait.
    pub fn seconds(self) -> u64 {
        self.0.as_secs() + u64::from(self.0.subsec_nanos() > 0)
    }
}

impl RateLimiter {
    /// `count` requests per second per address; 0 switches the limit off.
    pub fn per_second(count: u32) -> Self {
        Self::with_quota(NonZeroU32::new(count).map(Quota::per_second))
    }

    /// `count` requests per minute per address; 0 switches the limit off.
    pub fn per_minute(count: u32) -> Self {
        Self::with_quota(NonZeroU32::new(count).map(Quota::per_minute))
    }

    fn with_quota(quota: Option<Quota>) -> Self {
        Self {
            limiter: quota.map(|quota| Arc::new(DefaultKeyedRateLimiter::keyed(quota))),
            clock: DefaultClock::default(),
        }
    }

    /// Takes one request's worth of the address's allowance, or says how long to wait.
    pub fn check(&self, address: IpAddr) -> Result<(), RetryAfter> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        limiter
            .check_key(&address)
            .map_err(|not_until| RetryAfter(not_until.wait_time_from(self.clock.now())))
    }

    /// Drops the state of addresses whose allowance is full again.
    pub fn forget_idle(&self) {
        if let Some(limiter) = &self.limiter {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("RateLimiter")
            .field("enabled", &self.limiter.is_some())
            .finish()
    }
}

/// Every per-address limit of the server.
#[derive(Clone, Debug)]
pub struct RateLimiters {
    pub graphql: RateLimiter,
    pub view_beacons: RateLimiter,
    pub logins: RateLimiter,
}

impl RateLimiters {
    pub fn new(limits: &RateLimits) -> Self {
        Self {
            graphql: RateLimiter::per_second(limits.graphql_per_second),
            view_beacons: RateLimiter::per_second(limits.view_beacons_per_second),
            logins: RateLimiter::per_minute(limits.logins_per_minute),
        }
    }

    pub fn forget_idle(&self) {
        self.graphql.forget_idle();
        self.view_beacons.forget_idle();
        self.logins.forget_idle();
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;

    #[test]
    fn a_burst_beyond_the_rate_is_refused_with_a_wait_and_other_addresses_are_not() {
        let limiter = RateLimiter::per_minute(3);
        let one = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
        let other = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 2));
        for _ in 0..3 {
            assert_eq!(limiter.check(one), Ok(()));
        }
        let refused = limiter.check(one);
        assert!(
            matches!(refused, Err(retry) if retry.seconds() >= 1 && retry.seconds() <= 20),
            "{refused:?}"
        );
        assert_eq!(limiter.check(other), Ok(()));
    }

    #[test]
    fn zero_switches_a_limit_off() {
        let limiter = RateLimiter::per_second(0);
        for _ in 0..1000 {
            assert_eq!(limiter.check(IpAddr::V4(Ipv4Addr::LOCALHOST)), Ok(()));
        }
    }
}
