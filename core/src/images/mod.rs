//! The image pipeline: from an uploaded file's bytes to upright, metadata-free
//! renditions in WebP and JPEG, a placeholder and a dominant colour.
//!
//! No HTTP, GraphQL or database here. The format is decided from the bytes (`format`),
//! pixels are decoded under a pixel limit checked before allocation (`decode`), turned
//! upright by EXIF orientation, and re-encoded from pixels only (`encode`), so that GPS
//! positions, serial numbers and other metadata of the original never reach a public
//! file. `metadata` reads the only facts kept from the original's metadata: when the
//! photo was taken, and a credit that is not contact information.

pub mod decode;
pub mod encode;
pub mod format;
pub mod metadata;
pub mod pipeline;
pub mod placeholder;
pub mod resize;

pub use encode::RenditionFormat;
pub use format::SourceFormat;
pub use pipeline::{ImagePipeline, PhotoError, ProcessedPhoto, rendition_widths};
