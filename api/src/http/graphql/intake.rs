//! Body intake: what a POST may carry (JSON, or multipart for uploads), within which
//! limits, and how a GET's query string is read. Every refusal is in our words: the JSON
//! and multipart parsers' own messages describe their internals, so they are logged at
//! most, never sent.

use std::time::Duration;

use async_graphql::http::MultipartOptions;
use async_graphql::{BatchRequest, ParseRequestError, Request as GraphqlRequest};
use poem::error::ReadBodyError;
use poem::http::header;
use poem::{Body, Request};
use tokio_util::compat::TokioAsyncReadCompatExt;

use super::rejection::Rejection;
use crate::graphql::error::ErrorCode;
use crate::http::HttpState;

/// Files one multipart request may carry.
const MAX_UPLOAD_FILES: usize = 4;

/// How much of a refused upload is still read, and for how long, so that the client sees
/// the refusal (see `drain_refused_upload`).
const DRAIN_MAX_BYTES: u64 = 16 * 1024 * 1024;
const DRAIN_MAX_TIME: Duration = Duration::from_secs(5);

/// Reads a POST body into one operation or a batch.
pub(super) async fn posted_operations(
    state: &HttpState,
    request: &Request,
    body: Body,
) -> Result<BatchRequest, Rejection> {
    // JSON, or multipart for file uploads. Anything else (a browser's `text/plain`
    // default for a string body, a form) is refused rather than guessed at.
    let Some(content_type) = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .filter(|value| is_accepted_content_type(value))
        .map(ToOwned::to_owned)
    else {
        return Err(Rejection::http(
            ErrorCode::UnsupportedMediaType,
            "send the request as Content-Type: application/json",
        ));
    };
    let is_multipart = content_type
        .to_ascii_lowercase()
        .starts_with("multipart/form-data");
    let received = if is_multipart {
        // The multipart parser counts bytes as they arrive and stops at the upload limit,
        // so an oversized file is refused before it is buffered.
        let options = MultipartOptions::default()
            .max_file_size(state.upload_max_bytes)
            .max_num_files(MAX_UPLOAD_FILES);
        let mut reader = body.into_async_read().compat();
        let received =
            async_graphql::http::receive_batch_body(Some(content_type), &mut reader, options).await;
        if matches!(received, Err(ParseRequestError::PayloadTooLarge)) {
            drain_refused_upload(&mut reader).await;
        }
        received
    } else {
        let body = json_body(state, request, body).await?;
        async_graphql::http::receive_batch_body(
            Some(content_type),
            futures::io::Cursor::new(body),
            MultipartOptions::default(),
        )
        .await
    };
    received.map_err(|error| refusal_of(&error, state.upload_max_bytes))
}

/// Reads and drops what is left of a refused upload, up to a bound, before the refusal
/// is sent. A server that answers and closes while the client is still sending makes the
/// client's kernel see a reset, and most clients (browsers, reqwest) then report "connection
/// reset" instead of our 413 and its message. Past the bound the connection is closed
/// anyway: nobody gets to make us read gigabytes.
async fn drain_refused_upload(reader: &mut (impl futures::io::AsyncRead + Unpin)) {
    let mut rest = futures::io::AsyncReadExt::take(reader, DRAIN_MAX_BYTES);
    let drained = tokio::time::timeout(
        DRAIN_MAX_TIME,
        futures::io::copy(&mut rest, &mut futures::io::sink()),
    )
    .await;
    tracing::debug!(
        ?drained,
        "the rest of a refused upload was read and dropped"
    );
}

/// The whole body of a JSON request, refused past the body limit: at once when the
/// declared length says so, else as soon as the bytes read pass it.
async fn json_body(
    state: &HttpState,
    request: &Request,
    body: Body,
) -> Result<bytes::Bytes, Rejection> {
    let max_body_bytes = state.limits.max_body_bytes;
    let declared_too_large = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok())
        .is_some_and(|length| length > max_body_bytes as u64);
    let body = if declared_too_large {
        Err(ReadBodyError::PayloadTooLarge)
    } else {
        body.into_bytes_limit(max_body_bytes).await
    };
    body.map_err(|error| match error {
        ReadBodyError::PayloadTooLarge => Rejection::http(
            ErrorCode::PayloadTooLarge,
            format!("the request body is larger than {max_body_bytes} bytes"),
        ),
        other => {
            tracing::debug!(error = %other, "a request body could not be read");
            Rejection::not_graphql("its body could not be read to the end")
        }
    })
}

/// Our words for why a body is not a GraphQL request.
fn refusal_of(error: &ParseRequestError, upload_max_bytes: usize) -> Rejection {
    tracing::debug!(%error, "a posted body is not a GraphQL request");
    match error {
        ParseRequestError::PayloadTooLarge => Rejection::http(
            ErrorCode::PayloadTooLarge,
            format!("the file is larger than the upload limit of {upload_max_bytes} bytes"),
        ),
        ParseRequestError::InvalidRequest(cause) => {
            Rejection::not_graphql(&json_fault(cause.as_ref()))
        }
        ParseRequestError::InvalidMultipart(_) => Rejection::not_graphql(
            "the multipart body is malformed; send the parts `operations`, `map` and then the \
             files, as the GraphQL multipart request specification describes",
        ),
        ParseRequestError::MissingOperatorsPart => {
            Rejection::not_graphql("the multipart body has no `operations` part")
        }
        ParseRequestError::MissingMapPart => {
            Rejection::not_graphql("the multipart body has no `map` part after `operations`")
        }
        ParseRequestError::InvalidFilesMap(_) => Rejection::not_graphql(
            "the multipart `map` part must be a JSON object of file part name → variable paths",
        ),
        ParseRequestError::NotUpload => Rejection::not_graphql(
            "the multipart `map` part points at a variable that is not an upload",
        ),
        ParseRequestError::MissingFiles => {
            Rejection::not_graphql("a file that the multipart `map` part names is missing")
        }
        ParseRequestError::Io(_) => Rejection::not_graphql("its body could not be read to the end"),
        // `UnsupportedBatch` comes only from a receiver that refuses batches, which is not
        // used here.
        _ => Rejection::not_graphql("the body could not be read as one"),
    }
}

/// Where and how a JSON body fails: serde_json says where by line and column and what
/// kind of fault it is, which we put in our words.
fn json_fault(cause: &(dyn std::error::Error + 'static)) -> String {
    let Some(error) = cause.downcast_ref::<serde_json::Error>() else {
        return "the body must be a JSON object with a `query` string, or an array of them"
            .to_owned();
    };
    let place = format!("line {}, column {}", error.line(), error.column());
    match error.classify() {
        serde_json::error::Category::Syntax => format!("the body is not valid JSON (at {place})"),
        serde_json::error::Category::Eof => format!("the JSON body ends too early (at {place})"),
        serde_json::error::Category::Data | serde_json::error::Category::Io => format!(
            "the body must be a JSON object with a `query` string and optional `variables` \
             object and `operationName` string, or an array of them (at {place})"
        ),
    }
}

/// A GET's operation from its query string (`query`, `variables`, `operationName`,
/// `extensions`, the last three as JSON).
pub(super) fn operation_of_query_string(query_string: &str) -> Result<GraphqlRequest, Rejection> {
    async_graphql::http::parse_query_string(query_string).map_err(|error| {
        tracing::debug!(%error, "a query string is not a GraphQL request");
        Rejection::not_graphql(
            "give `query`, and optionally `variables`, `operationName` and `extensions` as \
             JSON, in the query string",
        )
    })
}

fn is_accepted_content_type(content_type: &str) -> bool {
    let media_type = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    matches!(
        media_type.as_str(),
        "application/json" | "application/graphql-response+json" | "multipart/form-data"
    )
}
