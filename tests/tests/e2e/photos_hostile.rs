//! Hostile and broken files: each refused with its code and a clear message, nothing
//! left behind (no row, no file), and the server serving all along.

use kronika_core::domain::Role;
use kronika_tests::photos::fixture;
use kronika_tests::{TestApp, on_both_databases};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;

on_both_databases!(
    hostile_files_are_refused_and_leave_nothing_behind,
    a_webp_whose_header_claims_too_many_pixels_is_too_large,
);

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
    // Its header is whole and claims 268 megapixels: refused by the pixel limit before
    // the (cut-off) bitstream is ever read.
    ("hostile/gen-bomb-webp-vp8l-16384x16384.webp", TOO_LARGE),
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

/// A RIFF WebP file holding one chunk, with the RIFF size its bytes say.
fn webp_file(chunk_name: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let chunk_size = u32::try_from(payload.len()).unwrap_or_else(|error| panic!("{error}"));
    let riff_size = 4 + 8 + chunk_size + (chunk_size & 1);
    let mut file = Vec::new();
    file.extend_from_slice(b"RIFF");
    file.extend_from_slice(&riff_size.to_le_bytes());
    file.extend_from_slice(b"WEBP");
    file.extend_from_slice(chunk_name);
    file.extend_from_slice(&chunk_size.to_le_bytes());
    file.extend_from_slice(payload);
    if chunk_size & 1 == 1 {
        file.push(0);
    }
    file
}

/// A lossless (VP8L) header: signature, then width − 1 and height − 1 in 14 bits each,
/// the alpha bit and a zero version, followed by a few bytes of bitstream.
fn lossless_webp(width: u32, height: u32) -> Vec<u8> {
    let bits = (width - 1) | ((height - 1) << 14) | (1 << 28);
    let mut payload = vec![0x2F];
    payload.extend_from_slice(&bits.to_le_bytes());
    payload.extend_from_slice(&[0; 16]);
    webp_file(b"VP8L", &payload)
}

/// An extended (VP8X) header: flags, reserved bytes, then canvas width − 1 and height − 1
/// in 24 bits each; no image chunk follows.
fn extended_webp(width: u32, height: u32) -> Vec<u8> {
    let mut payload = vec![0x10, 0, 0, 0];
    payload.extend_from_slice(&(width - 1).to_le_bytes()[..3]);
    payload.extend_from_slice(&(height - 1).to_le_bytes()[..3]);
    webp_file(b"VP8X", &payload)
}

/// 16384 is the widest a lossless WebP can say; the decoder of the `image` crate reads
/// that width as 0, which once made such a file "an image without pixels".
async fn a_webp_whose_header_claims_too_many_pixels_is_too_large(app: TestApp) {
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    for (name, bytes) in [
        ("lossless 16384×16384", lossless_webp(16_384, 16_384)),
        ("lossless 16384×4096", lossless_webp(16_384, 4_096)),
        ("extended 20000×20000", extended_webp(20_000, 20_000)),
    ] {
        let response = app
            .upload_photo(Some(&editor), bytes, "bomb.webp", json!({}))
            .await;
        assert_eq!(
            response["errors"][0]["extensions"]["code"], TOO_LARGE,
            "{name}: {response:#}"
        );
        assert!(
            response["errors"][0]["message"]
                .as_str()
                .is_some_and(|message| message.contains("megapixels")),
            "{name}: {response:#}"
        );
    }
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
