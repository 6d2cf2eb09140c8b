//! Parsed documents, kept by their text. Frontends send the same few documents over and over
//! (with different variables); parsing one with async-graphql's parser was about a twentieth of
//! an uncached list request's CPU, and copying a kept parse is much cheaper. Only documents that
//! parse are kept: a syntax error is reported by parsing again, with its position.

use std::sync::Arc;

use async_graphql::{Request, ServerError, parser::types::ExecutableDocument};

/// Document text kept, at most, in bytes (a parsed document takes several times its text).
const CAPACITY_BYTES: u64 = 512 * 1024;

pub struct ParsedDocuments(moka::sync::Cache<String, Arc<ExecutableDocument>>);

impl Default for ParsedDocuments {
    fn default() -> Self {
        ParsedDocuments(
            moka::sync::Cache::builder()
                .max_capacity(CAPACITY_BYTES)
                .weigher(|query: &String, _| u32::try_from(query.len()).unwrap_or(u32::MAX))
                .build(),
        )
    }
}

impl ParsedDocuments {
    /// The request's document, parsed: a kept copy when the same text was parsed before.
    pub fn parse<'r>(&self, request: &'r mut Request) -> Result<&'r ExecutableDocument, ServerError> {
        match self.0.get(request.query.as_str()) {
            Some(document) => request.set_parsed_query(ExecutableDocument::clone(&document)),
            None => {
                let document = request.parsed_query()?.clone();
                self.0.insert(request.query.clone(), Arc::new(document));
            }
        }
        request.parsed_query()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_document_is_the_one_its_text_parses_to() {
        let documents = ParsedDocuments::default();
        let query = "query Latest($n: Int) { latest(first: $n) { nodes { slug } } }";
        let first = documents.parse(&mut Request::new(query)).expect("parses").clone();
        documents.0.run_pending_tasks();
        assert_eq!(documents.0.entry_count(), 1);
        let kept = documents.parse(&mut Request::new(query)).expect("parses").clone();
        assert_eq!(format!("{kept:?}"), format!("{first:?}"));
        let other = documents.parse(&mut Request::new("{ categories { slug } }")).expect("parses").clone();
        assert_ne!(format!("{other:?}"), format!("{first:?}"));
    }

    #[test]
    fn a_document_that_does_not_parse_is_refused_every_time_and_not_kept() {
        let documents = ParsedDocuments::default();
        for _ in 0..2 {
            let error =
                documents.parse(&mut Request::new("{ latest(first: 2) { nodes ")).expect_err("syntax");
            assert!(!error.locations.is_empty(), "the error says where: {error:?}");
        }
        documents.0.run_pending_tasks();
        assert_eq!(documents.0.entry_count(), 0);
    }
}
