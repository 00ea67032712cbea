//! The embedded engine's ranking applied to candidates another engine found.
//!
//! Meilisearch finds the articles that match a query well, but ranks long questions far
//! below the embedded engine (its rules count words and proximity, not how telling a word
//! is). So the Meilisearch backend takes its first candidates and hands them here: they are
//! indexed into a throwaway in-memory segment, with the same analysis, schema and query as
//! the embedded engine's own index, and come back in the order it would give them.
//!
//! One difference remains: BM25's word statistics (how many articles contain a word) are
//! those of the candidates, not of the whole collection. The candidates were chosen for
//! containing the query's words, so a word common among them is common in the collection
//! too; the relevance benchmark measures what is left of the difference.

use tantivy::collector::TopDocs;
use tantivy::directory::RamDirectory;
use tantivy::{IndexBuilder, TantivyDocument};

use super::document::to_tantivy;
use super::open_index::internal;
use super::query_builder::build_query;
use super::schema::build_schema;
use crate::query_words::query_words;
use crate::{Analyzer, SearchDocument, SearchError, SearchQuery};

/// How much of a candidate's body is ranked: its beginning, up to this many bytes. Ranking
/// analyses every candidate's text on each search, and that analysis is nearly all its
/// cost; an article is about what its beginning says. Measured on the relevance benchmark
/// (re-rank depth 50, questions / keyword index MRR@10, Kronika's CPU per question): 1,000
/// bytes 0.426 / 0.502, 15 ms; 2,000 bytes 0.416 / 0.518, 22 ms; 10,000 bytes (measured
/// before the frequency sub-query, which adds about 0.03 on questions) 0.368 / 0.529,
/// 34 ms.
const RANKED_BODY_BYTES: usize = 2_000;

/// Sizes the segment's initial term table (tantivy gives it a third of this), small enough
/// to cost nothing for a few dozen documents; it grows if they need more.
const SEGMENT_MEMORY: usize = 1024 * 1024;

/// `candidates` in the embedded engine's order for `text`, as positions in `candidates`,
/// best first, each ranked by its body's first [`RANKED_BODY_BYTES`]. Candidates the
/// embedded query does not match at all (Meilisearch may allow a typo inside a prefix,
/// say) follow in their original order, so no candidate is lost.
pub(crate) fn rank_candidates(
    analyzer: &Analyzer,
    text: &str,
    candidates: Vec<SearchDocument>,
) -> Result<Vec<usize>, SearchError> {
    let count = candidates.len();
    if count == 0 {
        return Ok(Vec::new());
    }
    let (schema, fields) = build_schema();
    // One segment, written and read in this thread: no writer threads, no merges, and
    // doc ids in the candidates' order.
    let mut writer = IndexBuilder::new()
        .schema(schema)
        .single_segment_index_writer::<TantivyDocument>(RamDirectory::create(), SEGMENT_MEMORY)
        .map_err(internal)?;
    for mut candidate in candidates {
        let ranked = candidate.body.floor_char_boundary(RANKED_BODY_BYTES);
        candidate.body.truncate(ranked);
        for attachment in &mut candidate.attachments {
            let ranked = attachment.text.floor_char_boundary(RANKED_BODY_BYTES);
            attachment.text.truncate(ranked);
        }
        writer
            .add_document(to_tantivy(analyzer, &fields, &candidate))
            .map_err(internal)?;
    }
    let index = writer.finalize().map_err(internal)?;
    let searcher = index.reader().map_err(internal)?.searcher();
    let words = query_words(analyzer, text);
    // The candidates already passed the filters: only the words rank them.
    let words_only = SearchQuery {
        text: text.to_owned(),
        ..SearchQuery::default()
    };
    let query = build_query(&fields, &words, &words_only);
    let ranked = searcher
        .search(&query, &TopDocs::with_limit(count).order_by_score())
        .map_err(internal)?;
    let mut order: Vec<usize> = ranked
        .into_iter()
        .map(|(_, address)| address.doc_id as usize)
        .collect();
    let mut matched = vec![false; count];
    for &position in &order {
        matched[position] = true;
    }
    order.extend((0..count).filter(|&position| !matched[position]));
    Ok(order)
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "a test fails loudly on any error")]

    use chrono::Utc;

    use super::*;
    use crate::{AnalysisMode, TaxonomyRef};

    fn candidate(id: i64, title: &str, body: &str) -> SearchDocument {
        SearchDocument {
            id,
            slug: format!("a-{id}"),
            title: title.to_owned(),
            lead: String::new(),
            body: body.to_owned(),
            section: TaxonomyRef {
                slug: "s".into(),
                name: "S".into(),
            },
            tags: Vec::new(),
            published_at: Utc::now(),
            view_count: 0,
            photo_captions: Vec::new(),
            attachments: Vec::new(),
        }
    }

    #[test]
    fn candidates_come_back_in_the_embedded_order_and_none_is_lost() {
        let analyzer = Analyzer::new(AnalysisMode::Full);
        let candidates = vec![
            candidate(1, "Sesja rady", "Radni obradowali nad budżetem."),
            candidate(2, "Nieznane słowo", "Nic tu nie pasuje."),
            candidate(
                3,
                "Partnerstwo lokalne",
                "O partnerstwie lokalnym w gminie.",
            ),
            candidate(4, "Gmina", "Partnerstwa lokalnego szuka gmina."),
        ];
        let order = rank_candidates(&analyzer, "partnerstwo lokalne", candidates).unwrap();
        // Ids 3, 4, 1, 2.
        assert_eq!(order, [2, 3, 0, 1]);
    }

    #[test]
    fn only_the_beginning_of_a_body_is_ranked() {
        let analyzer = Analyzer::new(AnalysisMode::Full);
        let filler = "kot ".repeat(RANKED_BODY_BYTES / 4 + 10);
        let candidates = vec![
            // Fifty times, but all past the ranked beginning: no match at all.
            candidate(
                1,
                "Notatka",
                &format!("{filler}{}", "partnerstwo ".repeat(50)),
            ),
            candidate(2, "Notatka", &format!("partnerstwo {filler}")),
        ];
        let order = rank_candidates(&analyzer, "partnerstwo", candidates).unwrap();
        assert_eq!(order, [1, 0]);
    }

    #[test]
    fn no_candidates_no_work() {
        let analyzer = Analyzer::new(AnalysisMode::Plain);
        assert!(
            rank_candidates(&analyzer, "cokolwiek", Vec::new())
                .unwrap()
                .is_empty()
        );
    }
}
