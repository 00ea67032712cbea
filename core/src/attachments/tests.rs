use std::io::{Cursor, Write};

use zip::ZipWriter;
use zip::write::SimpleFileOptions;

use super::*;

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        writer
            .start_file(*name, SimpleFileOptions::default())
            .unwrap_or_else(|error| panic!("{error}"));
        writer
            .write_all(bytes)
            .unwrap_or_else(|error| panic!("{error}"));
    }
    writer
        .finish()
        .unwrap_or_else(|error| panic!("{error}"))
        .into_inner()
}

fn refusal(bytes: &[u8]) -> AttachmentError {
    match inspect(bytes, &Limits::default()) {
        Ok(inspection) => panic!("accepted as {:?}", inspection.format),
        Err(error) => error,
    }
}

#[test]
fn text_in_windows_1250_is_read_and_stored_as_utf8() {
    let (bytes, _, _) =
        encoding_rs::WINDOWS_1250.encode("Zażółć gęślą jaźń: ogłoszenie o przetargu.");
    let inspection = inspect(&bytes, &Limits::default()).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(inspection.format, AttachmentFormat::Txt);
    assert_eq!(
        inspection.stored_bytes.as_deref(),
        Some("Zażółć gęślą jaźń: ogłoszenie o przetargu.".as_bytes())
    );
    assert_eq!(
        inspection.text,
        ExtractedText::Text("Zażółć gęślą jaźń: ogłoszenie o przetargu.".to_owned())
    );
}

#[test]
fn semicolon_separated_lines_are_csv_and_prose_is_text() {
    let csv = "imię;nazwisko;funkcja\nAnna;Nowak;sekretarz\nJan;Kowalski;skarbnik\n";
    assert_eq!(
        inspect(csv.as_bytes(), &Limits::default())
            .map(|found| found.format)
            .ok(),
        Some(AttachmentFormat::Csv)
    );
    let prose = "Ogłoszenie, które ma przecinki.\nDruga linia, też z nimi, dwoma.\n";
    assert_eq!(
        inspect(prose.as_bytes(), &Limits::default())
            .map(|found| found.format)
            .ok(),
        Some(AttachmentFormat::Txt)
    );
}

#[test]
fn markup_and_programs_are_refused_by_name() {
    for (bytes, named) in [
        (
            &b"<!DOCTYPE html><html><script>alert(1)</script>"[..],
            "HTML",
        ),
        (
            b"  <svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
            "SVG",
        ),
        (b"MZ\x90\x00\x03\x00\x00\x00", "Windows program"),
        (b"\x7fELF\x02\x01\x01", "Linux program"),
        (b"#!/bin/sh\nrm -rf /\n", "script"),
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "image"),
        (b"text\0with\0nul", "binary"),
    ] {
        let error = refusal(bytes);
        assert!(
            matches!(error, AttachmentError::Unsupported(_)),
            "{error:?}"
        );
        assert!(error.to_string().contains(named), "{named}: {error}");
    }
    assert!(matches!(refusal(b""), AttachmentError::Unreadable(_)));
}

#[test]
fn a_pdf_header_hidden_in_another_file_is_a_polyglot() {
    let mut bytes = b"PK\x03\x04 garbage ".to_vec();
    bytes.extend_from_slice(b"%PDF-1.7\n");
    let error = refusal(&bytes);
    assert!(error.to_string().contains("polyglot"), "{error}");
}

#[test]
fn a_zip_bomb_is_stopped_while_inflating() {
    let zeros = vec![0_u8; 20 * 1024 * 1024];
    let bytes = zip_of(&[("dane.bin", &zeros)]);
    let error = refusal(&bytes);
    assert!(matches!(error, AttachmentError::TooLarge(_)), "{error:?}");
    let limits = Limits {
        max_unpacked_bytes: 1024 * 1024,
        max_ratio: 10_000,
        ..Limits::default()
    };
    let error = inspect(&bytes, &limits)
        .map(|_| ())
        .err()
        .unwrap_or_else(|| panic!("accepted"));
    assert!(
        error.to_string().contains("unpacks to more than"),
        "{error}"
    );
}

#[test]
fn too_many_entries_are_refused() {
    let names: Vec<String> = (0..30).map(|index| format!("plik-{index}.txt")).collect();
    let entries: Vec<(&str, &[u8])> = names
        .iter()
        .map(|name| (name.as_str(), &b"x"[..]))
        .collect();
    let limits = Limits {
        max_entries: 20,
        ..Limits::default()
    };
    let error = inspect(&zip_of(&entries), &limits)
        .map(|_| ())
        .err()
        .unwrap_or_else(|| panic!("accepted"));
    assert!(error.to_string().contains("30 entries"), "{error}");
}

const CONTENT_TYPES_DOCX: &[u8] = br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

#[test]
fn a_docx_gives_its_text_and_its_authors() {
    let document = r#"<w:document xmlns:w="w"><w:body><w:p><w:r><w:t>Regulamin</w:t></w:r><w:r><w:t xml:space="preserve"> naboru &amp; pełnomocnictwo</w:t></w:r></w:p><w:p><w:r><w:t>Drugi akapit</w:t></w:r></w:p></w:body></w:document>"#;
    let core = r#"<cp:coreProperties xmlns:cp="cp" xmlns:dc="dc"><dc:title>Regulamin</dc:title><dc:creator>Anna Nowak</dc:creator><cp:lastModifiedBy>Piotr Wiśniewski</cp:lastModifiedBy></cp:coreProperties>"#;
    let bytes = zip_of(&[
        ("[Content_Types].xml", CONTENT_TYPES_DOCX),
        ("word/document.xml", document.as_bytes()),
        ("docProps/core.xml", core.as_bytes()),
    ]);
    let limits = Limits::default();
    let inspection = inspect(&bytes, &limits).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(inspection.format, AttachmentFormat::Docx);
    assert_eq!(
        inspection.text,
        ExtractedText::Text("Regulamin naboru & pełnomocnictwo\nDrugi akapit".to_owned())
    );
    let people: Vec<(&str, &str)> = inspection
        .metadata
        .iter()
        .map(|field| (field.name.as_str(), field.value.as_str()))
        .collect();
    assert_eq!(
        people,
        [
            ("dc:creator", "Anna Nowak"),
            ("cp:lastModifiedBy", "Piotr Wiśniewski")
        ]
    );
    assert!(inspection.metadata_removable);
    let cleaned = remove_metadata(&bytes, AttachmentFormat::Docx, &limits)
        .unwrap_or_else(|error| panic!("{error}"))
        .unwrap_or_else(|| panic!("removable"));
    let again = inspect(&cleaned, &limits).unwrap_or_else(|error| panic!("{error}"));
    assert!(again.metadata.is_empty(), "{:?}", again.metadata);
    assert_eq!(again.text, inspection.text);
}

#[test]
fn macros_and_external_references_are_refused() {
    let macro_types = br#"<Types><Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>"#;
    let error = refusal(&zip_of(&[
        ("[Content_Types].xml", macro_types),
        ("word/document.xml", b"<w:document/>"),
        ("word/vbaProject.bin", b"\x01\x02"),
    ]));
    assert!(error.to_string().contains("macro"), "{error}");
    let rels = br#"<Relationships><Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://example.org/" TargetMode="External"/><Relationship Id="r2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" Target="\\serwer\szablony\t.dotm" TargetMode="External"/></Relationships>"#;
    let error = refusal(&zip_of(&[
        ("[Content_Types].xml", CONTENT_TYPES_DOCX),
        ("word/document.xml", b"<w:document/>"),
        ("word/_rels/settings.xml.rels", rels),
    ]));
    assert!(error.to_string().contains("external reference"), "{error}");
}

#[test]
fn an_rtf_gives_polish_text_from_code_page_and_unicode_escapes() {
    let rtf = br"{\rtf1\ansi\ansicpg1250\deff0{\fonttbl{\f0 Times;}}{\info{\author Jan Kowalski}{\company Urz\'b9d}}\pard Delegatura \'b3\'f3d\'9f \u380?\u322?te\par Drugi\tab akapit}";
    let inspection = inspect(rtf, &Limits::default()).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(inspection.format, AttachmentFormat::Rtf);
    assert_eq!(
        inspection.text,
        ExtractedText::Text("Delegatura łódź żłte\nDrugi akapit".to_owned())
    );
    assert_eq!(inspection.metadata.len(), 2, "{:?}", inspection.metadata);
    assert_eq!(inspection.metadata[1].value, "Urząd");
    let error = refusal(br"{\rtf1{\object\objemb{\objdata 0105000002000000}}}");
    assert!(error.to_string().contains("OLE"), "{error}");
}
