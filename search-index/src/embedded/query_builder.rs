//! A [`SearchQuery`] as a tantivy query. Every query word becomes a disjunction over the
//! forms and fields it may match in; the weights put an exact form above a lemma-only match
//! above a typo, and a title above a lead above a body.

use std::ops::Bound;

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query, RangeQuery,
    TermQuery,
};
use tantivy::schema::IndexRecordOption;

use super::schema::Fields;
use crate::SearchQuery;
use crate::query_words::QueryWord;

/// The word as written (with its Polish letters): the strongest evidence.
const ORIGINAL_WEIGHT: f32 = 1.0;
/// The word without Polish letters. A document that has the exact form matches the folded
/// form too, so exact matches still end up on top.
const FOLDED_WEIGHT: f32 = 0.5;
/// Another inflected form of the word.
const LEMMA_WEIGHT: f32 = 0.7;
/// A word within the typo budget, or one starting with the word being typed. These
/// queries score a constant (no BM25), so the weight is the score.
const TYPO_WEIGHT: f32 = 0.3;
const PREFIX_WEIGHT: f32 = 0.3;

/// How the words combine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WordsMode {
    /// Every word (but stop words) must match: precise, the first try.
    AllWords,
    /// Any word may match: the fallback when no document has them all.
    AnyWord,
}

pub(crate) fn build_query(
    fields: &Fields,
    words: &[QueryWord],
    mode: WordsMode,
    query: &SearchQuery,
) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for word in words {
        let occur = if mode == WordsMode::AllWords && !word.is_stop_word() {
            Occur::Must
        } else {
            Occur::Should
        };
        clauses.push((occur, word_query(fields, word)));
    }
    // Filters must hold but must not change the ranking: they score zero.
    for filter in filters(fields, query) {
        clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(filter, 0.0))));
    }
    if words.is_empty() {
        clauses.push((Occur::Must, Box::new(AllQuery)));
    }
    Box::new(BooleanQuery::new(clauses))
}

fn word_query(fields: &Fields, word: &QueryWord) -> Box<dyn Query> {
    let mut forms: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut add = |query: Box<dyn Query>, weight: f32| {
        forms.push((Occur::Should, Box::new(BoostQuery::new(query, weight))));
    };
    for field in fields.searchable() {
        let term = |target, text: &str| Term::from_field_text(target, text);
        let exact = |target, text: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                term(target, text),
                IndexRecordOption::WithFreqs,
            ))
        };
        add(
            exact(field.original, &word.text),
            ORIGINAL_WEIGHT * field.boost,
        );
        add(
            exact(field.folded, &word.folded),
            FOLDED_WEIGHT * field.boost,
        );
        for lemma in &word.lemmas {
            add(exact(field.lemma, lemma), LEMMA_WEIGHT * field.boost);
        }
        if word.typos > 0 {
            let fuzzy = FuzzyTermQuery::new(term(field.folded, &word.folded), word.typos, true);
            add(Box::new(fuzzy), TYPO_WEIGHT * field.boost);
        }
        if word.prefix {
            let prefix = FuzzyTermQuery::new_prefix(term(field.folded, &word.folded), 0, true);
            add(Box::new(prefix), PREFIX_WEIGHT * field.boost);
        }
    }
    Box::new(BooleanQuery::new(forms))
}

fn filters(fields: &Fields, query: &SearchQuery) -> Vec<Box<dyn Query>> {
    let mut filters: Vec<Box<dyn Query>> = Vec::new();
    let raw = |field, value: &str| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, value),
            IndexRecordOption::Basic,
        ))
    };
    if let Some(section) = &query.section {
        filters.push(raw(fields.section, section));
    }
    for tag in &query.tags {
        filters.push(raw(fields.tags, tag));
    }
    if query.published_after.is_some() || query.published_before.is_some() {
        let seconds = |at: chrono::DateTime<chrono::Utc>| {
            Term::from_field_i64(fields.published_at, at.timestamp())
        };
        let lower = query
            .published_after
            .map_or(Bound::Unbounded, |at| Bound::Included(seconds(at)));
        let upper = query
            .published_before
            .map_or(Bound::Unbounded, |at| Bound::Excluded(seconds(at)));
        filters.push(Box::new(RangeQuery::new(lower, upper)));
    }
    filters
}
