//! A request refused before the executor ran it, and the rule that picks its status.

use bytes::Bytes;

use super::response::serialise_errors_only;
use crate::graphql::error::{ErrorCode, coded_error};
use crate::http::persisted_queries::PersistedQueryError;

/// How the HTTP status of an answer is chosen. The status itself always comes from the
/// error table (`ErrorCode::http_status`); the rule says when the table applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum StatusRule {
    /// Refused as HTTP before anything of GraphQL (a body that is not a GraphQL request,
    /// too large, rate limited, timed out, the database unavailable): the table's status
    /// whatever the format.
    Http,
    /// A GraphQL request error (the document does not parse, fit the budget or
    /// validate): the table's status under `application/graphql-response+json`, 200
    /// under plain JSON, as the GraphQL-over-HTTP specification asks.
    RequestError,
    /// A result with data: 200, or the table's 429 when a resolver was rate limited
    /// (the answer then carries `Retry-After`).
    Result,
    /// A mutation sent with GET: 405 with `Allow: POST`, whatever the format. Its code is
    /// `BAD_REQUEST`; the status says which method to use instead.
    MethodNotAllowed,
}

/// A request refused before it reached the executor.
#[derive(Debug)]
pub(super) struct Rejection {
    pub(super) code: ErrorCode,
    pub(super) message: String,
    pub(super) rule: StatusRule,
    pub(super) retry_after_seconds: Option<u64>,
}

impl Rejection {
    /// Refused as HTTP, before anything of GraphQL.
    pub(super) fn http(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            rule: StatusRule::Http,
            retry_after_seconds: None,
        }
    }

    /// A GraphQL request error found before the executor (parse, budget).
    pub(super) fn request_error(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            rule: StatusRule::RequestError,
            ..Self::http(code, message)
        }
    }

    pub(super) fn persisted_query(error: &PersistedQueryError) -> Self {
        Self::http(error.code(), error.message())
    }

    pub(super) fn not_graphql(reason: &str) -> Self {
        Self::http(
            ErrorCode::BadRequest,
            format!("the request is not a GraphQL request: {reason}"),
        )
    }

    pub(super) fn body(&self) -> Bytes {
        let mut error = coded_error(self.code, self.message.as_str());
        if let Some(seconds) = self.retry_after_seconds {
            error = async_graphql::ErrorExtensions::extend_with(error, |_, extensions| {
                extensions.set("retryAfterSeconds", seconds);
            });
        }
        // A refused request never ran, so its answer has no `data` entry at all.
        // The error concerns the whole request, not a place in the query.
        let mut error = error.into_server_error(Default::default());
        error.locations.clear();
        serialise_errors_only(&[error])
    }
}
