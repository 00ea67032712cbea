//! How a query ranks an article, shared by the embedded engine's tantivy query
//! (`embedded::query_builder`) and by the re-ranking of another engine's candidates
//! ([`rank_candidates`]): the same weights, so both engines order alike.
//!
//! Any query word may match: an article missing one word of three still ranks, below
//! those that have them all, because every word an article contains adds a constant
//! bonus (Meilisearch ranks by matched words first, too). Within a word, its lemma is
//! the evidence that counts: an inflected form is as good a match as the form typed, which
//! only adds a small lift. The weights were chosen on the relevance benchmark
//! (`examples/relevance.rs`, figures in BENCHMARKS.md): requiring every word, or ranking
//! the typed form far above other forms, lost a quarter of the inflected queries' hits.

mod rerank;
mod terms;

pub(crate) use self::rerank::{idf, rank_candidates};
pub(crate) use self::terms::RankTerms;

/// Any form of the word: its lemmas (BM25-scored like every exact term).
pub(crate) const LEMMA_WEIGHT: f32 = 1.0;
/// The word as written, or without its Polish letters: on top of the lemma, so that of two
/// otherwise equal articles the one with the typed form ranks first.
pub(crate) const WRITTEN_FORM_WEIGHT: f32 = 0.1;
/// A word within the typo budget, or one starting with the word being typed. These
/// match a constant (no BM25), so the weight is the score.
pub(crate) const TYPO_WEIGHT: f32 = 0.3;
pub(crate) const PREFIX_WEIGHT: f32 = 0.3;
/// Added once per query word an article contains, whatever the field and form: the number
/// of words matched outweighs how often or where they occur.
pub(crate) const WORD_BONUS: f32 = 4.0;
/// A word found in the title and in the body counts as its best text plus this share of
/// the others: the best evidence decides, repetition across texts adds a little.
pub(crate) const OTHER_TEXTS_SHARE: f32 = 0.5;
/// Added to the score of an article in which a query word is found in its title or lead:
/// title above lead above body, whatever the texts' lengths. Constant bonuses rather than
/// multiplied scores: a title match reliably beats the same match in a body, but a common
/// word in a title does not drown an article about the query (multiplying title scores by
/// 3 cost 0.06 MRR on the relevance benchmark; these bonuses gained 0.007).
pub(crate) const TITLE_MATCH_BONUS: f32 = 1.0;
pub(crate) const LEAD_MATCH_BONUS: f32 = 0.5;
