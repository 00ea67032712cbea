//! What may be shared between clients, and under which tags: the response cache's key,
//! the shape of a query that decides it, and the tags of a public answer.

use std::sync::Arc;

use async_graphql::Request as GraphqlRequest;
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet,
};
use bytes::Bytes;
use poem::Request;
use poem::http::header;

use kronika_core::changes::{CacheTag, UsedContent};
use kronika_core::response_cache::{CachedResponse, ResponseCache};

/// How deep fragments are followed when deciding whether only `article` is asked for;
/// deeper documents are treated as depending on lists, the cautious answer.
const MAX_FRAGMENT_NESTING: usize = 16;

/// The cache key of a request, or `None` when its response must not be shared: the
/// request carries credentials (its answer may hold drafts).
pub(super) fn cache_key(request: &Request, graphql_request: &GraphqlRequest) -> Option<String> {
    if request.headers().contains_key(header::AUTHORIZATION) {
        return None;
    }
    let variables = serde_json::to_string(&graphql_request.variables).ok()?;
    Some(ResponseCache::key(
        &graphql_request.query,
        graphql_request.operation_name.as_deref(),
        &variables,
    ))
}

/// What the HTTP layer needs to know of a query before running it.
pub(super) struct QueryShape {
    /// The operation that would run is a mutation.
    pub(super) is_mutation: bool,
    /// Every root field of every operation is `article` (or `__typename`): the response
    /// depends only on the articles it found, not on any list.
    only_article_roots: bool,
    /// The name the request gives, or else the name of the document's only operation.
    pub(super) operation_name: Option<Arc<str>>,
}

impl QueryShape {
    pub(super) fn of(document: &ExecutableDocument, requested_name: Option<&str>) -> Self {
        let operation_name = requested_name
            .map(Arc::from)
            .or_else(|| match &document.operations {
                DocumentOperations::Single(_) => None,
                DocumentOperations::Multiple(operations) if operations.len() == 1 => operations
                    .keys()
                    .next()
                    .map(|name| Arc::from(name.as_str())),
                DocumentOperations::Multiple(_) => None,
            });
        let is_mutation = document.operations.iter().any(|(name, operation)| {
            let selected = match (requested_name, name) {
                (Some(wanted), Some(name)) => wanted == name.as_str(),
                (None, _) => true,
                (Some(_), None) => false,
            };
            selected && operation.node.ty == OperationType::Mutation
        });
        let only_article_roots = document.operations.iter().all(|(_, operation)| {
            only_article_fields(document, &operation.node.selection_set.node, 0)
        });
        Self {
            is_mutation,
            only_article_roots,
            operation_name,
        }
    }

    /// The public form of an anonymous answer without errors: its body with the tags of
    /// what it used, plus `taxonomy` always, plus `lists` unless every root field is
    /// `article` (when in doubt a response depends on lists, which every change drops).
    pub(super) fn public_answer(&self, body: Bytes, used: &UsedContent) -> CachedResponse {
        let mut tags = used.tags();
        tags.push(CacheTag::Taxonomy);
        if !self.only_article_roots {
            tags.push(CacheTag::Lists);
        }
        tags.sort_unstable();
        tags.dedup();
        let mut public = CachedResponse::new(body, tags);
        public.operation_name = self.operation_name.clone();
        public
    }
}

fn only_article_fields(
    document: &ExecutableDocument,
    selection_set: &SelectionSet,
    depth: usize,
) -> bool {
    depth < MAX_FRAGMENT_NESTING
        && selection_set
            .items
            .iter()
            .all(|selection| match &selection.node {
                Selection::Field(field) => {
                    matches!(field.node.name.node.as_str(), "article" | "__typename")
                }
                Selection::InlineFragment(fragment) => {
                    only_article_fields(document, &fragment.node.selection_set.node, depth + 1)
                }
                Selection::FragmentSpread(spread) => document
                    .fragments
                    .get(&spread.node.fragment_name.node)
                    .is_some_and(|fragment| {
                        only_article_fields(document, &fragment.node.selection_set.node, depth + 1)
                    }),
            })
}
