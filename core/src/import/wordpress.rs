//! A WordPress export (WXR 1.1 or 1.2, what "Tools → Export" writes) read as articles.
//!
//! The file is read as a stream of XML events, so a site of many years never sits in
//! memory whole. Posts become articles; attachments give their photos (found under a copy
//! of `wp-content/uploads`); pages, menu items and the rest are reported and skipped.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use percent_encoding::percent_decode_str;
use quick_xml::Reader;
use quick_xml::events::Event;
use regex::Regex;

use super::{Export, ImportedArticle, ImportedAuthor, ImportedPhoto, ImportedTerm};
use crate::content::old_site_path;
use crate::domain::ArticleStatus;

/// Post meta keys popular view-counting plugins keep their count under.
const VIEW_COUNT_KEYS: [&str; 5] = [
    "views",
    "post_views_count",
    "_post_views",
    "wpb_post_views_count",
    "_views",
];

/// The remark for posts that name photos when no uploads copy was given.
const NO_UPLOADS: &str = "no --uploads directory given: the articles come without their photos";

#[derive(Debug, thiserror::Error)]
pub enum WxrError {
    #[error("{path}: {message}")]
    Read { path: String, message: String },
    #[error("{0} is not a WordPress export (no <rss> with a <channel> of items)")]
    NotWxr(String),
}

/// One `<item>` with the parts an import uses.
#[derive(Debug, Default)]
struct Item {
    fields: HashMap<String, String>,
    /// `(domain, nicename, name)` of each `<category>`, in order.
    categories: Vec<(String, String, String)>,
    meta: Vec<(String, String)>,
}

impl Item {
    fn field(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", |value| value.trim())
    }

    fn meta(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.trim())
    }
}

/// An attachment: where its file was on the old site, and its words.
#[derive(Debug, Clone)]
struct Attachment {
    url: String,
    caption: String,
    alt: String,
}

/// Reads `path`. `uploads` is a copy of the site's `wp-content/uploads`; without it the
/// articles come without photos. Times without a zone (drafts have no GMT date) are read
/// in `zone`.
pub fn read(path: &Path, uploads: Option<&Path>, zone: chrono_tz::Tz) -> Result<Export, WxrError> {
    let file = std::fs::File::open(path).map_err(|error| WxrError::Read {
        path: path.display().to_string(),
        message: error.to_string(),
    })?;
    let (authors, items) =
        parse(std::io::BufReader::new(file)).map_err(|message| WxrError::Read {
            path: path.display().to_string(),
            message,
        })?;
    if items.is_empty() && authors.is_empty() {
        return Err(WxrError::NotWxr(path.display().to_string()));
    }
    let attachments: HashMap<String, Attachment> = items
        .iter()
        .filter(|item| item.field("wp:post_type") == "attachment")
        .map(|item| {
            (
                item.field("wp:post_id").to_owned(),
                Attachment {
                    url: item.field("wp:attachment_url").to_owned(),
                    caption: strip_tags(item.field("excerpt:encoded")),
                    alt: item
                        .meta("_wp_attachment_image_alt")
                        .unwrap_or("")
                        .to_owned(),
                },
            )
        })
        .collect();
    let mut export = Export::default();
    for item in &items {
        let title = item.field("title").to_owned();
        let kind = item.field("wp:post_type");
        let status = item.field("wp:status");
        match (kind, status) {
            ("attachment", _) => {}
            ("post", "trash" | "inherit" | "auto-draft") => export
                .skipped
                .push((title, format!("a post with status {status}"))),
            ("post", _) => {
                let (article, warnings) = article(item, &authors, &attachments, uploads, zone);
                export.articles.push(article);
                export.warnings.extend(warnings);
            }
            (other, _) => export.skipped.push((
                title,
                format!(
                    "a {} (only posts become articles)",
                    if other.is_empty() {
                        "item without type"
                    } else {
                        other
                    }
                ),
            )),
        }
    }
    // Said once for the whole export, not once per post.
    let without_files = export.warnings.iter().filter(|w| *w == NO_UPLOADS).count();
    export.warnings.retain(|warning| warning != NO_UPLOADS);
    if without_files > 0 {
        export
            .warnings
            .push(format!("{NO_UPLOADS} ({without_files} posts name photos)"));
    }
    Ok(export)
}

/// The authors (login → name and e-mail) and every item.
fn parse(source: impl BufRead) -> Result<(HashMap<String, ImportedAuthor>, Vec<Item>), String> {
    let mut reader = Reader::from_reader(source);
    reader.config_mut().trim_text(false);
    let mut buffer = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut authors = HashMap::new();
    let mut author: HashMap<String, String> = HashMap::new();
    let mut items = Vec::new();
    let mut item: Option<Item> = None;
    let mut category: Option<(String, String)> = None;
    let mut meta: (String, String) = Default::default();
    loop {
        let event = reader
            .read_event_into(&mut buffer)
            .map_err(|error| format!("at byte {}: {error}", reader.buffer_position()))?;
        match event {
            Event::Start(start) => {
                let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
                match name.as_str() {
                    "item" => item = Some(Item::default()),
                    "category" if item.is_some() => {
                        let attribute = |wanted: &[u8]| {
                            start
                                .attributes()
                                .flatten()
                                .find(|attribute| attribute.key.as_ref() == wanted)
                                .map(|attribute| {
                                    String::from_utf8_lossy(&attribute.value).into_owned()
                                })
                                .unwrap_or_default()
                        };
                        category = Some((attribute(b"domain"), attribute(b"nicename")));
                    }
                    _ => {}
                }
                path.push(name);
                text.clear();
            }
            Event::Text(content) => {
                let decoded = content.decode().map_err(|error| error.to_string())?;
                let unescaped =
                    quick_xml::escape::unescape(&decoded).map_err(|error| error.to_string())?;
                text.push_str(&unescaped);
            }
            Event::GeneralRef(reference) => {
                let name = String::from_utf8_lossy(&reference).into_owned();
                let entity = format!("&{name};");
                let resolved =
                    quick_xml::escape::unescape(&entity).map_err(|error| error.to_string())?;
                text.push_str(&resolved);
            }
            Event::CData(content) => text.push_str(&String::from_utf8_lossy(&content)),
            Event::End(_) => {
                let Some(name) = path.pop() else {
                    return Err("a closing tag without its opening".to_owned());
                };
                let value = std::mem::take(&mut text);
                match (name.as_str(), item.as_mut()) {
                    ("item", Some(_)) => items.extend(item.take()),
                    ("category", Some(current)) => {
                        if let Some((domain, nicename)) = category.take() {
                            current
                                .categories
                                .push((domain, nicename, value.trim().to_owned()));
                        }
                    }
                    ("wp:meta_key", Some(_)) => meta.0 = value,
                    ("wp:meta_value", Some(_)) => meta.1 = value,
                    ("wp:postmeta", Some(current)) => current.meta.push(std::mem::take(&mut meta)),
                    (field, Some(current))
                        if path.last().is_some_and(|parent| parent == "item") =>
                    {
                        current.fields.entry(field.to_owned()).or_insert(value);
                    }
                    ("wp:author", None) => {
                        let login = author.remove("wp:author_login").unwrap_or_default();
                        authors.insert(
                            login.trim().to_owned(),
                            ImportedAuthor {
                                name: author
                                    .remove("wp:author_display_name")
                                    .unwrap_or_default()
                                    .trim()
                                    .to_owned(),
                                email: author
                                    .remove("wp:author_email")
                                    .unwrap_or_default()
                                    .trim()
                                    .to_owned(),
                            },
                        );
                        author.clear();
                    }
                    (field, None) if path.last().is_some_and(|parent| parent == "wp:author") => {
                        author.insert(field.to_owned(), value);
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buffer.clear();
    }
    Ok((authors, items))
}

fn article(
    item: &Item,
    authors: &HashMap<String, ImportedAuthor>,
    attachments: &HashMap<String, Attachment>,
    uploads: Option<&Path>,
    zone: chrono_tz::Tz,
) -> (ImportedArticle, Vec<String>) {
    let title = item.field("title").to_owned();
    let guid = item.field("guid");
    // The post's id on its site, in WordPress's own short-link form. Not the guid: exports
    // hold posts that share one (a copied post keeps its original's).
    let site = [item.field("link"), guid]
        .into_iter()
        .find_map(|url| {
            url.split_once("://")
                .map(|(_, rest)| rest.split('/').next().unwrap_or(rest))
        })
        .unwrap_or("");
    let source = format!("wordpress:{site}/?p={}", item.field("wp:post_id"));
    let mut old_paths: Vec<String> = [item.field("link"), guid]
        .into_iter()
        .filter_map(old_site_path)
        .filter(|path| path != "/")
        .collect();
    old_paths.dedup();
    let created = time(
        item.field("wp:post_date_gmt"),
        item.field("wp:post_date"),
        zone,
    );
    let modified = time(
        item.field("wp:post_modified_gmt"),
        item.field("wp:post_modified"),
        zone,
    )
    .or(created);
    let status = match item.field("wp:status") {
        "publish" => ArticleStatus::Published,
        "future" => ArticleStatus::Scheduled,
        // draft, pending, private: only editors should see it.
        _ => ArticleStatus::Draft,
    };
    let published_at = matches!(status, ArticleStatus::Published | ArticleStatus::Scheduled)
        .then_some(created)
        .flatten();
    let now = Utc::now();
    let mut section = None;
    let mut tags = Vec::new();
    for (domain, nicename, name) in &item.categories {
        let term = ImportedTerm {
            slug: decode(nicename),
            name: name.clone(),
        };
        match domain.as_str() {
            "category" if section.is_none() => section = Some(term),
            "category" | "post_tag" => tags.push(term),
            _ => {}
        }
    }
    let author = authors.get(item.field("dc:creator")).cloned();
    let byline = author
        .as_ref()
        .map(|author| author.name.clone())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| item.field("dc:creator").to_owned());
    let content = item.field("content:encoded");
    let (body_html, captions) = body(content);
    let (photos, mut warnings) = photos(item, content, &captions, attachments, uploads, &title);
    // WordPress allows a post without a title; an article needs one.
    let title = if title.trim().is_empty() {
        let made = title_from_text(&body_html, item.field("wp:post_id"));
        warnings.push(format!(
            "{}: no title; titled “{made}” from its text",
            item.field("link")
        ));
        made
    } else {
        title
    };
    let view_count = VIEW_COUNT_KEYS
        .iter()
        .find_map(|key| item.meta(key)?.parse::<i64>().ok())
        .unwrap_or(0)
        .max(0);
    let article = ImportedArticle {
        source,
        old_paths,
        slug: Some(decode(item.field("wp:post_name"))).filter(|slug| !slug.is_empty()),
        lead: strip_tags(item.field("excerpt:encoded")),
        body_html,
        byline,
        author,
        status,
        published_at,
        created_at: created.unwrap_or(now),
        updated_at: modified.unwrap_or(now),
        section,
        tags,
        photos,
        view_count,
        title,
    };
    (article, warnings)
}

/// The first words of the text, at most about 80 characters, as a title.
fn title_from_text(body_html: &str, post_id: &str) -> String {
    const MAX_CHARS: usize = 80;
    let text = strip_tags(body_html);
    let mut title = String::new();
    for word in text.split_whitespace() {
        if title.chars().count() + word.chars().count() > MAX_CHARS {
            title.push('…');
            break;
        }
        if !title.is_empty() {
            title.push(' ');
        }
        title.push_str(word);
    }
    if title.is_empty() {
        format!("Bez tytułu ({post_id})")
    } else {
        title
    }
}

/// A WordPress time: the GMT one when set, else the local one read in `zone`.
fn time(gmt: &str, local: &str, zone: chrono_tz::Tz) -> Option<DateTime<Utc>> {
    let parse = |text: &str| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").ok();
    // Drafts carry "0000-00-00 00:00:00", which no parser accepts.
    match parse(gmt) {
        Some(time) => Some(Utc.from_utc_datetime(&time)),
        None => parse(local)
            .and_then(|time| zone.from_local_datetime(&time).earliest())
            .map(|time| time.with_timezone(&Utc)),
    }
}

fn decode(text: &str) -> String {
    percent_decode_str(text)
        .decode_utf8_lossy()
        .trim()
        .to_owned()
}

static TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<[^>]*>").unwrap_or_else(|_| unreachable!()));
static CAPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?s)\[caption[^\]]*\](.*?)\[/caption\]").unwrap_or_else(|_| unreachable!())
});
static EMBED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\[embed[^\]]*\](.*?)\[/embed\]").unwrap_or_else(|_| unreachable!())
});
static SHORTCODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\[/?[a-z_][a-z0-9_-]*(\s[^\]]*)?\]"#).unwrap_or_else(|_| unreachable!())
});
static IMAGE_SOURCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"<img[^>]*\ssrc\s*=\s*["']([^"']+)["']"#).unwrap_or_else(|_| unreachable!())
});
static GALLERY_IDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\[gallery[^\]]*\sids\s*=\s*["']?([0-9, ]+)"#).unwrap_or_else(|_| unreachable!())
});
static BLOCK_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)<(p|div|h[1-6]|ul|ol|table|blockquote|figure|pre)[\s>]")
        .unwrap_or_else(|_| unreachable!())
});

fn strip_tags(html: &str) -> String {
    TAG.replace_all(html, "").trim().to_owned()
}

/// The body as plain structure, and the captions of `[caption]` images by their source.
/// Shortcodes go (their content stays), `[embed]` becomes a link, and a classic-editor
/// post (paragraphs separated by blank lines, no tags) gets its paragraphs, as WordPress's
/// `wpautop` would have given them. Images leave the body for the gallery; the body
/// sanitiser removes what is left of them.
fn body(content: &str) -> (String, HashMap<String, String>) {
    let mut captions = HashMap::new();
    let without_captions = CAPTION.replace_all(content, |found: &regex::Captures<'_>| {
        let inner = &found[1];
        if let Some(source) = IMAGE_SOURCE.captures(inner) {
            captions.insert(source[1].to_owned(), strip_tags(inner));
        }
        String::new()
    });
    let embeds = EMBED.replace_all(&without_captions, |found: &regex::Captures<'_>| {
        let url = quick_xml::escape::escape(found[1].trim());
        format!("<a href=\"{url}\">{url}</a>")
    });
    let plain = SHORTCODE.replace_all(&embeds, "").into_owned();
    let html = if BLOCK_TAG.is_match(&plain) {
        plain
    } else {
        plain
            .replace("\r\n", "\n")
            .split("\n\n")
            .map(str::trim)
            .filter(|paragraph| !paragraph.is_empty())
            .map(|paragraph| format!("<p>{}</p>", paragraph.replace('\n', "<br>")))
            .collect::<Vec<_>>()
            .join("\n")
    };
    (html, captions)
}

/// The article's photos: the featured image, then the `[gallery]` ones, then the images
/// in the text, each once, found under `uploads` (see `upload_file`).
fn photos(
    item: &Item,
    content: &str,
    captions: &HashMap<String, String>,
    attachments: &HashMap<String, Attachment>,
    uploads: Option<&Path>,
    title: &str,
) -> (Vec<ImportedPhoto>, Vec<String>) {
    let mut wanted: Vec<(String, String, String)> = Vec::new();
    let add_attachment = |id: &str, wanted: &mut Vec<(String, String, String)>| {
        if let Some(attachment) = attachments.get(id.trim()) {
            wanted.push((
                attachment.url.clone(),
                attachment.caption.clone(),
                attachment.alt.clone(),
            ));
        }
    };
    if let Some(id) = item.meta("_thumbnail_id") {
        add_attachment(id, &mut wanted);
    }
    for ids in GALLERY_IDS.captures_iter(content) {
        for id in ids[1].split(',') {
            add_attachment(id, &mut wanted);
        }
    }
    for source in IMAGE_SOURCE.captures_iter(content) {
        let url = source[1].to_owned();
        let known = attachments
            .values()
            .find(|attachment| same_file(&attachment.url, &url));
        let caption = captions
            .get(&url)
            .cloned()
            .or_else(|| known.map(|attachment| attachment.caption.clone()))
            .unwrap_or_default();
        let alt = known
            .map(|attachment| attachment.alt.clone())
            .unwrap_or_default();
        wanted.push((url, caption, alt));
    }
    let Some(uploads) = uploads else {
        let warnings = if wanted.is_empty() {
            Vec::new()
        } else {
            vec![NO_UPLOADS.to_owned()]
        };
        return (Vec::new(), warnings);
    };
    let mut photos: Vec<ImportedPhoto> = Vec::new();
    let mut warnings = Vec::new();
    for (url, caption, alt) in wanted {
        let Some(file) = upload_file(uploads, &url) else {
            warnings.push(format!("{title}: no file for {url} in the uploads"));
            continue;
        };
        if photos.iter().any(|photo| photo.file == file) {
            continue;
        }
        photos.push(ImportedPhoto {
            file,
            caption,
            alt,
            credit: String::new(),
        });
    }
    (photos, warnings)
}

/// The same upload, whatever the size suffix WordPress gave a resized copy
/// (`photo-300x200.jpg` is `photo.jpg`).
fn same_file(attachment_url: &str, image_url: &str) -> bool {
    static SIZE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"-\d+x\d+(\.[A-Za-z0-9]+)$").unwrap_or_else(|_| unreachable!())
    });
    let plain = |url: &str| {
        SIZE.replace(url.split('?').next().unwrap_or(url), "$1")
            .into_owned()
    };
    plain(attachment_url) == plain(image_url)
}

/// The file of an upload URL in the uploads copy, if it is there. Only paths under the
/// copy are considered: `..` in a URL cannot reach outside it.
fn upload_file(uploads: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    // `…/wp-content/uploads/2020/01/a.jpg`; WordPress.com serves the same tree from a
    // host of its own: `https://site.files.wordpress.com/2020/01/a.jpg`.
    let relative = path
        .split_once("/uploads/")
        .or_else(|| path.split_once("/files/"))
        .map(|(_, rest)| rest)
        .or_else(|| {
            let after_scheme = path.split_once("://")?.1;
            let (host, rest) = after_scheme.split_once('/')?;
            host.contains(".files.").then_some(rest)
        })
        .map(decode)?;
    let mut file = uploads.to_path_buf();
    for part in relative.split('/') {
        if part.is_empty() || part == "." || part == ".." {
            return None;
        }
        file.push(part);
    }
    file.is_file().then_some(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_classic_post_gets_paragraphs_and_loses_its_shortcodes() {
        let (html, captions) = body(
            "Pierwszy akapit.\nDruga linia.\n\n[caption id=\"a1\" width=\"300\"]<img src=\"http://x.pl/wp-content/uploads/2020/01/a.jpg\" alt=\"\"> Sala obrad[/caption]\n\n[gallery ids=\"1,2\"]\n\nTrzeci [b]akapit[/b].\n\n[embed]https://www.youtube.com/watch?v=1[/embed]",
        );
        assert_eq!(
            html,
            "<p>Pierwszy akapit.<br>Druga linia.</p>\n<p>Trzeci akapit.</p>\n<p><a href=\"https://www.youtube.com/watch?v=1\">https://www.youtube.com/watch?v=1</a></p>"
        );
        assert_eq!(
            captions
                .get("http://x.pl/wp-content/uploads/2020/01/a.jpg")
                .map(String::as_str),
            Some("Sala obrad")
        );
        let (blocks, _) = body("<!-- wp:paragraph -->\n<p>Jeden</p>\n<!-- /wp:paragraph -->");
        assert!(blocks.contains("<p>Jeden</p>"), "{blocks}");
        assert!(!body("[1] przypis").0.is_empty());
    }

    #[test]
    fn uploads_are_found_by_their_path_and_never_outside_the_copy() {
        let directory = tempfile::tempdir().unwrap_or_else(|error| panic!("{error}"));
        let month = directory.path().join("2020/01");
        std::fs::create_dir_all(&month).unwrap_or_else(|error| panic!("{error}"));
        std::fs::write(month.join("zdjęcie.jpg"), b"x").unwrap_or_else(|error| panic!("{error}"));
        let uploads = directory.path();
        assert_eq!(
            upload_file(
                uploads,
                "https://old.pl/wp-content/uploads/2020/01/zdj%C4%99cie.jpg?w=300"
            ),
            Some(month.join("zdjęcie.jpg"))
        );
        assert_eq!(
            upload_file(
                uploads,
                "https://old.pl/wp-content/uploads/../../etc/passwd"
            ),
            None
        );
        assert_eq!(upload_file(uploads, "https://old.pl/images/a.jpg"), None);
        assert_eq!(
            upload_file(
                uploads,
                "https://site.files.wordpress.com/2020/01/zdj%C4%99cie.jpg"
            ),
            Some(month.join("zdjęcie.jpg"))
        );
        assert!(same_file(
            "https://old.pl/wp-content/uploads/2020/01/a.jpg",
            "https://old.pl/wp-content/uploads/2020/01/a-300x200.jpg"
        ));
    }

    #[test]
    fn times_without_a_zone_are_read_in_the_sites() {
        let zone = chrono_tz::Europe::Warsaw;
        assert_eq!(
            time("2014-09-02 17:16:26", "", zone).map(|t| t.to_rfc3339()),
            Some("2014-09-02T17:16:26+00:00".to_owned())
        );
        assert_eq!(
            time("0000-00-00 00:00:00", "2014-09-02 19:16:26", zone).map(|t| t.to_rfc3339()),
            Some("2014-09-02T17:16:26+00:00".to_owned())
        );
    }
}
