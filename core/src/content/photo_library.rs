//! The photo library of the editors: every photo an account may see, newest first,
//! searchable by caption and credit, and which galleries hold a photo.
//!
//! The search ignores case and diacritics on SQLite and PostgreSQL alike ("lodz" finds
//! "Łódź"): each photo row carries `search_text`, its caption and credit folded to
//! lowercase ASCII words by [`photo_search_text`], and a search folds its words the same
//! way and looks for them with `LIKE`. Pages are keyset pages on (created_at, id),
//! served by the `photos_created_at_id` index.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use entities::{gallery, gallery_photo, photo};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};

use super::Audience;
use super::cursor::InvalidCursor;
use crate::auth::Actor;

/// The folded form of a photo's caption and credit that library searches match against.
/// Each field is slugified (lowercase ASCII words joined by hyphens, Polish letters
/// transliterated); a space, which no slug holds, keeps a search from matching across
/// the two fields.
pub fn photo_search_text(caption: &str, credit: &str) -> String {
    format!("{} {}", slug::slugify(caption), slug::slugify(credit))
}

/// A search folded like [`photo_search_text`]; `None` when nothing searchable is left
/// (only spaces or punctuation), which lists every photo.
fn folded_search(search: &str) -> Option<String> {
    let folded = slug::slugify(search);
    (!folded.is_empty()).then_some(folded)
}

/// The position of one photo in the library, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoCursor {
    /// Marks the cursor as one of the photo library, so an article cursor is refused.
    library: PhotoCursorTag,
    created_at: DateTime<Utc>,
    id: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
enum PhotoCursorTag {
    #[serde(rename = "photos")]
    Photos,
}

impl PhotoCursor {
    pub fn after(photo: &photo::Model) -> Self {
        Self {
            library: PhotoCursorTag::Photos,
            created_at: photo.created_at,
            id: photo.id,
        }
    }

    pub fn encode(&self) -> String {
        // Serialising a struct of strings and numbers cannot fail.
        let json = serde_json::to_vec(self).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(json)
    }

    pub fn decode(encoded: &str) -> Result<Self, InvalidCursor> {
        let json = URL_SAFE_NO_PAD.decode(encoded).map_err(|_| InvalidCursor)?;
        serde_json::from_slice(&json).map_err(|_| InvalidCursor)
    }
}

/// What to list: a search (optional), the page size and where the page starts.
#[derive(Clone, Debug, Default)]
pub struct PhotoLibraryQuery {
    pub search: Option<String>,
    pub first: u64,
    pub after: Option<PhotoCursor>,
}

/// One page of the library.
#[derive(Clone, Debug)]
pub struct PhotoLibraryPage {
    pub photos: Vec<photo::Model>,
    pub has_next_page: bool,
    /// How many photos match the search, across all pages.
    pub total_count: u64,
}

/// The library as `actor` may see it, newest first. Every account may list it; what it
/// holds follows the photo visibility rule (`galleries`): editors and admins see every
/// photo, authors the photos published articles show and their own uploads.
pub async fn library(
    db: &impl ConnectionTrait,
    actor: &Actor,
    query: &PhotoLibraryQuery,
) -> Result<PhotoLibraryPage, DbErr> {
    let audience = Audience::of_actor(actor);
    let mut matching = Condition::all().add(audience.photo_condition());
    if let Some(folded) = query.search.as_deref().and_then(folded_search) {
        matching = matching.add(photo::Column::SearchText.contains(folded));
    }
    let total_count = photo::Entity::find()
        .filter(matching.clone())
        .count(db)
        .await?;
    let mut page = photo::Entity::find().filter(matching);
    if let Some(after) = &query.after {
        page = page.filter(
            Condition::any()
                .add(photo::Column::CreatedAt.lt(after.created_at))
                .add(
                    Condition::all()
                        .add(photo::Column::CreatedAt.eq(after.created_at))
                        .add(photo::Column::Id.lt(after.id)),
                ),
        );
    }
    // One more than asked tells whether another page follows.
    let mut photos = page
        .order_by_desc(photo::Column::CreatedAt)
        .order_by_desc(photo::Column::Id)
        .limit(query.first.saturating_add(1))
        .all(db)
        .await?;
    let has_next_page = photos.len() as u64 > query.first;
    photos.truncate(usize::try_from(query.first).unwrap_or(usize::MAX));
    Ok(PhotoLibraryPage {
        photos,
        has_next_page,
        total_count,
    })
}

/// The galleries holding each of `photo_ids` that `audience` may see, by photo id, in
/// title order.
pub async fn galleries_using_photos(
    db: &impl ConnectionTrait,
    photo_ids: &[i64],
    audience: Audience,
) -> Result<HashMap<i64, Vec<gallery::Model>>, DbErr> {
    let rows = gallery_photo::Entity::find()
        .find_also_related(gallery::Entity)
        .filter(gallery_photo::Column::PhotoId.is_in(photo_ids.iter().copied()))
        .filter(audience.gallery_condition())
        .order_by_asc(gallery::Column::Title)
        .order_by_asc(gallery::Column::Id)
        .all(db)
        .await?;
    let mut by_photo: HashMap<i64, Vec<gallery::Model>> = HashMap::new();
    for (place, gallery) in rows {
        if let Some(gallery) = gallery {
            by_photo.entry(place.photo_id).or_default().push(gallery);
        }
    }
    Ok(by_photo)
}

/// Every gallery that holds `photo_id`, in title order: what a deletion warns about.
pub async fn galleries_using(
    db: &impl ConnectionTrait,
    photo_id: i64,
) -> Result<Vec<gallery::Model>, DbErr> {
    let mut by_photo = galleries_using_photos(db, &[photo_id], Audience::Staff).await?;
    Ok(by_photo.remove(&photo_id).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_folds_like_the_stored_text() {
        let stored = photo_search_text("Łódź, plac Wolności", "fot. Żaneta Kowalska");
        for search in ["lodz", "ŁÓDŹ", "plac wolnosci", "Żaneta", "kowal"] {
            let folded = folded_search(search).unwrap_or_default();
            assert!(
                stored.contains(&folded),
                "{search:?} → {folded:?} in {stored:?}"
            );
        }
        assert!(!stored.contains(&folded_search("wolnosci fot").unwrap_or_default()));
        assert_eq!(folded_search(" ,. "), None);
    }

    #[test]
    fn a_cursor_survives_the_round_trip_and_others_are_refused() {
        let cursor = PhotoCursor {
            library: PhotoCursorTag::Photos,
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            id: 9,
        };
        assert_eq!(PhotoCursor::decode(&cursor.encode()).ok(), Some(cursor));
        let article_cursor = URL_SAFE_NO_PAD.encode(br#"{"by":"title","after":"a","id":1}"#);
        assert!(PhotoCursor::decode(&article_cursor).is_err());
    }
}
