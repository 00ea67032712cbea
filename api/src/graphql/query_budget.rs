//! The query budget: what a document may cost, measured before async-graphql parses,
//! validates or executes it.
//!
//! async-graphql's own limits run inside its validation, which expands every fragment
//! spread where it stands: a document whose fragments each spread the previous one twice
//! costs 2^k there, synchronously on a runtime worker, before any limit answers. Its
//! complexity also counts a list field once, so nested pages of 100 articles multiply
//! without bound. The budget here parses the text once with async-graphql's parser (after
//! a linear scan that refuses bracket nesting deep enough to threaten the parser's stack),
//! then walks the document once, measuring each fragment a single time however often it is
//! spread (cycles refused), and counts:
//!
//! - **cost**: the values the answer could hold, with each list multiplied by its length
//!   (`first`/`last`, or the schema's default page size when absent; lists without
//!   pagination at an assumed length);
//! - **selections**: fields and fragments, each fragment counted where it is spread
//!   (what async-graphql's validation will visit);
//! - **depth** of field nesting, **aliases**, and **arguments** (with directives and
//!   variable definitions).
//!
//! The parsed document goes on to async-graphql (`Request::set_parsed_query`), so the
//! text is parsed once per request, and once only for a text seen before
//! ([`ParsedDocuments`]); the walk is made on every request.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use async_graphql::parser::types::{
    BaseType, ExecutableDocument, Field, Selection, SelectionSet, ServiceDocument, TypeDefinition,
    TypeKind, TypeSystemDefinition,
};
use async_graphql::parser::{Error as ParserError, Positioned};
use async_graphql::{Value as ConstValue, Variables};

use super::connection::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
use super::error::ErrorCode;
use super::parsed_documents::ParsedDocuments;
use crate::config::GraphqlLimits;

/// The deepest nesting of brackets (`{`, `[`, `(`) the text may have. The parser recurses
/// once or more per level; real queries nest about twenty deep, a hostile one a hundred
/// thousand, which would overflow a worker's stack.
const MAX_TEXT_NESTING: usize = 64;
/// How many names (field names, aliases, argument names, keywords) the text may hold per
/// field selection the server allows: parsing costs about a microsecond per name, so a
/// document of hundreds of thousands of names would spend a tenth of a second in the
/// parser before any limit could refuse it. Real documents hold two or three names per
/// field.
const MAX_TEXT_NAMES_PER_SELECTION: u64 = 4;
/// How deep fragments may spread fragments. Real documents nest fragments a few levels;
/// async-graphql's validation recurses once per level.
const MAX_FRAGMENT_NESTING: usize = 32;
/// The deepest nesting of selection sets, fragments included: async-graphql's default
/// `limit_recursive_depth`, which it checks by a walk that follows every spread.
const MAX_SELECTION_NESTING: u64 = 32;
/// The most arguments (and directives) one field may carry. No field of the schema takes
/// more than eight.
const MAX_ARGUMENTS_PER_FIELD: usize = 32;
/// The most arguments, directives and variable definitions in a whole document, with
/// every fragment counted where it is spread.
const MAX_ARGUMENTS: u64 = 1_000;
/// The length assumed of a list that takes no page size (`sections`, `tags`, a gallery's
/// `photos`): such lists are short by the nature of the site.
const UNPAGED_LIST_LENGTH: u64 = 20;

/// A document refused by the budget, with the code and the words a client gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetRefusal {
    pub code: ErrorCode,
    pub message: String,
}

impl BudgetRefusal {
    fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

/// The budget of every request of one schema.
#[derive(Debug)]
pub struct QueryBudget {
    catalogue: FieldCatalogue,
    max_depth: u64,
    max_selections: u64,
    max_aliases: u64,
    max_cost: u64,
    parsed: ParsedDocuments,
}

impl QueryBudget {
    /// A budget for the schema described by `schema_sdl` (from `Schema::sdl`).
    pub fn new(schema_sdl: &str, limits: &GraphqlLimits) -> Self {
        Self {
            catalogue: FieldCatalogue::from_sdl(schema_sdl),
            max_depth: limits.max_depth as u64,
            max_selections: limits.max_complexity as u64,
            max_aliases: limits.max_aliases as u64,
            max_cost: limits.max_cost,
            parsed: ParsedDocuments::default(),
        }
    }

    /// Parses `query` (or takes the document parsed from the same text before) and
    /// measures it with `variables`; the document when it is within budget.
    pub fn admit(
        &self,
        query: &str,
        variables: &Variables,
    ) -> Result<ExecutableDocument, BudgetRefusal> {
        let document = match self.parsed.get(query) {
            // The text passed the scan before it was parsed and kept.
            Some(document) => document,
            None => {
                self.scan_text(query)?;
                let document =
                    Arc::new(async_graphql::parser::parse_query(query).map_err(parse_refusal)?);
                self.parsed.keep(query, Arc::clone(&document));
                document
            }
        };
        // The walk runs on every request: page sizes may come from the variables.
        let totals = Walker::new(self, &document, variables).document()?;
        self.check(&totals)?;
        Ok(ExecutableDocument::clone(&document))
    }

    /// Refuses, before parsing, a text nested deep enough to threaten the parser's stack
    /// or holding more names than the allowed fields could need.
    fn scan_text(&self, query: &str) -> Result<(), BudgetRefusal> {
        let shape = TextShape::of(query);
        let nesting = shape.deepest_nesting;
        if nesting > MAX_TEXT_NESTING {
            return Err(BudgetRefusal::new(
                ErrorCode::QueryTooDeep,
                format!(
                    "the query nests brackets more than {MAX_TEXT_NESTING} deep; this server \
                     allows fields {} deep",
                    self.max_depth
                ),
            ));
        }
        let most_names = self
            .max_selections
            .saturating_mul(MAX_TEXT_NAMES_PER_SELECTION);
        if shape.names > most_names {
            return Err(BudgetRefusal::new(
                ErrorCode::QueryTooComplex,
                format!(
                    "the query text holds more than {most_names} names; this server allows {} \
                     fields",
                    self.max_selections
                ),
            ));
        }
        Ok(())
    }

    /// Refuses totals over any limit, the structural ones (depth, nesting) first. The
    /// walk is linear in the document's size whatever the totals (each fragment is
    /// measured once), so it runs to the end and the same document always gets the same
    /// code.
    fn check(&self, totals: &Totals) -> Result<(), BudgetRefusal> {
        if totals.depth > self.max_depth {
            return Err(BudgetRefusal::new(
                ErrorCode::QueryTooDeep,
                format!(
                    "the query nests fields more than {} deep; this server allows {}",
                    self.max_depth, self.max_depth
                ),
            ));
        }
        if totals.nesting > MAX_SELECTION_NESTING {
            return Err(BudgetRefusal::new(
                ErrorCode::QueryTooDeep,
                format!(
                    "the query nests selections and fragments more than {MAX_SELECTION_NESTING} deep"
                ),
            ));
        }
        if totals.aliases > self.max_aliases {
            return Err(BudgetRefusal::new(
                ErrorCode::QueryTooComplex,
                format!(
                    "the query uses {} aliases; this server allows {}",
                    totals.aliases, self.max_aliases
                ),
            ));
        }
        if totals.selections > self.max_selections {
            return Err(BudgetRefusal::new(
                ErrorCode::QueryTooComplex,
                format!(
                    "the query selects more than {} fields (fragments counted where they are \
                     spread)",
                    self.max_selections
                ),
            ));
        }
        if totals.arguments > MAX_ARGUMENTS {
            return Err(BudgetRefusal::new(
                ErrorCode::QueryTooComplex,
                format!("the query has more than {MAX_ARGUMENTS} arguments and directives"),
            ));
        }
        if totals.cost > self.max_cost {
            return Err(BudgetRefusal::new(
                ErrorCode::QueryTooComplex,
                format!(
                    "the answer could hold more than {} values (each list counted at its page \
                     size); ask for smaller pages or fewer nested lists",
                    self.max_cost
                ),
            ));
        }
        Ok(())
    }
}

/// Our words for the parser's errors: its syntax messages come from the grammar engine
/// and describe grammar rules, so only their position is kept.
fn parse_refusal(error: ParserError) -> BudgetRefusal {
    let message = match &error {
        ParserError::Syntax { start, .. } => format!(
            "the query is not valid GraphQL: syntax error at line {}, column {}",
            start.line, start.column
        ),
        ParserError::MultipleOperations { .. } => {
            "the query has an operation without a name beside others; name every operation"
                .to_owned()
        }
        ParserError::OperationDuplicated { operation, .. } => {
            format!("the query defines the operation {operation} twice")
        }
        ParserError::FragmentDuplicated { fragment, .. } => {
            format!("the query defines the fragment {fragment} twice")
        }
        ParserError::MissingOperation => "the query has no operation".to_owned(),
        ParserError::RecursionLimitExceeded => {
            return BudgetRefusal::new(ErrorCode::QueryTooDeep, "the query nests too deep");
        }
        // The errors of schema documents (their roots) cannot come from `parse_query`.
        _ => "the query is not valid GraphQL".to_owned(),
    };
    BudgetRefusal::new(ErrorCode::GraphqlParseFailed, message)
}

/// What one pass over the text, before parsing, tells of a document.
struct TextShape {
    /// The deepest nesting of `{`, `[` and `(` outside strings and comments.
    deepest_nesting: usize,
    /// Names outside strings and comments (a name starts with a letter or `_` that does
    /// not continue a name or a number).
    names: u64,
}

impl TextShape {
    fn of(text: &str) -> Self {
        let bytes = text.as_bytes();
        let (deepest_nesting, names) = scan(bytes);
        Self {
            deepest_nesting,
            names,
        }
    }
}

fn scan(bytes: &[u8]) -> (usize, u64) {
    let mut index = 0;
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut names = 0u64;
    while let Some(&byte) = bytes.get(index) {
        match byte {
            b'#' => {
                while bytes
                    .get(index)
                    .is_some_and(|&byte| byte != b'\n' && byte != b'\r')
                {
                    index += 1;
                }
            }
            b'"' if bytes.get(index..index + 3) == Some(b"\"\"\"") => {
                index += 3;
                // A block string ends at the next `"""` not escaped as `\"""`.
                while index < bytes.len() && bytes.get(index..index + 3) != Some(b"\"\"\"") {
                    index += if bytes.get(index..index + 4) == Some(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                index += 2;
            }
            b'"' => {
                index += 1;
                while let Some(&byte) = bytes.get(index) {
                    match byte {
                        b'\\' => index += 1,
                        b'"' | b'\n' | b'\r' => break,
                        _ => {}
                    }
                    index += 1;
                }
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            byte if byte.is_ascii_alphabetic() || byte == b'_' => {
                let continues = index
                    .checked_sub(1)
                    .and_then(|previous| bytes.get(previous))
                    .is_some_and(|&previous| previous.is_ascii_alphanumeric() || previous == b'_');
                if !continues {
                    names += 1;
                }
            }
            _ => {}
        }
        index += 1;
    }
    (deepest, names)
}

/// What the walk adds up; every sum saturates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Totals {
    cost: u64,
    selections: u64,
    aliases: u64,
    arguments: u64,
    /// Field nesting, as `max_depth` counts it.
    depth: u64,
    /// Selection-set nesting, fragments included.
    nesting: u64,
}

impl Totals {
    fn add(&mut self, other: &Self) {
        self.cost = self.cost.saturating_add(other.cost);
        self.selections = self.selections.saturating_add(other.selections);
        self.aliases = self.aliases.saturating_add(other.aliases);
        self.arguments = self.arguments.saturating_add(other.arguments);
        self.depth = self.depth.max(other.depth);
        self.nesting = self.nesting.max(other.nesting);
    }
}

enum FragmentState {
    /// Being measured: meeting it again is a cycle.
    Measuring,
    Measured(Totals),
}

struct Walker<'a> {
    budget: &'a QueryBudget,
    document: &'a ExecutableDocument,
    variables: &'a Variables,
    fragments: HashMap<&'a str, FragmentState>,
    fragment_nesting: usize,
}

impl<'a> Walker<'a> {
    fn new(
        budget: &'a QueryBudget,
        document: &'a ExecutableDocument,
        variables: &'a Variables,
    ) -> Self {
        Self {
            budget,
            document,
            variables,
            fragments: HashMap::new(),
            fragment_nesting: 0,
        }
    }

    /// Every operation of the document: validation looks at all of them, whichever runs.
    fn document(&mut self) -> Result<Totals, BudgetRefusal> {
        let document = self.document;
        let budget = self.budget;
        let mut totals = Totals::default();
        for (_, operation) in document.operations.iter() {
            let operation = &operation.node;
            let root = budget.catalogue.root_of(operation.ty);
            let mut measured = self.selection_set(&operation.selection_set.node, root)?;
            measured.arguments = measured
                .arguments
                .saturating_add(operation.variable_definitions.len() as u64)
                .saturating_add(operation.directives.len() as u64);
            totals.add(&measured);
        }
        Ok(totals)
    }

    fn selection_set(
        &mut self,
        selection_set: &'a SelectionSet,
        on_type: Option<&'a str>,
    ) -> Result<Totals, BudgetRefusal> {
        let mut totals = Totals::default();
        for selection in &selection_set.items {
            let measured = match &selection.node {
                Selection::Field(field) => self.field(&field.node, on_type)?,
                Selection::InlineFragment(fragment) => {
                    let fragment = &fragment.node;
                    let on_type = fragment
                        .type_condition
                        .as_ref()
                        .map(|condition| condition.node.on.node.as_str())
                        .or(on_type);
                    let mut measured = self.selection_set(&fragment.selection_set.node, on_type)?;
                    measured.selections = measured.selections.saturating_add(1);
                    measured.nesting = measured.nesting.saturating_add(1);
                    measured.arguments = measured
                        .arguments
                        .saturating_add(directive_weight(&fragment.directives));
                    measured
                }
                Selection::FragmentSpread(spread) => {
                    let spread = &spread.node;
                    let mut measured = self.fragment(&spread.fragment_name.node)?;
                    measured.selections = measured.selections.saturating_add(1);
                    measured.nesting = measured.nesting.saturating_add(1);
                    measured.arguments = measured
                        .arguments
                        .saturating_add(directive_weight(&spread.directives));
                    measured
                }
            };
            totals.add(&measured);
        }
        Ok(totals)
    }

    fn field(
        &mut self,
        field: &'a Field,
        on_type: Option<&'a str>,
    ) -> Result<Totals, BudgetRefusal> {
        let arguments = field.arguments.len() as u64 + directive_weight(&field.directives);
        if arguments > MAX_ARGUMENTS_PER_FIELD as u64 {
            return Err(BudgetRefusal::new(
                ErrorCode::QueryTooComplex,
                format!(
                    "the field {} has more than {MAX_ARGUMENTS_PER_FIELD} arguments and directives",
                    field.name.node
                ),
            ));
        }
        let budget: &'a QueryBudget = self.budget;
        let catalogue = &budget.catalogue;
        let facts = on_type.and_then(|on_type| catalogue.field(on_type, &field.name.node));
        let children = self.selection_set(
            &field.selection_set.node,
            facts.map(|facts| facts.returns.as_str()),
        )?;
        let length = match facts {
            Some(facts) if facts.paginated => self.page_size(field),
            Some(facts)
                if facts.is_list && !on_type.is_some_and(|on_type| catalogue.is_page(on_type)) =>
            {
                UNPAGED_LIST_LENGTH
            }
            _ => 1,
        };
        Ok(Totals {
            cost: length.saturating_mul(children.cost).saturating_add(1),
            selections: children.selections.saturating_add(1),
            aliases: children
                .aliases
                .saturating_add(u64::from(field.alias.is_some())),
            arguments: children.arguments.saturating_add(arguments),
            depth: children.depth.saturating_add(1),
            nesting: if field.selection_set.node.items.is_empty() {
                0
            } else {
                children.nesting.saturating_add(1)
            },
        })
    }

    /// The length of a page: `first` or `last` as given (a literal or a variable), at most
    /// the largest page the resolvers accept (they refuse more before any work), else the
    /// default page size.
    fn page_size(&self, field: &Field) -> u64 {
        let given = ["first", "last"].into_iter().find_map(|name| {
            let value = field.get_argument(name)?.node.clone();
            let value = value
                .into_const_with(|variable| self.variables.get(&variable).cloned().ok_or(()))
                .ok()?;
            match value {
                ConstValue::Number(number) => number.as_u64(),
                _ => None,
            }
        });
        given.map_or(DEFAULT_PAGE_SIZE, |given| given.min(MAX_PAGE_SIZE))
    }

    /// A named fragment, measured once however often it is spread.
    fn fragment(&mut self, name: &'a str) -> Result<Totals, BudgetRefusal> {
        match self.fragments.get(name) {
            Some(FragmentState::Measured(totals)) => return Ok(*totals),
            Some(FragmentState::Measuring) => {
                return Err(BudgetRefusal::new(
                    ErrorCode::GraphqlValidationFailed,
                    format!("the fragment {name} spreads itself"),
                ));
            }
            None => {}
        }
        // An unknown fragment is left to validation, which names it.
        let document = self.document;
        let Some((name, definition)) = document.fragments.get_key_value(name) else {
            return Ok(Totals::default());
        };
        if self.fragment_nesting >= MAX_FRAGMENT_NESTING {
            return Err(BudgetRefusal::new(
                ErrorCode::QueryTooDeep,
                format!("fragments spread fragments more than {MAX_FRAGMENT_NESTING} deep"),
            ));
        }
        let name = name.as_str();
        self.fragments.insert(name, FragmentState::Measuring);
        self.fragment_nesting += 1;
        let definition = &definition.node;
        let measured = self.selection_set(
            &definition.selection_set.node,
            Some(definition.type_condition.node.on.node.as_str()),
        );
        self.fragment_nesting -= 1;
        let mut measured = measured?;
        measured.arguments = measured
            .arguments
            .saturating_add(directive_weight(&definition.directives));
        self.fragments
            .insert(name, FragmentState::Measured(measured));
        Ok(measured)
    }
}

/// Directives count as arguments: each one and each of its arguments.
fn directive_weight(directives: &[Positioned<async_graphql::parser::types::Directive>]) -> u64 {
    directives
        .iter()
        .map(|directive| 1 + directive.node.arguments.len() as u64)
        .sum()
}

/// What the budget needs to know of the schema's fields, read from its SDL.
#[derive(Debug, Default)]
struct FieldCatalogue {
    /// Type name → field name → facts.
    types: HashMap<String, HashMap<String, FieldFacts>>,
    /// Types returned by paginated fields (connections): their lists are the page itself,
    /// already counted at the paginated field.
    page_types: HashSet<String>,
    query_root: String,
    mutation_root: String,
    subscription_root: String,
}

#[derive(Debug)]
struct FieldFacts {
    /// The named type the field returns, without list or non-null wrappers.
    returns: String,
    is_list: bool,
    /// The field takes a page size (`first`).
    paginated: bool,
}

impl FieldCatalogue {
    /// Reads the SDL the schema itself printed. Should it not parse, every field is
    /// unknown and counts once; the limits on selections and depth still hold.
    fn from_sdl(sdl: &str) -> Self {
        let mut catalogue = Self {
            query_root: "Query".to_owned(),
            mutation_root: "Mutation".to_owned(),
            subscription_root: "Subscription".to_owned(),
            ..Self::default()
        };
        let document: ServiceDocument = match async_graphql::parser::parse_schema(sdl) {
            Ok(document) => document,
            Err(error) => {
                tracing::error!(%error, "the schema's SDL does not parse; query costs count every field once");
                return catalogue;
            }
        };
        for definition in document.definitions {
            match definition {
                TypeSystemDefinition::Schema(schema) => {
                    let schema = schema.node;
                    if let Some(query) = schema.query {
                        catalogue.query_root = query.node.to_string();
                    }
                    if let Some(mutation) = schema.mutation {
                        catalogue.mutation_root = mutation.node.to_string();
                    }
                    if let Some(subscription) = schema.subscription {
                        catalogue.subscription_root = subscription.node.to_string();
                    }
                }
                TypeSystemDefinition::Type(definition) => catalogue.add_type(definition.node),
                TypeSystemDefinition::Directive(_) => {}
            }
        }
        let page_types = catalogue
            .types
            .values()
            .flat_map(HashMap::values)
            .filter(|facts| facts.paginated && !facts.is_list)
            .map(|facts| facts.returns.clone())
            .collect();
        catalogue.page_types = page_types;
        catalogue
    }

    fn add_type(&mut self, definition: TypeDefinition) {
        let fields = match definition.kind {
            TypeKind::Object(object) => object.fields,
            TypeKind::Interface(interface) => interface.fields,
            _ => return,
        };
        let fields = fields
            .into_iter()
            .map(|field| {
                let field = field.node;
                let mut base = &field.ty.node.base;
                let mut is_list = false;
                while let BaseType::List(inner) = base {
                    is_list = true;
                    base = &inner.base;
                }
                let returns = match base {
                    BaseType::Named(name) => name.to_string(),
                    BaseType::List(_) => String::new(),
                };
                let paginated = field
                    .arguments
                    .iter()
                    .any(|argument| matches!(argument.node.name.node.as_str(), "first" | "last"));
                (
                    field.name.node.to_string(),
                    FieldFacts {
                        returns,
                        is_list,
                        paginated,
                    },
                )
            })
            .collect();
        self.types.insert(definition.name.node.to_string(), fields);
    }

    fn root_of(&self, operation: async_graphql::parser::types::OperationType) -> Option<&str> {
        use async_graphql::parser::types::OperationType;
        Some(match operation {
            OperationType::Query => self.query_root.as_str(),
            OperationType::Mutation => self.mutation_root.as_str(),
            OperationType::Subscription => self.subscription_root.as_str(),
        })
    }

    fn field(&self, on_type: &str, field: &str) -> Option<&FieldFacts> {
        self.types.get(on_type)?.get(field)
    }

    fn is_page(&self, type_name: &str) -> bool {
        self.page_types.contains(type_name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget() -> QueryBudget {
        QueryBudget::new(&super::super::sdl(), &GraphqlLimits::default())
    }

    fn refusal(query: &str) -> BudgetRefusal {
        match budget().admit(query, &Variables::default()) {
            Ok(_) => panic!("admitted: {query}"),
            Err(refusal) => refusal,
        }
    }

    fn cost(query: &str) -> u64 {
        let budget = budget();
        let document =
            async_graphql::parser::parse_query(query).unwrap_or_else(|error| panic!("{error}"));
        let variables = Variables::default();
        Walker::new(&budget, &document, &variables)
            .document()
            .unwrap_or_else(|refusal| panic!("{}", refusal.message))
            .cost
    }

    #[test]
    fn fragment_doubling_is_measured_once_per_fragment_and_refused() {
        let mut query = String::from("{ ...F30 } fragment F0 on QueryRoot { __typename }");
        for k in 1..=30 {
            query.push_str(&format!(
                " fragment F{k} on QueryRoot {{ ...F{} ...F{} }}",
                k - 1,
                k - 1
            ));
        }
        let started = std::time::Instant::now();
        let refused = refusal(&query);
        assert_eq!(refused.code, ErrorCode::QueryTooComplex, "{refused:?}");
        assert!(started.elapsed() < std::time::Duration::from_millis(100));
    }

    #[test]
    fn fragment_cycles_are_refused() {
        let refused =
            refusal("{ ...A } fragment A on QueryRoot { ...B } fragment B on QueryRoot { ...A }");
        assert_eq!(refused.code, ErrorCode::GraphqlValidationFailed);
    }

    #[test]
    fn nested_pages_multiply() {
        assert_eq!(cost("{ sections { slug } }"), 1 + 20);
        assert_eq!(
            cost("{ articles(first: 5) { nodes { id title } } }"),
            1 + 5 * (1 + 2)
        );
        let two_levels = "{ section(slug: \"a\") { articles(first: 100) { nodes { section { \
                          articles(first: 100) { nodes { id } } } } } } }";
        assert!(cost(two_levels) > 10_000);
        let four_levels = "{ section(slug: \"a\") { articles(first: 100) { nodes { section { \
                           articles(first: 100) { nodes { section { articles(first: 100) { nodes { \
                           section { articles(first: 100) { nodes { id } } } } } } } } } } } } }";
        assert_eq!(refusal(four_levels).code, ErrorCode::QueryTooComplex);
    }

    #[test]
    fn a_page_size_from_a_variable_counts() {
        let budget = budget();
        let query = "query($n: Int) { articles(first: $n) { nodes { section { articles(first: $n) { nodes { id title lead slug byline } } } } } }";
        let small = Variables::from_json(serde_json::json!({"n": 2}));
        assert!(budget.admit(query, &small).is_ok());
        let large = Variables::from_json(serde_json::json!({"n": 100}));
        assert!(budget.admit(query, &large).is_err());
    }

    #[test]
    fn a_text_is_parsed_once_and_measured_on_every_request() {
        let budget = budget();
        let query = "query($n: Int) { articles(first: $n) { nodes { section { articles(first: $n) { nodes { id title lead slug byline } } } } } }";
        let small = Variables::from_json(serde_json::json!({"n": 2}));
        let large = Variables::from_json(serde_json::json!({"n": 100}));
        let first = budget
            .admit(query, &small)
            .map_err(|refusal| refusal.message);
        assert_eq!(budget.parsed.len(), 1);
        // The kept document is measured again with the new variables, and refused.
        assert!(budget.admit(query, &large).is_err());
        let again = budget
            .admit(query, &small)
            .map_err(|refusal| refusal.message);
        assert_eq!(budget.parsed.len(), 1);
        assert_eq!(
            format!("{again:?}"),
            format!("{first:?}"),
            "the kept document is the one parsed"
        );
    }

    #[test]
    fn refused_and_very_long_texts_are_not_kept() {
        let budget = budget();
        let deep = format!("{}{}", "{a".repeat(1_000), "}".repeat(1_000));
        let long = format!("{{ article(slug: \"{}\") {{ id }} }}", "a".repeat(20_000));
        assert!(budget.admit(&deep, &Variables::default()).is_err());
        assert!(budget.admit("{ article(", &Variables::default()).is_err());
        assert!(budget.admit(&long, &Variables::default()).is_ok());
        assert_eq!(budget.parsed.len(), 0);
    }

    #[test]
    fn deep_text_is_refused_before_parsing() {
        let depth = 100_000;
        let query = format!("{}{}", "{a".repeat(depth), "}".repeat(depth));
        assert_eq!(refusal(&query).code, ErrorCode::QueryTooDeep);
        let values = format!(
            "{{ articles(first: {}1{}) {{ totalCount }} }}",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        assert_eq!(refusal(&values).code, ErrorCode::QueryTooDeep);
    }

    #[test]
    fn the_deepest_text_the_scan_admits_parses_on_a_small_stack() {
        let fields = format!(
            "{}{}",
            "{a".repeat(MAX_TEXT_NESTING),
            "}".repeat(MAX_TEXT_NESTING)
        );
        let values = format!(
            "{{ a(b: {}1{}) }}",
            "[".repeat(MAX_TEXT_NESTING - 2),
            "]".repeat(MAX_TEXT_NESTING - 2)
        );
        let parsed = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || {
                let budget = budget();
                [fields, values]
                    .map(|query| budget.admit(&query, &Variables::default()).map(|_| ()))
            })
            .unwrap_or_else(|error| panic!("{error}"))
            .join()
            .unwrap_or_else(|_| panic!("the parser overflowed a 256 KiB stack"));
        assert_eq!(
            parsed[0].as_ref().map_err(|refusal| refusal.code),
            Err(ErrorCode::QueryTooDeep)
        );
        assert_eq!(parsed[1], Ok(()));
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        let text = format!(
            "# {{{{{{{{\n{{ article(slug: \"{}\") {{ id }} }} \"\"\"{}\"\"\"",
            "{".repeat(200),
            "[".repeat(200)
        );
        assert_eq!(TextShape::of(&text).deepest_nesting, 2);
    }

    #[test]
    fn names_are_counted_outside_strings_comments_and_numbers() {
        let text = "# comment words\nquery Q { first: article(slug: \"a b c\", n: 1e5) { id } }";
        // query Q first article slug n id
        assert_eq!(TextShape::of(text).names, 7);
    }

    #[test]
    fn a_text_of_too_many_names_is_refused_before_it_is_parsed() {
        let many: String = (0..30_000).map(|n| format!("a{n}: {n} ")).collect();
        let refused = refusal(&format!("{{ articles({many}) {{ totalCount }} }}"));
        assert_eq!(refused.code, ErrorCode::QueryTooComplex);
        assert!(refused.message.contains("names"), "{}", refused.message);
    }

    #[test]
    fn parse_errors_are_in_our_words() {
        let refused = refusal("{ articles { ");
        assert_eq!(refused.code, ErrorCode::GraphqlParseFailed);
        assert!(
            refused
                .message
                .starts_with("the query is not valid GraphQL: syntax error at line 1"),
            "{}",
            refused.message
        );
    }

    #[test]
    fn aliases_and_arguments_are_capped() {
        let aliases: String = (0..31)
            .map(|n| format!("a{n}: sections {{ slug }} "))
            .collect();
        assert_eq!(
            refusal(&format!("{{ {aliases} }}")).code,
            ErrorCode::QueryTooComplex
        );
        let arguments: String = (0..40).map(|n| format!("a{n}: {n} ")).collect();
        assert_eq!(
            refusal(&format!("{{ articles({arguments}) {{ totalCount }} }}")).code,
            ErrorCode::QueryTooComplex
        );
    }

    #[test]
    fn a_front_page_query_is_within_budget() {
        let query = "{ articles(first: 20) { nodes { id slug title lead publishedAt viewCount \
                     section { name slug } tags { name slug } \
                     gallery { title photos { id alt caption width height url srcset } } } \
                     pageInfo { hasNextPage endCursor } } sections { name slug } }";
        assert!(
            budget().admit(query, &Variables::default()).is_ok(),
            "cost {}",
            cost(query)
        );
    }
}
