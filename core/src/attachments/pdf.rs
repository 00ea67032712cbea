//! PDF files, read with lopdf: structure, pages, scripts, metadata and text.

use lopdf::xref::XrefRecovery;
use lopdf::{Dictionary, Document, Object};

use super::detect::{find, markup_kind};
use super::metadata::MetadataField;
use super::{AttachmentError, AttachmentFormat, ExtractedText, Inspection, Limits};

/// The Info dictionary's fields that say who made a document and with what.
const INFO_FIELDS: [&str; 6] = [
    "Author", "Creator", "Producer", "Title", "Subject", "Keywords",
];

/// Bytes one page's content may inflate to while its text is read.
const MAX_PAGE_CONTENT_BYTES: usize = 32 * 1024 * 1024;

fn load(bytes: &[u8]) -> Result<Document, AttachmentError> {
    refuse_polyglot(bytes)?;
    let document = Document::load_mem(bytes).map_err(|_| {
        if find(bytes, b"/Encrypt").is_some() {
            encrypted()
        } else {
            AttachmentError::unreadable("the PDF is damaged and cannot be read")
        }
    })?;
    if document.trailer.get(b"Encrypt").is_ok() {
        return Err(encrypted());
    }
    if document.xref_recovery == Some(XrefRecovery::Reconstructed) {
        return Err(AttachmentError::unreadable(
            "the PDF is damaged (truncated or its index of objects is broken); export it again",
        ));
    }
    Ok(document)
}

fn encrypted() -> AttachmentError {
    AttachmentError::unreadable(
        "the PDF is encrypted (password or restrictions); save it again without protection",
    )
}

/// A PDF that is also a ZIP archive or an HTML page, depending on who reads it.
fn refuse_polyglot(bytes: &[u8]) -> Result<(), AttachmentError> {
    let head = &bytes[..bytes.len().min(1024)];
    let lower = head.to_ascii_lowercase();
    let html = [
        &b"<html"[..],
        b"<script",
        b"<svg",
        b"<!doctype",
        b"<iframe",
        b"<body",
    ]
    .iter()
    .any(|tag| find(&lower, tag).is_some());
    if html || markup_kind(head).is_some() {
        return Err(AttachmentError::unsupported(
            "the PDF also holds an HTML page (a polyglot file)",
        ));
    }
    if zip::ZipArchive::new(std::io::Cursor::new(bytes)).is_ok() {
        return Err(AttachmentError::unsupported(
            "the PDF also holds a ZIP archive (a polyglot file)",
        ));
    }
    Ok(())
}

pub(super) fn inspect(bytes: &[u8], limits: &Limits) -> Result<Inspection, AttachmentError> {
    let document = load(bytes)?;
    let page_numbers: Vec<u32> = document.get_pages().into_keys().collect();
    let pages = u32::try_from(page_numbers.len()).unwrap_or(u32::MAX);
    if pages == 0 {
        return Err(AttachmentError::unreadable("the PDF has no pages"));
    }
    // A page tree that loops, or whose count lies, is damaged: viewers disagree on
    // what such a file shows, and some walk it forever.
    let claimed = declared_page_count(&document);
    if claimed != Some(i64::from(pages)) || !page_tree_is_a_tree(&document) {
        return Err(AttachmentError::unreadable(format!(
            "the PDF's page tree is damaged (it claims {} pages and holds {pages})",
            claimed.map_or_else(|| "no number of".to_owned(), |count| count.to_string())
        )));
    }
    if pages > limits.max_pages {
        return Err(AttachmentError::too_large(format!(
            "the PDF has {pages} pages; at most {} are accepted",
            limits.max_pages
        )));
    }
    if let Some(action) = active_content(&document) {
        return Err(AttachmentError::unsupported(format!(
            "a PDF with {action} is not accepted; save it again without"
        )));
    }
    let metadata = info_fields(&document);
    let signed = is_signed(&document);
    let text = page_text(&document, &page_numbers, limits);
    Ok(Inspection {
        format: AttachmentFormat::Pdf,
        pages: Some(pages),
        metadata_removable: !metadata.is_empty() && !signed,
        metadata,
        text,
        stored_bytes: None,
    })
}

/// The text of every page, read page by page within the time budget: a PDF whose text
/// takes longer is kept without text rather than holding an upload for minutes.
fn page_text(document: &Document, page_numbers: &[u32], limits: &Limits) -> ExtractedText {
    let started = std::time::Instant::now();
    let mut pages = Vec::with_capacity(page_numbers.len());
    let mut any_read = false;
    for page in page_numbers {
        if started.elapsed() > limits.text_time {
            return ExtractedText::None {
                reason: format!(
                    "reading the text took longer than {} s",
                    limits.text_time.as_secs()
                ),
            };
        }
        let chunks = document.extract_text_chunks_with_limit(&[*page], MAX_PAGE_CONTENT_BYTES);
        for text in chunks.into_iter().flatten() {
            any_read = true;
            pages.push(text);
        }
    }
    if !any_read {
        return ExtractedText::None {
            reason: "the text of the PDF cannot be read".to_owned(),
        };
    }
    ExtractedText::from_text(pages.join("\n"), limits)
}

/// The `/Count` at the root of the page tree.
fn declared_page_count(document: &Document) -> Option<i64> {
    let root = document
        .catalog()
        .ok()?
        .get(b"Pages")
        .ok()?
        .as_reference()
        .ok()?;
    document
        .get_dictionary(root)
        .ok()?
        .get(b"Count")
        .ok()?
        .as_i64()
        .ok()
}

/// Whether no node of the page tree is reached twice (a loop, or a shared subtree).
fn page_tree_is_a_tree(document: &Document) -> bool {
    let Some(root) = document
        .catalog()
        .ok()
        .and_then(|catalog| catalog.get(b"Pages").ok())
        .and_then(|pages| pages.as_reference().ok())
    else {
        return false;
    };
    let mut seen = std::collections::HashSet::new();
    let mut waiting = vec![root];
    while let Some(node) = waiting.pop() {
        if !seen.insert(node) {
            return false;
        }
        let kids = document
            .get_dictionary(node)
            .ok()
            .and_then(|dictionary| dictionary.get(b"Kids").ok())
            .and_then(|kids| kids.as_array().ok());
        for kid in kids.into_iter().flatten() {
            if let Ok(id) = kid.as_reference() {
                waiting.push(id);
            }
        }
    }
    true
}

/// Scripts and actions that start programs: what a PDF viewer might run on opening.
fn active_content(document: &Document) -> Option<&'static str> {
    for object in document.objects.values() {
        let dictionary = match object {
            Object::Dictionary(dictionary) => dictionary,
            Object::Stream(stream) => &stream.dict,
            _ => continue,
        };
        if dictionary.has(b"JS") || dictionary.has(b"JavaScript") {
            return Some("JavaScript");
        }
        if let Ok(Object::Name(action)) = dictionary.get(b"S")
            && action == b"Launch"
        {
            return Some("an action that starts a program");
        }
    }
    None
}

/// Whether the file carries a digital signature, which any rewrite would break.
fn is_signed(document: &Document) -> bool {
    document.objects.values().any(|object| match object {
        Object::Dictionary(dictionary) => {
            dictionary.has(b"ByteRange")
                || matches!(dictionary.get(b"Type"), Ok(Object::Name(name)) if name == b"Sig")
        }
        _ => false,
    })
}

fn info_dictionary(document: &Document) -> Option<&Dictionary> {
    match document.trailer.get(b"Info").ok()? {
        Object::Reference(id) => document.get_dictionary(*id).ok(),
        Object::Dictionary(dictionary) => Some(dictionary),
        _ => None,
    }
}

fn info_fields(document: &Document) -> Vec<MetadataField> {
    let mut fields = Vec::new();
    if let Some(info) = info_dictionary(document) {
        for name in INFO_FIELDS {
            let value = info
                .get(name.as_bytes())
                .ok()
                .and_then(|object| lopdf::decode_text_string(object).ok())
                .map(|value| value.trim().to_owned())
                .unwrap_or_default();
            if !value.is_empty() {
                fields.push(MetadataField {
                    name: name.to_owned(),
                    value,
                });
            }
        }
    }
    let has_xmp = document
        .catalog()
        .is_ok_and(|catalog| catalog.has(b"Metadata"));
    if has_xmp {
        fields.push(MetadataField {
            name: "XMP".to_owned(),
            value: "an XMP metadata packet (may repeat the fields above)".to_owned(),
        });
    }
    fields
}

/// The PDF without its Info dictionary and XMP packet; `None` when it is signed (the
/// rewrite would break the signature) or has no such metadata.
pub(super) fn remove_metadata(bytes: &[u8]) -> Result<Option<Vec<u8>>, AttachmentError> {
    let mut document = load(bytes)?;
    if is_signed(&document) || info_fields(&document).is_empty() {
        return Ok(None);
    }
    if let Ok(Object::Reference(id)) = document.trailer.get(b"Info") {
        let id = *id;
        document.objects.remove(&id);
    }
    document.trailer.remove(b"Info");
    if let Ok(catalog) = document.catalog_mut()
        && let Some(Object::Reference(id)) = catalog.remove(b"Metadata")
    {
        document.objects.remove(&id);
    }
    let mut rewritten = Vec::with_capacity(bytes.len());
    document
        .save_to(&mut rewritten)
        .map_err(|_| AttachmentError::unreadable("the PDF could not be rewritten"))?;
    Ok(Some(rewritten))
}
