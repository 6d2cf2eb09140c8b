//! What every handler shares: the content repository and the API's configuration.

use std::sync::Arc;

use bantin_domain::{ContentReader, NewsroomStore, Publication};
use chrono::TimeDelta;

use crate::auth::KeySet;

/// Limits on GraphQL documents, checked before any resolver (and so any SQL) runs. The defaults
/// follow what GitHub, Shopify, Apollo Router and Hasura enforce (the README says where ours
/// differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GraphqlLimits {
    /// Deepest nesting of selections, for anonymous callers and for callers with a token.
    pub max_depth: usize,
    pub max_depth_authenticated: usize,
    /// Each field costs 1; list fields multiply their children's cost by `first`.
    pub max_complexity: usize,
    pub max_complexity_authenticated: usize,
    /// Directives on one field.
    pub max_directives: usize,
    pub shape: crate::graphql::shape::ShapeLimits,
    /// Operations in one batched request (callers with a token only).
    pub max_batch: usize,
    /// An operation running longer is stopped.
    pub timeout: std::time::Duration,
    /// Introspection and field suggestions; off by default in release builds.
    pub introspection: bool,
}

impl Default for GraphqlLimits {
    fn default() -> Self {
        GraphqlLimits {
            max_depth: 10,
            max_depth_authenticated: 15,
            max_complexity: 500,
            max_complexity_authenticated: 1_000,
            max_directives: 5,
            shape: crate::graphql::shape::ShapeLimits { max_aliases: 30, max_root_fields: 20 },
            max_batch: 10,
            timeout: std::time::Duration::from_secs(10),
            introspection: cfg!(debug_assertions),
        }
    }
}

/// The API's configuration, from the server's settings.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    pub publication: Publication,
    /// Largest request body accepted, in bytes; larger ones get 413 before being read whole.
    pub max_body_bytes: usize,
    /// The same for callers with a token (editors save whole articles).
    pub max_body_bytes_authenticated: usize,
    pub graphql: GraphqlLimits,
    /// Serve the GraphiQL IDE when a browser opens `/graphql`.
    pub graphiql: bool,
    pub tokens: TokenLifetimes,
    pub related: bantin_domain::related::RelatedWeights,
    /// Keep ranked related lists until content changes (off only to measure ranking itself).
    pub related_cache: bool,
    /// Seconds feeds and sitemaps may be cached.
    pub feed_max_age: u32,
    /// Seconds anonymous REST answers may be cached, and how long a CDN may serve them stale
    /// while it revalidates.
    pub cache_max_age: u32,
    pub stale_while_revalidate: u32,
    /// Bytes of whole anonymous responses kept in memory; 0 switches the response cache off.
    pub response_cache_bytes: u64,
    /// Where to POST the surrogate keys a change made stale ([`crate::purge`]).
    pub purge_url: Option<String>,
    pub rate_limits: crate::rate_limit::RateLimitSettings,
    /// Browser origins whose pages may call the API ([`crate::cors`]).
    pub cors_origins: crate::cors::AllowedOrigins,
}

/// How long each kind of credential lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenLifetimes {
    pub access: TimeDelta,
    pub refresh: TimeDelta,
    pub preview: TimeDelta,
}

impl Default for TokenLifetimes {
    fn default() -> Self {
        TokenLifetimes {
            access: TimeDelta::minutes(15),
            refresh: TimeDelta::days(30),
            preview: TimeDelta::hours(6),
        }
    }
}

/// Shared by every request. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub content: Arc<dyn ContentReader>,
    pub newsroom: Arc<dyn NewsroomStore>,
    pub keys: Arc<KeySet>,
    pub config: Arc<ApiConfig>,
    pub related_cache: Arc<crate::related::RelatedCache>,
    pub responses: Arc<crate::http_cache::ResponseCache>,
    pub(crate) persisted_queries: Arc<crate::graphql::persisted::PersistedQueries>,
    pub(crate) parsed_documents: Arc<crate::graphql::documents::ParsedDocuments>,
    pub purge: Arc<crate::purge::PurgeHook>,
    pub rate_limits: Arc<crate::rate_limit::RateLimits>,
}

impl AppState {
    pub fn new(
        content: Arc<dyn ContentReader>,
        newsroom: Arc<dyn NewsroomStore>,
        keys: KeySet,
        config: ApiConfig,
    ) -> AppState {
        AppState {
            content,
            newsroom,
            keys: Arc::new(keys),
            responses: Arc::new(crate::http_cache::ResponseCache::new(config.response_cache_bytes)),
            purge: Arc::new(crate::purge::PurgeHook::new(config.purge_url.clone())),
            rate_limits: Arc::new(crate::rate_limit::RateLimits::new(config.rate_limits)),
            config: Arc::new(config),
            related_cache: Arc::default(),
            persisted_queries: Arc::default(),
            parsed_documents: Arc::default(),
        }
    }
}
