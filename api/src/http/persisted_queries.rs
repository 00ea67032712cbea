//! Persisted queries: the automatic persisted query protocol (APQ), and allow-list mode.
//!
//! With APQ a client sends `extensions.persistedQuery.sha256Hash` instead of the query
//! text; the server answers `PERSISTED_QUERY_NOT_FOUND` for a hash it does not know, and
//! the client sends the text once with the hash, which the server checks and remembers.
//! GET requests then stay short and cacheable by CDNs. Apollo Client and urql speak this.
//!
//! In allow-list mode (`KRONIKA_QUERY_ALLOW_LIST`), only the queries of the list run,
//! whether sent as text or as hash; nothing is learned from clients. The list is a JSON
//! file: an array of query texts, or an object of SHA-256 hash → query text (the form of
//! persisted-query manifests), every hash checked against its text at start.
//!
//! Resolution happens before the response cache, so a cached response is found by the
//! query text whichever way the client sent it.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use async_graphql::Request as GraphqlRequest;
use sha2::{Digest, Sha256};

use crate::graphql::error::ErrorCode;

/// The most query texts remembered from APQ clients, and their total size.
const MAX_REMEMBERED_QUERIES: u64 = 16 * 1024 * 1024;

#[derive(Clone, Debug)]
pub enum PersistedQueries {
    /// Persisted queries are refused; queries are sent as text.
    Off,
    /// The automatic protocol: hashes learned from clients.
    Automatic(moka::sync::Cache<String, Arc<str>>),
    /// Only these queries run, keyed by their SHA-256 in hex.
    AllowList(Arc<HashMap<String, Arc<str>>>),
}

/// Why a request's query could not be resolved; each maps to a code and message.
#[derive(Debug, PartialEq, Eq)]
pub enum PersistedQueryError {
    /// Apollo clients look for exactly this message and then send the query text.
    NotFound,
    NotSupported,
    NotAllowed,
    /// The extension is malformed or its hash is not the hash of the text sent with it.
    Invalid(&'static str),
}

impl PersistedQueryError {
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::NotFound => ErrorCode::PersistedQueryNotFound,
            Self::NotSupported => ErrorCode::PersistedQueryNotSupported,
            Self::NotAllowed => ErrorCode::QueryNotAllowed,
            Self::Invalid(_) => ErrorCode::BadRequest,
        }
    }

    pub fn message(&self) -> &'static str {
        match self {
            Self::NotFound => "PersistedQueryNotFound",
            Self::NotSupported => "PersistedQueryNotSupported",
            Self::NotAllowed => "this server runs only the queries of its allow-list",
            Self::Invalid(reason) => reason,
        }
    }
}

/// Why the allow-list could not be loaded at start.
#[derive(Debug, thiserror::Error)]
pub enum AllowListError {
    #[error("cannot read the query allow-list {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "the query allow-list {path} is not a JSON array of queries or object of hash → query: {source}"
    )]
    Format {
        path: String,
        source: serde_json::Error,
    },
    #[error("the query allow-list {path}: the hash {hash} is not the SHA-256 of its query")]
    WrongHash { path: String, hash: String },
}

#[derive(serde::Deserialize)]
#[serde(untagged)]
enum AllowListFile {
    Queries(Vec<String>),
    ByHash(HashMap<String, String>),
}

impl PersistedQueries {
    pub fn automatic() -> Self {
        Self::Automatic(
            moka::sync::Cache::builder()
                .max_capacity(MAX_REMEMBERED_QUERIES)
                .weigher(|hash: &String, query: &Arc<str>| {
                    u32::try_from(hash.len() + query.len()).unwrap_or(u32::MAX)
                })
                .build(),
        )
    }

    /// Reads an allow-list file.
    pub fn allow_list(path: &Path) -> Result<Self, AllowListError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| AllowListError::Read {
            path: shown.clone(),
            source,
        })?;
        let file: AllowListFile =
            serde_json::from_str(&text).map_err(|source| AllowListError::Format {
                path: shown.clone(),
                source,
            })?;
        let queries = match file {
            AllowListFile::Queries(queries) => queries
                .into_iter()
                .map(|query| (sha256_hex(&query), Arc::from(query)))
                .collect(),
            AllowListFile::ByHash(by_hash) => {
                let mut queries = HashMap::with_capacity(by_hash.len());
                for (hash, query) in by_hash {
                    let hash = hash.to_ascii_lowercase();
                    if sha256_hex(&query) != hash {
                        return Err(AllowListError::WrongHash { path: shown, hash });
                    }
                    queries.insert(hash, Arc::from(query));
                }
                queries
            }
        };
        Ok(Self::AllowList(Arc::new(queries)))
    }

    /// Puts the query text into `request` if it came as a hash, and checks the query
    /// against the allow-list in that mode.
    pub fn resolve(&self, request: &mut GraphqlRequest) -> Result<(), PersistedQueryError> {
        let persisted = request.extensions.0.remove("persistedQuery");
        let Some(persisted) = persisted else {
            return match self {
                Self::AllowList(queries) if !queries.contains_key(&sha256_hex(&request.query)) => {
                    Err(PersistedQueryError::NotAllowed)
                }
                _ => Ok(()),
            };
        };
        let hash = requested_hash(persisted)?;
        let known = match self {
            Self::Off => return Err(PersistedQueryError::NotSupported),
            Self::Automatic(remembered) => remembered.get(&hash),
            Self::AllowList(queries) => queries.get(&hash).cloned(),
        };
        if request.query.is_empty() {
            return match known {
                Some(query) => {
                    request.query = query.to_string();
                    Ok(())
                }
                None if matches!(self, Self::AllowList(_)) => Err(PersistedQueryError::NotAllowed),
                None => Err(PersistedQueryError::NotFound),
            };
        }
        if sha256_hex(&request.query) != hash {
            return Err(PersistedQueryError::Invalid(
                "the persisted query's sha256Hash is not the hash of the query sent",
            ));
        }
        match self {
            Self::Automatic(remembered) if known.is_none() => {
                remembered.insert(hash, Arc::from(request.query.as_str()));
                Ok(())
            }
            Self::AllowList(_) if known.is_none() => Err(PersistedQueryError::NotAllowed),
            _ => Ok(()),
        }
    }
}

/// The hash of a `persistedQuery` extension of version 1.
fn requested_hash(extension: async_graphql::Value) -> Result<String, PersistedQueryError> {
    let async_graphql::Value::Object(fields) = extension else {
        return Err(PersistedQueryError::Invalid(
            "extensions.persistedQuery must be an object",
        ));
    };
    match fields.get("version") {
        Some(async_graphql::Value::Number(version)) if version.as_i64() == Some(1) => {}
        _ => {
            return Err(PersistedQueryError::Invalid(
                "only version 1 of the persisted query protocol is supported",
            ));
        }
    }
    match fields.get("sha256Hash") {
        Some(async_graphql::Value::String(hash))
            if hash.len() == 64 && hash.bytes().all(|byte| byte.is_ascii_hexdigit()) =>
        {
            Ok(hash.to_ascii_lowercase())
        }
        _ => Err(PersistedQueryError::Invalid(
            "extensions.persistedQuery.sha256Hash must be 64 hex digits",
        )),
    }
}

pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use async_graphql::{Name, Value};

    use super::*;

    fn with_hash(query: &str, hash: &str) -> GraphqlRequest {
        let mut request = GraphqlRequest::new(query);
        let mut extension = async_graphql::indexmap::IndexMap::new();
        extension.insert(Name::new("version"), Value::from(1));
        extension.insert(Name::new("sha256Hash"), Value::from(hash));
        request
            .extensions
            .0
            .insert("persistedQuery".to_owned(), Value::Object(extension));
        request
    }

    #[test]
    fn automatic_queries_are_learned_once_then_found_by_hash() {
        let queries = PersistedQueries::automatic();
        let text = "{ sections { slug } }";
        let hash = sha256_hex(text);
        assert_eq!(
            queries.resolve(&mut with_hash("", &hash)),
            Err(PersistedQueryError::NotFound)
        );
        assert_eq!(queries.resolve(&mut with_hash(text, &hash)), Ok(()));
        let mut by_hash = with_hash("", &hash);
        assert_eq!(queries.resolve(&mut by_hash), Ok(()));
        assert_eq!(by_hash.query, text);
        assert!(matches!(
            queries.resolve(&mut with_hash("{ other }", &hash)),
            Err(PersistedQueryError::Invalid(_))
        ));
    }

    #[test]
    fn switched_off_persisted_queries_are_refused_but_plain_ones_run() {
        let off = PersistedQueries::Off;
        let hash = sha256_hex("{ a }");
        assert_eq!(
            off.resolve(&mut with_hash("", &hash)),
            Err(PersistedQueryError::NotSupported)
        );
        assert_eq!(off.resolve(&mut GraphqlRequest::new("{ a }")), Ok(()));
    }
}
