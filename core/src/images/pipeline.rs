//! One upload from bytes to everything that gets stored: format check, decode under
//! limits, upright orientation, metadata worth keeping, renditions, placeholders.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

use super::decode::{self, DecodeError, Pixels};
use super::encode::{self, RenditionFormat};
use super::format::{self, FormatRefusal, SourceFormat};
use super::metadata;
use super::placeholder;
use super::resize;

/// The widths renditions are made at, never wider than the upright original. A photo
/// narrower than the largest also gets a rendition at its own width, so that every
/// photo has at least one and the widest shows all of it.
pub const RENDITION_WIDTHS: [u32; 5] = [320, 640, 1024, 1600, 2400];

/// The widths a photo `width` pixels wide gets renditions at, ascending.
pub fn rendition_widths(width: u32) -> Vec<u32> {
    let mut widths: Vec<u32> = RENDITION_WIDTHS
        .iter()
        .copied()
        .filter(|candidate| *candidate < width)
        .collect();
    let largest = RENDITION_WIDTHS[RENDITION_WIDTHS.len() - 1];
    if width <= largest {
        widths.push(width);
    } else {
        widths.push(largest);
    }
    widths.dedup();
    widths
}

/// One encoded rendition.
pub struct Rendition {
    pub width: u32,
    pub format: RenditionFormat,
    pub bytes: Vec<u8>,
}

/// Everything an upload produces.
pub struct ProcessedPhoto {
    pub format: SourceFormat,
    /// SHA-256 of the original bytes, lower-case hex.
    pub content_hash: String,
    /// Of the upright image.
    pub width: u32,
    pub height: u32,
    pub taken_at: Option<DateTime<Utc>>,
    pub suggested_credit: Option<String>,
    /// Ascending by width.
    pub renditions: Vec<Rendition>,
    pub placeholder: String,
    pub blurhash: String,
    pub dominant_color: String,
}

impl ProcessedPhoto {
    pub fn widths(&self) -> Vec<u32> {
        let mut widths: Vec<u32> = self.renditions.iter().map(|r| r.width).collect();
        widths.dedup();
        widths
    }
}

/// Why an upload was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum PhotoError {
    #[error(transparent)]
    Format(#[from] FormatRefusal),
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// Resizing or encoding failed on pixels that decoded: a bug or resource problem.
    #[error("processing failed: {0}")]
    Processing(String),
}

/// SHA-256 of `bytes` in lower-case hex: the name the original is stored under.
pub fn content_hash(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// Processes one original on the current thread. CPU-heavy: call it through
/// [`ImagePipeline::process`] from async code.
pub fn process(
    bytes: &[u8],
    max_pixels: u64,
    zone: chrono_tz::Tz,
) -> Result<ProcessedPhoto, PhotoError> {
    let format = format::detect(bytes)?;
    let upright = decode::decode(bytes, format, max_pixels)?;
    let metadata = metadata::read(bytes, zone);
    let (width, height) = (upright.width, upright.height);
    let widths = rendition_widths(width);
    let mut renditions = Vec::with_capacity(widths.len() * RenditionFormat::ALL.len());
    // Largest first, each from the one before: every step shrinks at most by about 2.3×,
    // which keeps Lanczos sharp and costs a fraction of scaling the original each time.
    let mut previous: Option<Pixels> = None;
    for &target in widths.iter().rev() {
        let source = previous.as_ref().unwrap_or(&upright);
        let scaled = if target == source.width {
            None
        } else {
            Some(resize::to_width(source, target).map_err(processing)?)
        };
        let pixels = scaled.as_ref().unwrap_or(source);
        for format in RenditionFormat::ALL {
            let bytes = encode::encode(pixels, format).map_err(processing)?;
            renditions.push(Rendition {
                width: target,
                format,
                bytes,
            });
        }
        if let Some(scaled) = scaled {
            previous = Some(scaled);
        }
    }
    let placeholder_source = previous.as_ref().unwrap_or(&upright);
    let placeholders = placeholder::make(placeholder_source).map_err(processing)?;
    renditions.sort_by_key(|rendition| rendition.width);
    Ok(ProcessedPhoto {
        format,
        content_hash: content_hash(bytes),
        width,
        height,
        taken_at: metadata.taken_at,
        suggested_credit: metadata.credit,
        renditions,
        placeholder: placeholders.data_uri,
        blurhash: placeholders.blurhash,
        dominant_color: placeholders.dominant_color,
    })
}

fn processing(error: impl std::fmt::Display) -> PhotoError {
    PhotoError::Processing(error.to_string())
}

/// Runs [`process`] off the async runtime, with a bounded number of photos in flight, so
/// that uploads never take the threads that serve reads, and memory stays bounded.
#[derive(Clone, Debug)]
pub struct ImagePipeline {
    permits: Arc<Semaphore>,
    max_pixels: u64,
    zone: chrono_tz::Tz,
}

impl ImagePipeline {
    pub fn new(concurrent: usize, max_pixels: u64, zone: chrono_tz::Tz) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(concurrent.max(1))),
            max_pixels,
            zone,
        }
    }

    pub async fn process(&self, bytes: Arc<Vec<u8>>) -> Result<ProcessedPhoto, PhotoError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|error| PhotoError::Processing(error.to_string()))?;
        let (max_pixels, zone) = (self.max_pixels, self.zone);
        tokio::task::spawn_blocking(move || process(&bytes, max_pixels, zone))
            .await
            .map_err(|error| PhotoError::Processing(format!("the image worker failed: {error}")))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renditions_are_never_upscaled() {
        assert_eq!(rendition_widths(50), vec![50]);
        assert_eq!(rendition_widths(640), vec![320, 640]);
        assert_eq!(rendition_widths(900), vec![320, 640, 900]);
        assert_eq!(rendition_widths(4208), vec![320, 640, 1024, 1600, 2400]);
        assert_eq!(rendition_widths(2400), vec![320, 640, 1024, 1600, 2400]);
    }
}
