//! Galleries and photos: `gallery(id | slug)`, `photo(id)` and their types.

use async_graphql::{Context, ID, Object};
use entities::gallery;
use sea_orm::DatabaseConnection;

use super::article::parse_id;
use super::error::ApiError;
use super::loaders::Loaders;
use super::photo::Photo;
use super::time::SiteTimeZone;
use super::viewer::{uses, viewer};
use kronika_core::changes::CacheTag;
use kronika_core::content::{Audience, galleries};

#[derive(Default)]
pub struct GalleryQueries;

/// Whose eyes the request's reads are for.
fn audience(ctx: &Context<'_>) -> Audience {
    Audience::of(
        viewer(ctx)
            .actor()
            .map(|actor| (actor.account_id, actor.role)),
    )
}

#[Object]
impl GalleryQueries {
    /// One gallery by `id` or `slug` (give exactly one), or null. Readers see a gallery
    /// only while a published article shows it; editors see every gallery, authors also
    /// their own.
    async fn gallery(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        slug: Option<String>,
    ) -> Result<Option<Gallery>, ApiError> {
        let db = ctx.data_unchecked::<DatabaseConnection>();
        let audience = audience(ctx);
        let found = match (id, slug) {
            (Some(id), None) => match parse_id(&id) {
                Some(id) => galleries::gallery_by_id(db, id, audience).await?,
                None => None,
            },
            (None, Some(slug)) => galleries::gallery_by_slug(db, &slug, audience).await?,
            _ => {
                return Err(ApiError::bad_input(
                    "id",
                    "give exactly one of `id` and `slug`",
                ));
            }
        };
        if let Some(gallery) = &found {
            uses(ctx, CacheTag::Gallery(gallery.id));
        }
        Ok(found.map(Gallery))
    }

    /// One photo by id, or null. Readers see a photo only while a published article
    /// shows a gallery holding it; editors see every photo, authors also their uploads.
    async fn photo(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Photo>, ApiError> {
        let db = ctx.data_unchecked::<DatabaseConnection>();
        let Some(id) = parse_id(&id) else {
            return Ok(None);
        };
        let found = galleries::photo_by_id(db, id, audience(ctx)).await?;
        Ok(found.map(Photo))
    }
}

pub struct Gallery(pub gallery::Model);

#[Object]
impl Gallery {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn slug(&self) -> &str {
        &self.0.slug
    }

    async fn title(&self) -> &str {
        &self.0.title
    }

    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// The photos in gallery order.
    async fn photos(&self, ctx: &Context<'_>) -> Result<Vec<Photo>, ApiError> {
        let loaders = ctx.data_unchecked::<Loaders>();
        let photos = loaders.photos_of_gallery(self.0.id).await?;
        Ok(photos
            .map(|photos| photos.iter().cloned().map(Photo).collect())
            .unwrap_or_default())
    }

    /// The photo chosen to stand for the gallery, or else its first photo.
    async fn cover(&self, ctx: &Context<'_>) -> Result<Option<Photo>, ApiError> {
        let loaders = ctx.data_unchecked::<Loaders>();
        let photos = loaders
            .photos_of_gallery(self.0.id)
            .await?
            .unwrap_or_default();
        let cover = self
            .0
            .cover_photo_id
            .and_then(|cover| photos.iter().find(|photo| photo.id == cover))
            .or_else(|| photos.first());
        Ok(cover.cloned().map(Photo))
    }

    async fn updated_at(&self, ctx: &Context<'_>) -> chrono::DateTime<chrono::FixedOffset> {
        ctx.data_unchecked::<SiteTimeZone>()
            .present(self.0.updated_at)
    }
}
