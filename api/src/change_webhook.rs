//! The change webhook: a signed HTTP POST to a configured URL after every content
//! change, so that a CDN can purge what changed or a static-site builder can rebuild.
//!
//! The body is JSON: `{"event": "content.changed", "sentAt": …, "changes": […],
//! "tags": […]}`; `tags` are the same names `GET /graphql` sends as `Cache-Tag`, so a CDN
//! purges exactly the responses that used what changed (`["all"]` means everything).
//! The receiver checks `X-Kronika-Signature: sha256=<hex>`, the HMAC-SHA256 of
//! `<X-Kronika-Timestamp>.<body>` keyed by the shared secret, and may refuse old
//! timestamps to stop replays.
//!
//! Delivery runs in a background task and never delays the mutation that caused it.
//! Changes that pile up while a delivery is under way go out together in the next one.
//! A failed delivery is retried with back-off and then given up (logged and counted in
//! metrics): a CDN's own time to live still bounds how stale it can be.

use std::time::Duration;

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::sync::mpsc;

use crate::config::{ChangeWebhook, Secret};
use kronika_core::change_signal::ChangeListener;
use kronika_core::changes::ContentChange;

pub const SIGNATURE_HEADER: &str = "x-kronika-signature";
pub const TIMESTAMP_HEADER: &str = "x-kronika-timestamp";

/// Attempts per notice, and the pause before the first retry (doubled after each).
const ATTEMPTS: u32 = 4;
const FIRST_RETRY_PAUSE: Duration = Duration::from_millis(500);
/// How long one attempt may take.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);

/// Hands changes to the delivery task. Cheap to clone; the task ends when every sender
/// is dropped, after delivering what was queued.
#[derive(Clone, Debug)]
pub struct ChangeWebhookSender {
    queue: mpsc::UnboundedSender<Vec<ContentChange>>,
}

impl ChangeWebhookSender {
    /// Starts the delivery task; must be called inside the Tokio runtime.
    pub fn start(webhook: ChangeWebhook) -> Self {
        let (queue, received) = mpsc::unbounded_channel();
        tokio::spawn(deliver_all(webhook, received));
        Self { queue }
    }

    /// Queues a notice of `changes`; returns at once.
    pub fn send(&self, changes: &[ContentChange]) {
        if self.queue.send(changes.to_vec()).is_err() {
            tracing::warn!("the change webhook's task has ended; a change was not announced");
        }
    }
}

impl ChangeListener for ChangeWebhookSender {
    /// Changes that touch no cache tag (counted views written, an account renamed) are
    /// not announced: no cached response names them, so a CDN has nothing to purge.
    fn content_changed(&self, changes: &[ContentChange]) {
        let announced: Vec<ContentChange> = changes
            .iter()
            .copied()
            .filter(|change| change.tags().is_none_or(|tags| !tags.is_empty()))
            .collect();
        if !announced.is_empty() {
            self.send(&announced);
        }
    }
}

async fn deliver_all(
    webhook: ChangeWebhook,
    mut received: mpsc::UnboundedReceiver<Vec<ContentChange>>,
) {
    let client = match reqwest::Client::builder().timeout(ATTEMPT_TIMEOUT).build() {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(%error, "the change webhook cannot make an HTTP client");
            return;
        }
    };
    while let Some(mut changes) = received.recv().await {
        // Whatever else queued up meanwhile goes out in the same notice.
        while let Ok(more) = received.try_recv() {
            changes.extend(more);
        }
        let body = notice(&changes, chrono::Utc::now()).to_string();
        let delivered = deliver(&client, &webhook, body).await;
        crate::metrics::webhook_delivery(delivered);
    }
}

/// Posts one notice, retrying with back-off; whether it was accepted (a 2xx answer).
async fn deliver(client: &reqwest::Client, webhook: &ChangeWebhook, body: String) -> bool {
    let mut pause = FIRST_RETRY_PAUSE;
    for attempt in 1..=ATTEMPTS {
        let timestamp = chrono::Utc::now().timestamp().to_string();
        let signature = sign(&webhook.secret, &timestamp, body.as_bytes());
        let sent = client
            .post(&webhook.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(TIMESTAMP_HEADER, &timestamp)
            .header(SIGNATURE_HEADER, signature)
            .body(body.clone())
            .send()
            .await;
        match sent {
            Ok(response) if response.status().is_success() => return true,
            Ok(response) => {
                tracing::warn!(
                    status = response.status().as_u16(),
                    attempt,
                    "the change webhook refused a notice"
                );
            }
            Err(error) => {
                // The URL may carry a token in its query; reqwest's error would print it.
                tracing::warn!(attempt, error = %error.without_url(), "the change webhook could not be reached");
            }
        }
        if attempt < ATTEMPTS {
            tokio::time::sleep(pause).await;
            pause *= 2;
        }
    }
    tracing::error!(attempts = ATTEMPTS, "a change notice was given up");
    false
}

/// The JSON notice of `changes`.
fn notice(changes: &[ContentChange], sent_at: chrono::DateTime<chrono::Utc>) -> Value {
    let described: Vec<Value> = changes
        .iter()
        .map(|change| match change {
            ContentChange::Article(id) => json!({"kind": "article", "id": id.to_string()}),
            ContentChange::Gallery(id) => json!({"kind": "gallery", "id": id.to_string()}),
            ContentChange::Taxonomy => json!({"kind": "taxonomy"}),
            ContentChange::SearchIndex => json!({"kind": "search"}),
            ContentChange::Accounts => json!({"kind": "accounts"}),
            ContentChange::ViewCounts => json!({"kind": "views"}),
            ContentChange::Everything => json!({"kind": "everything"}),
        })
        .collect();
    let tags = if changes.iter().any(|change| change.tags().is_none()) {
        vec!["all".to_owned()]
    } else {
        let mut tags: Vec<_> = changes
            .iter()
            .filter_map(|change| change.tags())
            .flatten()
            .collect();
        tags.sort_unstable();
        tags.dedup();
        tags.into_iter().map(|tag| tag.name()).collect()
    };
    json!({
        "event": "content.changed",
        "sentAt": sent_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "changes": described,
        "tags": tags,
    })
}

/// `sha256=` and the hex HMAC-SHA256 of `timestamp.body` under `secret`.
pub fn sign(secret: &Secret, timestamp: &str, body: &[u8]) -> String {
    // HMAC takes a key of any length, so this cannot fail; an empty string is never sent
    // because a failure here would be a bug in the hmac crate.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes()) else {
        return String::new();
    };
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_hmac_of_timestamp_and_body() {
        // Computed independently: printf '1700000000.{}' | openssl dgst -sha256 -hmac key
        let signature = sign(&Secret::new("key"), "1700000000", b"{}");
        assert_eq!(
            signature,
            "sha256=9d713ed406bb7076d4123f0dc2c39d2df5c654ed4b0cd56b52c8b4c940bd63ae"
        );
        assert_ne!(signature, sign(&Secret::new("other"), "1700000000", b"{}"));
        assert_ne!(signature, sign(&Secret::new("key"), "1700000001", b"{}"));
    }

    #[test]
    fn a_notice_names_the_changes_and_the_tags_to_purge() {
        let at = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default();
        let notice = notice(&[ContentChange::Article(7), ContentChange::Taxonomy], at);
        assert_eq!(notice["tags"], json!(["article-7", "taxonomy", "lists"]));
        assert_eq!(notice["changes"][0], json!({"kind": "article", "id": "7"}));
        let everything = notice_of_everything(at);
        assert_eq!(everything["tags"], json!(["all"]));
    }

    fn notice_of_everything(at: chrono::DateTime<chrono::Utc>) -> Value {
        notice(&[ContentChange::Everything], at)
    }
}
