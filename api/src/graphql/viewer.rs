//! Access to the request's viewer from resolvers, and the checks mutations start with.

use async_graphql::Context;

use super::error::ApiError;
use kronika_core::auth::{Actor, Viewer};
use kronika_core::changes::{CacheTag, UsedContent};

/// The account the request acts for, or `UNAUTHENTICATED`.
pub fn require_actor<'ctx>(ctx: &Context<'ctx>) -> Result<&'ctx Actor, ApiError> {
    viewer(ctx).actor().ok_or(ApiError::Unauthenticated)
}

/// Who sent the request; anonymous when the HTTP layer attached nobody.
pub fn viewer<'ctx>(ctx: &Context<'ctx>) -> &'ctx Viewer {
    ctx.data_opt::<Viewer>().unwrap_or(&Viewer::Anonymous)
}

/// Notes that the response uses `tag`, so that a change to it drops the cached response.
/// Only cacheable requests carry a `UsedContent`; for the others this does nothing.
pub fn uses(ctx: &Context<'_>, tag: CacheTag) {
    if let Some(used) = ctx.data_opt::<UsedContent>() {
        used.record(tag);
    }
}
