//! Helpers for fault tests that keep a server under concurrent load while something it
//! depends on fails: requests whose failure is an outcome to count rather than a panic,
//! and a tally of outcomes shared by the load tasks. (Bounded waiting is
//! [`crate::wait_until`].)

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Value, json};

use crate::{Session, TestApp};

impl TestApp {
    /// POSTs a GraphQL request. `Ok(data)` when it succeeded; otherwise what the client
    /// saw: the error's `extensions.code`, or a description of an answer that was no
    /// coded JSON error at all (no HTTP answer, no JSON body, an error without a code).
    pub async fn try_gql(
        &self,
        session: Option<&Session>,
        query: &str,
        variables: Value,
    ) -> Result<Value, String> {
        let mut request = self
            .client
            .post(self.url("/graphql"))
            .json(&json!({"query": query, "variables": variables}));
        if let Some(session) = session {
            request = request.bearer_auth(&session.token);
        }
        let response = request
            .send()
            .await
            .map_err(|error| format!("no HTTP answer: {error}"))?;
        let status = response.status();
        let body: Value = response
            .json()
            .await
            .map_err(|error| format!("HTTP {status} without a JSON body: {error}"))?;
        match body.get("errors") {
            None => Ok(body["data"].clone()),
            Some(errors) => Err(errors[0]["extensions"]["code"].as_str().map_or_else(
                || format!("an error without a code: {errors}"),
                str::to_owned,
            )),
        }
    }

    /// `GET /ready`: the status and the body naming each check.
    pub async fn ready(&self) -> (u16, Value) {
        let response = self
            .client
            .get(self.url("/ready"))
            .send()
            .await
            .unwrap_or_else(|error| panic!("GET /ready: {error}"));
        let status = response.status().as_u16();
        let body = response
            .json()
            .await
            .unwrap_or_else(|error| panic!("/ready did not answer JSON: {error}"));
        (status, body)
    }
}

/// The outcomes of one kind of request, counted by the tasks that send them.
#[derive(Debug, Default)]
pub struct Tally {
    ok: AtomicU64,
    failures: Mutex<BTreeMap<String, u64>>,
}

impl Tally {
    pub fn record<T>(&self, outcome: &Result<T, String>) {
        match outcome {
            Ok(_) => {
                self.ok.fetch_add(1, Ordering::SeqCst);
            }
            Err(failure) => {
                *self.lock().entry(failure.clone()).or_default() += 1;
            }
        }
    }

    /// Requests that succeeded so far.
    pub fn ok(&self) -> u64 {
        self.ok.load(Ordering::SeqCst)
    }

    /// Requests that failed so far, by what the client saw.
    pub fn failures(&self) -> BTreeMap<String, u64> {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, u64>> {
        // A load task that panicked fails the test on its own; its count stays usable.
        self.failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
