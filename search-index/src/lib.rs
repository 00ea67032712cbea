//! Search for Kronika: what a Polish text becomes for the index ([`analysis`]), what is
//! indexed ([`SearchDocument`]), what is asked ([`SearchQuery`]) and what comes back
//! ([`SearchResults`]), and the one trait every engine implements ([`SearchBackend`]).

pub mod analysis;
mod backend;
mod document;
mod embedded;
mod error;
mod highlight;
mod meilisearch;
mod query;
mod query_words;
mod ranking;

pub use analysis::{AnalysisMode, Analyzer, PolishDictionary, Token};
pub use backend::{IndexRebuild, SearchBackend};
pub use document::{AttachedDocument, SearchDocument, TaxonomyRef};
pub use embedded::TantivyBackend;
pub use error::SearchError;
pub use meilisearch::{DEFAULT_RERANK_DEPTH, MeilisearchBackend};
pub use query::{FacetCount, Facets, MatchedIn, SearchHit, SearchQuery, SearchResults, SearchSort};
