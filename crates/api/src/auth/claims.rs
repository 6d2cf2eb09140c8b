//! The one claims type REST and GraphQL share, and the audiences that keep token kinds apart.

use std::fmt;

use bantin_domain::Role;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::TokenError;

/// Who a token is for. Each is a distinct `aud` string, so a token minted for one purpose is
/// refused everywhere else (a preview link cannot be replayed as an access token).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Audience {
    /// A signed-in newsroom user calling the API.
    Access,
    /// A shareable link that opens one unpublished article.
    Preview,
    /// A partner integration (feeds, read API) identified by a partner token id.
    Partner,
}

impl Audience {
    pub const ALL: [Audience; 3] = [Audience::Access, Audience::Preview, Audience::Partner];

    /// The `aud` claim value.
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Access => "bantin:access",
            Audience::Preview => "bantin:preview",
            Audience::Partner => "bantin:partner",
        }
    }

    /// The audience whose `aud` string this is, if any.
    pub fn parse(aud: &str) -> Option<Audience> {
        Audience::ALL.into_iter().find(|a| a.as_str() == aud)
    }
}

impl fmt::Display for Audience {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The claims of every token bantin signs. Times are Unix seconds.
///
/// Build them with [`Claims::access`], [`Claims::preview`] or [`Claims::partner`]; `iss` is filled
/// in by [`KeySet::sign`](super::KeySet::sign) and `aud` comes from the constructor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Access: the user id. Preview: the id of the user who issued the link. Partner: the partner
    /// token id. Always a decimal integer; see [`Claims::subject_id`].
    pub sub: String,
    pub aud: String,
    pub iss: String,
    pub exp: i64,
    pub nbf: i64,
    pub iat: i64,
    /// A random id (128 bits, base64url), so single tokens can be told apart in logs or denied.
    pub jti: String,
    /// Access tokens only: the user's role, as [`Role::as_str`].
    #[serde(default, skip_serializing_if = "Option::is_none", with = "role_claim")]
    pub role: Option<Role>,
    /// Preview tokens only: the one article they open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<i64>,
    /// Partner tokens only: what the partner may do, e.g. `feeds:full`, `api:read`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
}

impl Claims {
    /// An access token for a signed-in user, valid for `ttl` from `now`.
    pub fn access(user_id: i64, role: Role, ttl: TimeDelta, now: DateTime<Utc>) -> Claims {
        Claims { role: Some(role), ..Claims::base(Audience::Access, user_id, expiry(now, ttl), now) }
    }

    /// A preview link for one article, issued by `user_id`, valid for `ttl` from `now`.
    pub fn preview(user_id: i64, article_id: i64, ttl: TimeDelta, now: DateTime<Utc>) -> Claims {
        Claims {
            article: Some(article_id),
            ..Claims::base(Audience::Preview, user_id, expiry(now, ttl), now)
        }
    }

    /// A partner token (the database row `token_id`) with its scopes, valid until `expires_at`.
    pub fn partner(
        token_id: i64,
        scopes: Vec<String>,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Claims {
        Claims { scopes, ..Claims::base(Audience::Partner, token_id, expires_at.timestamp(), now) }
    }

    fn base(audience: Audience, subject: i64, exp: i64, now: DateTime<Utc>) -> Claims {
        let now = now.timestamp();
        Claims {
            sub: subject.to_string(),
            aud: audience.as_str().to_owned(),
            iss: String::new(),
            exp,
            nbf: now,
            iat: now,
            jti: URL_SAFE_NO_PAD.encode(rand::random::<[u8; 16]>()),
            role: None,
            article: None,
            scopes: Vec::new(),
        }
    }

    /// The audience named by `aud`, if it is one of ours.
    pub fn audience(&self) -> Option<Audience> {
        Audience::parse(&self.aud)
    }

    /// `sub` as the id it holds (user id or partner token id).
    pub fn subject_id(&self) -> Result<i64, TokenError> {
        self.sub.parse().map_err(|_| TokenError::invalid("sub is not an integer id"))
    }

    /// Whether a partner token carries `scope`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    /// Checks that the claims have the shape their audience calls for: `sub` an integer id, a
    /// `jti`, `role` only and always on access tokens, `article` only and always on preview
    /// tokens, `scopes` only on partner tokens. Returns the reason when they do not.
    pub(crate) fn check_shape(&self, audience: Audience) -> Result<(), String> {
        if self.sub.parse::<i64>().is_err() {
            return Err("sub is not an integer id".to_owned());
        }
        if self.jti.is_empty() {
            return Err("jti is empty".to_owned());
        }
        let (role, article, scopes) = (self.role.is_some(), self.article.is_some(), !self.scopes.is_empty());
        let fits = match audience {
            Audience::Access => role && !article && !scopes,
            Audience::Preview => article && !role && !scopes,
            Audience::Partner => !role && !article,
        };
        if fits {
            Ok(())
        } else {
            Err(format!(
                "claims do not fit a {audience} token (role: {role}, article: {article}, scopes: {scopes})"
            ))
        }
    }
}

/// `now + ttl` in Unix seconds, saturating instead of overflowing on absurd TTLs.
fn expiry(now: DateTime<Utc>, ttl: TimeDelta) -> i64 {
    now.timestamp().saturating_add(ttl.num_seconds())
}

/// Serialises `Option<Role>` as the role's `as_str`, refusing unknown role names.
mod role_claim {
    use bantin_domain::Role;
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    pub(super) fn serialize<S: Serializer>(role: &Option<Role>, serializer: S) -> Result<S::Ok, S::Error> {
        match role {
            Some(role) => serializer.serialize_str(role.as_str()),
            None => serializer.serialize_none(),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Role>, D::Error> {
        match Option::<String>::deserialize(deserializer)? {
            Some(name) => Role::parse(&name).map(Some).map_err(D::Error::custom),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(seconds, 0).expect("valid timestamp")
    }

    #[test]
    fn constructors_fill_times_audience_and_their_own_claim() {
        let now = at(1_700_000_000);
        let access = Claims::access(7, Role::Editor, TimeDelta::minutes(15), now);
        assert_eq!((access.sub.as_str(), access.aud.as_str()), ("7", "bantin:access"));
        assert_eq!((access.iat, access.nbf, access.exp), (1_700_000_000, 1_700_000_000, 1_700_000_900));
        assert_eq!(access.role, Some(Role::Editor));
        assert!(access.check_shape(Audience::Access).is_ok());

        let preview = Claims::preview(7, 42, TimeDelta::hours(1), now);
        assert_eq!((preview.article, preview.aud.as_str()), (Some(42), "bantin:preview"));
        assert!(preview.check_shape(Audience::Preview).is_ok());
        assert!(preview.check_shape(Audience::Access).is_err());

        let partner = Claims::partner(3, vec!["feeds:full".to_owned()], at(1_800_000_000), now);
        assert_eq!((partner.sub.as_str(), partner.exp), ("3", 1_800_000_000));
        assert!(partner.has_scope("feeds:full") && !partner.has_scope("api:read"));
        assert!(partner.check_shape(Audience::Partner).is_ok());
        assert_eq!(partner.subject_id(), Ok(3));
    }

    #[test]
    fn every_token_gets_a_fresh_jti() {
        let now = at(1_700_000_000);
        let a = Claims::access(1, Role::Writer, TimeDelta::minutes(1), now);
        let b = Claims::access(1, Role::Writer, TimeDelta::minutes(1), now);
        assert_ne!(a.jti, b.jti);
        assert_eq!(a.jti.len(), 22);
    }

    #[test]
    fn an_absurd_ttl_saturates_instead_of_panicking() {
        let claims = Claims::access(1, Role::Admin, TimeDelta::MAX, at(1_700_000_000));
        assert!(claims.exp > 1_700_000_000);
    }

    #[test]
    fn the_role_travels_as_its_name_and_unknown_roles_do_not_parse() {
        let claims = Claims::access(1, Role::Admin, TimeDelta::minutes(1), at(1_700_000_000));
        let json = serde_json::to_value(&claims).expect("serialises");
        assert_eq!(json["role"], "admin");
        assert!(json.get("article").is_none() && json.get("scopes").is_none());

        let mut tampered = json.clone();
        tampered["role"] = "superuser".into();
        assert!(serde_json::from_value::<Claims>(tampered).is_err());
        assert_eq!(serde_json::from_value::<Claims>(json).expect("parses"), claims);
    }
}
