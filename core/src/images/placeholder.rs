//! What a frontend shows before the photo arrives: a tiny inline JPEG (a data URI that
//! works in any `<img>` or CSS background), a BlurHash, and the dominant colour.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::decode::Pixels;
use super::encode::{self, RenditionFormat};
use super::resize;

/// Width of the inline placeholder: a few hundred bytes, blurred by the browser's scaling.
const PLACEHOLDER_WIDTH: u32 = 16;
/// Width of the image the BlurHash and the dominant colour are computed from.
const SAMPLE_WIDTH: u32 = 32;

pub struct Placeholders {
    pub data_uri: String,
    pub blurhash: String,
    /// `#rrggbb`.
    pub dominant_color: String,
}

#[derive(Debug, thiserror::Error)]
#[error("making the placeholder failed: {0}")]
pub struct PlaceholderError(String);

/// Computed from `source`, ideally the smallest rendition (cheap to scale down again).
pub fn make(source: &Pixels) -> Result<Placeholders, PlaceholderError> {
    let fail = |error: &dyn std::fmt::Display| PlaceholderError(error.to_string());
    let sample = resize::to_width(source, SAMPLE_WIDTH.min(source.width)).map_err(|e| fail(&e))?;
    let tiny =
        resize::to_width(&sample, PLACEHOLDER_WIDTH.min(sample.width)).map_err(|e| fail(&e))?;
    let jpeg = encode::encode(&tiny, RenditionFormat::Jpeg).map_err(|e| fail(&e))?;
    let data_uri = format!("data:image/jpeg;base64,{}", STANDARD.encode(jpeg));
    let rgba = to_rgba(&sample);
    let blurhash =
        blurhash::encode(4, 3, sample.width, sample.height, &rgba).map_err(|e| fail(&e))?;
    Ok(Placeholders {
        data_uri,
        blurhash,
        dominant_color: dominant_color(&rgba),
    })
}

fn to_rgba(pixels: &Pixels) -> Vec<u8> {
    if pixels.has_alpha {
        return pixels.data.clone();
    }
    pixels
        .data
        .chunks_exact(3)
        .flat_map(|rgb| [rgb[0], rgb[1], rgb[2], 255])
        .collect()
}

/// The average colour of the most common of 4×4×4 colour boxes, ignoring transparent
/// pixels: a colour that is really in the photo, unlike the plain average of all pixels.
fn dominant_color(rgba: &[u8]) -> String {
    let mut boxes = [(0u32, [0u32; 3]); 64];
    for pixel in rgba.chunks_exact(4).filter(|pixel| pixel[3] >= 128) {
        let index = usize::from(pixel[0] >> 6) << 4
            | usize::from(pixel[1] >> 6) << 2
            | usize::from(pixel[2] >> 6);
        let (count, sums) = &mut boxes[index];
        *count += 1;
        for (sum, channel) in sums.iter_mut().zip(&pixel[..3]) {
            *sum += u32::from(*channel);
        }
    }
    let (count, sums) = boxes
        .iter()
        .max_by_key(|(count, _)| *count)
        .copied()
        .unwrap_or((0, [0; 3]));
    if count == 0 {
        return "#ffffff".to_owned();
    }
    let [red, green, blue] = sums.map(|sum| sum / count);
    format!("#{red:02x}{green:02x}{blue:02x}")
}
