//! `createGallery`, `updateGallery`, `deleteGallery`, and adding and removing photos.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};

use super::article::parse_id;
use super::error::ApiError;
use super::gallery::Gallery;
use super::viewer::require_actor;
use kronika_core::editing::EditError;
use kronika_core::editing::galleries::{self, GalleryChanges};
use kronika_core::store::ContentStore;

/// A new gallery. Its slug is made from the title when left out.
#[derive(InputObject)]
pub struct CreateGalleryInput {
    title: String,
    slug: Option<String>,
    description: Option<String>,
    /// The photos in order.
    photo_ids: Option<Vec<ID>>,
    /// One of `photoIds`; the first photo is the cover when left out.
    cover_photo_id: Option<ID>,
}

/// Changes to a gallery; fields left out stay as they are. `photoIds` replaces the
/// whole ordered list (add, remove and reorder in one go); `coverPhotoId: null` makes
/// the first photo the cover again.
#[derive(InputObject)]
pub struct UpdateGalleryInput {
    title: Option<String>,
    slug: Option<String>,
    description: MaybeUndefined<String>,
    photo_ids: Option<Vec<ID>>,
    cover_photo_id: MaybeUndefined<ID>,
}

#[derive(SimpleObject)]
pub struct CreateGalleryPayload {
    gallery: Gallery,
}

#[derive(SimpleObject)]
pub struct UpdateGalleryPayload {
    gallery: Gallery,
}

#[derive(SimpleObject)]
pub struct DeleteGalleryPayload {
    deleted_gallery_id: ID,
}

#[derive(Default)]
pub struct GalleryMutations;

#[Object]
impl GalleryMutations {
    async fn create_gallery(
        &self,
        ctx: &Context<'_>,
        input: CreateGalleryInput,
    ) -> Result<CreateGalleryPayload, ApiError> {
        let actor = require_actor(ctx)?;
        let changes = GalleryChanges {
            title: Some(input.title),
            slug: input.slug,
            description: Some(input.description),
            photo_ids: input
                .photo_ids
                .as_deref()
                .map(|ids| input_ids("input.photoIds", ids))
                .transpose()?,
            cover_photo_id: Some(
                input
                    .cover_photo_id
                    .as_ref()
                    .map(|id| input_id("input.coverPhotoId", id))
                    .transpose()?,
            ),
        };
        let store = ctx.data_unchecked::<ContentStore>();
        let gallery = galleries::create(store, actor, changes)
            .await
            .map_err(in_input)?;
        Ok(CreateGalleryPayload {
            gallery: Gallery(gallery),
        })
    }

    async fn update_gallery(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateGalleryInput,
    ) -> Result<UpdateGalleryPayload, ApiError> {
        let actor = require_actor(ctx)?;
        let changes = GalleryChanges {
            title: input.title,
            slug: input.slug,
            description: match input.description {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Value(description) => Some(Some(description)),
            },
            photo_ids: input
                .photo_ids
                .as_deref()
                .map(|ids| input_ids("input.photoIds", ids))
                .transpose()?,
            cover_photo_id: match &input.cover_photo_id {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Value(id) => Some(Some(input_id("input.coverPhotoId", id)?)),
            },
        };
        let store = ctx.data_unchecked::<ContentStore>();
        let gallery = galleries::update(store, actor, gallery_id(&id)?, changes)
            .await
            .map_err(in_input)?;
        Ok(UpdateGalleryPayload {
            gallery: Gallery(gallery),
        })
    }

    /// Adds photos to a gallery, at `position` (0 is first) or at the end.
    async fn add_gallery_photos(
        &self,
        ctx: &Context<'_>,
        gallery_id: ID,
        photo_ids: Vec<ID>,
        position: Option<i32>,
    ) -> Result<UpdateGalleryPayload, ApiError> {
        let added = input_ids("photoIds", &photo_ids)?;
        change_photo_list(ctx, &gallery_id, |current| {
            let at = position
                .and_then(|position| usize::try_from(position).ok())
                .unwrap_or(current.len())
                .min(current.len());
            current.splice(at..at, added);
        })
        .await
    }

    /// Removes photos from a gallery (the photos themselves stay).
    async fn remove_gallery_photos(
        &self,
        ctx: &Context<'_>,
        gallery_id: ID,
        photo_ids: Vec<ID>,
    ) -> Result<UpdateGalleryPayload, ApiError> {
        let removed = input_ids("photoIds", &photo_ids)?;
        change_photo_list(ctx, &gallery_id, |current| {
            current.retain(|photo_id| !removed.contains(photo_id));
        })
        .await
    }

    /// Deletes a gallery that no article shows; its photos stay.
    async fn delete_gallery(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<DeleteGalleryPayload, ApiError> {
        let actor = require_actor(ctx)?;
        let store = ctx.data_unchecked::<ContentStore>();
        galleries::delete(store, actor, gallery_id(&id)?).await?;
        Ok(DeleteGalleryPayload {
            deleted_gallery_id: id,
        })
    }
}

/// Reads the gallery's photo list, lets `change` edit it, and saves it as an update.
async fn change_photo_list(
    ctx: &Context<'_>,
    id: &ID,
    change: impl FnOnce(&mut Vec<i64>),
) -> Result<UpdateGalleryPayload, ApiError> {
    let actor = require_actor(ctx)?;
    let store = ctx.data_unchecked::<ContentStore>();
    let gallery_id = gallery_id(id)?;
    let mut photo_ids = galleries::photo_ids(store.db(), gallery_id).await?;
    change(&mut photo_ids);
    let changes = GalleryChanges {
        photo_ids: Some(photo_ids),
        ..GalleryChanges::default()
    };
    let gallery = galleries::update(store, actor, gallery_id, changes).await?;
    Ok(UpdateGalleryPayload {
        gallery: Gallery(gallery),
    })
}

fn gallery_id(id: &ID) -> Result<i64, ApiError> {
    parse_id(id).ok_or_else(|| ApiError::not_found("gallery not found"))
}

fn input_id(field: &str, id: &ID) -> Result<i64, ApiError> {
    parse_id(id).ok_or_else(|| ApiError::bad_input(field, "not an id"))
}

fn input_ids(field: &str, ids: &[ID]) -> Result<Vec<i64>, ApiError> {
    ids.iter().map(|id| input_id(field, id)).collect()
}

fn in_input(error: EditError) -> ApiError {
    match error {
        EditError::Invalid { field, message } => {
            ApiError::bad_input(&format!("input.{field}"), message)
        }
        other => other.into(),
    }
}
