//! Uploading photos the way a client does (the GraphQL multipart request), fetching
//! their files, and checking those files for leftover private metadata.

use std::path::PathBuf;

use chrono::Utc;
use entities::{article, gallery, gallery_photo};
use kronika_core::domain::Slug;
use reqwest::multipart::{Form, Part};
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{Value, json};

use crate::{Session, TestApp};

/// The photo fields the photo tests read back.
pub const PHOTO_FIELDS: &str = "id caption credit alt width height aspectRatio takenAt placeholder blurhash dominantColor url srcset jpegSrcset: srcset(format: JPEG) originalUrl renditions { width height format url }";

/// The bytes of `tests/fixtures/images/<path>`.
pub fn fixture(path: &str) -> Vec<u8> {
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/images")
        .join(path);
    std::fs::read(&full).unwrap_or_else(|error| panic!("{}: {error}", full.display()))
}

impl TestApp {
    /// Sends `uploadPhoto` as a multipart request (the spec Apollo, urql and curl
    /// speak) with `bytes` as the file, and returns the whole response body.
    pub async fn upload_photo(
        &self,
        session: Option<&Session>,
        bytes: Vec<u8>,
        file_name: &str,
        arguments: Value,
    ) -> Value {
        let response = self
            .upload_photo_response(session, bytes, file_name, arguments)
            .await;
        response
            .json()
            .await
            .unwrap_or_else(|error| panic!("the upload did not answer JSON: {error}"))
    }

    pub async fn upload_photo_response(
        &self,
        session: Option<&Session>,
        bytes: Vec<u8>,
        file_name: &str,
        arguments: Value,
    ) -> reqwest::Response {
        let query = format!(
            "mutation($file: Upload!, $caption: String, $credit: String, $alt: String) {{ \
             uploadPhoto(file: $file, caption: $caption, credit: $credit, alt: $alt) {{ photo {{ {PHOTO_FIELDS} }} }} }}"
        );
        self.upload_response(
            session,
            &query,
            json!({"file": null}),
            arguments,
            Part::bytes(bytes).file_name(file_name.to_owned()),
            "image/jpeg",
        )
        .await
    }

    /// Sends an upload mutation as a multipart request: `query` with `defaults`, overridden
    /// by `arguments`, and `file` as `$file`, declared as `declared_type` (clients declare
    /// whatever they like; the server must not believe it).
    pub async fn upload_response(
        &self,
        session: Option<&Session>,
        query: &str,
        defaults: Value,
        arguments: Value,
        file: Part,
        declared_type: &str,
    ) -> reqwest::Response {
        let mut variables = defaults;
        if let (Some(variables), Some(arguments)) =
            (variables.as_object_mut(), arguments.as_object())
        {
            variables.extend(arguments.clone());
        }
        let operations = json!({"query": query, "variables": variables});
        let form = Form::new()
            .text("operations", operations.to_string())
            .text("map", json!({"0": ["variables.file"]}).to_string())
            .part(
                "0",
                file.mime_str(declared_type)
                    .unwrap_or_else(|error| panic!("{error}")),
            );
        let mut request = self.client.post(self.url("/graphql")).multipart(form);
        if let Some(session) = session {
            request = request.bearer_auth(&session.token);
        }
        request
            .send()
            .await
            .unwrap_or_else(|error| panic!("POST /graphql failed: {error}"))
    }

    /// Uploads a fixture that must be accepted, and returns the `photo`.
    pub async fn upload_fixture(&self, session: &Session, path: &str, arguments: Value) -> Value {
        let response = self
            .upload_photo(Some(session), fixture(path), path, arguments)
            .await;
        assert!(
            response.get("errors").is_none(),
            "{path} was refused: {response:#}"
        );
        response["data"]["uploadPhoto"]["photo"].clone()
    }

    /// GETs a path of this server (or an absolute URL).
    pub async fn get(&self, path_or_url: &str) -> reqwest::Response {
        let url = if path_or_url.starts_with("http") {
            path_or_url.to_owned()
        } else {
            self.url(path_or_url)
        };
        self.client
            .get(url)
            .send()
            .await
            .unwrap_or_else(|error| panic!("GET {path_or_url} failed: {error}"))
    }

    /// GETs a path of this server with the session's bearer token, as an editors' tool
    /// would fetch a file readers may not see yet.
    pub async fn get_as(&self, session: &Session, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(&session.token)
            .send()
            .await
            .unwrap_or_else(|error| panic!("GET {path} failed: {error}"))
    }

    /// The bytes of a media URL, which must answer 200.
    pub async fn media_bytes(&self, url: &str) -> Vec<u8> {
        let response = self.get(url).await;
        assert_eq!(response.status(), 200, "GET {url}");
        response
            .bytes()
            .await
            .unwrap_or_else(|error| panic!("{error}"))
            .to_vec()
    }

    /// The bytes of a media URL fetched with the session's token, which must answer 200.
    pub async fn media_bytes_as(&self, session: &Session, url: &str) -> Vec<u8> {
        let response = self.get_as(session, url).await;
        assert_eq!(response.status(), 200, "GET {url}");
        response
            .bytes()
            .await
            .unwrap_or_else(|error| panic!("{error}"))
            .to_vec()
    }

    /// Puts photos (as `uploadPhoto` returned them) in a new gallery that a new published
    /// article shows: what makes a photo and its files visible to readers.
    pub async fn publish_photos(&self, photos: &[&Value]) -> article::Model {
        let ids: Vec<i64> = photos
            .iter()
            .map(|photo| {
                photo["id"]
                    .as_str()
                    .and_then(|id| id.parse().ok())
                    .unwrap_or_else(|| panic!("no photo id in {photo}"))
            })
            .collect();
        let numbers: Vec<String> = ids.iter().map(ToString::to_string).collect();
        let name = format!("Zdjęcia {}", numbers.join(" "));
        let slug = Slug::from_title(&name).unwrap_or_else(|error| panic!("{name}: {error}"));
        let now = Utc::now();
        let gallery = gallery::ActiveModel {
            slug: Set(slug.to_string()),
            title: Set(name.clone()),
            description: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(self.db())
        .await
        .unwrap_or_else(|error| panic!("insert gallery: {error}"));
        for (position, photo_id) in (0..).zip(&ids) {
            gallery_photo::ActiveModel {
                gallery_id: Set(gallery.id),
                photo_id: Set(*photo_id),
                position: Set(position),
            }
            .insert(self.db())
            .await
            .unwrap_or_else(|error| panic!("insert gallery photo: {error}"));
        }
        let section = self.section(&name).await;
        let author = self.editor(&name).await;
        self.article(&name, &section, &author)
            .gallery(&gallery)
            .create()
            .await
    }
}

/// The metadata blocks a public file still carries (empty when clean): any JPEG
/// segment but the ones needed to decode (so no EXIF/GPS, XMP, IPTC, ICC or comment),
/// any WebP chunk but image data, and anything `kamadak-exif` can read.
pub fn private_metadata_in(bytes: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    if bytes.starts_with(&[0xFF, 0xD8]) {
        let mut at = 2;
        while let Some(header) = bytes.get(at..at + 4) {
            let marker = header[1];
            if header[0] != 0xFF || marker == 0xDA {
                break;
            }
            // APP0 is JFIF; DQT, SOFn, DHT and DRI describe the pixels.
            let needed = matches!(marker, 0xE0 | 0xDB | 0xC0..=0xCF | 0xDD);
            if !needed {
                found.push(format!("JPEG segment FF{marker:02X}"));
            }
            at += 2 + usize::from(u16::from_be_bytes([header[2], header[3]]));
        }
    } else if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP".as_slice()) {
        let mut at = 12;
        while let Some(header) = bytes.get(at..at + 8) {
            let name = String::from_utf8_lossy(&header[..4]).into_owned();
            if !matches!(name.as_str(), "VP8 " | "VP8L" | "VP8X" | "ALPH") {
                found.push(format!("WebP chunk {name}"));
            }
            let size = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
            at += 8 + size + (size & 1);
        }
    } else {
        found.push("not a JPEG or WebP file".to_owned());
    }
    if exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(bytes))
        .is_ok()
    {
        found.push("readable EXIF".to_owned());
    }
    found
}
