//! Opaque cursors for keyset pagination of article lists.
//!
//! A cursor remembers the sort value and id of the last article of a page; the next page
//! starts strictly after that pair. Unlike offsets, this neither skips nor repeats articles
//! when new ones are published between two page loads.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The position of one article in one ordering.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleCursor {
    #[serde(flatten)]
    pub key: SortKey,
    pub id: i64,
}

/// The sort value, tagged with the ordering it belongs to, so that a cursor from one
/// ordering is refused by another instead of giving a wrong page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", content = "after")]
pub enum SortKey {
    #[serde(rename = "publishedAt")]
    PublishedAt(DateTime<Utc>),
    #[serde(rename = "title")]
    Title(String),
    #[serde(rename = "views")]
    Views(i64),
    #[serde(rename = "updatedAt")]
    UpdatedAt(DateTime<Utc>),
}

#[derive(Debug, thiserror::Error)]
#[error("the cursor is not one this server issued")]
pub struct InvalidCursor;

impl ArticleCursor {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_survives_the_round_trip() {
        for key in [
            SortKey::PublishedAt(DateTime::<Utc>::UNIX_EPOCH),
            SortKey::Title("Zażółć".into()),
            SortKey::Views(518),
        ] {
            let cursor = ArticleCursor { key, id: 7 };
            assert_eq!(ArticleCursor::decode(&cursor.encode()).ok(), Some(cursor));
        }
    }

    #[test]
    fn garbage_is_not_a_cursor() {
        assert!(ArticleCursor::decode("not a cursor").is_err());
        assert!(ArticleCursor::decode(&URL_SAFE_NO_PAD.encode(b"{}")).is_err());
    }
}
