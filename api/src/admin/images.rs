//! Photos in the application's pages: always from this server's own `/media` routes, which
//! show an editor's browser session the photos of drafts too.

use entities::photo;
use kronika_core::editing::photos::stored_widths;

/// The URL of the narrowest JPEG rendition at least `slot_width` pixels wide (or the
/// widest there is); `None` for a photo without files.
pub fn rendition_url(photo: &photo::Model, slot_width: u32) -> Option<String> {
    let hash = photo.content_hash.as_deref()?;
    let widths = stored_widths(photo);
    let width = widths
        .iter()
        .copied()
        .find(|width| *width >= slot_width)
        .or_else(|| widths.last().copied())?;
    Some(format!("/media/{hash}/{width}.jpg"))
}
