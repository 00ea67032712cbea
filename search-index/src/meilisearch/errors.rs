//! Meilisearch's errors in our terms: whatever says the server could not be reached (or
//! did not answer in time) is `Unavailable`, so callers retry; a refused query is
//! `InvalidQuery`; the rest is `Internal`.

use meilisearch_sdk::errors::{Error, ErrorType};
use meilisearch_sdk::tasks::Task;

use crate::SearchError;

pub(crate) fn from_sdk(error: Error) -> SearchError {
    match &error {
        Error::HttpError(_) | Error::Timeout => SearchError::Unavailable(error.to_string()),
        Error::MeilisearchCommunication(communication) if communication.status_code >= 500 => {
            SearchError::Unavailable(error.to_string())
        }
        Error::Meilisearch(meili) if meili.error_type == ErrorType::InvalidRequest => {
            SearchError::InvalidQuery(meili.error_message.clone())
        }
        _ => SearchError::Internal(error.to_string()),
    }
}

/// A finished task: failed ones become errors.
pub(crate) fn from_task(task: Task) -> Result<(), SearchError> {
    match task {
        Task::Failed { content } => Err(from_sdk(Error::Meilisearch(content.error))),
        Task::Succeeded { .. } | Task::Enqueued { .. } | Task::Processing { .. } => Ok(()),
    }
}
