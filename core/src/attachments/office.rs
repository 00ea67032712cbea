//! Office Open XML (DOCX, XLSX, PPTX) and OpenDocument (ODT, ODS, ODP) files, and plain
//! ZIP archives: all ZIP containers, told apart by their parts.

use std::io::{Cursor, Write};

use quick_xml::Reader;
use quick_xml::events::Event;
use zip::ZipWriter;
use zip::write::SimpleFileOptions;

use super::container::Container;
use super::metadata::{self, text_of};
use super::{AttachmentError, AttachmentFormat, ExtractedText, Inspection, Limits};

/// The metadata parts of both families.
const METADATA_PARTS: [&str; 3] = ["docProps/core.xml", "docProps/app.xml", "meta.xml"];

pub(super) fn inspect(bytes: &[u8], limits: &Limits) -> Result<Inspection, AttachmentError> {
    let mut container = Container::open(bytes, limits)?;
    let format = classify(&mut container)?;
    if format == AttachmentFormat::Zip {
        // One level is checked; a ZIP inside a ZIP would be a bomb for whoever unpacks
        // it all (42.zip).
        if container.holds_archive() {
            return Err(AttachmentError::unsupported(
                "an archive that holds other archives is not accepted; pack the files themselves",
            ));
        }
        return Ok(Inspection {
            format,
            pages: None,
            metadata: Vec::new(),
            metadata_removable: false,
            text: ExtractedText::None {
                reason: "the text of archives is not read".to_owned(),
            },
            stored_bytes: None,
        });
    }
    refuse_active_content(&mut container, format)?;
    let mut metadata = Vec::new();
    for part in METADATA_PARTS {
        if let Some(xml) = container.read_text(part)? {
            metadata.extend(metadata::personal_fields(&xml));
        }
    }
    let text = ExtractedText::from_text(document_text(&mut container, format)?, limits);
    Ok(Inspection {
        format,
        pages: None,
        metadata_removable: !metadata.is_empty(),
        metadata,
        text,
        stored_bytes: None,
    })
}

/// Which kind of container this is, from its parts.
fn classify(container: &mut Container<'_>) -> Result<AttachmentFormat, AttachmentError> {
    // OpenDocument: the first entry is `mimetype`, stored, naming the kind.
    if container.names().first().map(String::as_str) == Some("mimetype") {
        let mimetype = container.read_text("mimetype")?.unwrap_or_default();
        let mimetype = mimetype.trim();
        let format = match mimetype {
            "application/vnd.oasis.opendocument.text" => AttachmentFormat::Odt,
            "application/vnd.oasis.opendocument.spreadsheet" => AttachmentFormat::Ods,
            "application/vnd.oasis.opendocument.presentation" => AttachmentFormat::Odp,
            other => {
                return Err(AttachmentError::unsupported(format!(
                    "an OpenDocument package that says it is {:?} is not accepted \
                     (ODT, ODS and ODP are)",
                    other.chars().take(100).collect::<String>()
                )));
            }
        };
        if !container.has("content.xml") {
            return Err(AttachmentError::unreadable(
                "the OpenDocument file has no content.xml: it is damaged",
            ));
        }
        return Ok(format);
    }
    if let Some(types) = container.read_text("[Content_Types].xml")? {
        let types = types.to_ascii_lowercase();
        if types.contains("macroenabled") || has_part_ending(container, "vbaproject.bin") {
            return Err(AttachmentError::unsupported(
                "a macro-enabled Office file (DOCM, XLSM, PPTM) is not accepted; save it \
                 without macros as DOCX, XLSX or PPTX",
            ));
        }
        let format = if types.contains("wordprocessingml.document.main+xml") {
            AttachmentFormat::Docx
        } else if types.contains("spreadsheetml.sheet.main+xml") {
            AttachmentFormat::Xlsx
        } else if types.contains("presentationml.presentation.main+xml") {
            AttachmentFormat::Pptx
        } else if types.contains("template.main+xml") {
            return Err(AttachmentError::unsupported(
                "an Office template (DOTX, XLTX, POTX) is not accepted; save it as a document",
            ));
        } else {
            return Err(AttachmentError::unsupported(
                "an Office Open XML package of a kind other than DOCX, XLSX or PPTX is not accepted",
            ));
        };
        return Ok(format);
    }
    if container.has("AndroidManifest.xml") && container.has("classes.dex") {
        return Err(AttachmentError::unsupported(
            "an Android app (APK) is not accepted as an attachment",
        ));
    }
    if container.has("META-INF/MANIFEST.MF") && has_part_ending(container, ".class") {
        return Err(AttachmentError::unsupported(
            "a Java program (JAR) is not accepted as an attachment",
        ));
    }
    Ok(AttachmentFormat::Zip)
}

fn has_part_ending(container: &Container<'_>, suffix: &str) -> bool {
    container
        .names()
        .iter()
        .any(|name| name.to_ascii_lowercase().ends_with(suffix))
}

/// Macros, ActiveX controls and content loaded from elsewhere: a published document must
/// be what it shows, and must not call anyone's server when it is opened.
fn refuse_active_content(
    container: &mut Container<'_>,
    format: AttachmentFormat,
) -> Result<(), AttachmentError> {
    let names = container.names().to_vec();
    match format {
        AttachmentFormat::Odt | AttachmentFormat::Ods | AttachmentFormat::Odp => {
            let macros = names.iter().any(|name| {
                (name.starts_with("Basic/") && !name.ends_with("script-lc.xml"))
                    || name.starts_with("Scripts/")
            });
            if macros {
                return Err(AttachmentError::unsupported(
                    "an OpenDocument file with macros is not accepted; save it without them",
                ));
            }
            for part in ["content.xml", "styles.xml"] {
                if let Some(xml) = container.read_text(part)?
                    && let Some(target) = odf_external_reference(&xml)
                {
                    return Err(external_reference(&target));
                }
            }
        }
        _ => {
            if names.iter().any(|name| name.contains("/activeX/")) {
                return Err(AttachmentError::unsupported(
                    "an Office file with ActiveX controls is not accepted",
                ));
            }
            for name in names.iter().filter(|name| name.ends_with(".rels")) {
                if let Some(xml) = container.read_text(name)?
                    && let Some(target) = ooxml_external_reference(&xml)
                {
                    return Err(external_reference(&target));
                }
            }
        }
    }
    Ok(())
}

fn external_reference(target: &str) -> AttachmentError {
    AttachmentError::unsupported(format!(
        "the document loads {:?} from outside the file (an external reference); embed it \
         or remove it, and upload again",
        target.chars().take(200).collect::<String>()
    ))
}

/// A relationship to something outside the package that is not a plain hyperlink
/// (linked images, templates, frames, OLE links).
fn ooxml_external_reference(rels: &str) -> Option<String> {
    let mut reader = Reader::from_str(rels);
    loop {
        match reader.read_event() {
            Ok(Event::Empty(element) | Event::Start(element))
                if element.local_name().as_ref() == b"Relationship" =>
            {
                let mut external = false;
                let mut hyperlink = false;
                let mut target = String::new();
                for attribute in element.attributes().flatten() {
                    let value = String::from_utf8_lossy(&attribute.value).into_owned();
                    match attribute.key.as_ref() {
                        b"TargetMode" => external = value.eq_ignore_ascii_case("External"),
                        b"Type" => hyperlink = value.ends_with("/hyperlink"),
                        b"Target" => target = value,
                        _ => {}
                    }
                }
                if external && !hyperlink {
                    return Some(target);
                }
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// Elements of OpenDocument that embed what their `xlink:href` names.
const ODF_EMBEDDING_ELEMENTS: [&[u8]; 7] = [
    b"draw:image",
    b"draw:object",
    b"draw:object-ole",
    b"draw:plugin",
    b"draw:applet",
    b"text:section-source",
    b"table:table-source",
];

fn odf_external_reference(xml: &str) -> Option<String> {
    let mut reader = Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(Event::Empty(element) | Event::Start(element))
                if ODF_EMBEDDING_ELEMENTS.contains(&element.name().as_ref()) =>
            {
                let target = element
                    .attributes()
                    .flatten()
                    .find(|attribute| attribute.key.as_ref() == b"xlink:href")
                    .map(|attribute| String::from_utf8_lossy(&attribute.value).into_owned());
                if let Some(target) = target
                    && is_outside_package(&target)
                {
                    return Some(target);
                }
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

fn is_outside_package(target: &str) -> bool {
    let target = target.trim();
    target.contains(':')
        || target.starts_with('/')
        || target.starts_with('\\')
        || target.starts_with("../")
}

/// How a format's XML becomes text.
struct TextRules {
    /// Only text inside this element counts (`None`: all text).
    scope: Option<&'static [u8]>,
    /// Only text directly inside one of these elements counts (`None`: any element).
    text_elements: Option<&'static [&'static [u8]]>,
    /// Elements that stand for a character (tabs, line breaks, spaces).
    characters: &'static [(&'static [u8], char)],
    /// Elements whose end ends a line (paragraphs, cells).
    line_ends: &'static [&'static [u8]],
}

const WORD: TextRules = TextRules {
    scope: None,
    text_elements: Some(&[b"w:t"]),
    characters: &[(b"w:tab", '\t'), (b"w:br", '\n'), (b"w:cr", '\n')],
    line_ends: &[b"w:p"],
};

const SLIDES: TextRules = TextRules {
    scope: None,
    text_elements: Some(&[b"a:t"]),
    characters: &[(b"a:br", '\n')],
    line_ends: &[b"a:p"],
};

const SHEET_STRINGS: TextRules = TextRules {
    scope: None,
    text_elements: Some(&[b"t"]),
    characters: &[],
    line_ends: &[b"si", b"is"],
};

const OPEN_DOCUMENT: TextRules = TextRules {
    scope: Some(b"office:body"),
    text_elements: None,
    characters: &[
        (b"text:s", ' '),
        (b"text:tab", '\t'),
        (b"text:line-break", '\n'),
    ],
    line_ends: &[b"text:p", b"text:h", b"table:table-cell"],
};

fn xml_text(xml: &str, rules: &TextRules, into: &mut String) {
    let mut reader = Reader::from_str(xml);
    let mut path: Vec<Vec<u8>> = Vec::new();
    loop {
        let event = match reader.read_event() {
            Ok(Event::Eof) | Err(_) => break,
            Ok(event) => event,
        };
        match &event {
            Event::Start(start) => {
                let name = start.name().as_ref().to_vec();
                if let Some((_, character)) = rules.characters.iter().find(|(n, _)| *n == name) {
                    into.push(*character);
                }
                path.push(name);
            }
            Event::Empty(empty) => {
                let name = empty.name();
                if in_scope(&path, rules)
                    && let Some((_, character)) =
                        rules.characters.iter().find(|(n, _)| *n == name.as_ref())
                {
                    into.push(*character);
                }
            }
            Event::End(_) => {
                if let Some(name) = path.pop()
                    && rules.line_ends.contains(&name.as_slice())
                {
                    into.push('\n');
                }
            }
            other => {
                let counts = in_scope(&path, rules)
                    && rules.text_elements.is_none_or(|elements| {
                        path.last()
                            .is_some_and(|last| elements.contains(&last.as_slice()))
                    });
                if counts && let Some(text) = text_of(other) {
                    into.push_str(&text);
                }
            }
        }
    }
}

fn in_scope(path: &[Vec<u8>], rules: &TextRules) -> bool {
    rules
        .scope
        .is_none_or(|scope| path.iter().any(|element| element.as_slice() == scope))
}

/// The parts that hold a format's text, in reading order.
fn text_parts(
    container: &Container<'_>,
    format: AttachmentFormat,
) -> Vec<(String, &'static TextRules)> {
    let numbered = |prefix: &str| {
        let mut parts: Vec<(u32, String)> = container
            .names()
            .iter()
            .filter_map(|name| {
                let number = name
                    .strip_prefix(prefix)?
                    .strip_suffix(".xml")?
                    .parse()
                    .ok()?;
                Some((number, name.clone()))
            })
            .collect();
        parts.sort();
        parts.into_iter().map(|(_, name)| name).collect::<Vec<_>>()
    };
    match format {
        AttachmentFormat::Docx => {
            let mut parts = vec!["word/document.xml".to_owned()];
            parts.extend(numbered("word/header"));
            parts.extend(numbered("word/footer"));
            parts.push("word/footnotes.xml".to_owned());
            parts.push("word/endnotes.xml".to_owned());
            parts.into_iter().map(|part| (part, &WORD)).collect()
        }
        AttachmentFormat::Pptx => numbered("ppt/slides/slide")
            .into_iter()
            .map(|part| (part, &SLIDES))
            .collect(),
        AttachmentFormat::Xlsx => {
            let mut parts = vec!["xl/sharedStrings.xml".to_owned()];
            // Inline strings live in the sheets themselves.
            parts.extend(numbered("xl/worksheets/sheet"));
            parts
                .into_iter()
                .map(|part| (part, &SHEET_STRINGS))
                .collect()
        }
        _ => vec![("content.xml".to_owned(), &OPEN_DOCUMENT)],
    }
}

fn document_text(
    container: &mut Container<'_>,
    format: AttachmentFormat,
) -> Result<String, AttachmentError> {
    let mut text = String::new();
    for (part, rules) in text_parts(container, format) {
        if let Some(xml) = container.read_text(&part)? {
            xml_text(&xml, rules, &mut text);
            text.push('\n');
        }
    }
    Ok(text)
}

/// The container rewritten with its metadata parts' personal fields emptied; every other
/// entry is copied as it is stored (so an OpenDocument's `mimetype` stays first and
/// uncompressed).
pub(super) fn remove_metadata(bytes: &[u8], limits: &Limits) -> Result<Vec<u8>, AttachmentError> {
    let mut container = Container::open(bytes, limits)?;
    let mut replaced = Vec::new();
    for part in METADATA_PARTS {
        if let Some(xml) = container.read(part)? {
            let blanked = metadata::blank_personal_fields(&xml).ok_or_else(|| {
                AttachmentError::unreadable(format!("the metadata part {part} is not well-formed"))
            })?;
            replaced.push((part, blanked));
        }
    }
    let names = container.names().to_vec();
    let mut archive = container.into_archive();
    let mut writer = ZipWriter::new(Cursor::new(Vec::with_capacity(bytes.len())));
    let rewrite_failed = |_| AttachmentError::unreadable("the file could not be rewritten");
    for (index, name) in names.iter().enumerate() {
        if let Some((_, blanked)) = replaced.iter().find(|(part, _)| part == name) {
            writer
                .start_file(name.as_str(), SimpleFileOptions::default())
                .map_err(rewrite_failed)?;
            writer
                .write_all(blanked)
                .map_err(|_| AttachmentError::unreadable("the file could not be rewritten"))?;
        } else {
            let entry = archive.by_index_raw(index).map_err(rewrite_failed)?;
            writer.raw_copy_file(entry).map_err(rewrite_failed)?;
        }
    }
    Ok(writer.finish().map_err(rewrite_failed)?.into_inner())
}
