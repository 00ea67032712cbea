//! Refuses introspection when it is switched off, on the parsed document before
//! validation and execution.
//!
//! The limits on a document's size and cost (depth, selections, aliases, nested lists)
//! are `query_budget`'s, measured before async-graphql sees the document at all.

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{ErrorExtensions, ServerResult, Variables};

use super::error::{ErrorCode, coded_error};

/// How deep fragments may be followed when looking for introspection fields; real
/// documents nest fragments a few levels, and cycles are refused later by validation.
const MAX_FRAGMENT_NESTING: usize = 32;

pub struct QueryLimits {
    pub introspection: bool,
}

impl ExtensionFactory for QueryLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(QueryLimitsExtension {
            introspection: self.introspection,
        })
    }
}

struct QueryLimitsExtension {
    introspection: bool,
}

#[async_graphql::async_trait::async_trait]
impl Extension for QueryLimitsExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        if !self.introspection && asks_for_introspection(&document) {
            return Err(coded_error(
                ErrorCode::Forbidden,
                "introspection is switched off on this server",
            )
            .extend_with(|_, extensions| extensions.set("reason", "INTROSPECTION_DISABLED"))
            .into_server_error(Default::default()));
        }
        Ok(document)
    }
}

/// Whether any operation selects `__schema` or `__type` at its root, directly or through
/// fragments. `__typename` is not introspection of the schema and stays allowed.
fn asks_for_introspection(document: &ExecutableDocument) -> bool {
    document
        .operations
        .iter()
        .any(|(_, operation)| root_introspects(document, &operation.node.selection_set.node, 0))
}

fn root_introspects(
    document: &ExecutableDocument,
    selection_set: &SelectionSet,
    depth: usize,
) -> bool {
    if depth > MAX_FRAGMENT_NESTING {
        return true;
    }
    selection_set
        .items
        .iter()
        .any(|selection| match &selection.node {
            Selection::Field(field) => {
                matches!(field.node.name.node.as_str(), "__schema" | "__type")
            }
            Selection::InlineFragment(fragment) => {
                root_introspects(document, &fragment.node.selection_set.node, depth + 1)
            }
            Selection::FragmentSpread(spread) => document
                .fragments
                .get(&spread.node.fragment_name.node)
                .is_some_and(|fragment| {
                    root_introspects(document, &fragment.node.selection_set.node, depth + 1)
                }),
        })
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;

    use super::*;

    fn document(query: &str) -> ExecutableDocument {
        parse_query(query).unwrap_or_else(|error| panic!("{error}"))
    }

    #[test]
    fn introspection_is_found_through_fragments_but_typename_is_not_introspection() {
        assert!(asks_for_introspection(&document(
            "{ __schema { types { name } } }"
        )));
        assert!(asks_for_introspection(&document(
            "{ ...F } fragment F on QueryRoot { __type(name: \"Article\") { name } }"
        )));
        assert!(!asks_for_introspection(&document(
            "{ __typename sections { slug } }"
        )));
    }
}
