//! Typo tolerance as a tantivy query: the terms of a field within a word's typo budget, by
//! the rule of [`within_typos`](crate::query_words::within_typos) (an edit of the first
//! letter counts as two, as in Meilisearch).
//!
//! tantivy's `FuzzyTermQuery` intersects a Levenshtein automaton with the whole term
//! dictionary, and an automaton that may change the first letter explores every branch of
//! it: on questions of several long words that walk was 40 % of a search. Keeping the
//! first letter fixed confines the walk to one branch; a two-typo word adds a one-typo
//! automaton over the whole dictionary for the first letter's own edit, which costs little
//! because any wrong first letter leaves it no typo to spend.

use tantivy::query::{AutomatonWeight, DfaWrapper, EnableScoring, FuzzyTermQuery, Query, Weight};
use tantivy::schema::Field;
use tantivy::{TantivyError, Term};
use tantivy_fst::Automaton;

/// Matches the terms of `field` within `typos` edits of `word` (scored as a constant, like
/// `FuzzyTermQuery`).
#[derive(Clone, Debug)]
pub(crate) struct TypoQuery {
    field: Field,
    word: String,
    typos: u8,
}

impl TypoQuery {
    pub(crate) fn new(field: Field, word: &str, typos: u8) -> Self {
        TypoQuery {
            field,
            word: word.to_owned(),
            typos,
        }
    }

    fn automaton(&self) -> tantivy::Result<TypoAutomaton> {
        let levenshtein = |text: &str, typos: u8| {
            FuzzyTermQuery::new(Term::from_field_text(self.field, text), typos, true).automaton()
        };
        let first =
            self.word.chars().next().ok_or_else(|| {
                TantivyError::InvalidArgument("an empty word has no typos".into())
            })?;
        let mut first_bytes = [0; 4];
        let first_letter = first.encode_utf8(&mut first_bytes).as_bytes().to_vec();
        let rest = levenshtein(&self.word[first.len_utf8()..], self.typos)?;
        let first_letter_edited = if self.typos >= 2 {
            Some(levenshtein(&self.word, self.typos - 1)?)
        } else {
            None
        };
        Ok(TypoAutomaton {
            first_letter,
            rest,
            first_letter_edited,
        })
    }
}

impl Query for TypoQuery {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(AutomatonWeight::new(
            self.field,
            self.automaton()?,
        )))
    }
}

/// The first letter as typed and the rest within the budget, or (for a budget of two) the
/// whole word within one edit: the first letter's edit, spending both.
struct TypoAutomaton {
    first_letter: Vec<u8>,
    rest: DfaWrapper,
    first_letter_edited: Option<DfaWrapper>,
}

#[derive(Clone)]
struct TypoState {
    kept_first_letter: KeptFirstLetter,
    /// The state of `first_letter_edited`, when there is one.
    edited: Option<u32>,
}

#[derive(Clone, Copy)]
enum KeptFirstLetter {
    /// This many bytes of the first letter read so far.
    Reading(usize),
    /// The first letter read; the state of `rest`.
    Rest(u32),
    /// Another first letter.
    Lost,
}

impl Automaton for TypoAutomaton {
    type State = TypoState;

    fn start(&self) -> TypoState {
        TypoState {
            kept_first_letter: KeptFirstLetter::Reading(0),
            edited: self.first_letter_edited.as_ref().map(|dfa| dfa.start()),
        }
    }

    fn is_match(&self, state: &TypoState) -> bool {
        let kept = match state.kept_first_letter {
            KeptFirstLetter::Rest(rest) => self.rest.is_match(&rest),
            KeptFirstLetter::Reading(_) | KeptFirstLetter::Lost => false,
        };
        kept || self.edited_matches(state, |dfa, edited| dfa.is_match(edited))
    }

    fn can_match(&self, state: &TypoState) -> bool {
        let kept = match state.kept_first_letter {
            KeptFirstLetter::Reading(_) => true,
            KeptFirstLetter::Rest(rest) => self.rest.can_match(&rest),
            KeptFirstLetter::Lost => false,
        };
        kept || self.edited_matches(state, |dfa, edited| dfa.can_match(edited))
    }

    fn accept(&self, state: &TypoState, byte: u8) -> TypoState {
        let kept_first_letter = match state.kept_first_letter {
            KeptFirstLetter::Reading(read) if self.first_letter[read] == byte => {
                if read + 1 == self.first_letter.len() {
                    KeptFirstLetter::Rest(self.rest.start())
                } else {
                    KeptFirstLetter::Reading(read + 1)
                }
            }
            KeptFirstLetter::Rest(rest) => KeptFirstLetter::Rest(self.rest.accept(&rest, byte)),
            KeptFirstLetter::Reading(_) | KeptFirstLetter::Lost => KeptFirstLetter::Lost,
        };
        let edited = match (&self.first_letter_edited, state.edited) {
            (Some(dfa), Some(edited)) => Some(dfa.accept(&edited, byte)),
            _ => None,
        };
        TypoState {
            kept_first_letter,
            edited,
        }
    }
}

impl TypoAutomaton {
    fn edited_matches(&self, state: &TypoState, test: impl Fn(&DfaWrapper, &u32) -> bool) -> bool {
        match (&self.first_letter_edited, &state.edited) {
            (Some(dfa), Some(edited)) => test(dfa, edited),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "a test fails loudly on any error")]

    use tantivy::collector::DocSetCollector;
    use tantivy::schema::{STRING, Schema};
    use tantivy::{Index, IndexWriter, TantivyDocument};

    use super::*;
    use crate::query_words::within_typos;

    /// Every word of `words` the query matches, through a real index.
    fn matched(words: &[&str], query_word: &str, typos: u8) -> Vec<String> {
        let mut schema = Schema::builder();
        let field = schema.add_text_field("word", STRING);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer(15_000_000).unwrap();
        for word in words {
            let mut document = TantivyDocument::default();
            document.add_text(field, word);
            writer.add_document(document).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let query = TypoQuery::new(field, query_word, typos);
        let mut found: Vec<String> = searcher
            .search(&query, &DocSetCollector)
            .unwrap()
            .into_iter()
            .map(|address| words[address.doc_id as usize].to_owned())
            .collect();
        found.sort();
        found
    }

    #[test]
    fn the_automaton_and_the_highlighter_agree_on_every_word() {
        let words = [
            "struzik",
            "strusik",
            "sztruzik",
            "dtruzik",
            "tsruzik",
            "truzik",
            "struzikowi",
            "struzk",
            "brajlowskim",
            "brajlowksim",
            "prajlowskim",
            "prajlowksim",
            "rajlowskim",
            "brajlowskiego",
            "łódź",
            "lodz",
            "łodź",
        ];
        for (query_word, typos) in [("struzik", 1), ("brajlowskim", 2), ("lodz", 1)] {
            let mut expected: Vec<String> = words
                .iter()
                .filter(|word| within_typos(word, query_word, typos))
                .map(|word| (*word).to_owned())
                .collect();
            expected.sort();
            assert_eq!(matched(&words, query_word, typos), expected, "{query_word}");
        }
        assert_eq!(
            matched(&words, "struzik", 1),
            ["strusik", "struzik", "struzk", "sztruzik"]
        );
    }
}
