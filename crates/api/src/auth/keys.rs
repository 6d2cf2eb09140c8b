//! Signing keys, the pinned algorithm, key rotation, and signing and verifying JWTs.

use std::collections::HashMap;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};

use super::{Audience, AuthError, Claims, TokenError};

/// The shortest HS256 secret [`JwtKey::hs256`] accepts (256 bits, the size of the HMAC output).
pub const MIN_HS256_SECRET_BYTES: usize = 32;
/// Clock skew tolerated on `exp` and `nbf`, in seconds.
pub const LEEWAY_SECONDS: u64 = 30;
/// Longest token [`KeySet::verify`] will parse; ours are a few hundred bytes.
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;

const MAX_KID_BYTES: usize = 64;
const ED25519_PUBLIC_KEY_BYTES: usize = 32;
const DEV_SECRET_BYTES: usize = 32;
const STORED_PREFIX: &str = "bantin-jwt-key:v1:hs256:";

/// The one signing algorithm a [`KeySet`] uses. Tokens whose header names any other `alg`
/// (including `none`, or another HMAC size) are refused before any key is touched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JwtAlgorithm {
    /// HMAC-SHA256 with a shared secret: simplest, but every verifier can also sign.
    Hs256,
    /// Ed25519 signatures: only the private key signs; the public key may be shared.
    EdDsa,
}

impl JwtAlgorithm {
    /// The JOSE name: `HS256` or `EdDSA`.
    pub fn as_str(self) -> &'static str {
        match self {
            JwtAlgorithm::Hs256 => "HS256",
            JwtAlgorithm::EdDsa => "EdDSA",
        }
    }

    /// Reads a configured algorithm name, case-insensitively (`ed25519` is accepted for EdDSA).
    pub fn parse(value: &str) -> Result<JwtAlgorithm, AuthError> {
        match value.trim().to_ascii_lowercase().as_str() {
            "hs256" => Ok(JwtAlgorithm::Hs256),
            "eddsa" | "ed25519" => Ok(JwtAlgorithm::EdDsa),
            _ => Err(AuthError::UnknownAlgorithm(value.to_owned())),
        }
    }

    fn jwt(self) -> Algorithm {
        match self {
            JwtAlgorithm::Hs256 => Algorithm::HS256,
            JwtAlgorithm::EdDsa => Algorithm::EdDSA,
        }
    }
}

impl fmt::Display for JwtAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One key, named by the `kid` that goes in the JWT header.
///
/// HS256 keys and Ed25519 private keys can sign and verify; an Ed25519 public key only verifies
/// (useful for a retired key kept in [`KeySet`]'s `previous` list). `Debug` never shows material.
#[derive(Clone)]
pub struct JwtKey {
    pub kid: String,
    algorithm: JwtAlgorithm,
    encoding: Option<EncodingKey>,
    decoding: DecodingKey,
}

impl JwtKey {
    /// An HS256 key; the secret must be at least [`MIN_HS256_SECRET_BYTES`] long.
    pub fn hs256(kid: impl Into<String>, secret: &[u8]) -> Result<JwtKey, AuthError> {
        let kid = checked_kid(kid.into())?;
        if secret.len() < MIN_HS256_SECRET_BYTES {
            return Err(AuthError::WeakSecret { kid, len: secret.len() });
        }
        Ok(JwtKey::hs256_unchecked(kid, secret))
    }

    fn hs256_unchecked(kid: String, secret: &[u8]) -> JwtKey {
        JwtKey {
            kid,
            algorithm: JwtAlgorithm::Hs256,
            encoding: Some(EncodingKey::from_secret(secret)),
            decoding: DecodingKey::from_secret(secret),
        }
    }

    /// An Ed25519 signing key from a PKCS#8 PEM private key (`-----BEGIN PRIVATE KEY-----`, as
    /// written by `openssl genpkey -algorithm ed25519`). The public key is derived from it.
    pub fn ed25519_pem(kid: impl Into<String>, private_pem: &[u8]) -> Result<JwtKey, AuthError> {
        let kid = checked_kid(kid.into())?;
        let bad = |detail: String| AuthError::Ed25519PrivateKey { kid: kid.clone(), detail };
        let encoding = EncodingKey::from_ed_pem(private_pem).map_err(|e| bad(e.to_string()))?;
        // jsonwebtoken derives the public key (through ed25519-dalek) when building a JWK.
        let jwk = Jwk::from_encoding_key(&encoding, Algorithm::EdDSA)
            .map_err(|e| bad(format!("{e}; PKCS#8 v2 keys that embed the public key are not supported")))?;
        let decoding = DecodingKey::from_jwk(&jwk).map_err(|e| bad(e.to_string()))?;
        check_ed25519_public(&decoding).map_err(bad)?;
        Ok(JwtKey { kid, algorithm: JwtAlgorithm::EdDsa, encoding: Some(encoding), decoding })
    }

    /// A verify-only Ed25519 key from an SPKI PEM public key (`-----BEGIN PUBLIC KEY-----`).
    pub fn ed25519_public_pem(kid: impl Into<String>, public_pem: &[u8]) -> Result<JwtKey, AuthError> {
        let kid = checked_kid(kid.into())?;
        let bad = |detail: String| AuthError::Ed25519PublicKey { kid: kid.clone(), detail };
        let decoding = DecodingKey::from_ed_pem(public_pem).map_err(|e| bad(e.to_string()))?;
        check_ed25519_public(&decoding).map_err(bad)?;
        Ok(JwtKey { kid, algorithm: JwtAlgorithm::EdDsa, encoding: None, decoding })
    }

    /// A fresh random HS256 key for development, and its material as one line of text the server
    /// can keep in a file and load with [`JwtKey::from_stored`] on the next start (so tokens
    /// survive restarts). The text holds the secret: store it like a password.
    pub fn generate_dev() -> (JwtKey, String) {
        let secret: [u8; DEV_SECRET_BYTES] = rand::random();
        let kid = format!("dev-{}", super::opaque::hex(&rand::random::<[u8; 4]>()));
        let stored = format!("{STORED_PREFIX}{kid}:{}", URL_SAFE_NO_PAD.encode(secret));
        (JwtKey::hs256_unchecked(kid, &secret), stored)
    }

    /// Reads the text written by [`JwtKey::generate_dev`] (surrounding whitespace is ignored).
    pub fn from_stored(text: &str) -> Result<JwtKey, AuthError> {
        let rest = text
            .trim()
            .strip_prefix(STORED_PREFIX)
            .ok_or_else(|| AuthError::StoredKey(format!("it does not start with '{STORED_PREFIX}'")))?;
        let (kid, secret) = rest.split_once(':').ok_or_else(|| {
            AuthError::StoredKey("the key id and secret are not separated by ':'".to_owned())
        })?;
        let secret = URL_SAFE_NO_PAD
            .decode(secret)
            .map_err(|e| AuthError::StoredKey(format!("the secret is not base64url: {e}")))?;
        JwtKey::hs256(kid, &secret).map_err(|e| AuthError::StoredKey(e.to_string()))
    }

    pub fn algorithm(&self) -> JwtAlgorithm {
        self.algorithm
    }

    /// Whether this key holds private material (an Ed25519 public key does not).
    pub fn can_sign(&self) -> bool {
        self.encoding.is_some()
    }
}

impl fmt::Debug for JwtKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtKey")
            .field("kid", &self.kid)
            .field("algorithm", &self.algorithm)
            .field("can_sign", &self.can_sign())
            .finish_non_exhaustive()
    }
}

/// jsonwebtoken's EdDSA verifier slices the first 32 bytes of the key, so a shorter key would
/// panic at verification time; refuse it when the key is loaded instead.
fn check_ed25519_public(key: &DecodingKey) -> Result<(), String> {
    let len = key.try_get_as_bytes().map_err(|e| e.to_string())?.len();
    if len == ED25519_PUBLIC_KEY_BYTES {
        Ok(())
    } else {
        Err(format!("the public key is {len} bytes, not {ED25519_PUBLIC_KEY_BYTES}"))
    }
}

fn checked_kid(kid: String) -> Result<String, AuthError> {
    let fits = !kid.is_empty()
        && kid.len() <= MAX_KID_BYTES
        && kid.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if fits { Ok(kid) } else { Err(AuthError::InvalidKid { kid }) }
}

/// The key that signs new tokens plus older keys that still verify.
///
/// Rotation: configure a new signing key and move the old one to `previous`. Tokens signed with
/// the old `kid` keep verifying until they expire; drop the old key after the longest token
/// lifetime has passed and they stop verifying.
#[derive(Clone)]
pub struct KeySet {
    algorithm: JwtAlgorithm,
    issuer: String,
    signing_kid: String,
    signing_key: EncodingKey,
    verifying: HashMap<String, DecodingKey>,
}

impl KeySet {
    /// Every key must use `algorithm`, kids must be distinct, and the signing key must hold
    /// private material. `issuer` becomes every token's `iss` and is required on verification.
    pub fn new(
        algorithm: JwtAlgorithm,
        signing: JwtKey,
        previous: Vec<JwtKey>,
        issuer: impl Into<String>,
    ) -> Result<KeySet, AuthError> {
        let issuer = issuer.into();
        if issuer.trim().is_empty() {
            return Err(AuthError::EmptyIssuer);
        }
        let mut verifying = HashMap::with_capacity(previous.len() + 1);
        let signing_kid = signing.kid.clone();
        let Some(signing_key) = signing.encoding.clone() else {
            return Err(AuthError::VerifyOnlyKey(signing_kid));
        };
        for key in std::iter::once(signing).chain(previous) {
            // `kid` is a public field, so check it again here rather than trusting the constructor.
            let kid = checked_kid(key.kid)?;
            if key.algorithm != algorithm {
                return Err(AuthError::AlgorithmMismatch { kid, key: key.algorithm, pinned: algorithm });
            }
            if verifying.contains_key(&kid) {
                return Err(AuthError::DuplicateKid(kid));
            }
            verifying.insert(kid, key.decoding);
        }
        Ok(KeySet { algorithm, issuer, signing_kid, signing_key, verifying })
    }

    pub fn algorithm(&self) -> JwtAlgorithm {
        self.algorithm
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The `kid` new tokens are signed with.
    pub fn signing_kid(&self) -> &str {
        &self.signing_kid
    }

    /// Signs `claims` with the signing key, setting `iss` to this set's issuer. The claims must
    /// name one of our audiences and have its shape (see [`Claims::access`] and friends).
    pub fn sign(&self, claims: &Claims) -> Result<String, AuthError> {
        let audience = claims.audience().ok_or_else(|| {
            AuthError::Claims(format!("aud {:?} is not one of bantin's audiences", claims.aud))
        })?;
        claims.check_shape(audience).map_err(AuthError::Claims)?;
        let claims = Claims { iss: self.issuer.clone(), ..claims.clone() };
        let mut header = Header::new(self.algorithm.jwt());
        header.kid = Some(self.signing_kid.clone());
        jsonwebtoken::encode(&header, &claims, &self.signing_key)
            .map_err(|e| AuthError::Signing(e.to_string()))
    }

    /// Verifies a token meant for `audience` and returns its claims.
    ///
    /// Checks, in order: size, that the header parses, that `alg` is exactly the pinned algorithm,
    /// that there are no `crit` extensions, that `kid` names a key of this set, the signature,
    /// that `exp`, `nbf`, `iss`, `aud` and `sub` are present and well-typed (times must be JSON
    /// numbers), `exp` and `nbf` with [`LEEWAY_SECONDS`] of leeway, `iss` equal to this set's
    /// issuer, `aud` equal to `audience`, and that the claims have that audience's shape.
    ///
    /// Only a token that passes everything but `exp` is [`TokenError::Expired`]. A token whose
    /// `nbf` is still in the future is `Invalid`: we mint tokens with `nbf = iat = now`, so that
    /// means clock skew beyond the leeway or a token not made by us, and refreshing (what
    /// clients do on `TOKEN_EXPIRED`) would not help.
    pub fn verify(&self, token: &str, audience: Audience) -> Result<Claims, TokenError> {
        self.verify_any_of(token, &[audience])
    }

    /// Like [`KeySet::verify`], for an endpoint that accepts several kinds of token: `aud` must be
    /// one of `audiences` (see [`Claims::audience`] for which), and the claims must have that
    /// audience's shape. One signature check, however many audiences are listed.
    pub fn verify_any_of(&self, token: &str, audiences: &[Audience]) -> Result<Claims, TokenError> {
        if token.len() > MAX_TOKEN_BYTES {
            return Err(TokenError::invalid(format!(
                "token is {} bytes, over the {MAX_TOKEN_BYTES}-byte limit",
                token.len()
            )));
        }
        let header = jsonwebtoken::decode_header(token)
            .map_err(|e| TokenError::invalid(format!("unreadable header: {e}")))?;
        if header.alg != self.algorithm.jwt() {
            return Err(TokenError::invalid(format!(
                "alg {:?} is not the pinned {}",
                header.alg, self.algorithm
            )));
        }
        if header.crit.is_some() {
            return Err(TokenError::invalid("the header has crit extensions, which we do not support"));
        }
        let kid = header.kid.as_deref().ok_or_else(|| TokenError::invalid("the header has no kid"))?;
        let key =
            self.verifying.get(kid).ok_or_else(|| TokenError::invalid(format!("unknown kid {kid:?}")))?;

        let claims = jsonwebtoken::decode::<Claims>(token, key, &self.validation(audiences))
            .map_err(token_error)?
            .claims;

        // jsonwebtoken has checked these; keep the exact-equality rule here too, independent of it.
        if claims.iss != self.issuer {
            return Err(TokenError::invalid("wrong issuer"));
        }
        let audience = claims
            .audience()
            .filter(|a| audiences.contains(a))
            .ok_or_else(|| TokenError::invalid("aud is not an accepted audience"))?;
        claims.check_shape(audience).map_err(TokenError::invalid)?;
        Ok(claims)
    }

    fn validation(&self, audiences: &[Audience]) -> Validation {
        let mut validation = Validation::new(self.algorithm.jwt());
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.validate_aud = true;
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.set_issuer(&[self.issuer.as_str()]);
        let audiences: Vec<&str> = audiences.iter().map(|a| a.as_str()).collect();
        validation.set_audience(&audiences);
        validation
    }
}

impl fmt::Debug for KeySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut kids: Vec<&str> = self.verifying.keys().map(String::as_str).collect();
        kids.sort_unstable();
        f.debug_struct("KeySet")
            .field("algorithm", &self.algorithm)
            .field("issuer", &self.issuer)
            .field("signing_kid", &self.signing_kid)
            .field("verifying_kids", &kids)
            .finish_non_exhaustive()
    }
}

fn token_error(err: jsonwebtoken::errors::Error) -> TokenError {
    match err.kind() {
        ErrorKind::ExpiredSignature => TokenError::Expired,
        ErrorKind::ImmatureSignature => TokenError::invalid("not valid yet: nbf is in the future"),
        ErrorKind::InvalidSignature => TokenError::invalid("bad signature"),
        ErrorKind::InvalidAudience => TokenError::invalid("wrong audience"),
        ErrorKind::InvalidIssuer => TokenError::invalid("wrong issuer"),
        ErrorKind::InvalidAlgorithm => TokenError::invalid("algorithm not accepted"),
        _ => TokenError::invalid(format!("rejected: {err}")),
    }
}

#[cfg(test)]
mod tests {
    use bantin_domain::Role;
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use chrono::{TimeDelta, Utc};
    use jsonwebtoken::{Algorithm, EncodingKey, Header};
    use serde_json::json;

    use super::*;

    const ISSUER: &str = "https://news.example";
    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef-test-only";
    const OTHER_SECRET: &[u8] = b"fedcba9876543210fedcba9876543210-test-only";

    /// The Ed25519 example key of RFC 8410 §10.3 (public: §10.1). Published; test use only.
    const ED_PRIVATE_PEM: &str = "-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC
-----END PRIVATE KEY-----
";
    const ED_PUBLIC_PEM: &str = "-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=
-----END PUBLIC KEY-----
";
    /// A second Ed25519 key (made with `openssl genpkey -algorithm ed25519`); test use only.
    const ED_OTHER_PRIVATE_PEM: &str = "-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIPjVhKyKELZmd73SR9tcUhSdA4sYWPG7Ny5dVBYyYXGn
-----END PRIVATE KEY-----
";

    fn hs_key(kid: &str, secret: &[u8]) -> JwtKey {
        JwtKey::hs256(kid, secret).expect("valid key")
    }

    fn hs_set() -> KeySet {
        KeySet::new(JwtAlgorithm::Hs256, hs_key("k1", SECRET), vec![], ISSUER).expect("valid set")
    }

    fn ed_set() -> KeySet {
        let key = JwtKey::ed25519_pem("ed1", ED_PRIVATE_PEM.as_bytes()).expect("valid key");
        KeySet::new(JwtAlgorithm::EdDsa, key, vec![], ISSUER).expect("valid set")
    }

    fn access_claims() -> Claims {
        Claims::access(7, Role::Editor, TimeDelta::minutes(15), Utc::now())
    }

    fn b64(value: &serde_json::Value) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).expect("json"))
    }

    /// Valid access-token claims as JSON, for hand-built tokens.
    fn access_json() -> serde_json::Value {
        let now = Utc::now().timestamp();
        json!({
            "sub": "7", "aud": "bantin:access", "iss": ISSUER, "exp": now + 900, "nbf": now,
            "iat": now, "jti": "abc", "role": "editor"
        })
    }

    /// Signs arbitrary JSON claims with an HS256 secret and an arbitrary header.
    fn forge(header: &Header, claims: &serde_json::Value, secret: &[u8]) -> String {
        jsonwebtoken::encode(header, claims, &EncodingKey::from_secret(secret)).expect("encodes")
    }

    fn header_with_kid(alg: Algorithm, kid: Option<&str>) -> Header {
        let mut header = Header::new(alg);
        header.kid = kid.map(str::to_owned);
        header
    }

    fn assert_invalid(result: Result<Claims, TokenError>) -> String {
        match result {
            Err(TokenError::Invalid(reason)) => reason,
            other => panic!("expected TokenError::Invalid, got {other:?}"),
        }
    }

    #[test]
    fn a_token_round_trips_and_carries_its_claims() {
        let set = hs_set();
        let claims = access_claims();
        let token = set.sign(&claims).expect("signs");
        let header = jsonwebtoken::decode_header(&token).expect("header");
        assert_eq!((header.alg, header.kid.as_deref()), (Algorithm::HS256, Some("k1")));

        let verified = set.verify(&token, Audience::Access).expect("verifies");
        assert_eq!(verified, Claims { iss: ISSUER.to_owned(), ..claims });
        assert_eq!(verified.role, Some(Role::Editor));
        assert_eq!(verified.subject_id(), Ok(7));
    }

    #[test]
    fn an_eddsa_token_round_trips_and_carries_its_claims() {
        let set = ed_set();
        let claims = Claims::preview(7, 42, TimeDelta::hours(1), Utc::now());
        let token = set.sign(&claims).expect("signs");
        let verified = set.verify(&token, Audience::Preview).expect("verifies");
        assert_eq!(verified.article, Some(42));
        assert_eq!(verified.jti, claims.jti);
    }

    #[test]
    fn a_partner_token_round_trips_with_its_scopes() {
        let set = hs_set();
        let scopes = vec!["feeds:full".to_owned(), "api:read".to_owned()];
        let claims = Claims::partner(3, scopes.clone(), Utc::now() + TimeDelta::days(30), Utc::now());
        let verified = set.verify(&set.sign(&claims).expect("signs"), Audience::Partner).expect("verifies");
        assert_eq!((verified.sub.as_str(), verified.scopes), ("3", scopes));
    }

    #[test]
    fn a_token_for_another_audience_is_invalid() {
        let set = hs_set();
        let token = set.sign(&access_claims()).expect("signs");
        assert_invalid(set.verify(&token, Audience::Preview));
        assert_invalid(set.verify(&token, Audience::Partner));
        let preview = set.sign(&Claims::preview(7, 42, TimeDelta::hours(1), Utc::now())).expect("signs");
        assert_invalid(set.verify(&preview, Audience::Access));
    }

    #[test]
    fn an_endpoint_can_accept_several_audiences_but_no_others() {
        let set = hs_set();
        let preview = set.sign(&Claims::preview(7, 42, TimeDelta::hours(1), Utc::now())).expect("signs");
        let claims = set.verify_any_of(&preview, &[Audience::Access, Audience::Preview]).expect("accepted");
        assert_eq!(claims.audience(), Some(Audience::Preview));
        assert_invalid(set.verify_any_of(&preview, &[Audience::Access, Audience::Partner]));
        assert_invalid(set.verify_any_of(&preview, &[]));
        let header = header_with_kid(Algorithm::HS256, Some("k1"));
        let mut json = access_json();
        json["aud"] = json!("bantin:elsewhere");
        assert_invalid(set.verify_any_of(&forge(&header, &json, SECRET), &Audience::ALL));
    }

    #[test]
    fn a_token_from_another_issuer_is_invalid() {
        let other = KeySet::new(JwtAlgorithm::Hs256, hs_key("k1", SECRET), vec![], "https://other.example")
            .expect("valid set");
        let token = other.sign(&access_claims()).expect("signs");
        let reason = assert_invalid(hs_set().verify(&token, Audience::Access));
        assert!(reason.contains("issuer"), "{reason}");
    }

    #[test]
    fn an_expired_token_is_expired() {
        let set = hs_set();
        let two_hours_ago = Utc::now() - TimeDelta::hours(2);
        let token =
            set.sign(&Claims::access(7, Role::Writer, TimeDelta::minutes(15), two_hours_ago)).expect("signs");
        assert_eq!(set.verify(&token, Audience::Access), Err(TokenError::Expired));
    }

    #[test]
    fn an_expired_token_with_a_bad_signature_is_invalid_not_expired() {
        let two_hours_ago = Utc::now() - TimeDelta::hours(2);
        let other =
            KeySet::new(JwtAlgorithm::Hs256, hs_key("k1", OTHER_SECRET), vec![], ISSUER).expect("set");
        let token = other
            .sign(&Claims::access(7, Role::Writer, TimeDelta::minutes(15), two_hours_ago))
            .expect("signs");
        assert_invalid(hs_set().verify(&token, Audience::Access));
    }

    #[test]
    fn clock_skew_within_the_leeway_is_tolerated() {
        let set = hs_set();
        let mut claims = access_claims();
        claims.nbf = Utc::now().timestamp() + 10;
        assert!(set.verify(&set.sign(&claims).expect("signs"), Audience::Access).is_ok());

        let mut claims = access_claims();
        claims.exp = Utc::now().timestamp() - 10;
        assert!(set.verify(&set.sign(&claims).expect("signs"), Audience::Access).is_ok());
    }

    #[test]
    fn a_token_not_valid_yet_is_invalid() {
        let set = hs_set();
        let mut claims = access_claims();
        claims.nbf = Utc::now().timestamp() + 600;
        claims.exp = claims.nbf + 900;
        let token = set.sign(&claims).expect("signs");
        let reason = assert_invalid(set.verify(&token, Audience::Access));
        assert!(reason.contains("nbf"), "{reason}");
    }

    #[test]
    fn an_alg_none_token_is_invalid() {
        let header = json!({"alg": "none", "typ": "JWT", "kid": "k1"});
        let token = format!("{}.{}.", b64(&header), b64(&access_json()));
        assert_invalid(hs_set().verify(&token, Audience::Access));
        assert_invalid(ed_set().verify(&token, Audience::Access));
        // Capitalisation games do not help either.
        let header = json!({"alg": "None", "typ": "JWT", "kid": "k1"});
        assert_invalid(
            hs_set().verify(&format!("{}.{}.", b64(&header), b64(&access_json())), Audience::Access),
        );
    }

    #[test]
    fn an_hs256_token_signed_with_another_secret_is_invalid() {
        let token = forge(&header_with_kid(Algorithm::HS256, Some("k1")), &access_json(), OTHER_SECRET);
        let reason = assert_invalid(hs_set().verify(&token, Audience::Access));
        assert!(reason.contains("signature"), "{reason}");
        // The same forgery with the right secret passes, so the test above fails for the right reason.
        let token = forge(&header_with_kid(Algorithm::HS256, Some("k1")), &access_json(), SECRET);
        assert!(hs_set().verify(&token, Audience::Access).is_ok());
    }

    #[test]
    fn another_hmac_size_with_the_right_secret_is_invalid() {
        let token = forge(&header_with_kid(Algorithm::HS384, Some("k1")), &access_json(), SECRET);
        assert_invalid(hs_set().verify(&token, Audience::Access));
    }

    #[test]
    fn an_hs256_token_using_the_eddsa_public_key_as_secret_is_invalid() {
        let token =
            forge(&header_with_kid(Algorithm::HS256, Some("ed1")), &access_json(), ED_PUBLIC_PEM.as_bytes());
        let reason = assert_invalid(ed_set().verify(&token, Audience::Access));
        assert!(reason.contains("alg"), "{reason}");
    }

    #[test]
    fn unknown_missing_and_hostile_kids_are_invalid() {
        let set = hs_set();
        let json = access_json();
        for kid in [Some("k2"), None, Some("../../etc/passwd"), Some(""), Some("k1\u{0}")] {
            let token = forge(&header_with_kid(Algorithm::HS256, kid), &json, SECRET);
            assert_invalid(set.verify(&token, Audience::Access));
        }
        let long = "x".repeat(1_000);
        let reason = assert_invalid(set.verify(
            &forge(&header_with_kid(Algorithm::HS256, Some(&long)), &json, SECRET),
            Audience::Access,
        ));
        assert!(reason.chars().count() <= 201, "reason is not bounded: {} chars", reason.len());
        let huge = "x".repeat(100_000);
        let reason = assert_invalid(set.verify(
            &forge(&header_with_kid(Algorithm::HS256, Some(&huge)), &json, SECRET),
            Audience::Access,
        ));
        assert!(reason.contains("limit"), "{reason}");
    }

    #[test]
    fn a_kid_that_is_not_a_string_is_invalid() {
        let header = json!({"alg": "HS256", "typ": "JWT", "kid": 1});
        let message = format!("{}.{}", b64(&header), b64(&access_json()));
        let signature = jsonwebtoken::crypto::sign(
            message.as_bytes(),
            &EncodingKey::from_secret(SECRET),
            Algorithm::HS256,
        )
        .expect("signs");
        assert_invalid(hs_set().verify(&format!("{message}.{signature}"), Audience::Access));
    }

    #[test]
    fn exp_or_nbf_given_as_strings_is_invalid() {
        let header = header_with_kid(Algorithm::HS256, Some("k1"));
        for field in ["exp", "nbf"] {
            let mut json = access_json();
            json[field] = json[field].to_string().into();
            assert!(json[field].is_string());
            assert_invalid(hs_set().verify(&forge(&header, &json, SECRET), Audience::Access));
        }
    }

    #[test]
    fn the_jsonwebtoken_validation_itself_refuses_string_times() {
        // `verify` already fails these at our typed `Claims` (i64 times); this pins the second
        // layer, the library's own checks, in case `Claims` ever grows a lenient time type. With
        // the claims required, an unparsable time counts as missing (MissingRequiredClaim); were
        // it optional, validate_exp/validate_nbf would give InvalidClaimFormat.
        let set = hs_set();
        let key = set.verifying.get("k1").expect("signing key is in the set");
        let header = header_with_kid(Algorithm::HS256, Some("k1"));
        let ok = forge(&header, &access_json(), SECRET);
        assert!(
            jsonwebtoken::decode::<serde_json::Value>(&ok, key, &set.validation(&[Audience::Access])).is_ok()
        );
        for field in ["exp", "nbf"] {
            let mut json = access_json();
            json[field] = json[field].to_string().into();
            let token = forge(&header, &json, SECRET);
            let err =
                jsonwebtoken::decode::<serde_json::Value>(&token, key, &set.validation(&[Audience::Access]))
                    .expect_err("string time refused");
            assert!(
                matches!(
                    err.kind(),
                    ErrorKind::MissingRequiredClaim(claim) | ErrorKind::InvalidClaimFormat(claim) if claim == field
                ),
                "{field}: {err:?}"
            );
        }
    }

    #[test]
    fn missing_registered_claims_are_invalid() {
        let header = header_with_kid(Algorithm::HS256, Some("k1"));
        for field in ["exp", "nbf", "iss", "aud", "sub", "jti"] {
            let mut json = access_json();
            json.as_object_mut().expect("object").remove(field);
            assert_invalid(hs_set().verify(&forge(&header, &json, SECRET), Audience::Access));
        }
    }

    #[test]
    fn an_audience_list_or_a_foreign_role_is_invalid() {
        let header = header_with_kid(Algorithm::HS256, Some("k1"));
        let mut json = access_json();
        json["aud"] = json!(["bantin:access", "bantin:preview"]);
        assert_invalid(hs_set().verify(&forge(&header, &json, SECRET), Audience::Access));
        let mut json = access_json();
        json["role"] = json!("root");
        assert_invalid(hs_set().verify(&forge(&header, &json, SECRET), Audience::Access));
        let mut json = access_json();
        json.as_object_mut().expect("object").remove("role");
        assert_invalid(hs_set().verify(&forge(&header, &json, SECRET), Audience::Access));
    }

    #[test]
    fn malformed_tokens_are_invalid_without_panicking() {
        let set = hs_set();
        for token in ["", ".", "..", "a.b.c", "a.b", "a.b.c.d", "eyJ.eyJ.", "\u{0}.\u{0}.\u{0}", "é.é.é"] {
            assert_invalid(set.verify(token, Audience::Access));
        }
        let header = b64(&json!({"alg": "EdDSA", "typ": "JWT", "kid": "ed1"}));
        let token = format!("{header}.{}.AAAA", b64(&access_json()));
        assert_invalid(ed_set().verify(&token, Audience::Access));
    }

    #[test]
    fn a_crit_header_is_invalid() {
        let mut header = header_with_kid(Algorithm::HS256, Some("k1"));
        header.crit = Some(vec!["exp".to_owned()]);
        assert_invalid(hs_set().verify(&forge(&header, &access_json(), SECRET), Audience::Access));
    }

    #[test]
    fn rotation_keeps_old_tokens_verifying_until_the_old_key_is_dropped() {
        let old = hs_key("2025-01", SECRET);
        let new = hs_key("2025-06", OTHER_SECRET);
        let before = KeySet::new(JwtAlgorithm::Hs256, old.clone(), vec![], ISSUER).expect("set");
        let old_token = before.sign(&access_claims()).expect("signs");

        let rotated = KeySet::new(JwtAlgorithm::Hs256, new.clone(), vec![old], ISSUER).expect("set");
        assert!(rotated.verify(&old_token, Audience::Access).is_ok());
        let new_token = rotated.sign(&access_claims()).expect("signs");
        assert_eq!(jsonwebtoken::decode_header(&new_token).expect("header").kid.as_deref(), Some("2025-06"));
        assert!(rotated.verify(&new_token, Audience::Access).is_ok());
        assert_invalid(before.verify(&new_token, Audience::Access));

        let dropped = KeySet::new(JwtAlgorithm::Hs256, new, vec![], ISSUER).expect("set");
        assert_invalid(dropped.verify(&old_token, Audience::Access));
        assert!(dropped.verify(&new_token, Audience::Access).is_ok());
    }

    #[test]
    fn an_eddsa_key_can_be_retired_to_its_public_half() {
        let old_token = ed_set().sign(&access_claims()).expect("signs");
        let new = JwtKey::ed25519_pem("ed2", ED_OTHER_PRIVATE_PEM.as_bytes()).expect("key");
        let retired = JwtKey::ed25519_public_pem("ed1", ED_PUBLIC_PEM.as_bytes()).expect("key");
        assert!(!retired.can_sign());
        let rotated = KeySet::new(JwtAlgorithm::EdDsa, new, vec![retired.clone()], ISSUER).expect("set");
        assert!(rotated.verify(&old_token, Audience::Access).is_ok());

        assert!(matches!(
            KeySet::new(JwtAlgorithm::EdDsa, retired, vec![], ISSUER),
            Err(AuthError::VerifyOnlyKey(kid)) if kid == "ed1"
        ));
    }

    #[test]
    fn an_eddsa_token_signed_by_another_key_under_a_known_kid_is_invalid() {
        let impostor = JwtKey::ed25519_pem("ed1", ED_OTHER_PRIVATE_PEM.as_bytes()).expect("key");
        let impostor = KeySet::new(JwtAlgorithm::EdDsa, impostor, vec![], ISSUER).expect("set");
        let token = impostor.sign(&access_claims()).expect("signs");
        assert_invalid(ed_set().verify(&token, Audience::Access));
    }

    #[test]
    fn a_dev_key_survives_being_stored_and_loaded() {
        let (key, stored) = JwtKey::generate_dev();
        let loaded = JwtKey::from_stored(&format!("{stored}\n")).expect("loads");
        assert_eq!(loaded.kid, key.kid);
        let signer = KeySet::new(JwtAlgorithm::Hs256, key, vec![], ISSUER).expect("set");
        let verifier = KeySet::new(JwtAlgorithm::Hs256, loaded, vec![], ISSUER).expect("set");
        let token = signer.sign(&access_claims()).expect("signs");
        assert!(verifier.verify(&token, Audience::Access).is_ok());
        assert!(verifier.sign(&access_claims()).is_ok());

        let (other, other_stored) = JwtKey::generate_dev();
        assert_ne!(stored, other_stored);
        let other = KeySet::new(JwtAlgorithm::Hs256, other, vec![], ISSUER).expect("set");
        assert_invalid(other.verify(&token, Audience::Access));
    }

    #[test]
    fn a_damaged_stored_key_is_refused_with_the_fix() {
        let (_, stored) = JwtKey::generate_dev();
        for text in [
            "",
            "garbage",
            &stored.replace("hs256", "hs512"),
            &stored[..stored.len() - 10],
            &format!("{stored}!"),
        ] {
            let err = JwtKey::from_stored(text).expect_err("refused");
            assert!(err.to_string().contains("delete the key file"), "{err}");
        }
    }

    #[test]
    fn keys_are_checked_when_they_are_loaded() {
        assert!(matches!(JwtKey::hs256("k", &[7; 31]), Err(AuthError::WeakSecret { len: 31, .. })));
        assert!(JwtKey::hs256("k", &[7; 32]).is_ok());
        for kid in ["", "../../etc/passwd", "a b", &"x".repeat(65)] {
            assert!(matches!(JwtKey::hs256(kid, SECRET), Err(AuthError::InvalidKid { .. })), "{kid}");
        }
        assert!(matches!(
            JwtKey::ed25519_pem("k", ED_PUBLIC_PEM.as_bytes()),
            Err(AuthError::Ed25519PrivateKey { .. })
        ));
        assert!(matches!(JwtKey::ed25519_pem("k", b"not a pem"), Err(AuthError::Ed25519PrivateKey { .. })));
        assert!(matches!(
            JwtKey::ed25519_public_pem("k", ED_PRIVATE_PEM.as_bytes()),
            Err(AuthError::Ed25519PublicKey { .. })
        ));
        let debug = format!("{:?}", hs_key("k1", SECRET));
        assert!(!debug.contains("0123456789"), "{debug}");
    }

    #[test]
    fn a_key_set_refuses_mixed_algorithms_duplicate_kids_and_an_empty_issuer() {
        let ed = JwtKey::ed25519_pem("ed1", ED_PRIVATE_PEM.as_bytes()).expect("key");
        assert!(matches!(
            KeySet::new(JwtAlgorithm::Hs256, hs_key("k1", SECRET), vec![ed.clone()], ISSUER),
            Err(AuthError::AlgorithmMismatch { .. })
        ));
        assert!(matches!(
            KeySet::new(JwtAlgorithm::Hs256, ed, vec![], ISSUER),
            Err(AuthError::AlgorithmMismatch { .. })
        ));
        assert!(matches!(
            KeySet::new(JwtAlgorithm::Hs256, hs_key("k1", SECRET), vec![hs_key("k1", OTHER_SECRET)], ISSUER),
            Err(AuthError::DuplicateKid(kid)) if kid == "k1"
        ));
        assert!(matches!(
            KeySet::new(JwtAlgorithm::Hs256, hs_key("k1", SECRET), vec![], " "),
            Err(AuthError::EmptyIssuer)
        ));
        let mut renamed = hs_key("k1", SECRET);
        renamed.kid = "bad kid".to_owned();
        assert!(matches!(
            KeySet::new(JwtAlgorithm::Hs256, renamed, vec![], ISSUER),
            Err(AuthError::InvalidKid { .. })
        ));
    }

    #[test]
    fn signing_refuses_claims_without_a_known_audience_or_shape() {
        let set = hs_set();
        let claims = Claims { aud: "someone-else".to_owned(), ..access_claims() };
        assert!(matches!(set.sign(&claims), Err(AuthError::Claims(_))));
        let claims = Claims { role: None, ..access_claims() };
        assert!(matches!(set.sign(&claims), Err(AuthError::Claims(_))));
    }

    #[test]
    fn algorithm_names_parse_case_insensitively() {
        assert_eq!(JwtAlgorithm::parse("HS256").ok(), Some(JwtAlgorithm::Hs256));
        assert_eq!(JwtAlgorithm::parse("eddsa").ok(), Some(JwtAlgorithm::EdDsa));
        assert_eq!(JwtAlgorithm::parse("Ed25519").ok(), Some(JwtAlgorithm::EdDsa));
        assert!(JwtAlgorithm::parse("none").is_err());
        assert!(JwtAlgorithm::parse("RS256").is_err());
    }
}
