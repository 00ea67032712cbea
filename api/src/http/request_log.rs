//! Request ids and one log line per request: method, path, status and duration.
//!
//! Every request gets an id: the caller's `X-Request-Id` when it is a sane token (a
//! proxy in front may have set it), else a new one. The id is returned in the
//! `X-Request-Id` response header and is a field of the span the request runs in, so
//! every log line written while serving it carries it (in JSON logs as `span`).
//!
//! It replaces poem's `Tracing` middleware, which records the client's address (and
//! believes `X-Forwarded-For` to find it) on every line: Kronika promises readers that no
//! address reaches its logs. Query strings are left out too, since a GraphQL GET carries
//! whole queries and variables there.

use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use poem::http::HeaderValue;
use poem::{Endpoint, IntoResponse, Middleware, Request, Response};
use tracing::{Instrument, Level};

pub const REQUEST_ID_HEADER: &str = "x-request-id";
/// The longest caller-supplied id that is kept.
const MAX_REQUEST_ID_LEN: usize = 128;

/// New ids are a per-process random prefix and a counter: unique across replicas and
/// restarts without asking the system for randomness on every request.
static ID_PREFIX: LazyLock<String> = LazyLock::new(|| {
    let random = uuid::Uuid::new_v4().simple().to_string();
    random[..12].to_owned()
});
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

fn new_request_id() -> String {
    format!(
        "{}-{:x}",
        *ID_PREFIX,
        NEXT_ID.fetch_add(1, Ordering::Relaxed)
    )
}

/// The caller's id if it is printable ASCII without spaces and not too long.
fn accepted_request_id(request: &Request) -> Option<&str> {
    let value = request.headers().get(REQUEST_ID_HEADER)?.to_str().ok()?;
    let sane = !value.is_empty()
        && value.len() <= MAX_REQUEST_ID_LEN
        && value.bytes().all(|byte| byte.is_ascii_graphic());
    sane.then_some(value)
}

/// Logs requests at `info`, except those under a high-volume prefix (the view beacon,
/// which a busy site calls thousands of times a second), which are logged at `debug`.
#[derive(Clone, Copy, Debug)]
pub struct RequestLog {
    quiet_prefix: &'static str,
}

impl RequestLog {
    pub fn quiet_under(quiet_prefix: &'static str) -> Self {
        Self { quiet_prefix }
    }
}

impl<E: Endpoint> Middleware<E> for RequestLog {
    type Output = RequestLogEndpoint<E>;

    fn transform(&self, inner: E) -> Self::Output {
        RequestLogEndpoint {
            inner,
            quiet_prefix: self.quiet_prefix,
        }
    }
}

pub struct RequestLogEndpoint<E> {
    inner: E,
    quiet_prefix: &'static str,
}

impl<E: Endpoint> Endpoint for RequestLogEndpoint<E> {
    type Output = Response;

    async fn call(&self, request: Request) -> poem::Result<Response> {
        let request_id = match accepted_request_id(&request) {
            Some(id) => id.to_owned(),
            None => new_request_id(),
        };
        let header_value = HeaderValue::from_str(&request_id).ok();
        let quiet = request.uri().path().starts_with(self.quiet_prefix);
        let enabled = if quiet {
            tracing::enabled!(Level::DEBUG)
        } else {
            tracing::enabled!(Level::INFO)
        };
        let result = if enabled {
            let span = tracing::info_span!("request", request_id = %request_id);
            self.logged(request, quiet).instrument(span).await
        } else {
            // Warnings and errors raised inside still name the request.
            let span = tracing::warn_span!("request", request_id = %request_id);
            self.inner
                .call(request)
                .instrument(span)
                .await
                .map(IntoResponse::into_response)
        };
        // Errors become responses here so that they carry the request id too.
        let mut response = result.unwrap_or_else(|error| error.into_response());
        if let Some(value) = header_value {
            response.headers_mut().insert(REQUEST_ID_HEADER, value);
        }
        Ok(response)
    }
}

impl<E: Endpoint> RequestLogEndpoint<E> {
    async fn logged(&self, request: Request, quiet: bool) -> poem::Result<Response> {
        let method = request.method().clone();
        let path = request.uri().path().to_owned();
        let started = Instant::now();
        let result = self
            .inner
            .call(request)
            .await
            .map(IntoResponse::into_response);
        let status = match &result {
            Ok(response) => response.status(),
            Err(error) => error.status(),
        };
        let duration = started.elapsed();
        if quiet {
            tracing::debug!(%method, path, status = status.as_u16(), ?duration, "request");
        } else {
            tracing::info!(%method, path, status = status.as_u16(), ?duration, "request");
        }
        result
    }
}
