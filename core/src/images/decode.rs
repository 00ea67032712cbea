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
    let declared = match format {
        SourceFormat::WebP => webp_declared_dimensions(bytes),
        _ => None,
    };
    let (width, height) = match declared {
        Some(dimensions) => dimensions,
        None => reader(bytes, format, max_pixels)
            .into_dimensions()
            .map_err(from_image_error)?,
    };
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
    // The WebP decoder misreads some sizes (see `webp_declared_dimensions`): pixels it
    // made for another size than the header's are not the image.
    if declared.is_some() && (image.width(), image.height()) != (width, height) {
        return Err(DecodeError::Corrupt(format!(
            "its header says {width}×{height} pixels, but it decodes as {}×{}",
            image.width(),
            image.height()
        )));
    }
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

/// The canvas size a WebP file's first chunk declares, read here rather than by the
/// `image` crate's decoder, which reads a lossless image 16384 pixels wide or high (the
/// largest the format allows) as 0 and would let it pass the pixel limit as "no pixels".
/// `None` when the header is not one of the three kinds or is cut short; the decoder then
/// says what is wrong.
fn webp_declared_dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.get(0..4)? != b"RIFF" || bytes.get(8..12)? != b"WEBP" {
        return None;
    }
    let chunk = bytes.get(12..16)?;
    let payload = bytes.get(20..)?;
    let little_endian = |at: usize, length: usize| -> Option<u32> {
        let field = payload.get(at..at + length)?;
        Some(
            field
                .iter()
                .rev()
                .fold(0, |value, byte| (value << 8) | u32::from(*byte)),
        )
    };
    match chunk {
        // Lossy: a frame tag, the start code, then 14 bits of width and of height (the
        // top two bits of each are an upscaling hint).
        b"VP8 " => {
            if payload.get(3..6)? != [0x9D, 0x01, 0x2A] {
                return None;
            }
            Some((little_endian(6, 2)? & 0x3FFF, little_endian(8, 2)? & 0x3FFF))
        }
        // Lossless: a signature byte, then width − 1 and height − 1 in 14 bits each.
        b"VP8L" => {
            if *payload.first()? != 0x2F {
                return None;
            }
            let bits = little_endian(1, 4)?;
            Some(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
        }
        // Extended: flags and three reserved bytes, then the canvas's width − 1 and
        // height − 1 in 24 bits each.
        b"VP8X" => Some((little_endian(4, 3)? + 1, little_endian(7, 3)? + 1)),
        _ => None,
    }
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

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    const MAX_PIXELS: u64 = 50_000_000;

    /// A RIFF WebP file holding one chunk, with the sizes its bytes say.
    fn webp_file(chunk_name: &[u8; 4], payload: &[u8]) -> Vec<u8> {
        let chunk_size = u32::try_from(payload.len()).unwrap_or(u32::MAX);
        let mut file = Vec::new();
        file.extend_from_slice(b"RIFF");
        file.extend_from_slice(&(12 + chunk_size + (chunk_size & 1)).to_le_bytes());
        file.extend_from_slice(b"WEBP");
        file.extend_from_slice(chunk_name);
        file.extend_from_slice(&chunk_size.to_le_bytes());
        file.extend_from_slice(payload);
        if chunk_size & 1 == 1 {
            file.push(0);
        }
        file
    }

    /// A lossless header (alpha bit set, version 0) and a few bytes of bitstream.
    fn lossless_header(width: u32, height: u32) -> Vec<u8> {
        let bits = (width - 1) | ((height - 1) << 14) | (1 << 28);
        let mut payload = vec![0x2F];
        payload.extend_from_slice(&bits.to_le_bytes());
        payload.extend_from_slice(&[0; 16]);
        webp_file(b"VP8L", &payload)
    }

    fn extended_header(width: u32, height: u32) -> Vec<u8> {
        let mut payload = vec![0x10, 0, 0, 0];
        payload.extend_from_slice(&(width - 1).to_le_bytes()[..3]);
        payload.extend_from_slice(&(height - 1).to_le_bytes()[..3]);
        webp_file(b"VP8X", &payload)
    }

    fn too_many_pixels(result: Result<Pixels, DecodeError>) -> Option<(u32, u32)> {
        match result {
            Err(DecodeError::TooManyPixels { width, height, .. }) => Some((width, height)),
            _ => None,
        }
    }

    #[test]
    fn a_lossless_webp_at_the_largest_size_is_refused_by_the_pixel_limit() {
        for (width, height) in [(16_384, 16_384), (16_384, 4_096), (4_096, 16_384)] {
            let result = decode(
                &lossless_header(width, height),
                SourceFormat::WebP,
                MAX_PIXELS,
            );
            assert_eq!(
                too_many_pixels(result),
                Some((width, height)),
                "{width}×{height}"
            );
        }
    }

    #[test]
    fn an_extended_webp_canvas_over_the_limit_is_refused() {
        let result = decode(
            &extended_header(20_000, 20_000),
            SourceFormat::WebP,
            MAX_PIXELS,
        );
        assert_eq!(too_many_pixels(result), Some((20_000, 20_000)));
    }

    #[test]
    fn the_declared_size_matches_what_the_encoders_wrote() {
        let pixels: Vec<u8> = (0..7 * 5 * 3)
            .map(|value| (value * 13 % 256) as u8)
            .collect();
        let lossy = webp::Encoder::from_rgb(&pixels, 7, 5)
            .encode_simple(false, 80.0)
            .map(|memory| memory.to_vec())
            .unwrap_or_default();
        assert_eq!(webp_declared_dimensions(&lossy), Some((7, 5)));
        let mut lossless = Cursor::new(Vec::new());
        image::RgbImage::from_raw(7, 5, pixels)
            .unwrap_or_else(|| panic!("7×5 RGB needs 105 bytes"))
            .write_to(&mut lossless, image::ImageFormat::WebP)
            .unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(webp_declared_dimensions(lossless.get_ref()), Some((7, 5)));
        let decoded = decode(lossless.get_ref(), SourceFormat::WebP, MAX_PIXELS)
            .map(|pixels| (pixels.width, pixels.height))
            .ok();
        assert_eq!(decoded, Some((7, 5)));
    }

    #[test]
    fn a_cut_short_header_is_left_to_the_decoder() {
        let whole = lossless_header(100, 100);
        assert_eq!(webp_declared_dimensions(&whole), Some((100, 100)));
        assert_eq!(webp_declared_dimensions(&whole[..22]), None);
        assert!(decode(&whole[..22], SourceFormat::WebP, MAX_PIXELS).is_err());
    }
}
