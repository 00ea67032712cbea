//! The write side of content: the article life cycle, revisions, sections and tags,
//! photos, galleries and attachments.
//!
//! Every function here takes the acting account, checks its role (`domain::Role`),
//! validates the input, and writes in one transaction the row and, for articles, its
//! revision, and after the commit reports what changed through the `ContentStore`'s
//! signal, so that no caller can forget it. No GraphQL or HTTP types appear here.

pub mod articles;
pub mod attachments;
pub mod galleries;
pub mod lifecycle;
pub mod photos;
pub mod revisions;
pub mod taxonomy;

use sea_orm::DbErr;

/// Why a change was refused. Each case maps to one client error code.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("{0}")]
    Conflict(String),
    #[error("{message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error(transparent)]
    Database(#[from] DbErr),
    /// An upload that is not an acceptable photo, or failed to process.
    #[error(transparent)]
    Photo(#[from] crate::images::PhotoError),
    /// An upload that is not an acceptable attachment.
    #[error(transparent)]
    Attachment(#[from] crate::attachments::AttachmentError),
    #[error(transparent)]
    Storage(#[from] crate::storage::StorageError),
}

impl EditError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid {
            field,
            message: message.into(),
        }
    }
}

/// `value` without the whitespace around it, refused past `max` characters.
fn valid_text(field: &'static str, value: &str, max: usize) -> Result<String, EditError> {
    let value = value.trim();
    if value.chars().count() > max {
        return Err(EditError::invalid(
            field,
            format!("at most {max} characters"),
        ));
    }
    Ok(value.to_owned())
}

/// Best effort: stored files no row uses any more, or those of an upload that did not
/// make it into the database. A failure leaves an unused file, never a missing one.
async fn remove_files(media: &crate::storage::MediaStore, keys: &[crate::storage::MediaKey]) {
    for key in keys {
        if let Err(error) = media.delete(key).await {
            tracing::warn!(%error, "could not remove a stored file");
        }
    }
}
