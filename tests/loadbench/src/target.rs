//! The request that every connection sends, prepared once from the command
//! line so that the hot loop only clones cheap reference-counted handles
//! instead of parsing. A [`Variation`] can make consecutive requests differ
//! (another article in the URL, another reader's User-Agent), for loads such
//! as view beacons that must not look like one client repeating itself; a
//! template may also take several bodies in turn, extra headers, and a marker
//! in its body that every request overwrites with its own number (an upload
//! whose bytes must differ each time, or the server would deduplicate it).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, Result, bail, ensure};
use bytes::{Bytes, BytesMut};
use http_body_util::Full;
use hyper::header::{CONTENT_TYPE, HOST, HeaderName, HeaderValue, USER_AGENT};
use hyper::{Method, Request, Uri};
use memchr::memmem;

use crate::pick::{BodyPicker, Pick};

/// How the GraphQL document travels to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum HttpMethod {
    /// The body file is sent verbatim as an `application/json` body.
    Post,
    /// The body file's fields are moved into the query string, as GraphQL
    /// over HTTP specifies for GET.
    Get,
}

/// The placeholder in a URL that [`Variation::article_ids`] fills in.
pub const ARTICLE_PLACEHOLDER: &str = "{article}";

/// What changes from one request to the next; the default changes nothing.
#[derive(Debug, Clone, Default)]
pub struct Variation {
    /// Values for the `{article}` placeholder of the URL, used in turn.
    pub article_ids: Vec<String>,
    /// The User-Agent header of every request; none when unset.
    pub user_agent: Option<String>,
    /// Appends ` reader/N` to the User-Agent, N growing by one each time the
    /// article ids come round, so that every (reader, article) pair is new
    /// and a server that counts each reader once counts every request.
    pub unique_readers: bool,
}

/// A resolved address plus everything needed to rebuild the requests.
#[derive(Debug)]
pub struct RequestTemplate {
    /// The socket every connection dials; resolved once so that a reconnect
    /// does not pay for a name lookup.
    pub addr: SocketAddr,
    method: Method,
    /// The origin-form targets (path and query), which is what HTTP/1.1 puts
    /// on the request line: one, or one per article id, used in turn.
    targets: Vec<Uri>,
    host: HeaderValue,
    /// One body, or several (POST only), chosen by `picker`.
    bodies: Vec<Bytes>,
    picker: BodyPicker,
    /// Headers sent with every request; a Content-Type here replaces the JSON
    /// one.
    headers: Vec<(HeaderName, HeaderValue)>,
    /// Where each body holds the marker that [`Self::with_sequence_marker`]
    /// overwrites, and how long it is.
    marker: Option<(Vec<usize>, usize)>,
    user_agent: Option<String>,
    unique_readers: bool,
    /// How many requests were built, shared by all connections.
    sequence: AtomicU64,
}

impl RequestTemplate {
    /// Parses `url` (plain `http://` only, since the bench runs on loopback),
    /// resolves its host and, for GET, moves the JSON body into the query
    /// string. With article ids, `url` must hold `{article}`.
    pub async fn new(
        url: &str,
        method: HttpMethod,
        body: Bytes,
        variation: Variation,
    ) -> Result<Self> {
        let urls: Vec<String> = if variation.article_ids.is_empty() {
            vec![url.to_owned()]
        } else {
            ensure!(
                url.contains(ARTICLE_PLACEHOLDER),
                "with article ids the URL must contain {ARTICLE_PLACEHOLDER}, got {url:?}"
            );
            variation
                .article_ids
                .iter()
                .map(|id| url.replace(ARTICLE_PLACEHOLDER, id))
                .collect()
        };
        let first_url = urls.first().context("no URL")?;
        let uri: Uri = first_url
            .parse()
            .with_context(|| format!("invalid URL {first_url:?}"))?;
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

        let get_query = match method {
            HttpMethod::Post => None,
            // A GET without a body is a plain page request, such as an admin screen.
            HttpMethod::Get if body.is_empty() => None,
            HttpMethod::Get => Some(get_query_string(&body)?),
        };
        let mut targets = Vec::with_capacity(urls.len());
        for url in &urls {
            let uri: Uri = url
                .parse()
                .with_context(|| format!("invalid URL {url:?}"))?;
            targets.push(origin_form(&uri, get_query.as_deref())?);
        }
        let (method, body) = match method {
            HttpMethod::Post => (Method::POST, body),
            HttpMethod::Get => (Method::GET, Bytes::new()),
        };
        if let Some(user_agent) = &variation.user_agent {
            HeaderValue::from_str(user_agent).context("the User-Agent is not a valid header")?;
        }
        ensure!(
            !variation.unique_readers || variation.user_agent.is_some(),
            "unique readers need a User-Agent to number"
        );
        Ok(Self {
            addr,
            method,
            targets,
            host,
            bodies: vec![body],
            picker: BodyPicker::new(Pick::InTurn, 1),
            headers: Vec::new(),
            marker: None,
            user_agent: variation.user_agent,
            unique_readers: variation.unique_readers,
            sequence: AtomicU64::new(0),
        })
    }

    /// Sends `bodies` in turn instead of the body given to [`Self::new`].
    pub fn with_bodies(self, bodies: Vec<Bytes>) -> Result<Self> {
        self.with_bodies_picked(bodies, Pick::InTurn)
    }

    /// Sends `bodies`, each request choosing one as `pick` says.
    pub fn with_bodies_picked(mut self, bodies: Vec<Bytes>, pick: Pick) -> Result<Self> {
        ensure!(!bodies.is_empty(), "no bodies");
        ensure!(
            self.method == Method::POST,
            "several bodies need POST; GET carries the query in the URL"
        );
        self.picker = BodyPicker::new(pick, bodies.len());
        self.bodies = bodies;
        Ok(self)
    }

    /// Adds a header to every request, e.g. `authorization: Bearer …`, or a
    /// `content-type` of a multipart body.
    pub fn with_header(mut self, name: &str, value: &str) -> Result<Self> {
        let name = HeaderName::from_bytes(name.as_bytes())
            .with_context(|| format!("invalid header name {name:?}"))?;
        let value = HeaderValue::from_str(value)
            .with_context(|| format!("invalid value of the header {name}"))?;
        self.headers.push((name, value));
        Ok(self)
    }

    /// Overwrites `marker` in each body with the request's number, zero-padded
    /// to the marker's length, so no two requests send the same bytes while
    /// the length stays the same. Every body must hold the marker once.
    pub fn with_sequence_marker(mut self, marker: &str) -> Result<Self> {
        ensure!(!marker.is_empty(), "the sequence marker is empty");
        let finder = memmem::Finder::new(marker.as_bytes());
        let mut offsets = Vec::with_capacity(self.bodies.len());
        for (index, body) in self.bodies.iter().enumerate() {
            let mut found = finder.find_iter(body);
            let offset = found
                .next()
                .with_context(|| format!("body {index} lacks the marker {marker:?}"))?;
            ensure!(
                found.next().is_none(),
                "body {index} holds the marker {marker:?} more than once"
            );
            offsets.push(offset);
        }
        self.marker = Some((offsets, marker.len()));
        Ok(self)
    }

    /// Builds a fresh request; every part but a numbered User-Agent or body is
    /// a cheap clone of shared bytes.
    pub fn build(&self) -> Request<Full<Bytes>> {
        let sequence = self.sequence.fetch_add(1, Ordering::Relaxed);
        let target_count = self.targets.len() as u64;
        let target_index = usize::try_from(sequence % target_count).unwrap_or_default();
        let body_index = self.picker.index(sequence);
        let body = self.body(body_index, sequence);
        let has_body = !body.is_empty();
        let mut request = Request::new(Full::new(body));
        *request.method_mut() = self.method.clone();
        if let Some(target) = self.targets.get(target_index) {
            *request.uri_mut() = target.clone();
        }
        let headers = request.headers_mut();
        headers.insert(HOST, self.host.clone());
        if self.method == Method::POST && has_body {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        for (name, value) in &self.headers {
            headers.insert(name.clone(), value.clone());
        }
        if let Some(user_agent) = &self.user_agent {
            let value = if self.unique_readers {
                let reader = sequence / target_count;
                HeaderValue::from_str(&format!("{user_agent} reader/{reader}"))
            } else {
                HeaderValue::from_str(user_agent)
            };
            // `new` checked the text, and a number appended keeps it valid.
            if let Ok(value) = value {
                headers.insert(USER_AGENT, value);
            }
        }
        request
    }

    /// Body `index`, with its marker overwritten by `sequence` when there is
    /// one: a copy then, which only the uploads of a mixed load pay for.
    fn body(&self, index: usize, sequence: u64) -> Bytes {
        let body = self.bodies.get(index).cloned().unwrap_or_default();
        let Some((offsets, width)) = &self.marker else {
            return body;
        };
        let Some(&offset) = offsets.get(index) else {
            return body;
        };
        let number = format!("{sequence:0width$}");
        let mut bytes = BytesMut::from(&body[..]);
        let digits = number.as_bytes();
        // A number wider than the marker keeps its last digits: still unique
        // for as many requests as the marker has room for.
        let digits = &digits[digits.len().saturating_sub(*width)..];
        if let Some(slot) = bytes.get_mut(offset..offset + width) {
            slot.copy_from_slice(digits);
        }
        bytes.freeze()
    }

    /// The first request target, exposed so tests can check the GET encoding.
    #[cfg(test)]
    pub fn target(&self) -> Option<&Uri> {
        self.targets.first()
    }
}

/// The path and query of `uri`, with `get_query` appended for GET.
fn origin_form(uri: &Uri, get_query: Option<&str>) -> Result<Uri> {
    let path = uri.path();
    let target = match (get_query, uri.query()) {
        (None, _) => uri
            .path_and_query()
            .map_or(path, |pq| pq.as_str())
            .to_owned(),
        (Some(encoded), Some(existing)) => format!("{path}?{existing}&{encoded}"),
        (Some(encoded), None) => format!("{path}?{encoded}"),
    };
    target.parse().context("cannot build the request target")
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
