//! What ranking reads of an article: the words and lemmas of each of its texts, counted,
//! computed by the analyser when the article is indexed and stored with it, so that
//! ranking a candidate at search time reads counts instead of analysing text (analysing
//! fifty candidates' bodies cost about 50 ms of CPU per search).
//!
//! Stored compactly, as one string per list: terms separated by spaces, a count after `*`
//! when it is more than one (`"gmina*3 rada"`). Terms are the analyser's words and lemma
//! keys, which hold neither spaces nor `*` (Unicode word boundaries split on both).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::query_words::lemma_key;
use crate::{Analyzer, SearchDocument};

/// How much of a body, and of each attachment's text, is ranked: its beginning, up to this
/// many bytes. An article is about what its beginning says, and the terms are stored with
/// every article. Measured on the relevance benchmark when the candidates were analysed
/// per search (re-rank depth 50, questions / keyword index MRR@10): 1,000 bytes 0.426 /
/// 0.502, 2,000 bytes 0.416 / 0.518, 10,000 bytes (before the frequency sub-query, which
/// adds about 0.03 on questions) 0.368 / 0.529.
pub(crate) const RANKED_BODY_BYTES: usize = 2_000;

/// How much of an article's attachments is ranked in all: each attachment's title and
/// the beginning of its text, in the article's order, until this many bytes. An article
/// may carry hundreds of attachments, and its terms are read on every search it is a
/// candidate for.
pub(crate) const RANKED_ATTACHMENT_BYTES: usize = 4 * RANKED_BODY_BYTES;

/// The counted terms of one article, as stored in the index.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct RankTerms {
    pub title: TextTerms,
    pub lead: TextTerms,
    /// The body's beginning and the photo captions.
    pub body: TextTerms,
    /// Each attachment's title and the beginning of its text.
    pub attachments: TextTerms,
    /// Every word of all the texts above, folded to ASCII: typed without Polish letters,
    /// with typos, or as a prefix.
    pub folded: String,
}

/// One text's words as written (lowercased) and its lemma keys, counted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct TextTerms {
    pub words: String,
    pub lemmas: String,
}

impl RankTerms {
    pub(crate) fn of(analyzer: &Analyzer, document: &SearchDocument) -> Self {
        let mut folded = Counter::default();
        let mut text_terms = |texts: &[&str]| {
            let mut words = Counter::default();
            let mut lemmas = Counter::default();
            for text in texts {
                for token in analyzer.analyze(text) {
                    for lemma in &token.lemmas {
                        lemmas.add(&lemma_key(lemma));
                    }
                    words.add(&token.text);
                    folded.add(&token.folded);
                }
            }
            TextTerms {
                words: words.encode(),
                lemmas: lemmas.encode(),
            }
        };
        let title = text_terms(&[&document.title]);
        let lead = text_terms(&[&document.lead]);
        let mut body = vec![beginning(&document.body)];
        body.extend(document.photo_captions.iter().map(String::as_str));
        let body = text_terms(&body);
        let attachments = text_terms(&attachment_beginnings(document));
        RankTerms {
            title,
            lead,
            body,
            attachments,
            folded: folded.encode(),
        }
    }
}

fn beginning(text: &str) -> &str {
    &text[..text.floor_char_boundary(RANKED_BODY_BYTES)]
}

/// The attachments' titles and text beginnings, cut at [`RANKED_ATTACHMENT_BYTES`] in all.
fn attachment_beginnings(document: &SearchDocument) -> Vec<&str> {
    let mut budget = RANKED_ATTACHMENT_BYTES;
    let mut texts = Vec::new();
    for attachment in &document.attachments {
        for text in [attachment.title.as_str(), beginning(&attachment.text)] {
            let kept = &text[..text.floor_char_boundary(budget)];
            budget -= kept.len();
            texts.push(kept);
        }
        if budget == 0 {
            break;
        }
    }
    texts
}

/// Terms counted in the order they first occur.
#[derive(Default)]
struct Counter {
    order: Vec<String>,
    counts: HashMap<String, u32>,
}

impl Counter {
    fn add(&mut self, term: &str) {
        // A term with a separator in it cannot be stored; the analyser makes none.
        if term.is_empty() || term.contains(|c: char| c == '*' || c.is_whitespace()) {
            return;
        }
        match self.counts.get_mut(term) {
            Some(count) => *count += 1,
            None => {
                self.counts.insert(term.to_owned(), 1);
                self.order.push(term.to_owned());
            }
        }
    }

    fn encode(&self) -> String {
        let mut out = String::new();
        for term in &self.order {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(term);
            let count = self.counts[term];
            if count > 1 {
                out.push('*');
                out.push_str(&count.to_string());
            }
        }
        out
    }
}

/// The terms of an encoded list with their counts. A malformed count counts one: the list
/// came from the index, and a damaged entry should rank a little wrong rather than fail a
/// search.
pub(crate) fn entries(encoded: &str) -> impl Iterator<Item = (&str, u32)> {
    // Split on the one separator the encoding uses (a byte search, faster than testing
    // every byte for whitespace); an empty entry (two spaces) is no term.
    encoded
        .split(' ')
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            // Searched from the end by hand: entries are a few bytes long, and the count,
            // when there is one, is at the end.
            match entry.bytes().rposition(|byte| byte == b'*') {
                Some(star) => (&entry[..star], entry[star + 1..].parse().unwrap_or(1)),
                None => (entry, 1),
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::test_document;
    use crate::{AnalysisMode, AttachedDocument};

    fn document(title: &str, body: &str) -> SearchDocument {
        let mut document = test_document(1, title, "", body);
        document.photo_captions.push("Rynek w Łodzi".into());
        document.attachments.push(AttachedDocument {
            title: "Regulamin".into(),
            text: "Regulamin konkursu".into(),
        });
        document
    }

    #[test]
    fn each_text_is_counted_by_word_and_by_lemma() {
        let analyzer = Analyzer::new(AnalysisMode::Full);
        let terms = RankTerms::of(
            &analyzer,
            &document("Sesja rady gminy", "Rada gminy obradowała. Gmina zyskała."),
        );
        assert_eq!(terms.title.words, "sesja rady gminy");
        let lemmas: Vec<_> = entries(&terms.body.lemmas).collect();
        assert!(lemmas.contains(&("gmina", 2)), "{lemmas:?}");
        // The caption is part of the body, with its lemma folded: "Łodzi" → "lodz".
        assert!(terms.body.words.contains("łodzi"));
        assert!(
            lemmas.iter().any(|(lemma, _)| *lemma == "lodz"),
            "{lemmas:?}"
        );
        assert_eq!(terms.attachments.words, "regulamin*2 konkursu");
        assert!(terms.folded.contains("lodzi"));
    }

    #[test]
    fn only_the_beginning_of_a_body_is_counted() {
        let analyzer = Analyzer::new(AnalysisMode::Plain);
        let filler = "kot ".repeat(RANKED_BODY_BYTES / 4 + 10);
        let terms = RankTerms::of(&analyzer, &document("", &format!("{filler}partnerstwo")));
        assert!(!terms.body.words.contains("partnerstwo"));
        let words: Vec<_> = entries(&terms.body.words).collect();
        assert_eq!(words[0].0, "kot");
        let length: u32 = words.iter().map(|(_, count)| count).sum();
        assert!(length as usize <= RANKED_BODY_BYTES / 4 + 3, "{length}");
    }

    #[test]
    fn many_attachments_are_counted_only_up_to_their_budget() {
        let analyzer = Analyzer::new(AnalysisMode::Plain);
        let mut document = test_document(1, "", "", "");
        for _ in 0..500 {
            document.attachments.push(AttachedDocument {
                title: "Załącznik".into(),
                text: "kot ".repeat(RANKED_BODY_BYTES),
            });
        }
        let terms = RankTerms::of(&analyzer, &document);
        let length: u32 = entries(&terms.attachments.words)
            .map(|(_, count)| count)
            .sum();
        // Four bytes per "kot ", a few words more for the titles that fit.
        assert!(
            length as usize <= RANKED_ATTACHMENT_BYTES / 4 + 8,
            "{length}"
        );
        assert!(length as usize >= RANKED_ATTACHMENT_BYTES / 8, "{length}");
    }

    #[test]
    fn a_list_decodes_to_its_counts() {
        let terms: Vec<_> = entries("gmina*3 rada  sesja*x").collect();
        assert_eq!(terms, [("gmina", 3), ("rada", 1), ("sesja", 1)]);
        assert_eq!(entries("").count(), 0);
    }
}
