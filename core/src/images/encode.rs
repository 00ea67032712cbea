//! Encoding renditions. Only pixels go in, so no metadata of the original (EXIF, GPS,
//! XMP, IPTC, comments, trailing data) can come out.

use image::ExtendedColorType;
use image::codecs::jpeg::JpegEncoder;

use super::decode::Pixels;

/// The formats renditions are made in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RenditionFormat {
    Webp,
    Jpeg,
}

impl RenditionFormat {
    pub const ALL: [Self; 2] = [Self::Webp, Self::Jpeg];

    pub const fn extension(self) -> &'static str {
        match self {
            Self::Webp => "webp",
            Self::Jpeg => "jpg",
        }
    }

    pub const fn content_type(self) -> &'static str {
        match self {
            Self::Webp => "image/webp",
            Self::Jpeg => "image/jpeg",
        }
    }

    pub fn from_extension(extension: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|format| format.extension() == extension)
    }
}

/// libwebp's quality 80 and JPEG 82 look alike on photos at a fraction of the bytes of
/// the original, and match what image CDNs use by default.
const WEBP_QUALITY: f32 = 80.0;
const JPEG_QUALITY: u8 = 82;

#[derive(Debug, thiserror::Error)]
#[error("encoding a rendition failed: {0}")]
pub struct EncodeError(String);

pub fn encode(pixels: &Pixels, format: RenditionFormat) -> Result<Vec<u8>, EncodeError> {
    match format {
        RenditionFormat::Webp => {
            let encoder = if pixels.has_alpha {
                webp::Encoder::from_rgba(&pixels.data, pixels.width, pixels.height)
            } else {
                webp::Encoder::from_rgb(&pixels.data, pixels.width, pixels.height)
            };
            encoder
                .encode_simple(false, WEBP_QUALITY)
                .map(|memory| memory.to_vec())
                .map_err(|error| EncodeError(format!("{error:?}")))
        }
        RenditionFormat::Jpeg => {
            let mut bytes = Vec::new();
            let flattened;
            let rgb = if pixels.has_alpha {
                flattened = flatten_on_white(&pixels.data);
                &flattened
            } else {
                &pixels.data
            };
            JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY)
                .encode(rgb, pixels.width, pixels.height, ExtendedColorType::Rgb8)
                .map_err(|error| EncodeError(error.to_string()))?;
            Ok(bytes)
        }
    }
}

/// JPEG has no transparency: transparent parts become white, as on a page.
fn flatten_on_white(rgba: &[u8]) -> Vec<u8> {
    let mut rgb = Vec::with_capacity(rgba.len() / 4 * 3);
    for pixel in rgba.chunks_exact(4) {
        let alpha = u16::from(pixel[3]);
        for channel in &pixel[..3] {
            let blended = (u16::from(*channel) * alpha + 255 * (255 - alpha) + 127) / 255;
            rgb.push(u8::try_from(blended).unwrap_or(u8::MAX));
        }
    }
    rgb
}
