//! Slows and then refuses repeated failed logins, per account and per client address.
//!
//! Each failure makes the next attempt under the same key wait a little longer; after
//! `MAX_FAILURES` within the window, attempts are refused until the window has passed.
//! The state lives in memory: it protects one process, which is enough to make online
//! password guessing impractical. It keeps no addresses beyond the window.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use moka::sync::Cache;

/// Failures allowed within one window before attempts are refused.
const MAX_FAILURES: u32 = 5;
/// How long failures are remembered, and how long a refusal lasts at most.
const WINDOW: Duration = Duration::from_secs(15 * 60);
/// The added wait per earlier failure, so guessing gets slow before it gets refused.
const DELAY_PER_FAILURE: Duration = Duration::from_millis(200);

#[derive(Clone, Debug)]
pub struct LoginThrottle {
    failures: Cache<String, Failures>,
}

#[derive(Clone, Copy, Debug)]
struct Failures {
    count: u32,
    first_at: Instant,
}

/// Attempts are refused for now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Throttled {
    pub retry_after: Duration,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self {
            failures: Cache::builder()
                .time_to_live(WINDOW)
                .max_capacity(100_000)
                .build(),
        }
    }
}

impl LoginThrottle {
    fn keys(email: &str, address: Option<IpAddr>) -> Vec<String> {
        let mut keys = vec![format!("account:{}", email.trim().to_lowercase())];
        if let Some(address) = address {
            keys.push(format!("address:{address}"));
        }
        keys
    }

    /// Before checking a password: how long to wait first, or a refusal.
    pub fn before_attempt(
        &self,
        email: &str,
        address: Option<IpAddr>,
    ) -> Result<Duration, Throttled> {
        let mut delay = Duration::ZERO;
        for key in Self::keys(email, address) {
            let Some(failures) = self.failures.get(&key) else {
                continue;
            };
            if failures.count >= MAX_FAILURES {
                let retry_after = WINDOW.saturating_sub(failures.first_at.elapsed());
                return Err(Throttled {
                    retry_after: retry_after.max(Duration::from_secs(1)),
                });
            }
            delay = delay.max(DELAY_PER_FAILURE * failures.count);
        }
        Ok(delay)
    }

    pub fn record_failure(&self, email: &str, address: Option<IpAddr>) {
        for key in Self::keys(email, address) {
            let now = Instant::now();
            let failures = self.failures.get(&key).map_or(
                Failures {
                    count: 1,
                    first_at: now,
                },
                |earlier| Failures {
                    count: earlier.count + 1,
                    first_at: earlier.first_at,
                },
            );
            self.failures.insert(key, failures);
        }
    }

    /// A successful login forgets the account's failures (not the address's: one
    /// address guessing many accounts stays throttled).
    pub fn record_success(&self, email: &str) {
        self.failures
            .invalidate(&format!("account:{}", email.trim().to_lowercase()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_slow_down_and_then_refuse() {
        let throttle = LoginThrottle::default();
        let address = Some(IpAddr::from([127, 0, 0, 1]));
        assert_eq!(
            throttle.before_attempt("a@example.org", address),
            Ok(Duration::ZERO)
        );
        for _ in 0..MAX_FAILURES - 1 {
            throttle.record_failure("a@example.org", address);
        }
        assert_eq!(
            throttle.before_attempt("a@example.org", address),
            Ok(DELAY_PER_FAILURE * (MAX_FAILURES - 1))
        );
        throttle.record_failure("a@example.org", address);
        assert!(throttle.before_attempt("a@example.org", None).is_err());
        // The address is refused for other accounts too.
        assert!(throttle.before_attempt("b@example.org", address).is_err());
        assert!(throttle.before_attempt("b@example.org", None).is_ok());
    }
}
