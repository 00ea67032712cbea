//! What every test crate of the workspace shares, and nothing else: [`skip`], the one way a
//! test says it did not run because a service it needs is missing, and [`wait_until`],
//! the one way a test waits for something to happen. It knows nothing of Kronika, so the
//! tests of `search-index`, `kronika-api` and `kronika-tests` can all use it.
//!
//! A skipped test still counts as passed in libtest's tally, so a skip must never be
//! quiet: its line goes straight to the process's standard error, where libtest's output
//! capture does not reach, and with `KRONIKA_REQUIRE_SERVICES=1` (which `.ci/run` sets) a
//! skip for want of a service that CI provides fails the test instead.

use std::fmt;
use std::io::Write;
use std::time::Duration;

/// The variable that turns a skip into a failure.
pub const REQUIRE_SERVICES: &str = "KRONIKA_REQUIRE_SERVICES";

/// A service outside the test process that some tests need and a machine may not have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    /// The shared PostgreSQL server named by `TEST_DATABASE_URL`.
    Postgres,
    /// An S3-compatible server named by `TEST_S3_ENDPOINT` (moto in CI).
    S3,
    /// PostgreSQL's own programs (`initdb`, `pg_ctl`), for a private cluster that a fault
    /// test stops and starts, and as root a `postgres` account to run them as.
    PrivatePostgresCluster,
    /// A Meilisearch server named by `MEILISEARCH_URL`.
    Meilisearch,
    /// Chromium and chromedriver (Debian's `chromium` and `chromium-driver`), for the
    /// browser tests of the editors' application.
    Chromium,
    /// axe-core's `axe.min.js` (npm, in `tests/browser`), for the browser tests'
    /// accessibility audit.
    AxeCore,
    /// `xmllint` (Debian's `libxml2-utils`), which validates the sitemaps against their
    /// XML schemas.
    Xmllint,
}

impl Service {
    /// Whether `KRONIKA_REQUIRE_SERVICES=1` makes this service's absence a failure. CI
    /// provides PostgreSQL (and with it the programs of a private cluster) and moto for
    /// S3, Chromium, chromedriver and axe-core for the browser tests, and xmllint for the
    /// sitemaps' schemas. It has no Meilisearch: no binary is installed and none can be
    /// fetched, so the Meilisearch half of the search contract suite stays skipped there,
    /// loudly.
    pub fn required_in_ci(self) -> bool {
        match self {
            Self::Postgres
            | Self::S3
            | Self::PrivatePostgresCluster
            | Self::Chromium
            | Self::AxeCore
            | Self::Xmllint => true,
            Self::Meilisearch => false,
        }
    }
}

impl fmt::Display for Service {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            Self::Postgres => "PostgreSQL",
            Self::S3 => "an S3 server",
            Self::PrivatePostgresCluster => "a private PostgreSQL cluster",
            Self::Meilisearch => "Meilisearch",
            Self::Chromium => "Chromium and chromedriver",
            Self::AxeCore => "axe-core",
            Self::Xmllint => "xmllint",
        })
    }
}

/// Says that the calling test is about to return without having run because `service`
/// is missing (`reason` says how to provide it), on a line of its own in the normal
/// `cargo test` output. With `KRONIKA_REQUIRE_SERVICES=1` and a service CI provides, it
/// panics instead, so the test fails (the panic names the caller's line).
#[track_caller]
pub fn skip(service: Service, reason: &str) {
    let test = test_name();
    if service.required_in_ci() && services_required() {
        panic!("{test} needs {service}, and {REQUIRE_SERVICES}=1 forbids skipping: {reason}");
    }
    // Written to the stream itself: libtest captures what the print!/eprint! macros
    // write and shows it only for failing tests, which would swallow this line.
    let line = format!("SKIPPED {test}: needs {service}: {reason}\n");
    let _ = std::io::stderr().write_all(line.as_bytes());
}

/// The Meilisearch server `MEILISEARCH_URL` names and the key of `MEILISEARCH_API_KEY`,
/// or `None` after saying through [`skip`] that the variable is not set.
#[track_caller]
pub fn meilisearch_from_env() -> Option<(String, Option<String>)> {
    let Ok(url) = std::env::var("MEILISEARCH_URL") else {
        skip(
            Service::Meilisearch,
            "set MEILISEARCH_URL (and MEILISEARCH_API_KEY) to run it; .ci/run does when Meilisearch is installed",
        );
        return None;
    };
    Some((url, std::env::var("MEILISEARCH_API_KEY").ok()))
}

/// A name unique to this process and call, `<prefix>_<pid>_<count>_<nanos>`: for an index
/// of one test's own on a server that tests running in parallel share.
pub fn unique_name(prefix: &str) -> String {
    static COUNT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let count = COUNT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    format!("{prefix}_{}_{count}_{nanos}", std::process::id())
}

/// Whether `KRONIKA_REQUIRE_SERVICES` asks for every service CI provides.
fn services_required() -> bool {
    requirement_from(std::env::var(REQUIRE_SERVICES))
}

/// Only `1` and `0` (or no value) mean something; anything else is a mistake that must not
/// pass for "not required".
fn requirement_from(value: Result<String, std::env::VarError>) -> bool {
    match value.as_deref() {
        Ok("1") => true,
        Ok("0" | "") | Err(std::env::VarError::NotPresent) => false,
        Ok(other) => panic!("{REQUIRE_SERVICES} must be 1 or 0, not {other:?}"),
        Err(std::env::VarError::NotUnicode(value)) => {
            panic!("{REQUIRE_SERVICES} must be 1 or 0, not {value:?}")
        }
    }
}

/// libtest runs each test on a thread named after it; a test that calls `skip` from
/// another thread is named by that thread.
fn test_name() -> String {
    std::thread::current()
        .name()
        .map_or_else(|| "a test".to_owned(), str::to_owned)
}

/// How often [`wait_until`] asks, and how many times: a bound on waiting for something to
/// happen, never a timed assertion.
const POLL_EVERY: Duration = Duration::from_millis(100);
const POLL_ROUNDS: usize = 600;

/// Waits until `condition` holds, asking every 100 ms for at most a minute, and fails the
/// test naming `what` when it never does.
pub async fn wait_until(what: &str, mut condition: impl AsyncFnMut() -> bool) {
    for _ in 0..POLL_ROUNDS {
        if condition().await {
            return;
        }
        tokio::time::sleep(POLL_EVERY).await;
    }
    panic!("gave up waiting: {what}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_one_requires_and_only_zero_or_nothing_does_not() {
        assert!(requirement_from(Ok("1".to_owned())));
        assert!(!requirement_from(Ok("0".to_owned())));
        assert!(!requirement_from(Ok(String::new())));
        assert!(!requirement_from(Err(std::env::VarError::NotPresent)));
    }

    #[test]
    #[should_panic(expected = "must be 1 or 0")]
    fn any_other_value_is_refused() {
        requirement_from(Ok("yes".to_owned()));
    }

    #[test]
    fn ci_requires_every_service_but_meilisearch() {
        assert!(Service::Postgres.required_in_ci());
        assert!(Service::S3.required_in_ci());
        assert!(Service::PrivatePostgresCluster.required_in_ci());
        assert!(Service::Chromium.required_in_ci());
        assert!(Service::AxeCore.required_in_ci());
        assert!(!Service::Meilisearch.required_in_ci());
    }
}
