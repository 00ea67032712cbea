//! The `Photo` type: what a frontend needs to write a responsive `<picture>` from one
//! query (renditions, `url`, `srcset`, placeholder, dominant colour, aspect ratio).

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use entities::photo;

use super::error::ApiError;
use super::gallery::Gallery;
use super::loaders::{Loaders, PhotoGalleriesKey};
use super::time::SiteTimeZone;
use super::viewer::{require_actor, viewer};
use kronika_core::content::Audience;
use kronika_core::editing::photos::stored_widths;
use kronika_core::images::RenditionFormat;
use kronika_core::images::resize::scaled_height;

/// The URL prefix media files are served under (`/media`, or a CDN's URL).
#[derive(Clone, Debug)]
pub struct MediaUrl(pub String);

/// A rendition's file format.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Default)]
pub enum PhotoFormat {
    /// WebP: about a third smaller; every current browser shows it.
    #[default]
    Webp,
    Jpeg,
}

impl From<PhotoFormat> for RenditionFormat {
    fn from(format: PhotoFormat) -> Self {
        match format {
            PhotoFormat::Webp => Self::Webp,
            PhotoFormat::Jpeg => Self::Jpeg,
        }
    }
}

impl From<RenditionFormat> for PhotoFormat {
    fn from(format: RenditionFormat) -> Self {
        match format {
            RenditionFormat::Webp => Self::Webp,
            RenditionFormat::Jpeg => Self::Jpeg,
        }
    }
}

/// One stored size of a photo in one format.
#[derive(SimpleObject)]
pub struct PhotoRendition {
    width: i32,
    height: i32,
    format: PhotoFormat,
    /// Content-addressed: the file behind it never changes, so it is cached for a year.
    url: String,
}

pub struct Photo(pub photo::Model);

impl Photo {
    fn rendition_url(
        &self,
        ctx: &Context<'_>,
        width: u32,
        format: RenditionFormat,
    ) -> Option<String> {
        let hash = self.0.content_hash.as_deref()?;
        let prefix = &ctx.data_unchecked::<MediaUrl>().0;
        Some(format!("{prefix}/{hash}/{width}.{}", format.extension()))
    }

    fn widths(&self) -> Vec<u32> {
        if self.0.content_hash.is_none() {
            return Vec::new();
        }
        stored_widths(&self.0)
    }
}

#[Object]
impl Photo {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn caption(&self) -> &str {
        &self.0.caption
    }

    /// Who took the photo, as printed after "fot.".
    async fn credit(&self) -> &str {
        &self.0.credit
    }

    /// Text alternative for readers who cannot see the image.
    async fn alt(&self) -> &str {
        &self.0.alt
    }

    /// Width in pixels of the upright image.
    async fn width(&self) -> i32 {
        self.0.width
    }

    /// Height in pixels of the upright image.
    async fn height(&self) -> i32 {
        self.0.height
    }

    /// Width divided by height, for reserving space before the image loads.
    async fn aspect_ratio(&self) -> f64 {
        if self.0.height == 0 {
            return 0.0;
        }
        f64::from(self.0.width) / f64::from(self.0.height)
    }

    /// When the photo was taken, from the camera's EXIF data (read in the site's zone
    /// when the camera stored no offset).
    async fn taken_at(&self, ctx: &Context<'_>) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        let zone = ctx.data_unchecked::<SiteTimeZone>();
        self.0.taken_at.map(|taken_at| zone.present(taken_at))
    }

    /// A tiny blurred image as a `data:` URI, to show while the photo loads.
    async fn placeholder(&self) -> Option<&str> {
        self.0.placeholder.as_deref()
    }

    /// The same placeholder as a BlurHash (https://blurha.sh), 4×3 components.
    async fn blurhash(&self) -> Option<&str> {
        self.0.blurhash.as_deref()
    }

    /// The photo's most common colour as `#rrggbb`, e.g. a background while it loads.
    async fn dominant_color(&self) -> Option<&str> {
        self.0.dominant_color.as_deref()
    }

    /// The URL of the rendition for a slot `width` pixels wide: the narrowest rendition
    /// at least that wide, or the widest there is. Without `width`, the widest. Null
    /// for a photo without files.
    async fn url(
        &self,
        ctx: &Context<'_>,
        width: Option<i32>,
        #[graphql(default)] format: PhotoFormat,
    ) -> Option<String> {
        let widths = self.widths();
        let wanted = width.map_or(u32::MAX, |width| u32::try_from(width.max(1)).unwrap_or(1));
        let chosen = widths
            .iter()
            .copied()
            .find(|candidate| *candidate >= wanted)
            .or_else(|| widths.last().copied())?;
        self.rendition_url(ctx, chosen, format.into())
    }

    /// Every rendition of one format for `<img srcset>`: `url 320w, url 640w, …`.
    async fn srcset(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] format: PhotoFormat,
    ) -> Option<String> {
        let entries: Vec<String> = self
            .widths()
            .into_iter()
            .filter_map(|width| {
                self.rendition_url(ctx, width, format.into())
                    .map(|url| format!("{url} {width}w"))
            })
            .collect();
        (!entries.is_empty()).then(|| entries.join(", "))
    }

    /// Every stored rendition, narrowest first, WebP before JPEG at each width.
    async fn renditions(&self, ctx: &Context<'_>) -> Vec<PhotoRendition> {
        let (width, height) = (
            u32::try_from(self.0.width).unwrap_or(0),
            u32::try_from(self.0.height).unwrap_or(0),
        );
        let mut renditions = Vec::new();
        for rendition_width in self.widths() {
            for format in RenditionFormat::ALL {
                if let Some(url) = self.rendition_url(ctx, rendition_width, format) {
                    renditions.push(PhotoRendition {
                        width: i32::try_from(rendition_width).unwrap_or(i32::MAX),
                        height: i32::try_from(scaled_height(width, height, rendition_width))
                            .unwrap_or(i32::MAX),
                        format: format.into(),
                        url,
                    });
                }
            }
        }
        renditions
    }

    /// The galleries that hold this photo, by title: what deleting it would change.
    /// Needs a login (`UNAUTHENTICATED` for readers); authors see the galleries published
    /// articles show and their own.
    async fn used_in_galleries(&self, ctx: &Context<'_>) -> Result<Vec<Gallery>, ApiError> {
        let actor = require_actor(ctx)?;
        let key = PhotoGalleriesKey {
            photo_id: self.0.id,
            audience: Audience::of_actor(actor),
        };
        let loaders = ctx.data_unchecked::<Loaders>();
        let galleries = loaders.photo_galleries.load_one(key).await?;
        Ok(galleries
            .unwrap_or_default()
            .into_iter()
            .map(Gallery)
            .collect())
    }

    /// The untouched original as uploaded, metadata (GPS included) and all. Editors and
    /// admins only: null for readers and authors, and the URL answers only requests with
    /// an editor's or admin's token.
    async fn original_url(&self, ctx: &Context<'_>) -> Option<String> {
        let actor = viewer(ctx).actor()?;
        if !actor.role.can_download_originals() {
            return None;
        }
        let hash = self.0.content_hash.as_deref()?;
        let prefix = &ctx.data_unchecked::<MediaUrl>().0;
        Some(format!("{prefix}/originals/{hash}"))
    }
}
