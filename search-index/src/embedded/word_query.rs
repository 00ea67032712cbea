//! One query word as one scorer: its forms in each text (lemmas and the written form), the
//! best text counting whole and the others a share, and its forms in the folded words
//! (without Polish letters, with typos, as a prefix) added on top.
//!
//! The same score composed from tantivy's queries (a `BooleanQuery` of forms per text, a
//! bonus per text, a `DisjunctionMaxQuery` over the texts and a `BooleanQuery` around that)
//! nests three unions per word, each buffering and combining every matching document again,
//! through a virtual call per document and level; advancing them was about three quarters
//! of a question's time. Here one union walks the word's postings directly (BM25 as
//! tantivy's `TermScorer` computes it) and combines the same scores in the same order.

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{
    Bm25Weight, BooleanQuery, BoostQuery, EnableScoring, Explanation, Occur, Query, Scorer,
    TermQuery, Weight,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError, Term};

/// Where a form's score goes.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Slot {
    /// Into the score of text number n (title, lead, body, attachments).
    Text(usize),
    /// Added to the word's score after the texts are combined.
    Folded,
}

/// One form of one word, weighted.
#[derive(Debug)]
pub(crate) enum Form {
    /// A term, scored by BM25.
    Term {
        slot: Slot,
        term: Term,
        weight: Score,
    },
    /// Any other query (typos, prefixes); only in the folded slot.
    Query {
        query: Box<dyn Query>,
        weight: Score,
    },
}

impl Clone for Form {
    fn clone(&self) -> Self {
        match self {
            Form::Term { slot, term, weight } => Form::Term {
                slot: *slot,
                term: term.clone(),
                weight: *weight,
            },
            Form::Query { query, weight } => Form::Query {
                query: query.box_clone(),
                weight: *weight,
            },
        }
    }
}

impl Form {
    /// The form as tantivy's own (boosted) query.
    fn as_query(&self) -> Box<dyn Query> {
        let (query, weight): (Box<dyn Query>, Score) = match self {
            Form::Term { term, weight, .. } => (
                Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs)),
                *weight,
            ),
            Form::Query { query, weight } => (query.box_clone(), *weight),
        };
        Box::new(BoostQuery::new(query, weight))
    }
}

/// Scores a document by a word: per text, the sum of its forms' scores plus the text's
/// bonus when any of them matched; over the texts that matched, the best one plus
/// `tie_breaker` times the others; then the folded forms' scores added, in their order.
#[derive(Clone, Debug)]
pub(crate) struct WordQuery {
    forms: Vec<Form>,
    text_bonuses: Vec<Score>,
    tie_breaker: Score,
}

impl WordQuery {
    pub(crate) fn new(forms: Vec<Form>, text_bonuses: Vec<Score>, tie_breaker: Score) -> Self {
        WordQuery {
            forms,
            text_bonuses,
            tie_breaker,
        }
    }
}

impl Query for WordQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let EnableScoring::Enabled {
            statistics_provider,
            ..
        } = scoring
        else {
            // Counting or filtering: any form matches, and nothing is scored.
            let forms = self
                .forms
                .iter()
                .map(|form| (Occur::Should, form.as_query()));
            return BooleanQuery::new(forms.collect()).weight(scoring);
        };
        let mut terms = Vec::new();
        let mut queries = Vec::new();
        let mut folded_forms = 0;
        // Folded forms are numbered in the order they were given.
        let place = |slot: Slot, folded_forms: &mut usize| match slot {
            Slot::Text(text) => Place::Text(text),
            Slot::Folded => {
                *folded_forms += 1;
                Place::Folded(*folded_forms - 1)
            }
        };
        for form in &self.forms {
            match form {
                Form::Term { slot, term, weight } => {
                    let bm25 =
                        Bm25Weight::for_terms(statistics_provider, std::slice::from_ref(term))?;
                    terms.push((place(*slot, &mut folded_forms), term.clone(), bm25, *weight));
                }
                Form::Query { query, weight } => {
                    let place = place(Slot::Folded, &mut folded_forms);
                    queries.push((place, query.weight(scoring)?, *weight));
                }
            }
        }
        let texts = self.text_bonuses.len();
        if texts > MAX_PLACES || folded_forms > MAX_PLACES {
            return Err(TantivyError::InvalidArgument(format!(
                "a word is scored in at most {MAX_PLACES} texts and {MAX_PLACES} folded forms"
            )));
        }
        if terms
            .iter()
            .any(|(place, ..)| matches!(place, Place::Text(text) if *text >= texts))
        {
            return Err(TantivyError::InvalidArgument(
                "a form's text has no bonus".into(),
            ));
        }
        Ok(Box::new(WordWeight {
            terms,
            queries,
            text_bonuses: self.text_bonuses.clone(),
            folded_forms,
            tie_breaker: self.tie_breaker,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for form in &self.forms {
            match form {
                Form::Term { term, .. } => visitor(term, false),
                Form::Query { query, .. } => query.query_terms(visitor),
            }
        }
    }
}

/// Texts and folded forms are marked in one byte of a document's mark each.
const MAX_PLACES: usize = 8;

struct WordWeight {
    terms: Vec<(Place, Term, Bm25Weight, Score)>,
    queries: Vec<(Place, Box<dyn Weight>, Score)>,
    text_bonuses: Vec<Score>,
    folded_forms: usize,
    tie_breaker: Score,
}

impl Weight for WordWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut terms = Vec::with_capacity(self.terms.len());
        for (place, term, bm25, weight) in &self.terms {
            let field = term.field();
            let postings = reader
                .inverted_index(field)?
                .read_postings(term, IndexRecordOption::WithFreqs)?;
            // A form with no document in this segment is left out for good.
            let Some(postings) = postings.filter(|postings| postings.doc() != TERMINATED) else {
                continue;
            };
            let fieldnorms = match reader.fieldnorms_readers().get_field(field)? {
                Some(fieldnorms) => fieldnorms,
                None => FieldNormReader::constant(reader.max_doc(), 1),
            };
            terms.push(TermPart {
                place: *place,
                postings,
                fieldnorms,
                // As a `BoostQuery` around a `TermQuery` would weigh it.
                bm25: bm25.boost_by(boost * weight),
            });
        }
        let mut others = Vec::with_capacity(self.queries.len());
        for (place, weight, form_weight) in &self.queries {
            let scorer = weight.scorer(reader, boost * form_weight)?;
            if scorer.doc() != TERMINATED {
                others.push(OtherPart {
                    place: *place,
                    scorer,
                });
            }
        }
        let text_bonuses = self
            .text_bonuses
            .iter()
            .map(|bonus| bonus * boost)
            .collect();
        let mut scorer = WordScorer::new(
            terms,
            others,
            text_bonuses,
            self.folded_forms,
            self.tie_breaker,
        );
        scorer.refill();
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        Ok(Explanation::new("WordQuery", scorer.score()))
    }
}

/// Documents are gathered in windows of this many: small enough that a window's scores
/// stay in the processor's cache until they are read.
const WINDOW: u32 = 256;
const WINDOW_BUCKETS: usize = WINDOW as usize / 64;

/// Where a form's score is kept while a window is gathered: summed into its text, or on its
/// own (the n-th folded form), to be added in the order the forms were given.
#[derive(Clone, Copy)]
enum Place {
    Text(usize),
    Folded(usize),
}

/// A term's postings, scored as tantivy's `TermScorer` scores them.
struct TermPart {
    place: Place,
    postings: SegmentPostings,
    fieldnorms: FieldNormReader,
    bm25: Bm25Weight,
}

struct OtherPart {
    place: Place,
    scorer: Box<dyn Scorer>,
}

/// The union of a word's forms, gathered a window of documents at a time (each form walked
/// through the window in turn, its scores kept per document and place), then handed out
/// document by document, each scored when asked.
struct WordScorer {
    terms: Vec<TermPart>,
    others: Vec<OtherPart>,
    text_bonuses: Vec<Score>,
    tie_breaker: Score,
    texts: usize,
    window_start: DocId,
    /// The window's documents not handed out yet, one bit each.
    pending: [u64; WINDOW_BUCKETS],
    bucket: usize,
    /// Per document of the window, side by side: each text's summed score, then each
    /// folded form's score (`places` of them).
    scores: Vec<Score>,
    /// Per document of the window: which texts (low byte) and folded forms (high byte)
    /// matched.
    matched: Vec<u16>,
    places: usize,
    /// The current document's offset in the window; its entries are cleared when the
    /// scorer moves on.
    current: Option<usize>,
    doc: DocId,
}

impl WordScorer {
    fn new(
        terms: Vec<TermPart>,
        others: Vec<OtherPart>,
        text_bonuses: Vec<Score>,
        folded_forms: usize,
        tie_breaker: Score,
    ) -> Self {
        let texts = text_bonuses.len();
        let places = texts + folded_forms;
        WordScorer {
            terms,
            others,
            text_bonuses,
            tie_breaker,
            texts,
            window_start: 0,
            pending: [0; WINDOW_BUCKETS],
            bucket: WINDOW_BUCKETS,
            scores: vec![0.0; WINDOW as usize * places],
            matched: vec![0; WINDOW as usize],
            places,
            current: None,
            doc: TERMINATED,
        }
    }

    /// Keeps one form's score for the document at `offset` of the window.
    fn keep(&mut self, offset: usize, place: Place, score: Score) {
        self.pending[offset / 64] |= 1 << (offset % 64);
        let scores = &mut self.scores[offset * self.places..][..self.places];
        match place {
            Place::Text(text) => {
                scores[text] += score;
                self.matched[offset] |= 1 << text;
            }
            Place::Folded(form) => {
                scores[self.texts + form] = score;
                self.matched[offset] |= 1 << (MAX_PLACES + form);
            }
        }
    }

    /// Gathers the next window, starting at the lowest document of any form, and moves to
    /// its first document; `TERMINATED` when every form is done.
    fn refill(&mut self) -> DocId {
        self.release_current();
        let term_docs = self.terms.iter().map(|part| part.postings.doc());
        let other_docs = self.others.iter().map(|part| part.scorer.doc());
        let start = term_docs.chain(other_docs).min().unwrap_or(TERMINATED);
        if start == TERMINATED {
            self.doc = TERMINATED;
            return TERMINATED;
        }
        // No form is read past its end.
        let end = start.saturating_add(WINDOW).min(TERMINATED);
        for index in 0..self.terms.len() {
            let mut doc = self.terms[index].postings.doc();
            while doc < end {
                let part = &self.terms[index];
                let fieldnorm = part.fieldnorms.fieldnorm_id(doc);
                let score = part.bm25.score(fieldnorm, part.postings.term_freq());
                self.keep((doc - start) as usize, part.place, score);
                doc = self.terms[index].postings.advance();
            }
        }
        for index in 0..self.others.len() {
            let mut doc = self.others[index].scorer.doc();
            while doc < end {
                let score = self.others[index].scorer.score();
                self.keep((doc - start) as usize, self.others[index].place, score);
                doc = self.others[index].scorer.advance();
            }
        }
        self.terms.retain(|part| part.postings.doc() != TERMINATED);
        self.others.retain(|part| part.scorer.doc() != TERMINATED);
        self.window_start = start;
        self.bucket = 0;
        self.next_pending()
    }

    /// Takes the offset of the window's next document not handed out yet.
    fn pop_pending(&mut self) -> Option<usize> {
        while self.bucket < WINDOW_BUCKETS {
            let bits = self.pending[self.bucket];
            if bits != 0 {
                self.pending[self.bucket] = bits & (bits - 1);
                return Some(self.bucket * 64 + bits.trailing_zeros() as usize);
            }
            self.bucket += 1;
        }
        None
    }

    /// Moves to the window's next document not handed out yet, or to the next window.
    fn next_pending(&mut self) -> DocId {
        self.release_current();
        match self.pop_pending() {
            Some(offset) => {
                self.current = Some(offset);
                self.doc = self.window_start + offset as DocId;
                self.doc
            }
            None => self.refill(),
        }
    }

    /// Clears the current document's entries, so the window can be gathered again.
    fn release_current(&mut self) {
        if let Some(offset) = self.current.take() {
            self.matched[offset] = 0;
            self.scores[offset * self.places..][..self.texts].fill(0.0);
        }
    }

    /// Drops every document of the window not handed out yet.
    fn drop_window(&mut self) {
        self.release_current();
        while let Some(offset) = self.pop_pending() {
            self.current = Some(offset);
            self.release_current();
        }
    }
}

impl DocSet for WordScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        self.next_pending()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        if target < self.window_start.saturating_add(WINDOW) {
            while self.doc < target {
                self.advance();
            }
            return self.doc;
        }
        self.drop_window();
        for part in &mut self.terms {
            if part.postings.doc() < target {
                part.postings.seek(target);
            }
        }
        for part in &mut self.others {
            if part.scorer.doc() < target {
                part.scorer.seek(target);
            }
        }
        self.refill()
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        let terms = self.terms.iter().map(|part| part.postings.size_hint());
        let others = self.others.iter().map(|part| part.scorer.size_hint());
        terms.chain(others).max().unwrap_or(0)
    }

    fn cost(&self) -> u64 {
        let terms = self.terms.iter().map(|part| part.postings.cost());
        let others = self.others.iter().map(|part| part.scorer.cost());
        terms.chain(others).sum()
    }
}

impl Scorer for WordScorer {
    /// Summed in the order tantivy's unions sum the same scores (each text's forms, the
    /// texts' best and the others' share, then the folded forms), so that no rounding
    /// changes the ranking.
    fn score(&mut self) -> Score {
        let Some(offset) = self.current else {
            return 0.0;
        };
        let matched = self.matched[offset];
        let scores = &self.scores[offset * self.places..][..self.places];
        let (mut best, mut all): (Score, Score) = (0.0, 0.0);
        for (text, (sum, bonus)) in scores.iter().zip(&self.text_bonuses).enumerate() {
            if matched & (1 << text) != 0 {
                let text_score = sum + bonus;
                best = best.max(text_score);
                all += text_score;
            }
        }
        let mut score = best + (all - best) * self.tie_breaker;
        for (form, folded) in scores[self.texts..].iter().enumerate() {
            if matched & (1 << (MAX_PLACES + form)) != 0 {
                score += folded;
            }
        }
        score
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "a test fails loudly on any error")]

    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{DisjunctionMaxQuery, TermQuery};
    use tantivy::schema::{Field, Schema, TEXT};
    use tantivy::{DocAddress, Index, IndexWriter, Searcher, doc};

    use super::*;
    use crate::embedded::word_bonus::WordBonusQuery;

    /// The same word composed from tantivy's own queries, as the engine once did.
    fn nested(forms: &[Form], text_bonuses: &[Score], tie_breaker: Score) -> Box<dyn Query> {
        let per_text = text_bonuses
            .iter()
            .enumerate()
            .map(|(number, bonus)| {
                let in_text = forms
                    .iter()
                    .filter(|form| matches!(form, Form::Term { slot: Slot::Text(text), .. } if *text == number))
                    .map(|form| (Occur::Should, form.as_query()))
                    .collect();
                let text: Box<dyn Query> = Box::new(BooleanQuery::new(in_text));
                if *bonus > 0.0 {
                    Box::new(WordBonusQuery::new(text, *bonus)) as Box<dyn Query>
                } else {
                    text
                }
            })
            .collect();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(
            Occur::Should,
            Box::new(DisjunctionMaxQuery::with_tie_breaker(per_text, tie_breaker)),
        )];
        let folded = forms.iter().filter(|form| {
            !matches!(
                form,
                Form::Term {
                    slot: Slot::Text(_),
                    ..
                }
            )
        });
        clauses.extend(folded.map(|form| (Occur::Should, form.as_query())));
        Box::new(BooleanQuery::new(clauses))
    }

    struct Texts {
        searcher: Searcher,
        title: Field,
        body: Field,
        folded: Field,
    }

    /// 700 documents, so that matches span several windows, in two segments.
    fn texts() -> Texts {
        let mut schema = Schema::builder();
        let title = schema.add_text_field("title", TEXT);
        let body = schema.add_text_field("body", TEXT);
        let folded = schema.add_text_field("folded", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer(15_000_000).unwrap();
        let samples = [
            ("kot i pies", "kot kot kot", "kot pies"),
            ("pies", "kot w domu", "kot"),
            ("dom", "nic tu nie ma", "kotek"),
            ("kotek", "", "kot"),
            ("ptak", "ptak", "ptak"),
            ("kot", "pies i ptak, a kot kotek", "kotka"),
            ("", "", ""),
        ];
        for number in 0..700 {
            let (title_text, body_text, folded_text) = samples[number * 5 % samples.len()];
            let filler = "słowo ".repeat(number % 13);
            writer
                .add_document(doc!(
                    title => title_text,
                    body => format!("{body_text} {filler}"),
                    folded => folded_text,
                ))
                .unwrap();
            if number == 350 {
                writer.commit().unwrap();
            }
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        Texts {
            searcher,
            title,
            body,
            folded,
        }
    }

    /// One word in two texts and the folded field, as a `WordQuery` and as the nested
    /// queries it replaces.
    fn word(texts: &Texts) -> (WordQuery, Box<dyn Query>) {
        let term = |slot, field, text: &str, weight| Form::Term {
            slot,
            term: Term::from_field_text(field, text),
            weight,
        };
        let forms = vec![
            term(Slot::Text(0), texts.title, "kot", 1.0),
            term(Slot::Text(0), texts.title, "kotek", 0.1),
            term(Slot::Text(1), texts.body, "kot", 1.0),
            term(Slot::Text(1), texts.body, "kotek", 0.1),
            term(Slot::Folded, texts.folded, "kot", 0.1),
            Form::Query {
                query: Box::new(TermQuery::new(
                    Term::from_field_text(texts.folded, "kotka"),
                    IndexRecordOption::Basic,
                )),
                weight: 0.3,
            },
        ];
        let bonuses = [1.0, 0.0];
        (
            WordQuery::new(forms.clone(), bonuses.to_vec(), 0.5),
            nested(&forms, &bonuses, 0.5),
        )
    }

    #[test]
    fn scores_every_document_as_the_nested_queries_do() {
        let texts = texts();
        let (flat, nested) = word(&texts);
        let all = TopDocs::with_limit(1_000).order_by_score();
        let search = |query: &dyn Query| -> Vec<(Score, DocAddress)> {
            let mut hits = texts.searcher.search(query, &all).unwrap();
            hits.sort_by_key(|(_, address)| *address);
            hits
        };
        let flat_hits = search(&flat);
        assert!(flat_hits.len() > 300, "{} hits", flat_hits.len());
        assert_eq!(flat_hits, search(nested.as_ref()));
        assert_eq!(
            texts.searcher.search(&flat, &Count).unwrap(),
            flat_hits.len(),
            "counted without scores"
        );
        // Boosted from outside.
        let boosted = BoostQuery::new(Box::new(flat.clone()), 2.0);
        let boosted_nested = BoostQuery::new(nested.box_clone(), 2.0);
        assert_eq!(search(&boosted), search(&boosted_nested));
        // Explained one document at a time.
        let (score, address) = flat_hits[flat_hits.len() / 2];
        assert_eq!(
            flat.explain(&texts.searcher, address).unwrap().value(),
            score
        );
    }

    #[test]
    fn seeking_skips_to_the_same_documents_and_scores() {
        let texts = texts();
        let (flat, nested) = word(&texts);
        let scoring = EnableScoring::enabled_from_searcher(&texts.searcher);
        let reader = texts.searcher.segment_reader(0);
        let mut flat = flat.weight(scoring).unwrap().scorer(reader, 1.0).unwrap();
        let mut nested = nested.weight(scoring).unwrap().scorer(reader, 1.0).unwrap();
        // Near targets (inside a window) and far ones (past it).
        for target in [0, 3, 4, 90, 91, 255, 256, 257, 300, 349, 400] {
            let found = flat.seek(target);
            assert_eq!(found, nested.seek(target), "seek({target})");
            if found == TERMINATED {
                break;
            }
            assert_eq!(flat.score(), nested.score(), "score at {found}");
            assert_eq!(flat.advance(), nested.advance(), "after {found}");
        }
    }
}
