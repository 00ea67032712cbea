//! The one error type of the GraphQL boundary, and the closed set of codes clients see.
//!
//! `ApiError` deliberately does not implement `Display`: async-graphql turns anything that
//! does into a client-visible message through a blanket `From`, which is how database
//! errors leak. Conversion to a GraphQL error happens only here, on purpose.

use async_graphql::ErrorExtensions;
use poem::http::StatusCode;

/// Every `extensions.code` a client can receive. Clients may match on these strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    /// The query text is not valid GraphQL.
    GraphqlParseFailed,
    /// The query asks for fields, types or arguments the schema does not have.
    GraphqlValidationFailed,
    /// An argument or variable has a wrong type or value.
    BadUserInput,
    /// The HTTP request itself is malformed (not JSON, no query).
    BadRequest,
    Unauthenticated,
    Forbidden,
    NotFound,
    Conflict,
    PayloadTooLarge,
    UnsupportedMediaType,
    RateLimited,
    /// The query nests fields deeper than the server allows.
    QueryTooDeep,
    /// The query selects more fields, or uses more aliases, than the server allows.
    QueryTooComplex,
    /// A batched POST carries more operations than the server allows.
    BatchTooLarge,
    /// The request ran longer than the server allows; it was stopped.
    Timeout,
    /// An automatic persisted query's hash is not known (yet): send the query text too.
    PersistedQueryNotFound,
    /// Persisted queries are switched off on this server.
    PersistedQueryNotSupported,
    /// The server runs only the queries of its allow-list, and this is not one of them.
    QueryNotAllowed,
    /// The search engine does not answer; content reads and writes still work.
    SearchUnavailable,
    /// The database does not answer (restarting, unreachable, every connection busy):
    /// nothing was changed, and the same request can be sent again shortly.
    DatabaseUnavailable,
    /// Something failed inside the server; the cause is logged, never sent.
    InternalServerError,
}

/// What kind of failure a code stands for; metrics count requests by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ErrorKind {
    /// The client asked for something it may not have or that does not fit the current
    /// state (bad input, no account, not found, conflict); the request itself was fine.
    Client,
    /// The request was refused before it ran: malformed, too large, too costly, rate
    /// limited, not on the allow-list.
    Refused,
    /// The request ran out of time and was stopped.
    Timeout,
    /// Something the server depends on (the database, the search engine) did not answer.
    Unavailable,
    /// A failure inside the server.
    Internal,
}

/// One row of the error table: everything the HTTP layer needs to know of a code.
struct ErrorRow {
    code: &'static str,
    /// The HTTP status of a response that this error ends before any data was produced.
    status: StatusCode,
    /// Whether sending the same request again later may succeed.
    retryable: bool,
    kind: ErrorKind,
}

impl ErrorCode {
    /// Every code, for looking one up by its string.
    pub const ALL: [Self; 21] = [
        Self::GraphqlParseFailed,
        Self::GraphqlValidationFailed,
        Self::BadUserInput,
        Self::BadRequest,
        Self::Unauthenticated,
        Self::Forbidden,
        Self::NotFound,
        Self::Conflict,
        Self::PayloadTooLarge,
        Self::UnsupportedMediaType,
        Self::RateLimited,
        Self::QueryTooDeep,
        Self::QueryTooComplex,
        Self::BatchTooLarge,
        Self::Timeout,
        Self::PersistedQueryNotFound,
        Self::PersistedQueryNotSupported,
        Self::QueryNotAllowed,
        Self::SearchUnavailable,
        Self::DatabaseUnavailable,
        Self::InternalServerError,
    ];

    /// The error table. The README's table of codes says the same in words.
    const fn row(self) -> ErrorRow {
        use ErrorKind::{Client, Internal, Refused, Timeout, Unavailable};
        const fn row(
            code: &'static str,
            status: StatusCode,
            retryable: bool,
            kind: ErrorKind,
        ) -> ErrorRow {
            ErrorRow {
                code,
                status,
                retryable,
                kind,
            }
        }
        match self {
            Self::GraphqlParseFailed => row(
                "GRAPHQL_PARSE_FAILED",
                StatusCode::BAD_REQUEST,
                false,
                Refused,
            ),
            Self::GraphqlValidationFailed => row(
                "GRAPHQL_VALIDATION_FAILED",
                StatusCode::BAD_REQUEST,
                false,
                Refused,
            ),
            Self::BadUserInput => row("BAD_USER_INPUT", StatusCode::BAD_REQUEST, false, Client),
            Self::BadRequest => row("BAD_REQUEST", StatusCode::BAD_REQUEST, false, Refused),
            Self::Unauthenticated => {
                row("UNAUTHENTICATED", StatusCode::UNAUTHORIZED, false, Client)
            }
            Self::Forbidden => row("FORBIDDEN", StatusCode::FORBIDDEN, false, Client),
            Self::NotFound => row("NOT_FOUND", StatusCode::NOT_FOUND, false, Client),
            Self::Conflict => row("CONFLICT", StatusCode::CONFLICT, false, Client),
            Self::PayloadTooLarge => row(
                "PAYLOAD_TOO_LARGE",
                StatusCode::PAYLOAD_TOO_LARGE,
                false,
                Refused,
            ),
            Self::UnsupportedMediaType => row(
                "UNSUPPORTED_MEDIA_TYPE",
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                false,
                Refused,
            ),
            Self::RateLimited => row("RATE_LIMITED", StatusCode::TOO_MANY_REQUESTS, true, Refused),
            Self::QueryTooDeep => row("QUERY_TOO_DEEP", StatusCode::BAD_REQUEST, false, Refused),
            Self::QueryTooComplex => {
                row("QUERY_TOO_COMPLEX", StatusCode::BAD_REQUEST, false, Refused)
            }
            Self::BatchTooLarge => row("BATCH_TOO_LARGE", StatusCode::BAD_REQUEST, false, Refused),
            Self::Timeout => row("TIMEOUT", StatusCode::SERVICE_UNAVAILABLE, true, Timeout),
            // Apollo clients read a not-found hash from a 200 response and then send the
            // query text; any other status makes them give up.
            Self::PersistedQueryNotFound => {
                row("PERSISTED_QUERY_NOT_FOUND", StatusCode::OK, true, Refused)
            }
            Self::PersistedQueryNotSupported => row(
                "PERSISTED_QUERY_NOT_SUPPORTED",
                StatusCode::BAD_REQUEST,
                false,
                Refused,
            ),
            Self::QueryNotAllowed => {
                row("QUERY_NOT_ALLOWED", StatusCode::FORBIDDEN, false, Refused)
            }
            Self::SearchUnavailable => row(
                "SEARCH_UNAVAILABLE",
                StatusCode::SERVICE_UNAVAILABLE,
                true,
                Unavailable,
            ),
            Self::DatabaseUnavailable => row(
                "DATABASE_UNAVAILABLE",
                StatusCode::SERVICE_UNAVAILABLE,
                true,
                Unavailable,
            ),
            Self::InternalServerError => row(
                "INTERNAL_SERVER_ERROR",
                StatusCode::INTERNAL_SERVER_ERROR,
                false,
                Internal,
            ),
        }
    }

    pub const fn as_str(self) -> &'static str {
        self.row().code
    }

    /// The HTTP status of a response that this error ends before any data was produced
    /// (a refused request, or a request error under `application/graphql-response+json`).
    /// Errors beside data leave the status at 200.
    pub const fn http_status(self) -> StatusCode {
        self.row().status
    }

    /// Whether the same request may succeed when sent again later, unchanged.
    pub const fn is_retryable(self) -> bool {
        self.row().retryable
    }

    pub const fn kind(self) -> ErrorKind {
        self.row().kind
    }

    /// The code a client sees as `extensions.code`, read back.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|candidate| candidate.as_str() == code)
    }

    /// The code of a GraphQL error, if it carries one of ours.
    pub fn of_server_error(error: &async_graphql::ServerError) -> Option<Self> {
        match error.extensions.as_ref()?.get("code")? {
            async_graphql::Value::String(code) => Self::from_code(code),
            _ => None,
        }
    }
}

/// What a resolver can fail with.
#[derive(Debug)]
pub enum ApiError {
    /// No valid credentials for something that needs an account.
    Unauthenticated,
    /// A login with a wrong e-mail address or password (the two are not told apart).
    InvalidCredentials,
    /// The account may not do this.
    Forbidden(String),
    /// The thing to change does not exist (or is not visible to the account).
    NotFound(String),
    /// The change conflicts with the current state (e.g. a stale `expectedVersion`).
    Conflict(String),
    /// Too many attempts; try again after the given number of seconds.
    RateLimited { retry_after_seconds: u64 },
    /// Input the client can fix; `field` is the path of the offending input, if one.
    BadUserInput {
        message: String,
        field: Option<String>,
    },
    /// An upload over the byte or pixel limit.
    PayloadTooLarge(String),
    /// An upload whose bytes are not an accepted image or document format.
    UnsupportedMediaType(String),
    /// The search engine could not be reached; the cause is logged, not sent.
    SearchUnavailable(String),
    /// The database could not be reached; the cause is logged, not sent.
    DatabaseUnavailable(Box<dyn std::error::Error + Send + Sync>),
    /// A failure inside the server. The cause is logged and replaced by a generic message.
    Internal(Box<dyn std::error::Error + Send + Sync>),
}

impl ApiError {
    pub fn bad_input(field: &str, message: impl Into<String>) -> Self {
        Self::BadUserInput {
            message: message.into(),
            field: Some(field.to_owned()),
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::NotFound(message.into())
    }

    pub fn internal(cause: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Internal(Box::new(cause))
    }

    /// A row that a foreign key guarantees is not there: the database is inconsistent.
    pub fn missing_row(table: &'static str, id: i64) -> Self {
        Self::internal(MissingRow { table, id })
    }
}

#[derive(Debug, thiserror::Error)]
#[error("row {id} of {table} is referenced but missing")]
struct MissingRow {
    table: &'static str,
    id: i64,
}

impl From<kronika_core::editing::EditError> for ApiError {
    fn from(error: kronika_core::editing::EditError) -> Self {
        use kronika_core::editing::EditError;
        match error {
            EditError::NotFound(what) => Self::NotFound(format!("{what} not found")),
            EditError::Forbidden(message) => Self::Forbidden(message.to_owned()),
            EditError::Conflict(message) => Self::Conflict(message),
            EditError::Invalid { field, message } => Self::BadUserInput {
                message,
                field: Some(field.to_owned()),
            },
            EditError::Database(error) => Self::from(error),
            EditError::Photo(error) => Self::from(error),
            EditError::Attachment(error) => Self::from(error),
            EditError::Storage(error) => Self::internal(error),
        }
    }
}

impl From<kronika_core::attachments::AttachmentError> for ApiError {
    fn from(error: kronika_core::attachments::AttachmentError) -> Self {
        use kronika_core::attachments::AttachmentError;
        match error {
            AttachmentError::Unsupported(message) => Self::UnsupportedMediaType(message),
            AttachmentError::TooLarge(message) => Self::PayloadTooLarge(message),
            AttachmentError::Unreadable(message) => Self::bad_input("file", message),
        }
    }
}

impl From<kronika_core::images::PhotoError> for ApiError {
    fn from(error: kronika_core::images::PhotoError) -> Self {
        use kronika_core::images::PhotoError;
        use kronika_core::images::decode::DecodeError;
        let message = error.to_string();
        match error {
            PhotoError::Format(_) => Self::UnsupportedMediaType(message),
            PhotoError::Decode(
                DecodeError::TooManyPixels { .. } | DecodeError::OverMemoryLimit,
            ) => Self::PayloadTooLarge(message),
            // The decoder's own words describe its internals, in its authors' terms; the
            // client gets ours, and the log keeps theirs.
            PhotoError::Decode(DecodeError::Corrupt(detail)) => {
                tracing::info!(%detail, "an uploaded image could not be decoded");
                Self::bad_input(
                    "file",
                    "the image is corrupt or uses a feature that cannot be decoded",
                )
            }
            PhotoError::Decode(_) => Self::bad_input("file", message),
            PhotoError::Processing(_) => Self::internal(error),
        }
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(error: sea_orm::DbErr) -> Self {
        if kronika_core::db::is_unreachable(&error) {
            Self::DatabaseUnavailable(Box::new(error))
        } else {
            Self::internal(error)
        }
    }
}

impl From<std::sync::Arc<sea_orm::DbErr>> for ApiError {
    fn from(error: std::sync::Arc<sea_orm::DbErr>) -> Self {
        let unreachable = kronika_core::db::is_unreachable(&error);
        let cause = Box::new(SharedDbError(error));
        if unreachable {
            Self::DatabaseUnavailable(cause)
        } else {
            Self::Internal(cause)
        }
    }
}

/// A database error shared between the callers of one DataLoader batch.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
struct SharedDbError(std::sync::Arc<sea_orm::DbErr>);

/// Builds a client-facing error with its code.
pub fn coded_error(code: ErrorCode, message: impl Into<String>) -> async_graphql::Error {
    async_graphql::Error::new(message).extend_with(|_, extensions| {
        extensions.set("code", code.as_str());
    })
}

impl From<ApiError> for async_graphql::Error {
    fn from(error: ApiError) -> Self {
        match error {
            ApiError::Unauthenticated => coded_error(
                ErrorCode::Unauthenticated,
                "log in first: send a valid token as `Authorization: Bearer …`",
            ),
            ApiError::InvalidCredentials => coded_error(
                ErrorCode::Unauthenticated,
                "wrong e-mail address or password",
            ),
            ApiError::Forbidden(message) => coded_error(ErrorCode::Forbidden, message),
            ApiError::NotFound(message) => coded_error(ErrorCode::NotFound, message),
            ApiError::Conflict(message) => coded_error(ErrorCode::Conflict, message),
            ApiError::RateLimited {
                retry_after_seconds,
            } => coded_error(
                ErrorCode::RateLimited,
                format!("too many attempts; try again in {retry_after_seconds} seconds"),
            )
            .extend_with(|_, extensions| extensions.set("retryAfterSeconds", retry_after_seconds)),
            ApiError::BadUserInput { message, field } => {
                coded_error(ErrorCode::BadUserInput, message).extend_with(|_, extensions| {
                    if let Some(field) = &field {
                        extensions.set("field", field.as_str());
                    }
                })
            }
            ApiError::PayloadTooLarge(message) => coded_error(ErrorCode::PayloadTooLarge, message),
            ApiError::UnsupportedMediaType(message) => {
                coded_error(ErrorCode::UnsupportedMediaType, message)
            }
            ApiError::SearchUnavailable(cause) => {
                tracing::warn!(%cause, "the search engine is unavailable");
                coded_error(
                    ErrorCode::SearchUnavailable,
                    "search is unavailable for the moment; try again shortly",
                )
            }
            ApiError::DatabaseUnavailable(cause) => {
                tracing::error!(error = %cause, "the database is unavailable");
                coded_error(
                    ErrorCode::DatabaseUnavailable,
                    "the database is unavailable for the moment; nothing was changed, try again shortly",
                )
            }
            ApiError::Internal(cause) => {
                tracing::error!(error = %cause, "request failed inside the server");
                coded_error(ErrorCode::InternalServerError, "internal server error")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_in_the_table_once_and_reads_back() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert!(seen.insert(code.as_str()), "{} twice", code.as_str());
            assert_eq!(ErrorCode::from_code(code.as_str()), Some(code));
        }
        assert_eq!(ErrorCode::from_code("SOMETHING_ELSE"), None);
    }

    #[test]
    fn statuses_and_retries_follow_the_table() {
        assert_eq!(
            ErrorCode::DatabaseUnavailable.http_status(),
            StatusCode::SERVICE_UNAVAILABLE
        );
        assert!(ErrorCode::DatabaseUnavailable.is_retryable());
        assert_eq!(
            ErrorCode::DatabaseUnavailable.kind(),
            ErrorKind::Unavailable
        );
        assert_eq!(ErrorCode::InternalServerError.kind(), ErrorKind::Internal);
        assert!(!ErrorCode::QueryTooComplex.is_retryable());
        assert_eq!(
            ErrorCode::PersistedQueryNotFound.http_status(),
            StatusCode::OK
        );
    }
}
