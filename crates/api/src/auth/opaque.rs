//! Opaque refresh tokens and reading `Authorization: Bearer` headers.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use super::TokenError;

const OPAQUE_TOKEN_BYTES: usize = 32;

/// A new opaque refresh token: 32 random bytes as base64url (43 characters, no padding), and the
/// SHA-256 hex of it. Give the token to the client; store only the hash.
///
/// A fast hash is enough here (unlike passwords): the token carries 256 bits of randomness, so
/// a leaked hash cannot be brute-forced back into a token.
pub fn new_opaque_token() -> (String, String) {
    let token = URL_SAFE_NO_PAD.encode(rand::random::<[u8; OPAQUE_TOKEN_BYTES]>());
    let hash = hash_opaque_token(&token);
    (token, hash)
}

/// The SHA-256 of a presented opaque token as 64 lowercase hex characters, for lookup.
pub fn hash_opaque_token(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

pub(super) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

/// Reads the token from an `Authorization` header value.
///
/// `Ok(None)` when there is no header; `Ok(Some(token))` for `Bearer <token>` (the scheme is
/// case-insensitive, and the token must be one RFC 6750 `b64token`: letters, digits and
/// `-._~+/`, then optional `=` padding); `Err(TokenError::Invalid)` for anything else, such as
/// another scheme, `Bearer` with nothing after it, or spaces inside the token.
pub fn bearer_token(header: Option<&str>) -> Result<Option<&str>, TokenError> {
    let Some(value) = header else {
        return Ok(None);
    };
    let value = value.trim();
    let (scheme, token) = value.split_once([' ', '\t']).unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(TokenError::invalid("the Authorization header does not use the Bearer scheme"));
    }
    let token = token.trim_start_matches([' ', '\t']);
    if token.is_empty() {
        return Err(TokenError::invalid("the Authorization header has no token after Bearer"));
    }
    let body = token.trim_end_matches('=');
    let well_formed = !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/'));
    if well_formed {
        Ok(Some(token))
    } else {
        Err(TokenError::invalid("the bearer token has characters a token cannot have"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opaque_tokens_are_distinct_each_call_and_their_hash_is_stable_hex() {
        let (token, hash) = new_opaque_token();
        let (other, other_hash) = new_opaque_token();
        assert_ne!(token, other);
        assert_ne!(hash, other_hash);
        assert_eq!(token.len(), 43);
        assert!(token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{token}");
        assert_eq!(hash.len(), 64);
        assert!(hash.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()), "{hash}");
        assert_eq!(hash_opaque_token(&token), hash);
        assert_ne!(hash_opaque_token(&other), hash);
    }

    #[test]
    fn the_opaque_token_hash_is_plain_sha256() {
        assert_eq!(
            hash_opaque_token("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn a_missing_authorization_header_is_no_token() {
        assert_eq!(bearer_token(None), Ok(None));
    }

    #[test]
    fn a_bearer_header_yields_its_token() {
        assert_eq!(bearer_token(Some("Bearer abc.def-ghi_jkl")), Ok(Some("abc.def-ghi_jkl")));
        assert_eq!(bearer_token(Some("bearer abc")), Ok(Some("abc")));
        assert_eq!(bearer_token(Some("BEARER   abc  ")), Ok(Some("abc")));
        assert_eq!(bearer_token(Some("Bearer a+b/c==")), Ok(Some("a+b/c==")));
    }

    #[test]
    fn a_malformed_authorization_header_is_an_invalid_token() {
        for value in [
            "",
            "   ",
            "Basic dXNlcjpwYXNz",
            "Bearer",
            "Bearer ",
            "Bearer    ",
            "Bearer a b",
            "Bearerabc",
            "Bearer ===",
            "Bearer a\"b",
            "Token abc",
        ] {
            assert!(matches!(bearer_token(Some(value)), Err(TokenError::Invalid(_))), "{value:?}");
        }
    }
}
