//! The one error type of the GraphQL boundary, and the closed set of codes clients see.
//!
//! `ApiError` deliberately does not implement `Display`: async-graphql turns anything that
//! does into a client-visible message through a blanket `From`, which is how database
//! errors leak. Conversion to a GraphQL error happens only here, on purpose.

use async_graphql::ErrorExtensions;

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

impl ErrorCode {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::GraphqlParseFailed => "GRAPHQL_PARSE_FAILED",
            Self::GraphqlValidationFailed => "GRAPHQL_VALIDATION_FAILED",
            Self::BadUserInput => "BAD_USER_INPUT",
            Self::BadRequest => "BAD_REQUEST",
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
            Self::NotFound => "NOT_FOUND",
            Self::Conflict => "CONFLICT",
            Self::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            Self::UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE",
            Self::RateLimited => "RATE_LIMITED",
            Self::QueryTooDeep => "QUERY_TOO_DEEP",
            Self::QueryTooComplex => "QUERY_TOO_COMPLEX",
            Self::BatchTooLarge => "BATCH_TOO_LARGE",
            Self::Timeout => "TIMEOUT",
            Self::PersistedQueryNotFound => "PERSISTED_QUERY_NOT_FOUND",
            Self::PersistedQueryNotSupported => "PERSISTED_QUERY_NOT_SUPPORTED",
            Self::QueryNotAllowed => "QUERY_NOT_ALLOWED",
            Self::SearchUnavailable => "SEARCH_UNAVAILABLE",
            Self::DatabaseUnavailable => "DATABASE_UNAVAILABLE",
            Self::InternalServerError => "INTERNAL_SERVER_ERROR",
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
    /// An upload whose bytes are not an accepted image format.
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
            EditError::Storage(error) => Self::internal(error),
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
