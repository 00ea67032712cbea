//! RTF: its text and its `\info` fields, read by a small tokenizer of the format's
//! control words. (No maintained RTF crate handles both Polish code pages and `\u`
//! escapes; the format is simple enough to read here.) Embedded OLE objects, the way
//! RTF carries exploits, are refused.

use encoding_rs::{Encoding, WINDOWS_1250};

use super::metadata::MetadataField;
use super::{AttachmentError, AttachmentFormat, ExtractedText, Inspection, Limits};

/// Destinations whose content is not text a reader sees.
const HIDDEN_DESTINATIONS: [&str; 17] = [
    "fonttbl",
    "colortbl",
    "stylesheet",
    "pict",
    "themedata",
    "colorschememapping",
    "latentstyles",
    "datastore",
    "xmlnstbl",
    "listtable",
    "listoverridetable",
    "rsidtbl",
    "generator",
    "mmathPr",
    "filetbl",
    "revtbl",
    "bkmkstart",
];

/// Fields of `\info` that say who made the document.
const INFO_FIELDS: [&str; 5] = ["author", "operator", "company", "manager", "title"];

#[derive(Clone, Default)]
struct Group {
    hidden: bool,
    in_info: bool,
    /// The `\info` field this group's text belongs to.
    field: Option<&'static str>,
    /// Characters to skip after a `\u` escape.
    unicode_skip: usize,
}

pub(super) fn inspect(bytes: &[u8], limits: &Limits) -> Result<Inspection, AttachmentError> {
    let read = read(bytes)?;
    Ok(Inspection {
        format: AttachmentFormat::Rtf,
        pages: None,
        metadata: read.metadata,
        metadata_removable: false,
        text: ExtractedText::from_text(read.text, limits),
        stored_bytes: None,
    })
}

struct Read {
    text: String,
    metadata: Vec<MetadataField>,
}

fn read(bytes: &[u8]) -> Result<Read, AttachmentError> {
    let mut encoding: &'static Encoding = WINDOWS_1250;
    let mut text = String::new();
    let mut fields: Vec<(&'static str, String)> = Vec::new();
    let mut stack: Vec<Group> = vec![Group::default()];
    // Bytes of `\'hh` escapes waiting to be decoded together (a multi-byte code page).
    let mut pending: Vec<u8> = Vec::new();
    let mut skip_chars = 0_usize;
    let mut index = 0;
    let emit = |stack: &[Group],
                text: &mut String,
                fields: &mut Vec<(&'static str, String)>,
                piece: &str| {
        let group = stack.last().cloned().unwrap_or_default();
        if group.hidden {
            return;
        }
        if let Some(field) = group.field {
            match fields.last_mut() {
                Some((name, value)) if *name == field => value.push_str(piece),
                _ => fields.push((field, piece.to_owned())),
            }
        } else if !group.in_info {
            text.push_str(piece);
        }
    };
    while index < bytes.len() {
        let byte = bytes[index];
        if byte != b'\\' || bytes.get(index + 1) != Some(&b'\'') {
            flush(
                &mut pending,
                encoding,
                &stack,
                &mut text,
                &mut fields,
                &emit,
            );
        }
        match byte {
            b'{' => {
                let parent = stack.last().cloned().unwrap_or_default();
                stack.push(Group {
                    field: None,
                    ..parent
                });
                if stack.len() > 1_000 {
                    return Err(AttachmentError::unreadable(
                        "the RTF nests groups too deeply",
                    ));
                }
                index += 1;
            }
            b'}' => {
                if stack.len() > 1 {
                    stack.pop();
                }
                index += 1;
            }
            b'\\' => {
                let Some(&next) = bytes.get(index + 1) else {
                    break;
                };
                if next == b'\'' {
                    let hex = bytes.get(index + 2..index + 4).unwrap_or_default();
                    if let Ok(value) = u8::from_str_radix(&String::from_utf8_lossy(hex), 16) {
                        if skip_chars > 0 {
                            skip_chars -= 1;
                        } else {
                            pending.push(value);
                        }
                    }
                    index += 4;
                    continue;
                }
                if !next.is_ascii_alphabetic() {
                    index += 2;
                    let literal = match next {
                        b'\\' => "\\",
                        b'{' => "{",
                        b'}' => "}",
                        b'~' => " ",
                        b'_' => "-",
                        b'*' => {
                            if let Some(group) = stack.last_mut() {
                                group.hidden = true;
                            }
                            continue;
                        }
                        b'\n' | b'\r' => "\n",
                        _ => continue,
                    };
                    emit(&stack, &mut text, &mut fields, literal);
                    continue;
                }
                let word_start = index + 1;
                let mut end = word_start;
                while end < bytes.len() && bytes[end].is_ascii_alphabetic() && end - word_start < 32
                {
                    end += 1;
                }
                let word = String::from_utf8_lossy(&bytes[word_start..end]).into_owned();
                let number_start = end;
                if end < bytes.len() && bytes[end] == b'-' {
                    end += 1;
                }
                while end < bytes.len() && bytes[end].is_ascii_digit() && end - number_start < 11 {
                    end += 1;
                }
                let parameter: Option<i64> = String::from_utf8_lossy(&bytes[number_start..end])
                    .parse()
                    .ok();
                if end < bytes.len() && bytes[end] == b' ' {
                    end += 1;
                }
                index = end;
                match word.as_str() {
                    "object" | "objdata" | "objemb" | "objlink" => {
                        return Err(AttachmentError::unsupported(
                            "an RTF with an embedded object (OLE) is not accepted; save it \
                             again without embedded objects, or as PDF",
                        ));
                    }
                    "ansicpg" => {
                        let label = format!("windows-{}", parameter.unwrap_or(1250));
                        encoding = Encoding::for_label(label.as_bytes()).unwrap_or(WINDOWS_1250);
                    }
                    "uc" => {
                        if let Some(group) = stack.last_mut() {
                            group.unicode_skip =
                                usize::try_from(parameter.unwrap_or(1)).unwrap_or(1);
                        }
                    }
                    "u" => {
                        let code = parameter.unwrap_or(0);
                        let code = if code < 0 { code + 65_536 } else { code };
                        if let Some(character) = u32::try_from(code).ok().and_then(char::from_u32) {
                            emit(&stack, &mut text, &mut fields, &character.to_string());
                        }
                        skip_chars = stack.last().map_or(1, |group| group.unicode_skip.max(1));
                        continue;
                    }
                    "par" | "line" | "sect" | "page" | "row" => {
                        emit(&stack, &mut text, &mut fields, "\n");
                    }
                    "tab" | "cell" => emit(&stack, &mut text, &mut fields, "\t"),
                    "info" => {
                        if let Some(group) = stack.last_mut() {
                            group.in_info = true;
                        }
                    }
                    word if HIDDEN_DESTINATIONS.contains(&word) => {
                        if let Some(group) = stack.last_mut() {
                            group.hidden = true;
                        }
                    }
                    word => {
                        if let Some(field) = INFO_FIELDS.iter().find(|field| **field == word)
                            && let Some(group) = stack.last_mut()
                            && group.in_info
                        {
                            group.field = Some(field);
                        }
                    }
                }
                skip_chars = 0;
            }
            b'\r' | b'\n' => index += 1,
            _ => {
                let run_end = bytes[index..]
                    .iter()
                    .position(|byte| matches!(byte, b'{' | b'}' | b'\\' | b'\r' | b'\n'))
                    .map_or(bytes.len(), |offset| index + offset);
                let mut run = &bytes[index..run_end];
                while skip_chars > 0 && !run.is_empty() {
                    run = &run[1..];
                    skip_chars -= 1;
                }
                let (decoded, _, _) = encoding.decode(run);
                emit(&stack, &mut text, &mut fields, &decoded);
                index = run_end;
            }
        }
    }
    flush(
        &mut pending,
        encoding,
        &stack,
        &mut text,
        &mut fields,
        &emit,
    );
    Ok(Read {
        text,
        metadata: fields
            .into_iter()
            .filter(|(_, value)| !value.trim().is_empty())
            .map(|(name, value)| MetadataField {
                name: name.to_owned(),
                value: value.trim().to_owned(),
            })
            .collect(),
    })
}

type Emit = dyn Fn(&[Group], &mut String, &mut Vec<(&'static str, String)>, &str);

fn flush(
    pending: &mut Vec<u8>,
    encoding: &'static Encoding,
    stack: &[Group],
    text: &mut String,
    fields: &mut Vec<(&'static str, String)>,
    emit: &Emit,
) {
    if pending.is_empty() {
        return;
    }
    let (decoded, _, _) = encoding.decode(pending);
    emit(stack, text, fields, &decoded);
    pending.clear();
}
