//! GraphQL over HTTP: `POST /graphql` with a JSON body (one operation or a batch),
//! `GET /graphql?query=…` for cacheable reads, and GraphiQL for a browser that opens
//! `/graphql`.
//!
//! Around the executor this handles what belongs to HTTP: the per-address rate limit,
//! the body size limit, persisted queries, the response cache, the request timeout,
//! status codes and content negotiation (`application/graphql-response+json` or
//! `application/json`), and for anonymous GET queries `ETag`, `Cache-Control`,
//! `Cache-Tag` and `304 Not Modified`.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

use async_graphql::ParseRequestError;
use async_graphql::http::{GraphiQLSource, MultipartOptions};
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet,
};
use async_graphql::{BatchRequest, Request as GraphqlRequest, Response as GraphqlResponse};
use bytes::Bytes;
use poem::error::ReadBodyError;
use poem::http::{HeaderValue, StatusCode, header};
use poem::web::{Data, Html};
use poem::{Body, IntoResponse, Request, Response, handler};
use tokio_util::compat::TokioAsyncReadCompatExt;

use super::HttpState;
use super::client_address::{client_address, user_agent};
use crate::graphql::auth::ClientAddress;
use crate::graphql::error::{ErrorCode, coded_error};
use crate::graphql::loaders::Loaders;
use crate::metrics::{self, CacheUse, Outcome};
use kronika_core::auth;
use kronika_core::changes::{CacheTag, UsedContent};
use kronika_core::response_cache::{CachedResponse, ResponseCache};
use kronika_core::views::Reader;

/// Says whether a response came from the response cache, for operators and tests.
const CACHE_HEADER: &str = "x-kronika-cache";
/// The tags of what a cacheable response used, for CDNs that purge by tag; the change
/// webhook names the same tags.
const CACHE_TAG_HEADER: &str = "cache-tag";
const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json; charset=utf-8";
const PLAIN_JSON: &str = "application/json";

#[handler]
pub async fn graphql_get(request: &Request, Data(state): Data<&HttpState>) -> Response {
    let format = ResponseFormat::of(request);
    let address = client_address(request, state.trust_proxy);
    if let Some(response) = refused_by_rate(state, address, format) {
        return response;
    }
    let query_string = request.uri().query().unwrap_or_default();
    let names_a_query = query_string.contains("query=") || query_string.contains("extensions=");
    if state.graphiql && !names_a_query && accepts_html(request) {
        return Html(GraphiQLSource::build().endpoint("/graphql").finish()).into_response();
    }
    let mut graphql_request = match async_graphql::http::parse_query_string(query_string) {
        Ok(graphql_request) => graphql_request,
        Err(error) => return rejected(format, &not_graphql(&error.to_string())),
    };
    if let Err(error) = state.persisted_queries.resolve(&mut graphql_request) {
        return rejected(format, &Rejection::persisted_query(&error));
    }
    if graphql_request.query.trim().is_empty() {
        return rejected(format, &not_graphql("the query is missing"));
    }
    let executed = execute(state, request, address, graphql_request, Method::Get).await;
    executed.into_get_response(request, format, state.browser_cache_seconds)
}

#[handler]
pub async fn graphql_post(
    request: &Request,
    body: Body,
    Data(state): Data<&HttpState>,
) -> Response {
    let format = ResponseFormat::of(request);
    let address = client_address(request, state.trust_proxy);
    if let Some(response) = refused_by_rate(state, address, format) {
        return response;
    }
    // JSON, or multipart for file uploads. Anything else (a browser's `text/plain`
    // default for a string body, a form) is refused rather than guessed at.
    let Some(content_type) = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .filter(|value| is_accepted_content_type(value))
        .map(ToOwned::to_owned)
    else {
        return rejected(
            format,
            &Rejection::new(
                ErrorCode::UnsupportedMediaType,
                "send the request as Content-Type: application/json",
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ),
        );
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
        async_graphql::http::receive_batch_body(
            Some(content_type),
            body.into_async_read().compat(),
            options,
        )
        .await
    } else {
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
        let body = match body {
            Ok(body) => body,
            Err(ReadBodyError::PayloadTooLarge) => {
                let message = format!("the request body is larger than {max_body_bytes} bytes");
                return rejected(
                    format,
                    &Rejection::new(
                        ErrorCode::PayloadTooLarge,
                        &message,
                        StatusCode::PAYLOAD_TOO_LARGE,
                    ),
                );
            }
            Err(error) => return rejected(format, &not_graphql(&error.to_string())),
        };
        async_graphql::http::receive_batch_body(
            Some(content_type),
            futures::io::Cursor::new(body),
            MultipartOptions::default(),
        )
        .await
    };
    match received {
        Ok(BatchRequest::Single(graphql_request)) => {
            run_posted(state, request, address, graphql_request)
                .await
                .into_post_response(format)
        }
        Ok(BatchRequest::Batch(graphql_requests)) => {
            if graphql_requests.len() > state.limits.max_batch {
                let message = format!(
                    "the batch has {} operations; this server allows {}",
                    graphql_requests.len(),
                    state.limits.max_batch
                );
                return rejected(
                    format,
                    &Rejection::new(ErrorCode::BatchTooLarge, &message, StatusCode::BAD_REQUEST),
                );
            }
            let mut bodies = Vec::with_capacity(graphql_requests.len());
            for graphql_request in graphql_requests {
                let executed = run_posted(state, request, address, graphql_request).await;
                bodies.push(executed.body);
            }
            batch_response(format, &bodies)
        }
        Err(ParseRequestError::PayloadTooLarge) => {
            let message = format!(
                "the file is larger than the upload limit of {} bytes",
                state.upload_max_bytes
            );
            rejected(
                format,
                &Rejection::new(
                    ErrorCode::PayloadTooLarge,
                    &message,
                    StatusCode::PAYLOAD_TOO_LARGE,
                ),
            )
        }
        Err(error) => rejected(format, &not_graphql(&error.to_string())),
    }
}

/// Files one multipart request may carry.
const MAX_UPLOAD_FILES: usize = 4;

/// One posted operation: persisted query resolution, then execution.
async fn run_posted(
    state: &HttpState,
    request: &Request,
    address: IpAddr,
    mut graphql_request: GraphqlRequest,
) -> Executed {
    if let Err(error) = state.persisted_queries.resolve(&mut graphql_request) {
        return Executed::rejected(&Rejection::persisted_query(&error));
    }
    if graphql_request.query.trim().is_empty() {
        return Executed::rejected(&not_graphql("the query is missing"));
    }
    execute(state, request, address, graphql_request, Method::Post).await
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Method {
    Get,
    Post,
}

/// Which media type the client asked for. `application/graphql-response+json` lets the
/// status code tell request errors (4xx) from results; plain JSON answers 200 for
/// anything the executor saw, as the GraphQL-over-HTTP specification asks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ResponseFormat {
    GraphqlResponseJson,
    Json,
}

impl ResponseFormat {
    fn of(request: &Request) -> Self {
        let accept = request
            .headers()
            .get(header::ACCEPT)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        if accept.contains("application/graphql-response+json") {
            Self::GraphqlResponseJson
        } else {
            Self::Json
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Self::GraphqlResponseJson => GRAPHQL_RESPONSE_JSON,
            Self::Json => PLAIN_JSON,
        }
    }
}

/// A request refused before it reached the executor.
struct Rejection {
    code: ErrorCode,
    message: String,
    status: StatusCode,
    retry_after_seconds: Option<u64>,
}

impl Rejection {
    fn new(code: ErrorCode, message: &str, status: StatusCode) -> Self {
        Self {
            code,
            message: message.to_owned(),
            status,
            retry_after_seconds: None,
        }
    }

    fn persisted_query(error: &super::persisted_queries::PersistedQueryError) -> Self {
        // Apollo clients read a not-found hash from a 200 response and send the text.
        let status = match error.code() {
            ErrorCode::PersistedQueryNotFound => StatusCode::OK,
            ErrorCode::QueryNotAllowed => StatusCode::FORBIDDEN,
            _ => StatusCode::BAD_REQUEST,
        };
        Self::new(error.code(), error.message(), status)
    }

    fn body(&self) -> Bytes {
        let mut error = coded_error(self.code, self.message.as_str());
        if let Some(seconds) = self.retry_after_seconds {
            error = async_graphql::ErrorExtensions::extend_with(error, |_, extensions| {
                extensions.set("retryAfterSeconds", seconds);
            });
        }
        let response =
            GraphqlResponse::from_errors(vec![error.into_server_error(Default::default())]);
        serialise(&response)
    }
}

fn not_graphql(reason: &str) -> Rejection {
    Rejection::new(
        ErrorCode::BadRequest,
        &format!("the request is not a GraphQL request: {reason}"),
        StatusCode::BAD_REQUEST,
    )
}

/// The 429 answer for an address over its rate, or `None` when the request may go on.
fn refused_by_rate(state: &HttpState, address: IpAddr, format: ResponseFormat) -> Option<Response> {
    state
        .rate_limits
        .graphql
        .check(address)
        .err()
        .map(|retry_after| {
            metrics::rate_limited("graphql");
            let mut rejection = Rejection::new(
                ErrorCode::RateLimited,
                &format!(
                    "too many requests from your address; try again in {} seconds",
                    retry_after.seconds()
                ),
                StatusCode::TOO_MANY_REQUESTS,
            );
            rejection.retry_after_seconds = Some(retry_after.seconds());
            rejected(format, &rejection)
        })
}

fn rejected(format: ResponseFormat, rejection: &Rejection) -> Response {
    metrics::graphql_request(
        None,
        Outcome::Rejected,
        CacheUse::Bypass,
        Default::default(),
    );
    Executed::rejected(rejection).into_post_response(format)
}

/// The outcome of one operation, before it becomes an HTTP response.
struct Executed {
    body: Bytes,
    status: StatusCode,
    /// Set when `status` is to be used whatever the format (requests refused before the
    /// executor saw them, 429, 503); else the format decides between 200 and 400 from
    /// `request_error`.
    fixed_status: bool,
    /// The response holds no data, only errors that the client must fix.
    request_error: bool,
    retry_after_seconds: Option<u64>,
    /// The response carries errors.
    has_errors: bool,
    cache: CacheUse,
    /// The operation's name, from the request or the document, for metrics.
    operation_name: Option<Arc<str>>,
    /// For anonymous queries answered without errors: the body with its validators.
    public: Option<CachedResponse>,
}

impl Executed {
    fn rejected(rejection: &Rejection) -> Self {
        Self {
            body: rejection.body(),
            status: rejection.status,
            fixed_status: true,
            request_error: true,
            retry_after_seconds: rejection.retry_after_seconds,
            has_errors: true,
            cache: CacheUse::Bypass,
            operation_name: None,
            public: None,
        }
    }

    fn status_for(&self, format: ResponseFormat) -> StatusCode {
        if self.fixed_status {
            self.status
        } else if self.request_error && format == ResponseFormat::GraphqlResponseJson {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        }
    }

    fn into_post_response(self, format: ResponseFormat) -> Response {
        let mut response = Response::builder()
            .status(self.status_for(format))
            .content_type(format.content_type())
            .header(CACHE_HEADER, cache_header(self.cache));
        if let Some(seconds) = self.retry_after_seconds {
            response = response.header(header::RETRY_AFTER, seconds);
        }
        if self.status == StatusCode::METHOD_NOT_ALLOWED {
            response = response.header(header::ALLOW, "POST");
        }
        response.body(self.body)
    }

    /// GET answers of anonymous successful queries may be kept by browsers and CDNs for
    /// `max_age` seconds and revalidated with `If-None-Match`; others must not be kept.
    fn into_get_response(
        self,
        request: &Request,
        format: ResponseFormat,
        max_age: u64,
    ) -> Response {
        let Some(public) = &self.public else {
            let mut response = self.into_post_response(format);
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            return response;
        };
        let etag = HeaderValue::from_str(&public.etag).ok();
        let cache_control = if max_age == 0 {
            "public, no-cache".to_owned()
        } else {
            format!("public, max-age={max_age}")
        };
        let not_modified = request
            .headers()
            .get_all(header::IF_NONE_MATCH)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .any(|candidate| {
                let candidate = candidate.trim();
                candidate == "*" || candidate.trim_start_matches("W/") == &*public.etag
            });
        let mut response = Response::builder()
            .header(header::CACHE_CONTROL, cache_control)
            .header(header::VARY, "accept, authorization")
            .header(CACHE_HEADER, cache_header(self.cache));
        if let Some(etag) = etag {
            response = response.header(header::ETAG, etag);
        }
        if !public.tag_names.is_empty() {
            response = response.header(CACHE_TAG_HEADER, &*public.tag_names);
        }
        if not_modified {
            return response.status(StatusCode::NOT_MODIFIED).finish();
        }
        response
            .status(StatusCode::OK)
            .content_type(format.content_type())
            .body(self.body)
    }
}

fn cache_header(cache: CacheUse) -> &'static str {
    match cache {
        CacheUse::Hit => "hit",
        CacheUse::Miss | CacheUse::Bypass => "miss",
    }
}

/// Runs one operation, answering anonymous queries from the response cache when it can.
async fn execute(
    state: &HttpState,
    request: &Request,
    address: IpAddr,
    graphql_request: GraphqlRequest,
    method: Method,
) -> Executed {
    let started = Instant::now();
    let cache_key = cache_key(request, &graphql_request);
    if let Some(key) = &cache_key
        && let Some(hit) = state.response_cache.get(key)
    {
        metrics::graphql_request(
            hit.operation_name.as_deref(),
            Outcome::Ok,
            CacheUse::Hit,
            started.elapsed(),
        );
        return Executed {
            body: hit.body.clone(),
            status: StatusCode::OK,
            fixed_status: false,
            request_error: false,
            retry_after_seconds: None,
            has_errors: false,
            cache: CacheUse::Hit,
            operation_name: hit.operation_name.clone(),
            public: Some(hit),
        };
    }
    let executed =
        execute_uncached(state, request, address, graphql_request, method, cache_key).await;
    let outcome = if executed.status == StatusCode::SERVICE_UNAVAILABLE {
        Outcome::Timeout
    } else if executed.fixed_status || executed.request_error {
        Outcome::Rejected
    } else if executed.has_errors {
        Outcome::Error
    } else {
        Outcome::Ok
    };
    metrics::graphql_request(
        executed.operation_name.as_deref(),
        outcome,
        executed.cache,
        started.elapsed(),
    );
    executed
}

async fn execute_uncached(
    state: &HttpState,
    request: &Request,
    address: IpAddr,
    graphql_request: GraphqlRequest,
    method: Method,
    cache_key: Option<String>,
) -> Executed {
    let shape = QueryShape::of(&graphql_request);
    if method == Method::Get && shape.is_mutation {
        let rejection = Rejection::new(
            ErrorCode::BadRequest,
            "mutations must be sent with POST",
            StatusCode::METHOD_NOT_ALLOWED,
        );
        let mut executed = Executed::rejected(&rejection);
        executed.operation_name = shape.operation_name;
        return executed;
    }
    let generation = state.response_cache.current_generation();
    let cacheable = cache_key.is_some() && !shape.is_mutation;
    let authorization = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    let viewer = match auth::resolve_bearer(&state.db, authorization).await {
        Ok(viewer) => viewer,
        Err(error) if kronika_core::db::is_unreachable(&error) => {
            tracing::error!(%error, "cannot check a bearer token: the database is unavailable");
            return Executed::rejected(&Rejection::new(
                ErrorCode::DatabaseUnavailable,
                "the database is unavailable for the moment; nothing was changed, try again shortly",
                StatusCode::SERVICE_UNAVAILABLE,
            ));
        }
        Err(error) => {
            tracing::error!(%error, "cannot check a bearer token");
            return Executed::rejected(&Rejection::new(
                ErrorCode::InternalServerError,
                "internal server error",
                StatusCode::INTERNAL_SERVER_ERROR,
            ));
        }
    };
    // The reader is what `recordView` counts a view for; resolvers never expose it.
    let reader = Reader::new(address, user_agent(request));
    let used = UsedContent::default();
    let mut graphql_request = graphql_request
        .data(Loaders::new(&state.db))
        .data(viewer)
        .data(ClientAddress(Some(address)))
        .data(reader);
    if cacheable {
        graphql_request = graphql_request.data(used.clone());
    }
    let timeout = state.limits.timeout;
    let Ok(graphql_response) =
        tokio::time::timeout(timeout, state.schema.execute(graphql_request)).await
    else {
        tracing::warn!(?timeout, "a GraphQL request was stopped at the time limit");
        let message = format!("the request took longer than {} s", timeout.as_secs_f64());
        let mut executed = Executed::rejected(&Rejection::new(
            ErrorCode::Timeout,
            &message,
            StatusCode::SERVICE_UNAVAILABLE,
        ));
        executed.operation_name = shape.operation_name;
        return executed;
    };
    // A request error (the document does not parse or validate, a variable does not
    // coerce) stops the request before execution: such errors have no path, and the
    // result then has no `data` entry at all, as the GraphQL specification asks.
    let request_error = graphql_response.data == async_graphql::Value::Null
        && !graphql_response.errors.is_empty()
        && graphql_response
            .errors
            .iter()
            .all(|error| error.path.is_empty());
    let body = if request_error {
        serialise_errors_only(&graphql_response.errors)
    } else {
        serialise(&graphql_response)
    };
    let retry_after_seconds = graphql_response.errors.iter().find_map(|error| {
        let extensions = error.extensions.as_ref()?;
        let is_rate_limited = matches!(
            extensions.get("code"),
            Some(async_graphql::Value::String(code)) if code == ErrorCode::RateLimited.as_str()
        );
        match extensions.get("retryAfterSeconds") {
            Some(async_graphql::Value::Number(seconds)) if is_rate_limited => seconds.as_u64(),
            _ => None,
        }
    });
    let anonymous = !request.headers().contains_key(header::AUTHORIZATION);
    let public = (anonymous && !shape.is_mutation && graphql_response.is_ok()).then(|| {
        let mut tags = used.tags();
        tags.push(CacheTag::Taxonomy);
        if !shape.only_article_roots {
            tags.push(CacheTag::Lists);
        }
        tags.sort_unstable();
        tags.dedup();
        let mut public = CachedResponse::new(body.clone(), tags);
        public.operation_name = shape.operation_name.clone();
        public
    });
    if let (Some(key), Some(public)) = (cache_key.filter(|_| cacheable), &public) {
        state.response_cache.insert(key, generation, public.clone());
    }
    Executed {
        body,
        status: if retry_after_seconds.is_some() {
            StatusCode::TOO_MANY_REQUESTS
        } else {
            StatusCode::OK
        },
        fixed_status: retry_after_seconds.is_some(),
        request_error,
        retry_after_seconds,
        has_errors: !graphql_response.errors.is_empty(),
        operation_name: shape.operation_name,
        cache: if cacheable {
            CacheUse::Miss
        } else {
            CacheUse::Bypass
        },
        public,
    }
}

fn serialise(graphql_response: &GraphqlResponse) -> Bytes {
    match serde_json::to_vec(graphql_response) {
        Ok(body) => Bytes::from(body),
        Err(error) => {
            tracing::error!(%error, "could not serialise a GraphQL response");
            Bytes::from_static(
                br#"{"errors":[{"message":"internal server error","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}"#,
            )
        }
    }
}

fn serialise_errors_only(errors: &[async_graphql::ServerError]) -> Bytes {
    #[derive(serde::Serialize)]
    struct ErrorsOnly<'errors> {
        errors: &'errors [async_graphql::ServerError],
    }
    match serde_json::to_vec(&ErrorsOnly { errors }) {
        Ok(body) => Bytes::from(body),
        Err(error) => {
            tracing::error!(%error, "could not serialise GraphQL errors");
            serialise(&GraphqlResponse::from_errors(Vec::new()))
        }
    }
}

fn batch_response(format: ResponseFormat, bodies: &[Bytes]) -> Response {
    let mut joined =
        Vec::with_capacity(bodies.iter().map(Bytes::len).sum::<usize>() + bodies.len() + 1);
    joined.push(b'[');
    for (index, body) in bodies.iter().enumerate() {
        if index > 0 {
            joined.push(b',');
        }
        joined.extend_from_slice(body);
    }
    joined.push(b']');
    Response::builder()
        .status(StatusCode::OK)
        .content_type(format.content_type())
        .body(joined)
}

/// The cache key of a request, or `None` when its response must not be shared: the
/// cache is off, or the request carries credentials (its answer may hold drafts).
fn cache_key(request: &Request, graphql_request: &GraphqlRequest) -> Option<String> {
    if request.headers().contains_key(header::AUTHORIZATION) {
        return None;
    }
    let variables = serde_json::to_string(&graphql_request.variables).ok()?;
    Some(ResponseCache::key(
        &graphql_request.query,
        graphql_request.operation_name.as_deref(),
        &variables,
    ))
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

fn accepts_html(request: &Request) -> bool {
    request
        .headers()
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

/// What the HTTP layer needs to know of a query before running it.
struct QueryShape {
    /// The operation that would run is a mutation.
    is_mutation: bool,
    /// Every root field of every operation is `article` (or `__typename`): the response
    /// depends only on the articles it found, not on any list.
    only_article_roots: bool,
    /// The name the request gives, or else the name of the document's only operation.
    operation_name: Option<Arc<str>>,
}

impl QueryShape {
    /// A query that does not parse is left to the executor, which reports the parse
    /// error properly; its shape is the most cautious one.
    fn of(graphql_request: &GraphqlRequest) -> Self {
        let given_name = graphql_request.operation_name.as_deref().map(Arc::from);
        let Ok(document) = async_graphql::parser::parse_query(&graphql_request.query) else {
            return Self {
                is_mutation: false,
                only_article_roots: false,
                operation_name: given_name,
            };
        };
        let operation_name = given_name.or_else(|| match &document.operations {
            DocumentOperations::Single(_) => None,
            DocumentOperations::Multiple(operations) if operations.len() == 1 => operations
                .keys()
                .next()
                .map(|name| Arc::from(name.as_str())),
            DocumentOperations::Multiple(_) => None,
        });
        let wanted = graphql_request.operation_name.as_deref();
        let is_mutation = document.operations.iter().any(|(name, operation)| {
            let selected = match (wanted, name) {
                (Some(wanted), Some(name)) => wanted == name.as_str(),
                (None, _) => true,
                (Some(_), None) => false,
            };
            selected && operation.node.ty == OperationType::Mutation
        });
        let only_article_roots = document.operations.iter().all(|(_, operation)| {
            only_article_fields(&document, &operation.node.selection_set.node, 0)
        });
        Self {
            is_mutation,
            only_article_roots,
            operation_name,
        }
    }
}

fn only_article_fields(
    document: &ExecutableDocument,
    selection_set: &SelectionSet,
    depth: usize,
) -> bool {
    depth < 16
        && selection_set
            .items
            .iter()
            .all(|selection| match &selection.node {
                Selection::Field(field) => {
                    matches!(field.node.name.node.as_str(), "article" | "__typename")
                }
                Selection::InlineFragment(fragment) => {
                    only_article_fields(document, &fragment.node.selection_set.node, depth + 1)
                }
                Selection::FragmentSpread(spread) => document
                    .fragments
                    .get(&spread.node.fragment_name.node)
                    .is_some_and(|fragment| {
                        only_article_fields(document, &fragment.node.selection_set.node, depth + 1)
                    }),
            })
}
