//! The application's CSS and JavaScript, compiled into the binary and served under names
//! that carry a hash of their content (`admin.3f9c2a1b7d.css`), so a browser may keep
//! them forever: a changed file is a new name.

use std::sync::LazyLock;

use poem::http::{StatusCode, header};
use poem::web::Path;
use poem::{Response, handler};
use sha2::{Digest, Sha256};

/// Where the assets are served.
pub const PREFIX: &str = "/admin/assets/";

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

struct Asset {
    /// The name in `api/assets/admin/` and in [`url`].
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

macro_rules! asset {
    ($name:literal, $content_type:expr) => {
        Asset {
            name: $name,
            content_type: $content_type,
            bytes: include_bytes!(concat!("../../assets/admin/", $name)),
        }
    };
}

const CSS: &str = "text/css; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";

static ASSETS: &[Asset] = &[
    asset!("admin.css", CSS),
    asset!("app.js", JS),
    asset!("editor.js", JS),
    asset!("reorder.js", JS),
    asset!("upload.js", JS),
];

struct Hashed {
    served_name: String,
    asset: &'static Asset,
}

static HASHED: LazyLock<Vec<Hashed>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|asset| {
            let digest = hex::encode(Sha256::digest(asset.bytes));
            let (stem, extension) = asset.name.rsplit_once('.').unwrap_or((asset.name, ""));
            Hashed {
                served_name: format!("{stem}.{}.{extension}", &digest[..10]),
                asset,
            }
        })
        .collect()
});

/// The URL of an asset by its file name (`"admin.css"`).
pub fn url(name: &str) -> String {
    let served = HASHED
        .iter()
        .find(|hashed| hashed.asset.name == name)
        .map_or(name, |hashed| hashed.served_name.as_str());
    format!("{PREFIX}{served}")
}

/// The CSS and JavaScript of the whole application together, in bytes (for the budget
/// test: under 100 kB uncompressed).
pub fn total_bytes() -> usize {
    ASSETS.iter().map(|asset| asset.bytes.len()).sum()
}

/// `GET /admin/assets/{name.hash.ext}`.
#[handler]
pub fn serve(Path(file): Path<String>) -> Response {
    let Some(hashed) = HASHED.iter().find(|hashed| hashed.served_name == file) else {
        return StatusCode::NOT_FOUND.into();
    };
    debug_assert!(matches!(hashed.asset.content_type, CSS | JS));
    Response::builder()
        .header(header::CONTENT_TYPE, hashed.asset.content_type)
        .header(header::CACHE_CONTROL, IMMUTABLE)
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .body(hashed.asset.bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_has_a_hashed_name_that_changes_with_its_content() {
        for hashed in HASHED.iter() {
            assert_ne!(hashed.served_name, hashed.asset.name);
            assert!(url(hashed.asset.name).starts_with(PREFIX));
        }
        let names: std::collections::HashSet<_> =
            HASHED.iter().map(|hashed| &hashed.served_name).collect();
        assert_eq!(names.len(), ASSETS.len());
    }

    #[test]
    fn the_whole_application_ships_under_100_kb_of_css_and_javascript() {
        assert!(
            total_bytes() < 100 * 1024,
            "{} bytes of CSS and JavaScript",
            total_bytes()
        );
    }
}
