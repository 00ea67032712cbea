//! GraphiQL, served from the binary: the page a browser gets at `/graphql`, and its
//! scripts and styles under `/graphiql/{name}-{hash}.{ext}`.
//!
//! Editors paste their tokens into GraphiQL, so the page loads nothing from another
//! origin: the pinned production builds of GraphiQL and React (see
//! `api/assets/graphiql/README.md`) are embedded, served under a path that names their
//! content's hash with immutable caching, and a Content-Security-Policy allows scripts,
//! styles and requests from this origin only. It also works without internet access.

use std::sync::LazyLock;

use poem::http::{StatusCode, header};
use poem::web::Path;
use poem::{Response, handler};
use sha2::{Digest, Sha256};

/// Where the assets are served.
pub const ASSET_PREFIX: &str = "/graphiql/";

/// Scripts, styles and requests from this origin only. Styles may also be inline, since
/// GraphiQL sets element styles from script; its fonts and icons are `data:` URIs inside
/// its stylesheet.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; \
     connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// A file of the page, embedded at build time.
struct Asset {
    stem: &'static str,
    extension: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

static REACT: Asset = Asset {
    stem: "react.production.min",
    extension: "js",
    content_type: "text/javascript; charset=utf-8",
    bytes: include_bytes!("../../assets/graphiql/react.production.min.js"),
};
static REACT_DOM: Asset = Asset {
    stem: "react-dom.production.min",
    extension: "js",
    content_type: "text/javascript; charset=utf-8",
    bytes: include_bytes!("../../assets/graphiql/react-dom.production.min.js"),
};
static GRAPHIQL_SCRIPT: Asset = Asset {
    stem: "graphiql.min",
    extension: "js",
    content_type: "text/javascript; charset=utf-8",
    bytes: include_bytes!("../../assets/graphiql/graphiql.min.js"),
};
static GRAPHIQL_STYLE: Asset = Asset {
    stem: "graphiql.min",
    extension: "css",
    content_type: "text/css; charset=utf-8",
    bytes: include_bytes!("../../assets/graphiql/graphiql.min.css"),
};
static START: Asset = Asset {
    stem: "graphiql-start",
    extension: "js",
    content_type: "text/javascript; charset=utf-8",
    bytes: include_bytes!("../../assets/graphiql/graphiql-start.js"),
};

/// Every asset with the file name it is served under: its stem, the first 16 hex digits
/// of its SHA-256, and its extension. Computed once, on first use.
static SERVED: LazyLock<[(String, &'static Asset); 5]> = LazyLock::new(|| {
    [
        &REACT,
        &REACT_DOM,
        &GRAPHIQL_SCRIPT,
        &GRAPHIQL_STYLE,
        &START,
    ]
    .map(|embedded| {
        let digest = hex::encode(Sha256::digest(embedded.bytes));
        let hash = digest.get(..16).unwrap_or(&digest);
        (
            format!("{}-{hash}.{}", embedded.stem, embedded.extension),
            embedded,
        )
    })
});

/// The path an asset is served under.
fn path_of(embedded: &Asset) -> String {
    let file_name = SERVED
        .iter()
        .find(|(_, served)| std::ptr::eq(*served, embedded))
        .map_or("", |(file_name, _)| file_name.as_str());
    format!("{ASSET_PREFIX}{file_name}")
}

/// The GraphiQL page, with its Content-Security-Policy.
pub fn page() -> Response {
    let html = format!(
        r#"<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="robots" content="noindex">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Kronika GraphiQL</title>
    <link rel="icon" href="data:,">
    <style>
      body {{ height: 100%; margin: 0; width: 100%; overflow: hidden; }}
      #graphiql {{ height: 100vh; }}
    </style>
    <link rel="stylesheet" href="{style}">
    <script src="{react}"></script>
    <script src="{react_dom}"></script>
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
    <script src="{graphiql}"></script>
    <script src="{start}"></script>
  </body>
</html>
"#,
        style = path_of(&GRAPHIQL_STYLE),
        react = path_of(&REACT),
        react_dom = path_of(&REACT_DOM),
        graphiql = path_of(&GRAPHIQL_SCRIPT),
        start = path_of(&START),
    );
    Response::builder()
        .content_type("text/html; charset=utf-8")
        .header(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY)
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .header(header::REFERRER_POLICY, "no-referrer")
        // The page names the assets by hash; it must be asked for again to see new ones.
        .header(header::CACHE_CONTROL, "no-cache")
        .body(html)
}

/// One asset by its hashed file name; another name is not found.
#[handler]
pub fn asset(Path(file_name): Path<String>) -> Response {
    let Some((_, embedded)) = SERVED.iter().find(|(served, _)| *served == file_name) else {
        return Response::builder().status(StatusCode::NOT_FOUND).finish();
    };
    Response::builder()
        .content_type(embedded.content_type)
        .header(header::CACHE_CONTROL, "public, max-age=31536000, immutable")
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .body(embedded.bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_has_a_distinct_hashed_path() {
        let paths: std::collections::HashSet<String> = [
            &REACT,
            &REACT_DOM,
            &GRAPHIQL_SCRIPT,
            &GRAPHIQL_STYLE,
            &START,
        ]
        .into_iter()
        .map(path_of)
        .collect();
        assert_eq!(paths.len(), 5);
        assert!(
            paths
                .iter()
                .all(|path| path.len() > ASSET_PREFIX.len() + 20),
            "{paths:?}"
        );
    }
}
