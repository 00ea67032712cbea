//! Downscaling with `fast_image_resize` (SIMD convolution, several times faster than the
//! `image` crate's resize), Lanczos3 as libvips uses for thumbnails.

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};

use super::decode::Pixels;

#[derive(Debug, thiserror::Error)]
#[error("resizing failed: {0}")]
pub struct ResizeError(String);

/// `source` scaled to `width`, keeping the aspect ratio (at least one pixel high).
pub fn to_width(source: &Pixels, width: u32) -> Result<Pixels, ResizeError> {
    let height = scaled_height(source.width, source.height, width);
    let pixel_type = if source.has_alpha {
        PixelType::U8x4
    } else {
        PixelType::U8x3
    };
    let from = ImageRef::new(source.width, source.height, &source.data, pixel_type)
        .map_err(|error| ResizeError(error.to_string()))?;
    let mut to = Image::new(width, height, pixel_type);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    Resizer::new()
        .resize(&from, &mut to, &options)
        .map_err(|error| ResizeError(error.to_string()))?;
    Ok(Pixels {
        width,
        height,
        has_alpha: source.has_alpha,
        data: to.into_vec(),
    })
}

/// The height that keeps `width × height`'s proportions at `new_width`, rounded.
pub fn scaled_height(width: u32, height: u32, new_width: u32) -> u32 {
    let scaled =
        (u64::from(height) * u64::from(new_width) + u64::from(width) / 2) / u64::from(width.max(1));
    u32::try_from(scaled).unwrap_or(u32::MAX).max(1)
}
