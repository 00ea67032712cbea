//! The production engine: Meilisearch through meilisearch-sdk. Meilisearch does not know
//! Polish inflection and does not fold ł, so every document carries hidden lemma fields
//! computed by our analyser, and every search asks for the typed words on the raw fields
//! and for their lemmas on the lemma fields in one federated multi-search.

mod errors;
mod http;
mod wire;
mod word_lists;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use meilisearch_sdk::client::SwapIndexes;
use meilisearch_sdk::documents::{DocumentsQuery, DocumentsResults};
use meilisearch_sdk::search::FederatedMultiSearchResponse;
use meilisearch_sdk::task_info::TaskInfo;
use meilisearch_sdk::tasks::Task;
use serde::de::DeserializeOwned;

use self::errors::{from_sdk, from_task};
use self::http::{MeiliClient, MeiliIndex};
use self::wire::{
    CANDIDATE_FIELDS, MeiliCandidate, MeiliHit, RETRIEVED, SearchParts, federated_search,
    search_parts, settings, to_meili,
};
use self::word_lists::{ID_FIELD, ListedId, QueryLemmas, WordLists, word_lists_search};
use crate::highlight::{Highlighter, HitTexts};
use crate::query::facet_counts;
use crate::query_words::{QueryWord, checked_query_words};
use crate::ranking::{RankTerms, rank_candidates};
use crate::{
    Analyzer, Facets, IndexRebuild, SearchBackend, SearchDocument, SearchError, SearchHit,
    SearchQuery, SearchResults,
};

/// How often to ask whether a task is done, and for how long at most: settings and large
/// batches can take Meilisearch a while, but a write that is not done in a minute is
/// reported as failed so the outbox retries it.
const TASK_POLL: Duration = Duration::from_millis(25);
const TASK_TIMEOUT: Duration = Duration::from_secs(60);

/// How many of Meilisearch's best matches are re-ranked with the embedded engine's scoring
/// (`crate::ranking::rank_candidates`), together with as many more from the word lists,
/// unless [`MeilisearchBackend::with_rerank_depth`] says otherwise: Meilisearch's ranking
/// rules order long questions far worse. Measured on the relevance benchmark (BENCHMARKS.md;
/// MRR@10 of the index queries and the questions, Kronika's CPU per search): depth 30
/// 0.539 and 0.550 at 3.2–3.5 ms, 50 0.541 and 0.555 at 4.1–4.5 ms, 100 0.542 and 0.565 at
/// 5.5–6.5 ms (Kronika's CPU at depth 50 is 2.8 ms since the re-rank's speed-ups,
/// `examples/meili_query_cost.rs`).
pub const DEFAULT_RERANK_DEPTH: usize = 50;

#[derive(Clone)]
pub struct MeilisearchBackend {
    client: MeiliClient,
    index_uid: String,
    analyzer: Arc<Analyzer>,
    stop_words: Vec<String>,
    /// How many of the best matches are re-ranked; 0 keeps Meilisearch's order.
    rerank_depth: usize,
    /// The index a rebuild started by this process is filling, if any. Writes go there
    /// too, or an edit made while `kronika reindex` runs would vanish at the swap. (A
    /// rebuild run by another process cannot be seen here; `core::search::rebuild`
    /// queues what changed during it again after the swap.)
    rebuilding: Arc<Mutex<Option<String>>>,
}

impl MeilisearchBackend {
    /// A backend for index `index_uid` on the Meilisearch at `url`. Nothing is sent until
    /// the first call (`apply_settings` at start).
    pub fn new(
        url: &str,
        api_key: Option<&str>,
        index_uid: &str,
        analyzer: Arc<Analyzer>,
        stop_words: Vec<String>,
    ) -> Result<Self, SearchError> {
        let client = http::client(url, api_key).map_err(from_sdk)?;
        Ok(MeilisearchBackend {
            client,
            index_uid: index_uid.to_owned(),
            analyzer,
            stop_words,
            rerank_depth: DEFAULT_RERANK_DEPTH,
            rebuilding: Arc::new(Mutex::new(None)),
        })
    }

    /// Re-ranks the first `depth` matches of a search by relevance instead of
    /// [`DEFAULT_RERANK_DEPTH`]; 0 keeps Meilisearch's own order and its cost.
    #[must_use]
    pub fn with_rerank_depth(mut self, depth: usize) -> Self {
        self.rerank_depth = depth;
        self
    }

    /// The live index and, while this process rebuilds, the new one.
    fn write_targets(&self) -> Vec<String> {
        let mut targets = vec![self.index_uid.clone()];
        let rebuilding = self
            .rebuilding
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        targets.extend(rebuilding.iter().cloned());
        targets
    }

    fn set_rebuilding(&self, uid: Option<String>) {
        *self
            .rebuilding
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = uid;
    }

    async fn wait(&self, task: TaskInfo) -> Result<(), SearchError> {
        let task = task
            .wait_for_completion(&self.client, Some(TASK_POLL), Some(TASK_TIMEOUT))
            .await
            .map_err(from_sdk)?;
        from_task(task)
    }

    /// Creates `uid` when missing (an existing one is fine) and applies our settings.
    async fn prepare_index(&self, uid: &str) -> Result<(), SearchError> {
        let created = self
            .client
            .create_index(uid, Some("id"))
            .await
            .map_err(from_sdk)?
            .wait_for_completion(&self.client, Some(TASK_POLL), Some(TASK_TIMEOUT))
            .await
            .map_err(from_sdk)?;
        if let Task::Failed { content } = &created
            && content.error.error_code != meilisearch_sdk::errors::ErrorCode::IndexAlreadyExists
        {
            from_task(created)?;
        }
        let task = self
            .client
            .index(uid)
            .set_settings(&settings(&self.stop_words))
            .await
            .map_err(from_sdk)?;
        self.wait(task).await
    }

    async fn add_to(&self, uid: &str, documents: &[SearchDocument]) -> Result<(), SearchError> {
        if documents.is_empty() {
            return Ok(());
        }
        let converted: Vec<_> = documents
            .iter()
            .map(|document| to_meili(&self.analyzer, document))
            .collect();
        let task = self
            .client
            .index(uid)
            .add_or_replace(&converted, Some("id"))
            .await
            .map_err(from_sdk)?;
        self.wait(task).await
    }

    /// The hits `ids` name, in that order, with the texts the highlighter needs. An article
    /// deleted since the search found it is left out.
    async fn fetch_hits(&self, ids: &[i64]) -> Result<Vec<MeiliHit>, SearchError> {
        let mut by_id: HashMap<i64, MeiliHit> = self
            .fetch_documents(ids, &RETRIEVED)
            .await?
            .into_iter()
            .map(|hit: MeiliHit| (hit.id, hit))
            .collect();
        Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
    }

    /// The documents `ids` name, with `fields`, in no particular order.
    async fn fetch_documents<T: DeserializeOwned + Send + Sync + 'static>(
        &self,
        ids: &[i64],
        fields: &[&str],
    ) -> Result<Vec<T>, SearchError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let index = self.client.index(&self.index_uid);
        let id_texts: Vec<String> = ids.iter().map(i64::to_string).collect();
        let mut request = DocumentsQuery::new(&index);
        request
            .with_ids(id_texts.iter().map(String::as_str))
            .with_fields(fields.iter().copied())
            .with_limit(ids.len());
        let fetched: DocumentsResults<T> = request.execute().await.map_err(from_sdk)?;
        Ok(fetched.results)
    }

    /// A search by relevance: Meilisearch's first `rerank_depth` candidates and as many
    /// more from the word lists ([`word_lists`]), with their stored
    /// [`RankTerms`](crate::ranking::RankTerms) instead of their texts, in the embedded
    /// engine's order; then the texts of the page's hits alone. The federated search and
    /// the word lists go out at once.
    ///
    /// The re-ranked list is the beginning of the whole order; a page past it continues
    /// in Meilisearch's order without the articles the list already holds, so that paging
    /// shows every match once: the word lists lift articles from deep in Meilisearch's
    /// order, and the re-rank may push one of its first candidates past the list's pages.
    async fn reranked_search(
        &self,
        index: &MeiliIndex,
        parts: &SearchParts,
        words: &[QueryWord],
        query: &SearchQuery,
    ) -> Result<(Vec<MeiliHit>, Found), SearchError> {
        let depth = self.rerank_depth;
        let federated = federated_search(&self.client, index, parts, &CANDIDATE_FIELDS, 0, depth);
        let lemmas = QueryLemmas::of(words);
        let lists = word_lists_search(&self.client, index, &lemmas, parts.filter.as_deref());
        let (mut response, lists): (FederatedMultiSearchResponse<MeiliCandidate>, _) =
            if lemmas.is_empty() {
                (federated.execute().await.map_err(from_sdk)?, None)
            } else {
                let (response, lists) =
                    tokio::try_join!(federated.execute(), lists.execute::<ListedId>())
                        .map_err(from_sdk)?;
                (response, Some(WordLists::from(lists)))
            };
        let found = Found::of(&mut response);
        let mut candidates: Vec<MeiliCandidate> =
            response.hits.into_iter().map(|hit| hit.result).collect();
        let from_meilisearch = candidates.len();
        if let Some(lists) = lists {
            let known: HashSet<i64> = candidates.iter().map(|c| c.id).collect();
            let others = lists.best_others(&lemmas, &known, depth);
            candidates.extend(self.fetch_documents(&others, &CANDIDATE_FIELDS).await?);
        }
        let terms: Vec<RankTerms> = candidates
            .iter_mut()
            .map(|candidate| std::mem::take(&mut candidate.rank_terms))
            .collect();
        // CPU work that grows with the depth (up to twice 200 candidates): off the async
        // threads.
        let words = words.to_vec();
        let order = tokio::task::spawn_blocking(move || rank_candidates(&words, &terms))
            .await
            .map_err(|error| SearchError::Internal(format!("re-ranking failed: {error}")))?;
        let reranked: Vec<i64> = order
            .into_iter()
            .map(|position| candidates[position].id)
            .collect();
        let mut page: Vec<i64> = reranked
            .iter()
            .skip(query.offset)
            .take(query.limit)
            .copied()
            .collect();
        // Fewer candidates than asked: Meilisearch has no more matches to continue with.
        if page.len() < query.limit && from_meilisearch == depth {
            let lifted = reranked.len() - from_meilisearch;
            let continued = self
                .continue_past(index, parts, &reranked, query, page.len(), lifted)
                .await?;
            page.extend(continued);
        }
        Ok((self.fetch_hits(&page).await?, found))
    }

    /// The rest of a page that goes past the re-ranked list `reranked`, which holds
    /// Meilisearch's first `rerank_depth` matches and `lifted` more: Meilisearch's order
    /// after its first `rerank_depth`, without those `lifted`, from where the list ends.
    async fn continue_past(
        &self,
        index: &MeiliIndex,
        parts: &SearchParts,
        reranked: &[i64],
        query: &SearchQuery,
        on_page: usize,
        lifted: usize,
    ) -> Result<Vec<i64>, SearchError> {
        let skip = query.offset.saturating_sub(reranked.len());
        let wanted = query.limit - on_page;
        // The lifted articles are somewhere past the depth: asking for as many more
        // leaves enough once they are taken out.
        let request = federated_search(
            &self.client,
            index,
            parts,
            &ID_FIELD,
            self.rerank_depth,
            skip + wanted + lifted,
        );
        let response: FederatedMultiSearchResponse<ListedId> =
            request.execute().await.map_err(from_sdk)?;
        let shown: HashSet<i64> = reranked.iter().copied().collect();
        Ok(response
            .hits
            .into_iter()
            .map(|hit| hit.result.id)
            .filter(|id| !shown.contains(id))
            .skip(skip)
            .take(wanted)
            .collect())
    }

    /// A search in Meilisearch's own order: by date, or by relevance with the re-rank off.
    async fn plain_search(
        &self,
        index: &MeiliIndex,
        parts: &SearchParts,
        query: &SearchQuery,
    ) -> Result<(Vec<MeiliHit>, Found), SearchError> {
        let request = federated_search(
            &self.client,
            index,
            parts,
            &RETRIEVED,
            query.offset,
            query.limit,
        );
        let mut response: FederatedMultiSearchResponse<MeiliHit> =
            request.execute().await.map_err(from_sdk)?;
        let found = Found::of(&mut response);
        Ok((
            response.hits.into_iter().map(|hit| hit.result).collect(),
            found,
        ))
    }

    fn rebuild_uid(&self) -> String {
        format!("{}_rebuild", self.index_uid)
    }
}

#[async_trait]
impl SearchBackend for MeilisearchBackend {
    async fn apply_settings(&self) -> Result<(), SearchError> {
        self.prepare_index(&self.index_uid).await
    }

    async fn upsert(&self, documents: &[SearchDocument]) -> Result<(), SearchError> {
        for uid in self.write_targets() {
            self.add_to(&uid, documents).await?;
        }
        Ok(())
    }

    async fn delete(&self, ids: &[i64]) -> Result<(), SearchError> {
        if ids.is_empty() {
            return Ok(());
        }
        for uid in self.write_targets() {
            let task = self
                .client
                .index(&uid)
                .delete_documents(ids)
                .await
                .map_err(from_sdk)?;
            self.wait(task).await?;
        }
        Ok(())
    }

    async fn search(&self, query: &SearchQuery) -> Result<SearchResults, SearchError> {
        // Refused before anything is sent, as the embedded engine refuses it.
        let words = checked_query_words(&self.analyzer, &query.text)?;
        let index = self.client.index(&self.index_uid);
        let parts = search_parts(&self.analyzer, query);
        // Every page of a search by relevance is cut from one order (re-ranked, then
        // Meilisearch's), so the pages of one query never overlap.
        let rerank = parts.sort.is_empty() && self.rerank_depth > 0;
        let (found, Found { total_hits, facets }) = if rerank {
            self.reranked_search(&index, &parts, &words, query).await?
        } else {
            self.plain_search(&index, &parts, query).await?
        };
        let highlighter = Highlighter::new(&self.analyzer, &words);
        let hits = found
            .into_iter()
            .map(|hit| {
                let mut article = vec![hit.lead.as_str(), hit.body.as_str()];
                article.extend(hit.photo_captions.iter().map(String::as_str));
                let attachments = hit.attachments();
                let (title_highlighted, snippet, matched_in) = highlighter.hit_texts(HitTexts {
                    title: &hit.title,
                    article,
                    attachments: &attachments,
                });
                SearchHit {
                    id: hit.id,
                    title_highlighted,
                    snippet,
                    matched_in,
                }
            })
            .collect();
        Ok(SearchResults {
            total_hits,
            hits,
            facets,
        })
    }

    async fn health(&self) -> Result<(), SearchError> {
        self.client.health().await.map(|_| ()).map_err(from_sdk)
    }

    async fn start_rebuild(&self) -> Result<Box<dyn IndexRebuild>, SearchError> {
        let uid = self.rebuild_uid();
        // A rebuild that died half-way left its index behind: start from nothing.
        let deleted = self.client.index(&uid).delete().await.map_err(from_sdk)?;
        let _ = self
            .client
            .wait_for_task(deleted, Some(TASK_POLL), Some(TASK_TIMEOUT))
            .await
            .map_err(from_sdk)?;
        self.prepare_index(&uid).await?;
        self.set_rebuilding(Some(uid.clone()));
        Ok(Box::new(MeilisearchRebuild {
            backend: self.clone(),
            uid,
        }))
    }
}

/// What a search found besides its hits: the count and the facets over all matches.
struct Found {
    total_hits: usize,
    facets: Facets,
}

impl Found {
    fn of<T>(response: &mut FederatedMultiSearchResponse<T>) -> Self {
        let mut distribution = response.facet_distribution.take().unwrap_or_default();
        let mut counts = |facet: &str| facet_counts(distribution.remove(facet).unwrap_or_default());
        Found {
            total_hits: response.estimated_total_hits,
            facets: Facets {
                sections: counts("section"),
                tags: counts("tags"),
            },
        }
    }
}

/// A new index filled beside the live one, then swapped with it by Meilisearch (atomic:
/// searches see the old or the new index, never a mix).
struct MeilisearchRebuild {
    backend: MeilisearchBackend,
    uid: String,
}

/// A rebuild that failed or was abandoned stops taking writes; the next one starts from
/// nothing anyway.
impl Drop for MeilisearchRebuild {
    fn drop(&mut self) {
        self.backend.set_rebuilding(None);
    }
}

#[async_trait]
impl IndexRebuild for MeilisearchRebuild {
    async fn add(&mut self, documents: &[SearchDocument]) -> Result<(), SearchError> {
        self.backend.add_to(&self.uid, documents).await
    }

    async fn finish(self: Box<Self>) -> Result<(), SearchError> {
        let backend = &self.backend;
        let swap = SwapIndexes {
            indexes: (backend.index_uid.clone(), self.uid.clone()),
            rename: None,
        };
        let task = backend
            .client
            .swap_indexes([&swap])
            .await
            .map_err(from_sdk)?;
        backend.wait(task).await?;
        backend.set_rebuilding(None);
        // After the swap the rebuild's name holds the old documents.
        let task = backend
            .client
            .index(&self.uid)
            .delete()
            .await
            .map_err(from_sdk)?;
        backend.wait(task).await
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "a test fails loudly on any error")]

    use super::*;
    use crate::AnalysisMode;

    /// A real connection attempt to a port nothing listens on (nothing is mocked): the
    /// error must say "unavailable", which the outbox worker retries.
    #[tokio::test]
    async fn an_unreachable_meilisearch_is_unavailable() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        drop(listener);
        let backend = MeilisearchBackend::new(
            &format!("http://{address}"),
            None,
            "articles",
            Arc::new(Analyzer::new(AnalysisMode::Plain)),
            Vec::new(),
        )
        .unwrap();
        assert!(matches!(
            backend.health().await,
            Err(SearchError::Unavailable(_))
        ));
        let search = backend.search(&SearchQuery::default()).await;
        assert!(
            matches!(search, Err(SearchError::Unavailable(_))),
            "{search:?}"
        );
        let write = backend.delete(&[1]).await;
        assert!(
            matches!(write, Err(SearchError::Unavailable(_))),
            "{write:?}"
        );
    }
}
