//! One contract suite for every search engine: the embedded tantivy engine always, and
//! Meilisearch when `MEILISEARCH_URL` is set (optionally `MEILISEARCH_API_KEY`); without
//! it the Meilisearch half prints SKIPPED and passes, loudly, since no server runs here
//! (even under `KRONIKA_REQUIRE_SERVICES=1`: CI has no Meilisearch either).
#![expect(
    clippy::expect_used,
    reason = "a contract test fails loudly on any error"
)]

mod behaviours;
mod fixtures;

use std::sync::Arc;

use search_index::{AnalysisMode, Analyzer, MeilisearchBackend, SearchBackend, TantivyBackend};

/// The analysis the suite runs with: the one production uses.
const MODE: AnalysisMode = AnalysisMode::Full;

fn analyzer() -> Arc<Analyzer> {
    Arc::new(Analyzer::new(MODE))
}

async fn tantivy(_behaviour: &str) -> Option<Box<dyn SearchBackend>> {
    let backend = TantivyBackend::in_memory(analyzer()).expect("in-memory index");
    backend.apply_settings().await.expect("settings");
    Some(Box::new(backend))
}

fn stop_words() -> Vec<String> {
    search_index::analysis::stop_words()
        .into_iter()
        .map(String::from)
        .collect()
}

async fn meilisearch(behaviour: &str) -> Option<Box<dyn SearchBackend>> {
    let (url, key) = test_support::meilisearch_from_env()?;
    // A fresh index per test, so tests run in parallel and leave nothing for the next run
    // to trip over.
    let uid = test_support::unique_name(&format!("contract_{behaviour}"));
    let backend = MeilisearchBackend::new(&url, key.as_deref(), &uid, analyzer(), stop_words())
        .expect("client");
    backend.apply_settings().await.expect("settings");
    Some(Box::new(backend))
}

macro_rules! contract_suite {
    ($engine:ident: $($behaviour:ident),* $(,)?) => {
        mod $engine {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $behaviour() {
                    if let Some(backend) = super::$engine(stringify!($behaviour)).await {
                        crate::behaviours::$behaviour(backend.as_ref()).await;
                    }
                }
            )*
        }
    };
}

macro_rules! for_every_engine {
    ($($behaviour:ident),* $(,)?) => {
        contract_suite!(tantivy: $($behaviour),*);
        contract_suite!(meilisearch: $($behaviour),*);
    };
}

for_every_engine!(
    an_inflected_query_finds_other_forms_of_its_words,
    a_query_without_polish_letters_finds_words_with_them,
    articles_with_some_of_the_words_follow_those_with_all,
    stop_words_alone_do_not_make_an_article_match,
    a_query_of_too_many_words_is_refused,
    typos_are_tolerated_on_long_words_only,
    a_typo_in_the_first_letter_counts_as_two,
    the_last_word_matches_as_a_prefix_while_it_is_typed,
    exact_forms_rank_above_other_forms_and_titles_above_bodies,
    typo_matches_rank_below_exact_matches,
    photo_captions_are_searchable,
    a_word_only_in_an_attachment_finds_the_article_and_says_where,
    filters_narrow_by_section_tags_and_dates,
    facets_count_every_match_not_only_the_page,
    a_blank_query_lists_the_newest_first,
    newest_sort_orders_matches_by_date,
    pages_are_disjoint_and_cover_every_match,
    relevance_pages_show_every_match_once,
    more_than_a_thousand_matches_are_counted_and_paged,
    titles_and_snippets_are_highlighted_escaped_html,
    updates_and_deletes_are_visible_at_once,
    a_rebuild_replaces_the_index_only_when_finished,
    an_empty_index_answers_with_no_hits,
);
