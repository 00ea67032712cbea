//! Feeds and sitemaps over plain HTTP: `/feeds/rss` and `/feeds/atom` (the whole site, or
//! `?section=SLUG` or `?tag=SLUG`), `/sitemap.xml` (an index, and its pages at
//! `?page=N`) and `/sitemap-news.xml` (Google News, the last two days).
//!
//! Their links point at the public site (`KRONIKA_SITE_URL`), their photo and page
//! addresses at this server (or the media URL when it is absolute). Answers are kept in
//! the response cache under the `lists` and `taxonomy` tags, so a publication, an edit or
//! a rename replaces them at once, and revalidate with `ETag`/`If-None-Match` like the
//! GraphQL reads.

mod feeds;
mod sitemaps;

use chrono::{DateTime, FixedOffset, Utc};
use poem::http::{HeaderValue, StatusCode, header};
use poem::web::{Data, Query};
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::HttpState;
use crate::site::Site;
use entities::photo;
use kronika_core::changes::CacheTag;
use kronika_core::content::syndication::{self, FeedItem, FeedScope};
use kronika_core::editing::photos::stored_widths;
use kronika_core::response_cache::CachedResponse;

/// The width a feed's cover photo or a sitemap's image is wanted at: the narrowest
/// rendition at least this wide, else the widest there is.
const WANTED_IMAGE_WIDTH: u32 = 1_200;
/// How far back the news sitemap looks (Google News reads two days).
const NEWS_WINDOW: chrono::Duration = chrono::Duration::days(2);
/// The content's language, for `<language>`, `xml:lang` and `news:language`.
const LANGUAGE: &str = "pl";

const NO_SITE_URL: &str = "Feeds and sitemaps link to the public site's article pages, \
and its address is not configured: set KRONIKA_SITE_URL (--site-url), e.g. \
https://urzad.example.gov.pl/aktualnosci/{slug}\n";

/// One document this module serves.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Document {
    Rss(FeedScope),
    Atom(FeedScope),
    SitemapIndex,
    SitemapPage(u64),
    News,
}

impl Document {
    fn content_type(&self) -> &'static str {
        match self {
            Self::Rss(_) => "application/rss+xml; charset=utf-8",
            Self::Atom(_) => "application/atom+xml; charset=utf-8",
            Self::SitemapIndex | Self::SitemapPage(_) | Self::News => {
                "application/xml; charset=utf-8"
            }
        }
    }

    /// The document's own address on this server, as feeds name themselves
    /// (`rel="self"`) and the sitemap index names its pages.
    fn self_url(&self, origin: &str) -> String {
        let path = |path: &str, query: Option<(&str, &str)>| match query {
            None => format!("{origin}{path}"),
            Some((name, value)) => format!(
                "{origin}{path}?{}",
                form_urlencoded::Serializer::new(String::new())
                    .append_pair(name, value)
                    .finish()
            ),
        };
        let scoped = |feed: &str, scope: &FeedScope| match scope {
            FeedScope::Site => path(feed, None),
            FeedScope::Section(slug) => path(feed, Some(("section", slug))),
            FeedScope::Tag(slug) => path(feed, Some(("tag", slug))),
        };
        match self {
            Self::Rss(scope) => scoped("/feeds/rss", scope),
            Self::Atom(scope) => scoped("/feeds/atom", scope),
            Self::SitemapIndex | Self::SitemapPage(_) => path("/sitemap.xml", None),
            Self::News => path("/sitemap-news.xml", None),
        }
    }
}

/// What rendering needs besides the content: the site, and this server's addresses.
struct Published<'a> {
    site: &'a Site,
    time_zone: chrono_tz::Tz,
    /// Absolute: `https://cms.example.org/media` or the configured CDN prefix.
    media_prefix: String,
    self_url: String,
}

impl Published<'_> {
    fn local(&self, time: DateTime<Utc>) -> DateTime<FixedOffset> {
        time.with_timezone(&self.time_zone).fixed_offset()
    }

    fn language(&self) -> &'static str {
        LANGUAGE
    }

    /// The host of the site without a port: the authority of tag URIs (RFC 4151).
    fn tag_authority(&self) -> &str {
        let host = self.site.article_url.host();
        host.rsplit_once(':')
            .filter(|(_, port)| port.bytes().all(|byte| byte.is_ascii_digit()))
            .map_or(host, |(name, _)| name)
    }

    /// A JPEG rendition of `photo` near `WANTED_IMAGE_WIDTH`; `None` without files.
    fn photo_url(&self, photo: &photo::Model) -> Option<String> {
        let hash = photo.content_hash.as_deref()?;
        self.rendition_url(hash, &stored_widths(photo))
    }

    /// The address of the rendition a feed or sitemap shows of the photo with these
    /// files: the narrowest at least as wide as wanted, else the widest.
    fn rendition_url(&self, hash: &str, widths: &[u32]) -> Option<String> {
        let width = widths
            .iter()
            .copied()
            .filter(|width| *width >= WANTED_IMAGE_WIDTH)
            .min()
            .or_else(|| widths.iter().copied().max())?;
        Some(format!("{}/{hash}/{width}.jpg", self.media_prefix))
    }

    fn cover(&self, item: &FeedItem) -> Option<String> {
        self.photo_url(item.cover.as_ref()?)
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct FeedParams {
    section: Option<String>,
    tag: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct SitemapParams {
    page: Option<u64>,
}

/// The scope the parameters name; `None` when they name both a section and a tag.
fn feed_scope(params: FeedParams) -> Option<FeedScope> {
    match (params.section, params.tag) {
        (None, None) => Some(FeedScope::Site),
        (Some(section), None) => Some(FeedScope::Section(section)),
        (None, Some(tag)) => Some(FeedScope::Tag(tag)),
        (Some(_), Some(_)) => None,
    }
}

/// Parameters the query string's parser refused (a page that is no number, a name given
/// twice), in our words: the parser's own never reach a client.
fn bad_parameters() -> Response {
    plain(
        StatusCode::BAD_REQUEST,
        "Unreadable parameters: ?page= takes one whole number from 1; ?section= and ?tag= one slug each.\n",
    )
}

fn section_and_tag_given() -> Response {
    plain(
        StatusCode::BAD_REQUEST,
        "A feed follows one section or one tag: give ?section= or ?tag=, not both.\n",
    )
}

#[handler]
pub(super) async fn rss_feed(
    request: &Request,
    params: poem::Result<Query<FeedParams>>,
    Data(state): Data<&HttpState>,
) -> Response {
    let Ok(Query(params)) = params else {
        return bad_parameters();
    };
    match feed_scope(params) {
        Some(scope) => serve(request, state, Document::Rss(scope)).await,
        None => section_and_tag_given(),
    }
}

#[handler]
pub(super) async fn atom_feed(
    request: &Request,
    params: poem::Result<Query<FeedParams>>,
    Data(state): Data<&HttpState>,
) -> Response {
    let Ok(Query(params)) = params else {
        return bad_parameters();
    };
    match feed_scope(params) {
        Some(scope) => serve(request, state, Document::Atom(scope)).await,
        None => section_and_tag_given(),
    }
}

#[handler]
pub(super) async fn sitemap(
    request: &Request,
    params: poem::Result<Query<SitemapParams>>,
    Data(state): Data<&HttpState>,
) -> Response {
    let Ok(Query(params)) = params else {
        return bad_parameters();
    };
    let document = match params.page {
        None => Document::SitemapIndex,
        Some(page) => Document::SitemapPage(page),
    };
    serve(request, state, document).await
}

#[handler]
pub(super) async fn news_sitemap(request: &Request, Data(state): Data<&HttpState>) -> Response {
    serve(request, state, Document::News).await
}

/// Answers from the response cache or renders, then applies conditional GET.
async fn serve(request: &Request, state: &HttpState, document: Document) -> Response {
    let Some(site) = state.site.as_deref() else {
        return plain(StatusCode::NOT_FOUND, NO_SITE_URL);
    };
    let Some(origin) = request_origin(request, state.trust_proxy) else {
        return plain(
            StatusCode::BAD_REQUEST,
            "The request names no valid host (Host header).\n",
        );
    };
    let key = format!("\u{1}{document:?}\u{0}{origin}");
    let answer = match state.response_cache.get(&key) {
        Some(hit) => hit,
        None => match render_once(state, key, &document, site, &origin).await {
            Ok(answer) => answer,
            Err(response) => return response,
        },
    };
    let cache_control = match state.browser_cache_seconds {
        0 => "public, no-cache".to_owned(),
        seconds => format!("public, max-age={seconds}"),
    };
    let response = Response::builder()
        .header(header::CACHE_CONTROL, cache_control)
        .header("cache-tag", &*answer.tag_names)
        .header(header::ETAG, &*answer.etag);
    if super::conditional::etag_matches(request, &answer.etag) {
        return response.status(StatusCode::NOT_MODIFIED).finish();
    }
    response
        .content_type(document.content_type())
        .body(answer.body)
}

/// Renders `document` and caches it under `key`, one render at a time in the server:
/// a sitemap page of 50,000 addresses takes about 0.6 s and 28 MiB, and concurrent misses
/// (crawlers arriving together after a publication, or requests that vary the `Host`
/// header to miss the cache on purpose) each rendered their own copy, 1.2 GB for 16 at
/// once. Waiting for the permit, a request finds the answer a previous one just cached.
async fn render_once(
    state: &HttpState,
    key: String,
    document: &Document,
    site: &Site,
    origin: &str,
) -> Result<CachedResponse, Response> {
    let Ok(_permit) = state.syndication_renders.acquire().await else {
        return Err(unavailable());
    };
    if let Some(hit) = state.response_cache.get(&key) {
        return Ok(hit);
    }
    let generation = state.response_cache.current_generation();
    let published = Published {
        site,
        time_zone: state.time_zone,
        media_prefix: absolute_media_prefix(&state.media_url, origin),
        self_url: document.self_url(origin),
    };
    let body = match render(state, document, &published).await {
        Ok(Some(body)) => body,
        Ok(None) => return Err(plain(StatusCode::NOT_FOUND, "No such feed or page.\n")),
        Err(error) => {
            tracing::error!(%error, ?document, "cannot build a feed or sitemap");
            return Err(unavailable());
        }
    };
    // Every list changes with any article, section or tag; so does this.
    let answer = CachedResponse::new(body.into(), vec![CacheTag::Lists, CacheTag::Taxonomy]);
    state.response_cache.insert(key, generation, answer.clone());
    Ok(answer)
}

fn unavailable() -> Response {
    plain(
        StatusCode::SERVICE_UNAVAILABLE,
        "The content cannot be read right now; try again shortly.\n",
    )
}

/// Why a document could not be rendered.
#[derive(Debug, thiserror::Error)]
enum RenderError {
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
    #[error("cannot write the XML: {0}")]
    Xml(#[from] std::io::Error),
}

/// The document's XML, or `None` when it does not exist (an unknown section or tag, a
/// sitemap page beyond the last).
async fn render(
    state: &HttpState,
    document: &Document,
    published: &Published<'_>,
) -> Result<Option<String>, RenderError> {
    let db = &state.db;
    Ok(match document {
        Document::Rss(scope) | Document::Atom(scope) => {
            let Some(feed) = syndication::feed(db, scope).await? else {
                return Ok(None);
            };
            let is_tag = matches!(scope, FeedScope::Tag(_));
            Some(match document {
                Document::Rss(_) => feeds::rss(&feed, is_tag, published)?,
                _ => feeds::atom(&feed, is_tag, published)?,
            })
        }
        Document::SitemapIndex => {
            let pages = syndication::sitemap_pages(db).await?;
            Some(sitemaps::index(&pages, published)?)
        }
        Document::SitemapPage(number) => {
            let entries = syndication::sitemap_page(db, *number).await?;
            // Page 1 of an empty site exists (the index lists it); no other empty page does.
            if *number == 0 || (entries.is_empty() && *number > 1) {
                return Ok(None);
            }
            Some(sitemaps::page(&entries, published)?)
        }
        Document::News => {
            let articles = syndication::news_since(db, Utc::now() - NEWS_WINDOW).await?;
            Some(sitemaps::news(&articles, published)?)
        }
    })
}

/// `scheme://host` of the request as the client addressed this server: the `Host` header,
/// and behind a trusted proxy its `X-Forwarded-Proto` and `X-Forwarded-Host`. `None` for
/// a missing or malformed host, which must not reach the XML or the cache key.
fn request_origin(request: &Request, trust_proxy: bool) -> Option<String> {
    let forwarded = |name: &str| {
        trust_proxy
            .then(|| request.headers().get(name)?.to_str().ok())
            .flatten()
            .and_then(|value| value.split(',').next())
            .map(str::trim)
    };
    let scheme = match forwarded("x-forwarded-proto") {
        Some("https") => "https",
        _ => "http",
    };
    let host = forwarded("x-forwarded-host").or_else(|| {
        request
            .headers()
            .get(header::HOST)
            .and_then(|value| value.to_str().ok())
    })?;
    let plain_host = !host.is_empty()
        && host.len() <= 255
        && host
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b".-:[]".contains(&byte));
    plain_host.then(|| format!("{scheme}://{host}"))
}

/// The media URL as an absolute prefix: a CDN's address as configured, or this server's
/// own `/media` under the request's origin.
fn absolute_media_prefix(media_url: &str, origin: &str) -> String {
    if media_url.starts_with("http://") || media_url.starts_with("https://") {
        media_url.to_owned()
    } else {
        format!("{origin}{media_url}")
    }
}

fn plain(status: StatusCode, message: &'static str) -> Response {
    Response::builder()
        .status(status)
        .header(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))
        .content_type("text/plain; charset=utf-8")
        .body(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(headers: &[(&str, &str)]) -> Request {
        let mut builder = Request::builder();
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.finish()
    }

    #[test]
    fn the_origin_comes_from_the_host_and_from_a_trusted_proxy_only() {
        let direct = request(&[("host", "cms.example.org:8080")]);
        assert_eq!(
            request_origin(&direct, false).as_deref(),
            Some("http://cms.example.org:8080")
        );
        let proxied = request(&[
            ("host", "10.0.0.5:8080"),
            ("x-forwarded-proto", "https"),
            ("x-forwarded-host", "cms.example.org"),
        ]);
        assert_eq!(
            request_origin(&proxied, true).as_deref(),
            Some("https://cms.example.org")
        );
        assert_eq!(
            request_origin(&proxied, false).as_deref(),
            Some("http://10.0.0.5:8080")
        );
        let hostile = request(&[("host", "evil.example\"><x>")]);
        assert_eq!(request_origin(&hostile, false), None);
        assert_eq!(request_origin(&request(&[]), false), None);
    }

    #[test]
    fn a_relative_media_url_is_served_under_the_request_origin() {
        assert_eq!(
            absolute_media_prefix("/media", "https://cms.example.org"),
            "https://cms.example.org/media"
        );
        assert_eq!(
            absolute_media_prefix("https://cdn.example.org/m", "https://cms.example.org"),
            "https://cdn.example.org/m"
        );
    }
}
