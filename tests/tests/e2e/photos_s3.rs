//! The S3 storage backend against a real S3-compatible server on loopback (moto, which
//! `.ci/run` starts and names in `TEST_S3_ENDPOINT`): upload, serve, delete, for photos
//! and for attachments (whose files are streamed, whole or in ranges).

use kronika_api::config::{S3Config, Secret, StorageConfig};
use kronika_core::domain::Role;
use kronika_core::storage::{ContentHash, MediaKey, MediaStore};
use kronika_tests::attachments::attachment_fixture;
use kronika_tests::{Backend, Service, TestApp, skip};
use serde_json::json;

/// A server on SQLite whose media live in a new bucket of the S3 server of
/// `TEST_S3_ENDPOINT`, and a view of that bucket; `None` (SKIPPED) without one.
async fn app_on_a_new_bucket() -> Option<(TestApp, MediaStore)> {
    let Ok(endpoint) = std::env::var("TEST_S3_ENDPOINT") else {
        skip(Service::S3, "TEST_S3_ENDPOINT is not set");
        return None;
    };
    let endpoint = endpoint.trim_end_matches('/').to_owned();
    let bucket = format!("kronika-test-{}", uuid::Uuid::new_v4().simple());
    let client = reqwest::Client::new();
    let created = client
        .put(format!("{endpoint}/{bucket}"))
        .send()
        .await
        .unwrap_or_else(|error| panic!("cannot reach {endpoint}: {error}"));
    assert!(
        created.status().is_success(),
        "creating the bucket: {}",
        created.status()
    );
    let s3 = S3Config {
        bucket: bucket.clone(),
        endpoint: Some(endpoint.clone()),
        region: "us-east-1".to_owned(),
        access_key_id: Some("testing".to_owned()),
        secret_access_key: Some(Secret::new("testing")),
        allow_http: true,
    };
    let bucket_view = MediaStore::s3(&s3).unwrap_or_else(|error| panic!("{error}"));
    let storage = StorageConfig::S3(s3);
    let app = TestApp::spawn_with(Backend::Sqlite, |config| config.storage = storage)
        .await
        .unwrap_or_else(|| panic!("SQLite is always available"));
    Some((app, bucket_view))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photos_live_in_an_s3_bucket() {
    let Some((app, bucket_view)) = app_on_a_new_bucket().await else {
        return;
    };
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let photo = app
        .upload_fixture(
            &editor,
            "real/goexif--nikon-d2h-gps.jpg",
            json!({"caption": "w chmurze"}),
        )
        .await;
    for rendition in photo["renditions"].as_array().cloned().unwrap_or_default() {
        let url = rendition["url"].as_str().unwrap_or_default();
        let bytes = app.media_bytes_as(&editor, url).await;
        image::load_from_memory(&bytes).unwrap_or_else(|error| panic!("{url}: {error}"));
    }
    // The bucket really holds the files, and the local data directory none.
    let original = photo["originalUrl"].as_str().unwrap_or_default();
    let hash = original.rsplit('/').next().unwrap_or_default();
    let key = MediaKey::Original {
        hash: ContentHash::parse(hash).unwrap_or_else(|| panic!("a hash: {original}")),
    };
    assert!(
        bucket_view
            .exists(&key)
            .await
            .unwrap_or_else(|error| panic!("{error}"))
    );
    assert!(!app.app.config().data_dir.join("media").exists());
    app.data_as(
        &editor,
        "mutation($id: ID!) { deletePhoto(id: $id) { deletedPhotoId } }",
        json!({"id": photo["id"]}),
    )
    .await;
    assert!(
        !bucket_view
            .exists(&key)
            .await
            .unwrap_or_else(|error| panic!("{error}")),
        "deleting the photo deletes its objects"
    );
    let url = photo["renditions"][0]["url"].as_str().unwrap_or_default();
    assert_eq!(app.get_as(&editor, url).await.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachments_live_in_an_s3_bucket_and_are_streamed_in_ranges() {
    let Some((app, bucket_view)) = app_on_a_new_bucket().await else {
        return;
    };
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let bytes = attachment_fixture("real/regulamin-naboru.pdf");
    let attachment = app
        .upload_attachment_fixture(
            &editor,
            "real/regulamin-naboru.pdf",
            json!({"title": "Regulamin"}),
        )
        .await;
    let url = attachment["url"].as_str().unwrap_or_default();
    let whole = app.get_as(&editor, url).await;
    assert_eq!(whole.status(), 200);
    assert_eq!(
        whole.bytes().await.unwrap_or_default().to_vec(),
        bytes,
        "the whole file from the bucket"
    );
    let part = app
        .client
        .get(app.url(url))
        .bearer_auth(&editor.token)
        .header("range", "bytes=-100")
        .send()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(part.status(), 206);
    assert_eq!(
        part.bytes().await.unwrap_or_default().to_vec(),
        bytes[bytes.len() - 100..],
        "the last 100 bytes"
    );
    let hash = url.split('/').nth(3).unwrap_or_default();
    let key = MediaKey::Attachment {
        hash: ContentHash::parse(hash).unwrap_or_else(|| panic!("a hash: {url}")),
    };
    assert!(
        bucket_view
            .exists(&key)
            .await
            .unwrap_or_else(|error| panic!("{error}"))
    );
    app.data_as(
        &editor,
        "mutation($id: ID!) { deleteAttachment(id: $id) { deletedAttachmentId } }",
        json!({"id": attachment["id"]}),
    )
    .await;
    assert!(
        !bucket_view
            .exists(&key)
            .await
            .unwrap_or_else(|error| panic!("{error}")),
        "deleting the attachment deletes its object"
    );
}
