//! A query's words as both the tantivy query and the highlighter see them, so that every
//! word the engine matched is the word that gets marked.

use std::collections::HashSet;

use crate::analysis::fold_polish;
use crate::{Analyzer, SearchError};

/// Words shorter than this get no typo tolerance (Meilisearch's default: 5).
const ONE_TYPO_FROM: usize = 5;
/// Words this long or longer tolerate two typos (Meilisearch's default: 9).
const TWO_TYPOS_FROM: usize = 9;
/// Longer words get no typo tolerance. No Polish word a reader types is this long, and a
/// typo automaton grows with its word: a query of one random 999-letter word took 46–53 ms
/// through GraphQL on the demo content (a two-word query 5 ms), 1.5 ms with this bound.
const MAX_TYPO_WORD_CHARS: usize = 40;
/// The last word is also matched as a prefix once it has this many letters: one- and
/// two-letter prefixes match a large share of the dictionary and cost more than they help.
pub(crate) const MIN_PREFIX_CHARS: usize = 3;

#[derive(Clone, Debug)]
pub(crate) struct QueryWord {
    pub text: String,
    pub folded: String,
    /// The word's lemmas as [`lemma_key`]s.
    pub lemmas: Vec<String>,
    /// How many edits (Damerau–Levenshtein, on the folded form) still count as this word.
    pub typos: u8,
    /// Whether words starting with `folded` count too (the word still being typed).
    pub prefix: bool,
    pub stop_word: bool,
}

impl QueryWord {
    /// A stop word is never required: a document need not contain "w" or "się" to be
    /// about the query.
    pub fn is_stop_word(&self) -> bool {
        self.stop_word
    }

    /// Whether a word of a document, lowercased and folded, is this query word by its form:
    /// as written, without Polish letters, within its typos, or (a word still being typed)
    /// by its beginning. By lemma, see [`shares_a_lemma`].
    pub fn matches_form(&self, lower: &str, folded: &str) -> bool {
        lower == self.text
            || folded == self.folded
            || (self.prefix && folded.starts_with(&self.folded))
            || within_typos(folded, &self.folded, self.typos)
    }
}

/// Whether a word of a document with these lemmas shares one with the query, whose lemma
/// keys are `query_lemmas` ([`all_lemmas`]).
pub(crate) fn shares_a_lemma(lemmas: &[String], query_lemmas: &HashSet<&str>) -> bool {
    lemmas
        .iter()
        .any(|lemma| query_lemmas.contains(lemma_key(lemma).as_str()))
}

/// Whether `candidate` is `word` with at most `typos` edits (Damerau–Levenshtein, adjacent
/// swaps counting one), where an edit of the first letter counts as two: people seldom
/// mistype the letter a word starts with, and Meilisearch counts it so too. A word of one
/// typo must keep its first letter; a word of two may change it and nothing else.
///
/// It is also what makes typos cheap to match: with the first letter fixed, the typo
/// automaton walks one branch of the term dictionary instead of all of them.
pub(crate) fn within_typos(candidate: &str, word: &str, typos: u8) -> bool {
    if typos == 0 {
        return false;
    }
    let (Some(first), Some(candidate_first)) = (word.chars().next(), candidate.chars().next())
    else {
        return false;
    };
    let typos = usize::from(typos);
    // Each edit changes the length by at most one: most words of a text are ruled out
    // without computing a distance.
    if candidate.chars().count().abs_diff(word.chars().count()) > typos {
        return false;
    }
    if first == candidate_first {
        return strsim::osa_distance(
            &candidate[candidate_first.len_utf8()..],
            &word[first.len_utf8()..],
        ) <= typos;
    }
    // The first letter edited (one edit to the distance, two to the budget), the rest
    // within what is left.
    match typos {
        2 => one_edit_of_the_first_letter(candidate, word),
        _ => typos > 2 && strsim::osa_distance(candidate, word) < typos,
    }
}

/// Whether `candidate`, whose first letter differs from `word`'s, is `word` with that one
/// edit alone: the letter replaced, one put before it, it left out, or it swapped with the
/// next. The same answer as an edit distance of one, without computing a distance; this is
/// the test a search makes most (every word of every candidate and hit, for every query
/// word of two typos).
fn one_edit_of_the_first_letter(candidate: &str, word: &str) -> bool {
    fn after_first(text: &str) -> &str {
        let mut chars = text.chars();
        chars.next();
        chars.as_str()
    }
    let (candidate_rest, word_rest) = (after_first(candidate), after_first(word));
    if candidate_rest == word_rest || candidate_rest == word || candidate == word_rest {
        return true;
    }
    let mut candidate_chars = candidate.chars();
    let mut word_chars = word.chars();
    match (
        candidate_chars.next(),
        candidate_chars.next(),
        word_chars.next(),
        word_chars.next(),
    ) {
        (Some(c0), Some(c1), Some(w0), Some(w1)) => {
            c0 == w1 && c1 == w0 && candidate_chars.as_str() == word_chars.as_str()
        }
        _ => false,
    }
}

/// How a lemma is indexed and compared: lowercased (the dictionary capitalises names) and
/// folded, so that "lodz", which the dictionary does not know, meets the lemma "Łódź" of
/// "w Łodzi". Folding merges a few distinct lemmas (łaska, laska); the original-form
/// fields still rank the word actually typed first.
pub(crate) fn lemma_key(lemma: &str) -> String {
    fold_polish(&lemma.to_lowercase())
}

pub(crate) fn typo_budget(word: &str) -> u8 {
    match word.chars().count() {
        n if n > MAX_TYPO_WORD_CHARS => 0,
        n if n >= TWO_TYPOS_FROM => 2,
        n if n >= ONE_TYPO_FROM => 1,
        _ => 0,
    }
}

/// More words than any reader types. Longer queries are refused by every engine rather
/// than run slowly: each word becomes clauses, typo automata among them, scored over every
/// match (and on Meilisearch over every candidate re-ranked).
pub const MAX_QUERY_WORDS: usize = 32;

/// [`query_words`], refused past [`MAX_QUERY_WORDS`].
pub(crate) fn checked_query_words(
    analyzer: &Analyzer,
    text: &str,
) -> Result<Vec<QueryWord>, SearchError> {
    let words = query_words(analyzer, text);
    if words.len() > MAX_QUERY_WORDS {
        return Err(SearchError::InvalidQuery(format!(
            "a query may have at most {MAX_QUERY_WORDS} words"
        )));
    }
    Ok(words)
}

/// Analyses a query. The last word is a prefix when the text ends right after it (the
/// reader is still typing it); a trailing space means the word is complete.
pub(crate) fn query_words(analyzer: &Analyzer, text: &str) -> Vec<QueryWord> {
    let tokens = analyzer.analyze(text);
    let last = tokens.len().saturating_sub(1);
    tokens
        .into_iter()
        .enumerate()
        .map(|(index, token)| {
            let prefix = index == last
                && token.end == text.len()
                && token.folded.chars().count() >= MIN_PREFIX_CHARS;
            QueryWord {
                typos: typo_budget(&token.folded),
                prefix,
                stop_word: token.is_stop_word,
                text: token.text,
                folded: token.folded,
                lemmas: token.lemmas.iter().map(|lemma| lemma_key(lemma)).collect(),
            }
        })
        .collect()
}

/// Every lemma of the query, for matching document words by lemma.
pub(crate) fn all_lemmas(words: &[QueryWord]) -> HashSet<&str> {
    words
        .iter()
        .flat_map(|word| word.lemmas.iter().map(String::as_str))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AnalysisMode, Token};

    #[test]
    fn typo_budget_follows_meilisearch_word_lengths() {
        assert_eq!(typo_budget("gmin"), 0);
        assert_eq!(typo_budget("gmina"), 1);
        assert_eq!(typo_budget("marszałek"), 2);
        assert_eq!(typo_budget("powiatu"), 1);
        assert_eq!(typo_budget(&"a".repeat(MAX_TYPO_WORD_CHARS)), 2);
        assert_eq!(typo_budget(&"a".repeat(MAX_TYPO_WORD_CHARS + 1)), 0);
    }

    #[test]
    fn a_typo_in_the_first_letter_counts_as_two() {
        // One typo allowed: anywhere but in the first letter.
        assert!(within_typos("struzik", "strusik", 1));
        assert!(!within_typos("tsruzik", "struzik", 1));
        assert!(!within_typos("dtruzik", "struzik", 1));
        // Two allowed: two after the first letter, or the first letter alone.
        assert!(within_typos("brajlowksim", "brajlowskim", 2));
        assert!(within_typos("prajlowskim", "brajlowskim", 2));
        assert!(!within_typos("prajlowksim", "brajlowskim", 2));
        assert!(!within_typos("struzik", "struzik", 0));
    }

    /// The shortcut for an edited first letter answers as the edit distance does.
    #[test]
    fn an_edited_first_letter_is_found_without_a_distance() {
        let words = [
            "gmina", "mgina", "gmian", "agmina", "mina", "ggmina", "kmina", "gminy", "ina", "łódź",
            "lódź", "ółdź", "dłódź", "g", "m", "mg", "gm", "gmin", "gminaa",
        ];
        for candidate in words {
            for word in words {
                if candidate.chars().next() == word.chars().next() {
                    continue;
                }
                assert_eq!(
                    one_edit_of_the_first_letter(candidate, word),
                    strsim::osa_distance(candidate, word) <= 1,
                    "{candidate:?} / {word:?}"
                );
            }
        }
    }

    #[test]
    fn only_a_last_word_still_being_typed_is_a_prefix() {
        let analyzer = Analyzer::new(AnalysisMode::Snowball);
        let typing = query_words(&analyzer, "partnerstwo lok");
        assert!(!typing[0].prefix);
        assert!(typing[1].prefix);
        let finished = query_words(&analyzer, "partnerstwo lok ");
        assert!(!finished[1].prefix);
        let too_short = query_words(&analyzer, "partnerstwo lo");
        assert!(!too_short[1].prefix);
    }

    #[test]
    fn a_word_matches_by_form_fold_lemma_typo_and_prefix() {
        let analyzer = Analyzer::new(AnalysisMode::Snowball);
        let words = query_words(&analyzer, "lodz partnerstwo marszalek gosp");
        let lemmas = all_lemmas(&words);
        let document = analyzer.analyze("Łódź partnerstwem marszałkek gospodarczy");
        let matches = |word: &QueryWord, token: &Token| {
            word.matches_form(&token.text, &token.folded) || shares_a_lemma(&token.lemmas, &lemmas)
        };
        for (word, token) in words.iter().zip(&document) {
            assert!(matches(word, token), "{word:?} should match {token:?}");
        }
        let other = analyzer.analyze("Kraków");
        assert!(!words.iter().any(|word| matches(word, &other[0])));
    }
}
