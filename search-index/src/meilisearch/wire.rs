//! What goes over the wire to Meilisearch: the settings, the documents with their hidden
//! lemma fields, the filter expression and the federated multi-search. Pure functions, so
//! the unit tests below check every request byte for byte without a server.

use std::collections::HashMap;

use meilisearch_sdk::search::{
    FederatedMultiSearchQuery, FederationOptions, MatchingStrategies, MergeFacets, SearchQuery,
};
use meilisearch_sdk::settings::{
    MinWordSizeForTypos, PaginationSetting, Settings, TypoToleranceSettings,
};
use serde::{Deserialize, Serialize};

use super::http::{BufferedHttp, MeiliClient, MeiliIndex};
use crate::highlight::snippet_source;
use crate::query_words::{MIN_PREFIX_CHARS, lemma_key};
use crate::ranking::RankTerms;
use crate::{
    AnalysisMode, Analyzer, AttachedDocument, PolishDictionary, SearchDocument,
    SearchQuery as OurQuery, SearchSort,
};

pub(crate) const TITLE_LEMMAS: &str = "title_lemmas";
pub(crate) const LEAD_LEMMAS: &str = "lead_lemmas";
pub(crate) const BODY_LEMMAS: &str = "body_lemmas";
pub(crate) const ATTACHMENT_LEMMAS: &str = "attachment_lemmas";
pub(crate) const LEMMA_FIELDS: [&str; 4] =
    [TITLE_LEMMAS, LEAD_LEMMAS, BODY_LEMMAS, ATTACHMENT_LEMMAS];
/// The fields as written, searched with the query as typed.
const RAW_FIELDS: [&str; 6] = [
    "title",
    "lead",
    "body",
    "photo_captions",
    "attachment_titles",
    "attachment_texts",
];
/// Raw and lemma fields interleaved: Meilisearch's `attribute` rule ranks a match by the
/// first attribute it is found in, so a title lemma outranks a body word.
const SEARCHABLE: [&str; 10] = [
    "title",
    TITLE_LEMMAS,
    "lead",
    LEAD_LEMMAS,
    "body",
    "photo_captions",
    BODY_LEMMAS,
    "attachment_titles",
    "attachment_texts",
    ATTACHMENT_LEMMAS,
];
/// Everything but the lemma fields, which are for matching only.
/// Not the attachments' whole texts: `attachment_excerpts` carries what a snippet needs.
const DISPLAYED: [&str; 14] = [
    "id",
    "slug",
    "title",
    "lead",
    "body",
    "photo_captions",
    "attachment_titles",
    "attachment_excerpts",
    "section",
    "section_name",
    "tags",
    "published_at",
    "view_count",
    "rank_terms",
];
/// The raw query weighs more than the lemmatised one when Meilisearch merges them: an
/// article with the very words typed ranks above one that only has other forms of them.
/// How Meilisearch relaxes a query that no document matches in full: by dropping words
/// from the end, so the articles with the first words follow those with all, as on the
/// embedded engine (the contract). Measured with the relevance example on the Polish help
/// (Full analysis, stop words out of the query, MRR@10 keyword index / questions): `last`
/// 0.455 / 0.293, `frequency` 0.466 / 0.320, `all` 0.442 / 0.182. `frequency` wins a
/// little but keeps only the rarest word's articles ("partnerstwo dworzec" lists no
/// article about partnership without a station), which the contract refuses.
const MATCHING_STRATEGY: MatchingStrategies = MatchingStrategies::LAST;

/// How many matches Meilisearch counts and pages through. Its default, 1,000, made
/// `totalHits` stop at 1,000 and the pages after the hundredth empty, where the embedded
/// engine counts every match; a count is cheap for Meilisearch (a bitmap's length), and
/// the API limits how deep pages go.
const MAX_TOTAL_HITS: usize = 10_000_000;

pub(crate) const RAW_QUERY_WEIGHT: f32 = 1.0;
pub(crate) const LEMMA_QUERY_WEIGHT: f32 = 0.75;
pub(crate) const RAREST_WORDS_QUERY_WEIGHT: f32 = 0.5;

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
    /// Each attachment's title and text, in the article's order.
    pub attachment_titles: Vec<String>,
    pub attachment_texts: Vec<String>,
    /// The start of each text, as far as a snippet reads: what a hit brings back.
    pub attachment_excerpts: Vec<String>,
    /// Lemmas of the attachments' titles and texts.
    pub attachment_lemmas: String,
    /// What re-ranking reads: neither searched nor shown.
    pub rank_terms: RankTerms,
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
    #[serde(default)]
    pub attachment_titles: Vec<String>,
    #[serde(default)]
    pub attachment_excerpts: Vec<String>,
}
pub(crate) const RETRIEVED: [&str; 7] = [
    "id",
    "title",
    "lead",
    "body",
    "photo_captions",
    "attachment_titles",
    "attachment_excerpts",
];

impl MeiliHit {
    /// The hit's attachments, paired again from their two fields.
    pub(crate) fn attachments(&self) -> Vec<AttachedDocument> {
        self.attachment_titles
            .iter()
            .zip(&self.attachment_excerpts)
            .map(|(title, text)| AttachedDocument {
                title: title.clone(),
                text: text.clone(),
            })
            .collect()
    }
}

/// A candidate for re-ranking: what ranking reads, without the texts a hit shows.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct MeiliCandidate {
    pub id: i64,
    /// Missing on an article indexed before the terms were stored (until `kronika
    /// reindex`): it then matches nothing and keeps Meilisearch's order, after the others.
    #[serde(default)]
    pub rank_terms: RankTerms,
}
pub(crate) const CANDIDATE_FIELDS: [&str; 2] = ["id", "rank_terms"];

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
            disable_on_words: Some(Vec::new()),
            // Meilisearch's defaults, stated so that they cannot drift from the embedded
            // engine's (one typo from five letters, two from nine).
            min_word_size_for_typos: Some(MinWordSizeForTypos {
                one_typo: Some(5),
                two_typos: Some(9),
            }),
            disable_on_numbers: None,
        })
        .with_stop_words(stop_words)
        .with_pagination(PaginationSetting {
            max_total_hits: MAX_TOTAL_HITS,
        })
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
    let mut attachment_lemmas: Vec<String> = Vec::new();
    for attachment in &document.attachments {
        for text in [&attachment.title, &attachment.text] {
            let lemmas = lemma_text(analyzer, text);
            if !lemmas.is_empty() {
                attachment_lemmas.push(lemmas);
            }
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
        attachment_titles: document
            .attachments
            .iter()
            .map(|attachment| attachment.title.clone())
            .collect(),
        attachment_texts: document
            .attachments
            .iter()
            .map(|attachment| attachment.text.clone())
            .collect(),
        attachment_excerpts: document
            .attachments
            .iter()
            .map(|attachment| snippet_source(&attachment.text).to_owned())
            .collect(),
        attachment_lemmas: attachment_lemmas.join(" "),
        rank_terms: RankTerms::of(analyzer, document),
    }
}

/// Every lemma of every word, folded to ASCII and joined by spaces. Folded, because
/// Meilisearch folds ą…ż but not ł: "lodz" would otherwise never meet "łódź".
pub(crate) fn lemma_text(analyzer: &Analyzer, text: &str) -> String {
    let mut lemmas: Vec<String> = Vec::new();
    for token in analyzer.analyze(text) {
        for lemma in token.lemmas {
            lemmas.push(lemma_key(&lemma));
        }
    }
    lemmas.join(" ")
}

/// The query for the lemma fields: each lemma once, in the order of the words. It ends
/// with a space when the typed query does: Meilisearch treats a last word without one as
/// a prefix, and a finished word must not become one on the lemma side. A word still
/// being typed goes last as typed (folded), not as lemmas guessed from its unfinished
/// form: it is the prefix of the lemmas it may become ("kontr" of "kontrast"), matched
/// here without typos, since [`raw_query`] sends it as a finished word.
pub(crate) fn lemma_query(analyzer: &Analyzer, text: &str) -> String {
    let mut tokens = analyzer.analyze(text);
    let typing = if text.ends_with(char::is_whitespace) {
        None
    } else {
        tokens
            .pop()
            .filter(|token| token.folded.chars().count() >= MIN_PREFIX_CHARS)
    };
    let mut seen: Vec<String> = Vec::new();
    for token in tokens {
        for lemma in token.lemmas {
            let folded = lemma_key(&lemma);
            if !seen.contains(&folded) {
                seen.push(folded);
            }
        }
    }
    if let Some(token) = typing {
        let prefix = lemma_key(&token.text);
        seen.retain(|lemma| *lemma != prefix);
        seen.push(prefix);
    }
    let mut query = seen.join(" ");
    if !query.is_empty() && text.ends_with(char::is_whitespace) {
        query.push(' ');
    }
    query
}

/// The query for the raw fields: the words as typed, without stop words, each a finished
/// word. Sent as typed, function words decide what matches: Meilisearch's matching
/// strategies drop words by position or frequency, and "Jak wyglądał dziurkacz
/// konduktorski?" then matches every article with "jak". And Meilisearch lets a word being
/// typed match as a prefix with a typo ("kontr" finding "kontaktu"); the embedded engine
/// allows a prefix or a typo, not both. So the word being typed is a prefix on the lemma
/// side only, where typos are off, and a finished word with its typo budget here. A query
/// of nothing but stop words ("w", "i") is sent as typed, as it is all there is.
pub(crate) fn raw_query(analyzer: &Analyzer, text: &str) -> String {
    let tokens = analyzer.analyze(text);
    let content: Vec<&str> = tokens
        .iter()
        .filter(|token| !token.is_stop_word)
        .map(|token| token.text.as_str())
        .collect();
    if content.is_empty() {
        return text.to_owned();
    }
    let mut query = content.join(" ");
    query.push(' ');
    query
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

/// See [`SearchParts::finished_lemma_query`]. An unknown word being typed ("kontr") has
/// only a guessed stem, which would match unrelated words: no second query for it.
fn finished_lemma_query(analyzer: &Analyzer, text: &str) -> Option<String> {
    if text.trim().is_empty() || text.ends_with(char::is_whitespace) {
        return None;
    }
    let last = analyzer.analyze(text).pop()?;
    let known = analyzer.mode() == AnalysisMode::Full
        && !last.is_stop_word
        && PolishDictionary::embedded().contains(&last.text);
    let query = lemma_query(analyzer, &format!("{text} "));
    (known && !query.trim().is_empty()).then_some(query)
}

/// Owned pieces of a search request; [`federated_search`] borrows them.
pub(crate) struct SearchParts {
    pub raw_query: String,
    /// Empty for a blank query, or when no word has a lemma (only stop words).
    pub lemma_query: String,
    /// When the word being typed is one the dictionary knows, it may already be complete
    /// ("warsztatach"): the lemma query again with that word finished, so that its lemmas
    /// count as on the embedded engine. (One query cannot hold both: Meilisearch takes
    /// only the last word as a prefix and drops words from the end first.)
    pub finished_lemma_query: Option<String>,
    pub filter: Option<String>,
    pub sort: Vec<&'static str>,
}

pub(crate) fn search_parts(analyzer: &Analyzer, query: &OurQuery) -> SearchParts {
    let blank = query.text.trim().is_empty();
    let newest = blank || query.sort == SearchSort::Newest;
    SearchParts {
        raw_query: raw_query(analyzer, &query.text),
        lemma_query: if blank {
            String::new()
        } else {
            lemma_query(analyzer, &query.text)
        },
        finished_lemma_query: finished_lemma_query(analyzer, &query.text),
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
/// matches. Offset, limit and facets belong to the federation, not to the queries; each
/// hit brings the fields `retrieve` names ([`RETRIEVED`] or [`CANDIDATE_FIELDS`]).
pub(crate) fn federated_search<'a>(
    client: &'a MeiliClient,
    index: &'a MeiliIndex,
    parts: &'a SearchParts,
    retrieve: &'a [&'a str],
    offset: usize,
    limit: usize,
) -> FederatedMultiSearchQuery<'a, 'a, BufferedHttp> {
    let with_common = |search: &mut SearchQuery<'a, _>| {
        search
            .with_index_uid()
            .with_attributes_to_retrieve(meilisearch_sdk::search::Selectors::Some(retrieve));
        if let Some(filter) = &parts.filter {
            search.with_filter(filter);
        }
        if !parts.sort.is_empty() {
            search.with_sort(&parts.sort);
        }
    };
    let mut raw = SearchQuery::new(index);
    raw.with_query(&parts.raw_query)
        .with_matching_strategy(MATCHING_STRATEGY)
        .with_attributes_to_search_on(&RAW_FIELDS);
    with_common(&mut raw);
    let mut multi = client.multi_search();
    multi.with_search_query_and_weight(raw.build(), RAW_QUERY_WEIGHT);
    let lemma_queries = (!parts.lemma_query.is_empty())
        .then_some(&parts.lemma_query)
        .into_iter()
        .chain(&parts.finished_lemma_query);
    for lemma_query in lemma_queries {
        let mut lemmas = SearchQuery::new(index);
        lemmas
            .with_query(lemma_query)
            .with_matching_strategy(MATCHING_STRATEGY)
            .with_attributes_to_search_on(&LEMMA_FIELDS);
        with_common(&mut lemmas);
        multi.with_search_query_and_weight(lemmas.build(), LEMMA_QUERY_WEIGHT);
    }
    // `last` keeps the first word to the end: a question whose first word an article
    // lacks ("wyglądał dziurkacz konduktorski") would never find it. The lemmas once more,
    // relaxed from their most common word, find the articles with the rarest words.
    if !parts.lemma_query.is_empty() {
        let mut rarest = SearchQuery::new(index);
        rarest
            .with_query(&parts.lemma_query)
            .with_matching_strategy(MatchingStrategies::FREQUENCY)
            .with_attributes_to_search_on(&LEMMA_FIELDS);
        with_common(&mut rarest);
        multi.with_search_query_and_weight(rarest.build(), RAREST_WORDS_QUERY_WEIGHT);
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

#[cfg(test)]
mod tests {
    //! These tests stop at the wire: they check the JSON the SDK would send (serialised
    //! with the SDK's own types) because no Meilisearch server runs in this environment.
    //! The contract suite checks the behaviour against a real server when
    //! `MEILISEARCH_URL` is set.
    #![expect(clippy::unwrap_used, reason = "a test fails loudly on any error")]

    use chrono::TimeZone;
    use serde_json::json;

    use super::*;
    use crate::meilisearch::http::client;
    use crate::{AnalysisMode, TaxonomyRef};

    fn plain() -> Analyzer {
        // Plain analysis keeps the expected lemma strings obvious: each word lowercased.
        Analyzer::new(AnalysisMode::Plain)
    }

    #[test]
    fn settings_hide_and_protect_the_lemma_fields() {
        let json = serde_json::to_value(settings(&["i".into(), "w".into()])).unwrap();
        assert_eq!(
            json,
            json!({
                "stopWords": ["i", "w"],
                "rankingRules": ["sort", "words", "typo", "proximity", "attribute", "exactness"],
                "filterableAttributes": ["section", "tags", "published_at"],
                "sortableAttributes": ["published_at", "view_count"],
                "searchableAttributes": [
                    "title", "title_lemmas", "lead", "lead_lemmas", "body", "photo_captions",
                    "body_lemmas", "attachment_titles", "attachment_texts", "attachment_lemmas"
                ],
                "displayedAttributes": [
                    "id", "slug", "title", "lead", "body", "photo_captions",
                    "attachment_titles", "attachment_excerpts", "section",
                    "section_name", "tags", "published_at", "view_count", "rank_terms"
                ],
                "typoTolerance": {
                    "enabled": true,
                    "disableOnAttributes": [
                        "title_lemmas", "lead_lemmas", "body_lemmas", "attachment_lemmas"
                    ],
                    "disableOnWords": [],
                    "minWordSizeForTypos": {"oneTypo": 5, "twoTypos": 9}
                },
                "pagination": {"maxTotalHits": 10_000_000}
            })
        );
    }

    #[test]
    fn a_document_carries_folded_lemma_fields_and_slugs_for_filters() {
        let document = SearchDocument {
            id: 7,
            slug: "lodz-dworzec".into(),
            title: "Łódź otwiera dworzec".into(),
            lead: "Pociągi już jeżdżą.".into(),
            body: "Żółte wagony.".into(),
            section: TaxonomyRef {
                slug: "region".into(),
                name: "Region".into(),
            },
            tags: vec![TaxonomyRef {
                slug: "transport".into(),
                name: "Transport".into(),
            }],
            published_at: chrono::Utc.with_ymd_and_hms(2024, 5, 1, 8, 0, 0).unwrap(),
            view_count: 42,
            photo_captions: vec!["Peron główny".into()],
            attachments: vec![AttachedDocument {
                title: "Regulamin".into(),
                text: "Kwalifikowalność wydatków.".into(),
            }],
        };
        let json = serde_json::to_value(to_meili(&plain(), &document)).unwrap();
        assert_eq!(
            json,
            json!({
                "id": 7,
                "slug": "lodz-dworzec",
                "title": "Łódź otwiera dworzec",
                "lead": "Pociągi już jeżdżą.",
                "body": "Żółte wagony.",
                "photo_captions": ["Peron główny"],
                "section": "region",
                "section_name": "Region",
                "tags": ["transport"],
                "published_at": 1_714_550_400,
                "view_count": 42,
                "title_lemmas": "lodz otwiera dworzec",
                "lead_lemmas": "pociagi juz jezdza",
                "body_lemmas": "zolte wagony peron glowny",
                "attachment_titles": ["Regulamin"],
                "attachment_texts": ["Kwalifikowalność wydatków."],
                "attachment_excerpts": ["Kwalifikowalność wydatków."],
                "attachment_lemmas": "regulamin kwalifikowalnosc wydatkow",
                "rank_terms": {
                    "title": {"words": "łódź otwiera dworzec", "lemmas": "lodz otwiera dworzec"},
                    "lead": {"words": "pociągi już jeżdżą", "lemmas": "pociagi juz jezdza"},
                    "body": {"words": "żółte wagony peron główny", "lemmas": "zolte wagony peron glowny"},
                    "attachments": {
                        "words": "regulamin kwalifikowalność wydatków",
                        "lemmas": "regulamin kwalifikowalnosc wydatkow"
                    },
                    "folded": "lodz otwiera dworzec pociagi juz jezdza zolte wagony peron glowny regulamin kwalifikowalnosc wydatkow"
                }
            })
        );
    }

    #[test]
    fn the_raw_query_drops_stop_words_and_finishes_every_word() {
        let analyzer = Analyzer::polish();
        assert_eq!(
            raw_query(&analyzer, "Jak wyglądał dziurkacz konduktorski?"),
            "wyglądał dziurkacz konduktorski "
        );
        // The word being typed is finished here; its prefix goes to the lemma side.
        assert_eq!(raw_query(&analyzer, "kontr"), "kontr ");
        // Nothing but stop words is all there is to send.
        assert_eq!(raw_query(&analyzer, "w "), "w ");
    }

    #[test]
    fn filters_quote_slugs_and_compare_seconds() {
        let at = |day| chrono::Utc.with_ymd_and_hms(2024, 5, day, 0, 0, 0).unwrap();
        assert_eq!(filter(&OurQuery::default()), None);
        let query = OurQuery {
            section: Some("sport".into()),
            tags: vec!["pilka-nozna".into(), "say \"hi\"\\".into()],
            published_after: Some(at(1)),
            published_before: Some(at(2)),
            ..OurQuery::default()
        };
        assert_eq!(
            filter(&query).unwrap(),
            "section = \"sport\" AND tags = \"pilka-nozna\" AND tags = \"say \\\"hi\\\"\\\\\" \
             AND published_at >= 1714521600 AND published_at < 1714608000"
        );
    }

    #[test]
    fn one_federated_request_asks_raw_fields_for_the_words_and_lemma_fields_for_the_lemmas() {
        let client = client("http://localhost:7700", Some("key")).unwrap();
        let index = client.index("articles");
        let query = OurQuery {
            text: "Łódź Dworzec ".into(),
            section: Some("region".into()),
            sort: SearchSort::Newest,
            offset: 20,
            limit: 10,
            ..OurQuery::default()
        };
        let parts = search_parts(&plain(), &query);
        let request = federated_search(
            &client,
            &index,
            &parts,
            &RETRIEVED,
            query.offset,
            query.limit,
        );
        let retrieve = json!([
            "id",
            "title",
            "lead",
            "body",
            "photo_captions",
            "attachment_titles",
            "attachment_excerpts"
        ]);
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({
                "queries": [
                    {
                        "q": "łódź dworzec ",
                        "matchingStrategy": "last",
                        "filter": "section = \"region\"",
                        "sort": ["published_at:desc"],
                        "attributesToSearchOn": [
                            "title", "lead", "body", "photo_captions", "attachment_titles",
                            "attachment_texts"
                        ],
                        "attributesToRetrieve": retrieve,
                        "indexUid": "articles",
                        "federationOptions": {"weight": 1.0}
                    },
                    {
                        "q": "lodz dworzec ",
                        "matchingStrategy": "last",
                        "filter": "section = \"region\"",
                        "sort": ["published_at:desc"],
                        "attributesToSearchOn": [
                            "title_lemmas", "lead_lemmas", "body_lemmas", "attachment_lemmas"
                        ],
                        "attributesToRetrieve": retrieve,
                        "indexUid": "articles",
                        "federationOptions": {"weight": 0.75}
                    },
                    {
                        "q": "lodz dworzec ",
                        "matchingStrategy": "frequency",
                        "filter": "section = \"region\"",
                        "sort": ["published_at:desc"],
                        "attributesToSearchOn": [
                            "title_lemmas", "lead_lemmas", "body_lemmas", "attachment_lemmas"
                        ],
                        "attributesToRetrieve": retrieve,
                        "indexUid": "articles",
                        "federationOptions": {"weight": 0.5}
                    }
                ],
                "federation": {
                    "offset": 20,
                    "limit": 10,
                    "facetsByIndex": {"articles": ["section", "tags"]},
                    "mergeFacets": {}
                }
            })
        );
    }

    #[test]
    fn a_blank_query_is_one_placeholder_search_for_the_newest() {
        let client = client("http://localhost:7700", None).unwrap();
        let index = client.index("articles");
        let parts = search_parts(&plain(), &OurQuery::default());
        let request = federated_search(&client, &index, &parts, &RETRIEVED, 0, 20);
        let json = serde_json::to_value(&request).unwrap();
        let queries = json["queries"].as_array().unwrap();
        assert_eq!(queries.len(), 1);
        assert_eq!(queries[0]["q"], "");
        assert_eq!(queries[0]["sort"], json!(["published_at:desc"]));
    }

    #[test]
    fn the_lemma_query_keeps_a_finished_last_word_finished() {
        let analyzer = plain();
        assert_eq!(lemma_query(&analyzer, "Łódź łódź dwo"), "lodz dwo");
        assert_eq!(lemma_query(&analyzer, "Łódź dworzec "), "lodz dworzec ");
        assert_eq!(lemma_query(&analyzer, "  "), "");
    }
}
