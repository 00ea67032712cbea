//! Section and tag mutations.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use super::article::parse_id;
use super::error::ApiError;
use super::section::{Section, Tag};
use super::viewer::require_actor;
use kronika_core::editing::taxonomy;
use kronika_core::store::ContentStore;

#[derive(InputObject)]
pub struct CreateSectionInput {
    name: String,
    /// Made from the name when left out.
    slug: Option<String>,
}

#[derive(InputObject)]
pub struct CreateTagInput {
    name: String,
    /// Made from the name when left out.
    slug: Option<String>,
}

#[derive(SimpleObject)]
pub struct SectionPayload {
    section: Section,
}

#[derive(SimpleObject)]
pub struct TagPayload {
    tag: Tag,
}

#[derive(Default)]
pub struct TaxonomyMutations;

#[Object]
impl TaxonomyMutations {
    /// Admins only.
    async fn create_section(
        &self,
        ctx: &Context<'_>,
        input: CreateSectionInput,
    ) -> Result<SectionPayload, ApiError> {
        let actor = require_actor(ctx)?;
        let store = ctx.data_unchecked::<ContentStore>();
        let section =
            taxonomy::create_section(store, actor, &input.name, input.slug.as_deref()).await?;
        Ok(SectionPayload {
            section: Section(section),
        })
    }

    /// Renames a section; its slug stays. Admins only.
    async fn rename_section(
        &self,
        ctx: &Context<'_>,
        id: ID,
        name: String,
    ) -> Result<SectionPayload, ApiError> {
        let actor = require_actor(ctx)?;
        let store = ctx.data_unchecked::<ContentStore>();
        let section =
            taxonomy::rename_section(store, actor, taxonomy_id(&id, "section")?, &name).await?;
        Ok(SectionPayload {
            section: Section(section),
        })
    }

    /// Deletes a section that holds no articles. Admins only.
    async fn delete_section(&self, ctx: &Context<'_>, id: ID) -> Result<bool, ApiError> {
        let actor = require_actor(ctx)?;
        let store = ctx.data_unchecked::<ContentStore>();
        taxonomy::delete_section(store, actor, taxonomy_id(&id, "section")?).await?;
        Ok(true)
    }

    /// Editors and admins.
    async fn create_tag(
        &self,
        ctx: &Context<'_>,
        input: CreateTagInput,
    ) -> Result<TagPayload, ApiError> {
        let actor = require_actor(ctx)?;
        let store = ctx.data_unchecked::<ContentStore>();
        let tag = taxonomy::create_tag(store, actor, &input.name, input.slug.as_deref()).await?;
        Ok(TagPayload { tag: Tag(tag) })
    }

    /// Renames a tag; its slug stays. Editors and admins.
    async fn rename_tag(
        &self,
        ctx: &Context<'_>,
        id: ID,
        name: String,
    ) -> Result<TagPayload, ApiError> {
        let actor = require_actor(ctx)?;
        let store = ctx.data_unchecked::<ContentStore>();
        let tag = taxonomy::rename_tag(store, actor, taxonomy_id(&id, "tag")?, &name).await?;
        Ok(TagPayload { tag: Tag(tag) })
    }

    /// Deletes a tag no article carries. Editors and admins.
    async fn delete_tag(&self, ctx: &Context<'_>, id: ID) -> Result<bool, ApiError> {
        let actor = require_actor(ctx)?;
        let store = ctx.data_unchecked::<ContentStore>();
        taxonomy::delete_tag(store, actor, taxonomy_id(&id, "tag")?).await?;
        Ok(true)
    }
}

fn taxonomy_id(id: &ID, what: &str) -> Result<i64, ApiError> {
    parse_id(id).ok_or_else(|| ApiError::NotFound(format!("{what} not found")))
}
