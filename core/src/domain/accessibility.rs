//! The accessibility check an editor runs before publishing: what a screen reader user
//! (or anyone reading without the layout) would stumble on in an article.
//!
//! The check reads the *sanitised* body (what [`super::ArticleBody`] stores), the title, the
//! lead and the gallery's photos, and lists findings in reading order: the title, the lead,
//! the body, then the photos. A photo or image without a real alternative text blocks
//! publishing (the 2019 Polish act on digital accessibility requires WCAG 2.1 AA of public
//! bodies); everything else is a warning the editor may judge. Every finding says where it
//! is, so the editor's screen can link to the place, and says in Polish how to fix it.

mod text;

#[cfg(test)]
mod tests;

use std::sync::LazyLock;

use scraper::{ElementRef, Html, Node, Selector};

use text::{AltProblem, alt_problem, collapse_whitespace, shorten};

/// The elements of the body a [`Target::Body`] counts, as a CSS selector. The n-th element
/// this selector matches in document order (`document.querySelectorAll(PLACE_SELECTOR)[n]`
/// in a browser, `Html::select` on the server) is the place of `element_index: n`. Besides
/// the block elements it holds links and images, so that every finding points at exactly
/// the element it is about, even a link or image outside any paragraph.
pub const PLACE_SELECTOR: &str =
    "h2, h3, h4, p, ul, ol, li, blockquote, pre, table, figure, figcaption, a, img";

/// The longest excerpt a finding quotes, in characters.
const EXCERPT_CHARS: usize = 80;

/// An article as the check sees it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArticleUnderCheck {
    pub title: String,
    pub lead: String,
    /// The sanitised body HTML, as stored.
    pub body_html: String,
    /// The photos of the article's gallery, in gallery order.
    pub photos: Vec<PhotoUnderCheck>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PhotoUnderCheck {
    pub id: i64,
    pub caption: String,
    pub alt: Option<String>,
}

/// Whether a finding stops publication.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Publishing is refused until it is fixed.
    Blocking,
    /// Worth fixing; the editor decides.
    Warning,
}

/// What kind of obstacle a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FindingKind {
    /// A gallery photo without a real alternative text.
    PhotoWithoutAlt,
    /// An `img` in the body without a real alternative text.
    ImageWithoutAlt,
    /// A heading that skips a level (h2 then h4), or a first heading below h2.
    SkippedHeadingLevel,
    /// A heading with no text.
    EmptyHeading,
    /// A heading that is really a sentence, made big or bold by using a heading.
    HeadingUsedForEmphasis,
    /// A short paragraph all in bold that stands in for a heading.
    BoldTextUsedAsHeading,
    /// A link with no text (and no image with an alternative text) inside.
    EmptyLink,
    /// A link whose text says nothing out of context ("kliknij tutaj", "więcej").
    VagueLinkText,
    /// A link whose text is its own address.
    BareUrlLinkText,
    /// A run of words in capital letters.
    AllCapitals,
    /// A table without header cells (`th`).
    TableWithoutHeaders,
}

/// What the check reads of a saved article: its texts and its gallery's photos.
pub async fn of_article(
    db: &impl sea_orm::ConnectionTrait,
    article: &entities::article::Model,
) -> Result<ArticleUnderCheck, sea_orm::DbErr> {
    let gallery_ids: Vec<i64> = article.gallery_id.into_iter().collect();
    let mut photos = crate::content::relations::photos_by_gallery(db, &gallery_ids).await?;
    let photos = article
        .gallery_id
        .and_then(|id| photos.remove(&id))
        .unwrap_or_default()
        .into_iter()
        .map(|photo| PhotoUnderCheck {
            id: photo.id,
            caption: photo.caption,
            alt: Some(photo.alt),
        })
        .collect();
    Ok(ArticleUnderCheck {
        title: article.title.clone(),
        lead: article.lead.clone(),
        body_html: article.body_html.clone(),
        photos,
    })
}

/// Where a finding is, for a link from the list of findings to the place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    Title,
    Lead,
    /// The `element_index`-th element of the body matched by [`PLACE_SELECTOR`], from 0.
    Body {
        element_index: usize,
    },
    /// A photo of the article's gallery, by its id.
    Photo(i64),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub kind: FindingKind,
    pub severity: Severity,
    /// What is wrong and how to fix it, in Polish, for the editor.
    pub message: String,
    /// The text of the element (or the photo's caption), shortened; may be empty.
    pub excerpt: String,
    pub target: Target,
}

impl Finding {
    pub fn is_blocking(&self) -> bool {
        self.severity == Severity::Blocking
    }
}

/// Whether any finding stops publication.
pub fn blocks_publishing(findings: &[Finding]) -> bool {
    findings.iter().any(Finding::is_blocking)
}

/// Checks an article; findings come in reading order (title, lead, body, photos).
pub fn check(article: &ArticleUnderCheck) -> Vec<Finding> {
    let mut findings = Vec::new();
    check_plain_text(&article.title, Target::Title, "Tytuł", &mut findings);
    check_plain_text(&article.lead, Target::Lead, "Wstęp", &mut findings);
    check_body(&article.body_html, &mut findings);
    for photo in &article.photos {
        check_photo(photo, &mut findings);
    }
    findings
}

fn check_plain_text(text: &str, target: Target, field: &str, findings: &mut Vec<Finding>) {
    if text::is_all_capitals(text) {
        findings.push(Finding {
            kind: FindingKind::AllCapitals,
            severity: Severity::Warning,
            message: format!(
                "{field} jest napisany wielkimi literami. Czytniki ekranu mogą czytać go litera \
                 po literze, a taki tekst czyta się trudniej. Napisz go zwykłymi literami; \
                 wielkie zostaw tylko w skrótach."
            ),
            excerpt: shorten(text, EXCERPT_CHARS),
            target,
        });
    }
}

fn check_photo(photo: &PhotoUnderCheck, findings: &mut Vec<Finding>) {
    let Some(problem) = alt_problem(photo.alt.as_deref()) else {
        return;
    };
    let what = match problem {
        AltProblem::Missing => "Zdjęcie nie ma tekstu alternatywnego.".to_owned(),
        AltProblem::FileName => format!(
            "Tekst alternatywny zdjęcia to nazwa pliku („{}”).",
            shorten(photo.alt.as_deref().unwrap_or_default(), 40)
        ),
        AltProblem::Placeholder => format!(
            "Tekst alternatywny zdjęcia („{}”) nie mówi, co na nim widać.",
            shorten(photo.alt.as_deref().unwrap_or_default(), 40)
        ),
    };
    findings.push(Finding {
        kind: FindingKind::PhotoWithoutAlt,
        severity: Severity::Blocking,
        message: format!(
            "{what} Osoba niewidoma nie dowie się, co przedstawia. Wpisz w polu „Tekst \
             alternatywny” jednym lub dwoma zdaniami, co widać na zdjęciu. Bez tego artykułu \
             nie można opublikować."
        ),
        excerpt: shorten(&photo.caption, EXCERPT_CHARS),
        target: Target::Photo(photo.id),
    });
}

static PLACES: LazyLock<Option<Selector>> = LazyLock::new(|| Selector::parse(PLACE_SELECTOR).ok());

/// Walks the body's places in document order; every rule looks at one element (and what
/// is inside it), except heading levels, which remember the previous heading.
fn check_body(body_html: &str, findings: &mut Vec<Finding>) {
    let Some(places) = PLACES.as_ref() else {
        return;
    };
    let document = Html::parse_fragment(body_html);
    // The article's title is the page's h1, so the body starts below it.
    let mut previous_heading_level = 1;
    for (element_index, element) in document.select(places).enumerate() {
        let target = Target::Body { element_index };
        let text = readable_text(element);
        let mut finding = |kind, severity, message: String| {
            findings.push(Finding {
                kind,
                severity,
                message,
                excerpt: shorten(&text, EXCERPT_CHARS),
                target,
            });
        };
        match element.value().name() {
            name @ ("h2" | "h3" | "h4") => {
                let level = match name {
                    "h2" => 2,
                    "h3" => 3,
                    _ => 4,
                };
                if text.is_empty() {
                    finding(
                        FindingKind::EmptyHeading,
                        Severity::Warning,
                        "Nagłówek jest pusty. Czytnik ekranu ogłosi nagłówek bez treści. Usuń \
                         go albo wpisz jego tekst."
                            .to_owned(),
                    );
                    continue;
                }
                if level > previous_heading_level + 1 {
                    finding(
                        FindingKind::SkippedHeadingLevel,
                        Severity::Warning,
                        skipped_level_message(previous_heading_level, level),
                    );
                }
                previous_heading_level = level;
                if text::reads_like_a_sentence(&text) {
                    finding(
                        FindingKind::HeadingUsedForEmphasis,
                        Severity::Warning,
                        "Ten nagłówek wygląda jak zdanie. Nagłówki służą do nawigacji: osoby \
                         korzystające z czytnika ekranu przeskakują po nich. Jeśli chcesz tylko \
                         wyróżnić tekst, zmień go w akapit i użyj pogrubienia; nagłówek zostaw \
                         krótki, bez kropki na końcu."
                            .to_owned(),
                    );
                }
                if text::is_all_capitals(&text) {
                    finding(
                        FindingKind::AllCapitals,
                        Severity::Warning,
                        all_capitals_message("Nagłówek"),
                    );
                }
            }
            "p" | "li" | "figcaption" => {
                if element.value().name() == "p" && is_bold_text_used_as_heading(element, &text) {
                    finding(
                        FindingKind::BoldTextUsedAsHeading,
                        Severity::Warning,
                        "Ten akapit jest w całości pogrubiony i wygląda jak nagłówek. Czytnik \
                         ekranu nie ogłosi go jako nagłówka, więc nie da się do niego przejść. \
                         Jeśli to nagłówek, zmień go w „Nagłówek 2” (albo 3 lub 4, zgodnie z \
                         poziomem)."
                            .to_owned(),
                    );
                }
                if !contains_a_block(element) && text::is_all_capitals(&text) {
                    finding(
                        FindingKind::AllCapitals,
                        Severity::Warning,
                        all_capitals_message("Tekst"),
                    );
                }
            }
            "a" => {
                let href = element.value().attr("href");
                if text.is_empty() {
                    if !has_image_with_alt(element) {
                        finding(
                            FindingKind::EmptyLink,
                            Severity::Warning,
                            "Link nie ma tekstu. Czytnik ekranu przeczyta tylko jego adres \
                             albo nic. Wpisz tekst linku, który mówi, dokąd prowadzi, albo \
                             usuń pusty link."
                                .to_owned(),
                        );
                    }
                } else if text::is_vague_link_text(&text) {
                    finding(
                        FindingKind::VagueLinkText,
                        Severity::Warning,
                        format!(
                            "Tekst linku „{}” nie mówi, dokąd link prowadzi. Osoby korzystające \
                             z czytnika ekranu często słuchają samej listy linków. Zmień tekst \
                             tak, by nazywał cel, np. „Regulamin konkursu (PDF, 200 kB)”.",
                            shorten(&text, 40)
                        ),
                    );
                } else if text::is_bare_url(&text, href) {
                    finding(
                        FindingKind::BareUrlLinkText,
                        Severity::Warning,
                        "Tekstem linku jest sam adres. Czytnik ekranu przeczyta go znak po \
                         znaku. Zamiast adresu wpisz nazwę strony lub dokumentu, do którego \
                         prowadzi link."
                            .to_owned(),
                    );
                }
            }
            "img" => {
                let alt = element.value().attr("alt");
                if let Some(problem) = alt_problem(alt) {
                    let what = match problem {
                        AltProblem::Missing => "Obraz w treści nie ma tekstu alternatywnego.",
                        AltProblem::FileName => {
                            "Tekst alternatywny obrazu w treści to nazwa pliku."
                        }
                        AltProblem::Placeholder => {
                            "Tekst alternatywny obrazu w treści nie mówi, co na nim widać."
                        }
                    };
                    findings.push(Finding {
                        kind: FindingKind::ImageWithoutAlt,
                        severity: Severity::Blocking,
                        message: format!(
                            "{what} Opisz obraz jednym lub dwoma zdaniami w jego tekście \
                             alternatywnym albo usuń go z treści. Bez tego artykułu nie można \
                             opublikować."
                        ),
                        excerpt: shorten(
                            alt.filter(|alt| !alt.trim().is_empty())
                                .or_else(|| element.value().attr("src"))
                                .unwrap_or_default(),
                            EXCERPT_CHARS,
                        ),
                        target,
                    });
                }
            }
            "table"
                if !element
                    .descendants()
                    .any(|node| node.value().as_element().is_some_and(|e| e.name() == "th")) =>
            {
                finding(
                    FindingKind::TableWithoutHeaders,
                    Severity::Warning,
                    "Tabela nie ma komórek nagłówka. Czytnik ekranu nie powie, do której \
                         kolumny należy komórka. Zaznacz pierwszy wiersz (albo pierwszą \
                         kolumnę) jako nagłówek tabeli."
                        .to_owned(),
                );
            }
            _ => {}
        }
    }
}

fn skipped_level_message(previous: u8, level: u8) -> String {
    if previous == 1 {
        format!(
            "Pierwszy nagłówek w treści jest nagłówkiem {level}. stopnia. Tytuł artykułu jest \
             nagłówkiem 1. stopnia, więc treść powinna zaczynać się od „Nagłówka 2”. Zmień \
             poziom tego nagłówka."
        )
    } else {
        format!(
            "Po nagłówku {previous}. stopnia następuje nagłówek {level}. stopnia: pominięto \
             poziom. Osoby korzystające z czytnika ekranu poznają układ tekstu po poziomach \
             nagłówków. Zmień ten nagłówek na „Nagłówek {}”.",
            previous + 1
        )
    }
}

fn all_capitals_message(what: &str) -> String {
    format!(
        "{what} jest napisany wielkimi literami. Czytniki ekranu mogą czytać go litera po \
         literze, a taki tekst czyta się trudniej. Napisz go zwykłymi literami; wielkie zostaw \
         tylko w skrótach. Do wyróżnienia użyj pogrubienia."
    )
}

/// A short paragraph (at most ten words, not a sentence ending with a full stop) whose
/// every piece of text is inside `strong` or `b`, followed by more of the body: what a
/// Word user makes when a heading is wanted.
fn is_bold_text_used_as_heading(paragraph: ElementRef<'_>, text: &str) -> bool {
    const MAX_WORDS: usize = 10;
    let words = text::word_count(text);
    if words == 0 || words > MAX_WORDS || text.trim_end().ends_with('.') {
        return false;
    }
    let all_bold = paragraph.descendants().all(|node| match node.value() {
        Node::Text(piece) if !piece.trim().is_empty() => node.ancestors().any(|ancestor| {
            ancestor
                .value()
                .as_element()
                .is_some_and(|element| matches!(element.name(), "strong" | "b"))
        }),
        Node::Element(element) => element.name() != "img",
        _ => true,
    });
    let followed_by_content = paragraph
        .next_siblings()
        .any(|sibling| sibling.value().is_element());
    all_bold && followed_by_content
}

/// The text of an element as it reads: cells, list items and lines apart by a space
/// ("Rok Kwota", not "RokKwota"), inline markup joined ("Ko<b>szty</b>" is "Koszty").
fn readable_text(element: ElementRef<'_>) -> String {
    let mut text = String::new();
    push_readable_text(element, &mut text);
    collapse_whitespace(&text)
}

fn push_readable_text(element: ElementRef<'_>, text: &mut String) {
    for child in element.children() {
        match child.value() {
            Node::Text(piece) => text.push_str(piece),
            Node::Element(inner) => {
                let separated = is_separated(inner.name());
                if separated {
                    text.push(' ');
                }
                if let Some(child_element) = ElementRef::wrap(child) {
                    push_readable_text(child_element, text);
                }
                if separated {
                    text.push(' ');
                }
            }
            _ => {}
        }
    }
}

/// Elements whose text does not run on into its neighbours' (blocks, cells, `br`).
fn is_separated(name: &str) -> bool {
    !matches!(
        name,
        "a" | "strong"
            | "b"
            | "em"
            | "i"
            | "u"
            | "s"
            | "sub"
            | "sup"
            | "small"
            | "mark"
            | "abbr"
            | "cite"
            | "q"
            | "code"
    )
}

/// Whether a list item holds paragraphs or lists of its own, which are checked themselves.
fn contains_a_block(element: ElementRef<'_>) -> bool {
    element.descendants().skip(1).any(|node| {
        node.value()
            .as_element()
            .is_some_and(|child| matches!(child.name(), "p" | "ul" | "ol" | "blockquote"))
    })
}

/// A link around an image is named by the image's alternative text.
fn has_image_with_alt(link: ElementRef<'_>) -> bool {
    link.descendants().any(|node| {
        node.value().as_element().is_some_and(|element| {
            element.name() == "img" && alt_problem(element.attr("alt")).is_none()
        })
    })
}
