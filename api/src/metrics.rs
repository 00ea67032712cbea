//! What the server measures, by name, and the Prometheus text `/metrics` serves.
//!
//! Every metric is recorded through one function here, so the names and labels are in one
//! place and the call sites say what happened, not how it is counted. Recording goes
//! through the `metrics` facade into one process-wide Prometheus recorder: a counter
//! increment is an atomic add after a hashed lookup, cheap enough for the cached read
//! path. Labels take only bounded values; client-chosen operation names are admitted up
//! to `MAX_OPERATION_NAMES` distinct names, the rest are counted as `other`.
//!
//! The core records its own events (view flushes, uploads, the search outbox) through
//! `kronika_core::metrics` into the same recorder; only their histogram buckets are set
//! here, where the recorder is built.

use std::collections::HashSet;
use std::sync::{OnceLock, RwLock};
use std::time::Duration;

use metrics::{counter, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::graphql::error::{ErrorCode, ErrorKind};

/// Distinct operation names kept as labels; more would let clients grow the metrics
/// without bound by inventing names.
const MAX_OPERATION_NAMES: usize = 200;

/// Latency buckets in seconds, from a cache hit to a request near its timeout.
const LATENCY_BUCKETS: &[f64] = &[
    0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];
/// Batch sizes (articles per view flush).
const BATCH_BUCKETS: &[f64] = &[1.0, 5.0, 10.0, 50.0, 100.0, 500.0, 1000.0, 5000.0];

static RECORDER: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
static OPERATION_NAMES: OnceLock<RwLock<HashSet<String>>> = OnceLock::new();

/// Installs the process-wide recorder once; later calls return the same handle. `None`
/// when another recorder was installed first (then nothing is exported).
pub fn install() -> Option<PrometheusHandle> {
    RECORDER
        .get_or_init(|| {
            let built = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), LATENCY_BUCKETS)
                .and_then(|builder| {
                    builder.set_buckets_for_metric(
                        Matcher::Full("kronika_view_flush_articles".into()),
                        BATCH_BUCKETS,
                    )
                })
                .and_then(PrometheusBuilder::install_recorder);
            match built {
                Ok(handle) => Some(handle),
                Err(error) => {
                    tracing::error!(%error, "metrics are not recorded");
                    None
                }
            }
        })
        .clone()
}

/// How a GraphQL request ended, derived from the codes of its errors (see
/// `Outcome::of_errors`), never guessed from the HTTP status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Answered without errors.
    Ok,
    /// Answered, with errors the client can act on (bad input, not found, …).
    Error,
    /// Refused before it ran: malformed, too large, too complex, rate limited.
    Rejected,
    /// Stopped at the request timeout.
    Timeout,
    /// The database or the search engine did not answer.
    Unavailable,
    /// Failed inside the server.
    Internal,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Error => "error",
            Self::Rejected => "rejected",
            Self::Timeout => "timeout",
            Self::Unavailable => "unavailable",
            Self::Internal => "internal",
        }
    }

    /// The outcome of a response with errors of these codes: the most severe kind among
    /// them decides. An error without a code of ours counts as internal, since every error
    /// should carry one.
    pub fn of_errors(codes: impl IntoIterator<Item = Option<ErrorCode>>) -> Self {
        codes
            .into_iter()
            .map(|code| code.map_or(ErrorKind::Internal, ErrorCode::kind))
            .max()
            .map_or(Self::Ok, |kind| match kind {
                ErrorKind::Client => Self::Error,
                ErrorKind::Refused => Self::Rejected,
                ErrorKind::Timeout => Self::Timeout,
                ErrorKind::Unavailable => Self::Unavailable,
                ErrorKind::Internal => Self::Internal,
            })
    }
}

/// Whether the response cache answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheUse {
    Hit,
    Miss,
    /// The request was not cacheable (credentials, mutation, cache off).
    Bypass,
}

impl CacheUse {
    fn as_str(self) -> &'static str {
        match self {
            Self::Hit => "hit",
            Self::Miss => "miss",
            Self::Bypass => "bypass",
        }
    }
}

/// One GraphQL operation answered: counted by operation name, outcome and cache use,
/// and its latency observed by operation name.
pub fn graphql_request(
    operation_name: Option<&str>,
    outcome: Outcome,
    cache: CacheUse,
    duration: Duration,
) {
    let operation = operation_label(operation_name);
    counter!(
        "kronika_graphql_requests_total",
        "operation" => operation.clone(),
        "outcome" => outcome.as_str(),
        "cache" => cache.as_str()
    )
    .increment(1);
    histogram!("kronika_graphql_request_duration_seconds", "operation" => operation)
        .record(duration.as_secs_f64());
}

/// A request refused by a per-address rate limit; `endpoint` is `graphql`,
/// `view_beacon`, `record_view` or `login`.
pub fn rate_limited(endpoint: &'static str) {
    counter!("kronika_rate_limited_total", "endpoint" => endpoint).increment(1);
}

/// Views counted in memory and not yet written.
pub fn views_pending(views: u64) {
    gauge!("kronika_views_pending").set(views as f64);
}

/// The database pool as it is now: open connections, idle ones, and the maximum.
pub fn database_pool(open: u32, idle: usize, max: u32) {
    gauge!("kronika_db_pool_connections").set(f64::from(open));
    gauge!("kronika_db_pool_idle_connections").set(idle as f64);
    gauge!("kronika_db_pool_max_connections").set(f64::from(max));
}

/// One delivery of the change webhook, successful or given up after its retries.
pub fn webhook_delivery(succeeded: bool) {
    let outcome = if succeeded { "ok" } else { "error" };
    counter!("kronika_webhook_deliveries_total", "outcome" => outcome).increment(1);
}

/// A label for a client-chosen operation name: the name itself while fewer than
/// `MAX_OPERATION_NAMES` are known, `anonymous` without one, `other` past the cap or
/// for a name that is not a GraphQL name.
fn operation_label(name: Option<&str>) -> String {
    let Some(name) = name.filter(|name| !name.is_empty()) else {
        return "anonymous".to_owned();
    };
    if !is_graphql_name(name) {
        return "other".to_owned();
    }
    let names = OPERATION_NAMES.get_or_init(|| RwLock::new(HashSet::new()));
    if let Ok(known) = names.read()
        && known.contains(name)
    {
        return name.to_owned();
    }
    match names.write() {
        Ok(mut known) if known.len() < MAX_OPERATION_NAMES || known.contains(name) => {
            known.insert(name.to_owned());
            name.to_owned()
        }
        _ => "other".to_owned(),
    }
}

fn is_graphql_name(name: &str) -> bool {
    let mut characters = name.chars();
    characters
        .next()
        .is_some_and(|first| first == '_' || first.is_ascii_alphabetic())
        && characters.all(|rest| rest == '_' || rest.is_ascii_alphanumeric())
        && name.len() <= 100
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_severe_error_decides_the_outcome() {
        assert_eq!(Outcome::of_errors([]), Outcome::Ok);
        assert_eq!(
            Outcome::of_errors([Some(ErrorCode::NotFound)]),
            Outcome::Error
        );
        assert_eq!(
            Outcome::of_errors([Some(ErrorCode::DatabaseUnavailable)]),
            Outcome::Unavailable
        );
        assert_eq!(
            Outcome::of_errors([
                Some(ErrorCode::NotFound),
                Some(ErrorCode::InternalServerError)
            ]),
            Outcome::Internal
        );
        assert_eq!(
            Outcome::of_errors([Some(ErrorCode::QueryTooComplex)]),
            Outcome::Rejected
        );
        assert_eq!(Outcome::of_errors([None]), Outcome::Internal);
    }

    #[test]
    fn operation_labels_are_bounded_and_sane() {
        assert_eq!(operation_label(None), "anonymous");
        assert_eq!(operation_label(Some("Article")), "Article");
        assert_eq!(operation_label(Some("not a name\"")), "other");
    }
}
