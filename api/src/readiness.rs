//! Readiness: whether this process can serve traffic now, as a list of named checks of
//! the services it depends on.
//!
//! `/health` (liveness) only says the process is up; `/ready` runs every check here, all
//! at once and each under a time limit, and a load balancer sends traffic only while
//! all of them pass. The database is checked now; the search engine and the media
//! storage add their checks with [`Readiness::with_check`] when they are configured.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;

/// How long one check may take before it counts as failed.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

type CheckFuture = Pin<Box<dyn Future<Output = Result<(), String>> + Send>>;
type CheckFn = dyn Fn() -> CheckFuture + Send + Sync;

/// The named checks of this process.
#[derive(Clone, Default)]
pub struct Readiness {
    checks: Vec<(&'static str, Arc<CheckFn>)>,
}

/// What one check found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckResult {
    pub name: &'static str,
    /// `None` when it passed; else why not (for the log, never sent to clients).
    pub failure: Option<String>,
}

impl Readiness {
    /// The checks every Kronika has: its database answers.
    pub fn for_database(db: DatabaseConnection) -> Self {
        Self::default().with_check("database", move || {
            let db = db.clone();
            async move {
                kronika_core::db::ping(&db)
                    .await
                    .map_err(|error| error.to_string())
            }
        })
    }

    /// Adds a check; `name` appears in `/ready`'s answer.
    pub fn with_check<F, Fut>(mut self, name: &'static str, check: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), String>> + Send + 'static,
    {
        self.checks
            .push((name, Arc::new(move || Box::pin(check()) as CheckFuture)));
        self
    }

    /// Runs every check concurrently, each under `CHECK_TIMEOUT`.
    pub async fn run(&self) -> Vec<CheckResult> {
        let runs = self.checks.iter().map(|(name, check)| {
            let check = check();
            async move {
                let failure = match tokio::time::timeout(CHECK_TIMEOUT, check).await {
                    Ok(Ok(())) => None,
                    Ok(Err(reason)) => Some(reason),
                    Err(_) => Some(format!("no answer within {CHECK_TIMEOUT:?}")),
                };
                CheckResult { name, failure }
            }
        });
        futures::future::join_all(runs).await
    }
}

impl std::fmt::Debug for Readiness {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_list()
            .entries(self.checks.iter().map(|(name, _)| name))
            .finish()
    }
}
