//! Hostile and broken files: each refused with its code and a clear message, nothing
//! left behind (no row, no file), and the server serving all along.

use kronika_core::domain::Role;
use kronika_tests::photos::fixture;
use kronika_tests::{TestApp, on_both_databases};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;

on_both_databases!(hostile_files_are_refused_and_leave_nothing_behind);

const UNSUPPORTED: &str = "UNSUPPORTED_MEDIA_TYPE";
const TOO_LARGE: &str = "PAYLOAD_TOO_LARGE";
const BAD_INPUT: &str = "BAD_USER_INPUT";

/// Each file and the code it must be refused with.
const REFUSED: &[(&str, &str)] = &[
    ("hostile/gen-empty.jpg", UNSUPPORTED),
    ("hostile/gen-script.svg", UNSUPPORTED),
    ("hostile/gen-xxe.svg", UNSUPPORTED),
    ("hostile/gen-svg-script-named.png", UNSUPPORTED),
    ("hostile/gen-html-named.jpg", UNSUPPORTED),
    ("hostile/gen-heic-data-named.jpg", UNSUPPORTED),
    ("hostile/pillow-heif--corrupted.heic", UNSUPPORTED),
    ("real/kamadak-exif--exif.heic", UNSUPPORTED),
    ("real/pillow--avif-exif.avif", UNSUPPORTED),
    ("hostile/gen-bomb-gif-screen-65535x65535.gif", TOO_LARGE),
    ("hostile/gen-bomb-jpeg-sof-65500x65500.jpg", TOO_LARGE),
    ("hostile/gen-bomb-png-1bit-40000x40000.png", TOO_LARGE),
    (
        "hostile/gen-bomb-png-header-65535x65535-rgba16.png",
        TOO_LARGE,
    ),
    // Too short to hold even its header: refused as broken before any allocation.
    ("hostile/gen-bomb-webp-vp8l-16384x16384.webp", BAD_INPUT),
    // The frame's claimed 4.4 gigapixels are refused by the decoder's allocation limit
    // or its end of data, whichever it meets first.
    ("hostile/pillow--decompression-bomb.gif", BAD_INPUT),
    ("hostile/gen-truncated-50pct-nikon-gps.jpg", BAD_INPUT),
    ("hostile/gen-truncated-50pct.webp", BAD_INPUT),
    ("hostile/gen-truncated-inside-exif.jpg", BAD_INPUT),
    ("hostile/pillow--truncated-progressive.jpg", BAD_INPUT),
    (
        "hostile/pillow--ultrahdr-pixel6-gps-truncated.jpg",
        BAD_INPUT,
    ),
    ("hostile/goexif--corrupt-huge-tag-exif.jpg", BAD_INPUT),
    ("hostile/gen-png-zero-width.png", BAD_INPUT),
    ("hostile/gen-arithmetic-coded.jpg", BAD_INPUT),
    // A bad checksum means damaged data: refused rather than shown with garbage.
    ("hostile/gen-png-bad-crc.png", BAD_INPUT),
];

async fn hostile_files_are_refused_and_leave_nothing_behind(app: TestApp) {
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let mut report = Vec::new();
    for (path, expected) in REFUSED {
        let response = app
            .upload_photo(Some(&editor), fixture(path), path, json!({"caption": "x"}))
            .await;
        let code = response["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or("accepted")
            .to_owned();
        let message = response["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        report.push(format!("{path}: {code}: {message}"));
        if code != *expected {
            report.push(format!("  ^ expected {expected}"));
        }
        assert!(
            code == "accepted" || message.len() > 10,
            "{path}: a refusal explains itself"
        );
        if path.ends_with(".heic") || path.contains("heic-data") {
            assert!(
                message.contains("HEIC") && message.contains("JPEG"),
                "{path}: {message}"
            );
        }
        if path.ends_with(".avif") {
            assert!(
                message.contains("AVIF") && message.contains("JPEG"),
                "{path}: {message}"
            );
        }
        let health = app.get("/health").await;
        assert_eq!(health.status(), 200, "the server serves on after {path}");
    }
    let failures: Vec<&String> = report
        .iter()
        .filter(|line| line.contains("^ expected"))
        .collect();
    assert!(failures.is_empty(), "{}", report.join("\n"));
    let photos = entities::photo::Entity::find()
        .count(app.db())
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(photos, 0, "no refused upload leaves a row");
    let media = app.app.config().data_dir.join("media");
    assert_eq!(files_under(&media), 0, "no refused upload leaves a file");
}

fn files_under(directory: &std::path::Path) -> usize {
    let Ok(entries) = std::fs::read_dir(directory) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| {
            let path = entry.path();
            if path.is_dir() { files_under(&path) } else { 1 }
        })
        .sum()
}

/// Awkward but valid files are accepted and come out right.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn awkward_but_valid_files_are_accepted() {
    let app = TestApp::spawn_sqlite().await;
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    for (path, width, height) in [
        ("hostile/pillow--cmyk-adobe.jpg", 100, 100),
        ("hostile/pillow--animated-31-frames.gif", 320, 240),
        ("hostile/skimage--chessboard-rgb-16bit.png", 200, 200),
        ("hostile/skimage--horse-rgba.png", 400, 328),
        ("hostile/gen-polyglot-gif-js.gif", 10799, 10),
        ("hostile/goexif--corrupt-infinite-loop-exif.jpg", 8, 8),
        // Only the first frame is decoded, so the later frame far outside the canvas
        // (Pillow's "decompression bomb extents") is never allocated.
        ("hostile/pillow--decompression-bomb-extents.gif", 100, 100),
        ("real/ximage--yellow-rose-lossy-alpha.webp", 400, 301),
    ] {
        let photo = app.upload_fixture(&editor, path, json!({})).await;
        assert_eq!(
            (photo["width"].as_i64(), photo["height"].as_i64()),
            (Some(width), Some(height)),
            "{path}"
        );
    }
}
