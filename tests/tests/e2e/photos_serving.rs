//! Limits, deduplication, originals for editors only, other accepted formats, and a
//! server that keeps answering reads while photos are processed.

use std::io::Cursor;

use kronika_api::Config;
use kronika_core::domain::Role;
use kronika_tests::photos::fixture;
use kronika_tests::{Backend, TestApp, first_error_code};
use serde_json::json;

fn small_limits(config: &mut Config) {
    config.upload_max_bytes = 50_000;
    config.attachment_max_bytes = 50_000;
    config.upload_max_pixels = 100_000;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_over_the_byte_or_pixel_limit_are_too_large() {
    let app = TestApp::spawn_with(Backend::Sqlite, small_limits)
        .await
        .unwrap_or_else(|| panic!("SQLite is always available"));
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    // 80 kB against a 50 kB limit: refused by the multipart parser as it streams.
    let response = app
        .upload_photo_response(
            Some(&editor),
            fixture("real/goexif--nikon-d2h-gps.jpg"),
            "big.jpg",
            json!({}),
        )
        .await;
    assert_eq!(response.status(), 413, "an 80 kB upload with its length");
    let body: serde_json::Value = response.json().await.unwrap_or_default();
    assert_eq!(first_error_code(&body), "PAYLOAD_TOO_LARGE", "{body:#}");
    // A chunked body has no Content-Length to check up front; the limit still holds. The
    // client is still sending its 4 MiB when the server refuses: the server reads and drops
    // the rest, so the client gets the 413 instead of a reset connection.
    let chunks = vec![vec![0xFFu8; 16 * 1024]; 256];
    let stream = futures::stream::iter(chunks.into_iter().map(Ok::<_, std::io::Error>));
    let form = reqwest::multipart::Form::new()
        .text(
            "operations",
            json!({"query": "mutation($file: Upload!) { uploadPhoto(file: $file) { photo { id } } }", "variables": {"file": null}}).to_string(),
        )
        .text("map", json!({"0": ["variables.file"]}).to_string())
        .part("0", reqwest::multipart::Part::stream(reqwest::Body::wrap_stream(stream)).file_name("stream.jpg"));
    let streamed = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(&editor.token)
        .multipart(form)
        .send()
        .await
        .unwrap_or_else(|error| panic!("the streamed upload got no answer: {error:?}"));
    assert_eq!(streamed.status(), 413, "a streamed upload without a length");
    // 180×135 = 24,300 pixels fit; 500×375 = 187,500 do not, though the file is small.
    app.upload_fixture(&editor, "real/node-exif--iphone4s-gps.jpg", json!({}))
        .await;
    let many_pixels = app
        .upload_photo(Some(&editor), large_but_light_png(), "wide.png", json!({}))
        .await;
    assert_eq!(
        first_error_code(&many_pixels),
        "PAYLOAD_TOO_LARGE",
        "{many_pixels:#}"
    );
    assert!(
        many_pixels["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("megapixels")
    );
}

/// A 1000×1000 single-colour PNG: a million pixels in a few kilobytes.
fn large_but_light_png() -> Vec<u8> {
    let image = image::RgbImage::from_pixel(1000, 1000, image::Rgb([200, 30, 30]));
    let mut bytes = Cursor::new(Vec::new());
    image
        .write_to(&mut bytes, image::ImageFormat::Png)
        .unwrap_or_else(|error| panic!("{error}"));
    bytes.into_inner()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_bytes_are_stored_once() {
    let app = TestApp::spawn_sqlite().await;
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let first = app
        .upload_fixture(
            &editor,
            "real/node-exif--iphone4s-gps.jpg",
            json!({"caption": "raz"}),
        )
        .await;
    let files = media_files(&app);
    let second = app
        .upload_fixture(
            &editor,
            "real/node-exif--iphone4s-gps.jpg",
            json!({"caption": "dwa"}),
        )
        .await;
    assert_ne!(
        first["id"], second["id"],
        "each upload is a photo of its own"
    );
    assert_eq!(first["url"], second["url"], "sharing the files");
    assert_eq!(media_files(&app), files, "nothing stored twice");
    // Deleting one keeps the files the other still shows.
    app.data_as(
        &editor,
        "mutation($id: ID!) { deletePhoto(id: $id) { deletedPhotoId } }",
        json!({"id": first["id"]}),
    )
    .await;
    assert_eq!(media_files(&app), files);
    assert_eq!(
        app.get_as(&editor, second["url"].as_str().unwrap_or_default())
            .await
            .status(),
        200
    );
    app.data_as(
        &editor,
        "mutation($id: ID!) { deletePhoto(id: $id) { deletedPhotoId } }",
        json!({"id": second["id"]}),
    )
    .await;
    assert_eq!(media_files(&app), 0, "the last photo takes its files along");
    assert_eq!(
        app.get_as(&editor, second["url"].as_str().unwrap_or_default())
            .await
            .status(),
        404
    );
}

fn media_files(app: &TestApp) -> usize {
    fn count(directory: &std::path::Path) -> usize {
        std::fs::read_dir(directory)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|entry| {
                        if entry.path().is_dir() {
                            count(&entry.path())
                        } else {
                            1
                        }
                    })
                    .sum()
            })
            .unwrap_or(0)
    }
    count(&app.app.config().data_dir.join("media"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn originals_are_served_to_editors_only() {
    let app = TestApp::spawn_sqlite().await;
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let bytes = fixture("hostile/gen-private-metadata-everywhere.jpg");
    let response = app
        .upload_photo(Some(&editor), bytes.clone(), "x.jpg", json!({}))
        .await;
    let photo = &response["data"]["uploadPhoto"]["photo"];
    let original = photo["originalUrl"]
        .as_str()
        .unwrap_or_else(|| panic!("{response:#}"))
        .to_owned();
    assert_eq!(
        app.get(&original).await.status(),
        401,
        "no token, no original"
    );
    let with_token = app.get_as(&editor, &original).await;
    assert_eq!(with_token.status(), 200);
    let header = |name: &str| {
        with_token
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("content-type"), "image/jpeg");
    assert!(header("content-disposition").starts_with("attachment"));
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert!(header("cache-control").contains("no-store"));
    assert_eq!(
        with_token.bytes().await.unwrap_or_default().to_vec(),
        bytes,
        "untouched"
    );
    // Unknown and malformed names are simply not there.
    assert_eq!(app.get("/media/originals/nothing").await.status(), 401);
    let unknown = app
        .get_as(&editor, &format!("/media/originals/{}", "a".repeat(64)))
        .await;
    assert_eq!(unknown.status(), 404);
    assert_eq!(
        app.get(&format!("/media/{}/320.gif", "a".repeat(64)))
            .await
            .status(),
        404
    );
    assert_eq!(
        app.get(&format!("/media/{}/0320.webp", "a".repeat(64)))
            .await
            .status(),
        404
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tiff_is_accepted() {
    let app = TestApp::spawn_sqlite().await;
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let image = image::RgbImage::from_fn(120, 80, |x, y| image::Rgb([x as u8, y as u8, 128]));
    let mut tiff = Cursor::new(Vec::new());
    image
        .write_to(&mut tiff, image::ImageFormat::Tiff)
        .unwrap_or_else(|error| panic!("{error}"));
    let response = app
        .upload_photo(Some(&editor), tiff.into_inner(), "scan.tif", json!({}))
        .await;
    let photo = &response["data"]["uploadPhoto"]["photo"];
    assert_eq!(
        (photo["width"].as_i64(), photo["height"].as_i64()),
        (Some(120), Some(80)),
        "{response:#}"
    );
}

/// Four large uploads at once, and reads answered all the while and after.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_keeps_serving_while_photos_are_processed() {
    let app = TestApp::spawn_sqlite().await;
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let big = {
        let image = image::RgbImage::from_fn(2400, 1600, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
        });
        let mut jpeg = Cursor::new(Vec::new());
        image
            .write_to(&mut jpeg, image::ImageFormat::Jpeg)
            .unwrap_or_else(|error| panic!("{error}"));
        jpeg.into_inner()
    };
    let uploads = futures::future::join_all((0..4).map(|number| {
        let mut bytes = big.clone();
        // Different bytes each (a trailing byte after the end marker), so none is deduplicated.
        bytes.push(number);
        app.upload_photo(Some(&editor), bytes, "big.jpg", json!({}))
    }));
    let reads = async {
        let mut answered = 0;
        for _ in 0..20 {
            let health = app.get("/health").await;
            assert_eq!(health.status(), 200);
            let data = app.data("{ sections { slug } }", json!({})).await;
            assert!(data["sections"].is_array());
            answered += 1;
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        answered
    };
    let (uploaded, answered) = tokio::join!(uploads, reads);
    assert_eq!(answered, 20);
    for response in uploaded {
        let photo = &response["data"]["uploadPhoto"]["photo"];
        assert_eq!(photo["width"], 2400, "{response:#}");
        assert_eq!(photo["renditions"].as_array().map(Vec::len), Some(10));
    }
    assert_eq!(app.get("/health").await.status(), 200);
}
