//! The outcome of one operation and how it becomes an HTTP response: status, headers,
//! `ETag`/`304` and `Cache-Tag` for anonymous GET answers, and serialisation.

use std::sync::Arc;

use bytes::Bytes;
use poem::http::{HeaderValue, StatusCode, header};
use poem::{Request, Response};

use super::negotiation::ResponseFormat;
use super::rejection::{Rejection, StatusRule};
use crate::graphql::error::ErrorCode;
use crate::metrics::{CacheUse, Outcome};
use kronika_core::response_cache::CachedResponse;

/// Says whether a response came from the response cache, for operators and tests.
const CACHE_HEADER: &str = "x-kronika-cache";
/// The tags of what a cacheable response used, for CDNs that purge by tag; the change
/// webhook names the same tags.
const CACHE_TAG_HEADER: &str = "cache-tag";

/// The outcome of one operation, before it becomes an HTTP response.
pub(super) struct Executed {
    pub(super) body: Bytes,
    /// The code of the first error, which the error table turns into a status.
    pub(super) code: Option<ErrorCode>,
    pub(super) rule: StatusRule,
    pub(super) retry_after_seconds: Option<u64>,
    /// How the request ended, from the codes of all its errors.
    pub(super) outcome: Outcome,
    pub(super) cache: CacheUse,
    /// The operation's name, from the request or the document, for metrics.
    pub(super) operation_name: Option<Arc<str>>,
    /// For anonymous queries answered without errors: the body with its validators.
    pub(super) public: Option<CachedResponse>,
}

impl Executed {
    pub(super) fn rejected(rejection: &Rejection) -> Self {
        Self {
            body: rejection.body(),
            code: Some(rejection.code),
            rule: rejection.rule,
            retry_after_seconds: rejection.retry_after_seconds,
            outcome: Outcome::of_errors([Some(rejection.code)]),
            cache: CacheUse::Bypass,
            operation_name: None,
            public: None,
        }
    }

    /// An answer from the response cache.
    pub(super) fn cache_hit(hit: CachedResponse) -> Self {
        Self {
            body: hit.body.clone(),
            code: None,
            rule: StatusRule::Result,
            retry_after_seconds: None,
            outcome: Outcome::Ok,
            cache: CacheUse::Hit,
            operation_name: hit.operation_name.clone(),
            public: Some(hit),
        }
    }

    /// The status, from the error table by the rule of the answer (see `StatusRule`).
    fn status_for(&self, format: ResponseFormat) -> StatusCode {
        let from_table = self.code.map_or(StatusCode::OK, ErrorCode::http_status);
        match self.rule {
            StatusRule::Http => from_table,
            StatusRule::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            StatusRule::RequestError => match format {
                // A request error is always a 4xx or 5xx under this media type, even for a
                // code whose table status is 200.
                ResponseFormat::GraphqlResponseJson if from_table.as_u16() >= 400 => from_table,
                ResponseFormat::GraphqlResponseJson => StatusCode::BAD_REQUEST,
                ResponseFormat::Json => StatusCode::OK,
            },
            StatusRule::Result if self.retry_after_seconds.is_some() => {
                ErrorCode::RateLimited.http_status()
            }
            StatusRule::Result => StatusCode::OK,
        }
    }

    pub(super) fn into_post_response(self, format: ResponseFormat) -> Response {
        let mut response = Response::builder()
            .status(self.status_for(format))
            .content_type(format.content_type())
            .header(CACHE_HEADER, cache_header(self.cache));
        if let Some(seconds) = self.retry_after_seconds {
            response = response.header(header::RETRY_AFTER, seconds);
        }
        if self.rule == StatusRule::MethodNotAllowed {
            response = response.header(header::ALLOW, "POST");
        }
        response.body(self.body)
    }

    /// GET answers of anonymous successful queries may be kept by browsers and CDNs for
    /// `max_age` seconds and revalidated with `If-None-Match`; others must not be kept.
    pub(super) fn into_get_response(
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
        let not_modified = crate::http::conditional::etag_matches(request, &public.etag);
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

pub(super) fn serialise(graphql_response: &async_graphql::Response) -> Bytes {
    match serde_json::to_vec(graphql_response) {
        Ok(body) => Bytes::from(body),
        Err(error) => {
            tracing::error!(%error, "could not serialise a GraphQL response");
            internal_error_body()
        }
    }
}

/// An answer of errors only, without a `data` entry: what a request error looks like.
pub(super) fn serialise_errors_only(errors: &[async_graphql::ServerError]) -> Bytes {
    #[derive(serde::Serialize)]
    struct ErrorsOnly<'errors> {
        errors: &'errors [async_graphql::ServerError],
    }
    match serde_json::to_vec(&ErrorsOnly { errors }) {
        Ok(body) => Bytes::from(body),
        Err(error) => {
            tracing::error!(%error, "could not serialise GraphQL errors");
            internal_error_body()
        }
    }
}

fn internal_error_body() -> Bytes {
    Bytes::from_static(
        br#"{"errors":[{"message":"internal server error","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}"#,
    )
}

/// The answers of a batch, in order, as one JSON array.
pub(super) fn batch_response(format: ResponseFormat, bodies: &[Bytes]) -> Response {
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
