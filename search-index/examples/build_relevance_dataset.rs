//! Builds the relevance benchmark's data set from an unpacked `libreoffice-help-pl`:
//! pages from `text/**/*.html`, queries from the help's alphabetical index (`bookmarks.js`).
//! Run by `scripts/build-relevance-dataset.sh`:
//!
//! ```text
//! cargo run --release -p search-index --example build_relevance_dataset -- HELP_DIR SOURCE
//! ```
//! where HELP_DIR is `usr/share/libreoffice/help/pl` and SOURCE names the package version.

#[path = "relevance/dataset.rs"]
mod dataset;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use dataset::{DATASET_PATH, Dataset, Page, Query};
use scraper::{Html, Node, Selector};
use search_index::PolishDictionary;
use search_index::analysis::{is_stop_word, words};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(help_dir), Some(source)) = (args.next(), args.next()) else {
        return Err("usage: build_relevance_dataset HELP_DIR SOURCE".into());
    };
    let help_dir = PathBuf::from(help_dir);
    let pages = read_pages(&help_dir)?;
    let entries = read_index_entries(&help_dir.join("bookmarks.js"))?;
    let queries = queries(&pages, &entries);
    let inflected = queries.iter().filter(|q| q.inflected).count();
    eprintln!(
        "{} pages, {} index entries, {} Polish queries ({} inflected)",
        pages.len(),
        entries.len(),
        queries.len(),
        inflected
    );
    Dataset {
        source,
        pages,
        queries,
    }
    .save(Path::new(DATASET_PATH))
}

fn read_pages(help_dir: &Path) -> Result<Vec<Page>, Box<dyn std::error::Error>> {
    let mut paths = Vec::new();
    collect_html(&help_dir.join("text"), &mut paths)?;
    paths.sort();
    let title = Selector::parse("title").map_err(|e| e.to_string())?;
    let display = Selector::parse("#DisplayArea").map_err(|e| e.to_string())?;
    let mut pages = Vec::new();
    for path in paths {
        let html = Html::parse_document(&std::fs::read_to_string(&path)?);
        let title = html
            .select(&title)
            .next()
            .map(|t| collapse_spaces(&t.text().collect::<String>()))
            .unwrap_or_default();
        let Some(area) = html.select(&display).next() else {
            continue;
        };
        // Text nodes only: the <meta itemprop="keywords"> tags that repeat the index entries
        // live in attributes and so stay out; the English debug footer is skipped.
        let mut text = String::new();
        for node in area.descendants() {
            if let Node::Text(t) = node.value() {
                let hidden = node.ancestors().any(|a| {
                    a.value()
                        .as_element()
                        .is_some_and(|e| matches!(e.name(), "footer" | "script" | "style"))
                });
                if !hidden {
                    text.push_str(t);
                    text.push(' ');
                }
            }
        }
        let text = collapse_spaces(&text);
        if text.is_empty() {
            continue;
        }
        let relative = path.strip_prefix(help_dir)?.to_string_lossy().into_owned();
        pages.push(Page {
            path: relative,
            title,
            text,
        });
    }
    Ok(pages)
}

fn collect_html(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_html(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "html") {
            out.push(path);
        }
    }
    Ok(())
}

/// (entry text, linked page path) for every line of `bookmarks.js`, e.g.
/// `{url:"pl/text/swriter/guide/calculate.html?DbPAR=WRITER#bm_id3149909", app:"WRITER", text:"= -- w tabelach programu Writer"},`
fn read_index_entries(path: &Path) -> Result<Vec<(String, String)>, Box<dyn std::error::Error>> {
    let js = std::fs::read_to_string(path)?;
    let mut entries = Vec::new();
    for line in js.lines() {
        let Some(rest) = line.strip_prefix("{url:\"pl/") else {
            continue;
        };
        let url_end = rest.find('"').ok_or("unterminated url")?;
        let page = rest[..url_end].split(['?', '#']).next().unwrap_or_default();
        let text_start = rest.find("text:\"").ok_or("entry without text")? + "text:\"".len();
        let text = rest[text_start..]
            .strip_suffix("\"},")
            .or_else(|| rest[text_start..].strip_suffix("\"}"))
            .ok_or("unterminated text")?;
        entries.push((unescape(text), page.to_owned()));
    }
    Ok(entries)
}

fn unescape(text: &str) -> String {
    text.replace("\\\\", "\\")
        .replace("\\\"", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// One query per distinct normalised entry, relevant = every page any such entry links to.
/// Kept when most of its non-stop words are Polish (known to the dictionary), which drops
/// the untranslated English entries ("roman function", "textstream service iomode").
fn queries(pages: &[Page], entries: &[(String, String)]) -> Vec<Query> {
    let page_ids: HashMap<&str, usize> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.path.as_str(), i))
        .collect();
    let dictionary = PolishDictionary::embedded();
    let mut grouped: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    for (text, page) in entries {
        let Some(&id) = page_ids.get(page.as_str()) else {
            continue;
        };
        let normalised = collapse_spaces(
            &text
                .to_lowercase()
                .replace("--", " ")
                .replace([',', '"'], " "),
        );
        if normalised.is_empty() {
            continue;
        }
        grouped.entry(normalised).or_default().insert(id);
    }
    let page_words: Vec<HashSet<String>> = pages
        .iter()
        .map(|p| {
            words(&format!("{} {}", p.title, p.text))
                .map(|(_, w)| w.to_lowercase())
                .collect()
        })
        .collect();
    grouped
        .into_iter()
        .filter_map(|(text, relevant)| {
            let content: Vec<String> = words(&text)
                .map(|(_, w)| w.to_lowercase())
                .filter(|w| !is_stop_word(w))
                .collect();
            let polish = content.iter().filter(|w| dictionary.contains(w)).count();
            if polish * 2 <= content.len() {
                return None;
            }
            let relevant: Vec<usize> = relevant.into_iter().collect();
            let inflected = content
                .iter()
                .any(|w| only_inflected(w, &relevant, &page_words, dictionary));
            Some(Query {
                text,
                relevant,
                inflected,
            })
        })
        .collect()
}

/// The word is on none of the relevant pages as written, but one of them has another form
/// sharing a dictionary lemma with it.
fn only_inflected(
    word: &str,
    relevant: &[usize],
    page_words: &[HashSet<String>],
    dictionary: &PolishDictionary,
) -> bool {
    if relevant.iter().any(|&p| page_words[p].contains(word)) {
        return false;
    }
    let lemmas: HashSet<&str> = dictionary.lemmas(word).into_iter().collect();
    !lemmas.is_empty()
        && relevant.iter().any(|&p| {
            page_words[p]
                .iter()
                .any(|w| dictionary.lemmas(w).iter().any(|l| lemmas.contains(l)))
        })
}

fn collapse_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
