//! Uploading attachments the way a client does (the GraphQL multipart request), and
//! looking at what the server stored.

use std::path::{Path, PathBuf};

use reqwest::multipart::Part;
use serde_json::{Value, json};

use crate::{Session, TestApp};

/// The attachment fields the attachment tests read back.
pub const ATTACHMENT_FIELDS: &str = "id title description language fileName url format mediaType sizeBytes size pages metadata { name value } metadataRemoved textStatus textProblem";

/// The bytes of `tests/fixtures/attachments/<path>`.
pub fn attachment_fixture(path: &str) -> Vec<u8> {
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/attachments")
        .join(path);
    std::fs::read(&full).unwrap_or_else(|error| panic!("{}: {error}", full.display()))
}

impl TestApp {
    /// Sends `uploadAttachment` as a multipart request; `arguments` add or replace
    /// variables (`title`, `description`, `language`, `removeMetadata`).
    pub async fn upload_attachment_response(
        &self,
        session: Option<&Session>,
        bytes: Vec<u8>,
        file_name: &str,
        arguments: Value,
    ) -> reqwest::Response {
        let query = format!(
            "mutation($file: Upload!, $title: String!, $description: String, $language: String, \
             $removeMetadata: Boolean = false) {{ uploadAttachment(file: $file, title: $title, \
             description: $description, language: $language, removeMetadata: $removeMetadata) \
             {{ attachment {{ {ATTACHMENT_FIELDS} }} }} }}"
        );
        self.upload_response(
            session,
            &query,
            json!({"file": null, "title": "Załącznik"}),
            arguments,
            Part::bytes(bytes).file_name(file_name.to_owned()),
            "application/pdf",
        )
        .await
    }

    /// `uploadAttachment`'s JSON answer.
    pub async fn upload_attachment(
        &self,
        session: &Session,
        bytes: Vec<u8>,
        file_name: &str,
        arguments: Value,
    ) -> Value {
        self.upload_attachment_response(Some(session), bytes, file_name, arguments)
            .await
            .json()
            .await
            .unwrap_or_else(|error| panic!("uploadAttachment answered no JSON: {error}"))
    }

    /// Uploads a fixture that must be accepted, and returns the `attachment`.
    pub async fn upload_attachment_fixture(
        &self,
        session: &Session,
        path: &str,
        arguments: Value,
    ) -> Value {
        let file_name = path.rsplit('/').next().unwrap_or(path);
        let response = self
            .upload_attachment(session, attachment_fixture(path), file_name, arguments)
            .await;
        assert!(
            response.get("errors").is_none(),
            "{path} was refused: {response:#}"
        );
        response["data"]["uploadAttachment"]["attachment"].clone()
    }

    /// The files stored for attachments, in the local media directory.
    pub fn attachment_files(&self) -> Vec<PathBuf> {
        files_under(&self.data_dir().join("media/attachments"))
    }
}

fn files_under(directory: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(directory) else {
        return Vec::new();
    };
    let mut files = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files.sort();
    files
}
