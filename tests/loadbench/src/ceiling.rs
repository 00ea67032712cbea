//! The "ceiling" server: a bare poem app that answers every GraphQL request
//! with the same canned bytes. Whatever it reaches on this machine is the most
//! any real handler behind the same HTTP stack could reach, so it puts the
//! real server's figures in proportion.

use std::future::Future;
use std::io;
use std::net::SocketAddr;

use anyhow::{Context, Result};
use bytes::Bytes;
use poem::listener::TcpAcceptor;
use poem::{Endpoint, Request, Response, Route, Server, get};

/// Answers with a fixed JSON body.
#[derive(Debug, Clone)]
struct Canned {
    body: Bytes,
}

impl Endpoint for Canned {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        // A real handler has to read the whole request before answering, and
        // an unread body would also stall keep-alive, so the ceiling pays for
        // reading it too.
        req.into_body().into_bytes().await?;
        Ok(Response::builder()
            .content_type("application/json")
            .body(self.body.clone()))
    }
}

/// Binds `addr` (port 0 picks a free port) and returns the bound address
/// together with the future that serves until it is dropped or the process
/// ends.
pub async fn bind(
    addr: SocketAddr,
    body: Bytes,
) -> Result<(
    SocketAddr,
    impl Future<Output = io::Result<()>> + Send + 'static,
)> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let local = listener.local_addr()?;
    let acceptor = TcpAcceptor::from_tokio(listener)?;
    let canned = Canned { body };
    let app = Route::new().at("/graphql", get(canned.clone()).post(canned));
    Ok((local, Server::new_with_acceptor(acceptor).run(app)))
}
