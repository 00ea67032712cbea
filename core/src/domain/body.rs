//! The article body: sanitised HTML, its plain text and its table of contents.
//!
//! Every body passes through [`ArticleBody::from_untrusted_html`] before it is stored, so
//! the HTML a frontend receives is always the allowlisted subset, whoever wrote it.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use scraper::{ElementRef, Html, Node, Selector};
use serde::{Deserialize, Serialize};

/// One entry of the table of contents: an `h2`–`h4` of the body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Heading {
    /// 2, 3 or 4.
    pub level: u8,
    pub text: String,
    /// The `id` the heading carries in the sanitised HTML, for `#anchor` links.
    pub anchor: String,
}

/// A body that is safe to send to any browser, with what is derived from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArticleBody {
    pub html: String,
    pub text: String,
    pub headings: Vec<Heading>,
}

#[derive(Debug, thiserror::Error)]
#[error("the body could not be rewritten: {0}")]
pub struct BodyError(String);

/// How an editor wrote a body. Either way it is stored as sanitised HTML.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BodyFormat {
    #[default]
    Html,
    Markdown,
}

static HEADING_SELECTOR: LazyLock<Option<Selector>> =
    LazyLock::new(|| Selector::parse("h2, h3, h4").ok());

/// Elements after which plain text starts a new paragraph.
const BLOCK_ELEMENTS: &[&str] = &[
    "p",
    "h2",
    "h3",
    "h4",
    "li",
    "blockquote",
    "tr",
    "figcaption",
    "figure",
    "table",
    "ul",
    "ol",
];

impl ArticleBody {
    /// Renders Markdown (CommonMark with tables) when asked, then sanitises as HTML.
    /// Raw HTML inside Markdown is allowed by the renderer and cleaned like any other.
    pub fn from_untrusted(input: &str, format: BodyFormat) -> Result<Self, BodyError> {
        match format {
            BodyFormat::Html => Self::from_untrusted_html(input),
            BodyFormat::Markdown => {
                let parser = pulldown_cmark::Parser::new_ext(
                    input,
                    pulldown_cmark::Options::ENABLE_TABLES
                        | pulldown_cmark::Options::ENABLE_STRIKETHROUGH,
                );
                let mut html = String::with_capacity(input.len() * 2);
                pulldown_cmark::html::push_html(&mut html, parser);
                Self::from_untrusted_html(&html)
            }
        }
    }

    /// The table of contents as stored in `articles.headings_json`.
    pub fn headings_json(&self) -> String {
        // A list of plain structs of strings and numbers always serialises.
        serde_json::to_string(&self.headings).unwrap_or_else(|_| "[]".to_owned())
    }

    /// Sanitises untrusted HTML with the body allowlist and derives text and headings.
    pub fn from_untrusted_html(untrusted: &str) -> Result<Self, BodyError> {
        let sanitised = sanitiser().clean(untrusted).to_string();
        let document = Html::parse_fragment(&sanitised);
        let heading_elements = collect_headings(&document);
        let text = plain_text(&document);
        let html = add_heading_anchors(&sanitised, &heading_elements)?;
        let headings = heading_elements.into_iter().flatten().collect();
        Ok(Self {
            html,
            text,
            headings,
        })
    }
}

/// The fixed allowlist: headings, paragraphs, lists, links, emphasis, quotes, tables,
/// figures. Everything else (scripts, styles, event handlers, iframes, `javascript:`
/// URLs) is removed by ammonia, which parses like a browser does.
fn sanitiser() -> ammonia::Builder<'static> {
    let tags: HashSet<&'static str> = [
        "h2",
        "h3",
        "h4",
        "p",
        "br",
        "hr",
        "ul",
        "ol",
        "li",
        "a",
        "strong",
        "b",
        "em",
        "i",
        "u",
        "s",
        "sub",
        "sup",
        "small",
        "mark",
        "abbr",
        "cite",
        "q",
        "code",
        "pre",
        "blockquote",
        "table",
        "caption",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
        "figure",
        "figcaption",
        "img",
    ]
    .into_iter()
    .collect();
    let tag_attributes: HashMap<&'static str, HashSet<&'static str>> = [
        ("a", ["href", "title"].into_iter().collect()),
        ("abbr", ["title"].into_iter().collect()),
        (
            "img",
            ["src", "alt", "width", "height"].into_iter().collect(),
        ),
        ("th", ["colspan", "rowspan", "scope"].into_iter().collect()),
        ("td", ["colspan", "rowspan"].into_iter().collect()),
        ("ol", ["start"].into_iter().collect()),
    ]
    .into_iter()
    .collect();
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(tags)
        .tag_attributes(tag_attributes)
        .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
        .url_relative(ammonia::UrlRelative::PassThrough)
        .link_rel(Some("noopener noreferrer"))
        .strip_comments(true);
    builder
}

/// One entry per `h2`–`h4` element in document order; `None` for a heading without text,
/// which gets no place in the table of contents.
fn collect_headings(document: &Html) -> Vec<Option<Heading>> {
    let Some(selector) = HEADING_SELECTOR.as_ref() else {
        return Vec::new();
    };
    let mut used_anchors = HashSet::new();
    document
        .select(selector)
        .map(|element| {
            let level = match element.value().name() {
                "h2" => 2,
                "h3" => 3,
                _ => 4,
            };
            let text = collapse_whitespace(&element.text().collect::<String>());
            if text.is_empty() {
                return None;
            }
            let anchor = unique_anchor(&text, &mut used_anchors);
            Some(Heading {
                level,
                text,
                anchor,
            })
        })
        .collect()
}

/// An anchor made from the heading text, made unique with `-2`, `-3`… when repeated.
fn unique_anchor(text: &str, used_anchors: &mut HashSet<String>) -> String {
    let mut base = slug::slugify(text);
    if base.is_empty() {
        base = "section".to_owned();
    }
    let mut anchor = base.clone();
    let mut counter = 2;
    while !used_anchors.insert(anchor.clone()) {
        anchor = format!("{base}-{counter}");
        counter += 1;
    }
    anchor
}

/// Writes the computed anchors as `id` attributes. The rewriter sees a heading's start tag
/// before its text, so elements are paired with `heading_elements` by document order,
/// which both walks share.
fn add_heading_anchors(
    sanitised: &str,
    heading_elements: &[Option<Heading>],
) -> Result<String, BodyError> {
    let mut anchors = heading_elements
        .iter()
        .map(|heading| heading.as_ref().map(|heading| heading.anchor.as_str()));
    lol_html::rewrite_str(
        sanitised,
        lol_html::RewriteStrSettings {
            element_content_handlers: vec![lol_html::element!("h2, h3, h4", |element| {
                if let Some(Some(anchor)) = anchors.next() {
                    element.set_attribute("id", anchor)?;
                }
                Ok(())
            })],
            ..lol_html::RewriteStrSettings::new()
        },
    )
    .map_err(|error| BodyError(error.to_string()))
}

/// The readable text of the body: one paragraph per block element, separated by a blank
/// line, with whitespace inside paragraphs collapsed.
fn plain_text(document: &Html) -> String {
    let mut paragraphs = Vec::new();
    let mut current = String::new();
    walk_text(document.root_element(), &mut current, &mut paragraphs);
    finish_paragraph(&mut current, &mut paragraphs);
    paragraphs.join("\n\n")
}

fn walk_text(element: ElementRef<'_>, current: &mut String, paragraphs: &mut Vec<String>) {
    for child in element.children() {
        match child.value() {
            Node::Text(text) => current.push_str(text),
            Node::Element(child_element) => {
                let name = child_element.name();
                if name == "br" {
                    current.push(' ');
                    continue;
                }
                let is_block = BLOCK_ELEMENTS.contains(&name);
                if is_block {
                    finish_paragraph(current, paragraphs);
                }
                if let Some(child_ref) = ElementRef::wrap(child) {
                    walk_text(child_ref, current, paragraphs);
                }
                if is_block {
                    finish_paragraph(current, paragraphs);
                } else if matches!(name, "td" | "th") {
                    current.push(' ');
                }
            }
            _ => {}
        }
    }
}

fn finish_paragraph(current: &mut String, paragraphs: &mut Vec<String>) {
    let paragraph = collapse_whitespace(current);
    if !paragraph.is_empty() {
        paragraphs.push(paragraph);
    }
    current.clear();
}

/// Collapses runs of ASCII whitespace (HTML's own whitespace) to one space. No-break
/// spaces are content, not layout: Polish typography puts them after one-letter words
/// and editors type them on purpose, so they are kept.
fn collapse_whitespace(text: &str) -> String {
    text.split_ascii_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(html: &str) -> ArticleBody {
        match ArticleBody::from_untrusted_html(html) {
            Ok(body) => body,
            Err(error) => panic!("body rejected: {error}"),
        }
    }

    #[test]
    fn headings_become_a_table_of_contents_with_anchors_in_the_html() {
        let body =
            body("<h2>Czym jest partnerstwo lokalne</h2><p>Tekst.</p><h3>Wzajemne korzyści</h3>");
        assert_eq!(
            body.headings,
            vec![
                Heading {
                    level: 2,
                    text: "Czym jest partnerstwo lokalne".into(),
                    anchor: "czym-jest-partnerstwo-lokalne".into(),
                },
                Heading {
                    level: 3,
                    text: "Wzajemne korzyści".into(),
                    anchor: "wzajemne-korzysci".into(),
                },
            ]
        );
        assert!(
            body.html
                .contains(r#"<h2 id="czym-jest-partnerstwo-lokalne">"#),
            "{}",
            body.html
        );
        assert!(
            body.html.contains(r#"<h3 id="wzajemne-korzysci">"#),
            "{}",
            body.html
        );
    }

    #[test]
    fn repeated_and_empty_headings_keep_anchors_aligned() {
        let body = body("<h2>Plan</h2><h2> </h2><h2>Plan</h2>");
        let anchors: Vec<_> = body.headings.iter().map(|h| h.anchor.as_str()).collect();
        assert_eq!(anchors, ["plan", "plan-2"]);
        assert_eq!(
            body.html,
            r#"<h2 id="plan">Plan</h2><h2> </h2><h2 id="plan-2">Plan</h2>"#
        );
    }

    #[test]
    fn no_break_spaces_are_kept_but_anchors_do_not_contain_them() {
        let body = body("<h2>Czym&nbsp;jest partnerstwo</h2>");
        assert_eq!(body.headings[0].text, "Czym\u{a0}jest partnerstwo");
        assert_eq!(body.headings[0].anchor, "czym-jest-partnerstwo");
        assert_eq!(body.text, "Czym\u{a0}jest partnerstwo");
    }

    #[test]
    fn plain_text_separates_blocks_and_decodes_entities() {
        let body = body(
            "<h2>Tytuł</h2><p>Pierwszy  &amp;\n akapit.</p><ul><li>jeden</li><li>dwa</li></ul>",
        );
        assert_eq!(body.text, "Tytuł\n\nPierwszy & akapit.\n\njeden\n\ndwa");
    }

    #[test]
    fn user_supplied_ids_and_unknown_markup_do_not_survive() {
        let body =
            body(r#"<h2 id="evil" class="x" style="color:red">A</h2><div><span>b</span></div>"#);
        assert_eq!(body.html, r#"<h2 id="a">A</h2>b"#);
    }

    #[test]
    fn markdown_becomes_the_same_sanitised_html() {
        let body = ArticleBody::from_untrusted(
            "## Plan\n\nTekst *ważny*.\n\n<script>x</script>",
            BodyFormat::Markdown,
        )
        .unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(
            body.html,
            "<h2 id=\"plan\">Plan</h2>\n<p>Tekst <em>ważny</em>.</p>\n"
        );
    }

    #[test]
    fn scripts_handlers_and_javascript_urls_are_removed() {
        let body = body(
            r#"<p onclick="alert(1)">x<script>alert(2)</script></p><a href="javascript:alert(3)">y</a><iframe src="https://e.com"></iframe>"#,
        );
        assert_eq!(body.html, r#"<p>x</p><a rel="noopener noreferrer">y</a>"#);
    }
}
