//! Password hashing with argon2id (PHC strings, the argon2 crate's default parameters).
//!
//! Passwords never appear in errors or logs: only argon2's own error text is passed on.

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};

use super::AuthError;

/// An argon2id hash with the default parameters (m=19456, t=2, p=1) of a password nobody knows.
/// [`verify_password`] checks against it when there is no user, so that the answer takes as long
/// as for a real user. A test keeps its parameters equal to the defaults [`hash_password`] uses.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$qYRYjhJpcB8bOp5DP04t2g$RaHUmsc5bZvDqsyNT1XiERGG+tD/v5q/tlF2Y6vmD4A";

/// Hashes a password with argon2id and a fresh random salt, as a PHC string
/// (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) that records its own parameters.
pub fn hash_password(password: &str) -> Result<String, AuthError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| AuthError::PasswordHash(e.to_string()))
}

/// Whether `password` matches `stored_hash`, using the parameters recorded in the hash.
///
/// With `None` (no such user), or a stored hash that does not parse, it still does the same
/// argon2 work against a fixed dummy hash and returns `false`, so the response time does not
/// reveal whether an email address has an account.
pub fn verify_password(password: &str, stored_hash: Option<&str>) -> bool {
    let argon2 = Argon2::default();
    match stored_hash.and_then(|hash| PasswordHash::new(hash).ok()) {
        Some(hash) => argon2.verify_password(password.as_bytes(), &hash).is_ok(),
        None => {
            if let Ok(dummy) = PasswordHash::new(DUMMY_HASH) {
                // The outcome is irrelevant: only the time spent matters.
                let _ = argon2.verify_password(password.as_bytes(), &dummy);
            }
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use argon2::Params;

    use super::*;

    #[test]
    fn a_hashed_password_verifies_and_a_wrong_one_does_not() {
        let hash = hash_password("correct horse battery staple").expect("hashes");
        assert!(verify_password("correct horse battery staple", Some(&hash)));
        assert!(!verify_password("correct horse battery stapler", Some(&hash)));
        assert!(!verify_password("", Some(&hash)));
    }

    #[test]
    fn an_unknown_user_never_verifies() {
        assert!(!verify_password("correct horse battery staple", None));
        assert!(!verify_password("", None));
        assert!(!verify_password("anything", Some("not a phc string")));
    }

    #[test]
    fn the_hash_is_an_argon2id_phc_string_without_the_password() {
        let password = "hunter2-hunter2";
        let hash = hash_password(password).expect("hashes");
        assert!(hash.starts_with("$argon2id$v=19$"), "{hash}");
        assert!(!hash.contains(password));
        assert_ne!(hash_password(password).expect("hashes"), hash, "each hash gets a fresh salt");
    }

    #[test]
    fn the_dummy_hash_costs_what_a_real_hash_costs() {
        let dummy = PasswordHash::new(DUMMY_HASH).expect("the dummy hash parses");
        let real_hash = hash_password("x").expect("hashes");
        let real = PasswordHash::new(&real_hash).expect("parses");
        assert_eq!(dummy.algorithm, real.algorithm);
        assert_eq!(dummy.version, real.version);
        let dummy_params = Params::try_from(&dummy).expect("params");
        let real_params = Params::try_from(&real).expect("params");
        assert_eq!(
            (dummy_params.m_cost(), dummy_params.t_cost(), dummy_params.p_cost(), dummy_params.output_len()),
            (real_params.m_cost(), real_params.t_cost(), real_params.p_cost(), real_params.output_len())
        );
        assert!(dummy.hash.is_some());
    }
}
