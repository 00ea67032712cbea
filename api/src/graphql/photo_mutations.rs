//! `uploadPhoto`, `updatePhoto` and `deletePhoto`.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject, Upload};

use super::article::parse_id;
use super::error::ApiError;
use super::photo::Photo;
use super::viewer::require_actor;
use super::{UploadLimits, uploaded_file};
use kronika_core::editing::EditError;
use kronika_core::editing::photos::{self, PhotoServices, PhotoText};
use kronika_core::store::ContentStore;

#[derive(SimpleObject)]
pub struct UploadPhotoPayload {
    photo: Photo,
}

#[derive(SimpleObject)]
pub struct UpdatePhotoPayload {
    photo: Photo,
}

#[derive(SimpleObject)]
pub struct DeletePhotoPayload {
    deleted_photo_id: ID,
}

/// Changes to a photo's words; fields left out stay as they are.
#[derive(InputObject)]
pub struct UpdatePhotoInput {
    caption: Option<String>,
    credit: Option<String>,
    alt: Option<String>,
}

#[derive(Default)]
pub struct PhotoMutations;

#[Object]
impl PhotoMutations {
    /// Uploads a photo (GraphQL multipart request). JPEG, PNG, WebP, GIF (first frame)
    /// and TIFF are accepted, judged by the bytes; the rest is `UNSUPPORTED_MEDIA_TYPE`.
    /// Over the byte or pixel limit: `PAYLOAD_TOO_LARGE`. A missing credit is taken from
    /// the file's artist or copyright, unless that is contact information.
    async fn upload_photo(
        &self,
        ctx: &Context<'_>,
        file: Upload,
        caption: Option<String>,
        credit: Option<String>,
        alt: Option<String>,
    ) -> Result<UploadPhotoPayload, ApiError> {
        let actor = require_actor(ctx)?;
        let max_bytes = ctx.data_unchecked::<UploadLimits>().photo_max_bytes;
        let upload = uploaded_file(ctx, &file, max_bytes, "upload limit")?;
        let store = ctx.data_unchecked::<ContentStore>();
        let services = ctx.data_unchecked::<PhotoServices>();
        let started = std::time::Instant::now();
        let bytes = upload.size().unwrap_or_default();
        let uploaded = photos::upload(
            store,
            services,
            actor,
            upload.content,
            PhotoText {
                caption,
                credit,
                alt,
            },
        )
        .await;
        let outcome = if uploaded.is_ok() { "ok" } else { "refused" };
        kronika_core::metrics::upload_finished(outcome, bytes, started.elapsed());
        // A new photo is in no gallery yet, so no cached response can have used it.
        let photo = uploaded?;
        Ok(UploadPhotoPayload {
            photo: Photo(photo),
        })
    }

    async fn update_photo(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdatePhotoInput,
    ) -> Result<UpdatePhotoPayload, ApiError> {
        let actor = require_actor(ctx)?;
        let store = ctx.data_unchecked::<ContentStore>();
        let photo = photos::update(
            store,
            actor,
            photo_id(&id)?,
            PhotoText {
                caption: input.caption,
                credit: input.credit,
                alt: input.alt,
            },
        )
        .await
        .map_err(|error| match error {
            EditError::Invalid { field, message } => {
                ApiError::bad_input(&format!("input.{field}"), message)
            }
            other => other.into(),
        })?;
        Ok(UpdatePhotoPayload {
            photo: Photo(photo),
        })
    }

    /// Deletes a photo and, when no other photo shares them, its files. While a
    /// published article shows it, the answer is `CONFLICT` unless `force` is true
    /// (editors and admins only).
    async fn delete_photo(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(default)] force: bool,
    ) -> Result<DeletePhotoPayload, ApiError> {
        let actor = require_actor(ctx)?;
        let store = ctx.data_unchecked::<ContentStore>();
        let services = ctx.data_unchecked::<PhotoServices>();
        photos::delete(store, &services.media, actor, photo_id(&id)?, force).await?;
        Ok(DeletePhotoPayload {
            deleted_photo_id: id,
        })
    }
}

fn photo_id(id: &ID) -> Result<i64, ApiError> {
    parse_id(id).ok_or_else(|| ApiError::not_found("photo not found"))
}
