//! Running a [`SearchQuery`] on one open index: the query, the counts, the page and the
//! highlighted hits.

use tantivy::collector::{Count, TopDocs};
use tantivy::schema::Value;
use tantivy::{DocAddress, Order, Searcher, TantivyDocument};

use super::facets::FacetCollector;
use super::open_index::{OpenIndex, internal};
use super::query_builder::build_query;
use super::schema::{Fields, PUBLISHED_AT};
use crate::highlight::{Highlighter, HitTexts};
use crate::query_words::{QueryWord, checked_query_words};
use crate::{
    Analyzer, AttachedDocument, Facets, SearchError, SearchHit, SearchQuery, SearchResults,
    SearchSort,
};

struct Page {
    total_hits: usize,
    facets: Facets,
    addresses: Vec<DocAddress>,
}

pub(crate) fn search(
    analyzer: &Analyzer,
    index: &OpenIndex,
    query: &SearchQuery,
) -> Result<SearchResults, SearchError> {
    let words = checked_query_words(analyzer, &query.text)?;
    let searcher = index.reader.searcher();
    let page = run(&searcher, index, &words, query)?;
    let highlighter = Highlighter::new(analyzer, &words);
    let hits = page
        .addresses
        .into_iter()
        .map(|address| hit(&searcher, &index.fields, &highlighter, address))
        .collect::<Result<_, _>>()?;
    Ok(SearchResults {
        total_hits: page.total_hits,
        hits,
        facets: page.facets,
    })
}

fn run(
    searcher: &Searcher,
    index: &OpenIndex,
    words: &[QueryWord],
    query: &SearchQuery,
) -> Result<Page, SearchError> {
    let tantivy_query = build_query(&index.fields, &index.expansions, words, query);
    // TopDocs refuses a limit of 0; a page of none still needs the count and the facets.
    let top = TopDocs::with_limit(query.limit.max(1)).and_offset(query.offset);
    let by_relevance = query.sort == SearchSort::Relevance && !words.is_empty();
    let (total_hits, facets, mut addresses) = if by_relevance {
        let collectors = (Count, FacetCollector, top.order_by_score());
        let (count, facets, top) = searcher
            .search(&tantivy_query, &collectors)
            .map_err(internal)?;
        (
            count,
            facets,
            top.into_iter()
                .map(|(_, address)| address)
                .collect::<Vec<_>>(),
        )
    } else {
        let newest = top.order_by_fast_field::<i64>(PUBLISHED_AT, Order::Desc);
        let collectors = (Count, FacetCollector, newest);
        let (count, facets, top) = searcher
            .search(&tantivy_query, &collectors)
            .map_err(internal)?;
        (
            count,
            facets,
            top.into_iter().map(|(_, address)| address).collect(),
        )
    };
    addresses.truncate(query.limit);
    Ok(Page {
        total_hits,
        facets: facets.into_facets(),
        addresses,
    })
}

fn hit(
    searcher: &Searcher,
    fields: &Fields,
    highlighter: &Highlighter<'_>,
    address: DocAddress,
) -> Result<SearchHit, SearchError> {
    let document: TantivyDocument = searcher.doc(address).map_err(internal)?;
    let text = |field| {
        document
            .get_first(field)
            .and_then(|value| value.as_str())
            .unwrap_or_default()
    };
    let id = document
        .get_first(fields.id)
        .and_then(|value| value.as_i64())
        .ok_or_else(|| SearchError::Internal("an indexed document has no id".into()))?;
    let mut article = vec![text(fields.stored_lead), text(fields.stored_body)];
    article.extend(
        document
            .get_all(fields.stored_captions)
            .filter_map(|value| value.as_str()),
    );
    let all = |field| document.get_all(field).filter_map(|value| value.as_str());
    let attachments: Vec<AttachedDocument> = all(fields.stored_attachment_titles)
        .zip(all(fields.stored_attachment_texts))
        .map(|(title, text)| AttachedDocument {
            title: title.to_owned(),
            text: text.to_owned(),
        })
        .collect();
    let (title_highlighted, snippet, matched_in) = highlighter.hit_texts(HitTexts {
        title: text(fields.stored_title),
        article,
        attachments: &attachments,
    });
    Ok(SearchHit {
        id,
        title_highlighted,
        snippet,
        matched_in,
    })
}
