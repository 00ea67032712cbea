//! The "GraphQL floor" server: the fixed stack (poem and async-graphql) answering the
//! benchmark's article query from one article held in memory, with no database, no
//! response cache, no extensions and no query budget, and each query text parsed only
//! once. It is the least any GraphQL server on this stack pays per request that it
//! executes, so it shows how much of the gap between Kronika and the bare ceiling is
//! Kronika's, and how close to the ceiling any cache behind the executor can come.
//!
//! The article is read from a real response of the server (`data.article`), so the
//! answer has the same fields and the same size; every slug asked for gets it, as the
//! ceiling answers every request with the same bytes.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::{Context, Result};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{EmptyMutation, EmptySubscription, ID, Object, Schema, SimpleObject};
use poem::http::StatusCode;
use poem::listener::TcpAcceptor;
use poem::{Endpoint, Request, Response, Route, Server, post};
use serde::Deserialize;

/// The article query's fields, with the types of Kronika's schema (`DateTime` is a string
/// on the wire).
#[derive(Clone, Deserialize, SimpleObject)]
#[serde(rename_all = "camelCase")]
struct Article {
    id: ID,
    title: String,
    slug: String,
    lead: String,
    body: String,
    published_at: Option<String>,
    updated_at: String,
    byline: String,
    view_count: i32,
    section: Named,
    tags: Vec<Named>,
    created_by: Editor,
    gallery: Option<Gallery>,
}

#[derive(Clone, Deserialize, SimpleObject)]
struct Named {
    slug: String,
    name: String,
}

#[derive(Clone, Deserialize, SimpleObject)]
struct Editor {
    name: String,
}

#[derive(Clone, Deserialize, SimpleObject)]
struct Gallery {
    title: String,
    photos: Vec<Photo>,
}

#[derive(Clone, Deserialize, SimpleObject)]
struct Photo {
    id: ID,
    caption: String,
    credit: String,
    alt: String,
    width: i32,
    height: i32,
}

struct QueryRoot {
    article: Arc<Article>,
}

#[Object]
impl QueryRoot {
    /// The one article, whatever the slug.
    async fn article(&self, #[graphql(name = "slug")] _slug: String) -> Arc<Article> {
        Arc::clone(&self.article)
    }
}

type FloorSchema = Schema<QueryRoot, EmptyMutation, EmptySubscription>;

/// Executes each request, with the documents parsed before reused: the executor's own
/// cost and nothing more.
#[derive(Clone)]
struct Floor {
    schema: FloorSchema,
    parsed: Arc<Mutex<HashMap<String, ExecutableDocument>>>,
}

impl Floor {
    fn parsed(&self, query: &str) -> Option<ExecutableDocument> {
        let mut parsed = self.parsed.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(document) = parsed.get(query) {
            return Some(document.clone());
        }
        let document = async_graphql::parser::parse_query(query).ok()?;
        parsed.insert(query.to_owned(), document.clone());
        Some(document)
    }
}

impl Endpoint for Floor {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        let body = req.into_body().into_bytes().await?;
        let mut request: async_graphql::Request =
            serde_json::from_slice(&body).map_err(|error| {
                poem::Error::from_string(error.to_string(), StatusCode::BAD_REQUEST)
            })?;
        if let Some(document) = self.parsed(&request.query) {
            request.set_parsed_query(document);
        }
        let response = self.schema.execute(request).await;
        let body = serde_json::to_vec(&response).map_err(|error| {
            poem::Error::from_string(error.to_string(), StatusCode::INTERNAL_SERVER_ERROR)
        })?;
        Ok(Response::builder()
            .content_type("application/json")
            .body(body))
    }
}

/// The article of a saved response: `{"data": {"article": {...}}}`.
fn article_of(response: &[u8]) -> Result<Article> {
    #[derive(Deserialize)]
    struct Response {
        data: Data,
    }
    #[derive(Deserialize)]
    struct Data {
        article: Article,
    }
    let response: Response = serde_json::from_slice(response)
        .context("the body file is not a response to the article query")?;
    Ok(response.data.article)
}

/// Binds `addr` (port 0 picks a free port) and returns the bound address together with
/// the future that serves until it is dropped or the process ends.
pub async fn bind(
    addr: SocketAddr,
    response: &[u8],
) -> Result<(
    SocketAddr,
    impl Future<Output = io::Result<()>> + Send + 'static,
)> {
    let article = Arc::new(article_of(response)?);
    let schema = Schema::new(QueryRoot { article }, EmptyMutation, EmptySubscription);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let local = listener.local_addr()?;
    let acceptor = TcpAcceptor::from_tokio(listener)?;
    let floor = Floor {
        schema,
        parsed: Arc::default(),
    };
    let app = Route::new().at("/graphql", post(floor));
    Ok((local, Server::new_with_acceptor(acceptor).run(app)))
}
