//! What a file is, decided from its first bytes and never from its name or declared type.

use image::ImageFormat;

/// The formats Kronika accepts as originals.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceFormat {
    Jpeg,
    Png,
    WebP,
    Gif,
    Tiff,
}

impl SourceFormat {
    pub const fn name(self) -> &'static str {
        match self {
            Self::Jpeg => "jpeg",
            Self::Png => "png",
            Self::WebP => "webp",
            Self::Gif => "gif",
            Self::Tiff => "tiff",
        }
    }

    /// The Content-Type an original of this format is served with.
    pub const fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::WebP => "image/webp",
            Self::Gif => "image/gif",
            Self::Tiff => "image/tiff",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Jpeg, Self::Png, Self::WebP, Self::Gif, Self::Tiff]
            .into_iter()
            .find(|format| format.name() == name)
    }

    pub(crate) const fn image_format(self) -> ImageFormat {
        match self {
            Self::Jpeg => ImageFormat::Jpeg,
            Self::Png => ImageFormat::Png,
            Self::WebP => ImageFormat::WebP,
            Self::Gif => ImageFormat::Gif,
            Self::Tiff => ImageFormat::Tiff,
        }
    }
}

/// Why a file is not accepted as a photo, before any decoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FormatRefusal {
    #[error("the file is empty")]
    Empty,
    /// iPhones' photos. Decoding HEVC needs libheif and libde265, which the default
    /// build does not carry (see the README), so these are refused with a way out.
    #[error(
        "HEIC/HEIF photos are not supported yet; please export the photo as JPEG and upload that"
    )]
    Heic,
    #[error("AVIF photos are not supported yet; please export the photo as JPEG and upload that")]
    Avif,
    /// Vector graphics can carry scripts; they are not photos.
    #[error("SVG images are not accepted; please upload a JPEG, PNG, WebP, GIF or TIFF photo")]
    Svg,
    #[error("this is not a JPEG, PNG, WebP, GIF or TIFF image")]
    Unknown,
}

/// Sniffs the format of a file from its bytes.
pub fn detect(bytes: &[u8]) -> Result<SourceFormat, FormatRefusal> {
    if bytes.is_empty() {
        return Err(FormatRefusal::Empty);
    }
    if let Some(refusal) = iso_media_refusal(bytes) {
        return Err(refusal);
    }
    match image::guess_format(bytes) {
        Ok(ImageFormat::Jpeg) => Ok(SourceFormat::Jpeg),
        Ok(ImageFormat::Png) => Ok(SourceFormat::Png),
        Ok(ImageFormat::WebP) => Ok(SourceFormat::WebP),
        Ok(ImageFormat::Gif) => Ok(SourceFormat::Gif),
        Ok(ImageFormat::Tiff) => Ok(SourceFormat::Tiff),
        _ if looks_like_svg(bytes) => Err(FormatRefusal::Svg),
        _ => Err(FormatRefusal::Unknown),
    }
}

/// HEIF and AVIF are ISO base media files: a box `ftyp` at offset 4 whose brands say
/// which. Named so that the refusal can tell the editor what they sent.
fn iso_media_refusal(bytes: &[u8]) -> Option<FormatRefusal> {
    if bytes.get(4..8) != Some(b"ftyp".as_slice()) {
        return None;
    }
    let box_size = bytes
        .get(0..4)
        .map(|size| u32::from_be_bytes([size[0], size[1], size[2], size[3]]) as usize)
        .unwrap_or(0);
    let brands = bytes.get(8..box_size.clamp(12, 64).min(bytes.len()))?;
    let has_brand = |wanted: &[u8]| brands.chunks(4).any(|brand| brand == wanted);
    if has_brand(b"avif") || has_brand(b"avis") {
        Some(FormatRefusal::Avif)
    } else if [
        b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1",
    ]
    .iter()
    .any(|brand| has_brand(brand.as_slice()))
    {
        Some(FormatRefusal::Heic)
    } else {
        None
    }
}

fn looks_like_svg(bytes: &[u8]) -> bool {
    let start = &bytes[..bytes.len().min(1024)];
    let text = String::from_utf8_lossy(start).to_ascii_lowercase();
    text.contains("<svg") || (text.trim_start().starts_with("<?xml") && text.contains("svg"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_come_from_the_bytes() {
        assert_eq!(detect(b"\xFF\xD8\xFF\xE0rest"), Ok(SourceFormat::Jpeg));
        assert_eq!(detect(b"\x89PNG\r\n\x1a\nrest"), Ok(SourceFormat::Png));
        assert_eq!(detect(b""), Err(FormatRefusal::Empty));
        assert_eq!(
            detect(b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
            Err(FormatRefusal::Svg)
        );
        assert_eq!(
            detect(b"<html><script>alert(1)</script></html>"),
            Err(FormatRefusal::Unknown)
        );
        assert_eq!(
            detect(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic"),
            Err(FormatRefusal::Heic)
        );
        assert_eq!(
            detect(b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf"),
            Err(FormatRefusal::Avif)
        );
    }
}
