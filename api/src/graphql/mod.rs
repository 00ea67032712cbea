//! The public GraphQL schema, split by subject and joined with `MergedObject`.
//!
//! Objects here are our own wire types built from entities, never the sea-orm models
//! themselves, so the table layout can change without changing the API. Every relation
//! field resolves through a DataLoader (see `loaders`), and every error leaves through
//! `ApiError` with a code from the closed set in `error`.

mod article;
pub mod auth;
mod connection;
mod date;
mod editing;
pub mod error;
mod error_codes;
mod gallery;
pub mod loaders;
mod revisions;
pub mod search;
mod section;
mod taxonomy;
mod time;
mod viewer;
mod views;

use async_graphql::{EmptySubscription, MergedObject, Schema};
use sea_orm::DatabaseConnection;

pub use time::SiteTimeZone;

use crate::auth::LoginThrottle;
use crate::content_changes::ContentChanges;
use crate::views::ViewCounter;

/// All read operations.
#[derive(MergedObject, Default)]
pub struct QueryRoot(
    article::ArticleQueries,
    section::SectionQueries,
    gallery::GalleryQueries,
    auth::AuthQueries,
    views::ViewQueries,
    search::SearchQueries,
);

/// All operations that change something.
#[derive(MergedObject, Default)]
pub struct MutationRoot(
    auth::AuthMutations,
    editing::ArticleMutations,
    taxonomy::TaxonomyMutations,
    views::ViewMutations,
);

pub type KronikaSchema = Schema<QueryRoot, MutationRoot, EmptySubscription>;

/// What every request of a schema shares.
#[derive(Clone)]
pub struct SharedData {
    pub db: DatabaseConnection,
    pub time_zone: SiteTimeZone,
    pub content_changes: ContentChanges,
    pub login_throttle: LoginThrottle,
    pub views: ViewCounter,
    pub search: search::SearchEngine,
}

/// Deeper queries than this are refused before they run; the deepest sensible query
/// (article → gallery → photos → field) is far shallower.
const MAX_QUERY_DEPTH: usize = 16;
/// Refuses queries that select an unreasonable number of fields.
const MAX_QUERY_COMPLEXITY: usize = 5_000;

/// Builds the schema with the data every request shares.
pub fn build_schema(shared: SharedData) -> KronikaSchema {
    schema_builder()
        .data(shared.db)
        .data(shared.time_zone)
        .data(shared.content_changes)
        .data(shared.login_throttle)
        .data(shared.views)
        .data(shared.search)
        .finish()
}

/// The schema in SDL, as checked in at `api/schema.graphql`.
pub fn sdl() -> String {
    schema_builder().finish().sdl()
}

fn schema_builder() -> async_graphql::SchemaBuilder<QueryRoot, MutationRoot, EmptySubscription> {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        EmptySubscription,
    )
    .extension(error_codes::ErrorCodes)
    .limit_depth(MAX_QUERY_DEPTH)
    .limit_complexity(MAX_QUERY_COMPLEXITY)
}
