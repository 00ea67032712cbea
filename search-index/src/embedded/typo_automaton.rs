//! Typo tolerance as an automaton over a field's terms: the terms within a word's typo
//! budget, by the rule of [`within_typos`](crate::query_words::within_typos) (an edit of
//! the first letter counts as two, as in Meilisearch).
//!
//! tantivy's `FuzzyTermQuery` intersects a Levenshtein automaton with the whole term
//! dictionary, and an automaton that may change the first letter explores every branch of
//! it: on questions of several long words that walk was 40 % of a search. Keeping the
//! first letter fixed confines the walk to one branch; a two-typo word adds a one-typo
//! automaton over the whole dictionary for the first letter's own edit, which costs little
//! because any wrong first letter leaves it no typo to spend.

use tantivy::query::{DfaWrapper, FuzzyTermQuery};
use tantivy::schema::Field;
use tantivy::{TantivyError, Term};
use tantivy_fst::Automaton;

/// The first letter as typed and the rest within the budget, or (for a budget of two) the
/// whole word within one edit: the first letter's edit, spending both.
pub(crate) struct TypoAutomaton {
    first_letter: Vec<u8>,
    rest: DfaWrapper,
    first_letter_edited: Option<DfaWrapper>,
}

impl TypoAutomaton {
    pub(crate) fn new(word: &str, typos: u8) -> tantivy::Result<Self> {
        let levenshtein = |text: &str, typos: u8| {
            // The field does not matter: only the automaton is used.
            FuzzyTermQuery::new(
                Term::from_field_text(Field::from_field_id(0), text),
                typos,
                true,
            )
            .automaton()
        };
        let first = word
            .chars()
            .next()
            .ok_or_else(|| TantivyError::InvalidArgument("an empty word has no typos".into()))?;
        let mut first_bytes = [0; 4];
        let first_letter = first.encode_utf8(&mut first_bytes).as_bytes().to_vec();
        let rest = levenshtein(&word[first.len_utf8()..], typos)?;
        let first_letter_edited = if typos >= 2 {
            Some(levenshtein(word, typos - 1)?)
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

#[derive(Clone)]
pub(crate) struct TypoState {
    kept_first_letter: KeptFirstLetter,
    /// The state of `first_letter_edited`, when there is one.
    edited: Option<u32>,
}

#[derive(Clone, Copy)]
pub(crate) enum KeptFirstLetter {
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
