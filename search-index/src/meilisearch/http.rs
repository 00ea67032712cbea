//! The HTTP client under meilisearch-sdk. The SDK's own (0.33) sends every request body
//! through a stream that first zeroes an 8 MiB buffer (its `ReaderStream` asks for
//! `8 * 1024 * 1024` bytes where its comment says 8 KiB): on a search, a fifth of Kronika's
//! CPU went into that memset (perf, relevance example). This one sends the serialised body
//! as it is, and otherwise does what the SDK's client does: the same headers, the query
//! string by the SDK's own serialiser (yaup), the answer through the SDK's parser.

use async_trait::async_trait;
use futures::{AsyncRead, AsyncReadExt};
use meilisearch_sdk::errors::Error;
use meilisearch_sdk::request::{HttpClient, Method, parse_response};
use reqwest::header::{self, HeaderMap, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A client of one Meilisearch, as [`meilisearch_sdk::client::Client`] takes it.
pub(crate) type MeiliClient = meilisearch_sdk::client::Client<BufferedHttp>;
pub(crate) type MeiliIndex = meilisearch_sdk::indexes::Index<BufferedHttp>;

/// A client of the Meilisearch at `url`, over [`BufferedHttp`].
pub(crate) fn client(url: &str, api_key: Option<&str>) -> Result<MeiliClient, Error> {
    Ok(MeiliClient::new_with_client(
        url,
        api_key,
        BufferedHttp::new(api_key)?,
    ))
}

#[derive(Clone, Debug)]
pub(crate) struct BufferedHttp {
    client: reqwest::Client,
}

impl BufferedHttp {
    fn new(api_key: Option<&str>) -> Result<Self, Error> {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::USER_AGENT,
            HeaderValue::from_static(concat!("Kronika/", env!("CARGO_PKG_VERSION"))),
        );
        if let Some(api_key) = api_key {
            let bearer = HeaderValue::from_str(&format!("Bearer {api_key}"))
                .map_err(|_| Error::InvalidRequest)?;
            headers.insert(header::AUTHORIZATION, bearer);
        }
        let client = reqwest::Client::builder()
            .default_headers(headers)
            .build()?;
        Ok(BufferedHttp { client })
    }

    async fn send<Query: Serialize + Send + Sync, Output: DeserializeOwned + 'static>(
        &self,
        url: &str,
        method: Method<Query, ()>,
        body: Option<Vec<u8>>,
        content_type: &str,
        expected_status_code: u16,
    ) -> Result<Output, Error> {
        let query = yaup::to_string(method.query())?;
        let url = format!("{url}{query}");
        let verb = match &method {
            Method::Get { .. } => reqwest::Method::GET,
            Method::Delete { .. } => reqwest::Method::DELETE,
            Method::Post { .. } => reqwest::Method::POST,
            Method::Put { .. } => reqwest::Method::PUT,
            Method::Patch { .. } => reqwest::Method::PATCH,
        };
        let mut request = self.client.request(verb, &url);
        if let Some(body) = body {
            request = request
                .header(header::CONTENT_TYPE, content_type)
                .body(body);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        // Not `text()`: it decodes through `from_utf8_lossy`, which was 7 % of Kronika's
        // CPU on a search (perf, `meili_query_cost`); a strict check is several times
        // faster, and Meilisearch answers in UTF-8.
        let bytes = response.bytes().await?;
        let body = match std::str::from_utf8(&bytes) {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(&bytes),
        };
        // The SDK parses an empty answer as JSON `null` (a deletion answers 204).
        let body = if body.is_empty() { "null" } else { &body };
        parse_response(status, expected_status_code, body, url)
    }
}

#[async_trait]
impl HttpClient for BufferedHttp {
    async fn request<Query, Body, Output>(
        &self,
        url: &str,
        method: Method<Query, Body>,
        expected_status_code: u16,
    ) -> Result<Output, Error>
    where
        Query: Serialize + Send + Sync,
        Body: Serialize + Send + Sync,
        Output: DeserializeOwned + 'static + Send,
    {
        let (method, body) = split_body(method);
        let body = match body {
            Some(body) => Some(serde_json::to_vec(&body)?),
            None => None,
        };
        self.send(url, method, body, "application/json", expected_status_code)
            .await
    }

    async fn stream_request<
        Query: Serialize + Send + Sync,
        Body: AsyncRead + Send + Sync + 'static,
        Output: DeserializeOwned + 'static,
    >(
        &self,
        url: &str,
        method: Method<Query, Body>,
        content_type: &str,
        expected_status_code: u16,
    ) -> Result<Output, Error> {
        let (method, reader) = split_body(method);
        let body = match reader {
            Some(reader) => {
                let mut body = Vec::new();
                std::pin::pin!(reader)
                    .read_to_end(&mut body)
                    .await
                    .map_err(|error| Error::Other(Box::new(error)))?;
                Some(body)
            }
            None => None,
        };
        self.send(url, method, body, content_type, expected_status_code)
            .await
    }

    fn is_tokio(&self) -> bool {
        true
    }
}

/// The method without its body, and the body.
fn split_body<Query, Body>(method: Method<Query, Body>) -> (Method<Query, ()>, Option<Body>) {
    match method {
        Method::Get { query } => (Method::Get { query }, None),
        Method::Delete { query } => (Method::Delete { query }, None),
        Method::Post { query, body } => (Method::Post { query, body: () }, Some(body)),
        Method::Put { query, body } => (Method::Put { query, body: () }, Some(body)),
        Method::Patch { query, body } => (Method::Patch { query, body: () }, Some(body)),
    }
}
