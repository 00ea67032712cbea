use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One published article as the search engines see it. Built by the API from the database
/// (which stays the source of truth); drafts never become documents.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchDocument {
    /// The article id; also the document's primary key in every engine.
    pub id: i64,
    pub slug: String,
    pub title: String,
    /// Plain text, no markup.
    pub lead: String,
    /// Plain text of the body, no markup.
    pub body: String,
    pub section: TaxonomyRef,
    pub tags: Vec<TaxonomyRef>,
    pub published_at: DateTime<Utc>,
    pub view_count: i64,
    /// Captions of the photos in the article's gallery, searchable like the body.
    pub photo_captions: Vec<String>,
    /// The documents attached to the article, in its order: a word found only in one of
    /// them finds the article, and the hit says so.
    #[serde(default)]
    pub attachments: Vec<AttachedDocument>,
}

/// The searchable part of one attachment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachedDocument {
    pub title: String,
    /// Plain text extracted from the file; empty when it has none.
    pub text: String,
}

/// A section or a tag inside a document: filters and facets use the slug.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxonomyRef {
    pub slug: String,
    pub name: String,
}

/// A document for unit tests: the given texts, one section, no tags, captions or
/// attachments; tests add what they need.
#[cfg(test)]
pub(crate) fn test_document(id: i64, title: &str, lead: &str, body: &str) -> SearchDocument {
    SearchDocument {
        id,
        slug: format!("a-{id}"),
        title: title.to_owned(),
        lead: lead.to_owned(),
        body: body.to_owned(),
        section: TaxonomyRef {
            slug: "s".into(),
            name: "S".into(),
        },
        tags: Vec::new(),
        published_at: Utc::now(),
        view_count: 0,
        photo_captions: Vec::new(),
        attachments: Vec::new(),
    }
}
