//! Slows and then refuses repeated failed logins, without letting anyone lock an editor
//! out by knowing their e-mail address.
//!
//! Failures are counted under three keys, each within a window of 15 minutes from its
//! first failure:
//! - the account and the address together: after 5, that address is refused for that
//!   account — the usual guesser, who stays refused whatever password comes next;
//! - the address alone: after 20, it is refused for every account — one address trying
//!   many accounts;
//! - the account alone: after 50, every address is refused for it — many addresses (a
//!   botnet) trying one account.
//!
//! Each failure also makes the next attempt under the same keys wait 200 ms longer, up to
//! 3 s, so guessing gets slow before it gets refused.
//!
//! An address from which the account logged in successfully within the last 30 days is
//! known to it, and attempts from a known address are slowed but never refused: a guesser
//! elsewhere cannot keep the editor out, and one sharing the editor's address (an office,
//! a café) only makes the editor wait. What that gives up: someone guessing from a known
//! address is held back only by the delay and by `login`'s per-address rate limit.
//!
//! The state lives in memory, per process: it needs to outlast neither a restart nor a
//! window, and it keeps no list of addresses. Keys are keyed hashes (a secret drawn per
//! process) of the e-mail address and the address's network, which for IPv6 is its /64,
//! as for counting views: a device picks new low 64 bits at will.

use std::hash::Hasher;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use moka::sync::Cache;
use siphasher::sip128::{Hasher128, SipHasher13};

use crate::views::Reader;

/// Failures of one account from one address before that address is refused for it.
const MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS: u32 = 5;
/// Failures from one address, whatever the accounts, before it is refused for all.
const MAX_FAILURES_PER_ADDRESS: u32 = 20;
/// Failures of one account, whatever the addresses, before unknown addresses are refused.
const MAX_FAILURES_PER_ACCOUNT: u32 = 50;
/// How long failures are remembered, and how long a refusal lasts at most.
const WINDOW: Duration = Duration::from_secs(15 * 60);
/// The added wait per earlier failure, so guessing gets slow before it gets refused.
const DELAY_PER_FAILURE: Duration = Duration::from_millis(200);
/// The longest wait before an attempt: what a known address pays at worst.
const MAX_DELAY: Duration = Duration::from_secs(3);
/// How long a successful login makes its address known to the account.
const KNOWN_ADDRESS_LIFETIME: Duration = Duration::from_secs(30 * 24 * 60 * 60);
/// The most keys of each kind kept; beyond it the least used are forgotten.
const MAX_KEYS: u64 = 100_000;

#[derive(Clone, Debug)]
pub struct LoginThrottle {
    failures: Cache<u128, Failures>,
    known_addresses: Cache<u128, ()>,
    key0: u64,
    key1: u64,
}

#[derive(Clone, Copy, Debug)]
struct Failures {
    count: u32,
    first_at: Instant,
}

impl Failures {
    fn current(self) -> Option<Self> {
        (self.first_at.elapsed() < WINDOW).then_some(self)
    }
}

/// Attempts are refused for now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Throttled {
    pub retry_after: Duration,
}

/// What a failure counts against, with the limit beyond which attempts are refused.
#[derive(Clone, Copy)]
enum Key {
    AccountAndAddress,
    Address,
    Account,
}

impl Key {
    const ALL: [Self; 3] = [Self::AccountAndAddress, Self::Address, Self::Account];

    const fn max_failures(self) -> u32 {
        match self {
            Self::AccountAndAddress => MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS,
            Self::Address => MAX_FAILURES_PER_ADDRESS,
            Self::Account => MAX_FAILURES_PER_ACCOUNT,
        }
    }
}

impl Default for LoginThrottle {
    fn default() -> Self {
        let (key0, key1) = secret_key();
        Self {
            failures: Cache::builder()
                .time_to_live(WINDOW)
                .max_capacity(MAX_KEYS)
                .build(),
            known_addresses: Cache::builder()
                .time_to_live(KNOWN_ADDRESS_LIFETIME)
                .max_capacity(MAX_KEYS)
                .build(),
            key0,
            key1,
        }
    }
}

/// A key from the operating system's random source, or, should that fail (on Linux it
/// does not once the system has booted), std's per-process random hash seed: either way
/// secret and in memory only.
fn secret_key() -> (u64, u64) {
    match (getrandom::u64(), getrandom::u64()) {
        (Ok(key0), Ok(key1)) => (key0, key1),
        (Err(error), _) | (_, Err(error)) => {
            tracing::error!(%error, "no OS randomness for the login throttle's key");
            let seeds = std::collections::hash_map::RandomState::new();
            (
                std::hash::BuildHasher::hash_one(&seeds, 0_u8),
                std::hash::BuildHasher::hash_one(&seeds, 1_u8),
            )
        }
    }
}

impl LoginThrottle {
    /// The keyed hash of a key's parts. Each part is written with a kind byte and its
    /// length or a fixed width, so that no two different inputs share a byte stream.
    fn hash(&self, kind: u8, email: Option<&str>, address: Option<IpAddr>) -> u128 {
        let mut hasher = SipHasher13::new_with_keys(self.key0, self.key1);
        hasher.write_u8(kind);
        if let Some(email) = email {
            let email = email.trim().to_lowercase();
            hasher.write_usize(email.len());
            hasher.write(email.as_bytes());
        }
        if let Some(address) = address {
            match Reader::new(address, String::new()).network() {
                IpAddr::V4(v4) => {
                    hasher.write_u8(4);
                    hasher.write(&v4.octets());
                }
                IpAddr::V6(v6) => {
                    hasher.write_u8(6);
                    hasher.write(&v6.octets());
                }
            }
        }
        hasher.finish128().as_u128()
    }

    /// The hash a key of `kind` has for this attempt; `None` when the attempt has no
    /// address and the key needs one.
    fn failure_key(&self, key: Key, email: &str, address: Option<IpAddr>) -> Option<u128> {
        match key {
            Key::AccountAndAddress => Some(self.hash(1, Some(email), Some(address?))),
            Key::Address => Some(self.hash(2, None, Some(address?))),
            Key::Account => Some(self.hash(3, Some(email), None)),
        }
    }

    fn known_address_key(&self, email: &str, address: IpAddr) -> u128 {
        self.hash(4, Some(email), Some(address))
    }

    /// Whether the account logged in from this address (its network) recently.
    fn is_known_address(&self, email: &str, address: Option<IpAddr>) -> bool {
        address.is_some_and(|address| {
            self.known_addresses
                .contains_key(&self.known_address_key(email, address))
        })
    }

    /// Before checking a password: how long to wait first, or a refusal. An address the
    /// account logged in from before is only ever made to wait.
    pub fn before_attempt(
        &self,
        email: &str,
        address: Option<IpAddr>,
    ) -> Result<Duration, Throttled> {
        let known = self.is_known_address(email, address);
        let mut delay = Duration::ZERO;
        for key in Key::ALL {
            let Some(failures) = self
                .failure_key(key, email, address)
                .and_then(|hash| self.failures.get(&hash))
                .and_then(Failures::current)
            else {
                continue;
            };
            if !known && failures.count >= key.max_failures() {
                let retry_after = WINDOW.saturating_sub(failures.first_at.elapsed());
                return Err(Throttled {
                    retry_after: retry_after.max(Duration::from_secs(1)),
                });
            }
            delay = delay.max(DELAY_PER_FAILURE.saturating_mul(failures.count));
        }
        Ok(delay.min(MAX_DELAY))
    }

    pub fn record_failure(&self, email: &str, address: Option<IpAddr>) {
        for key in Key::ALL {
            let Some(hash) = self.failure_key(key, email, address) else {
                continue;
            };
            self.failures.entry(hash).and_upsert_with(|earlier| {
                match earlier.and_then(|entry| entry.into_value().current()) {
                    Some(earlier) => Failures {
                        count: earlier.count.saturating_add(1),
                        first_at: earlier.first_at,
                    },
                    None => Failures {
                        count: 1,
                        first_at: Instant::now(),
                    },
                }
            });
        }
    }

    /// A successful login makes its address known to the account and forgets the
    /// failures of the two together. The account's and the address's own failures stay:
    /// they may be someone else's guesses, which one right password does not undo.
    pub fn record_success(&self, email: &str, address: Option<IpAddr>) {
        let Some(address) = address else {
            return;
        };
        self.known_addresses
            .insert(self.known_address_key(email, address), ());
        if let Some(hash) = self.failure_key(Key::AccountAndAddress, email, Some(address)) {
            self.failures.invalidate(&hash);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv6Addr;

    use super::*;

    const EDITOR: &str = "ewa@example.org";

    fn address(last: u8) -> Option<IpAddr> {
        Some(IpAddr::from([192, 0, 2, last]))
    }

    fn fail(throttle: &LoginThrottle, email: &str, address: Option<IpAddr>, times: u32) {
        for _ in 0..times {
            throttle.record_failure(email, address);
        }
    }

    #[test]
    fn failures_slow_down_and_then_refuse_that_address_for_that_account() {
        let throttle = LoginThrottle::default();
        let guesser = address(1);
        assert_eq!(throttle.before_attempt(EDITOR, guesser), Ok(Duration::ZERO));
        fail(
            &throttle,
            EDITOR,
            guesser,
            MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS - 1,
        );
        assert_eq!(
            throttle.before_attempt(EDITOR, guesser),
            Ok(DELAY_PER_FAILURE * (MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS - 1))
        );
        fail(&throttle, EDITOR, guesser, 1);
        let refused = throttle.before_attempt(EDITOR, guesser);
        assert!(
            refused.is_err_and(|throttled| throttled.retry_after > WINDOW / 2),
            "{refused:?}"
        );
        // The account is slowed elsewhere, not refused; the address may try others.
        assert!(throttle.before_attempt(EDITOR, address(2)).is_ok());
        assert!(throttle.before_attempt("adam@example.org", guesser).is_ok());
    }

    #[test]
    fn a_known_address_is_slowed_but_never_refused() {
        let throttle = LoginThrottle::default();
        let office = address(7);
        throttle.record_success(EDITOR, office);
        fail(&throttle, EDITOR, office, MAX_FAILURES_PER_ACCOUNT + 10);
        assert_eq!(throttle.before_attempt(EDITOR, office), Ok(MAX_DELAY));
        // Known to this account only: the same address is refused for another one.
        fail(&throttle, "adam@example.org", office, 1);
        assert!(throttle.before_attempt("adam@example.org", office).is_err());
    }

    #[test]
    fn one_address_trying_many_accounts_is_refused_for_all() {
        let throttle = LoginThrottle::default();
        let sprayer = address(9);
        for account in 0..MAX_FAILURES_PER_ADDRESS {
            let email = format!("user{account}@example.org");
            assert!(throttle.before_attempt(&email, sprayer).is_ok());
            fail(&throttle, &email, sprayer, 1);
        }
        assert!(
            throttle
                .before_attempt("someone-new@example.org", sprayer)
                .is_err()
        );
    }

    #[test]
    fn many_addresses_trying_one_account_close_it_to_unknown_addresses_only() {
        let throttle = LoginThrottle::default();
        let home = address(200);
        throttle.record_success(EDITOR, home);
        for last in 0..u8::try_from(MAX_FAILURES_PER_ACCOUNT).unwrap_or(u8::MAX) {
            fail(&throttle, EDITOR, address(last), 1);
        }
        assert!(throttle.before_attempt(EDITOR, address(250)).is_err());
        assert_eq!(throttle.before_attempt(EDITOR, home), Ok(MAX_DELAY));
    }

    #[test]
    fn an_ipv6_device_rotating_its_interface_bits_is_one_address() {
        let throttle = LoginThrottle::default();
        let network = 0x2001_0db8_0001_0002_u128 << 64;
        for device_bits in 0..u128::from(MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS) {
            let rotated = IpAddr::V6(Ipv6Addr::from(network | (device_bits * 7919 + 1)));
            throttle.record_failure(EDITOR, Some(rotated));
        }
        let next = IpAddr::V6(Ipv6Addr::from(network | 0xdead_beef));
        assert!(throttle.before_attempt(EDITOR, Some(next)).is_err());
    }

    #[test]
    fn the_editors_success_elsewhere_does_not_lift_a_guessers_refusal() {
        let throttle = LoginThrottle::default();
        let guesser = address(1);
        fail(
            &throttle,
            EDITOR,
            guesser,
            MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS,
        );
        throttle.record_success(EDITOR, address(2));
        assert!(throttle.before_attempt(EDITOR, guesser).is_err());
    }
}
