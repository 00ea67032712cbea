//! The one request that every connection sends, prepared once from the
//! command line so that the hot loop only clones cheap reference-counted
//! handles instead of parsing or allocating.

use std::net::SocketAddr;

use anyhow::{Context, Result, bail, ensure};
use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{CONTENT_TYPE, HOST, HeaderValue};
use hyper::{Method, Request, Uri};

/// How the GraphQL document travels to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum HttpMethod {
    /// The body file is sent verbatim as an `application/json` body.
    Post,
    /// The body file's fields are moved into the query string, as GraphQL
    /// over HTTP specifies for GET.
    Get,
}

/// A resolved address plus everything needed to rebuild the same request.
#[derive(Debug, Clone)]
pub struct RequestTemplate {
    /// The socket every connection dials; resolved once so that a reconnect
    /// does not pay for a name lookup.
    pub addr: SocketAddr,
    method: Method,
    /// The origin-form target (path and query), which is what HTTP/1.1 puts
    /// on the request line.
    target: Uri,
    host: HeaderValue,
    body: Bytes,
}

impl RequestTemplate {
    /// Parses `url` (plain `http://` only, since the bench runs on loopback),
    /// resolves its host and, for GET, moves the JSON body into the query
    /// string.
    pub async fn new(url: &str, method: HttpMethod, body: Bytes) -> Result<Self> {
        let uri: Uri = url
            .parse()
            .with_context(|| format!("invalid URL {url:?}"))?;
        ensure!(
            uri.scheme_str() == Some("http"),
            "only http:// URLs are supported, got {url:?}"
        );
        let authority = uri.authority().context("the URL has no host")?;
        let port = authority.port_u16().unwrap_or(80);
        // `host()` keeps the brackets of an IPv6 literal, which is exactly the
        // form that socket-address parsing expects in front of a port.
        let host_port = format!("{}:{port}", authority.host());
        let addr = tokio::net::lookup_host(&host_port)
            .await
            .with_context(|| format!("cannot resolve {host_port}"))?
            .next()
            .with_context(|| format!("{host_port} resolves to no address"))?;
        let host = HeaderValue::from_str(authority.as_str())?;

        let path = uri.path();
        let (target, method, body) = match method {
            HttpMethod::Post => {
                let target = uri.path_and_query().map_or(path, |pq| pq.as_str());
                (target.to_owned(), Method::POST, body)
            }
            HttpMethod::Get => {
                let encoded = get_query_string(&body)?;
                let target = match uri.query() {
                    Some(existing) => format!("{path}?{existing}&{encoded}"),
                    None => format!("{path}?{encoded}"),
                };
                (target, Method::GET, Bytes::new())
            }
        };
        let target: Uri = target.parse().context("cannot build the request target")?;
        Ok(Self {
            addr,
            method,
            target,
            host,
            body,
        })
    }

    /// Builds a fresh request; every part is a cheap clone of shared bytes.
    pub fn build(&self) -> Request<Full<Bytes>> {
        let mut request = Request::new(Full::new(self.body.clone()));
        *request.method_mut() = self.method.clone();
        *request.uri_mut() = self.target.clone();
        let headers = request.headers_mut();
        headers.insert(HOST, self.host.clone());
        if self.method == Method::POST {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        request
    }

    /// The request target, exposed so tests can check the GET encoding.
    #[cfg(test)]
    pub fn target(&self) -> &Uri {
        &self.target
    }
}

/// Turns a `{"query": ..., "operationName": ..., "variables": ...}` body into
/// a URL-encoded query string; `variables` travels as JSON text, as GraphQL
/// over HTTP requires for GET.
fn get_query_string(body: &[u8]) -> Result<String> {
    let json: serde_json::Value =
        serde_json::from_slice(body).context("the body file is not JSON")?;
    let Some(query) = json.get("query").and_then(serde_json::Value::as_str) else {
        bail!("the body file has no string field \"query\", which GET needs");
    };
    let mut out = form_urlencoded::Serializer::new(String::new());
    out.append_pair("query", query);
    if let Some(name) = json
        .get("operationName")
        .and_then(serde_json::Value::as_str)
    {
        out.append_pair("operationName", name);
    }
    if let Some(variables) = json.get("variables").filter(|v| !v.is_null()) {
        out.append_pair("variables", &variables.to_string());
    }
    Ok(out.finish())
}
