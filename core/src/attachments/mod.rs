//! Attachments ("załączniki"): documents published with articles.
//!
//! An upload is judged by its bytes alone (`detect`), never by its name or the type the
//! client claims. What passes is read once, here, before anything is stored: its
//! structure is checked against the limits (`Limits`), its page count taken, the
//! metadata that would be published with it listed, and its text extracted for search.
//! Containers (every Office and OpenDocument file is a ZIP) are read only through
//! `container`, which counts every byte it inflates, so a zip bomb is stopped while it
//! is being read, whatever its headers claim.

mod container;
mod detect;
mod format;
mod metadata;
mod office;
mod pdf;
mod plain_text;
mod rtf;

use std::time::Duration;

pub use format::{AttachmentFormat, polish_size};
pub use metadata::MetadataField;

/// How much of a file is read before it is refused.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Pages a PDF may have.
    pub max_pages: u32,
    /// Entries a ZIP container may hold.
    pub max_entries: usize,
    /// Bytes all entries of a container may inflate to, together.
    pub max_unpacked_bytes: u64,
    /// How many times larger than its compressed size one entry may inflate (entries
    /// under a mebibyte are not judged: small XML parts compress very well).
    pub max_ratio: u64,
    /// Characters of text kept for search; the rest is cut off.
    pub max_text_chars: usize,
    /// How long extracting a file's text may take before it is kept without text.
    pub text_time: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_pages: 2_000,
            max_entries: 10_000,
            max_unpacked_bytes: 512 * 1024 * 1024,
            max_ratio: 100,
            max_text_chars: 2_000_000,
            text_time: Duration::from_secs(20),
        }
    }
}

/// Why an upload is refused. Each case maps to one client error code.
#[derive(Debug, thiserror::Error)]
pub enum AttachmentError {
    /// Not one of the accepted types, or one of them with something we do not publish
    /// (macros, external references, a second file format hidden inside).
    #[error("{0}")]
    Unsupported(String),
    /// More than the limits allow: pages, entries, inflated bytes.
    #[error("{0}")]
    TooLarge(String),
    /// An accepted type that cannot be read: damaged, truncated, encrypted.
    #[error("{0}")]
    Unreadable(String),
}

impl AttachmentError {
    fn unsupported(message: impl Into<String>) -> Self {
        Self::Unsupported(message.into())
    }

    fn too_large(message: impl Into<String>) -> Self {
        Self::TooLarge(message.into())
    }

    fn unreadable(message: impl Into<String>) -> Self {
        Self::Unreadable(message.into())
    }
}

/// The text of a document for search, or why there is none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExtractedText {
    Text(String),
    None { reason: String },
}

impl ExtractedText {
    fn from_text(text: String, limits: &Limits) -> Self {
        let text = normalise_whitespace(&text);
        if text.is_empty() {
            return Self::None {
                reason: "the file holds no text (a scan or pictures only?)".to_owned(),
            };
        }
        match text.char_indices().nth(limits.max_text_chars) {
            Some((cut, _)) => Self::Text(text[..cut].to_owned()),
            None => Self::Text(text),
        }
    }
}

/// What reading an accepted file found.
#[derive(Clone, Debug)]
pub struct Inspection {
    pub format: AttachmentFormat,
    /// Pages of a PDF; `None` for every other format.
    pub pages: Option<u32>,
    /// What the file says about who made it, as it would be published.
    pub metadata: Vec<MetadataField>,
    /// Whether `remove_metadata` can take that out without breaking the file.
    pub metadata_removable: bool,
    pub text: ExtractedText,
    /// The bytes to store instead of the upload's: text in a legacy encoding, re-encoded
    /// as UTF-8. `None` stores the upload as it came.
    pub stored_bytes: Option<Vec<u8>>,
}

/// Judges a file by its bytes and reads it: refused, or accepted with what it holds.
/// Synchronous and CPU-bound: run it on a blocking thread.
pub fn inspect(bytes: &[u8], limits: &Limits) -> Result<Inspection, AttachmentError> {
    match detect::sniff(bytes)? {
        detect::Sniffed::Pdf => pdf::inspect(bytes, limits),
        detect::Sniffed::Zip => office::inspect(bytes, limits),
        detect::Sniffed::Rtf => rtf::inspect(bytes, limits),
        detect::Sniffed::Text => plain_text::inspect(bytes, limits),
    }
}

/// The file without the metadata `inspect` listed, when that can be done without
/// breaking it; `None` when it cannot (a signed PDF, a format without such metadata).
pub fn remove_metadata(
    bytes: &[u8],
    format: AttachmentFormat,
    limits: &Limits,
) -> Result<Option<Vec<u8>>, AttachmentError> {
    match format {
        AttachmentFormat::Pdf => pdf::remove_metadata(bytes),
        format if format.is_office() => office::remove_metadata(bytes, limits).map(Some),
        _ => Ok(None),
    }
}

/// One space between words, one line break between paragraphs, no blank runs.
fn normalise_whitespace(text: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if !words.is_empty() {
            lines.push(words.join(" "));
        }
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests;
