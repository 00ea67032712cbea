//! Decoding an original into upright pixels, within limits checked before any large
//! allocation.

use std::io::Cursor;

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageReader, Limits};

use super::format::SourceFormat;

/// Upright pixels, 8 bits per channel: RGB, or RGBA when the original has transparency.
pub struct Pixels {
    pub width: u32,
    pub height: u32,
    pub has_alpha: bool,
    /// Row-major, `width * height * channels` bytes.
    pub data: Vec<u8>,
}

impl Pixels {
    pub fn channels(&self) -> usize {
        if self.has_alpha { 4 } else { 3 }
    }
}

/// Why an accepted format could not be turned into pixels.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error(
        "the image is {width}×{height} pixels, more than the {max_megapixels} megapixels allowed"
    )]
    TooManyPixels {
        width: u32,
        height: u32,
        max_megapixels: u64,
    },
    /// A frame or canvas that claims more than the pixel limit, found while decoding.
    #[error("decoding the image would need more memory than the pixel limit allows")]
    OverMemoryLimit,
    #[error("the image has no pixels (its width or height is zero)")]
    Empty,
    #[error("the file is cut short: it ends before the image does")]
    Truncated,
    #[error("the image is corrupt or uses a feature that cannot be decoded: {0}")]
    Corrupt(String),
}

/// Reads the dimensions from the header, refuses images over `max_pixels` before
/// allocating, then decodes the first frame under an allocation limit and turns it
/// upright by its EXIF orientation.
pub fn decode(bytes: &[u8], format: SourceFormat, max_pixels: u64) -> Result<Pixels, DecodeError> {
    if format == SourceFormat::Jpeg && !jpeg_is_complete(bytes) {
        return Err(DecodeError::Truncated);
    }
    let (width, height) = reader(bytes, format, max_pixels)
        .into_dimensions()
        .map_err(from_image_error)?;
    if width == 0 || height == 0 {
        return Err(DecodeError::Empty);
    }
    if u64::from(width) * u64::from(height) > max_pixels {
        return Err(DecodeError::TooManyPixels {
            width,
            height,
            max_megapixels: max_pixels / 1_000_000,
        });
    }
    let mut decoder = reader(bytes, format, max_pixels)
        .into_decoder()
        .map_err(from_image_error)?;
    // An unreadable orientation is treated as upright rather than failing the upload.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(from_image_error)?;
    image.apply_orientation(orientation);
    let has_alpha = image.color().has_alpha();
    let (width, height) = (image.width(), image.height());
    let data = if has_alpha {
        image.into_rgba8().into_raw()
    } else {
        image.into_rgb8().into_raw()
    };
    Ok(Pixels {
        width,
        height,
        has_alpha,
        data,
    })
}

fn reader(bytes: &[u8], format: SourceFormat, max_pixels: u64) -> ImageReader<Cursor<&[u8]>> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format.image_format());
    let mut limits = Limits::default();
    // The decoders' own working memory, beyond the output: 16-bit RGBA at the pixel
    // limit, with slack for their buffers. This is what stops a frame that claims to
    // be larger than its canvas (GIF) from allocating.
    limits.max_alloc = Some(max_pixels.saturating_mul(8).saturating_add(64 << 20));
    reader.limits(limits);
    reader
}

/// A JPEG's entropy-coded data can only contain `FF D9` as its end marker, so a file
/// without one after its first scan was cut short. The decoder would otherwise fill the
/// missing part with grey and report success. The marker segments before the scan are
/// skipped by their lengths: an EXIF thumbnail inside APP1 is a whole JPEG of its own.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let mut at = 2;
    loop {
        let Some(header) = bytes.get(at..at + 4) else {
            return false;
        };
        if header[0] != 0xFF {
            return false;
        }
        if header[1] == 0xFF {
            // Fill bytes before a marker.
            at += 1;
            continue;
        }
        let length = usize::from(u16::from_be_bytes([header[2], header[3]]));
        if header[1] == 0xDA {
            let scan = at + 2 + length;
            return bytes
                .get(scan..)
                .is_some_and(|rest| find(rest, &[0xFF, 0xD9]).is_some());
        }
        at += 2 + length;
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

fn from_image_error(error: image::ImageError) -> DecodeError {
    match error {
        image::ImageError::Limits(_) => DecodeError::OverMemoryLimit,
        image::ImageError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            DecodeError::Truncated
        }
        other => DecodeError::Corrupt(other.to_string()),
    }
}
