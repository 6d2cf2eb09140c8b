//! Automatic persisted queries, as Apollo clients speak them: a request may name its document by
//! SHA-256 (`extensions.persistedQuery.sha256Hash`) instead of sending it. An unknown hash gets
//! `PERSISTED_QUERY_NOT_FOUND`, and the client sends the document once with its hash, which is
//! kept. Short GET URLs are what lets CDNs and our response cache keep GraphQL answers.

use std::sync::Arc;

use async_graphql::{ServerError, Value};
use sha2::{Digest, Sha256};

use crate::error::{code, server_error};

/// Documents kept, at most; each is one query text.
const CAPACITY: u64 = 10_000;
pub const NOT_FOUND: &str = "PERSISTED_QUERY_NOT_FOUND";

pub struct PersistedQueries(moka::sync::Cache<String, Arc<str>>);

impl Default for PersistedQueries {
    fn default() -> Self {
        PersistedQueries(moka::sync::Cache::new(CAPACITY))
    }
}

impl PersistedQueries {
    /// Fills in the document of a request that names one by hash, and keeps documents sent with
    /// their hash. Requests without the extension pass unchanged.
    pub fn apply(&self, request: &mut async_graphql::Request) -> Result<(), ServerError> {
        let Some(extension) = request.extensions.0.get("persistedQuery") else { return Ok(()) };
        let Value::Object(extension) = extension else {
            return Err(server_error("extensions.persistedQuery must be an object", code::BAD_USER_INPUT));
        };
        if extension.get("version") != Some(&Value::from(1)) {
            return Err(server_error("extensions.persistedQuery.version must be 1", code::BAD_USER_INPUT));
        }
        let Some(Value::String(hash)) = extension.get("sha256Hash") else {
            return Err(server_error(
                "extensions.persistedQuery.sha256Hash must be a string",
                code::BAD_USER_INPUT,
            ));
        };
        let hash = hash.to_ascii_lowercase();
        if request.query.is_empty() {
            let query = self.0.get(&hash).ok_or_else(|| server_error("PersistedQueryNotFound", NOT_FOUND))?;
            request.query = query.to_string();
            return Ok(());
        }
        let digest = Sha256::digest(request.query.as_bytes());
        let actual: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        if actual != hash {
            return Err(server_error(
                "extensions.persistedQuery.sha256Hash is not the SHA-256 of the query",
                code::BAD_USER_INPUT,
            ));
        }
        self.0.insert(hash, Arc::from(request.query.as_str()));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_hash(query: &str, hash: &str) -> async_graphql::Request {
        let mut request = async_graphql::Request::new(query);
        let extension = serde_json::json!({ "version": 1, "sha256Hash": hash });
        request
            .extensions
            .0
            .insert("persistedQuery".into(), Value::from_json(extension).expect("valid value"));
        request
    }

    #[test]
    fn a_document_sent_once_is_found_by_its_hash() {
        let store = PersistedQueries::default();
        let query = "{ latest(first: 2) { nodes { slug } } }";
        let hash: String = Sha256::digest(query.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
        let mut unknown = with_hash("", &hash);
        let err = store.apply(&mut unknown).expect_err("not stored yet");
        assert_eq!(err.message, "PersistedQueryNotFound");
        store.apply(&mut with_hash(query, &hash)).expect("a matching hash is kept");
        let mut by_hash = with_hash("", &hash);
        store.apply(&mut by_hash).expect("found");
        assert_eq!(by_hash.query, query);
    }

    #[test]
    fn a_wrong_hash_is_refused_and_not_kept() {
        let store = PersistedQueries::default();
        let wrong = "0".repeat(64);
        assert!(store.apply(&mut with_hash("{ publication { name } }", &wrong)).is_err());
        assert!(store.apply(&mut with_hash("", &wrong)).is_err(), "nothing was kept under it");
    }
}
