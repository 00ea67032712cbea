//! An old site's article pages, as `wget --mirror` leaves them, read as articles by a
//! profile that says where each part is (CSS selectors) and how it is worded.
//! `docs/import-profile.toml` is one, for pages shaped like the seed article.

use std::path::{Component, Path, PathBuf};

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use scraper::{ElementRef, Html, Selector};
use serde::Deserialize;

use super::{Export, ImportedArticle, ImportedAuthor, ImportedPhoto, ImportedTerm};
use crate::domain::{ArticleStatus, Slug};

/// Where the parts of an article are, and the words around them.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub selectors: Selectors,
    pub words: Words,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Selectors {
    pub title: String,
    pub section: Option<String>,
    pub dates: Option<String>,
    pub people: Option<String>,
    pub photos: Option<String>,
    pub lead: Option<String>,
    pub body: Option<String>,
    pub views: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Words {
    pub date_format: String,
    pub updated: Option<String>,
    pub byline: Option<String>,
    pub entered_by: Option<String>,
    pub views: Option<String>,
    pub credit: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum HtmlImportError {
    #[error("{path}: {message}")]
    Read { path: String, message: String },
    #[error("the profile {path}: {message}")]
    Profile { path: String, message: String },
}

/// A profile with its selectors parsed, so a bad one is refused before any page is read.
struct Compiled {
    title: Selector,
    section: Option<Selector>,
    dates: Option<Selector>,
    people: Option<Selector>,
    photos: Option<Selector>,
    lead: Option<Selector>,
    body: Option<Selector>,
    views: Option<Selector>,
    image: Selector,
    caption: Selector,
}

/// Reads a profile file.
pub fn load_profile(path: &Path) -> Result<Profile, HtmlImportError> {
    let text = std::fs::read_to_string(path).map_err(|error| HtmlImportError::Profile {
        path: path.display().to_string(),
        message: error.to_string(),
    })?;
    toml::from_str(&text).map_err(|error| HtmlImportError::Profile {
        path: path.display().to_string(),
        message: error.to_string(),
    })
}

fn compile(profile: &Profile, path: &Path) -> Result<Compiled, HtmlImportError> {
    let parse = |css: &str| {
        Selector::parse(css).map_err(|error| HtmlImportError::Profile {
            path: path.display().to_string(),
            message: format!("selector {css:?}: {error}"),
        })
    };
    let optional = |css: &Option<String>| css.as_deref().map(parse).transpose();
    let selectors = &profile.selectors;
    Ok(Compiled {
        title: parse(&selectors.title)?,
        section: optional(&selectors.section)?,
        dates: optional(&selectors.dates)?,
        people: optional(&selectors.people)?,
        photos: optional(&selectors.photos)?,
        lead: optional(&selectors.lead)?,
        body: optional(&selectors.body)?,
        views: optional(&selectors.views)?,
        image: parse("img")?,
        caption: parse("figcaption")?,
    })
}

/// Reads every `.html`/`.htm` page under `dir`, in path order.
pub fn read(
    dir: &Path,
    profile: &Profile,
    profile_path: &Path,
    zone: chrono_tz::Tz,
) -> Result<Export, HtmlImportError> {
    let compiled = compile(profile, profile_path)?;
    let mut pages = Vec::new();
    collect_pages(dir, &mut pages)?;
    pages.sort();
    let mut export = Export::default();
    for page in pages {
        let relative = page
            .strip_prefix(dir)
            .map(|path| {
                path.to_string_lossy()
                    .replace(std::path::MAIN_SEPARATOR, "/")
            })
            .unwrap_or_default();
        let html = std::fs::read_to_string(&page).map_err(|error| HtmlImportError::Read {
            path: page.display().to_string(),
            message: error.to_string(),
        })?;
        let document = Html::parse_document(&html);
        match article(&document, &compiled, profile, &relative, dir, &page, zone) {
            Ok((article, warnings)) => {
                export.articles.push(article);
                export.warnings.extend(warnings);
            }
            Err(reason) => export.skipped.push((relative, reason)),
        }
    }
    Ok(export)
}

fn collect_pages(dir: &Path, pages: &mut Vec<PathBuf>) -> Result<(), HtmlImportError> {
    let entries = std::fs::read_dir(dir).map_err(|error| HtmlImportError::Read {
        path: dir.display().to_string(),
        message: error.to_string(),
    })?;
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            collect_pages(&path, pages)?;
        } else if kind.is_file()
            && path
                .extension()
                .and_then(|extension| extension.to_str())
                .is_some_and(|extension| matches!(extension, "html" | "htm"))
        {
            pages.push(path);
        }
    }
    Ok(())
}

fn text_of(element: ElementRef<'_>) -> String {
    element
        .text()
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn first<'a>(document: &'a Html, selector: Option<&Selector>) -> Option<ElementRef<'a>> {
    document.select(selector?).next()
}

/// One page as an article, or why it is not one.
fn article(
    document: &Html,
    compiled: &Compiled,
    profile: &Profile,
    relative: &str,
    dir: &Path,
    page: &Path,
    zone: chrono_tz::Tz,
) -> Result<(ImportedArticle, Vec<String>), String> {
    let words = &profile.words;
    let title = first(document, Some(&compiled.title))
        .map(text_of)
        .filter(|title| !title.is_empty())
        .ok_or_else(|| {
            format!(
                "not an article page: nothing matches {}",
                profile.selectors.title
            )
        })?;
    let dates = first(document, compiled.dates.as_ref())
        .map(text_of)
        .unwrap_or_default();
    let (published_text, updated_text) = match words.updated.as_deref() {
        Some(marker) if dates.contains(marker) => {
            let (before, after) = dates.split_once(marker).unwrap_or((&dates, ""));
            (before.to_owned(), Some(after.to_owned()))
        }
        _ => (dates.clone(), None),
    };
    let published = parse_time(&published_text, &words.date_format, zone).ok_or_else(|| {
        format!(
            "no publication date in {:?} (format {})",
            dates, words.date_format
        )
    })?;
    let updated = updated_text
        .and_then(|text| parse_time(&text, &words.date_format, zone))
        .unwrap_or(published);
    let people = first(document, compiled.people.as_ref())
        .map(text_of)
        .unwrap_or_default();
    let markers: Vec<&str> = [words.byline.as_deref(), words.entered_by.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    let byline = words
        .byline
        .as_deref()
        .and_then(|marker| after_marker(&people, marker, &markers))
        .unwrap_or_default();
    let entered_by = words
        .entered_by
        .as_deref()
        .and_then(|marker| after_marker(&people, marker, &markers));
    let author = entered_by.map(|name| ImportedAuthor {
        email: format!(
            "{}@import.invalid",
            Slug::from_title(&name)
                .map(|slug| slug.to_string())
                .unwrap_or_default()
        ),
        name,
    });
    let section = first(document, compiled.section.as_ref())
        .map(text_of)
        .filter(|name| !name.is_empty())
        .and_then(|name| {
            Slug::from_title(&name).ok().map(|slug| ImportedTerm {
                slug: slug.to_string(),
                name,
            })
        });
    let views = first(document, compiled.views.as_ref())
        .map(text_of)
        .map(|text| match words.views.as_deref() {
            Some(marker) => text
                .split_once(marker)
                .map_or(text.clone(), |(_, rest)| rest.to_owned()),
            None => text,
        })
        .and_then(|text| {
            text.chars()
                .filter(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .ok()
        })
        .unwrap_or(0);
    let mut warnings = Vec::new();
    let mut photos = Vec::new();
    if let Some(selector) = &compiled.photos {
        for figure in document.select(selector) {
            let Some(image) = figure.select(&compiled.image).next() else {
                continue;
            };
            let source = image.value().attr("src").unwrap_or_default();
            let Some(file) = local_file(dir, page, source) else {
                warnings.push(format!("{relative}: no file for the photo {source}"));
                continue;
            };
            let caption_text = figure
                .select(&compiled.caption)
                .next()
                .map(text_of)
                .unwrap_or_default();
            let (caption, credit) = match words.credit.as_deref() {
                Some(marker) => match caption_text.rsplit_once(marker) {
                    Some((caption, credit)) => (
                        caption.trim().trim_end_matches(',').trim().to_owned(),
                        credit.trim().to_owned(),
                    ),
                    None => (caption_text.clone(), String::new()),
                },
                None => (caption_text.clone(), String::new()),
            };
            photos.push(ImportedPhoto {
                file,
                caption,
                alt: image
                    .value()
                    .attr("alt")
                    .unwrap_or_default()
                    .trim()
                    .to_owned(),
                credit,
            });
        }
    }
    let old_path = format!("/{relative}");
    let slug = Path::new(relative)
        .file_stem()
        .and_then(|stem| stem.to_str())
        .map(ToOwned::to_owned);
    let article = ImportedArticle {
        source: format!("html:{old_path}"),
        old_paths: vec![old_path],
        title,
        slug,
        lead: first(document, compiled.lead.as_ref())
            .map(text_of)
            .unwrap_or_default(),
        body_html: first(document, compiled.body.as_ref())
            .map(|body| body.inner_html())
            .unwrap_or_default(),
        byline,
        author,
        status: ArticleStatus::Published,
        published_at: Some(published),
        created_at: published,
        updated_at: updated,
        section,
        tags: Vec::new(),
        photos,
        view_count: views,
    };
    Ok((article, warnings))
}

/// The text after `marker` up to the next of `markers`, without the commas between.
fn after_marker(text: &str, marker: &str, markers: &[&str]) -> Option<String> {
    let (_, rest) = text.split_once(marker)?;
    let end = markers
        .iter()
        .filter_map(|other| rest.find(other))
        .min()
        .unwrap_or(rest.len());
    let value = rest[..end].trim().trim_matches(',').trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// The first date-and-time of `format` in `text` (commas and spaces around it ignored),
/// read in the site's zone.
fn parse_time(text: &str, format: &str, zone: chrono_tz::Tz) -> Option<DateTime<Utc>> {
    let cleaned = text.trim().trim_matches(',').trim();
    NaiveDateTime::parse_and_remainder(cleaned, format)
        .ok()
        .and_then(|(time, _)| zone.from_local_datetime(&time).earliest())
        .map(|time| time.with_timezone(&Utc))
}

/// The file an `<img src>` of `page` names inside the mirror `dir`; `None` for an address
/// elsewhere or one that would leave the mirror.
fn local_file(dir: &Path, page: &Path, source: &str) -> Option<PathBuf> {
    let source = source.split(['?', '#']).next().unwrap_or(source);
    if source.is_empty() || source.contains("://") || source.starts_with("data:") {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(source)
        .decode_utf8_lossy()
        .into_owned();
    let relative = match decoded.strip_prefix('/') {
        Some(from_root) => PathBuf::from(from_root),
        None => page
            .parent()
            .and_then(|parent| parent.strip_prefix(dir).ok())
            .map(|parent| parent.join(&decoded))?,
    };
    let mut inside = dir.to_path_buf();
    for component in relative.components() {
        match component {
            Component::Normal(part) => inside.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                if !inside.pop() || !inside.starts_with(dir) {
                    return None;
                }
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    (inside.starts_with(dir) && inside.is_file()).then_some(inside)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_and_dates_are_read_by_their_words() {
        let people = "Autor: oprac. WKZ, Wprowadzenie: Dorota Łucja Cichocka";
        let markers = ["Autor:", "Wprowadzenie:"];
        assert_eq!(
            after_marker(people, "Autor:", &markers).as_deref(),
            Some("oprac. WKZ")
        );
        assert_eq!(
            after_marker(people, "Wprowadzenie:", &markers).as_deref(),
            Some("Dorota Łucja Cichocka")
        );
        let zone = chrono_tz::Europe::Warsaw;
        assert_eq!(
            parse_time("2018.02.20 14:50 , ", "%Y.%m.%d %H:%M", zone).map(|t| t.to_rfc3339()),
            Some("2018-02-20T13:50:00+00:00".to_owned())
        );
        assert_eq!(parse_time("wczoraj", "%Y.%m.%d %H:%M", zone), None);
    }

    #[test]
    fn photos_are_taken_from_inside_the_mirror_only() {
        let directory = tempfile::tempdir().unwrap_or_else(|error| panic!("{error}"));
        let dir = directory.path();
        std::fs::create_dir_all(dir.join("a/images")).unwrap_or_else(|error| panic!("{error}"));
        std::fs::write(dir.join("a/images/x.jpg"), b"x").unwrap_or_else(|error| panic!("{error}"));
        std::fs::write(dir.join("secret.txt"), b"x").unwrap_or_else(|error| panic!("{error}"));
        let page = dir.join("a/page.html");
        assert_eq!(
            local_file(dir, &page, "images/x.jpg"),
            Some(dir.join("a/images/x.jpg"))
        );
        assert_eq!(
            local_file(dir, &page, "/a/images/x.jpg"),
            Some(dir.join("a/images/x.jpg"))
        );
        assert_eq!(
            local_file(dir, &page, "../secret.txt"),
            Some(dir.join("secret.txt"))
        );
        assert_eq!(local_file(dir, &page, "../../etc/passwd"), None);
        assert_eq!(
            local_file(dir, &page, "https://old.pl/a/images/x.jpg"),
            None
        );
    }
}
