//! One log line per request: method, path, status and duration.
//!
//! It replaces poem's `Tracing` middleware, which records the client's address (and
//! believes `X-Forwarded-For` to find it) on every line: Kronika promises readers that no
//! address reaches its logs. Query strings are left out too, since a GraphQL GET carries
//! whole queries and variables there.

use std::time::Instant;

use poem::{Endpoint, IntoResponse, Middleware, Request, Response};
use tracing::Level;

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
        let quiet = request.uri().path().starts_with(self.quiet_prefix);
        let enabled = if quiet {
            tracing::enabled!(Level::DEBUG)
        } else {
            tracing::enabled!(Level::INFO)
        };
        if !enabled {
            return self
                .inner
                .call(request)
                .await
                .map(IntoResponse::into_response);
        }
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
