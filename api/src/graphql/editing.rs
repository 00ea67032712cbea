//! The article mutations: create, update, publish, unpublish, delete, restore.

use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, Utc};
use std::future::Future;

use super::article::{Article, parse_id};
use super::error::ApiError;
use super::viewer::require_actor;
use kronika_core::auth::Actor;
use kronika_core::domain::BodyFormat;
use kronika_core::editing::articles::{self, ArticleChanges};
use kronika_core::editing::{EditError, lifecycle};
use kronika_core::store::ContentStore;

#[derive(Enum, Clone, Copy, PartialEq, Eq, Default)]
#[graphql(name = "BodyFormat")]
pub enum BodyFormatValue {
    #[default]
    Html,
    Markdown,
}

impl From<BodyFormatValue> for BodyFormat {
    fn from(format: BodyFormatValue) -> Self {
        match format {
            BodyFormatValue::Html => Self::Html,
            BodyFormatValue::Markdown => Self::Markdown,
        }
    }
}

/// A new article. It starts as a draft entered by the acting account; the byline
/// defaults to that account's name.
#[derive(InputObject)]
pub struct CreateArticleInput {
    section_id: ID,
    title: String,
    lead: Option<String>,
    /// HTML or Markdown (see `bodyFormat`); stored sanitised.
    body: Option<String>,
    #[graphql(default)]
    body_format: BodyFormatValue,
    byline: Option<String>,
    tag_ids: Option<Vec<ID>>,
    /// Made from the title when left out.
    slug: Option<String>,
    gallery_id: Option<ID>,
    /// The article's attachments, in the order readers see them.
    attachment_ids: Option<Vec<ID>>,
}

/// Changes to an article; fields left out stay as they are. `galleryId: null` removes
/// the gallery.
#[derive(InputObject)]
pub struct UpdateArticleInput {
    section_id: Option<ID>,
    title: Option<String>,
    lead: Option<String>,
    body: Option<String>,
    #[graphql(default)]
    body_format: BodyFormatValue,
    byline: Option<String>,
    tag_ids: Option<Vec<ID>>,
    slug: Option<String>,
    gallery_id: MaybeUndefined<ID>,
    /// The article's attachments, in order, in place of its current list; `[]` removes
    /// them all. Reordering is sending the same ids in a new order.
    attachment_ids: Option<Vec<ID>>,
}

#[derive(SimpleObject)]
pub struct CreateArticlePayload {
    article: Article,
}

#[derive(SimpleObject)]
pub struct UpdateArticlePayload {
    article: Article,
}

#[derive(SimpleObject)]
pub struct PublishArticlePayload {
    article: Article,
}

#[derive(SimpleObject)]
pub struct UnpublishArticlePayload {
    article: Article,
}

#[derive(SimpleObject)]
pub struct DeleteArticlePayload {
    article: Article,
}

#[derive(SimpleObject)]
pub struct RestoreArticlePayload {
    article: Article,
}

#[derive(SimpleObject)]
pub struct RestoreRevisionPayload {
    article: Article,
}

#[derive(Default)]
pub struct ArticleMutations;

#[Object]
impl ArticleMutations {
    async fn create_article(
        &self,
        ctx: &Context<'_>,
        input: CreateArticleInput,
    ) -> Result<CreateArticlePayload, ApiError> {
        let actor = require_actor(ctx)?;
        let changes = ArticleChanges {
            section_id: Some(input_id("input.sectionId", &input.section_id)?),
            title: Some(input.title),
            lead: input.lead,
            body: input.body,
            body_format: input.body_format.into(),
            byline: input.byline,
            tag_ids: input
                .tag_ids
                .as_deref()
                .map(|ids| input_ids("input.tagIds", ids))
                .transpose()?,
            slug: input.slug,
            gallery_id: input
                .gallery_id
                .as_ref()
                .map(|id| input_id("input.galleryId", id).map(Some))
                .transpose()?,
            attachment_ids: input
                .attachment_ids
                .as_deref()
                .map(|ids| input_ids("input.attachmentIds", ids))
                .transpose()?,
        };
        let store = ctx.data_unchecked::<ContentStore>();
        let article = articles::create(store, actor, changes)
            .await
            .map_err(in_input)?;
        Ok(CreateArticlePayload {
            article: Article::from(article),
        })
    }

    /// Applies changes if the article is still at `expectedVersion`; otherwise nothing
    /// changes and the answer is `CONFLICT`.
    async fn update_article(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateArticleInput,
        expected_version: i32,
    ) -> Result<UpdateArticlePayload, ApiError> {
        let actor = require_actor(ctx)?;
        let gallery_id = match &input.gallery_id {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => Some(None),
            MaybeUndefined::Value(id) => Some(Some(input_id("input.galleryId", id)?)),
        };
        let changes = ArticleChanges {
            section_id: input
                .section_id
                .as_ref()
                .map(|id| input_id("input.sectionId", id))
                .transpose()?,
            title: input.title,
            lead: input.lead,
            body: input.body,
            body_format: input.body_format.into(),
            byline: input.byline,
            tag_ids: input
                .tag_ids
                .as_deref()
                .map(|ids| input_ids("input.tagIds", ids))
                .transpose()?,
            slug: input.slug,
            gallery_id,
            attachment_ids: input
                .attachment_ids
                .as_deref()
                .map(|ids| input_ids("input.attachmentIds", ids))
                .transpose()?,
        };
        let store = ctx.data_unchecked::<ContentStore>();
        let article = articles::update(store, actor, article_id(&id)?, changes, expected_version)
            .await
            .map_err(in_input)?;
        Ok(UpdateArticlePayload {
            article: Article::from(article),
        })
    }

    /// Publishes now, or at a future `at` (the article is SCHEDULED until then).
    async fn publish_article(
        &self,
        ctx: &Context<'_>,
        id: ID,
        at: Option<DateTime<Utc>>,
    ) -> Result<PublishArticlePayload, ApiError> {
        let article = change_article(ctx, &id, |store, actor, id| async move {
            lifecycle::publish(&store, &actor, id, at).await
        })
        .await?;
        Ok(PublishArticlePayload { article })
    }

    /// Takes a published or scheduled article back to draft.
    async fn unpublish_article(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<UnpublishArticlePayload, ApiError> {
        let article = change_article(ctx, &id, |store, actor, id| async move {
            lifecycle::unpublish(&store, &actor, id).await
        })
        .await?;
        Ok(UnpublishArticlePayload { article })
    }

    /// Archives the article; an admin can restore it.
    async fn delete_article(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<DeleteArticlePayload, ApiError> {
        let article = change_article(ctx, &id, |store, actor, id| async move {
            lifecycle::archive(&store, &actor, id).await
        })
        .await?;
        Ok(DeleteArticlePayload { article })
    }

    /// Brings a deleted article back as a draft. Admins only.
    async fn restore_article(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<RestoreArticlePayload, ApiError> {
        let article = change_article(ctx, &id, |store, actor, id| async move {
            lifecycle::restore(&store, &actor, id).await
        })
        .await?;
        Ok(RestoreArticlePayload { article })
    }

    /// Puts back the content an article had before the given revision.
    async fn restore_revision(
        &self,
        ctx: &Context<'_>,
        revision_id: ID,
    ) -> Result<RestoreRevisionPayload, ApiError> {
        let actor = require_actor(ctx)?;
        let store = ctx.data_unchecked::<ContentStore>();
        let revision_id = parse_id(&revision_id)
            .ok_or_else(|| ApiError::NotFound("revision not found".to_owned()))?;
        let article = lifecycle::restore_revision(store, actor, revision_id).await?;
        Ok(RestoreRevisionPayload {
            article: Article::from(article),
        })
    }
}

/// One step of an article's life cycle on behalf of the request's account: the actor is
/// required, and after a successful change every read-side cache hears of it.
async fn change_article<Change>(
    ctx: &Context<'_>,
    id: &ID,
    change: impl FnOnce(ContentStore, Actor, i64) -> Change,
) -> Result<Article, ApiError>
where
    Change: Future<Output = Result<entities::article::Model, EditError>>,
{
    let actor = require_actor(ctx)?.clone();
    let store = ctx.data_unchecked::<ContentStore>().clone();
    let article = change(store, actor, article_id(id)?).await?;
    Ok(Article::from(article))
}

fn article_id(id: &ID) -> Result<i64, ApiError> {
    parse_id(id).ok_or_else(|| ApiError::NotFound("article not found".to_owned()))
}

fn input_id(field: &str, id: &ID) -> Result<i64, ApiError> {
    parse_id(id).ok_or_else(|| ApiError::bad_input(field, "not an id"))
}

fn input_ids(field: &str, ids: &[ID]) -> Result<Vec<i64>, ApiError> {
    ids.iter().map(|id| input_id(field, id)).collect()
}

/// Validation errors of an `input` name the field by its path in the mutation.
fn in_input(error: EditError) -> ApiError {
    match error {
        EditError::Invalid { field, message } => {
            ApiError::bad_input(&format!("input.{field}"), message)
        }
        other => other.into(),
    }
}
