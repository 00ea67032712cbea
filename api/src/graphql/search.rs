//! `search`: Polish full-text search over published articles, and `searchIndexStatus`
//! for editors.

use std::sync::Arc;
use std::time::Instant;

use async_graphql::{Context, Enum, Object, SimpleObject};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, FixedOffset, Utc};
use sea_orm::DatabaseConnection;
use search_index::{FacetCount, SearchBackend, SearchError, SearchQuery, SearchSort};

use super::article::Article;
use super::error::ApiError;
use super::loaders::Loaders;
use super::time::SiteTimeZone;
use super::viewer::require_actor;
use kronika_core::content::relations;
use kronika_core::search::outbox;

/// Longer queries are refused: nobody types them, and analysing them costs.
const MAX_QUERY_CHARS: usize = 1_000;
/// Hits per page when `first` is not given, and the most a page may hold.
const DEFAULT_PAGE_SIZE: usize = 10;
const MAX_PAGE_SIZE: usize = 100;
/// How deep pagination may go; engines slow down on deep offsets and no reader pages
/// through thousands of hits.
const MAX_OFFSET: usize = 10_000;
const MAX_TAGS: usize = 20;

/// The engine `search` asks, shared by every request.
#[derive(Clone)]
pub struct SearchEngine(pub Arc<dyn SearchBackend>);

#[derive(Default)]
pub struct SearchQueries;

/// How hits are ordered.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Default)]
#[graphql(name = "SearchSort")]
pub enum SearchSortValue {
    /// Best match first (newest first for a blank query).
    #[default]
    Relevance,
    /// Newest publication first.
    Newest,
}

#[Object]
impl SearchQueries {
    /// Searches published articles in Polish: inflected forms match ("partnerstwo
    /// lokalne" finds "partnerstwa lokalnego"), and so do words typed without Polish
    /// letters ("lodz" finds "Łódź"). A blank query lists the newest articles matching
    /// the filters. `after` is the `endCursor` of the previous page.
    #[expect(
        clippy::too_many_arguments,
        reason = "the arguments are the public API"
    )]
    async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to look for; blank lists newest first.")] query: Option<String>,
        #[graphql(desc = "Section slug.")] section: Option<String>,
        #[graphql(desc = "Tag slugs; an article must carry all of them.")] tags: Option<
            Vec<String>,
        >,
        published_after: Option<DateTime<Utc>>,
        published_before: Option<DateTime<Utc>>,
        #[graphql(desc = "Default RELEVANCE.")] sort: Option<SearchSortValue>,
        #[graphql(desc = "Page size, 0 to 100; default 10.")] first: Option<i32>,
        after: Option<String>,
    ) -> Result<SearchResults, ApiError> {
        super::viewer::uses(ctx, kronika_core::changes::CacheTag::Search);
        let started = Instant::now();
        let text = query.unwrap_or_default();
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(ApiError::bad_input(
                "query",
                format!("a search query may have at most {MAX_QUERY_CHARS} characters"),
            ));
        }
        let tags = tags.unwrap_or_default();
        if tags.len() > MAX_TAGS {
            return Err(ApiError::bad_input(
                "tags",
                format!("filter on at most {MAX_TAGS} tags"),
            ));
        }
        let limit = match first {
            None => DEFAULT_PAGE_SIZE,
            Some(first) => usize::try_from(first)
                .ok()
                .filter(|first| *first <= MAX_PAGE_SIZE)
                .ok_or_else(|| {
                    ApiError::bad_input("first", format!("`first` must be 0 to {MAX_PAGE_SIZE}"))
                })?,
        };
        let offset = after
            .as_deref()
            .map(decode_cursor)
            .transpose()?
            .unwrap_or(0);
        let search_query = SearchQuery {
            text: text.trim().to_owned(),
            section: section.filter(|section| !section.trim().is_empty()),
            tags,
            published_after,
            published_before,
            sort: match sort.unwrap_or_default() {
                SearchSortValue::Relevance => SearchSort::Relevance,
                SearchSortValue::Newest => SearchSort::Newest,
            },
            offset,
            limit,
        };
        let engine = ctx.data_unchecked::<SearchEngine>();
        let results = engine.0.search(&search_query).await.map_err(search_error)?;

        // The index may lag behind the database by a moment: an article unpublished a
        // second ago is dropped here rather than shown, and taken off the total too, so
        // that the total never counts a hit the page leaves out.
        let loaders = ctx.data_unchecked::<Loaders>();
        let ids: Vec<i64> = results.hits.iter().map(|hit| hit.id).collect();
        let engine_hits_on_page = ids.len();
        let mut articles = loaders.published_articles.load_many(ids).await?;
        let hits: Vec<SearchHit> = results
            .hits
            .into_iter()
            .filter_map(|hit| {
                articles.remove(&hit.id).map(|article| {
                    let (matched_in, matched_attachment_title) = match hit.matched_in {
                        search_index::MatchedIn::Article => (MatchedIn::Article, None),
                        search_index::MatchedIn::Attachment { title } => {
                            (MatchedIn::Attachment, Some(title))
                        }
                    };
                    SearchHit {
                        article: Article(article),
                        title_highlighted: hit.title_highlighted,
                        snippet: hit.snippet,
                        matched_in,
                        matched_attachment_title,
                    }
                })
            })
            .collect();
        let dropped = engine_hits_on_page - hits.len();
        // Offsets count the engine's hits, the dropped ones included, so the next page is
        // decided by the engine's total.
        let next_offset = offset + limit;
        let has_next_page = next_offset < results.total_hits && next_offset <= MAX_OFFSET;
        Ok(SearchResults {
            total_hits: results.total_hits.saturating_sub(dropped),
            took_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            hits,
            facets: SearchFacets {
                section_counts: results.facets.sections,
                tag_counts: results.facets.tags,
            },
            end_cursor: has_next_page.then(|| encode_cursor(next_offset)),
            has_next_page,
        })
    }

    /// How far the search index is behind the database. Editors and admins only.
    async fn search_index_status(&self, ctx: &Context<'_>) -> Result<SearchIndexStatus, ApiError> {
        let actor = require_actor(ctx)?;
        if !actor.role.sees_all_articles() {
            return Err(ApiError::Forbidden(
                "only editors and admins see the search index status".to_owned(),
            ));
        }
        let db = ctx.data_unchecked::<DatabaseConnection>();
        let status = outbox::status(db).await?;
        let zone = *ctx.data_unchecked::<SiteTimeZone>();
        let lag_seconds = status.oldest_pending_at.map_or(0, |oldest| {
            u64::try_from((Utc::now() - oldest).num_seconds()).unwrap_or(0)
        });
        Ok(SearchIndexStatus {
            backlog: status.backlog,
            oldest_pending_at: status.oldest_pending_at.map(|at| zone.present(at)),
            lag_seconds,
            last_error: status.last_error,
        })
    }
}

/// One page of search hits with the counts over all matches.
#[derive(SimpleObject)]
pub struct SearchResults {
    /// Matching articles in all pages. An article unpublished a moment ago, which the
    /// index still holds, is left out of the hits and of this total once a page has
    /// met it.
    total_hits: usize,
    /// Time spent answering, in milliseconds.
    took_ms: u64,
    hits: Vec<SearchHit>,
    /// Matches per section and per tag, over all pages.
    facets: SearchFacets,
    /// Pass as `after` for the next page; null on the last page.
    end_cursor: Option<String>,
    has_next_page: bool,
}

/// A matching article.
#[derive(SimpleObject)]
pub struct SearchHit {
    article: Article,
    /// The title as HTML: escaped, with matched words in `<mark>…</mark>`.
    title_highlighted: String,
    /// A passage of the lead or body around the matches, as HTML like the title; of the
    /// attachment when the words were found only there (`matchedIn: ATTACHMENT`).
    snippet: String,
    matched_in: MatchedIn,
    /// The title of the attachment the words were found in, with `matchedIn: ATTACHMENT`.
    matched_attachment_title: Option<String>,
}

/// Where a hit's words were found.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum MatchedIn {
    /// The article itself: title, lead, body or photo captions.
    Article,
    /// Only one of its attachments.
    Attachment,
}

/// Matches per section and per tag over all pages; each asked for costs one statement
/// (for the current names).
pub struct SearchFacets {
    section_counts: Vec<FacetCount>,
    tag_counts: Vec<FacetCount>,
}

#[Object]
impl SearchFacets {
    /// Matches per section, most first.
    async fn sections(&self, ctx: &Context<'_>) -> Result<Vec<SearchFacet>, ApiError> {
        let db = ctx.data_unchecked::<DatabaseConnection>();
        let slugs: Vec<String> = self.section_counts.iter().map(|c| c.slug.clone()).collect();
        let names = relations::section_names_by_slug(db, &slugs).await?;
        Ok(named(&self.section_counts, &names))
    }

    /// Matches per tag, most first.
    async fn tags(&self, ctx: &Context<'_>) -> Result<Vec<SearchFacet>, ApiError> {
        let db = ctx.data_unchecked::<DatabaseConnection>();
        let slugs: Vec<String> = self.tag_counts.iter().map(|c| c.slug.clone()).collect();
        let names = relations::tag_names_by_slug(db, &slugs).await?;
        Ok(named(&self.tag_counts, &names))
    }
}

/// Counts with their current names; a section or tag deleted since it was indexed is
/// left out.
fn named(
    counts: &[FacetCount],
    names: &std::collections::HashMap<String, String>,
) -> Vec<SearchFacet> {
    counts
        .iter()
        .filter_map(|count| {
            names.get(&count.slug).map(|name| SearchFacet {
                slug: count.slug.clone(),
                name: name.clone(),
                count: count.count,
            })
        })
        .collect()
}

/// How many matches carry a section or tag.
#[derive(SimpleObject)]
pub struct SearchFacet {
    slug: String,
    name: String,
    count: usize,
}

/// The search index's backlog: changes committed but not yet in the index.
#[derive(SimpleObject)]
pub struct SearchIndexStatus {
    /// Changes waiting for the indexer.
    backlog: u64,
    /// When the oldest waiting change was committed.
    oldest_pending_at: Option<DateTime<FixedOffset>>,
    /// Seconds since then; 0 when nothing waits.
    lag_seconds: u64,
    /// Why the last delivery to the engine failed, while that change still waits.
    last_error: Option<String>,
}

fn encode_cursor(offset: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("search:{offset}"))
}

fn decode_cursor(cursor: &str) -> Result<usize, ApiError> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix("search:").and_then(|n| n.parse().ok()))
        .filter(|offset| *offset <= MAX_OFFSET)
        .ok_or_else(|| ApiError::bad_input("after", "not a cursor of `search`"))
}

fn search_error(error: SearchError) -> ApiError {
    match error {
        SearchError::Unavailable(cause) => ApiError::SearchUnavailable(cause),
        SearchError::InvalidQuery(message) => ApiError::bad_input("query", message),
        SearchError::Internal(_) | SearchError::Locked(_) => ApiError::internal(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_survives_the_round_trip_and_garbage_is_refused() {
        assert_eq!(decode_cursor(&encode_cursor(40)).ok(), Some(40));
        assert!(decode_cursor("bm9wZQ").is_err());
        assert!(decode_cursor(&encode_cursor(MAX_OFFSET + 1)).is_err());
    }
}
