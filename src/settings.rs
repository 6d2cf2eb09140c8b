//! Every setting of the server, read once in `main` from flags or `BANTIN_*` environment variables
//! and passed down. Tests build these structs in code (port 0, a temporary database).
//! The doc comment of each field is its `--help` text.

use std::{net::SocketAddr, time::Duration};

use bantin_api::{
    ApiConfig, GraphqlLimits, TokenLifetimes, cors::AllowedOrigins, graphql::shape::ShapeLimits,
    rate_limit::RateLimitSettings,
};
use chrono::TimeDelta;

use crate::keys::JwtSettings;
use bantin_domain::{Publication, related::RelatedWeights};
use bantin_persistence::StoreOptions;
use clap::Args;

#[derive(Debug, Clone, Args)]
pub struct DatabaseSettings {
    /// Database to use: `sqlite://PATH?mode=rwc` (embedded, the default) or `postgres://USER@HOST/DB`.
    #[arg(
        long = "database-url",
        env = "BANTIN_DATABASE_URL",
        default_value = "sqlite://data/bantin.db?mode=rwc",
        global = true
    )]
    pub url: String,

    /// Database connections per server (readers; SQLite always has exactly one writer).
    #[arg(
        long = "database-max-connections",
        env = "BANTIN_DATABASE_MAX_CONNECTIONS",
        default_value_t = 8,
        global = true
    )]
    pub max_connections: u32,

    /// PostgreSQL read replica for public reads (writes and newsroom reads stay on the primary).
    #[arg(long = "database-read-url", env = "BANTIN_DATABASE_READ_URL", global = true)]
    pub read_url: Option<String>,

    /// PostgreSQL: seconds after which the server cancels a statement.
    #[arg(
        long = "database-statement-timeout",
        env = "BANTIN_DATABASE_STATEMENT_TIMEOUT",
        default_value_t = 30,
        global = true
    )]
    pub statement_timeout_secs: u64,

    /// Seconds a request waits for a free database connection before failing.
    #[arg(
        long = "database-acquire-timeout",
        env = "BANTIN_DATABASE_ACQUIRE_TIMEOUT",
        default_value_t = 5,
        global = true
    )]
    pub acquire_timeout_secs: u64,

    /// SQLite: seconds a write waits for another process (a seed, a backup, a second server)
    /// to release the file's write lock before it fails with 503.
    #[arg(
        long = "database-busy-timeout",
        env = "BANTIN_DATABASE_BUSY_TIMEOUT",
        default_value_t = 5,
        global = true
    )]
    pub busy_timeout_secs: u64,
}

impl DatabaseSettings {
    pub fn store_options(&self) -> StoreOptions {
        StoreOptions {
            max_connections: self.max_connections.max(1),
            acquire_timeout: Duration::from_secs(self.acquire_timeout_secs),
            sqlite_busy_timeout: Duration::from_secs(self.busy_timeout_secs),
            statement_timeout: Duration::from_secs(self.statement_timeout_secs.max(1)),
            read_url: self.read_url.clone(),
            ..StoreOptions::default()
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct HttpSettings {
    /// Address and port to listen on; port 0 picks a free one.
    #[arg(long, env = "BANTIN_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// HTTP worker threads; 0 means one per CPU core.
    #[arg(long, env = "BANTIN_WORKERS", default_value_t = 0)]
    pub workers: usize,

    /// Largest request body accepted without a token, in bytes (larger ones get 413).
    #[arg(long, env = "BANTIN_MAX_BODY_BYTES", default_value_t = 256 * 1024)]
    pub max_body_bytes: usize,

    /// Largest request body accepted with a token (editors save whole articles).
    #[arg(long, env = "BANTIN_MAX_BODY_BYTES_AUTHENTICATED", default_value_t = 2 * 1024 * 1024)]
    pub max_body_bytes_authenticated: usize,

    /// Seconds a client has to send a request's headers before getting 408 (slow clients hold
    /// connections open otherwise).
    #[arg(long, env = "BANTIN_CLIENT_TIMEOUT", default_value_t = 10)]
    pub client_timeout_secs: u64,

    /// Browser origins whose pages may call the API (CORS): `*` for any (the only credential is a
    /// bearer token, so no page can act for a reader whose token it lacks), a comma-separated list
    /// such as `https://news.example.com,http://localhost:3000`, or `none`.
    #[arg(long, env = "BANTIN_CORS_ORIGINS", default_value = "*")]
    pub cors_origins: AllowedOrigins,
}

#[derive(Debug, Clone, Args)]
pub struct GraphqlSettings {
    /// Serve the GraphiQL IDE when a browser opens /graphql (on by default in development builds).
    #[arg(long, env = "BANTIN_GRAPHIQL", default_value_t = cfg!(debug_assertions), action = clap::ArgAction::Set)]
    pub graphiql: bool,

    /// Answer introspection queries and suggest field names in errors (on by default in
    /// development builds; frontends get the schema from schema.graphql instead).
    #[arg(
        long = "graphql-introspection",
        env = "BANTIN_GRAPHQL_INTROSPECTION",
        default_value_t = GraphqlLimits::default().introspection,
        action = clap::ArgAction::Set
    )]
    pub introspection: bool,

    /// Deepest selection nesting a GraphQL query may have, without a token.
    #[arg(long = "graphql-max-depth", env = "BANTIN_GRAPHQL_MAX_DEPTH", default_value_t = GraphqlLimits::default().max_depth)]
    pub max_depth: usize,

    /// The same with a token.
    #[arg(
        long = "graphql-max-depth-authenticated",
        env = "BANTIN_GRAPHQL_MAX_DEPTH_AUTHENTICATED",
        default_value_t = GraphqlLimits::default().max_depth_authenticated
    )]
    pub max_depth_authenticated: usize,

    /// Highest GraphQL query cost without a token (each field 1; paged fields multiply by `first`).
    #[arg(
        long = "graphql-max-complexity",
        env = "BANTIN_GRAPHQL_MAX_COMPLEXITY",
        default_value_t = GraphqlLimits::default().max_complexity
    )]
    pub max_complexity: usize,

    /// The same with a token.
    #[arg(
        long = "graphql-max-complexity-authenticated",
        env = "BANTIN_GRAPHQL_MAX_COMPLEXITY_AUTHENTICATED",
        default_value_t = GraphqlLimits::default().max_complexity_authenticated
    )]
    pub max_complexity_authenticated: usize,

    /// Aliases one document may use.
    #[arg(long = "graphql-max-aliases", env = "BANTIN_GRAPHQL_MAX_ALIASES", default_value_t = GraphqlLimits::default().shape.max_aliases)]
    pub max_aliases: usize,

    /// Root fields one operation may select.
    #[arg(
        long = "graphql-max-root-fields",
        env = "BANTIN_GRAPHQL_MAX_ROOT_FIELDS",
        default_value_t = GraphqlLimits::default().shape.max_root_fields
    )]
    pub max_root_fields: usize,

    /// Directives one field may carry.
    #[arg(
        long = "graphql-max-directives",
        env = "BANTIN_GRAPHQL_MAX_DIRECTIVES",
        default_value_t = GraphqlLimits::default().max_directives
    )]
    pub max_directives: usize,

    /// Operations in one batched request (callers with a token; anonymous batches are refused).
    #[arg(long = "graphql-max-batch", env = "BANTIN_GRAPHQL_MAX_BATCH", default_value_t = GraphqlLimits::default().max_batch)]
    pub max_batch: usize,

    /// Seconds an operation may run before it is stopped.
    #[arg(long = "graphql-timeout", env = "BANTIN_GRAPHQL_TIMEOUT", default_value_t = 10)]
    pub timeout_secs: u64,
}

impl GraphqlSettings {
    pub fn limits(&self) -> GraphqlLimits {
        GraphqlLimits {
            max_depth: self.max_depth,
            max_depth_authenticated: self.max_depth_authenticated,
            max_complexity: self.max_complexity,
            max_complexity_authenticated: self.max_complexity_authenticated,
            max_directives: self.max_directives,
            shape: ShapeLimits { max_aliases: self.max_aliases, max_root_fields: self.max_root_fields },
            max_batch: self.max_batch.max(1),
            timeout: Duration::from_secs(self.timeout_secs.max(1)),
            introspection: self.introspection,
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct PublicationSettings {
    /// The publication's name, as shown in the masthead and feeds.
    #[arg(long = "publication-name", env = "BANTIN_PUBLICATION_NAME", default_value = "Báo Bản Tin")]
    pub name: String,

    /// One line under the name.
    #[arg(
        long = "publication-tagline",
        env = "BANTIN_PUBLICATION_TAGLINE",
        default_value = "Tin tức thời sự, kinh tế, văn hóa từ khắp các tỉnh thành"
    )]
    pub tagline: String,

    /// Language of the content (BCP 47).
    #[arg(long = "publication-language", env = "BANTIN_PUBLICATION_LANGUAGE", default_value = "vi")]
    pub language: String,

    /// The publication's time zone as an offset from UTC (feeds and sitemaps show local times).
    #[arg(long = "publication-utc-offset", env = "BANTIN_PUBLICATION_UTC_OFFSET", default_value = "+07:00", value_parser = parse_offset)]
    pub utc_offset_minutes: i32,

    /// Seconds anonymous REST answers may be cached by browsers and CDNs (`Cache-Control: max-age`).
    #[arg(long = "cache-max-age", env = "BANTIN_CACHE_MAX_AGE", default_value_t = 60)]
    pub cache_max_age: u32,

    /// Seconds a CDN may keep serving a stale anonymous answer while it revalidates.
    #[arg(long = "stale-while-revalidate", env = "BANTIN_STALE_WHILE_REVALIDATE", default_value_t = 300)]
    pub stale_while_revalidate: u32,

    /// Seconds feeds and sitemaps may be cached by readers and CDNs.
    #[arg(long = "feed-max-age", env = "BANTIN_FEED_MAX_AGE", default_value_t = 300)]
    pub feed_max_age: u32,

    /// Base URL of the public website; canonical article URLs are BASE/SLUG.
    #[arg(long = "public-base-url", env = "BANTIN_PUBLIC_BASE_URL", default_value = "http://localhost:3000")]
    pub base_url: String,
}

/// Reads `+07:00` / `-05:30` / `Z` into minutes east of UTC.
fn parse_offset(value: &str) -> Result<i32, String> {
    if value == "Z" || value == "UTC" {
        return Ok(0);
    }
    let invalid = || format!("'{value}' is not a UTC offset like +07:00");
    let (sign, rest) = match value.split_at_checked(1) {
        Some(("+", rest)) => (1, rest),
        Some(("-", rest)) => (-1, rest),
        _ => return Err(invalid()),
    };
    let (hours, minutes) = rest.split_once(':').ok_or_else(invalid)?;
    let hours: i32 = hours.parse().map_err(|_| invalid())?;
    let minutes: i32 = minutes.parse().map_err(|_| invalid())?;
    if hours > 14 || minutes > 59 {
        return Err(invalid());
    }
    Ok(sign * (hours * 60 + minutes))
}

impl PublicationSettings {
    pub fn publication(&self) -> Publication {
        Publication {
            name: self.name.clone(),
            tagline: self.tagline.clone(),
            language: self.language.clone(),
            base_url: self.base_url.trim_end_matches('/').to_owned(),
            utc_offset_minutes: self.utc_offset_minutes,
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct TokenSettings {
    /// Minutes an access token (from `login`) is valid.
    #[arg(long, env = "BANTIN_ACCESS_TOKEN_MINUTES", default_value_t = 15)]
    pub access_token_minutes: i64,
    /// Days a refresh token is valid (each use replaces it).
    #[arg(long, env = "BANTIN_REFRESH_TOKEN_DAYS", default_value_t = 30)]
    pub refresh_token_days: i64,
    /// Hours a preview link is valid.
    #[arg(long, env = "BANTIN_PREVIEW_TOKEN_HOURS", default_value_t = 6)]
    pub preview_token_hours: i64,
}

/// How related articles are ranked (see `bantin_domain::related`).
#[derive(Debug, Clone, Args)]
pub struct RelatedSettings {
    /// Weight per unit of inverse tag frequency of each shared tag.
    #[arg(long, env = "BANTIN_RELATED_TAG_WEIGHT", default_value_t = RelatedWeights::default().tag)]
    pub related_tag_weight: f64,
    /// Bonus for the same section.
    #[arg(long, env = "BANTIN_RELATED_CATEGORY_WEIGHT", default_value_t = RelatedWeights::default().category)]
    pub related_category_weight: f64,
    /// Weight of title and sapo similarity (syllable bigrams, 0 to 1).
    #[arg(long, env = "BANTIN_RELATED_TEXT_WEIGHT", default_value_t = RelatedWeights::default().text)]
    pub related_text_weight: f64,
    /// Weight of closeness in time.
    #[arg(long, env = "BANTIN_RELATED_RECENCY_WEIGHT", default_value_t = RelatedWeights::default().recency)]
    pub related_recency_weight: f64,
    /// Days over which the recency bonus falls to 1/e.
    #[arg(long, env = "BANTIN_RELATED_RECENCY_DAYS", default_value_t = RelatedWeights::default().recency_days)]
    pub related_recency_days: f64,
    /// Candidates further apart in time are used only when too few nearer ones match.
    #[arg(long, env = "BANTIN_RELATED_WINDOW_DAYS", default_value_t = RelatedWeights::default().window_days)]
    pub related_window_days: i64,
    /// Keep each article's related list until content changes anywhere.
    #[arg(long, env = "BANTIN_RELATED_CACHE", default_value_t = true, action = clap::ArgAction::Set)]
    pub related_cache: bool,
}

impl RelatedSettings {
    pub fn weights(&self) -> RelatedWeights {
        RelatedWeights {
            tag: self.related_tag_weight,
            category: self.related_category_weight,
            text: self.related_text_weight,
            recency: self.related_recency_weight,
            recency_days: self.related_recency_days,
            window_days: self.related_window_days,
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct RateLimitArgs {
    /// Requests per minute from one address without a token (0: no limit).
    #[arg(long = "rate-limit-anonymous", env = "BANTIN_RATE_LIMIT_ANONYMOUS", default_value_t = RateLimitSettings::default().anonymous_per_minute)]
    pub anonymous_per_minute: u32,

    /// Requests one address may make at once before the per-minute pace applies.
    #[arg(long = "rate-limit-burst", env = "BANTIN_RATE_LIMIT_BURST", default_value_t = RateLimitSettings::default().anonymous_burst)]
    pub anonymous_burst: u32,

    /// Requests per minute with one token: editors, partners, preview links (0: no limit).
    #[arg(long = "rate-limit-token", env = "BANTIN_RATE_LIMIT_TOKEN", default_value_t = RateLimitSettings::default().token_per_minute)]
    pub token_per_minute: u32,

    /// Sign-in attempts (`login`, `refresh`) per minute from one address (0: no limit).
    #[arg(long = "rate-limit-login", env = "BANTIN_RATE_LIMIT_LOGIN", default_value_t = RateLimitSettings::default().login_per_minute)]
    pub login_per_minute: u32,
}

impl RateLimitArgs {
    pub fn settings(&self) -> RateLimitSettings {
        RateLimitSettings {
            anonymous_per_minute: self.anonymous_per_minute,
            anonymous_burst: self.anonymous_burst,
            token_per_minute: self.token_per_minute,
            login_per_minute: self.login_per_minute,
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct CacheSettings {
    /// Keep whole answers to anonymous reads in memory until content changes (`off` to measure
    /// the uncached path).
    #[arg(
        long = "cache",
        env = "BANTIN_CACHE",
        default_value = "on",
        value_parser = clap::builder::BoolishValueParser::new(),
        action = clap::ArgAction::Set,
        value_name = "on|off",
        hide_possible_values = true
    )]
    pub enabled: bool,

    /// Memory the response cache may use, in MiB.
    #[arg(long = "cache-size-mb", env = "BANTIN_CACHE_SIZE_MB", default_value_t = 64)]
    pub size_mb: u64,

    /// URL that gets a POST of `{"keys": [...]}` (the `Surrogate-Key`s a change makes stale)
    /// after every content change made through this node, so a CDN can purge them. Off when unset.
    #[arg(long = "purge-url", env = "BANTIN_PURGE_URL")]
    pub purge_url: Option<String>,
}

/// Everything `bantin serve` needs.
#[derive(Debug, Clone, Args)]
pub struct ServeSettings {
    #[command(flatten)]
    pub http: HttpSettings,
    #[command(flatten)]
    pub graphql: GraphqlSettings,
    #[command(flatten)]
    pub publication: PublicationSettings,
    #[command(flatten)]
    pub jwt: JwtSettings,
    #[command(flatten)]
    pub tokens: TokenSettings,
    #[command(flatten)]
    pub related: RelatedSettings,
    #[command(flatten)]
    pub cache: CacheSettings,
    #[command(flatten)]
    pub rate_limits: RateLimitArgs,
}

impl ServeSettings {
    pub fn api_config(&self) -> ApiConfig {
        ApiConfig {
            publication: self.publication.publication(),
            max_body_bytes: self.http.max_body_bytes,
            max_body_bytes_authenticated: self.http.max_body_bytes_authenticated,
            graphql: self.graphql.limits(),
            graphiql: self.graphql.graphiql,
            tokens: TokenLifetimes {
                access: TimeDelta::minutes(self.tokens.access_token_minutes.max(1)),
                refresh: TimeDelta::days(self.tokens.refresh_token_days.max(1)),
                preview: TimeDelta::hours(self.tokens.preview_token_hours.max(1)),
            },
            related: self.related.weights(),
            related_cache: self.related.related_cache,
            feed_max_age: self.publication.feed_max_age,
            cache_max_age: self.publication.cache_max_age,
            stale_while_revalidate: self.publication.stale_while_revalidate,
            response_cache_bytes: if self.cache.enabled {
                self.cache.size_mb.saturating_mul(1 << 20)
            } else {
                0
            },
            purge_url: self.cache.purge_url.clone(),
            rate_limits: self.rate_limits.settings(),
            cors_origins: self.http.cors_origins.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use bantin_api::cors::AllowedOrigins;
    use clap::Parser;

    use crate::cli::Cli;

    #[test]
    fn database_timeouts_from_flags_reach_the_store() {
        let cli = Cli::try_parse_from([
            "bantin",
            "--database-busy-timeout",
            "60",
            "--database-acquire-timeout",
            "7",
            "migrate",
        ])
        .expect("flags parse");
        let options = cli.database.store_options();
        assert_eq!(options.sqlite_busy_timeout, Duration::from_secs(60));
        assert_eq!(options.acquire_timeout, Duration::from_secs(7));
    }

    #[test]
    fn cross_origin_pages_are_let_in_by_default_and_a_wrong_origin_is_refused_at_start() {
        let serve = |args: &[&str]| {
            Cli::try_parse_from(["bantin", "serve"].iter().chain(args)).map(|cli| match cli.command {
                crate::cli::Command::Serve(settings) => settings.api_config().cors_origins,
                other => panic!("parsed {other:?}"),
            })
        };
        assert_eq!(serve(&[]).expect("defaults"), AllowedOrigins::Any);
        assert_eq!(
            serve(&["--cors-origins", "https://news.example.com"]).expect("one origin"),
            AllowedOrigins::Only(vec!["https://news.example.com".into()])
        );
        let refused = serve(&["--cors-origins", "news.example.com"]).expect_err("no scheme").to_string();
        assert!(
            refused.contains("--cors-origins") && refused.contains("https://news.example.com"),
            "{refused}"
        );
    }
}
