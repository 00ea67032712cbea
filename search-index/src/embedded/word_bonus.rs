//! A query that adds a constant to the score of every document it matches. Wrapped around
//! each query word, it makes the number of words a document contains count before how well
//! it contains them — Meilisearch's first ranking rule ("words") — without requiring every
//! word: a document missing one word of four still ranks, just below those that have all.

use std::fmt;

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term};

pub(crate) struct WordBonusQuery {
    query: Box<dyn Query>,
    bonus: Score,
}

impl WordBonusQuery {
    pub(crate) fn new(query: Box<dyn Query>, bonus: Score) -> Self {
        WordBonusQuery { query, bonus }
    }
}

impl Clone for WordBonusQuery {
    fn clone(&self) -> Self {
        WordBonusQuery {
            query: self.query.box_clone(),
            bonus: self.bonus,
        }
    }
}

impl fmt::Debug for WordBonusQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WordBonus(bonus={}, query={:?})", self.bonus, self.query)
    }
}

impl Query for WordBonusQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weight = self.query.weight(enable_scoring)?;
        // Without scoring (counting, facets) the bonus has nothing to add to.
        if !enable_scoring.is_scoring_enabled() {
            return Ok(weight);
        }
        Ok(Box::new(WordBonusWeight {
            weight,
            bonus: self.bonus,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.query.query_terms(visitor);
    }
}

struct WordBonusWeight {
    weight: Box<dyn Weight>,
    bonus: Score,
}

impl Weight for WordBonusWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(WordBonusScorer {
            scorer: self.weight.scorer(reader, boost)?,
            bonus: self.bonus * boost,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let matched = self.weight.explain(reader, doc)?;
        let mut explanation = Explanation::new("WordBonus", matched.value() + self.bonus);
        explanation.add_detail(matched);
        Ok(explanation)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.weight.count(reader)
    }
}

struct WordBonusScorer {
    scorer: Box<dyn Scorer>,
    bonus: Score,
}

impl DocSet for WordBonusScorer {
    fn advance(&mut self) -> DocId {
        self.scorer.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.scorer.seek(target)
    }

    fn doc(&self) -> DocId {
        self.scorer.doc()
    }

    fn size_hint(&self) -> u32 {
        self.scorer.size_hint()
    }

    fn cost(&self) -> u64 {
        self.scorer.cost()
    }
}

impl Scorer for WordBonusScorer {
    fn score(&mut self) -> Score {
        self.scorer.score() + self.bonus
    }
}
