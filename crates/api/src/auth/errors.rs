//! What can go wrong with keys and configuration ([`AuthError`]) and why a presented token was
//! refused ([`TokenError`]).

use super::keys::JwtAlgorithm;

/// Wire reason code for a token that was valid but has expired: the client should refresh.
pub const TOKEN_EXPIRED: &str = "TOKEN_EXPIRED";
/// Wire reason code for any other refused token: the client should sign in again.
pub const TOKEN_INVALID: &str = "TOKEN_INVALID";

/// A problem with key material, configuration or an operation the server itself started.
///
/// Messages name the fix, because most of these surface at startup from a bad setting.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error(
        "JWT key id {kid:?} is not usable: use 1 to 64 characters from A-Z, a-z, 0-9, '.', '_' and '-' \
         (for example \"2025-06\")"
    )]
    InvalidKid { kid: String },

    #[error(
        "the HS256 secret for key '{kid}' is {len} bytes; use at least 32 random bytes \
         (for example the output of `openssl rand -base64 48`)"
    )]
    WeakSecret { kid: String, len: usize },

    #[error(
        "key '{kid}' is not a usable Ed25519 private key ({detail}); give a PKCS#8 PEM \
         (\"-----BEGIN PRIVATE KEY-----\"), for example from `openssl genpkey -algorithm ed25519`"
    )]
    Ed25519PrivateKey { kid: String, detail: String },

    #[error(
        "key '{kid}' is not a usable Ed25519 public key ({detail}); give an SPKI PEM \
         (\"-----BEGIN PUBLIC KEY-----\"), for example from `openssl pkey -in private.pem -pubout`"
    )]
    Ed25519PublicKey { kid: String, detail: String },

    #[error(
        "key '{kid}' is an {key} key but the key set is pinned to {pinned}; \
         list only {pinned} keys or change the configured algorithm"
    )]
    AlgorithmMismatch { kid: String, key: JwtAlgorithm, pinned: JwtAlgorithm },

    #[error("key id '{0}' appears more than once in the key set; give every key a distinct kid")]
    DuplicateKid(String),

    #[error(
        "key '{0}' holds only a public key and cannot sign; configure its private key, \
         or make another key the signing key and list this one as a previous key"
    )]
    VerifyOnlyKey(String),

    #[error("the JWT issuer is empty; set it to a stable name such as the public base URL")]
    EmptyIssuer,

    #[error("unknown JWT algorithm {0:?}: use HS256 or EdDSA")]
    UnknownAlgorithm(String),

    #[error(
        "the stored JWT key is unreadable ({0}); delete the key file so a new one is generated \
         (tokens signed with the old key will stop verifying)"
    )]
    StoredKey(String),

    #[error("these claims cannot be signed: {0}")]
    Claims(String),

    #[error("signing the token failed: {0}")]
    Signing(String),

    #[error("hashing the password failed: {0}")]
    PasswordHash(String),
}

/// Why a presented token was refused.
///
/// [`code`](TokenError::code) is what clients see; the reason inside `Invalid` is for logs only,
/// since telling a client exactly which check failed helps only someone forging tokens.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Signature, issuer and audience were fine, but `exp` has passed (beyond the leeway).
    #[error("token has expired")]
    Expired,
    /// Anything else: malformed, wrong signature, algorithm, key, audience, issuer, or not yet valid.
    #[error("token is invalid: {0}")]
    Invalid(String),
}

impl TokenError {
    /// The wire reason code: [`TOKEN_EXPIRED`] or [`TOKEN_INVALID`].
    pub fn code(&self) -> &'static str {
        match self {
            TokenError::Expired => TOKEN_EXPIRED,
            TokenError::Invalid(_) => TOKEN_INVALID,
        }
    }

    /// A message safe to show clients: it never includes the logged reason.
    pub fn client_message(&self) -> &'static str {
        match self {
            TokenError::Expired => "the token has expired; refresh it or sign in again",
            TokenError::Invalid(_) => "the token is not valid; sign in again",
        }
    }

    /// Builds `Invalid` from a reason, keeping it short and printable since parts of it can come
    /// from the presented token.
    pub(crate) fn invalid(reason: impl AsRef<str>) -> TokenError {
        const MAX_REASON_CHARS: usize = 200;
        TokenError::Invalid(bantin_domain::text::excerpt(reason.as_ref(), MAX_REASON_CHARS))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_errors_map_to_their_wire_codes_and_keep_reasons_out_of_client_messages() {
        assert_eq!(TokenError::Expired.code(), "TOKEN_EXPIRED");
        let invalid = TokenError::invalid("unknown kid 'x'");
        assert_eq!(invalid.code(), "TOKEN_INVALID");
        assert!(!invalid.client_message().contains("kid"));
        assert_eq!(invalid, TokenError::Invalid("unknown kid 'x'".to_owned()));
    }

    #[test]
    fn invalid_reasons_are_truncated_and_stripped_of_control_characters() {
        let TokenError::Invalid(reason) = TokenError::invalid(format!("a\nb{}", "x".repeat(10_000))) else {
            panic!("expected Invalid");
        };
        assert!(reason.chars().count() <= 201, "reason is {} chars", reason.chars().count());
        assert!(reason.starts_with("a?b"));
        assert!(reason.ends_with('…'));
    }

    #[test]
    fn key_errors_name_the_fix() {
        let err = AuthError::WeakSecret { kid: "k".to_owned(), len: 5 };
        assert!(err.to_string().contains("at least 32 random bytes"));
        let err = AuthError::AlgorithmMismatch {
            kid: "k".to_owned(),
            key: JwtAlgorithm::Hs256,
            pinned: JwtAlgorithm::EdDsa,
        };
        assert!(err.to_string().contains("pinned to EdDSA"), "{err}");
    }
}
