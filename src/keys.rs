//! Where JWT signing keys come from: configuration, or (in development builds only) a key
//! generated on first run and kept in a file. Release builds refuse to start without a key.

use std::{fmt, path::Path, str::FromStr};

use anyhow::{Context, bail};
use bantin_api::auth::{JwtAlgorithm, JwtKey, KeySet};
use clap::Args;

/// A secret from configuration. Its `Debug` never shows the value, so settings can be logged.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_owned()))
    }
}

#[derive(Debug, Clone, Args)]
pub struct JwtSettings {
    /// Signing algorithm: HS256 (shared secret) or EdDSA (Ed25519 key pair). Tokens signed any other way are refused.
    #[arg(long, env = "BANTIN_JWT_ALGORITHM", default_value = "HS256")]
    pub jwt_algorithm: String,

    /// HS256: the signing secret (at least 32 bytes). Required in release builds unless an EdDSA key file is given.
    #[arg(long, env = "BANTIN_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<Secret>,

    /// EdDSA: path to the PKCS#8 PEM private key that signs tokens.
    #[arg(long, env = "BANTIN_JWT_PRIVATE_KEY_FILE")]
    pub jwt_private_key_file: Option<std::path::PathBuf>,

    /// Key id written into each token's header (`kid`); change it when you roll in a new key.
    #[arg(long, env = "BANTIN_JWT_KID", default_value = "k1")]
    pub jwt_kid: String,

    /// Older keys that still verify during a rotation, comma-separated `KID=SECRET` (HS256) or
    /// `KID=PEM_FILE` (EdDSA, public or private key).
    #[arg(long, env = "BANTIN_JWT_PREVIOUS_KEYS", hide_env_values = true)]
    pub jwt_previous_keys: Option<Secret>,

    /// `iss` of every token; verification requires it.
    #[arg(long, env = "BANTIN_JWT_ISSUER", default_value = "bantin")]
    pub jwt_issuer: String,

    /// Development builds only: where the generated key is kept when no key is configured.
    #[arg(long, env = "BANTIN_JWT_DEV_KEY_FILE", default_value = "data/jwt-dev.key")]
    pub jwt_dev_key_file: std::path::PathBuf,
}

fn read_pem(kid: &str, path: &Path) -> anyhow::Result<JwtKey> {
    let pem = std::fs::read(path).with_context(|| format!("reading the EdDSA key {}", path.display()))?;
    JwtKey::ed25519_pem(kid, &pem)
        .or_else(|_| JwtKey::ed25519_public_pem(kid, &pem))
        .with_context(|| format!("{} is not an Ed25519 PEM key", path.display()))
}

fn previous_keys(settings: &JwtSettings, algorithm: JwtAlgorithm) -> anyhow::Result<Vec<JwtKey>> {
    let Some(list) = &settings.jwt_previous_keys else { return Ok(Vec::new()) };
    list.expose()
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            let (kid, material) = entry
                .split_once('=')
                .context("BANTIN_JWT_PREVIOUS_KEYS entries are KID=SECRET (HS256) or KID=PEM_FILE (EdDSA)")?;
            match algorithm {
                JwtAlgorithm::Hs256 => Ok(JwtKey::hs256(kid, material.as_bytes())?),
                JwtAlgorithm::EdDsa => read_pem(kid, Path::new(material)),
            }
        })
        .collect()
}

/// The development key: read from `path`, or generated and written there (with a warning).
fn dev_key(path: &Path) -> anyhow::Result<JwtKey> {
    if let Ok(text) = std::fs::read_to_string(path) {
        return JwtKey::from_stored(&text)
            .with_context(|| format!("reading the development JWT key {}", path.display()));
    }
    let (key, stored) = JwtKey::generate_dev();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(path, stored)
        .with_context(|| format!("writing the development JWT key {}", path.display()))?;
    tracing::warn!(
        path = %path.display(),
        "no JWT key configured: generated a development key; set BANTIN_JWT_SECRET (or an EdDSA key file) in production"
    );
    Ok(key)
}

/// Builds the key set from settings. `allow_dev_key` is false in release builds.
pub fn key_set(settings: &JwtSettings, allow_dev_key: bool) -> anyhow::Result<KeySet> {
    let algorithm = JwtAlgorithm::parse(&settings.jwt_algorithm)?;
    let signing = match (algorithm, &settings.jwt_secret, &settings.jwt_private_key_file) {
        (JwtAlgorithm::Hs256, Some(secret), _) => {
            JwtKey::hs256(settings.jwt_kid.clone(), secret.expose().as_bytes())?
        }
        (JwtAlgorithm::EdDsa, _, Some(path)) => read_pem(&settings.jwt_kid, path)?,
        (JwtAlgorithm::Hs256, None, _) if allow_dev_key => dev_key(&settings.jwt_dev_key_file)?,
        (JwtAlgorithm::Hs256, None, _) => {
            bail!(
                "no JWT key: set BANTIN_JWT_SECRET to at least 32 random bytes (e.g. `openssl rand -base64 48`)"
            )
        }
        (JwtAlgorithm::EdDsa, _, None) => {
            bail!("EdDSA needs BANTIN_JWT_PRIVATE_KEY_FILE (a PKCS#8 PEM Ed25519 key)")
        }
    };
    Ok(KeySet::new(algorithm, signing, previous_keys(settings, algorithm)?, settings.jwt_issuer.clone())?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(dir: &Path) -> JwtSettings {
        JwtSettings {
            jwt_algorithm: "HS256".into(),
            jwt_secret: None,
            jwt_private_key_file: None,
            jwt_kid: "k1".into(),
            jwt_previous_keys: None,
            jwt_issuer: "bantin".into(),
            jwt_dev_key_file: dir.join("keys/jwt-dev.key"),
        }
    }

    #[test]
    fn release_builds_refuse_to_start_without_a_key_and_say_which_to_set() {
        let dir = tempfile::tempdir().expect("temp dir");
        let err = key_set(&settings(dir.path()), false).expect_err("no key");
        assert!(err.to_string().contains("BANTIN_JWT_SECRET"), "{err}");
        assert!(!dir.path().join("keys/jwt-dev.key").exists(), "no key is generated");
    }

    #[test]
    fn development_builds_generate_a_key_once_and_reuse_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let first = key_set(&settings(dir.path()), true).expect("generated");
        let stored = std::fs::read_to_string(dir.path().join("keys/jwt-dev.key")).expect("written");
        let second = key_set(&settings(dir.path()), true).expect("reloaded");
        assert_eq!(stored, std::fs::read_to_string(dir.path().join("keys/jwt-dev.key")).expect("unchanged"));
        assert_eq!(first.signing_kid(), second.signing_kid());
    }

    #[test]
    fn a_short_secret_and_an_unknown_algorithm_are_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut weak = settings(dir.path());
        weak.jwt_secret = Some("short".parse().expect("secret"));
        assert!(key_set(&weak, true).is_err());
        let mut unknown = settings(dir.path());
        unknown.jwt_algorithm = "RS256".into();
        assert!(key_set(&unknown, true).is_err());
        let mut eddsa = settings(dir.path());
        eddsa.jwt_algorithm = "EdDSA".into();
        let err = key_set(&eddsa, true).expect_err("no key file");
        assert!(err.to_string().contains("BANTIN_JWT_PRIVATE_KEY_FILE"));
    }

    #[test]
    fn secrets_never_show_in_debug_output() {
        let secret: Secret = "super-secret-value".parse().expect("secret");
        assert_eq!(format!("{secret:?}"), "Secret(***)");
    }
}
