//! Content negotiation: which media type a client asked for, and whether it is a browser
//! asking for a page.

use poem::Request;
use poem::http::header;

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json; charset=utf-8";
const PLAIN_JSON: &str = "application/json";

/// Which media type the client asked for. `application/graphql-response+json` lets the
/// status code tell request errors (4xx) from results; plain JSON answers 200 for
/// anything the executor saw, as the GraphQL-over-HTTP specification asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ResponseFormat {
    GraphqlResponseJson,
    Json,
}

impl ResponseFormat {
    pub(super) fn of(request: &Request) -> Self {
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

    pub(super) fn content_type(self) -> &'static str {
        match self {
            Self::GraphqlResponseJson => GRAPHQL_RESPONSE_JSON,
            Self::Json => PLAIN_JSON,
        }
    }
}

/// A browser navigating to `/graphql` asks for HTML; API clients do not.
pub(super) fn accepts_html(request: &Request) -> bool {
    request
        .headers()
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}
