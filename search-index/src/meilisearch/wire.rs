//! What goes over the wire to Meilisearch: the settings, the documents with their hidden
//! lemma fields, the filter expression and the federated multi-search. Pure functions, so
//! the unit tests below check every request byte for byte without a server.

use std::collections::HashMap;

use meilisearch_sdk::client::Client;
use meilisearch_sdk::indexes::Index;
use meilisearch_sdk::search::{
    FederatedMultiSearchQuery, FederationOptions, MergeFacets, SearchQuery,
};
use meilisearch_sdk::settings::{Settings, TypoToleranceSettings};
use serde::{Deserialize, Serialize};

use crate::{Analyzer, SearchDocument, SearchQuery as OurQuery, SearchSort};

pub(crate) const TITLE_LEMMAS: &str = "title_lemmas";
pub(crate) const LEAD_LEMMAS: &str = "lead_lemmas";
pub(crate) const BODY_LEMMAS: &str = "body_lemmas";
const LEMMA_FIELDS: [&str; 3] = [TITLE_LEMMAS, LEAD_LEMMAS, BODY_LEMMAS];
/// The fields as written, searched with the query as typed.
const RAW_FIELDS: [&str; 4] = ["title", "lead", "body", "photo_captions"];
/// Raw and lemma fields interleaved: Meilisearch's `attribute` rule ranks a match by the
/// first attribute it is found in, so a title lemma outranks a body word.
const SEARCHABLE: [&str; 7] = [
    "title",
    TITLE_LEMMAS,
    "lead",
    LEAD_LEMMAS,
    "body",
    "photo_captions",
    BODY_LEMMAS,
];
/// Everything but the lemma fields, which are for matching only.
const DISPLAYED: [&str; 11] = [
    "id",
    "slug",
    "title",
    "lead",
    "body",
    "photo_captions",
    "section",
    "section_name",
    "tags",
    "published_at",
    "view_count",
];
/// The raw query weighs more than the lemmatised one when Meilisearch merges them: an
/// article with the very words typed ranks above one that only has other forms of them.
pub(crate) const RAW_QUERY_WEIGHT: f32 = 1.0;
pub(crate) const LEMMA_QUERY_WEIGHT: f32 = 0.8;

/// A search document as Meilisearch stores it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct MeiliDocument {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub lead: String,
    pub body: String,
    pub photo_captions: Vec<String>,
    /// The section slug (filter and facet).
    pub section: String,
    pub section_name: String,
    /// Tag slugs (filter and facet).
    pub tags: Vec<String>,
    /// Unix seconds: Meilisearch filters and sorts numbers, not dates.
    pub published_at: i64,
    pub view_count: i64,
    pub title_lemmas: String,
    pub lead_lemmas: String,
    /// Lemmas of the body and of the photo captions.
    pub body_lemmas: String,
}

/// The fields a hit brings back: what the highlighter needs.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct MeiliHit {
    pub id: i64,
    pub title: String,
    pub lead: String,
    pub body: String,
    #[serde(default)]
    pub photo_captions: Vec<String>,
}
pub(crate) const RETRIEVED: [&str; 5] = ["id", "title", "lead", "body", "photo_captions"];

pub(crate) fn settings(stop_words: &[String]) -> Settings {
    Settings::new()
        .with_searchable_attributes(SEARCHABLE)
        .with_displayed_attributes(DISPLAYED)
        .with_filterable_attributes(["section", "tags", "published_at"])
        .with_sortable_attributes(["published_at", "view_count"])
        // `sort` first: a NEWEST search is in date order, not date order within equally
        // relevant buckets; a search without `sort` skips the rule.
        .with_ranking_rules([
            "sort",
            "words",
            "typo",
            "proximity",
            "attribute",
            "exactness",
        ])
        // Lemmas are dictionary forms computed by us: a typo on them would match another
        // word's lemma, not a misspelling.
        .with_typo_tolerance(TypoToleranceSettings {
            enabled: Some(true),
            disable_on_attributes: Some(LEMMA_FIELDS.map(String::from).to_vec()),
            disable_on_words: None,
            min_word_size_for_typos: None,
            disable_on_numbers: None,
        })
        .with_stop_words(stop_words)
}

pub(crate) fn to_meili(analyzer: &Analyzer, document: &SearchDocument) -> MeiliDocument {
    let mut body_lemmas = lemma_text(analyzer, &document.body);
    for caption in &document.photo_captions {
        let caption_lemmas = lemma_text(analyzer, caption);
        if !caption_lemmas.is_empty() {
            if !body_lemmas.is_empty() {
                body_lemmas.push(' ');
            }
            body_lemmas.push_str(&caption_lemmas);
        }
    }
    MeiliDocument {
        id: document.id,
        slug: document.slug.clone(),
        title: document.title.clone(),
        lead: document.lead.clone(),
        body: document.body.clone(),
        photo_captions: document.photo_captions.clone(),
        section: document.section.slug.clone(),
        section_name: document.section.name.clone(),
        tags: document.tags.iter().map(|tag| tag.slug.clone()).collect(),
        published_at: document.published_at.timestamp(),
        view_count: document.view_count,
        title_lemmas: lemma_text(analyzer, &document.title),
        lead_lemmas: lemma_text(analyzer, &document.lead),
        body_lemmas,
    }
}

/// Every lemma of every word, folded to ASCII and joined by spaces. Folded, because
/// Meilisearch folds ą…ż but not ł: "lodz" would otherwise never meet "łódź".
pub(crate) fn lemma_text(analyzer: &Analyzer, text: &str) -> String {
    let mut lemmas: Vec<String> = Vec::new();
    for token in analyzer.analyze(text) {
        for lemma in token.lemmas {
            lemmas.push(crate::analysis::fold_polish(&lemma));
        }
    }
    lemmas.join(" ")
}

/// The query for the lemma fields: each lemma once, in the order of the words.
pub(crate) fn lemma_query(analyzer: &Analyzer, text: &str) -> String {
    let mut seen: Vec<String> = Vec::new();
    for token in analyzer.analyze(text) {
        for lemma in token.lemmas {
            let folded = crate::analysis::fold_polish(&lemma);
            if !seen.contains(&folded) {
                seen.push(folded);
            }
        }
    }
    seen.join(" ")
}

/// The filter expression, `None` when nothing is filtered.
pub(crate) fn filter(query: &OurQuery) -> Option<String> {
    let mut conditions = Vec::new();
    if let Some(section) = &query.section {
        conditions.push(format!("section = {}", quoted(section)));
    }
    for tag in &query.tags {
        conditions.push(format!("tags = {}", quoted(tag)));
    }
    if let Some(after) = query.published_after {
        conditions.push(format!("published_at >= {}", after.timestamp()));
    }
    if let Some(before) = query.published_before {
        conditions.push(format!("published_at < {}", before.timestamp()));
    }
    (!conditions.is_empty()).then(|| conditions.join(" AND "))
}

/// A string literal in Meilisearch's filter syntax: double quotes, with `"` and `\` escaped.
fn quoted(value: &str) -> String {
    let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}

/// Owned pieces of a search request; [`federated_search`] borrows them.
pub(crate) struct SearchParts {
    pub raw_query: String,
    /// Empty for a blank query, or when no word has a lemma (only stop words).
    pub lemma_query: String,
    pub filter: Option<String>,
    pub sort: Vec<&'static str>,
}

pub(crate) fn search_parts(analyzer: &Analyzer, query: &OurQuery) -> SearchParts {
    let blank = query.text.trim().is_empty();
    let newest = blank || query.sort == SearchSort::Newest;
    SearchParts {
        raw_query: query.text.clone(),
        lemma_query: if blank {
            String::new()
        } else {
            lemma_query(analyzer, &query.text)
        },
        filter: filter(query),
        sort: if newest {
            vec!["published_at:desc"]
        } else {
            Vec::new()
        },
    }
}

/// One federated multi-search: the query as typed on the raw fields and the lemmatised
/// query on the lemma fields, merged and ranked by Meilisearch, with facet counts over all
/// matches. Offset, limit and facets belong to the federation, not to the queries.
pub(crate) fn federated_search<'a>(
    client: &'a Client,
    index: &'a Index,
    parts: &'a SearchParts,
    offset: usize,
    limit: usize,
) -> FederatedMultiSearchQuery<'a, 'a> {
    let with_common = |search: &mut SearchQuery<'a, _>| {
        search
            .with_index_uid()
            .with_attributes_to_retrieve(meilisearch_sdk::search::Selectors::Some(&RETRIEVED));
        if let Some(filter) = &parts.filter {
            search.with_filter(filter);
        }
        if !parts.sort.is_empty() {
            search.with_sort(&parts.sort);
        }
    };
    let mut raw = SearchQuery::new(index);
    raw.with_query(&parts.raw_query)
        .with_attributes_to_search_on(&RAW_FIELDS);
    with_common(&mut raw);
    let mut multi = client.multi_search();
    multi.with_search_query_and_weight(raw.build(), RAW_QUERY_WEIGHT);
    if !parts.lemma_query.is_empty() {
        let mut lemmas = SearchQuery::new(index);
        lemmas
            .with_query(&parts.lemma_query)
            .with_attributes_to_search_on(&LEMMA_FIELDS);
        with_common(&mut lemmas);
        multi.with_search_query_and_weight(lemmas.build(), LEMMA_QUERY_WEIGHT);
    }
    multi.with_federation(FederationOptions {
        offset: Some(offset),
        limit: Some(limit),
        facets_by_index: Some(HashMap::from([(
            index.uid.clone(),
            vec!["section".to_owned(), "tags".to_owned()],
        )])),
        merge_facets: Some(MergeFacets::default()),
        show_performance_details: None,
    })
}
