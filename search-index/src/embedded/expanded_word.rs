//! A word matched by the terms it expands to in the folded words of all texts: within its
//! typo budget, or as a prefix of longer words (the word being typed). Scored as a
//! constant, like tantivy's `FuzzyTermQuery`.
//!
//! Finding those terms means building an automaton, walking the term dictionary with it and
//! uniting the postings of every term it accepts: about a quarter of a question's time, and
//! the same every time the same word is searched in the same segment. A segment never
//! changes once written (deletions are left to the collector, which skips deleted
//! documents), so the documents a word expands to are kept by segment and word in an
//! [`ExpansionCache`] until memory is needed for others.

use std::fmt;
use std::sync::Arc;

use moka::sync::Cache;
use tantivy::index::SegmentId;
use tantivy::query::{
    BitSetDocSet, ConstScorer, EnableScoring, Explanation, Query, Scorer, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{BitSet, DocId, Score, SegmentReader, TantivyError};
use tantivy_fst::Automaton;

use super::typo_automaton::TypoAutomaton;

/// Memory for the kept expansions. An entry is one bit per document of its segment (12 kB
/// for a segment of 100,000 articles) plus its word, so this keeps a few thousand words of
/// a large index.
const EXPANSION_CACHE_BYTES: u64 = 32 * 1024 * 1024;

/// How a word expands.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub(crate) enum Expansion {
    /// Every term within this many typos (an edit of the first letter counts as two).
    Typos(u8),
    /// Every term that starts with the word.
    Prefix,
}

#[derive(Hash, PartialEq, Eq)]
struct Key {
    segment: SegmentId,
    field: Field,
    word: String,
    expansion: Expansion,
}

/// The documents of each segment that words expanded to, by segment and word.
#[derive(Clone)]
pub(crate) struct ExpansionCache {
    documents: Cache<Key, Arc<BitSet>>,
}

impl ExpansionCache {
    pub(crate) fn new() -> Self {
        let documents = Cache::builder()
            .max_capacity(EXPANSION_CACHE_BYTES)
            .weigher(|key: &Key, documents: &Arc<BitSet>| {
                documents.max_value() / 8 + key.word.len() as u32 + 64
            })
            .build();
        ExpansionCache { documents }
    }

    /// The documents `word` expands to in the reader's segment, found once: searches
    /// asking for the same word at the same time wait for the one walk.
    fn documents(
        &self,
        reader: &SegmentReader,
        field: Field,
        word: &str,
        expansion: Expansion,
    ) -> tantivy::Result<Arc<BitSet>> {
        let key = Key {
            segment: reader.segment_id(),
            field,
            word: word.to_owned(),
            expansion,
        };
        self.documents
            .try_get_with(key, || {
                let documents = match expansion {
                    Expansion::Typos(typos) => {
                        matching_documents(reader, field, &TypoAutomaton::new(word, typos)?)?
                    }
                    Expansion::Prefix => {
                        matching_documents(reader, field, &Prefix(word.as_bytes()))?
                    }
                };
                Ok(Arc::new(documents))
            })
            .map_err(|error: Arc<TantivyError>| TantivyError::clone(&error))
    }
}

/// The documents of a segment that contain a term of `field` the automaton accepts.
fn matching_documents<A>(
    reader: &SegmentReader,
    field: Field,
    automaton: &A,
) -> tantivy::Result<BitSet>
where
    A: Automaton,
    A::State: Clone,
{
    let mut documents = BitSet::with_max_value(reader.max_doc());
    let inverted_index = reader.inverted_index(field)?;
    let mut terms = inverted_index.terms().search(automaton).into_stream()?;
    while terms.advance() {
        let mut postings = inverted_index
            .read_block_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)?;
        while !postings.docs().is_empty() {
            for &document in postings.docs() {
                documents.insert(document);
            }
            postings.advance();
        }
    }
    Ok(documents)
}

/// Accepts the terms that start with its bytes. The state is how many of them were read,
/// `None` once a byte differed.
struct Prefix<'a>(&'a [u8]);

impl Automaton for Prefix<'_> {
    type State = Option<usize>;

    fn start(&self) -> Option<usize> {
        Some(0)
    }

    fn is_match(&self, read: &Option<usize>) -> bool {
        read.is_some_and(|read| read == self.0.len())
    }

    fn can_match(&self, read: &Option<usize>) -> bool {
        read.is_some()
    }

    fn will_always_match(&self, read: &Option<usize>) -> bool {
        self.is_match(read)
    }

    fn accept(&self, read: &Option<usize>, byte: u8) -> Option<usize> {
        match *read {
            Some(read) if read == self.0.len() => Some(read),
            Some(read) if self.0[read] == byte => Some(read + 1),
            _ => None,
        }
    }
}

/// Matches the documents whose `field` has a term `word` expands to.
#[derive(Clone)]
pub(crate) struct ExpandedWordQuery {
    field: Field,
    word: String,
    expansion: Expansion,
    cache: ExpansionCache,
}

impl ExpandedWordQuery {
    pub(crate) fn new(
        field: Field,
        word: &str,
        expansion: Expansion,
        cache: &ExpansionCache,
    ) -> Self {
        ExpandedWordQuery {
            field,
            word: word.to_owned(),
            expansion,
            cache: cache.clone(),
        }
    }
}

impl fmt::Debug for ExpandedWordQuery {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("ExpandedWordQuery")
            .field("field", &self.field)
            .field("word", &self.word)
            .field("expansion", &self.expansion)
            .finish_non_exhaustive()
    }
}

impl Query for ExpandedWordQuery {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        if self.word.is_empty() {
            return Err(TantivyError::InvalidArgument(
                "an empty word expands to nothing".into(),
            ));
        }
        Ok(Box::new(self.clone()))
    }
}

impl Weight for ExpandedWordQuery {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let documents = self
            .cache
            .documents(reader, self.field, &self.word, self.expansion)?;
        // The scorer advances through a set of its own; copying one bit per document is
        // cheap beside finding them again.
        let documents = BitSetDocSet::from(BitSet::clone(&documents));
        Ok(Box::new(ConstScorer::new(documents, boost)))
    }

    fn explain(&self, reader: &SegmentReader, document: DocId) -> tantivy::Result<Explanation> {
        let documents = self
            .cache
            .documents(reader, self.field, &self.word, self.expansion)?;
        if documents.contains(document) {
            Ok(Explanation::new("ExpandedWordQuery", 1.0))
        } else {
            Err(TantivyError::InvalidArgument(
                "the document does not match".into(),
            ))
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

    struct WordIndex {
        index: Index,
        field: Field,
    }

    /// A real index with one document per word, in one segment.
    fn word_index(words: &[&str]) -> WordIndex {
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
        WordIndex { index, field }
    }

    impl WordIndex {
        /// Every word the query matches, sorted.
        fn matched(
            &self,
            words: &[&str],
            word: &str,
            expansion: Expansion,
            cache: &ExpansionCache,
        ) -> Vec<String> {
            let searcher = self.index.reader().unwrap().searcher();
            let query = ExpandedWordQuery::new(self.field, word, expansion, cache);
            let mut found: Vec<String> = searcher
                .search(&query, &DocSetCollector)
                .unwrap()
                .into_iter()
                .map(|address| words[address.doc_id as usize].to_owned())
                .collect();
            found.sort();
            found
        }
    }

    const WORDS: [&str; 17] = [
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

    #[test]
    fn the_typo_automaton_and_the_highlighter_agree_on_every_word() {
        let index = word_index(&WORDS);
        let cache = ExpansionCache::new();
        for (query_word, typos) in [("struzik", 1), ("brajlowskim", 2), ("lodz", 1)] {
            let mut expected: Vec<String> = WORDS
                .iter()
                .filter(|word| within_typos(word, query_word, typos))
                .map(|word| (*word).to_owned())
                .collect();
            expected.sort();
            let found = index.matched(&WORDS, query_word, Expansion::Typos(typos), &cache);
            assert_eq!(found, expected, "{query_word}");
        }
        assert_eq!(
            index.matched(&WORDS, "struzik", Expansion::Typos(1), &cache),
            ["strusik", "struzik", "struzk", "sztruzik"]
        );
    }

    #[test]
    fn a_prefix_matches_the_words_it_begins() {
        let index = word_index(&WORDS);
        let cache = ExpansionCache::new();
        assert_eq!(
            index.matched(&WORDS, "struz", Expansion::Prefix, &cache),
            ["struzik", "struzikowi", "struzk"]
        );
        assert_eq!(
            index.matched(&WORDS, "łód", Expansion::Prefix, &cache),
            ["łódź"]
        );
    }

    #[test]
    fn a_kept_expansion_belongs_to_its_segment_and_word_only() {
        let cache = ExpansionCache::new();
        let first = word_index(&["kot", "kotek", "pies"]);
        assert_eq!(
            first.matched(&["kot", "kotek", "pies"], "kot", Expansion::Prefix, &cache),
            ["kot", "kotek"]
        );
        // The same word in another index (another segment) is found there, not replayed.
        let second = word_index(&["kotara", "piesek", "kot"]);
        assert_eq!(
            second.matched(
                &["kotara", "piesek", "kot"],
                "kot",
                Expansion::Prefix,
                &cache
            ),
            ["kot", "kotara"]
        );
        // Another expansion of the same word is its own entry.
        assert_eq!(
            second.matched(
                &["kotara", "piesek", "kot"],
                "kot",
                Expansion::Typos(1),
                &cache
            ),
            ["kot"]
        );
        // Replayed from the cache, the same documents.
        assert_eq!(
            first.matched(&["kot", "kotek", "pies"], "kot", Expansion::Prefix, &cache),
            ["kot", "kotek"]
        );
    }
}
