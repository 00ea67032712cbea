//! Counting a reader once per article per day without remembering who the reader is.
//!
//! A view is reduced at once to a 64-bit SipHash of (address, User-Agent, article), keyed
//! with a 128-bit secret salt drawn from the operating system's random source. The salt
//! lives only in this process's memory and is replaced when the site's calendar day
//! changes, and the day's hashes are forgotten with it. So nothing kept can be turned back
//! into an address (the hash is one-way and its key is secret), nothing links a reader's
//! days (each day has its own key), and nothing survives a restart or reaches the disk.
//!
//! Memory is bounded by [`DEFAULT_DEDUPE_CAPACITY`] hashes, kept in two halves: new
//! hashes go into the current half, and when it is full it becomes the previous half and
//! the old previous half is forgotten. So the most recent half of the capacity is always
//! remembered, and a busy day forgets its oldest readers first: a reader who reloads
//! within the last few hundred thousand views is caught, one who comes back much later
//! may count twice. Reloads come soon after the first view, so this costs little, and it
//! keeps the dedupe working on a day busier than its memory, without dropping views.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use std::net::IpAddr;
use std::sync::Mutex;

use chrono::NaiveDate;
use siphasher::sip::SipHasher13;

use super::reader::Reader;

/// How many (reader, article) pairs are remembered at most: about 20 MiB of hashes.
pub const DEFAULT_DEDUPE_CAPACITY: usize = 1_000_000;

/// Remembers which readers viewed which article today, as salted hashes only.
pub struct DailyDedupe {
    state: Mutex<DedupeDay>,
    capacity: usize,
}

type Fingerprints = HashSet<u64, BuildHasherDefault<PassThroughHasher>>;

struct DedupeDay {
    day: Option<NaiveDate>,
    salt: Salt,
    /// Where new fingerprints go, up to half the capacity.
    current: Fingerprints,
    /// The half filled before `current`, still consulted.
    previous: Fingerprints,
    warned_full: bool,
}

impl DailyDedupe {
    pub fn new(capacity: usize) -> Self {
        Self {
            state: Mutex::new(DedupeDay {
                day: None,
                salt: Salt::fresh(),
                current: Fingerprints::default(),
                previous: Fingerprints::default(),
                warned_full: false,
            }),
            capacity: capacity.max(2),
        }
    }

    /// Whether this is the reader's first view of the article on `day`; remembers it.
    ///
    /// Days only move forward: a view computed just before midnight that arrives after
    /// another thread has started the new day is judged against the new day's memory,
    /// rather than throwing that memory away again.
    pub fn first_view(&self, day: NaiveDate, reader: &Reader, article_id: i64) -> bool {
        let mut state = match self.state.lock() {
            Ok(state) => state,
            // A panic elsewhere while holding the lock cannot leave the set half-changed
            // in a way that matters here, so the memory is used as it is.
            Err(poisoned) => poisoned.into_inner(),
        };
        if state.day.is_none_or(|current| day > current) {
            state.start_day(day);
        }
        let fingerprint = state.salt.fingerprint(reader, article_id);
        if state.current.contains(&fingerprint) || state.previous.contains(&fingerprint) {
            return false;
        }
        if state.current.len() >= self.capacity / 2 {
            state.previous = std::mem::take(&mut state.current);
            if !state.warned_full {
                state.warned_full = true;
                tracing::info!(
                    capacity = self.capacity,
                    "view dedupe memory is full today; the oldest readers are forgotten first"
                );
            }
        }
        state.current.insert(fingerprint);
        true
    }

    /// How many (reader, article) pairs today's memory holds.
    pub fn remembered(&self) -> usize {
        let state = match self.state.lock() {
            Ok(state) => state,
            Err(poisoned) => poisoned.into_inner(),
        };
        state.current.len() + state.previous.len()
    }
}

impl DedupeDay {
    fn start_day(&mut self, day: NaiveDate) {
        self.day = Some(day);
        self.salt = Salt::fresh();
        // New sets rather than `clear`, so that a busy day's memory is given back.
        self.current = Fingerprints::default();
        self.previous = Fingerprints::default();
        self.warned_full = false;
    }
}

/// The secret key of one day's hashes.
struct Salt {
    key0: u64,
    key1: u64,
}

impl Salt {
    /// A key from the operating system's random source. Should that source fail, which on
    /// Linux it does not once the system has booted, std's per-process random hash seed is
    /// used instead: still secret and in memory only, but not independent between days.
    fn fresh() -> Self {
        match (getrandom::u64(), getrandom::u64()) {
            (Ok(key0), Ok(key1)) => Self { key0, key1 },
            (Err(error), _) | (_, Err(error)) => {
                tracing::error!(%error, "no OS randomness for the view dedupe salt");
                let seeds = std::collections::hash_map::RandomState::new();
                Self {
                    key0: std::hash::BuildHasher::hash_one(&seeds, 0_u8),
                    key1: std::hash::BuildHasher::hash_one(&seeds, 1_u8),
                }
            }
        }
    }

    /// The keyed hash of one reader viewing one article. Every part is written with its
    /// length or a fixed width, so that no two different inputs share a byte stream.
    fn fingerprint(&self, reader: &Reader, article_id: i64) -> u64 {
        let mut hasher = SipHasher13::new_with_keys(self.key0, self.key1);
        match reader.network() {
            IpAddr::V4(v4) => {
                hasher.write_u8(4);
                hasher.write(&v4.octets());
            }
            IpAddr::V6(v6) => {
                hasher.write_u8(6);
                hasher.write(&v6.octets());
            }
        }
        let user_agent = reader.user_agent().as_bytes();
        hasher.write_usize(user_agent.len());
        hasher.write(user_agent);
        hasher.write_i64(article_id);
        hasher.finish()
    }
}

/// The set's keys are already keyed SipHash outputs, uniformly spread and unpredictable
/// without the secret salt, so hashing them again would only cost time; this hasher
/// passes them through. An attacker cannot aim for collisions without knowing the salt.
#[derive(Default)]
struct PassThroughHasher(u64);

impl Hasher for PassThroughHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*byte);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(number: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, number).unwrap_or_default()
    }

    fn reader(address: &str, user_agent: &str) -> Reader {
        let address = address.parse().unwrap_or_else(|error| panic!("{error}"));
        Reader::new(address, user_agent)
    }

    #[test]
    fn a_reader_counts_once_per_article_per_day() {
        let dedupe = DailyDedupe::new(100);
        let anna = reader("192.0.2.1", "Firefox");
        assert!(dedupe.first_view(day(1), &anna, 7));
        assert!(!dedupe.first_view(day(1), &anna, 7));
        assert!(dedupe.first_view(day(1), &anna, 8), "another article");
        assert!(dedupe.first_view(day(2), &anna, 7), "the next day");
    }

    #[test]
    fn address_and_user_agent_together_make_the_reader() {
        let dedupe = DailyDedupe::new(100);
        assert!(dedupe.first_view(day(1), &reader("192.0.2.1", "Firefox"), 7));
        assert!(dedupe.first_view(day(1), &reader("192.0.2.1", "Chrome"), 7));
        assert!(dedupe.first_view(day(1), &reader("192.0.2.2", "Firefox"), 7));
        assert!(!dedupe.first_view(day(1), &reader("192.0.2.2", "Firefox"), 7));
    }

    #[test]
    fn a_new_day_forgets_the_old_days_readers() {
        let dedupe = DailyDedupe::new(100);
        for number in 0..10 {
            dedupe.first_view(day(1), &reader("192.0.2.1", "Firefox"), number);
        }
        assert_eq!(dedupe.remembered(), 10);
        dedupe.first_view(day(2), &reader("192.0.2.1", "Firefox"), 1);
        assert_eq!(dedupe.remembered(), 1);
    }

    #[test]
    fn a_late_view_from_yesterday_does_not_reset_today() {
        let dedupe = DailyDedupe::new(100);
        let anna = reader("192.0.2.1", "Firefox");
        assert!(dedupe.first_view(day(2), &anna, 7));
        assert!(!dedupe.first_view(day(1), &anna, 7));
        assert!(!dedupe.first_view(day(2), &anna, 7));
    }

    #[test]
    fn past_its_capacity_it_forgets_the_oldest_readers_first() {
        let dedupe = DailyDedupe::new(4);
        let anna = reader("192.0.2.1", "Firefox");
        for article_id in 1..=4 {
            assert!(dedupe.first_view(day(1), &anna, article_id));
        }
        assert_eq!(dedupe.remembered(), 4);
        assert!(
            !dedupe.first_view(day(1), &anna, 1),
            "the previous half is consulted"
        );
        assert!(dedupe.first_view(day(1), &anna, 5));
        assert_eq!(dedupe.remembered(), 3, "the oldest half was forgotten");
        assert!(
            dedupe.first_view(day(1), &anna, 1),
            "forgotten, so counted again"
        );
        assert!(!dedupe.first_view(day(1), &anna, 4));
        assert!(!dedupe.first_view(day(1), &anna, 5));
    }

    #[test]
    fn two_salts_give_different_fingerprints() {
        let anna = reader("192.0.2.1", "Firefox");
        assert_ne!(
            Salt::fresh().fingerprint(&anna, 7),
            Salt::fresh().fingerprint(&anna, 7)
        );
    }
}
