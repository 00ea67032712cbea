/// Why a search operation failed, in terms the API can map onto its error codes.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The engine could not be reached or did not answer in time; retrying may help.
    #[error("search engine unavailable: {0}")]
    Unavailable(String),
    /// The query itself cannot be run (too long, a filter the engine refuses…).
    #[error("invalid search query: {0}")]
    InvalidQuery(String),
    /// The embedded index is open for writing in another process (a running server): only
    /// that process can change it.
    #[error("the search index is in use by another process: {0}")]
    Locked(String),
    /// Anything else: a bug on our side or a corrupt index.
    #[error("search engine failure: {0}")]
    Internal(String),
}
