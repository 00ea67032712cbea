//! `/media/…`: photo files. A rendition is public while a published article shows its
//! photo: then it is cached for a year (its URL names its content) under cache tags that
//! a CDN purges when that article or gallery changes. Before that, and after, only staff
//! and the uploading author get it, with their token and never from a shared cache.
//! Originals are served only to editors and admins, as downloads, because their bytes are
//! exactly what was uploaded.
//!
//! Attachments follow the same rule (public while a published article lists them), and
//! since their bytes are documents from outside, they are served so that a browser never
//! runs anything in them on our origin: a sandbox policy, no sniffing, and a download
//! for every type but PDF and plain text.

use poem::http::{HeaderMap, HeaderValue, StatusCode, header};
use poem::web::{Data, Path};
use poem::{Request, Response, handler};

use super::HttpState;
use kronika_core::attachments::AttachmentFormat;
use kronika_core::auth::{self, Viewer, browser_sessions};
use kronika_core::changes::CacheTag;
use kronika_core::content::Audience;
use kronika_core::content::attachments::{AttachmentAccess, AttachmentSummary, attachment_access};
use kronika_core::content::photos::{RenditionAccess, rendition_access};
use kronika_core::editing::attachments::url_file_name;
use kronika_core::images::{RenditionFormat, SourceFormat};
use kronika_core::storage::{ContentHash, MediaKey};

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// For files only the asking viewer may see: no cache keeps them.
const PRIVATE: &str = "private, no-store";
const NOSNIFF: &str = "nosniff";
/// The cache tags of a public rendition, as `GET /graphql` sends them.
const CACHE_TAG_HEADER: &str = "cache-tag";

/// `GET /media/{hash}/{width}.{webp|jpg}`, with `Authorization: Bearer …` for files that
/// no published article shows yet.
#[handler]
pub async fn rendition(
    request: &Request,
    Path((hash, file)): Path<(String, String)>,
    Data(state): Data<&HttpState>,
) -> Response {
    let Some((hash, width, format)) = parse_rendition(&hash, &file) else {
        return not_found();
    };
    let viewer = match viewer_of(request, state).await {
        Ok(viewer) => viewer,
        Err(response) => return response,
    };
    let audience = Audience::of(viewer.actor().map(|actor| (actor.account_id, actor.role)));
    // Asked before the validator is honoured: a file that is no longer public must not
    // come back as `304` to a cache that still holds it.
    let (cache_control, cache_tags) = match rendition_access(&state.db, &hash, audience).await {
        Ok(RenditionAccess::Public { shown_by }) => (IMMUTABLE, Some(cache_tag_names(&shown_by))),
        Ok(RenditionAccess::Private) => (PRIVATE, None),
        Ok(RenditionAccess::Hidden) => return not_found(),
        Err(error) => return database_failure(&error, "cannot check who may see a rendition"),
    };
    // A content-addressed URL always names the same bytes, so the URL is the ETag.
    let etag = format!("\"{}-{width}.{}\"", hash.as_str(), format.extension());
    let mut response = Response::builder()
        .header(header::ETAG, etag.clone())
        .header(header::CACHE_CONTROL, cache_control)
        .header(header::X_CONTENT_TYPE_OPTIONS, NOSNIFF);
    if let Some(cache_tags) = cache_tags {
        response = response.header(CACHE_TAG_HEADER, cache_tags);
    }
    if if_none_match(request.headers(), &etag) {
        return response.status(StatusCode::NOT_MODIFIED).finish();
    }
    let key = MediaKey::Rendition {
        hash,
        width,
        format,
    };
    match state.media.get(&key).await {
        Ok(Some(bytes)) => response
            .header(header::CONTENT_TYPE, format.content_type())
            .body(bytes),
        Ok(None) => not_found(),
        Err(error) => {
            tracing::error!(%error, "cannot read a rendition");
            StatusCode::INTERNAL_SERVER_ERROR.into()
        }
    }
}

/// The tags of every (article, gallery) pair that shows a public rendition: unpublishing
/// the article or changing the gallery notifies exactly these, so a CDN drops the file.
fn cache_tag_names(shown_by: &[(i64, i64)]) -> String {
    let mut tags: Vec<CacheTag> = shown_by
        .iter()
        .flat_map(|(article_id, gallery_id)| {
            [
                CacheTag::Article(*article_id),
                CacheTag::Gallery(*gallery_id),
            ]
        })
        .collect();
    tags.sort_unstable();
    tags.dedup();
    tags.iter()
        .map(|tag| tag.name())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `GET /media/originals/{hash}` with an editor's or admin's `Authorization: Bearer …`.
#[handler]
pub async fn original(
    request: &Request,
    Path(hash): Path<String>,
    Data(state): Data<&HttpState>,
) -> Response {
    let viewer = match viewer_of(request, state).await {
        Ok(viewer) => viewer,
        Err(response) => return response,
    };
    match viewer.actor() {
        Some(actor) if actor.role.can_download_originals() => {}
        Some(_) => {
            return Response::builder()
                .status(StatusCode::FORBIDDEN)
                .header(header::CACHE_CONTROL, "no-store")
                .finish();
        }
        None => {
            return Response::builder()
                .status(StatusCode::UNAUTHORIZED)
                .header(header::WWW_AUTHENTICATE, "Bearer")
                .header(header::CACHE_CONTROL, "no-store")
                .finish();
        }
    }
    let Some(hash) = ContentHash::parse(&hash) else {
        return not_found();
    };
    let format = match kronika_core::content::photos::original_format(&state.db, &hash).await {
        Ok(Some(format)) => format,
        Ok(None) => return not_found(),
        Err(error) => return database_failure(&error, "cannot look up a photo"),
    };
    match state
        .media
        .get(&MediaKey::Original { hash: hash.clone() })
        .await
    {
        Ok(Some(bytes)) => Response::builder()
            .header(header::CONTENT_TYPE, format.content_type())
            .header(
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}.{}\"",
                    hash.as_str(),
                    extension(format)
                ),
            )
            .header(header::CACHE_CONTROL, PRIVATE)
            .header(header::X_CONTENT_TYPE_OPTIONS, NOSNIFF)
            // The bytes are the uploader's, unchecked: never let a browser run them.
            .header(
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox",
            )
            .body(bytes),
        Ok(None) => not_found(),
        Err(error) => {
            tracing::error!(%error, "cannot read an original");
            StatusCode::INTERNAL_SERVER_ERROR.into()
        }
    }
}

/// `GET /media/attachments/{hash}/{file-name}`, with `Authorization: Bearer …` (or an
/// editor's session) for a document that no published article lists yet. Answers
/// `Range` requests with one range (`206`), so a PDF viewer can fetch the pages it shows.
#[handler]
pub async fn attachment(
    request: &Request,
    Path((hash, name)): Path<(String, String)>,
    Data(state): Data<&HttpState>,
) -> Response {
    let Some(hash) = ContentHash::parse(&hash) else {
        return not_found();
    };
    let viewer = match viewer_of(request, state).await {
        Ok(viewer) => viewer,
        Err(response) => return response,
    };
    let audience = Audience::of(viewer.actor().map(|actor| (actor.account_id, actor.role)));
    let (cache_control, cache_tags, rows) =
        match attachment_access(&state.db, &hash, audience).await {
            Ok(AttachmentAccess::Public { listed_by, rows }) => {
                let tags: Vec<String> = listed_by
                    .iter()
                    .map(|article_id| CacheTag::Article(*article_id).name())
                    .collect();
                (IMMUTABLE, Some(tags.join(" ")), rows)
            }
            Ok(AttachmentAccess::Private { rows }) => (PRIVATE, None, rows),
            Ok(AttachmentAccess::Hidden) => return not_found(),
            Err(error) => {
                return database_failure(&error, "cannot check who may see an attachment");
            }
        };
    // One file, one URL: the name must be the one `Attachment.url` gives (of any of the
    // attachments sharing these bytes), so that caches do not fill with variants.
    let Some(row) = rows
        .iter()
        .find(|row| url_file_name(&row.file_name, &row.format) == name)
    else {
        return not_found();
    };
    let Some(format) = AttachmentFormat::from_key(&row.format) else {
        return not_found();
    };
    let etag = format!("\"{}\"", hash.as_str());
    let mut response = Response::builder()
        .header(header::ETAG, etag.clone())
        .header(header::CACHE_CONTROL, cache_control)
        .header(header::X_CONTENT_TYPE_OPTIONS, NOSNIFF)
        // A document from outside must never run script with our origin's rights.
        .header(
            header::CONTENT_SECURITY_POLICY,
            "sandbox; default-src 'none'",
        )
        .header(header::ACCEPT_RANGES, "bytes")
        .header(header::CONTENT_TYPE, format.media_type())
        .header(
            header::CONTENT_DISPOSITION,
            content_disposition(row, format),
        );
    if let Some(cache_tags) = cache_tags {
        response = response.header(CACHE_TAG_HEADER, cache_tags);
    }
    if if_none_match(request.headers(), &etag) {
        return response.status(StatusCode::NOT_MODIFIED).finish();
    }
    let key = MediaKey::Attachment { hash };
    let size = match state.media.size(&key).await {
        Ok(Some(size)) => size,
        Ok(None) => return not_found(),
        Err(error) => {
            tracing::error!(%error, "cannot read an attachment");
            return StatusCode::INTERNAL_SERVER_ERROR.into();
        }
    };
    let (range, response) = match requested_range(request.headers(), &etag, size) {
        RequestedRange::Whole => (None, response.header(header::CONTENT_LENGTH, size)),
        RequestedRange::Part(range) => {
            let (start, end) = (*range.start(), *range.end());
            let response = response
                .status(StatusCode::PARTIAL_CONTENT)
                .header(header::CONTENT_RANGE, format!("bytes {start}-{end}/{size}"))
                .header(header::CONTENT_LENGTH, end + 1 - start);
            (Some(start..end + 1), response)
        }
        RequestedRange::Unsatisfiable => {
            return response
                .status(StatusCode::RANGE_NOT_SATISFIABLE)
                .header(header::CONTENT_RANGE, format!("bytes */{size}"))
                .finish();
        }
    };
    // Streamed from the disk or the bucket: a crowd downloading a 50 MiB PDF costs a
    // chunk per download in memory, not the whole file.
    match state.media.get_stream(&key, range).await {
        Ok(Some(chunks)) => response.body(poem::Body::from_bytes_stream(chunks)),
        Ok(None) => not_found(),
        Err(error) => {
            tracing::error!(%error, "cannot read an attachment");
            StatusCode::INTERNAL_SERVER_ERROR.into()
        }
    }
}

/// What part of a file a request asks for.
enum RequestedRange {
    Whole,
    Part(std::ops::RangeInclusive<u64>),
    Unsatisfiable,
}

/// The one range a request asks for. Several ranges, or an `If-Range` that names
/// another version, get the whole file (which the standard allows); a range outside the
/// file is unsatisfiable.
fn requested_range(headers: &HeaderMap, etag: &str, size: u64) -> RequestedRange {
    let Some(range) = headers
        .get(header::RANGE)
        .and_then(|value| value.to_str().ok())
    else {
        return RequestedRange::Whole;
    };
    let if_range_matches = headers
        .get(header::IF_RANGE)
        .and_then(|value| value.to_str().ok())
        .is_none_or(|if_range| if_range == etag);
    if !if_range_matches {
        return RequestedRange::Whole;
    }
    match http_range_header::parse_range_header(range).map(|parsed| parsed.validate(size)) {
        Ok(Ok(ranges)) => match ranges.as_slice() {
            [one] => RequestedRange::Part(one.clone()),
            _ => RequestedRange::Whole,
        },
        Ok(Err(_)) => RequestedRange::Unsatisfiable,
        // A header we cannot parse is ignored, as the standard asks.
        Err(_) => RequestedRange::Whole,
    }
}

/// `inline` for what a browser shows safely itself (PDF, plain text), `attachment` for
/// the rest; the original name in UTF-8 (`filename*`, RFC 6266) with an ASCII fallback
/// for old clients.
fn content_disposition(row: &AttachmentSummary, format: AttachmentFormat) -> String {
    let disposition = if format.opens_in_browser() {
        "inline"
    } else {
        "attachment"
    };
    let fallback = url_file_name(&row.file_name, &row.format);
    let encoded =
        percent_encoding::utf8_percent_encode(&row.file_name, percent_encoding::NON_ALPHANUMERIC);
    format!("{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// Who sent the request, from its bearer token; a request without one is anonymous and
/// costs no statement.
/// Who asks for a file: a bearer token, or else an editor's browser session (the
/// editors' application shows drafts' photos with plain `<img>` tags).
async fn viewer_of(request: &Request, state: &HttpState) -> Result<Viewer, Response> {
    let authorization = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    if authorization.is_none()
        && let Some(token) = super::session_cookie::cookie_token(request)
    {
        let session = browser_sessions::resolve(&state.db, token)
            .await
            .map_err(|error| database_failure(&error, "cannot check a browser session"))?;
        return Ok(session.map_or(Viewer::Anonymous, |session| {
            Viewer::Authenticated(session.actor)
        }));
    }
    auth::resolve_bearer(&state.db, authorization)
        .await
        .map_err(|error| database_failure(&error, "cannot check a bearer token"))
}

/// `503` when the database cannot be reached (a file may be served again shortly), `500`
/// for anything else; the cause is logged, never sent.
fn database_failure(error: &sea_orm::DbErr, what: &str) -> Response {
    tracing::error!(%error, "{what}");
    let status = if kronika_core::db::is_unreachable(error) {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::INTERNAL_SERVER_ERROR
    };
    Response::builder()
        .status(status)
        .header(header::CACHE_CONTROL, "no-store")
        .finish()
}

fn extension(format: SourceFormat) -> &'static str {
    match format {
        SourceFormat::Jpeg => "jpg",
        other => other.name(),
    }
}

fn parse_rendition(hash: &str, file: &str) -> Option<(ContentHash, u32, RenditionFormat)> {
    let hash = ContentHash::parse(hash)?;
    let (width, extension) = file.split_once('.')?;
    // Only canonical numbers, so that one file has one URL.
    if width.starts_with('0') {
        return None;
    }
    let width = width.parse().ok()?;
    Some((hash, width, RenditionFormat::from_extension(extension)?))
}

/// Whether `If-None-Match` lists `etag` (or is `*`).
fn if_none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value: &HeaderValue| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|candidate| candidate.trim().trim_start_matches("W/"))
        .any(|candidate| candidate == etag || candidate == "*")
}

/// Also the answer for a file the viewer may not see, so that nobody learns which files
/// exist. Never cached: a file that is hidden now may be published in a minute.
fn not_found() -> Response {
    Response::builder()
        .status(StatusCode::NOT_FOUND)
        .header(header::CACHE_CONTROL, "no-store")
        .header(header::X_CONTENT_TYPE_OPTIONS, NOSNIFF)
        .finish()
}
