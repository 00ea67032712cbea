//! What a file is, from its bytes: one of the accepted families, or a refusal that
//! names what was found. The name and the client's type are never consulted.

use super::AttachmentError;

/// The family an accepted file belongs to; each family's reader decides the rest.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Sniffed {
    Pdf,
    /// A ZIP container: Office Open XML, OpenDocument or a plain archive.
    Zip,
    Rtf,
    /// No signature: plain text if it decodes as text.
    Text,
}

/// How far into a file a PDF reader looks for `%PDF-`: Acrobat accepts the header
/// anywhere in the first kilobyte, so a file of another type with `%PDF-` there is
/// also a PDF to some readers.
const PDF_HEADER_WINDOW: usize = 1024;

pub(super) fn sniff(bytes: &[u8]) -> Result<Sniffed, AttachmentError> {
    if bytes.is_empty() {
        return Err(AttachmentError::unreadable("the file is empty"));
    }
    let head = &bytes[..bytes.len().min(PDF_HEADER_WINDOW)];
    if bytes.starts_with(b"%PDF-") {
        return Ok(Sniffed::Pdf);
    }
    if find(head, b"%PDF-").is_some() {
        return Err(AttachmentError::unsupported(
            "the file hides a PDF inside another format (a polyglot file)",
        ));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Ok(Sniffed::Zip);
    }
    if bytes.starts_with(b"{\\rtf") {
        return Ok(Sniffed::Rtf);
    }
    if let Some(refusal) = refused_signature(bytes) {
        return Err(AttachmentError::Unsupported(refusal));
    }
    Ok(Sniffed::Text)
}

/// A refusal naming what the file is, for signatures of types we do not accept.
fn refused_signature(bytes: &[u8]) -> Option<String> {
    let named = |what: &str| Some(format!("{what} is not accepted as an attachment"));
    if bytes.starts_with(b"MZ") {
        return named("a Windows program (EXE/DLL)");
    }
    if bytes.starts_with(b"\x7fELF") {
        return named("a Linux program (ELF)");
    }
    if [
        &b"\xfe\xed\xfa\xce"[..],
        b"\xfe\xed\xfa\xcf",
        b"\xce\xfa\xed\xfe",
        b"\xcf\xfa\xed\xfe",
        b"\xca\xfe\xba\xbe",
    ]
    .iter()
    .any(|magic| bytes.starts_with(magic))
    {
        return named("a macOS program or Java class");
    }
    if bytes.starts_with(b"#!") {
        return named("a script");
    }
    if bytes.starts_with(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") {
        return named(
            "an old Office file (DOC/XLS/PPT) or a password-protected Office file; \
             save it as DOCX, XLSX, PPTX or PDF without a password, and it",
        );
    }
    if let Some(markup) = markup_kind(bytes) {
        return named(markup);
    }
    let kind = infer::get(bytes)?;
    let description = match kind.matcher_type() {
        infer::MatcherType::Image => format!("an image ({})", kind.mime_type()),
        infer::MatcherType::Video => format!("a video ({})", kind.mime_type()),
        infer::MatcherType::Audio => format!("a sound file ({})", kind.mime_type()),
        infer::MatcherType::App => format!("a program ({})", kind.mime_type()),
        infer::MatcherType::Archive => format!("an archive of another kind ({})", kind.mime_type()),
        _ => format!("a file of type {}", kind.mime_type()),
    };
    let hint = if kind.matcher_type() == infer::MatcherType::Image {
        "; upload photos as photos"
    } else {
        ""
    };
    Some(format!(
        "{description} is not accepted as an attachment{hint}"
    ))
}

/// HTML, SVG or other XML, which a browser could run script from.
pub(super) fn markup_kind(bytes: &[u8]) -> Option<&'static str> {
    let start = bytes
        .strip_prefix(b"\xef\xbb\xbf")
        .unwrap_or(bytes)
        .iter()
        .position(|byte| !byte.is_ascii_whitespace())?;
    let head = &bytes[start..bytes.len().min(start + 1024)];
    if !head.starts_with(b"<") {
        return None;
    }
    let lower = head.to_ascii_lowercase();
    if find(&lower, b"<svg").is_some() {
        return Some("an SVG image");
    }
    if [
        &b"<!doctype html"[..],
        b"<html",
        b"<script",
        b"<head",
        b"<body",
        b"<iframe",
    ]
    .iter()
    .any(|tag| find(&lower, tag).is_some())
    {
        return Some("an HTML page");
    }
    if lower.starts_with(b"<?xml") {
        return Some("an XML document");
    }
    None
}

pub(super) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}
