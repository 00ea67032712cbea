//! The public GraphQL schema, split by subject and joined with `MergedObject`.
//!
//! Objects here are our own wire types built from entities, never the sea-orm models
//! themselves, so the table layout can change without changing the API. Every relation
//! field resolves through a DataLoader (see `loaders`), and every error leaves through
//! `ApiError` with a code from the closed set in `error`.

mod accounts;
mod article;
mod attachment;
mod attachment_mutations;
pub mod auth;
mod connection;
mod date;
mod editing;
pub mod error;
mod error_codes;
mod gallery;
mod gallery_mutations;
pub mod loaders;
mod parsed_documents;
pub mod photo;
mod photo_library;
mod photo_mutations;
pub mod query_budget;
mod query_limits;
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

use kronika_core::auth::LoginThrottle;
use kronika_core::editing::attachments::AttachmentServices;
use kronika_core::editing::photos::PhotoServices;
use kronika_core::store::ContentStore;
use kronika_core::views::ViewCounter;
pub use photo::MediaUrl;
pub use views::ViewRateLimit;

/// All read operations.
#[derive(MergedObject, Default)]
pub struct QueryRoot(
    article::ArticleQueries,
    section::SectionQueries,
    gallery::GalleryQueries,
    auth::AuthQueries,
    views::ViewQueries,
    search::SearchQueries,
    accounts::AccountQueries,
    photo_library::PhotoLibraryQueries,
    attachment_mutations::AttachmentQueries,
);

/// All operations that change something.
#[derive(MergedObject, Default)]
pub struct MutationRoot(
    auth::AuthMutations,
    editing::ArticleMutations,
    taxonomy::TaxonomyMutations,
    views::ViewMutations,
    photo_mutations::PhotoMutations,
    gallery_mutations::GalleryMutations,
    accounts::AccountMutations,
    attachment_mutations::AttachmentMutations,
);

pub type KronikaSchema = Schema<QueryRoot, MutationRoot, EmptySubscription>;

/// What every request of a schema shares.
#[derive(Clone)]
pub struct SharedData {
    pub db: DatabaseConnection,
    pub time_zone: SiteTimeZone,
    /// The database with the change signal, for mutations.
    pub store: ContentStore,
    pub login_throttle: LoginThrottle,
    pub views: ViewCounter,
    pub login_rate_limit: auth::LoginRateLimit,
    pub view_rate_limit: ViewRateLimit,
    pub photos: PhotoServices,
    pub attachments: AttachmentServices,
    pub upload_limits: UploadLimits,
    pub media_url: MediaUrl,
    pub search: search::SearchEngine,
}

/// The largest file each kind of upload accepts. The multipart parser stops at the larger
/// of the two while the body streams in; each upload mutation then holds its own kind to
/// its own limit.
#[derive(Clone, Copy, Debug)]
pub struct UploadLimits {
    pub photo_max_bytes: usize,
    pub attachment_max_bytes: usize,
}

impl UploadLimits {
    /// What the multipart parser lets through.
    pub fn largest(self) -> usize {
        self.photo_max_bytes.max(self.attachment_max_bytes)
    }
}

/// The file of an upload mutation, held to its kind's limit (`limit` names it in the
/// message): the multipart parser let through files up to the larger of the two.
fn uploaded_file(
    ctx: &async_graphql::Context<'_>,
    file: &async_graphql::Upload,
    max_bytes: usize,
    limit: &str,
) -> Result<async_graphql::UploadValue, error::ApiError> {
    let upload = file.value(ctx).map_err(|_| {
        error::ApiError::bad_input("file", "the file part of the request is missing")
    })?;
    if upload.content.len() > max_bytes {
        return Err(error::ApiError::PayloadTooLarge(format!(
            "the file is larger than the {limit} of {max_bytes} bytes"
        )));
    }
    Ok(upload)
}

/// What the configuration decides about the schema.
#[derive(Clone, Copy, Debug)]
pub struct SchemaOptions {
    pub introspection: bool,
}

/// Builds the schema with the data every request shares.
pub fn build_schema(shared: SharedData, options: SchemaOptions) -> KronikaSchema {
    let mut builder = schema_builder(&options);
    if !options.introspection {
        builder = builder.disable_introspection();
    }
    builder
        .data(shared.db)
        .data(shared.time_zone)
        .data(shared.store)
        .data(shared.login_throttle)
        .data(shared.views)
        .data(shared.login_rate_limit)
        .data(shared.view_rate_limit)
        .data(shared.photos)
        .data(shared.attachments)
        .data(shared.upload_limits)
        .data(shared.media_url)
        .data(shared.search)
        .finish()
}

/// The schema in SDL, as checked in at `api/schema.graphql`.
pub fn sdl() -> String {
    schema_builder(&SchemaOptions {
        introspection: true,
    })
    .finish()
    .sdl()
}

fn schema_builder(
    options: &SchemaOptions,
) -> async_graphql::SchemaBuilder<QueryRoot, MutationRoot, EmptySubscription> {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        EmptySubscription,
    )
    // The error codes extension is added first so that it sees, and gives a code to,
    // the errors of the introspection extension too.
    .extension(error_codes::ErrorCodes)
    .extension(query_limits::QueryLimits {
        introspection: options.introspection,
    })
    // Depth, complexity and aliases are not async-graphql's `limit_depth` and
    // `limit_complexity`: those run inside validation, after the cost is paid. The HTTP
    // layer measures every document against `query_budget` first and hands on only
    // documents within it.
}
