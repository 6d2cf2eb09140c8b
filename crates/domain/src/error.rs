//! The one error type of the domain. Each variant means something a caller can act on; the
//! transports (REST, GraphQL) map variants to status codes and error codes in one place.

/// What went wrong, in terms a caller can act on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The thing asked for does not exist (or is not visible to the caller, which looks the same).
    #[error("{entity} '{key}' not found")]
    NotFound { entity: &'static str, key: String },

    /// A value the caller sent is not acceptable; `field` names the parameter or input field.
    #[error("{field}: {reason}")]
    Validation { field: String, reason: String },

    /// The write would break a uniqueness or concurrency rule.
    #[error("{0}")]
    Conflict(String),

    /// The slug is already used by another article (or taxonomy entry).
    #[error("slug '{0}' is already taken")]
    SlugTaken(String),

    /// The write named a revision that is no longer current; nothing was changed.
    #[error(
        "revision {expected} is stale: the article is at revision {current}; reload and reapply your change"
    )]
    StaleRevision { expected: i32, current: i32 },

    /// The caller is known but may not do this.
    #[error("{0}")]
    Forbidden(String),

    /// The database cannot be reached right now (connection refused, pool exhausted); the same
    /// request may succeed in a moment.
    #[error("unavailable: {0}")]
    Unavailable(String),

    /// A failure the caller cannot fix (a corrupt row, a bug). Its chain goes to the logs,
    /// never to clients.
    #[error("unexpected: {0}")]
    Unexpected(String),
}

impl Error {
    /// A validation error naming the offending field or parameter.
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Validation { field: field.into(), reason: reason.into() }
    }

    /// A missing entity, keyed by what the caller used to look it up.
    pub fn not_found(entity: &'static str, key: impl Into<String>) -> Self {
        Error::NotFound { entity, key: key.into() }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
