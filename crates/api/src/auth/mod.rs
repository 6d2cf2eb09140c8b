//! Credentials: signed tokens (JWTs), password hashes and opaque refresh tokens.
//!
//! This module owns the cryptography and the rules around it: which signing algorithm is pinned,
//! which keys sign and which still verify during a key rotation, what the one [`Claims`] type that
//! REST and GraphQL share looks like, how passwords are hashed (argon2id, PHC strings) and how
//! refresh tokens are minted and stored (only their SHA-256 is kept). It does no database I/O and
//! knows no HTTP types: callers hand it strings and get strings, claims or errors back, and the
//! wire mapping of [`TokenError`] stays with the error module (see [`TokenError::code`]).

mod claims;
mod errors;
mod keys;
mod opaque;
mod password;

pub use claims::{Audience, Claims};
pub use errors::{AuthError, TOKEN_EXPIRED, TOKEN_INVALID, TokenError};
pub use keys::{JwtAlgorithm, JwtKey, KeySet, LEEWAY_SECONDS, MAX_TOKEN_BYTES, MIN_HS256_SECRET_BYTES};
pub use opaque::{bearer_token, hash_opaque_token, new_opaque_token};
pub use password::{hash_password, verify_password};
