//! Highlighting with our own analyser rather than tantivy's snippet generator: the words
//! marked are the words the query matched by any rule (form, fold, lemma, typo, prefix),
//! and the output is escaped HTML with `<mark>` around each of them.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use crate::analysis::{fold_polish, words};
use crate::query::MatchedIn;
use crate::query_words::{QueryWord, shares_a_lemma};
use crate::{Analyzer, AttachedDocument};

/// How many words a snippet shows.
const SNIPPET_WORDS: usize = 30;
/// How many words of context come before the first match.
const WORDS_BEFORE_MATCH: usize = 8;
/// Only the start of a long text is scanned for a match: a snippet deep in a very long
/// body would cost more analysis than the whole rest of the search.
const SCANNED_BYTES: usize = 20_000;

/// The part of a text a snippet can come from. An attachment's text (up to two million
/// characters) is indexed whole but stored, and brought back with a hit, only this far:
/// a page of hits then reads kilobytes per document, not megabytes.
pub(crate) fn snippet_source(text: &str) -> &str {
    &text[..text.floor_char_boundary(SCANNED_BYTES)]
}

/// The stored texts of one hit, as every engine brings them back.
pub(crate) struct HitTexts<'t> {
    pub title: &'t str,
    /// Lead, body and photo captions, in the order a snippet prefers them.
    pub article: Vec<&'t str>,
    pub attachments: &'t [AttachedDocument],
}

pub(crate) struct Highlighter<'a> {
    analyzer: &'a Analyzer,
    words: &'a [QueryWord],
    lemmas: HashSet<&'a str>,
    /// Whether a word, as written in a text, matches the query. Texts repeat their words,
    /// and the dictionary lookup behind a lemma match is most of what highlighting costs.
    verdicts: RefCell<HashMap<String, bool>>,
}

/// One word of a text: its byte range and whether the query matched it.
#[derive(Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    matched: bool,
}

impl<'a> Highlighter<'a> {
    pub(crate) fn new(analyzer: &'a Analyzer, words: &'a [QueryWord]) -> Self {
        Highlighter {
            analyzer,
            words,
            lemmas: crate::query_words::all_lemmas(words),
            verdicts: RefCell::new(HashMap::new()),
        }
    }

    /// The words of `text` in order, each judged by the rules the engine's query applies.
    fn spans<'t>(&'t self, text: &'t str) -> impl Iterator<Item = Span> + 't {
        words(text).map(move |(start, word)| Span {
            start,
            end: start + word.len(),
            matched: self.is_match(word),
        })
    }

    fn is_match(&self, word: &str) -> bool {
        if let Some(&verdict) = self.verdicts.borrow().get(word) {
            return verdict;
        }
        // The form first: it needs no dictionary. A word analysed alone is analysed as in
        // its text (analysis has no context).
        let lower = word.to_lowercase();
        let folded = fold_polish(&lower);
        let verdict = self
            .words
            .iter()
            .any(|query_word| query_word.matches_form(&lower, &folded))
            || (!self.lemmas.is_empty()
                && shares_a_lemma(&self.analyzer.word_lemmas(&lower), &self.lemmas));
        self.verdicts.borrow_mut().insert(word.to_owned(), verdict);
        verdict
    }

    /// The whole text, escaped, with every matched word marked.
    pub(crate) fn highlight(&self, text: &str) -> String {
        let spans: Vec<Span> = self.spans(text).collect();
        self.render(text, &spans, 0, text.len())
    }

    /// A passage of the first text that has a match, around the first match; the start of
    /// the first non-empty text when none has. A text is read only as far as the passage
    /// needs.
    pub(crate) fn snippet(&self, texts: &[&str]) -> String {
        if let Some(passage) = self.matching_passage(texts) {
            return passage;
        }
        match texts.iter().find(|text| !text.trim().is_empty()) {
            Some(text) => {
                let spans: Vec<Span> = self.spans(text).take(SNIPPET_WORDS).collect();
                self.passage(text, &spans, 0)
            }
            None => String::new(),
        }
    }

    /// A passage around the first match of the first text that has one; `None` when no
    /// text has a match.
    fn matching_passage(&self, texts: &[&str]) -> Option<String> {
        for text in texts {
            let scanned = snippet_source(text);
            let mut spans = Vec::new();
            let mut first_match = None;
            for span in self.spans(scanned) {
                if first_match.is_none() && span.matched {
                    first_match = Some(spans.len());
                }
                spans.push(span);
                if first_match.is_some_and(|first| spans.len() >= first + SNIPPET_WORDS) {
                    break;
                }
            }
            if let Some(first) = first_match {
                let from = first.saturating_sub(WORDS_BEFORE_MATCH);
                return Some(self.passage(text, &spans, from));
            }
        }
        None
    }

    /// The highlighted title, the snippet and where the query matched, for one hit:
    /// the article's own texts first; an attachment only when nothing of the article
    /// matched, so that "matched in an attachment" always means "only there".
    pub(crate) fn hit_texts(&self, texts: HitTexts<'_>) -> (String, String, MatchedIn) {
        let title = self.highlight(texts.title);
        if let Some(passage) = self.matching_passage(&texts.article) {
            return (title, passage, MatchedIn::Article);
        }
        let title_matched = self.matching_passage(&[texts.title]).is_some();
        if !title_matched {
            for attachment in texts.attachments {
                if let Some(passage) = self.matching_passage(&[&attachment.text, &attachment.title])
                {
                    return (
                        title,
                        passage,
                        MatchedIn::Attachment {
                            title: attachment.title.clone(),
                        },
                    );
                }
            }
        }
        (title, self.snippet(&texts.article), MatchedIn::Article)
    }

    /// Up to `SNIPPET_WORDS` words from span `from`; `spans` are the first words of `text`.
    fn passage(&self, text: &str, spans: &[Span], from: usize) -> String {
        let Some(first) = spans.get(from) else {
            return String::new();
        };
        let until = (from + SNIPPET_WORDS).min(spans.len());
        let start = if from == 0 { 0 } else { first.start };
        let last = spans[until - 1].end;
        // Whatever follows the last word but is no word (a full stop) belongs to it.
        let end = if text[last..].chars().any(char::is_alphanumeric) {
            last
        } else {
            text.len()
        };
        let mut passage = String::new();
        if start > 0 {
            passage.push('…');
        }
        passage.push_str(&self.render(text, &spans[from..until], start, end));
        if end < text.len() {
            passage.push('…');
        }
        passage
    }

    /// Escapes `text[start..end]` and marks the matched words in it.
    fn render(&self, text: &str, spans: &[Span], start: usize, end: usize) -> String {
        let mut out = String::with_capacity(end - start + 32);
        let mut cursor = start;
        for span in spans {
            if span.start < cursor || span.end > end {
                continue;
            }
            if span.matched {
                escape_into(&text[cursor..span.start], &mut out);
                out.push_str("<mark>");
                escape_into(&text[span.start..span.end], &mut out);
                out.push_str("</mark>");
                cursor = span.end;
            }
        }
        escape_into(&text[cursor..end], &mut out);
        out
    }
}

/// Escapes the characters HTML gives meaning to, in text and in attribute values alike.
pub(crate) fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AnalysisMode;
    use crate::query_words::query_words;

    fn highlighter_for<'a>(analyzer: &'a Analyzer, words: &'a [QueryWord]) -> Highlighter<'a> {
        Highlighter::new(analyzer, words)
    }

    #[test]
    fn marks_matched_words_and_escapes_the_rest() {
        let analyzer = Analyzer::new(AnalysisMode::Snowball);
        let words = query_words(&analyzer, "lodz ");
        let highlighter = highlighter_for(&analyzer, &words);
        assert_eq!(
            highlighter.highlight("<b>Łódź</b> & okolice"),
            "&lt;b&gt;<mark>Łódź</mark>&lt;/b&gt; &amp; okolice"
        );
    }

    #[test]
    fn a_snippet_starts_near_the_first_match_in_the_first_text_that_has_one() {
        let analyzer = Analyzer::new(AnalysisMode::Snowball);
        let words = query_words(&analyzer, "partnerstwo ");
        let highlighter = highlighter_for(&analyzer, &words);
        let filler = "słowo ".repeat(40);
        let body = format!("{filler}w ramach partnerstwa lokalnego {filler}");
        let snippet = highlighter.snippet(&["Lead bez trafień.", &body]);
        assert!(snippet.starts_with('…'), "{snippet}");
        assert!(snippet.ends_with('…'), "{snippet}");
        assert!(
            snippet.contains("ramach <mark>partnerstwa</mark> lokalnego"),
            "{snippet}"
        );
    }

    #[test]
    fn without_a_match_the_snippet_is_the_start_of_the_lead() {
        let analyzer = Analyzer::new(AnalysisMode::Snowball);
        let words = query_words(&analyzer, "kraków ");
        let highlighter = highlighter_for(&analyzer, &words);
        assert_eq!(highlighter.snippet(&["", "Krótki tekst."]), "Krótki tekst.");
    }
}
