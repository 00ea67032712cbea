//! The embedded engine's ranking applied to candidates another engine found.
//!
//! Meilisearch finds the articles that match a query, but ranks long questions far below
//! the embedded engine (its rules count words and proximity, not how telling a word is).
//! So the Meilisearch backend takes its first candidates with their [`RankTerms`] and
//! hands them here, to be scored as the embedded engine's query
//! (`embedded::query_builder`) scores a document: BM25 per word and text (k1 1.2,
//! b 0.75, as tantivy), the same weights and bonuses. A unit test holds the two to the
//! same order on the same documents.
//!
//! One difference remains: BM25's word statistics (how many articles contain a word, how
//! long a text is on average) are those of the candidates, not of the whole collection.
//! The candidates were chosen for containing the query's words, so a word common among
//! them is common in the collection too; the relevance benchmark measures what is left.

use rustc_hash::FxHashMap;

use super::terms::{RankTerms, TextTerms, entries};
use super::{
    LEAD_MATCH_BONUS, LEMMA_WEIGHT, OTHER_TEXTS_SHARE, PREFIX_WEIGHT, TITLE_MATCH_BONUS,
    TYPO_WEIGHT, WORD_BONUS, WRITTEN_FORM_WEIGHT,
};
use crate::query_words::{MAX_QUERY_WORDS, QueryWord, within_typos};

/// tantivy's BM25 parameters.
const K1: f32 = 1.2;
const B: f32 = 0.75;

/// The texts in the order of [`RankTerms`], with the bonus a match in each adds.
const TEXT_BONUSES: [f32; TEXTS] = [TITLE_MATCH_BONUS, LEAD_MATCH_BONUS, 0.0, 0.0];
const TEXTS: usize = 4;

/// `candidates` in the embedded engine's order for the query `words`, as positions in
/// `candidates`, best first (equal scores keep their order). Candidates no word matches
/// (Meilisearch may allow a typo inside a prefix, say, or an article indexed before its
/// terms were stored) follow in their original order, so no candidate is lost.
pub(crate) fn rank_candidates(words: &[QueryWord], candidates: &[RankTerms]) -> Vec<usize> {
    // More words than a bit set holds cannot get here: both engines refuse such queries.
    let words = &words[..words.len().min(MAX_QUERY_WORDS)];
    let slots = QuerySlots::new(words);
    let mut form_matches = FormMatches::new(words);
    let counted: Vec<Counted> = candidates
        .iter()
        .map(|terms| Counted::new(terms, &slots, words, &mut form_matches))
        .collect();
    let stats = Statistics::new(&counted, &slots);
    let mut scored: Vec<(usize, f32)> = Vec::with_capacity(counted.len());
    let mut unmatched = Vec::new();
    for (position, candidate) in counted.iter().enumerate() {
        match score(words, &slots, &stats, candidate) {
            Some(score) => scored.push((position, score)),
            None => unmatched.push(position),
        }
    }
    scored.sort_by(|a, b| b.1.total_cmp(&a.1));
    scored
        .into_iter()
        .map(|(position, _)| position)
        .chain(unmatched)
        .collect()
}

/// Each distinct term the query looks for, numbered: lemma keys and written forms are
/// looked up in each text, folded forms in the folded list.
struct QuerySlots<'q> {
    lemmas: Slots<'q>,
    written: Slots<'q>,
    folded: Slots<'q>,
}

impl<'q> QuerySlots<'q> {
    fn new(words: &'q [QueryWord]) -> Self {
        QuerySlots {
            lemmas: Slots::new(
                words
                    .iter()
                    .flat_map(|w| w.lemmas.iter().map(String::as_str)),
            ),
            written: Slots::new(words.iter().map(|w| w.text.as_str())),
            folded: Slots::new(words.iter().map(|w| w.folded.as_str())),
        }
    }
}

/// Terms numbered in the order they come, each once.
struct Slots<'q> {
    numbers: FxHashMap<&'q str, usize>,
    /// Per first byte, the lengths of the terms that start with it, as a bit set (bit 63
    /// for 63 bytes and longer): most words of a candidate are passed over without
    /// hashing. It is the test made on every word of every candidate.
    lengths_by_first_byte: [u64; 256],
}

/// A term's length as a bit of [`Slots::lengths_by_first_byte`].
fn length_bit(term: &str) -> u64 {
    1 << term.len().min(63)
}

impl<'q> Slots<'q> {
    fn new(terms: impl Iterator<Item = &'q str>) -> Self {
        let mut numbers = FxHashMap::default();
        let mut lengths_by_first_byte = [0; 256];
        for term in terms {
            let next = numbers.len();
            numbers.entry(term).or_insert(next);
            if let Some(&first) = term.as_bytes().first() {
                lengths_by_first_byte[usize::from(first)] |= length_bit(term);
            }
        }
        Slots {
            numbers,
            lengths_by_first_byte,
        }
    }

    fn len(&self) -> usize {
        self.numbers.len()
    }

    fn get(&self, term: &str) -> Option<usize> {
        let first = *term.as_bytes().first()?;
        if self.lengths_by_first_byte[usize::from(first)] & length_bit(term) == 0 {
            return None;
        }
        self.numbers.get(term).copied()
    }

    /// The slot of a term the query has.
    fn of(&self, term: &str) -> usize {
        self.numbers[term]
    }
}

/// A list's counts of the query's terms, by slot, and its length in terms.
struct SlotCounts {
    counts: Vec<u32>,
    length: u32,
}

impl SlotCounts {
    fn empty(slots: &Slots) -> Self {
        SlotCounts {
            counts: vec![0; slots.len()],
            length: 0,
        }
    }

    fn new(encoded: &str, slots: &Slots) -> Self {
        let mut counts = SlotCounts::empty(slots);
        for (term, count) in entries(encoded) {
            counts.add(term, count, slots);
        }
        counts
    }

    fn add(&mut self, term: &str, count: u32, slots: &Slots) {
        self.length += count;
        if let Some(slot) = slots.get(term) {
            self.counts[slot] += count;
        }
    }
}

/// One candidate as far as the query is concerned.
struct Counted {
    lemmas: [SlotCounts; TEXTS],
    written: [SlotCounts; TEXTS],
    folded: SlotCounts,
    /// Per query word: a folded word within its typos, and one starting with it.
    typo_match: Vec<bool>,
    prefix_match: Vec<bool>,
}

impl Counted {
    fn new<'c>(
        terms: &'c RankTerms,
        slots: &QuerySlots,
        words: &[QueryWord],
        form_matches: &mut FormMatches<'c>,
    ) -> Self {
        let texts: [&TextTerms; TEXTS] =
            [&terms.title, &terms.lead, &terms.body, &terms.attachments];
        // The folded list is read once, for its counts and for typos and prefixes.
        let mut folded = SlotCounts::empty(&slots.folded);
        let (mut typo_bits, mut prefix_bits) = (0_u64, 0_u64);
        for (term, count) in entries(&terms.folded) {
            folded.add(term, count, &slots.folded);
            if form_matches.needed {
                let (typos, prefixes) = form_matches.of(term, words);
                typo_bits |= typos;
                prefix_bits |= prefixes;
            }
        }
        let bit_set = |bits: u64| {
            (0..words.len())
                .map(|index| bits & (1 << index) != 0)
                .collect()
        };
        Counted {
            lemmas: texts.map(|text| SlotCounts::new(&text.lemmas, &slots.lemmas)),
            written: texts.map(|text| SlotCounts::new(&text.words, &slots.written)),
            folded,
            typo_match: bit_set(typo_bits),
            prefix_match: bit_set(prefix_bits),
        }
    }
}

/// Which query words a folded word matches with typos and as a prefix, as bit sets (a
/// query has at most [`MAX_QUERY_WORDS`] words), remembered per word: candidates share
/// most of their words, and an edit distance is the dearest test here.
struct FormMatches<'c> {
    needed: bool,
    /// The lengths an ASCII word may have to match some query word with typos or as a
    /// prefix, as bit sets of [`length_bit`]: per first byte (one typo keeps the first
    /// letter, a prefix starts with it) and whatever the first byte (two typos may change
    /// it). A typo changes a word's length by one letter at most, a prefix is no longer
    /// than its word. Most words of a text are ruled out by these two tests, without
    /// hashing.
    lengths_by_first_byte: [u64; 128],
    lengths_any_first_byte: u64,
    /// The length tests count bytes as letters, which holds when the query's folded
    /// words and the word tested are ASCII; otherwise the word takes the full test.
    ascii_query: bool,
    /// Per query word, its folded form's letters and first letter: most words of a text
    /// that pass the length tests are ruled out by these before an edit distance is
    /// computed.
    letters: Vec<(usize, Option<char>)>,
    known: FxHashMap<&'c str, (u64, u64)>,
}

/// The bits of [`length_bit`] for the lengths `from..=to`.
fn length_bits(from: usize, to: usize) -> u64 {
    let (from, to) = (from.min(63), to.min(63));
    (u64::MAX >> (63 - to)) & (u64::MAX << from)
}

impl<'c> FormMatches<'c> {
    fn new(words: &[QueryWord]) -> Self {
        let mut lengths_by_first_byte = [0; 128];
        let mut lengths_any_first_byte = 0;
        let mut ascii_query = true;
        let mut needed = false;
        for word in words {
            if word.typos == 0 && !word.prefix {
                continue;
            }
            needed = true;
            let folded = word.folded.as_bytes();
            let Some(&first) = folded.first().filter(|_| word.folded.is_ascii()) else {
                ascii_query = false;
                continue;
            };
            let length = folded.len();
            let typos = usize::from(word.typos);
            let by_typos = if typos > 0 {
                length_bits(length.saturating_sub(typos), length + typos)
            } else {
                0
            };
            let by_prefix = if word.prefix {
                length_bits(length, 63)
            } else {
                0
            };
            if typos > 1 {
                lengths_any_first_byte |= by_typos;
                lengths_by_first_byte[usize::from(first)] |= by_prefix;
            } else {
                lengths_by_first_byte[usize::from(first)] |= by_typos | by_prefix;
            }
        }
        FormMatches {
            needed,
            lengths_by_first_byte,
            lengths_any_first_byte,
            ascii_query,
            letters: words
                .iter()
                .map(|word| (word.folded.chars().count(), word.folded.chars().next()))
                .collect(),
            known: FxHashMap::default(),
        }
    }

    fn of(&mut self, term: &'c str, words: &[QueryWord]) -> (u64, u64) {
        if self.ascii_query && term.is_ascii() {
            let Some(&first) = term.as_bytes().first() else {
                return (0, 0);
            };
            let lengths =
                self.lengths_any_first_byte | self.lengths_by_first_byte[usize::from(first)];
            if lengths & length_bit(term) == 0 {
                return (0, 0);
            }
        }
        let letters = &self.letters;
        *self.known.entry(term).or_insert_with(|| {
            let term_letters = term.chars().count();
            let term_first = term.chars().next();
            let mut typos = 0;
            let mut prefixes = 0;
            for (index, (word, &(word_letters, word_first))) in
                words.iter().zip(letters).enumerate()
            {
                // What `within_typos` would rule out first: a length more than the typos
                // away, or (one typo) another first letter.
                let possible = word.typos > 0
                    && term_letters.abs_diff(word_letters) <= usize::from(word.typos)
                    && (word.typos > 1 || term_first == word_first);
                if possible && within_typos(term, &word.folded, word.typos) {
                    typos |= 1 << index;
                }
                if word.prefix && term.starts_with(word.folded.as_str()) {
                    prefixes |= 1 << index;
                }
            }
            (typos, prefixes)
        })
    }
}

/// The BM25 statistics: how telling each slot's term is, per list, and the lists' average
/// lengths among the candidates.
struct Statistics {
    lemmas: [ListStatistics; TEXTS],
    written: [ListStatistics; TEXTS],
    folded: ListStatistics,
}

struct ListStatistics {
    idf: Vec<f32>,
    average_length: f32,
}

impl ListStatistics {
    fn new<'c>(lists: impl Iterator<Item = &'c SlotCounts>, slots: usize) -> Self {
        let mut containing = vec![0_u32; slots];
        let mut total_length = 0_u64;
        let mut documents = 0_u32;
        for list in lists {
            documents += 1;
            total_length += u64::from(list.length);
            for (slot, &count) in list.counts.iter().enumerate() {
                containing[slot] += u32::from(count > 0);
            }
        }
        let idf = containing
            .iter()
            .map(|&containing| idf(documents, containing))
            .collect();
        ListStatistics {
            idf,
            average_length: total_length as f32 / documents.max(1) as f32,
        }
    }

    /// BM25 of a term occurring `count` times in a list of `length` terms.
    fn bm25(&self, slot: usize, count: u32, length: u32) -> f32 {
        if count == 0 {
            return 0.0;
        }
        let count = count as f32;
        // An empty text throughout makes the average 0; its terms cannot occur anyway.
        let relative_length = if self.average_length > 0.0 {
            length as f32 / self.average_length
        } else {
            1.0
        };
        self.idf[slot] * (1.0 + K1) * count / (count + K1 * (1.0 - B + B * relative_length))
    }
}

/// tantivy's inverse document frequency.
pub(crate) fn idf(documents: u32, containing: u32) -> f32 {
    let (documents, containing) = (documents as f32, containing as f32);
    (1.0 + (documents - containing + 0.5) / (containing + 0.5)).ln()
}

impl Statistics {
    fn new(counted: &[Counted], slots: &QuerySlots) -> Self {
        Statistics {
            lemmas: std::array::from_fn(|text| {
                ListStatistics::new(counted.iter().map(|c| &c.lemmas[text]), slots.lemmas.len())
            }),
            written: std::array::from_fn(|text| {
                ListStatistics::new(
                    counted.iter().map(|c| &c.written[text]),
                    slots.written.len(),
                )
            }),
            folded: ListStatistics::new(counted.iter().map(|c| &c.folded), slots.folded.len()),
        }
    }
}

/// The candidate's score, `None` when the query does not match it: the sum over the
/// query's words as `embedded::query_builder::build_query` composes it.
fn score(
    words: &[QueryWord],
    slots: &QuerySlots,
    stats: &Statistics,
    candidate: &Counted,
) -> Option<f32> {
    let has_content_words = words.iter().any(|word| !word.is_stop_word());
    let mut matched = false;
    let mut total = 0.0;
    let mut scoring_only = 0.0;
    for (index, word) in words.iter().enumerate() {
        let Some(word_score) = word_score(index, word, slots, stats, candidate) else {
            continue;
        };
        if !word.is_stop_word() {
            total += word_score + WORD_BONUS;
            matched = true;
        } else if has_content_words {
            scoring_only += word_score;
        } else {
            total += word_score;
            matched = true;
        }
    }
    matched.then_some(total + scoring_only)
}

/// One word's score, `None` when it matches nothing: in every text by its lemmas and
/// written form (the best text counts, the others add a share, a title or lead match adds
/// its bonus), then in the folded words as typed without Polish letters, with typos, or
/// as a prefix.
fn word_score(
    index: usize,
    word: &QueryWord,
    slots: &QuerySlots,
    stats: &Statistics,
    candidate: &Counted,
) -> Option<f32> {
    let mut best_text = 0.0_f32;
    let mut texts_sum = 0.0;
    let mut matched = false;
    for (text, bonus) in TEXT_BONUSES.iter().enumerate() {
        let lemmas = &candidate.lemmas[text];
        let written = &candidate.written[text];
        let mut text_score = 0.0;
        let mut in_text = false;
        for lemma in &word.lemmas {
            let slot = slots.lemmas.of(lemma);
            let count = lemmas.counts[slot];
            in_text |= count > 0;
            text_score += LEMMA_WEIGHT * stats.lemmas[text].bm25(slot, count, lemmas.length);
        }
        let slot = slots.written.of(&word.text);
        let count = written.counts[slot];
        in_text |= count > 0;
        text_score += WRITTEN_FORM_WEIGHT * stats.written[text].bm25(slot, count, written.length);
        if in_text {
            text_score += bonus;
            best_text = best_text.max(text_score);
            texts_sum += text_score;
            matched = true;
        }
    }
    let mut score = if matched {
        best_text + OTHER_TEXTS_SHARE * (texts_sum - best_text)
    } else {
        0.0
    };
    let slot = slots.folded.of(&word.folded);
    let count = candidate.folded.counts[slot];
    if count > 0 {
        score += WRITTEN_FORM_WEIGHT * stats.folded.bm25(slot, count, candidate.folded.length);
        matched = true;
    }
    if candidate.typo_match[index] {
        score += TYPO_WEIGHT;
        matched = true;
    }
    if candidate.prefix_match[index] {
        score += PREFIX_WEIGHT;
        matched = true;
    }
    matched.then_some(score)
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "a test fails loudly on any error")]

    use super::*;
    use crate::document::test_document as document;
    use crate::query_words::query_words;
    use crate::{
        AnalysisMode, Analyzer, AttachedDocument, SearchBackend, SearchDocument, SearchQuery,
        TantivyBackend,
    };

    fn ranked(analyzer: &Analyzer, query: &str, documents: &[SearchDocument]) -> Vec<i64> {
        let terms: Vec<RankTerms> = documents
            .iter()
            .map(|document| RankTerms::of(analyzer, document))
            .collect();
        rank_candidates(&query_words(analyzer, query), &terms)
            .into_iter()
            .map(|position| documents[position].id)
            .collect()
    }

    #[test]
    fn candidates_come_back_best_first_and_none_is_lost() {
        let analyzer = Analyzer::new(AnalysisMode::Full);
        let documents = [
            document(1, "Sesja rady", "", "Radni obradowali nad budżetem."),
            document(2, "Nieznane słowo", "", "Nic tu nie pasuje."),
            document(
                3,
                "Partnerstwo lokalne",
                "",
                "O partnerstwie lokalnym w gminie.",
            ),
            document(4, "Gmina", "", "Partnerstwa lokalnego szuka gmina."),
        ];
        assert_eq!(
            ranked(&analyzer, "partnerstwo lokalne", &documents),
            [3, 4, 1, 2]
        );
    }

    /// The length and first-byte tests only skip words the full test would not match.
    #[test]
    fn form_matches_agree_with_the_full_test() {
        let analyzer = Analyzer::new(AnalysisMode::Full);
        let terms = [
            "partnerstwo",
            "partnerstwa",
            "aprtnerstwo",
            "artnerstwo",
            "partnerstwoo",
            "kontr",
            "kontrola",
            "kontrast",
            "kotnr",
            "konduktorski",
            "konduktorskie",
            "onduktorski",
            "xonduktorski",
            "konduktor",
            "lodz",
            "łódź",
            "lodzi",
            "łodz",
            "a",
            "",
            "partnerstwo_lokalne",
            "żółw",
            "zolw",
            "kondukторski",
        ];
        for query in [
            "partnerstwo lokalne kontr",
            "konduktorski łódź",
            "żółw partnerstwo",
            "kondukторski",
        ] {
            let words = query_words(&analyzer, query);
            let mut form_matches = FormMatches::new(&words);
            for term in terms {
                let (mut typos, mut prefixes) = (0_u64, 0_u64);
                for (index, word) in words.iter().enumerate() {
                    if within_typos(term, &word.folded, word.typos) {
                        typos |= 1 << index;
                    }
                    if word.prefix && term.starts_with(word.folded.as_str()) {
                        prefixes |= 1 << index;
                    }
                }
                assert_eq!(
                    form_matches.of(term, &words),
                    (typos, prefixes),
                    "{query:?}, {term:?}"
                );
            }
        }
    }

    #[test]
    fn no_candidates_no_work() {
        let analyzer = Analyzer::new(AnalysisMode::Plain);
        assert!(rank_candidates(&query_words(&analyzer, "cokolwiek"), &[]).is_empty());
    }

    /// The point of it all: on the same documents the re-rank orders as the embedded
    /// engine does, by title over lead over body, matched words, inflected forms, written
    /// forms, typos, prefixes, stop words and attachments.
    #[tokio::test]
    async fn the_order_is_the_embedded_engines_order() {
        let analyzer = Analyzer::new(AnalysisMode::Full);
        let mut documents = vec![
            document(
                1,
                "Budżet gminy na rok 2027",
                "Rada przyjęła budżet.",
                "Radni głosowali nad budżetem gminy przez trzy godziny.",
            ),
            document(
                2,
                "Sesja rady",
                "Obrady w ratuszu.",
                "Na sesji rady gminy mówiono o budżecie i o drogach.",
            ),
            document(
                3,
                "Drogi gminne",
                "Remonty dróg.",
                "Gmina remontuje drogi, a budżet na drogi rośnie.",
            ),
            document(
                4,
                "Partnerstwo lokalne",
                "",
                "Partnerstwa lokalnego szukają gminy i stowarzyszenia.",
            ),
            document(
                5,
                "Konkurs fotograficzny",
                "Zdjęcia gminy.",
                "Zdjęcia z konkursu pokazują gminę i jej mieszkańców.",
            ),
            document(
                6,
                "Warsztaty w Mińsku",
                "Warsztaty ożywienia gospodarczego.",
                "Warsztatach kontrastu nie było, ale były warsztaty.",
            ),
            document(
                7,
                "Kontrola drogowa",
                "",
                "Kontrolerzy sprawdzili drogi w gminie.",
            ),
            document(8, "Wieści z gminy", "", "Lodz i Łódź, budzet i budżet."),
        ];
        documents[4].attachments.push(AttachedDocument {
            title: "Regulamin konkursu".into(),
            text: "Zgłoszenia przyjmuje sekretariat gminy do końca roku.".into(),
        });
        let engine =
            TantivyBackend::in_memory(std::sync::Arc::new(Analyzer::new(AnalysisMode::Full)))
                .unwrap();
        engine.upsert(&documents).await.unwrap();
        for query in [
            "budżet gminy",
            "budzet",
            "budżetu gminy na drogi",
            "Jak wygląda budżet na drogi w gminie?",
            "partnerstwo lokalne",
            "warsztatach",
            "kontr",
            "sekretariat",
            "zdjęcia z konkursu",
            "budżte",
            // Two typos, one of them the first letter; one typo at the end.
            "aprtnerstwo",
            "warsztatahc",
            "łódź",
            "w i",
        ] {
            let found = engine
                .search(&SearchQuery {
                    text: query.to_owned(),
                    limit: 20,
                    ..SearchQuery::default()
                })
                .await
                .unwrap();
            let embedded: Vec<i64> = found.hits.iter().map(|hit| hit.id).collect();
            let reranked = ranked(&analyzer, query, &documents);
            assert_eq!(
                reranked[..embedded.len()],
                embedded,
                "{query:?}: re-ranked {reranked:?}, embedded {embedded:?}"
            );
        }
    }
}
