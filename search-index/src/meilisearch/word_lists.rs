//! Candidates by word: for each lemma of the query's content words, the articles that
//! contain it, asked of Meilisearch one lemma at a time.
//!
//! The federated search finds candidates by Meilisearch's rules, which rank a question's
//! articles by how many words they match counting from the first (`last`) or from the
//! rarest (`frequency`); the embedded engine ranks by how many words an article matches,
//! whichever they are. On the relevance benchmark's questions the page a reader wanted was
//! among Meilisearch's first 200 candidates only 67 % of the time, where the embedded
//! engine has it in its first ten 80 % of the time. One list per lemma, of ids alone,
//! lets Kronika count the words each article matches as the embedded engine does and
//! fetch the terms of the best of them for the re-rank: with them, questions' MRR@10 at
//! re-rank depth 50 went from 0.417 to 0.555 (BENCHMARKS.md).

use std::collections::{HashMap, HashSet};

use meilisearch_sdk::search::{
    MatchingStrategies, MultiSearchQuery, MultiSearchResponse, SearchQuery, Selectors,
};
use serde::Deserialize;

use super::http::{BufferedHttp, MeiliClient, MeiliIndex};
use super::wire::LEMMA_FIELDS;
use crate::query_words::QueryWord;
use crate::ranking::{WORD_BONUS, idf};

/// How many articles each lemma's list holds at most. Meilisearch orders a one-word list
/// by where the word is (title first), so a common word's list keeps the articles that
/// have it in their title or lead. Measured on the relevance benchmark at re-rank depth 50
/// (MRR@10 / Success@10, index queries and questions): 50 ids 0.540 / 0.748 and
/// 0.544 / 0.746, 200 ids 0.541 / 0.751 and 0.555 / 0.792, 1,000 ids 0.538 / 0.743 and
/// 0.548 / 0.763, and slower (Meilisearch ranks every list in full). Meilisearch's time
/// grows with the length (wall time per question on the same 2 cores, `meili_query_cost`:
/// 50 ids 15.5 ms, 100 ids 19.1 ms, 200 ids 23.7 ms; 6.8 ms without the lists and the
/// re-rank); at 100 ids relevance is 0.540 / 0.748 and 0.550 / 0.763, at the edge of the
/// target on the index queries, so the lists stay at 200.
const WORD_LIST_LIMIT: usize = 200;

/// How many lemma lists one search asks for at most. Each is one more query Meilisearch
/// ranks; a question of 6–12 words has 10–15 distinct content lemmas, but a query of 32
/// rare words with two lemmas each would otherwise send about 60. Past the cap, every
/// content word keeps its first lemma before any word gets a second.
pub(crate) const MAX_WORD_LISTS: usize = 16;

/// The distinct lemmas of the query's content words, each with the words it stands for.
pub(crate) struct QueryLemmas {
    /// Each lemma as a query: with a trailing space, or Meilisearch would take it as a
    /// prefix ("kontr" of "kontrast").
    queries: Vec<String>,
    /// Per lemma, the query words it is a lemma of, as a bit set over word positions.
    words: Vec<u64>,
}

impl QueryLemmas {
    /// At most [`MAX_WORD_LISTS`] lemmas: the content words' first lemmas in the order of
    /// the words, then their second lemmas, and so on.
    pub(crate) fn of(words: &[QueryWord]) -> Self {
        let content: Vec<(usize, &QueryWord)> = words
            .iter()
            .enumerate()
            .filter(|(_, word)| !word.is_stop_word())
            .collect();
        let most_lemmas = content.iter().map(|(_, w)| w.lemmas.len()).max();
        let by_rank = (0..most_lemmas.unwrap_or(0)).flat_map(|rank| {
            content
                .iter()
                .filter_map(move |(index, word)| Some((*index, word.lemmas.get(rank)?)))
        });
        let mut positions: HashMap<&str, usize> = HashMap::new();
        let mut queries = Vec::new();
        let mut word_sets: Vec<u64> = Vec::new();
        for (index, lemma) in by_rank {
            let position = match positions.get(lemma.as_str()) {
                Some(position) => *position,
                None if queries.len() == MAX_WORD_LISTS => continue,
                None => {
                    positions.insert(lemma, queries.len());
                    queries.push(format!("{lemma} "));
                    word_sets.push(0);
                    queries.len() - 1
                }
            };
            word_sets[position] |= 1 << index;
        }
        QueryLemmas {
            queries,
            words: word_sets,
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.queries.is_empty()
    }
}

/// The one field a list of articles needs.
pub(crate) const ID_FIELD: [&str; 1] = ["id"];

/// An article as a word list names it.
#[derive(Debug, Deserialize)]
pub(crate) struct ListedId {
    pub id: i64,
}

/// One multi-search, not federated: first the number of articles the filter leaves (the
/// collection BM25 weighs words against), then one list of ids per lemma, each finished
/// (a trailing space: no prefix) and without typos (the lemma fields have none).
pub(crate) fn word_lists_search<'a>(
    client: &'a MeiliClient,
    index: &'a MeiliIndex,
    lemmas: &'a QueryLemmas,
    filter: Option<&'a str>,
) -> MultiSearchQuery<'a, 'a, BufferedHttp> {
    let with_common = |search: &mut SearchQuery<'a, BufferedHttp>| {
        search.with_attributes_to_retrieve(Selectors::Some(&ID_FIELD));
        if let Some(filter) = filter {
            search.with_filter(filter);
        }
    };
    let mut multi = client.multi_search();
    let mut everything = SearchQuery::new(index);
    everything.with_limit(0);
    with_common(&mut everything);
    multi.with_search_query(everything.build());
    for lemma in &lemmas.queries {
        let mut list = SearchQuery::new(index);
        list.with_query(lemma)
            .with_matching_strategy(MatchingStrategies::ALL)
            .with_attributes_to_search_on(&LEMMA_FIELDS)
            .with_limit(WORD_LIST_LIMIT);
        with_common(&mut list);
        multi.with_search_query(list.build());
    }
    multi
}

/// What the word lists say, in the order [`word_lists_search`] asked.
pub(crate) struct WordLists {
    /// Articles the filter leaves.
    pub articles: usize,
    /// Per lemma: how many articles contain it, and the first [`WORD_LIST_LIMIT`] of them.
    pub lists: Vec<(usize, Vec<i64>)>,
}

impl From<MultiSearchResponse<ListedId>> for WordLists {
    fn from(response: MultiSearchResponse<ListedId>) -> Self {
        let mut results = response.results.into_iter();
        let articles = results
            .next()
            .and_then(|everything| everything.estimated_total_hits)
            .unwrap_or_default();
        let lists = results
            .map(|list| {
                let containing = list.estimated_total_hits.unwrap_or(list.hits.len());
                let ids = list.hits.into_iter().map(|hit| hit.result.id).collect();
                (containing, ids)
            })
            .collect();
        WordLists { articles, lists }
    }
}

impl WordLists {
    /// Up to `take` articles not in `known`, best first: by how many of the query's content
    /// words they contain and how telling those words are, as the embedded engine counts a
    /// constant bonus per word matched plus its BM25 (here its idf alone: the lists carry
    /// no counts; the re-rank scores the chosen ones properly).
    pub(crate) fn best_others(
        &self,
        lemmas: &QueryLemmas,
        known: &HashSet<i64>,
        take: usize,
    ) -> Vec<i64> {
        let mut words_of: HashMap<i64, u64> = HashMap::new();
        for ((_, ids), words) in self.lists.iter().zip(&lemmas.words) {
            for id in ids.iter().filter(|id| !known.contains(id)) {
                *words_of.entry(*id).or_default() |= words;
            }
        }
        // A word's weight: its rarest lemma's idf.
        let mut word_idf: HashMap<u32, f32> = HashMap::new();
        for ((containing, _), words) in self.lists.iter().zip(&lemmas.words) {
            let idf = idf(saturating_u32(self.articles), saturating_u32(*containing));
            for position in bits(*words) {
                let weight = word_idf.entry(position).or_insert(0.0);
                *weight = weight.max(idf);
            }
        }
        let mut scored: Vec<(i64, f32)> = words_of
            .into_iter()
            .map(|(id, words)| {
                let score = bits(words)
                    .map(|position| WORD_BONUS + word_idf.get(&position).copied().unwrap_or(0.0))
                    .sum();
                (id, score)
            })
            .collect();
        // Ties by id, so that one query always picks the same articles.
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored.into_iter().take(take).map(|(id, _)| id).collect()
    }
}

/// The positions of the set bits.
fn bits(set: u64) -> impl Iterator<Item = u32> {
    (0..u64::BITS).filter(move |bit| set & (1 << bit) != 0)
}

fn saturating_u32(count: usize) -> u32 {
    u32::try_from(count).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query_words::query_words;
    use crate::{AnalysisMode, Analyzer};

    fn lists(articles: usize, lists: &[(usize, &[i64])]) -> WordLists {
        WordLists {
            articles,
            lists: lists
                .iter()
                .map(|(containing, ids)| (*containing, ids.to_vec()))
                .collect(),
        }
    }

    #[test]
    fn each_content_lemma_is_asked_once_and_stop_words_not_at_all() {
        let analyzer = Analyzer::new(AnalysisMode::Full);
        let lemmas = QueryLemmas::of(&query_words(&analyzer, "Jak działa partnerstwo w gminie "));
        assert!(lemmas.queries.contains(&"partnerstwo ".to_owned()));
        assert!(lemmas.queries.contains(&"gmina ".to_owned()));
        assert!(!lemmas.queries.contains(&"jak ".to_owned()));
        assert!(!lemmas.queries.contains(&"w ".to_owned()));
        let distinct: HashSet<&String> = lemmas.queries.iter().collect();
        assert_eq!(distinct.len(), lemmas.queries.len());
        assert!(QueryLemmas::of(&query_words(&analyzer, "jak w ")).is_empty());
    }

    #[test]
    fn articles_with_more_words_come_first_then_rarer_words() {
        let analyzer = Analyzer::new(AnalysisMode::Full);
        // Three words: "partnerstwo" (rare), "gmina" (common), "dworzec".
        let lemmas = QueryLemmas::of(&query_words(&analyzer, "partnerstwo gmina dworzec "));
        assert_eq!(lemmas.queries, ["partnerstwo ", "gmina ", "dworzec "]);
        let found = lists(
            1_000,
            &[(3, &[1, 2, 3]), (900, &[2, 4, 5, 6]), (40, &[2, 5, 7])],
        );
        let known = HashSet::from([6]);
        let best = found.best_others(&lemmas, &known, 10);
        // 2 has all three words; 5 two; then one word each, the rarest first.
        assert_eq!(best, [2, 5, 1, 3, 7, 4]);
        assert_eq!(found.best_others(&lemmas, &known, 2), [2, 5]);
    }

    #[test]
    fn a_long_query_asks_for_at_most_the_cap_first_lemmas_first() {
        let analyzer = Analyzer::new(AnalysisMode::Full);
        // 32 content words, most with more than one lemma ("zamki": zamek, zamknąć...).
        let text = "zamki gminy rady sesje drogi mosty szkoły parki domy lasy rzeki pola \
                    miasta wsie ulice place kościoły dworce porty sklepy banki urzędy \
                    szpitale teatry muzea kina hale stadiony baseny łąki góry doliny ";
        let words = query_words(&analyzer, text);
        assert_eq!(words.len(), 32);
        let lemmas = QueryLemmas::of(&words);
        assert_eq!(lemmas.queries.len(), MAX_WORD_LISTS);
        // The first sixteen words each keep their first lemma, in order.
        for (position, word) in words.iter().take(MAX_WORD_LISTS).enumerate() {
            let first = format!("{} ", word.lemmas[0]);
            let asked = lemmas.queries.iter().position(|query| *query == first);
            assert!(asked.is_some(), "{first:?} not among {:?}", lemmas.queries);
            assert!(lemmas.words[asked.unwrap_or_default()] & (1 << position) != 0);
        }
    }

    #[test]
    fn a_word_with_two_lemmas_counts_once() {
        let lemmas = QueryLemmas {
            queries: vec!["zamek ".into(), "zamknac ".into(), "gmina ".into()],
            words: vec![0b01, 0b01, 0b10],
        };
        let found = lists(100, &[(5, &[1]), (5, &[1, 2]), (50, &[2])]);
        // 1 has both lemmas of the first word: one word, as 2 has two.
        assert_eq!(found.best_others(&lemmas, &HashSet::new(), 5), [2, 1]);
    }
}
