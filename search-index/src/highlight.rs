//! Highlighting with our own analyser rather than tantivy's snippet generator: the words
//! marked are the words the query matched by any rule (form, fold, lemma, typo, prefix),
//! and the output is escaped HTML with `<mark>` around each of them.

use std::collections::HashSet;

use crate::query_words::QueryWord;
use crate::{Analyzer, Token};

/// How many words a snippet shows.
const SNIPPET_WORDS: usize = 30;
/// How many words of context come before the first match.
const WORDS_BEFORE_MATCH: usize = 8;
/// Only the start of a long text is scanned for a match: a snippet deep in a very long
/// body would cost more analysis than the whole rest of the search.
const SCANNED_BYTES: usize = 20_000;

pub(crate) struct Highlighter<'a> {
    analyzer: &'a Analyzer,
    words: &'a [QueryWord],
    lemmas: HashSet<&'a str>,
}

impl<'a> Highlighter<'a> {
    pub(crate) fn new(analyzer: &'a Analyzer, words: &'a [QueryWord]) -> Self {
        Highlighter {
            analyzer,
            words,
            lemmas: crate::query_words::all_lemmas(words),
        }
    }

    fn is_match(&self, token: &Token) -> bool {
        self.words
            .iter()
            .any(|word| word.matches(token, &self.lemmas))
    }

    /// The whole text, escaped, with every matched word marked.
    pub(crate) fn highlight(&self, text: &str) -> String {
        let tokens = self.analyzer.analyze(text);
        self.render(text, &tokens, 0, text.len())
    }

    /// A passage of the first text that has a match, around the first match; the start of
    /// the first non-empty text when none has.
    pub(crate) fn snippet(&self, texts: &[&str]) -> String {
        for text in texts {
            let scanned = &text[..floor_char_boundary(text, SCANNED_BYTES)];
            let tokens = self.analyzer.analyze(scanned);
            if let Some(first) = tokens.iter().position(|token| self.is_match(token)) {
                let from = first.saturating_sub(WORDS_BEFORE_MATCH);
                return self.passage(text, &tokens, scanned.len(), from);
            }
        }
        match texts.iter().find(|text| !text.trim().is_empty()) {
            Some(text) => {
                let scanned = &text[..floor_char_boundary(text, SCANNED_BYTES)];
                self.passage(text, &self.analyzer.analyze(scanned), scanned.len(), 0)
            }
            None => String::new(),
        }
    }

    /// `SNIPPET_WORDS` words from token `from`; `tokens` cover `text[..scanned]`.
    fn passage(&self, text: &str, tokens: &[Token], scanned: usize, from: usize) -> String {
        let Some(first) = tokens.get(from) else {
            return String::new();
        };
        let until = (from + SNIPPET_WORDS).min(tokens.len());
        let start = if from == 0 { 0 } else { first.start };
        let reaches_the_end = until == tokens.len() && scanned == text.len();
        let end = if reaches_the_end {
            text.len()
        } else {
            tokens[until - 1].end
        };
        let mut passage = String::new();
        if start > 0 {
            passage.push('…');
        }
        passage.push_str(&self.render(text, &tokens[from..until], start, end));
        if end < text.len() {
            passage.push('…');
        }
        passage
    }

    /// Escapes `text[start..end]` and marks the matched tokens in it.
    fn render(&self, text: &str, tokens: &[Token], start: usize, end: usize) -> String {
        let mut out = String::with_capacity(end - start + 32);
        let mut cursor = start;
        for token in tokens {
            if token.start < cursor || token.end > end {
                continue;
            }
            if self.is_match(token) {
                escape_into(&text[cursor..token.start], &mut out);
                out.push_str("<mark>");
                escape_into(&text[token.start..token.end], &mut out);
                out.push_str("</mark>");
                cursor = token.end;
            }
        }
        escape_into(&text[cursor..end], &mut out);
        out
    }
}

fn floor_char_boundary(text: &str, at: usize) -> usize {
    if at >= text.len() {
        return text.len();
    }
    (0..=at)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0)
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
