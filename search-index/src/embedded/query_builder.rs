//! A [`SearchQuery`] as a tantivy query, with the weights of [`crate::ranking`].

use std::ops::Bound;

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query, RangeQuery, TermQuery,
};
use tantivy::schema::IndexRecordOption;

use super::expanded_word::{ExpandedWordQuery, Expansion, ExpansionCache};
use super::schema::Fields;
use super::word_bonus::WordBonusQuery;
use super::word_query::{Form, Slot, WordQuery};
use crate::SearchQuery;
use crate::query_words::QueryWord;
use crate::ranking::{
    LEMMA_WEIGHT, OTHER_TEXTS_SHARE, PREFIX_WEIGHT, TYPO_WEIGHT, WORD_BONUS, WRITTEN_FORM_WEIGHT,
};

pub(crate) fn build_query(
    fields: &Fields,
    expansions: &ExpansionCache,
    words: &[QueryWord],
    query: &SearchQuery,
) -> Box<dyn Query> {
    // An article matches when at least one of the words that carry meaning does; stop
    // words ("jak", "w", "się") only add to the score of the articles that match, or
    // nearly every article would match every question, to be counted, faceted and scored
    // for nothing. A query of stop words alone matches by them.
    let has_content_words = words.iter().any(|word| !word.is_stop_word());
    let mut content_clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut scoring_only: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for word in words {
        let word_query = word_query(fields, expansions, word);
        // Only a word that carries meaning counts as a word of the query matched.
        if !word.is_stop_word() {
            let counted = Box::new(WordBonusQuery::new(word_query, WORD_BONUS));
            content_clauses.push((Occur::Should, counted));
        } else if has_content_words {
            scoring_only.push((Occur::Should, word_query));
        } else {
            content_clauses.push((Occur::Should, word_query));
        }
    }
    let matching_words: Box<dyn Query> = if words.is_empty() {
        Box::new(AllQuery)
    } else {
        Box::new(BooleanQuery::new(content_clauses))
    };
    let mut clauses = vec![(Occur::Must, matching_words)];
    clauses.extend(scoring_only);
    // Filters must hold but must not change the ranking: they score zero.
    for filter in filters(fields, query) {
        clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(filter, 0.0))));
    }
    Box::new(BooleanQuery::new(clauses))
}

/// One word: in every text by its lemmas and written form (the best text counts, the
/// others add a share; a match in the title or the lead adds that text's bonus, so the
/// same word ranks an article higher in its title than in its lead, and there higher than
/// in its body), and in the folded words of all texts as typed without Polish letters,
/// with typos, or as a prefix.
fn word_query(fields: &Fields, expansions: &ExpansionCache, word: &QueryWord) -> Box<dyn Query> {
    let mut forms = Vec::new();
    let mut term = |slot, term, weight| forms.push(Form::Term { slot, term, weight });
    let texts = fields.searchable();
    for (number, text) in texts.iter().enumerate() {
        for lemma in &word.lemmas {
            let lemma = Term::from_field_text(text.lemma, lemma);
            term(Slot::Text(number), lemma, LEMMA_WEIGHT);
        }
        let written = Term::from_field_text(text.original, &word.text);
        term(Slot::Text(number), written, WRITTEN_FORM_WEIGHT);
    }
    let folded = Term::from_field_text(fields.folded, &word.folded);
    term(Slot::Folded, folded, WRITTEN_FORM_WEIGHT);
    let mut expanded = |expansion, weight| {
        let query = ExpandedWordQuery::new(fields.folded, &word.folded, expansion, expansions);
        forms.push(Form::Query {
            query: Box::new(query),
            weight,
        });
    };
    if word.typos > 0 {
        expanded(Expansion::Typos(word.typos), TYPO_WEIGHT);
    }
    if word.prefix {
        expanded(Expansion::Prefix, PREFIX_WEIGHT);
    }
    let text_bonuses = texts.iter().map(|text| text.match_bonus).collect();
    Box::new(WordQuery::new(forms, text_bonuses, OTHER_TEXTS_SHARE))
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
