//! GraphQL over HTTP: `POST /graphql` with a JSON body, `GET /graphql?query=…` for
//! cacheable reads, and GraphiQL for a browser that opens `/graphql`.

use async_graphql::ParseRequestError;
use async_graphql::http::{GraphiQLSource, MultipartOptions};
use async_graphql::parser::types::OperationType;
use async_graphql::{Request as GraphqlRequest, Response as GraphqlResponse};
use bytes::Bytes;
use poem::error::ReadBodyError;
use poem::http::{StatusCode, header};
use poem::web::{Data, Html};
use poem::{Body, IntoResponse, Request, Response, handler};
use tokio_util::compat::TokioAsyncReadCompatExt;

use super::HttpState;
use super::client_address::{client_address, user_agent};
use super::response_cache::ResponseCache;
use crate::auth;
use crate::graphql::auth::ClientAddress;
use crate::graphql::error::{ErrorCode, coded_error};
use crate::graphql::loaders::Loaders;
use crate::views::Reader;

#[handler]
pub async fn graphql_get(request: &Request, Data(state): Data<&HttpState>) -> Response {
    let query_string = request.uri().query().unwrap_or_default();
    if !query_string.contains("query=") && accepts_html(request) {
        return Html(GraphiQLSource::build().endpoint("/graphql").finish()).into_response();
    }
    let graphql_request = match async_graphql::http::parse_query_string(query_string) {
        Ok(graphql_request) => graphql_request,
        Err(error) => return bad_request(&error.to_string()),
    };
    // GET must never change anything (it may be cached and prefetched), so mutations are
    // refused here, as the GraphQL-over-HTTP specification asks.
    if is_mutation(&graphql_request) {
        let mut response = error_response(
            ErrorCode::BadRequest,
            "mutations must be sent with POST",
            StatusCode::METHOD_NOT_ALLOWED,
        );
        response
            .headers_mut()
            .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
        return response;
    }
    execute(state, request, graphql_request).await
}

#[handler]
pub async fn graphql_post(
    request: &Request,
    body: Body,
    Data(state): Data<&HttpState>,
) -> Response {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(ToOwned::to_owned);
    let is_multipart = content_type
        .as_deref()
        .is_some_and(|content_type| content_type.starts_with("multipart/form-data"));
    let received = if is_multipart {
        // The multipart parser counts bytes as they arrive and stops at the limit, so an
        // oversized upload is refused before it is buffered.
        let options = MultipartOptions::default()
            .max_file_size(state.upload_max_bytes)
            .max_num_files(MAX_UPLOAD_FILES);
        async_graphql::http::receive_body(content_type, body.into_async_read().compat(), options)
            .await
    } else {
        let bytes = match body.into_bytes_limit(MAX_GRAPHQL_BODY_BYTES).await {
            Ok(bytes) => bytes,
            Err(ReadBodyError::PayloadTooLarge) => {
                return error_response(
                    ErrorCode::PayloadTooLarge,
                    &format!(
                        "a GraphQL request without files may have at most {MAX_GRAPHQL_BODY_BYTES} bytes"
                    ),
                    StatusCode::PAYLOAD_TOO_LARGE,
                );
            }
            Err(error) => return bad_request(&error.to_string()),
        };
        async_graphql::http::receive_body(
            content_type,
            futures::io::Cursor::new(bytes),
            MultipartOptions::default(),
        )
        .await
    };
    match received {
        Ok(graphql_request) => execute(state, request, graphql_request).await,
        Err(ParseRequestError::PayloadTooLarge) => error_response(
            ErrorCode::PayloadTooLarge,
            &format!(
                "the file is larger than the upload limit of {} bytes",
                state.upload_max_bytes
            ),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        Err(error) => bad_request(&error.to_string()),
    }
}

/// The largest request body without files; queries are a few KiB at most.
const MAX_GRAPHQL_BODY_BYTES: usize = 1024 * 1024;
/// Files one multipart request may carry.
const MAX_UPLOAD_FILES: usize = 4;

/// Runs a request, answering anonymous queries from the response cache when it can.
async fn execute(
    state: &HttpState,
    request: &Request,
    graphql_request: GraphqlRequest,
) -> Response {
    let cache_key = cache_key(state, request, &graphql_request);
    if let Some(key) = &cache_key
        && let Some(body) = state.response_cache.get(key)
    {
        return json_bytes_response(body, StatusCode::OK, CACHE_HIT);
    }
    let generation = state.response_cache.current_generation();
    let cacheable = cache_key.is_some() && !is_mutation(&graphql_request);
    let authorization = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    let viewer = match auth::resolve_bearer(&state.db, authorization).await {
        Ok(viewer) => viewer,
        Err(error) => {
            tracing::error!(%error, "cannot check a bearer token");
            return error_response(
                ErrorCode::InternalServerError,
                "internal server error",
                StatusCode::INTERNAL_SERVER_ERROR,
            );
        }
    };
    let address = client_address(request, state.trust_proxy);
    // The reader is what `recordView` counts a view for; resolvers never expose it.
    let reader = Reader::new(address, user_agent(request));
    let graphql_request = graphql_request
        .data(Loaders::new(&state.db))
        .data(viewer)
        .data(ClientAddress(Some(address)))
        .data(reader);
    let graphql_response = state.schema.execute(graphql_request).await;
    let body = match serde_json::to_vec(&graphql_response) {
        Ok(body) => Bytes::from(body),
        Err(error) => {
            tracing::error!(%error, "could not serialise a GraphQL response");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    if let Some(key) = cache_key
        && cacheable
        && graphql_response.is_ok()
    {
        state.response_cache.insert(key, generation, body.clone());
    }
    json_bytes_response(body, StatusCode::OK, CACHE_MISS)
}

/// Says whether a response came from the response cache, for operators and tests.
const CACHE_HEADER: &str = "x-kronika-cache";
const CACHE_HIT: &str = "hit";
const CACHE_MISS: &str = "miss";

/// The cache key of a request, or `None` when its response must not be shared: the
/// cache is off, or the request carries credentials (its answer may hold drafts).
fn cache_key(
    state: &HttpState,
    request: &Request,
    graphql_request: &GraphqlRequest,
) -> Option<String> {
    if !state.response_cache.is_enabled() || request.headers().contains_key(header::AUTHORIZATION) {
        return None;
    }
    let variables = serde_json::to_string(&graphql_request.variables).ok()?;
    Some(ResponseCache::key(
        &graphql_request.query,
        graphql_request.operation_name.as_deref(),
        &variables,
    ))
}

fn accepts_html(request: &Request) -> bool {
    request
        .headers()
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

/// Whether the operation the request would run is a mutation. A query that does not
/// parse is left to the executor, which reports the parse error properly.
fn is_mutation(graphql_request: &GraphqlRequest) -> bool {
    let Ok(document) = async_graphql::parser::parse_query(&graphql_request.query) else {
        return false;
    };
    let wanted = graphql_request.operation_name.as_deref();
    document.operations.iter().any(|(name, operation)| {
        let selected = match (wanted, name) {
            (Some(wanted), Some(name)) => wanted == name.as_str(),
            (None, _) => true,
            (Some(_), None) => false,
        };
        selected && operation.node.ty == OperationType::Mutation
    })
}

fn bad_request(reason: &str) -> Response {
    error_response(
        ErrorCode::BadRequest,
        &format!("the request is not a GraphQL request: {reason}"),
        StatusCode::BAD_REQUEST,
    )
}

fn error_response(code: ErrorCode, message: &str, status: StatusCode) -> Response {
    let error = coded_error(code, message).into_server_error(Default::default());
    json_response(&GraphqlResponse::from_errors(vec![error]), status)
}

fn json_response(graphql_response: &GraphqlResponse, status: StatusCode) -> Response {
    match serde_json::to_vec(graphql_response) {
        Ok(bytes) => Response::builder()
            .status(status)
            .content_type("application/json")
            .body(bytes),
        Err(error) => {
            tracing::error!(%error, "could not serialise a GraphQL response");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn json_bytes_response(body: Bytes, status: StatusCode, cache: &'static str) -> Response {
    Response::builder()
        .status(status)
        .content_type("application/json")
        .header(CACHE_HEADER, cache)
        .body(body)
}
