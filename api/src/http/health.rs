//! `GET /health` (liveness: the process is up and serving) and `GET /ready` (readiness:
//! every service it depends on answers, see `readiness`).
//!
//! Liveness does not look at the database on purpose: an orchestrator restarts a process
//! that is not live, and restarting every replica because the database is away helps
//! nobody. Readiness takes a replica out of the load balancer instead.

use poem::handler;
use poem::http::StatusCode;
use poem::web::{Data, Json};
use serde_json::{Map, Value, json};

use super::HttpState;

#[handler]
pub async fn health() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

#[handler]
pub async fn ready(Data(state): Data<&HttpState>) -> (StatusCode, Json<Value>) {
    let results = state.readiness.run().await;
    let mut checks = Map::new();
    let mut all_passed = true;
    for result in results {
        let state = match &result.failure {
            None => "ok",
            Some(reason) => {
                all_passed = false;
                // The reason may name hosts; it goes to the log, not to the client.
                tracing::error!(check = result.name, reason, "readiness check failed");
                "unavailable"
            }
        };
        checks.insert(result.name.to_owned(), Value::from(state));
    }
    let (status, word) = if all_passed {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
    };
    (status, Json(json!({"status": word, "checks": checks})))
}
