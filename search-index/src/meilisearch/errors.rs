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

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "a test fails loudly on any error")]

    use super::*;

    #[test]
    fn a_failed_task_becomes_an_error_with_meilisearchs_message() {
        let failed: Task = serde_json::from_value(serde_json::json!({
            "uid": 12,
            "batchUid": 12,
            "indexUid": "articles",
            "status": "failed",
            "type": "settingsUpdate",
            "canceledBy": null,
            "details": {},
            "error": {
                "message": "Attribute `nope` is not filterable.",
                "code": "invalid_search_filter",
                "type": "invalid_request",
                "link": "https://docs.meilisearch.com/errors#invalid_search_filter"
            },
            "duration": "PT0.001S",
            "enqueuedAt": "2024-05-01T08:00:00Z",
            "startedAt": "2024-05-01T08:00:00Z",
            "finishedAt": "2024-05-01T08:00:01Z"
        }))
        .unwrap();
        match from_task(failed) {
            Err(SearchError::InvalidQuery(message)) => assert!(message.contains("nope")),
            other => panic!("expected InvalidQuery, got {other:?}"),
        }
        assert!(matches!(
            from_sdk(Error::Timeout),
            SearchError::Unavailable(_)
        ));
    }
}
