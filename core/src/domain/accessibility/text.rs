//! Judgements on short pieces of text: is this alternative text a file name, does this
//! link text say nothing, is this paragraph shouting. No HTML here, only strings.

/// Alternative texts that name the kind of thing instead of describing it, compared after
/// folding (lowercase ASCII, see [`fold`]): "Zdjęcie", "FOTO." and "zdjecie" all match.
const PLACEHOLDER_ALTS: &[&str] = &[
    "zdjecie",
    "foto",
    "fotografia",
    "fotka",
    "obraz",
    "obrazek",
    "grafika",
    "ilustracja",
    "image",
    "img",
    "photo",
    "picture",
    "alt",
    "brak",
];

/// Link texts that say nothing about where the link leads, folded like [`PLACEHOLDER_ALTS`].
const VAGUE_LINK_TEXTS: &[&str] = &[
    "kliknij-tutaj",
    "kliknij-tu",
    "kliknij",
    "tutaj",
    "tu",
    "wiecej",
    "czytaj-wiecej",
    "czytaj-dalej",
    "dowiedz-sie-wiecej",
    "zobacz",
    "zobacz-wiecej",
    "dalej",
    "link",
    "odnosnik",
    "strona",
    "ta-strona",
    "pobierz",
    "plik",
    "click-here",
    "here",
    "more",
    "read-more",
];

/// File name endings of pictures a camera, phone or graphics program writes.
const IMAGE_FILE_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "png", "gif", "webp", "tif", "tiff", "heic", "heif", "bmp", "avif", "svg",
];

/// Name prefixes that cameras and phones give their files ("IMG_1234", "DSC01234",
/// "PXL_20240101_…"), matched when followed by digits.
const CAMERA_FILE_PREFIXES: &[&str] = &[
    "img", "dsc", "dscn", "dscf", "dcim", "pxl", "pict", "photo", "image", "zdjecie", "p",
];

/// Lowercase ASCII words joined by hyphens: case, Polish diacritics and punctuation do not
/// count ("Czytaj WIĘCEJ…" becomes `czytaj-wiecej`).
pub(crate) fn fold(text: &str) -> String {
    slug::slugify(text)
}

/// Whitespace (HTML's and the no-break space an editor types) collapsed to single spaces.
pub(crate) fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Why an alternative text fails, if it does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AltProblem {
    Missing,
    FileName,
    Placeholder,
}

/// Judges an alternative text: absent or blank, a file name, or a word like "zdjęcie".
pub(crate) fn alt_problem(alt: Option<&str>) -> Option<AltProblem> {
    let alt = collapse_whitespace(alt.unwrap_or_default());
    if alt.is_empty() {
        return Some(AltProblem::Missing);
    }
    if looks_like_file_name(&alt) {
        return Some(AltProblem::FileName);
    }
    let folded = fold(&alt);
    if folded.is_empty() || PLACEHOLDER_ALTS.contains(&folded.as_str()) {
        return Some(AltProblem::Placeholder);
    }
    None
}

/// One word ending in a picture's file extension ("IMG_1234.jpg", "zdjęcie główne.png" is
/// two words but still a file name), or a camera's name for a file without its extension.
fn looks_like_file_name(text: &str) -> bool {
    let lowercase = text.to_lowercase();
    if let Some((_, extension)) = lowercase.rsplit_once('.')
        && IMAGE_FILE_EXTENSIONS.contains(&extension.trim())
    {
        return true;
    }
    if lowercase.contains(char::is_whitespace) {
        return false;
    }
    let folded = fold(&lowercase).replace('-', "");
    CAMERA_FILE_PREFIXES.iter().any(|prefix| {
        folded
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.len() >= 3 && rest.bytes().all(|byte| byte.is_ascii_digit()))
    })
}

/// A link text that says nothing out of context: "kliknij tutaj", "Więcej »", "POBIERZ".
pub(crate) fn is_vague_link_text(text: &str) -> bool {
    let folded = fold(text);
    VAGUE_LINK_TEXTS.contains(&folded.as_str())
}

/// A link text that is an address: "https://bip.example.gov.pl/…", "www.example.pl".
pub(crate) fn is_bare_url(text: &str, href: Option<&str>) -> bool {
    let text = text.trim();
    if text.is_empty() || text.contains(char::is_whitespace) {
        return false;
    }
    let lowercase = text.to_lowercase();
    let looks_like_address = ["http://", "https://", "www.", "ftp://"]
        .iter()
        .any(|start| lowercase.starts_with(start));
    let repeats_the_address = href.is_some_and(|href| {
        let href = href.trim().trim_end_matches('/');
        let text = text.trim_end_matches('/');
        !href.is_empty()
            && !href.starts_with("mailto:")
            && !href.starts_with("tel:")
            && (href.eq_ignore_ascii_case(text)
                || href
                    .split_once("://")
                    .is_some_and(|(_, rest)| rest.eq_ignore_ascii_case(text)))
    });
    looks_like_address || repeats_the_address
}

/// Words with at least one letter.
pub(crate) fn word_count(text: &str) -> usize {
    text.split_whitespace()
        .filter(|word| word.chars().any(char::is_alphabetic))
        .count()
}

/// More than a few words, nearly all of them in capitals ("UWAGA! ZMIANA GODZIN PRACY
/// URZĘDU"). Abbreviations in a normal sentence ("ZUS i NFZ informują") do not count, and
/// neither does a short run of them ("ZUS, NFZ, KRUS i GUS").
pub(crate) fn is_all_capitals(text: &str) -> bool {
    const MIN_WORDS: usize = 4;
    const MIN_LETTERS: usize = 20;
    let words: Vec<&str> = text
        .split_whitespace()
        .filter(|word| word.chars().filter(|c| c.is_alphabetic()).count() >= 2)
        .collect();
    if words.len() < MIN_WORDS {
        return false;
    }
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    if letters < MIN_LETTERS {
        return false;
    }
    let shouting = words
        .iter()
        .filter(|word| {
            word.chars()
                .filter(|c| c.is_alphabetic())
                .all(char::is_uppercase)
        })
        .count();
    // At least four in five words: a capitalised sentence with one lowercase unit ("ZA 5 ml")
    // still shouts.
    shouting * 5 >= words.len() * 4
}

/// Abbreviations that end a Polish heading with a full stop without making it a sentence:
/// "Zmiany od 1 stycznia 2025 r.".
const ABBREVIATIONS_WITH_A_STOP: &[&str] = &[
    "r.", "w.", "ul.", "al.", "pl.", "godz.", "itd.", "itp.", "tj.", "np.", "wg.", "św.", "tzw.",
    "m.in.", "ok.", "nr.", "tys.", "zł.", "gr.", "n.e.", "p.n.e.",
];

/// A heading that reads like a sentence: long, or ending with a full stop.
pub(crate) fn reads_like_a_sentence(text: &str) -> bool {
    const MAX_HEADING_WORDS: usize = 12;
    if word_count(text) > MAX_HEADING_WORDS {
        return true;
    }
    let trimmed = text.trim_end();
    if trimmed.ends_with("...") || !trimmed.ends_with('.') {
        return false;
    }
    let last_word = trimmed
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or_default()
        .to_lowercase();
    !ABBREVIATIONS_WITH_A_STOP.contains(&last_word.as_str())
}

/// At most `max_chars` characters, cut at a word where possible and marked with "…".
pub(crate) fn shorten(text: &str, max_chars: usize) -> String {
    let text = collapse_whitespace(text);
    if text.chars().count() <= max_chars {
        return text;
    }
    let cut: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    let at_word = match cut.rfind(' ') {
        Some(space) if space > cut.len() / 2 => &cut[..space],
        _ => cut.as_str(),
    };
    format!("{}…", at_word.trim_end_matches([' ', ',', ';', ':', '-']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_blank_and_whitespace_only_alternative_texts_are_missing() {
        assert_eq!(alt_problem(None), Some(AltProblem::Missing));
        assert_eq!(alt_problem(Some("")), Some(AltProblem::Missing));
        assert_eq!(alt_problem(Some(" \u{a0}\n")), Some(AltProblem::Missing));
    }

    #[test]
    fn file_names_are_not_alternative_texts() {
        for alt in [
            "IMG_1234.jpg",
            "img_1234.JPEG",
            "DSC01234",
            "DSCN0042",
            "PXL_20240101_123456789",
            "P1010001",
            "zdjęcie główne.png",
            "ratusz.webp",
            "IMG-20240305-WA0007.jpg",
        ] {
            assert_eq!(alt_problem(Some(alt)), Some(AltProblem::FileName), "{alt}");
        }
    }

    #[test]
    fn names_of_the_kind_of_thing_are_placeholders_whatever_the_case_and_diacritics() {
        for alt in [
            "zdjęcie",
            "Zdjęcie",
            "ZDJĘCIE",
            "zdjecie",
            "foto",
            "Foto.",
            " obrazek ",
        ] {
            assert_eq!(
                alt_problem(Some(alt)),
                Some(AltProblem::Placeholder),
                "{alt}"
            );
        }
    }

    #[test]
    fn descriptions_are_good_alternative_texts() {
        for alt in [
            "Burmistrz wręcza nagrodę uczennicy szkoły podstawowej nr 2",
            "Zdjęcie lotnicze rynku w Łodzi",
            "Plan sesji rady gminy 2024",
            "Łódź",
            "Wykres: liczba mieszkańców 2010–2024 (p. 2019 r.)",
        ] {
            assert_eq!(alt_problem(Some(alt)), None, "{alt}");
        }
    }

    #[test]
    fn vague_link_texts_match_without_case_diacritics_or_trailing_punctuation() {
        for text in [
            "kliknij tutaj",
            "Kliknij TUTAJ!",
            "tutaj",
            "Tutaj.",
            "więcej",
            "Więcej »",
            "WIĘCEJ…",
            "wiecej",
            "Czytaj więcej...",
            "czytaj wiecej",
            "link",
            "strona",
            "Pobierz",
            "pobierz:",
            "(tutaj)",
        ] {
            assert!(is_vague_link_text(text), "{text}");
        }
        for text in [
            "Pobierz wniosek o dowód osobisty (PDF, 120 kB)",
            "więcej o konkursie",
            "Strona Biuletynu Informacji Publicznej",
            "Linki do aktów prawnych",
        ] {
            assert!(!is_vague_link_text(text), "{text}");
        }
    }

    #[test]
    fn addresses_as_link_texts_are_bare_urls() {
        assert!(is_bare_url("https://bip.example.gov.pl/uchwaly/2024", None));
        assert!(is_bare_url(
            "www.example.pl",
            Some("https://www.example.pl")
        ));
        assert!(is_bare_url("example.pl/", Some("https://example.pl")));
        assert!(!is_bare_url(
            "Uchwała nr 12/2024",
            Some("https://example.pl")
        ));
        assert!(!is_bare_url(
            "sekretariat@example.pl",
            Some("mailto:sekretariat@example.pl")
        ));
        assert!(!is_bare_url("", Some("https://example.pl")));
    }

    #[test]
    fn capitals_are_shouting_only_in_a_run_of_words() {
        assert!(is_all_capitals("UWAGA! ZMIANA GODZIN PRACY URZĘDU"));
        assert!(is_all_capitals("ŻÓŁTA KARTKA DLA ŚWIĘTOKRZYSKICH DRÓG"));
        assert!(is_all_capitals(
            "ZAPRASZAMY NA SESJĘ RADY GMINY W DNIU 5 MARCA"
        ));
        assert!(!is_all_capitals("ZUS, NFZ, KRUS i GUS"));
        assert!(!is_all_capitals(
            "ZUS i NFZ informują o zmianach w przepisach"
        ));
        assert!(!is_all_capitals("WAŻNE"));
        assert!(!is_all_capitals("Żółta kartka dla świętokrzyskich dróg"));
    }

    #[test]
    fn long_or_full_stop_headings_read_like_sentences() {
        assert!(reads_like_a_sentence("Urząd będzie nieczynny w piątek."));
        assert!(reads_like_a_sentence(
            "W związku z remontem budynku urząd przyjmuje interesantów w sali gimnastycznej szkoły podstawowej"
        ));
        assert!(!reads_like_a_sentence("Zmiany od 1 stycznia 2025 r."));
        assert!(!reads_like_a_sentence("Godziny pracy urzędu"));
        assert!(!reads_like_a_sentence("Co dalej?"));
        assert!(!reads_like_a_sentence("I co dalej..."));
    }

    #[test]
    fn shortening_cuts_at_a_word_and_counts_characters_not_bytes() {
        assert_eq!(shorten("Żółć", 10), "Żółć");
        assert_eq!(
            shorten("Zażółć gęślą jaźń i jeszcze trochę tekstu", 20),
            "Zażółć gęślą jaźń…"
        );
        assert!(shorten(&"ą".repeat(200), 80).chars().count() <= 80);
        assert_eq!(shorten("  a \n b  ", 80), "a b");
    }
}
