//! `/media/…`: photo files. Renditions are public and content-addressed, so they are
//! cached for a year; originals are served only to editors, as downloads, because their
//! bytes are exactly what was uploaded.

use poem::http::{HeaderMap, HeaderValue, StatusCode, header};
use poem::web::{Data, Path};
use poem::{Request, Response, handler};

use super::HttpState;
use kronika_core::auth;
use kronika_core::images::{RenditionFormat, SourceFormat};
use kronika_core::storage::{ContentHash, MediaKey};

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const NOSNIFF: &str = "nosniff";

/// `GET /media/{hash}/{width}.{webp|jpg}`
#[handler]
pub async fn rendition(
    request: &Request,
    Path((hash, file)): Path<(String, String)>,
    Data(state): Data<&HttpState>,
) -> Response {
    let Some((hash, width, format)) = parse_rendition(&hash, &file) else {
        return not_found();
    };
    // A content-addressed URL always names the same bytes, so the URL is the ETag.
    let etag = format!("\"{}-{width}.{}\"", hash.as_str(), format.extension());
    if if_none_match(request.headers(), &etag) {
        return Response::builder()
            .status(StatusCode::NOT_MODIFIED)
            .header(header::ETAG, etag)
            .header(header::CACHE_CONTROL, IMMUTABLE)
            .header(header::X_CONTENT_TYPE_OPTIONS, NOSNIFF)
            .finish();
    }
    let key = MediaKey::Rendition {
        hash,
        width,
        format,
    };
    match state.media.get(&key).await {
        Ok(Some(bytes)) => Response::builder()
            .header(header::CONTENT_TYPE, format.content_type())
            .header(header::ETAG, etag)
            .header(header::CACHE_CONTROL, IMMUTABLE)
            .header(header::X_CONTENT_TYPE_OPTIONS, NOSNIFF)
            .body(bytes),
        Ok(None) => not_found(),
        Err(error) => {
            tracing::error!(%error, "cannot read a rendition");
            StatusCode::INTERNAL_SERVER_ERROR.into()
        }
    }
}

/// `GET /media/originals/{hash}` with an editor's `Authorization: Bearer …`.
#[handler]
pub async fn original(
    request: &Request,
    Path(hash): Path<String>,
    Data(state): Data<&HttpState>,
) -> Response {
    let authorization = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    match auth::resolve_bearer(&state.db, authorization).await {
        Ok(viewer) if viewer.actor().is_some() => {}
        Ok(_) => {
            return Response::builder()
                .status(StatusCode::UNAUTHORIZED)
                .header(header::WWW_AUTHENTICATE, "Bearer")
                .header(header::CACHE_CONTROL, "no-store")
                .finish();
        }
        Err(error) => {
            tracing::error!(%error, "cannot check a bearer token");
            return StatusCode::INTERNAL_SERVER_ERROR.into();
        }
    }
    let Some(hash) = ContentHash::parse(&hash) else {
        return not_found();
    };
    let format = match kronika_core::content::photos::original_format(&state.db, &hash).await {
        Ok(Some(format)) => format,
        Ok(None) => return not_found(),
        Err(error) => {
            tracing::error!(%error, "cannot look up a photo");
            return StatusCode::INTERNAL_SERVER_ERROR.into();
        }
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
            .header(header::CACHE_CONTROL, "private, no-store")
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

fn not_found() -> Response {
    Response::builder()
        .status(StatusCode::NOT_FOUND)
        .header(header::X_CONTENT_TYPE_OPTIONS, NOSNIFF)
        .finish()
}
