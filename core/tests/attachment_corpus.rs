//! Every file of the attachment corpus (`tests/fixtures/attachments/`) through the
//! attachment reader: real documents give their marker word and metadata; every hostile
//! file is refused with the kind of error and the words its README promises.

use std::path::PathBuf;

use kronika_core::attachments::{
    AttachmentError, AttachmentFormat, ExtractedText, Limits, inspect, remove_metadata,
};

fn fixture(path: &str) -> Vec<u8> {
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/attachments")
        .join(path);
    std::fs::read(&full).unwrap_or_else(|error| panic!("{}: {error}", full.display()))
}

fn text_of(path: &str) -> (AttachmentFormat, String) {
    let inspection = inspect(&fixture(path), &Limits::default())
        .unwrap_or_else(|error| panic!("{path}: {error}"));
    match inspection.text {
        ExtractedText::Text(text) => (inspection.format, text),
        ExtractedText::None { reason } => panic!("{path}: no text: {reason}"),
    }
}

#[test]
fn every_real_document_is_accepted_with_its_marker_word() {
    for (path, format, marker) in [
        (
            "real/regulamin-naboru.pdf",
            AttachmentFormat::Pdf,
            "kwalifikowalność",
        ),
        ("real/podpisany.pdf", AttachmentFormat::Pdf, "kontrasygnata"),
        (
            "real/formularz-zgloszeniowy.docx",
            AttachmentFormat::Docx,
            "pełnomocnictwo",
        ),
        (
            "real/wyniki-konkursu.xlsx",
            AttachmentFormat::Xlsx,
            "wyróżnienie",
        ),
        (
            "real/prezentacja-projektu.pptx",
            AttachmentFormat::Pptx,
            "rewitalizacja",
        ),
        ("real/uchwala-rady.odt", AttachmentFormat::Odt, "sołectwo"),
        ("real/budzet-gminy.ods", AttachmentFormat::Ods, "subwencja"),
        ("real/harmonogram.odp", AttachmentFormat::Odp, "dożynki"),
        (
            "real/notatka-sluzbowa.rtf",
            AttachmentFormat::Rtf,
            "delegatura",
        ),
        ("real/komunikat.txt", AttachmentFormat::Txt, "przetarg"),
        (
            "real/komunikat-cp1250.txt",
            AttachmentFormat::Txt,
            "ogłoszeniodawca",
        ),
        (
            "real/lista-obecnosci.csv",
            AttachmentFormat::Csv,
            "sekretarz",
        ),
    ] {
        let (found, text) = text_of(path);
        assert_eq!(found, format, "{path}");
        assert!(
            text.to_lowercase().contains(marker),
            "{path}: {marker} not in {:?}",
            text.chars().take(400).collect::<String>()
        );
    }
}

#[test]
fn a_pdf_gives_its_pages_and_its_authors_and_loses_them_on_request() {
    let bytes = fixture("real/regulamin-naboru.pdf");
    let limits = Limits::default();
    let inspection = inspect(&bytes, &limits).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(inspection.pages, Some(3));
    let author = inspection
        .metadata
        .iter()
        .find(|field| field.name == "Author");
    assert_eq!(
        author.map(|field| field.value.as_str()),
        Some("Jan Kowalski")
    );
    assert!(
        inspection
            .metadata
            .iter()
            .any(|field| field.value.contains(r"C:\Users\jan.kowalski")),
        "{:?}",
        inspection.metadata
    );
    assert!(inspection.metadata_removable);
    let cleaned = remove_metadata(&bytes, AttachmentFormat::Pdf, &limits)
        .unwrap_or_else(|error| panic!("{error}"))
        .unwrap_or_else(|| panic!("removable"));
    let again = inspect(&cleaned, &limits).unwrap_or_else(|error| panic!("{error}"));
    assert!(again.metadata.is_empty(), "{:?}", again.metadata);
    assert_eq!(again.pages, Some(3));
    assert_eq!(again.text, inspection.text);
}

#[test]
fn a_signed_pdf_keeps_its_metadata_because_a_rewrite_would_break_the_signature() {
    let bytes = fixture("real/podpisany.pdf");
    let limits = Limits::default();
    let inspection = inspect(&bytes, &limits).unwrap_or_else(|error| panic!("{error}"));
    assert!(!inspection.metadata_removable);
    assert_eq!(
        remove_metadata(&bytes, AttachmentFormat::Pdf, &limits).map_err(|error| error.to_string()),
        Ok(None)
    );
}

#[test]
fn office_metadata_is_listed_and_removed_without_breaking_the_file() {
    let limits = Limits::default();
    for (path, format, person) in [
        (
            "real/formularz-zgloszeniowy.docx",
            AttachmentFormat::Docx,
            "Piotr Wiśniewski",
        ),
        (
            "real/wyniki-konkursu.xlsx",
            AttachmentFormat::Xlsx,
            "Anna Nowak",
        ),
        (
            "real/uchwala-rady.odt",
            AttachmentFormat::Odt,
            "Maria Zielińska",
        ),
    ] {
        let bytes = fixture(path);
        let inspection = inspect(&bytes, &limits).unwrap_or_else(|error| panic!("{path}: {error}"));
        assert!(
            inspection
                .metadata
                .iter()
                .any(|field| field.value == person),
            "{path}: {:?}",
            inspection.metadata
        );
        let cleaned = remove_metadata(&bytes, format, &limits)
            .unwrap_or_else(|error| panic!("{path}: {error}"))
            .unwrap_or_else(|| panic!("{path}: removable"));
        let again = inspect(&cleaned, &limits).unwrap_or_else(|error| panic!("{path}: {error}"));
        assert_eq!(again.format, format);
        assert!(again.metadata.is_empty(), "{path}: {:?}", again.metadata);
        assert_eq!(again.text, inspection.text, "{path}");
    }
}

#[test]
fn a_scan_without_text_and_an_archive_are_kept_without_text() {
    for (path, format) in [
        ("real/skan-bez-tekstu.pdf", AttachmentFormat::Pdf),
        ("real/materialy.zip", AttachmentFormat::Zip),
    ] {
        let inspection = inspect(&fixture(path), &Limits::default())
            .unwrap_or_else(|error| panic!("{path}: {error}"));
        assert_eq!(inspection.format, format, "{path}");
        assert!(
            matches!(inspection.text, ExtractedText::None { .. }),
            "{path}"
        );
    }
}

#[derive(Debug)]
enum Kind {
    Unsupported,
    TooLarge,
    Unreadable,
}

#[test]
fn every_hostile_file_is_refused_with_a_reason() {
    for (path, kind, words) in [
        ("hostile/bomb-ratio.docx", Kind::TooLarge, "zip bomb"),
        ("hostile/bomb-entries.zip", Kind::TooLarge, "20000 entries"),
        (
            "hostile/bomb-nested.zip",
            Kind::Unsupported,
            "holds other archives",
        ),
        // The ZIP reader stops at the declared size and finds the checksum wrong: refused
        // as damaged, after inflating 100 bytes instead of 100 MiB.
        (
            "hostile/bomb-declared-small.zip",
            Kind::Unreadable,
            "damaged",
        ),
        ("hostile/encrypted.pdf", Kind::Unreadable, "encrypted"),
        ("hostile/damaged.pdf", Kind::Unreadable, "damaged"),
        ("hostile/damaged-garbage.pdf", Kind::Unreadable, "damaged"),
        (
            "hostile/pages-count-lie.pdf",
            Kind::Unreadable,
            "page tree is damaged",
        ),
        (
            "hostile/pages-cycle.pdf",
            Kind::Unreadable,
            "page tree is damaged",
        ),
        ("hostile/many-pages.pdf", Kind::TooLarge, "5000 pages"),
        (
            "hostile/external-reference.docx",
            Kind::Unsupported,
            "external reference",
        ),
        ("hostile/macro.docm-as.docx", Kind::Unsupported, "macro"),
        ("hostile/macro.xlsm-as.xlsx", Kind::Unsupported, "macro"),
        ("hostile/page.html-as.pdf", Kind::Unsupported, "HTML page"),
        ("hostile/image.svg-as.pdf", Kind::Unsupported, "SVG"),
        (
            "hostile/program.exe-as.pdf",
            Kind::Unsupported,
            "Windows program",
        ),
        (
            "hostile/program.elf-as.docx",
            Kind::Unsupported,
            "Linux program",
        ),
        (
            "hostile/polyglot-pdf-zip.pdf",
            Kind::Unsupported,
            "polyglot",
        ),
        (
            "hostile/polyglot-pdf-html.pdf",
            Kind::Unsupported,
            "polyglot",
        ),
        ("hostile/jpeg-as.pdf", Kind::Unsupported, "image"),
        (
            "hostile/odt-wrong-mimetype.odt",
            Kind::Unsupported,
            "text/html",
        ),
        ("hostile/encrypted.zip", Kind::Unreadable, "password"),
        ("hostile/encrypted.docx", Kind::Unsupported, "password"),
        ("hostile/empty.pdf", Kind::Unreadable, "empty"),
        ("hostile/text-with-nul.txt", Kind::Unsupported, "binary"),
    ] {
        let error = match inspect(&fixture(path), &Limits::default()) {
            Ok(inspection) => panic!("{path} was accepted as {:?}", inspection.format),
            Err(error) => error,
        };
        let matches_kind = matches!(
            (&kind, &error),
            (Kind::Unsupported, AttachmentError::Unsupported(_))
                | (Kind::TooLarge, AttachmentError::TooLarge(_))
                | (Kind::Unreadable, AttachmentError::Unreadable(_))
        );
        assert!(matches_kind, "{path}: expected {kind:?}, got {error:?}");
        assert!(error.to_string().contains(words), "{path}: {error}");
    }
}

#[test]
fn a_pdf_whose_text_takes_longer_than_the_budget_is_kept_without_text() {
    let limits = Limits {
        text_time: std::time::Duration::ZERO,
        ..Limits::default()
    };
    let inspection = inspect(&fixture("real/regulamin-naboru.pdf"), &limits)
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(inspection.pages, Some(3));
    match inspection.text {
        ExtractedText::None { reason } => assert!(reason.contains("longer than"), "{reason}"),
        ExtractedText::Text(text) => panic!("text read past the budget: {text}"),
    }
}
