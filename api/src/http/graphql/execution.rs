//! Running one operation: the response cache for anonymous queries, then, within the
//! request timeout, the query budget (parse and measure), the caller's token, and the
//! executor.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

use async_graphql::Request as GraphqlRequest;
use async_graphql::parser::types::ExecutableDocument;
use poem::Request;
use poem::http::header;

use super::cache_rules::{QueryShape, cache_key};
use super::rejection::{Rejection, StatusRule};
use super::response::{Executed, serialise, serialise_errors_only};
use crate::graphql::auth::ClientAddress;
use crate::graphql::error::ErrorCode;
use crate::graphql::loaders::Loaders;
use crate::graphql::query_budget::QueryBudget;
use crate::http::HttpState;
use crate::http::client_address::user_agent;
use crate::metrics::{self, CacheUse, Outcome};
use kronika_core::auth;
use kronika_core::changes::UsedContent;
use kronika_core::entity_cache::EntityCache;
use kronika_core::views::Reader;

/// Documents up to this size are parsed and measured on the runtime worker (tens of
/// microseconds); larger ones, up to the body limit, on a blocking thread, so that
/// neither the worker nor the request timeout waits on them.
const INLINE_PARSE_MAX_BYTES: usize = 16 * 1024;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Method {
    Get,
    Post,
}

/// What one operation needs from its HTTP request.
pub(super) struct Caller<'a> {
    pub(super) state: &'a HttpState,
    pub(super) budget: &'a Arc<QueryBudget>,
    pub(super) request: &'a Request,
    pub(super) address: IpAddr,
    pub(super) method: Method,
}

/// Runs one operation, answering anonymous queries from the response cache when it can,
/// and counts it.
pub(super) async fn execute(caller: &Caller<'_>, graphql_request: GraphqlRequest) -> Executed {
    let started = Instant::now();
    let cache_key = cache_key(caller.request, &graphql_request);
    if let Some(key) = &cache_key
        && let Some(hit) = caller.state.response_cache.get(key)
    {
        let executed = Executed::cache_hit(hit);
        count(&executed, started);
        return executed;
    }
    let requested_name = graphql_request.operation_name.as_deref().map(Arc::from);
    let timeout = caller.state.limits.timeout;
    let executed = match tokio::time::timeout(
        timeout,
        execute_uncached(caller, graphql_request, cache_key),
    )
    .await
    {
        Ok(executed) => executed,
        Err(_elapsed) => {
            tracing::warn!(?timeout, "a GraphQL request was stopped at the time limit");
            Executed::rejected(&Rejection::http(
                ErrorCode::Timeout,
                format!("the request took longer than {} s", timeout.as_secs_f64()),
            ))
        }
    };
    // A document refused or stopped before its operation was known is counted under
    // the name the request gave, if any.
    let mut executed = executed;
    if executed.operation_name.is_none() {
        executed.operation_name = requested_name;
    }
    count(&executed, started);
    executed
}

fn count(executed: &Executed, started: Instant) {
    metrics::graphql_request(
        executed.operation_name.as_deref(),
        executed.outcome,
        executed.cache,
        started.elapsed(),
    );
}

/// Everything the request timeout covers: parsing and measuring the document, the
/// token, validation and execution.
async fn execute_uncached(
    caller: &Caller<'_>,
    mut graphql_request: GraphqlRequest,
    cache_key: Option<String>,
) -> Executed {
    let state = caller.state;
    let document = match admitted(caller.budget, &graphql_request).await {
        Ok(document) => document,
        Err(rejection) => return Executed::rejected(&rejection),
    };
    let shape = QueryShape::of(&document, graphql_request.operation_name.as_deref());
    if caller.method == Method::Get && shape.is_mutation {
        let mut rejection =
            Rejection::http(ErrorCode::BadRequest, "mutations must be sent with POST");
        rejection.rule = StatusRule::MethodNotAllowed;
        let mut executed = Executed::rejected(&rejection);
        executed.operation_name = shape.operation_name;
        return executed;
    }
    // async-graphql takes the document as parsed, so the text is parsed once.
    graphql_request.set_parsed_query(document);
    let generation = state.response_cache.current_generation();
    let cacheable = cache_key.is_some() && !shape.is_mutation;
    let authorization = caller
        .request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    let viewer = match auth::resolve_bearer(&state.db, authorization).await {
        Ok(viewer) => viewer,
        Err(error) if kronika_core::db::is_unreachable(&error) => {
            tracing::error!(%error, "cannot check a bearer token: the database is unavailable");
            return Executed::rejected(&Rejection::http(
                ErrorCode::DatabaseUnavailable,
                "the database is unavailable for the moment; nothing was changed, try again shortly",
            ));
        }
        Err(error) => {
            tracing::error!(%error, "cannot check a bearer token");
            return Executed::rejected(&Rejection::http(
                ErrorCode::InternalServerError,
                "internal server error",
            ));
        }
    };
    // The reader is what `recordView` counts a view for; resolvers never expose it.
    let reader = Reader::new(caller.address, user_agent(caller.request));
    let used = UsedContent::default();
    // Editors see drafts and their own writes at once: only readers use the entity cache.
    let entity_cache = if viewer.actor().is_none() {
        state.entity_cache.clone()
    } else {
        EntityCache::off()
    };
    let mut graphql_request = graphql_request
        .data(Loaders::new(&state.db, entity_cache))
        .data(viewer)
        .data(ClientAddress(Some(caller.address)))
        .data(reader);
    if cacheable {
        graphql_request = graphql_request.data(used.clone());
    }
    // Validation runs synchronously inside `execute`; the budget bounds its work (every
    // fragment expansion it walks was counted), so it cannot hold the worker for long.
    let graphql_response = state.schema.execute(graphql_request).await;
    // A request error (the document does not validate, a variable does not coerce)
    // stops the request before execution: such errors have no path, and the result then
    // has no `data` entry at all, as the GraphQL specification asks.
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
    let codes: Vec<Option<ErrorCode>> = graphql_response
        .errors
        .iter()
        .map(ErrorCode::of_server_error)
        .collect();
    let retry_after_seconds = graphql_response.errors.iter().find_map(|error| {
        let extensions = error.extensions.as_ref()?;
        match extensions.get("retryAfterSeconds") {
            Some(async_graphql::Value::Number(seconds))
                if ErrorCode::of_server_error(error) == Some(ErrorCode::RateLimited) =>
            {
                seconds.as_u64()
            }
            _ => None,
        }
    });
    let anonymous = !caller.request.headers().contains_key(header::AUTHORIZATION);
    let public = (anonymous && !shape.is_mutation && graphql_response.is_ok())
        .then(|| shape.public_answer(body.clone(), &used));
    if let (Some(key), Some(public)) = (cache_key.filter(|_| cacheable), &public) {
        state.response_cache.insert(key, generation, public.clone());
    }
    Executed {
        body,
        code: codes.first().copied().flatten(),
        rule: if request_error {
            StatusRule::RequestError
        } else {
            StatusRule::Result
        },
        retry_after_seconds,
        outcome: Outcome::of_errors(codes),
        operation_name: shape.operation_name,
        cache: if cacheable {
            CacheUse::Miss
        } else {
            CacheUse::Bypass
        },
        public,
    }
}

/// The document, parsed and within the query budget, or the refusal. Large documents
/// are parsed on a blocking thread.
async fn admitted(
    budget: &Arc<QueryBudget>,
    graphql_request: &GraphqlRequest,
) -> Result<ExecutableDocument, Rejection> {
    if graphql_request.query.trim().is_empty() {
        return Err(Rejection::not_graphql("the query is missing"));
    }
    let measured = if graphql_request.query.len() <= INLINE_PARSE_MAX_BYTES {
        budget.admit(&graphql_request.query, &graphql_request.variables)
    } else {
        let budget = Arc::clone(budget);
        let query = graphql_request.query.clone();
        let variables = graphql_request.variables.clone();
        match tokio::task::spawn_blocking(move || budget.admit(&query, &variables)).await {
            Ok(measured) => measured,
            Err(error) => {
                tracing::error!(%error, "measuring a query failed");
                return Err(Rejection::http(
                    ErrorCode::InternalServerError,
                    "internal server error",
                ));
            }
        }
    };
    measured.map_err(|refusal| Rejection::request_error(refusal.code, refusal.message))
}
