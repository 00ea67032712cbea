//! Limits that async-graphql's own `limit_depth` and `limit_complexity` do not cover:
//! the number of aliases in a document, and refusing introspection when it is switched
//! off. Both are checked on the parsed document, before validation and execution.
//!
//! Aliases are capped because each one makes the server resolve a field again under
//! another name: `a1: article(slug: …) a2: article(slug: …) …` multiplies the work of a
//! single request while every field stays shallow and simple.

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{ErrorExtensions, ServerResult, Variables};

use super::error::{ErrorCode, coded_error};

/// How deep fragments may be followed when looking for introspection fields; real
/// documents nest fragments a few levels, and cycles are refused later by validation.
const MAX_FRAGMENT_NESTING: usize = 32;

pub struct QueryLimits {
    pub max_aliases: usize,
    pub introspection: bool,
}

impl ExtensionFactory for QueryLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(QueryLimitsExtension {
            max_aliases: self.max_aliases,
            introspection: self.introspection,
        })
    }
}

struct QueryLimitsExtension {
    max_aliases: usize,
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
        let aliases = count_aliases(&document);
        if aliases > self.max_aliases {
            let message = format!(
                "the query uses {aliases} aliases; this server allows {}",
                self.max_aliases
            );
            return Err(coded_error(ErrorCode::QueryTooComplex, message)
                .into_server_error(Default::default()));
        }
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

/// Aliased fields in every operation and fragment definition of the document.
fn count_aliases(document: &ExecutableDocument) -> usize {
    let in_operations: usize = document
        .operations
        .iter()
        .map(|(_, operation)| aliases_in(&operation.node.selection_set.node))
        .sum();
    let in_fragments: usize = document
        .fragments
        .values()
        .map(|fragment| aliases_in(&fragment.node.selection_set.node))
        .sum();
    in_operations + in_fragments
}

fn aliases_in(selection_set: &SelectionSet) -> usize {
    selection_set
        .items
        .iter()
        .map(|selection| match &selection.node {
            Selection::Field(field) => {
                usize::from(field.node.alias.is_some()) + aliases_in(&field.node.selection_set.node)
            }
            Selection::InlineFragment(fragment) => aliases_in(&fragment.node.selection_set.node),
            // Named fragments are counted once, with their definitions.
            Selection::FragmentSpread(_) => 0,
        })
        .sum()
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
    fn aliases_are_counted_in_operations_and_fragments() {
        let query = "{ a: sections { slug } b: sections { s: slug } ...F } \
                     fragment F on QueryRoot { c: sections { slug } }";
        assert_eq!(count_aliases(&document(query)), 4);
        assert_eq!(count_aliases(&document("{ sections { slug } }")), 0);
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
