//! GraphQL over HTTP: `POST /graphql` with a JSON body (one operation or a batch) or a
//! multipart upload, `GET /graphql?query=…` for cacheable reads, and GraphiQL for a
//! browser that opens `/graphql`.
//!
//! The handlers here only put the steps in order; each job has its module:
//! - `intake`: what a body may be and its limits, in our words when it is not;
//! - `negotiation`: which media type the client asked for;
//! - `execution`: the response cache, the request timeout around the query budget, the
//!   token and the executor;
//! - `cache_rules`: what may be shared, under which key and tags;
//! - `rejection` and `response`: statuses (from the error table), headers and bodies.

mod cache_rules;
mod execution;
mod intake;
mod negotiation;
mod rejection;
mod response;

use std::net::IpAddr;
use std::sync::Arc;

use async_graphql::{BatchRequest, Request as GraphqlRequest};
use poem::web::Data;
use poem::{Body, IntoResponse, Request, Response, handler};

use self::execution::{Caller, Method, execute};
use self::negotiation::{ResponseFormat, accepts_html};
use self::rejection::Rejection;
use self::response::{Executed, batch_response};
use super::HttpState;
use super::client_address::client_address;
use crate::graphql::error::ErrorCode;
use crate::graphql::query_budget::QueryBudget;
use crate::metrics::{self, CacheUse, Outcome};

#[handler]
pub async fn graphql_get(
    request: &Request,
    Data(state): Data<&HttpState>,
    Data(budget): Data<&Arc<QueryBudget>>,
) -> Response {
    let format = ResponseFormat::of(request);
    let address = client_address(request, state.trust_proxy);
    if let Some(rejection) = refused_by_rate(state, address) {
        return rejected(format, &rejection);
    }
    let query_string = request.uri().query().unwrap_or_default();
    let names_a_query = query_string.contains("query=") || query_string.contains("extensions=");
    if state.graphiql && !names_a_query && accepts_html(request) {
        return super::graphiql::page().into_response();
    }
    let mut graphql_request = match intake::operation_of_query_string(query_string) {
        Ok(graphql_request) => graphql_request,
        Err(rejection) => return rejected(format, &rejection),
    };
    if let Err(error) = state.persisted_queries.resolve(&mut graphql_request) {
        return rejected(format, &Rejection::persisted_query(&error));
    }
    let caller = Caller {
        state,
        budget,
        request,
        address,
        method: Method::Get,
    };
    let executed = execute(&caller, graphql_request).await;
    executed.into_get_response(request, format, state.browser_cache_seconds)
}

#[handler]
pub async fn graphql_post(
    request: &Request,
    body: Body,
    Data(state): Data<&HttpState>,
    Data(budget): Data<&Arc<QueryBudget>>,
) -> Response {
    let format = ResponseFormat::of(request);
    let address = client_address(request, state.trust_proxy);
    if let Some(rejection) = refused_by_rate(state, address) {
        return rejected(format, &rejection);
    }
    let operations = match intake::posted_operations(state, request, body).await {
        Ok(operations) => operations,
        Err(rejection) => return rejected(format, &rejection),
    };
    let caller = Caller {
        state,
        budget,
        request,
        address,
        method: Method::Post,
    };
    match operations {
        BatchRequest::Single(graphql_request) => run_posted(&caller, graphql_request)
            .await
            .into_post_response(format),
        BatchRequest::Batch(graphql_requests) => {
            if graphql_requests.len() > state.limits.max_batch {
                let message = format!(
                    "the batch has {} operations; this server allows {}",
                    graphql_requests.len(),
                    state.limits.max_batch
                );
                return rejected(format, &Rejection::http(ErrorCode::BatchTooLarge, message));
            }
            // Each operation of a batch goes through the same budget and timeout as a
            // single one; the batch cap bounds how many there are.
            let mut bodies = Vec::with_capacity(graphql_requests.len());
            for graphql_request in graphql_requests {
                bodies.push(run_posted(&caller, graphql_request).await.body);
            }
            batch_response(format, &bodies)
        }
    }
}

/// One posted operation: persisted query resolution, then execution.
async fn run_posted(caller: &Caller<'_>, mut graphql_request: GraphqlRequest) -> Executed {
    if let Err(error) = caller.state.persisted_queries.resolve(&mut graphql_request) {
        let rejection = Rejection::persisted_query(&error);
        count_rejection(&rejection);
        return Executed::rejected(&rejection);
    }
    execute(caller, graphql_request).await
}

/// The refusal for an address over its rate, or `None` when the request may go on.
fn refused_by_rate(state: &HttpState, address: IpAddr) -> Option<Rejection> {
    let retry_after = state.rate_limits.graphql.check(address).err()?;
    metrics::rate_limited("graphql");
    let mut rejection = Rejection::http(
        ErrorCode::RateLimited,
        format!(
            "too many requests from your address; try again in {} seconds",
            retry_after.seconds()
        ),
    );
    rejection.retry_after_seconds = Some(retry_after.seconds());
    Some(rejection)
}

/// Answers a request refused before any of its operations ran.
fn rejected(format: ResponseFormat, rejection: &Rejection) -> Response {
    count_rejection(rejection);
    Executed::rejected(rejection).into_post_response(format)
}

fn count_rejection(rejection: &Rejection) {
    metrics::graphql_request(
        None,
        Outcome::of_errors([Some(rejection.code)]),
        CacheUse::Bypass,
        Default::default(),
    );
}
