//! `uploadPhoto` over the multipart request with real camera and phone photos: sizes,
//! orientation, renditions, placeholders, credits, and no private metadata in any public
//! file.

use kronika_core::domain::Role;
use kronika_tests::photos::{fixture, private_metadata_in};
use kronika_tests::{TestApp, first_error_code, on_both_databases};
use serde_json::{Value, json};

on_both_databases!(
    an_editor_uploads_a_camera_photo_and_gets_renditions,
    authors_upload_and_readers_may_not,
);

async fn an_editor_uploads_a_camera_photo_and_gets_renditions(app: TestApp) {
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let photo = app
        .upload_fixture(
            &editor,
            "real/goexif--nikon-d2h-gps.jpg",
            json!({"caption": "Zachód słońca", "alt": "Niebo nad miastem", "credit": "Jan Nowak"}),
        )
        .await;
    assert_eq!(photo["width"], 500);
    assert_eq!(photo["height"], 375);
    assert_eq!(photo["caption"], "Zachód słońca");
    assert_eq!(photo["credit"], "Jan Nowak");
    assert!((photo["aspectRatio"].as_f64().unwrap_or_default() - 500.0 / 375.0).abs() < 1e-9);
    let placeholder = photo["placeholder"].as_str().unwrap_or_default();
    assert!(
        placeholder.starts_with("data:image/jpeg;base64,"),
        "{photo:#}"
    );
    assert!(
        placeholder.len() < 2_000,
        "a placeholder is tiny: {}",
        placeholder.len()
    );
    assert!(
        photo["blurhash"]
            .as_str()
            .is_some_and(|hash| hash.len() >= 6)
    );
    let colour = photo["dominantColor"].as_str().unwrap_or_default();
    assert!(colour.len() == 7 && colour.starts_with('#'), "{colour}");
    // 500 px wide: renditions at 320 and at its own width, never upscaled.
    let renditions = photo["renditions"].as_array().cloned().unwrap_or_default();
    let sizes: Vec<(i64, i64, &str)> = renditions
        .iter()
        .map(|rendition| {
            (
                rendition["width"].as_i64().unwrap_or_default(),
                rendition["height"].as_i64().unwrap_or_default(),
                rendition["format"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        sizes,
        vec![
            (320, 240, "WEBP"),
            (320, 240, "JPEG"),
            (500, 375, "WEBP"),
            (500, 375, "JPEG")
        ]
    );
    let srcset = photo["srcset"].as_str().unwrap_or_default();
    assert!(
        srcset.contains(".webp 320w") && srcset.contains(".webp 500w"),
        "{srcset}"
    );
    assert!(
        photo["jpegSrcset"]
            .as_str()
            .unwrap_or_default()
            .contains(".jpg 500w")
    );
    for rendition in &renditions {
        let url = rendition["url"].as_str().unwrap_or_default();
        let response = app.get(url).await;
        assert_eq!(response.status(), 200, "{url}");
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        let expected_type = if rendition["format"] == "WEBP" {
            "image/webp"
        } else {
            "image/jpeg"
        };
        assert_eq!(header("content-type"), expected_type);
        assert_eq!(header("x-content-type-options"), "nosniff");
        assert_eq!(
            header("cache-control"),
            "public, max-age=31536000, immutable"
        );
        let etag = header("etag");
        assert!(
            etag.starts_with('"') && !etag.starts_with("W/"),
            "a strong ETag: {etag}"
        );
        let bytes = response.bytes().await.unwrap_or_default();
        let decoded =
            image::load_from_memory(&bytes).unwrap_or_else(|error| panic!("{url}: {error}"));
        assert_eq!(
            i64::from(decoded.width()),
            rendition["width"].as_i64().unwrap_or_default()
        );
        assert_eq!(
            i64::from(decoded.height()),
            rendition["height"].as_i64().unwrap_or_default()
        );
        assert_eq!(private_metadata_in(&bytes), Vec::<String>::new(), "{url}");
        let revalidated = app
            .client
            .get(app.url(url))
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(revalidated.status(), 304);
    }
    // url(width) snaps to the narrowest rendition at least as wide as the slot.
    let id = photo["id"].clone();
    let data = app
        .data(
            "query($id: ID!) { photo(id: $id) { small: url(width: 100) big: url(width: 5000, format: JPEG) widest: url originalUrl } }",
            json!({"id": id}),
        )
        .await;
    assert!(
        data["photo"]["small"]
            .as_str()
            .unwrap_or_default()
            .ends_with("/320.webp")
    );
    assert!(
        data["photo"]["big"]
            .as_str()
            .unwrap_or_default()
            .ends_with("/500.jpg")
    );
    assert!(
        data["photo"]["widest"]
            .as_str()
            .unwrap_or_default()
            .ends_with("/500.webp")
    );
    assert_eq!(
        data["photo"]["originalUrl"],
        Value::Null,
        "readers never see the original"
    );
}

async fn authors_upload_and_readers_may_not(app: TestApp) {
    let author = app.login_as("Adam Autor", Role::Author).await;
    app.upload_fixture(&author, "real/node-exif--iphone4s-gps.jpg", json!({}))
        .await;
    let anonymous = app
        .upload_photo(
            None,
            fixture("real/node-exif--iphone4s-gps.jpg"),
            "car.jpg",
            json!({}),
        )
        .await;
    assert_eq!(first_error_code(&anonymous), "UNAUTHENTICATED");
}

/// Every photo with GPS, an owner's e-mail, XMP, IPTC or comments: none of it in any
/// public file (renditions and the inline placeholder), whatever the container.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_metadata_never_reaches_a_public_file() {
    let app = TestApp::spawn_sqlite().await;
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    for path in [
        "hostile/gen-private-metadata-everywhere.jpg",
        "hostile/gen-gps-only-in-xmp.jpg",
        "hostile/goexif--htc-gps-as-string.jpg",
        "hostile/pillow--exif-gps-typeerror.jpg",
        "hostile/pillow--xiaomi-orientation6-empty-gps-ifd.jpg",
        "hostile/gen-polyglot-jpeg-zip.jpg",
        "real/gowebp--pentax-k3ii-artist-email.jpg",
        "real/jpeg-decoder--tower-progressive-gps.jpg",
        "real/goexif--iphone4s-orientation6-gps.jpg",
        "real/pillow--hopper-orientation6.webp",
        "real/kamadak-exif--exif.png",
    ] {
        let photo = app.upload_fixture(&editor, path, json!({})).await;
        let credit = photo["credit"].as_str().unwrap_or_default();
        assert!(!credit.contains('@'), "{path}: credit {credit}");
        let placeholder = photo["placeholder"].as_str().unwrap_or_default();
        let inline = base64_decode(placeholder.trim_start_matches("data:image/jpeg;base64,"));
        assert_eq!(
            private_metadata_in(&inline),
            Vec::<String>::new(),
            "{path} placeholder"
        );
        for rendition in photo["renditions"].as_array().cloned().unwrap_or_default() {
            let url = rendition["url"].as_str().unwrap_or_default();
            let bytes = app.media_bytes(url).await;
            assert_eq!(
                private_metadata_in(&bytes),
                Vec::<String>::new(),
                "{path}: {url}"
            );
            assert!(
                !bytes.windows(4).any(|window| window == b"PK\x03\x04"),
                "{path}: the polyglot's archive survived"
            );
        }
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap_or_else(|error| panic!("{error}"))
}

/// All eight EXIF orientations of the same "F" come out as the upright one, 50×70.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exif_orientation_is_applied_in_all_eight_cases() {
    let app = TestApp::spawn_sqlite().await;
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let mut upright: Option<image::RgbImage> = None;
    for orientation in 1..=8 {
        let path = format!("real/imaging--orientation_{orientation}.jpg");
        let photo = app.upload_fixture(&editor, &path, json!({})).await;
        assert_eq!(
            (photo["width"].clone(), photo["height"].clone()),
            (json!(50), json!(70)),
            "{path}"
        );
        let url = photo["renditions"][1]["url"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(url.ends_with("/50.jpg"), "{url}");
        let pixels = image::load_from_memory(&app.media_bytes(&url).await)
            .unwrap_or_else(|error| panic!("{error}"))
            .to_rgb8();
        match &upright {
            None => upright = Some(pixels),
            Some(reference) => {
                let difference: u64 = reference
                    .as_raw()
                    .iter()
                    .zip(pixels.as_raw())
                    .map(|(a, b)| u64::from(a.abs_diff(*b)))
                    .sum();
                let mean = difference as f64 / reference.as_raw().len() as f64;
                assert!(
                    mean < 8.0,
                    "{path} differs from orientation 1 by {mean} on average"
                );
            }
        }
    }
    // A phone photo stored sideways (orientation 6) and a camera's orientation 8.
    let phone = app
        .upload_fixture(
            &editor,
            "real/goexif--iphone4s-orientation6-gps.jpg",
            json!({}),
        )
        .await;
    assert_eq!(
        (phone["width"].clone(), phone["height"].clone()),
        (json!(102), json!(205))
    );
    let right = app
        .upload_fixture(
            &editor,
            "real/node-exif--orientation-8-right.jpg",
            json!({}),
        )
        .await;
    assert_eq!(
        (right["width"].clone(), right["height"].clone()),
        (json!(480), json!(640))
    );
    // Invalid or conflicting orientation values are read as upright or as the first.
    let invalid = app
        .upload_fixture(&editor, "hostile/gen-orientation-9-invalid.jpg", json!({}))
        .await;
    assert_eq!(
        (invalid["width"].clone(), invalid["height"].clone()),
        (json!(70), json!(50))
    );
    app.upload_fixture(
        &editor,
        "hostile/gen-orientation-conflicting-two-exif.jpg",
        json!({}),
    )
    .await;
}

/// `takenAt` from EXIF, and a credit from the file only when it is a name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn taken_at_and_credit_come_from_the_file() {
    let app = TestApp::spawn_sqlite().await;
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let nikon = app
        .upload_fixture(&editor, "real/goexif--nikon-d2h-gps.jpg", json!({}))
        .await;
    assert!(
        nikon["takenAt"]
            .as_str()
            .is_some_and(|taken| taken.starts_with("20")),
        "{nikon:#}"
    );
    // The camera's owner stored their e-mail address as the artist: not a credit.
    let pentax = app
        .upload_fixture(
            &editor,
            "real/gowebp--pentax-k3ii-artist-email.jpg",
            json!({}),
        )
        .await;
    assert_eq!(pentax["credit"], "");
    // A credit the editor gives wins over the file's.
    let given = app
        .upload_fixture(
            &editor,
            "real/gowebp--pentax-k3ii-artist-email.jpg",
            json!({"credit": "Bjørn"}),
        )
        .await;
    assert_eq!(given["credit"], "Bjørn");
}
