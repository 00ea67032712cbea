//! Plain text and CSV. Old Polish files are often in Windows-1250 or ISO-8859-2; the
//! encoding is guessed (chardetng, as Firefox does) and the text stored as UTF-8, so
//! that every reader sees the letters right.

use super::detect::markup_kind;
use super::{AttachmentError, AttachmentFormat, ExtractedText, Inspection, Limits};

pub(super) fn inspect(bytes: &[u8], limits: &Limits) -> Result<Inspection, AttachmentError> {
    if let Some(markup) = markup_kind(bytes) {
        return Err(AttachmentError::unsupported(format!(
            "{markup} is not accepted as an attachment"
        )));
    }
    let text = decode(bytes)?;
    let format = if looks_like_csv(&text) {
        AttachmentFormat::Csv
    } else {
        AttachmentFormat::Txt
    };
    let utf8 = text.as_bytes();
    let stored = (utf8 != bytes).then(|| utf8.to_vec());
    Ok(Inspection {
        format,
        pages: None,
        metadata: Vec::new(),
        metadata_removable: false,
        text: ExtractedText::from_text(text.replace(';', " ; "), limits),
        stored_bytes: stored,
    })
}

/// The text, from UTF-8 (with or without a byte order mark) or the most likely legacy
/// encoding; refused when it holds control characters no text file has.
fn decode(bytes: &[u8]) -> Result<String, AttachmentError> {
    let body = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let text = match std::str::from_utf8(body) {
        Ok(text) => text.to_owned(),
        Err(_) => {
            let mut detector =
                chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
            detector.feed(body, true);
            let encoding = detector.guess(Some(b"pl"), chardetng::Utf8Detection::Allow);
            let (decoded, _) = encoding.decode_without_bom_handling(body);
            decoded.into_owned()
        }
    };
    let binary = text.chars().any(|character| {
        character.is_control() && !matches!(character, '\n' | '\r' | '\t' | '\u{c}')
    });
    if binary {
        return Err(AttachmentError::unsupported(
            "the file is neither text nor an accepted document (it holds binary data)",
        ));
    }
    Ok(text)
}

/// CSV: at least two lines, and the same number (at least one) of semicolons or tabs
/// on every line, or of commas when there are no semicolons or tabs at all.
fn looks_like_csv(text: &str) -> bool {
    let lines: Vec<&str> = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .take(100)
        .collect();
    if lines.len() < 2 {
        return false;
    }
    [';', '\t', ','].into_iter().any(|separator| {
        let count = |line: &str| unquoted_count(line, separator);
        let first = count(lines[0]);
        first > 0 && lines.iter().all(|line| count(line) == first)
    })
}

fn unquoted_count(line: &str, separator: char) -> usize {
    let mut quoted = false;
    let mut count = 0;
    for character in line.chars() {
        if character == '"' {
            quoted = !quoted;
        } else if character == separator && !quoted {
            count += 1;
        }
    }
    count
}
