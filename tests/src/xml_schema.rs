//! Validation of XML documents against their published XML schemas, by `xmllint` (Debian's
//! `libxml2-utils`), the validator of libxml2: the sitemaps are checked against the
//! sitemaps.org schemas and the Google extensions' schemas in `tests/fixtures/sitemaps/`.
//!
//! Without `xmllint`, [`validate`] says through [`skip`] that the check did not run and
//! returns `false`; with `KRONIKA_REQUIRE_SERVICES=1` (CI, whose `.ci/run` installs it)
//! that fails the test instead.

use std::io::Write;
use std::path::PathBuf;
use std::process::Command;

use crate::{Service, skip};

/// Where the schemas are: `sitemaps/siteindex.xsd` for a sitemap index,
/// `sitemaps/urlset.xsd` for a page (it brings in the image and news extensions).
pub fn schema(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/sitemaps")
        .join(name)
}

/// Checks `document` against the schema file `schema`, failing the test with xmllint's
/// messages when it is not valid. Returns whether the check ran.
#[track_caller]
pub fn validate(document: &str, schema: &std::path::Path) -> bool {
    let mut file = tempfile::NamedTempFile::new()
        .unwrap_or_else(|error| panic!("a temporary file for xmllint: {error}"));
    file.write_all(document.as_bytes())
        .unwrap_or_else(|error| panic!("write the document for xmllint: {error}"));
    // --nonet: the schemas are local; nothing may be fetched from the web.
    let output = match Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(schema)
        .arg(file.path())
        .output()
    {
        Ok(output) => output,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            skip(
                Service::Xmllint,
                "xmllint is not installed (apt-get install libxml2-utils)",
            );
            return false;
        }
        Err(error) => panic!("cannot run xmllint: {error}"),
    };
    assert!(
        output.status.success(),
        "not valid against {}:\n{}\n{}",
        schema.display(),
        String::from_utf8_lossy(&output.stderr),
        document.chars().take(4_000).collect::<String>()
    );
    true
}
