//! HTTP caching for every read: entity tags and `304 Not Modified`, `Cache-Control`, and an
//! in-process cache of whole responses to anonymous callers.
//!
//! A stored response is reused only while the content version it was rendered at is current and
//! no scheduled article has become public since (the version moves with every write, on this node
//! at once and on other nodes within a second; scheduled times pass without one). So a reader
//! never gets an answer older than the last write that returned.
//!
//! The hit path does no parsing and builds no JSON: one map lookup, two comparisons and a copy of
//! the stored headers; the body is shared, not copied. A client that takes gzip (browsers, CDNs,
//! mobile HTTP stacks) gets the body compressed once, on its entry's first such request, and kept
//! beside it: compressing on every hit made a hit about ninety times slower than one without.

use std::{
    io::Write,
    sync::{Arc, Mutex, OnceLock},
};

use actix_web::{
    HttpMessage, HttpRequest, HttpResponse,
    body::{BoxBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::{
        Method, StatusCode,
        header::{self, AcceptEncoding, Encoding, HeaderMap, HeaderName, HeaderValue, HttpDate},
    },
    middleware::Next,
    web::{self, Bytes},
};
use bantin_domain::{Article, ArticleFilter, ContentReader};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::{AppState, error::ApiError};

/// The header naming what a response depends on, so that a CDN can purge precisely (Fastly's
/// name; others read `Cache-Tag`, which a CDN's configuration can map).
pub const SURROGATE_KEY: &str = "surrogate-key";
/// The key every GraphQL answer carries besides what it shows (to purge all of GraphQL at once).
pub const GRAPHQL_KEY: &str = "graphql";

/// The key every response carries: purging it empties a CDN of bantin's answers (taxonomy
/// renames and merges, which show in many answers, do this).
pub const CONTENT_KEY: &str = "content";

/// The `Surrogate-Key` value of a response showing `articles`, in lists named by `lists`
/// ([`list_key`], `latest`, `search`, `related`).
pub(crate) fn surrogate_keys<'a>(
    lists: &[String],
    articles: impl IntoIterator<Item = &'a Article>,
) -> String {
    let shown = ShownKeys::default();
    shown.lists(lists.iter().cloned());
    shown.articles(articles);
    shown.header()
}

/// What one answer shows, gathered while it is built: GraphQL resolves each part on its own.
#[derive(Default)]
pub struct ShownKeys(Mutex<std::collections::BTreeSet<String>>);

impl ShownKeys {
    pub(crate) fn articles<'a>(&self, articles: impl IntoIterator<Item = &'a Article>) {
        self.lists(articles.into_iter().map(|a| format!("article-{}", a.id)));
    }

    pub(crate) fn lists(&self, keys: impl IntoIterator<Item = String>) {
        if let Ok(mut shown) = self.0.lock() {
            shown.extend(keys);
        }
    }

    /// The header value: [`CONTENT_KEY`] first, then every key once.
    pub(crate) fn header(&self) -> String {
        let shown = self.0.lock().map(|keys| keys.iter().cloned().collect::<Vec<_>>()).unwrap_or_default();
        std::iter::once(CONTENT_KEY.to_owned()).chain(shown).collect::<Vec<_>>().join(" ")
    }
}

/// The key of a public list narrowed by `filter`: a new article there changes it.
pub(crate) fn list_key(filter: &ArticleFilter) -> Vec<String> {
    let mut keys = vec!["latest".to_owned()];
    keys.extend(filter.category.map(|id| format!("category-{id}")));
    keys.extend(filter.tag.map(|id| format!("tag-{id}")));
    keys.extend(filter.author.map(|id| format!("author-{id}")));
    if keys.len() > 1 {
        keys.remove(0);
    }
    keys
}

/// What a response may be reused for: until the content version moves or the next
/// scheduled publish time comes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Validity {
    version: u64,
    until: Option<DateTime<Utc>>,
}

impl Validity {
    fn holds(&self, version: u64, now: DateTime<Utc>) -> bool {
        self.version == version && self.until.is_none_or(|until| now < until)
    }
}

/// Request headers a response may depend on besides its path: feeds and sitemaps name their own
/// URL, which comes from these.
const ORIGIN_HEADERS: [HeaderName; 4] =
    [header::HOST, header::FORWARDED, HeaderName::from_static("x-forwarded-host"), header::X_FORWARDED_PROTO];

fn origin(request: &HeaderMap) -> [Option<HeaderValue>; 4] {
    ORIGIN_HEADERS.each_ref().map(|name| request.get(name).cloned())
}

/// The encodings actix's `Compress` middleware offers (with the `compress-gzip` feature): an
/// answer goes out in the one it would choose.
const OFFERED_ENCODINGS: [Encoding; 3] = [Encoding::identity(), Encoding::gzip(), Encoding::deflate()];

/// Whether the answer to `request` goes out gzip-compressed: the choice the `Compress` middleware
/// would make, made here so that a kept body is compressed once rather than on every hit (the
/// middleware passes on a body that already has a `Content-Encoding`).
fn wants_gzip(request: &HttpRequest) -> bool {
    request
        .get_header::<AcceptEncoding>()
        .and_then(|accepted| accepted.negotiate(OFFERED_ENCODINGS.iter()))
        .is_some_and(|chosen| chosen == Encoding::gzip())
}

/// Whether a body of this type shrinks when compressed: every answer bantin gives is JSON, XML or
/// text.
fn compressible(content_type: Option<&HeaderValue>) -> bool {
    content_type
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/") || value.contains("json") || value.contains("xml"))
}

fn gzip(body: &[u8]) -> Option<Bytes> {
    let mut encoder =
        flate2::write::GzEncoder::new(Vec::with_capacity(body.len() / 4), flate2::Compression::default());
    encoder.write_all(body).ok()?;
    encoder.finish().ok().map(Bytes::from)
}

/// A response kept for reuse: its status, headers and shared body.
pub(crate) struct Stored {
    validity: Validity,
    /// The request's [`ORIGIN_HEADERS`].
    origin: [Option<HeaderValue>; 4],
    status: StatusCode,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Bytes,
    /// Whether the body's type compresses (decided once, from its `Content-Type`).
    compressible: bool,
    /// The body gzip-compressed, made when a client first takes it.
    gzipped: OnceLock<Option<Bytes>>,
}

impl Stored {
    fn serves(&self, request: &HeaderMap) -> bool {
        ORIGIN_HEADERS.iter().zip(&self.origin).all(|(name, value)| request.get(name) == value.as_ref())
    }

    fn header(&self, name: &HeaderName) -> Option<&HeaderValue> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// The stored response, gzip-compressed when the client takes it, or 304 with the same
    /// headers when the client's copy is current.
    pub(crate) fn respond(&self, request: &HttpRequest) -> HttpResponse {
        let not_modified = self.status == StatusCode::OK
            && not_modified(
                request.headers(),
                self.header(&header::ETAG),
                self.header(&header::LAST_MODIFIED),
            );
        let mut response =
            HttpResponse::build(if not_modified { StatusCode::NOT_MODIFIED } else { self.status });
        for (name, value) in &self.headers {
            if !(not_modified && name == header::CONTENT_TYPE) {
                // Appended, not inserted: a header may come more than once (`Vary`).
                response.append_header((name.clone(), value.clone()));
            }
        }
        if not_modified {
            return response.finish();
        }
        match self.gzipped(request) {
            Some(gzipped) => {
                response.insert_header((header::CONTENT_ENCODING, HeaderValue::from_static("gzip")));
                response.body(gzipped)
            }
            None => response.body(self.body.clone()),
        }
    }

    /// The compressed body, when the client takes gzip and the body is of a type that compresses.
    fn gzipped(&self, request: &HttpRequest) -> Option<Bytes> {
        if !self.compressible || !wants_gzip(request) {
            return None;
        }
        self.gzipped.get_or_init(|| gzip(&self.body)).clone()
    }

    /// Bytes the entry holds. A compressible body is counted with room for its gzip copy, made
    /// only once a client asks for it (JSON and XML compress to a fifth or less).
    fn weight(&self) -> u32 {
        let headers: usize = self.headers.iter().map(|(n, v)| n.as_str().len() + v.len()).sum();
        let gzip_room = if self.compressible { self.body.len() / 4 } else { 0 };
        u32::try_from(self.body.len() + gzip_room + headers + 64).unwrap_or(u32::MAX)
    }
}

/// When a scheduled article becomes public next: the earliest public time after `from`, at
/// content version `version`.
struct Schedule {
    version: u64,
    from: DateTime<Utc>,
    next_publish: Option<DateTime<Utc>>,
}

/// Taken before rendering a response that may be kept: what the content was when it started.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rendering {
    version: u64,
    started: DateTime<Utc>,
}

/// Whole responses for anonymous callers, keyed by request, bounded in bytes.
pub struct ResponseCache {
    entries: Option<moka::sync::Cache<String, Arc<Stored>>>,
    schedule: Mutex<Option<Schedule>>,
}

impl ResponseCache {
    /// A cache holding at most `max_bytes` of responses; 0 switches it off.
    pub fn new(max_bytes: u64) -> ResponseCache {
        let entries = (max_bytes > 0).then(|| {
            moka::sync::Cache::builder()
                .max_capacity(max_bytes)
                .weigher(|key: &String, stored: &Arc<Stored>| {
                    stored.weight().saturating_add(u32::try_from(key.len()).unwrap_or(u32::MAX))
                })
                .build()
        });
        ResponseCache { entries, schedule: Mutex::new(None) }
    }

    pub fn enabled(&self) -> bool {
        self.entries.is_some()
    }

    /// The stored answer to `key` for a request with these headers, if it is still current
    /// (304 when the client's copy is).
    pub(crate) fn answer(
        &self,
        key: &str,
        request: &HttpRequest,
        content: &dyn ContentReader,
    ) -> Option<HttpResponse> {
        let stored = self.entries.as_ref()?.get(key)?;
        if !stored.validity.holds(content.content_version(), Utc::now()) || !stored.serves(request.headers())
        {
            return None;
        }
        let mut response = stored.respond(request);
        response.headers_mut().insert(X_CACHE, HeaderValue::from_static("hit"));
        Some(response)
    }

    /// Keeps `stored` under each of `keys`.
    pub(crate) fn put(&self, keys: impl IntoIterator<Item = String>, mut stored: Stored, validity: Validity) {
        if let Some(entries) = &self.entries {
            stored.validity = validity;
            let stored = Arc::new(stored);
            for key in keys {
                entries.insert(key, Arc::clone(&stored));
            }
        }
    }

    /// Call before rendering: a write that lands while rendering then leaves the response stale
    /// on arrival. Reads no database.
    pub(crate) fn begin(&self, content: &dyn ContentReader) -> Rendering {
        Rendering { version: content.content_version(), started: Utc::now() }
    }

    /// How long a response whose rendering began at `rendering` may be reused: while the content
    /// version stays, and until the next scheduled publish time after it started. Asks the
    /// database once per content version (and when a scheduled time passes).
    pub(crate) async fn finish(&self, rendering: Rendering, content: &dyn ContentReader) -> Validity {
        let Rendering { version, started } = rendering;
        if let Ok(schedule) = self.schedule.lock() {
            if let Some(known) = schedule.as_ref().filter(|s| {
                s.version == version && s.from <= started && s.next_publish.is_none_or(|at| started < at)
            }) {
                return Validity { version, until: known.next_publish };
            }
            if schedule.as_ref().is_some_and(|s| s.version != version) {
                // Content changed: nothing stored is current any more; free the memory now.
                if let Some(entries) = &self.entries {
                    entries.invalidate_all();
                }
            }
        }
        match content.next_publish_after(started).await {
            Ok(next_publish) => {
                if let Ok(mut schedule) = self.schedule.lock() {
                    *schedule = Some(Schedule { version, from: started, next_publish });
                }
                Validity { version, until: next_publish }
            }
            Err(err) => {
                tracing::warn!(error = %err, "could not read the publishing schedule; not caching");
                NEVER
            }
        }
    }
}

/// Whether the request carries no credentials (header or `?token=`): only such answers are the
/// same for everyone, so only they are shared.
pub(crate) fn is_anonymous(request: &actix_web::HttpRequest) -> bool {
    !request.headers().contains_key(header::AUTHORIZATION)
        && !request.query_string().split('&').any(|pair| pair == "token" || pair.starts_with("token="))
}

/// A weak entity tag for a body: weak, because the body may go out gzip-compressed, other bytes
/// on the wire for the same content.
pub(crate) fn weak_etag(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    format!("W/\"{}\"", digest.iter().take(16).map(|b| format!("{b:02x}")).collect::<String>())
}

/// Whether an `If-None-Match` header names `etag` (weak comparison, as GET uses).
fn etag_matches(if_none_match: &str, etag: &str) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    if_none_match.split(',').any(|t| t.trim() == "*" || bare(t) == bare(etag))
}

/// Whether the client's copy is current: `If-None-Match` when sent, else `If-Modified-Since`.
fn not_modified(
    request: &HeaderMap,
    etag: Option<&HeaderValue>,
    last_modified: Option<&HeaderValue>,
) -> bool {
    fn text(value: Option<&HeaderValue>) -> Option<&str> {
        value.and_then(|v| v.to_str().ok())
    }
    match text(request.get(header::IF_NONE_MATCH)) {
        Some(tags) => text(etag).is_some_and(|etag| etag_matches(tags, etag)),
        None => {
            let date = |v: Option<&HeaderValue>| {
                text(v).and_then(|v| v.parse::<HttpDate>().ok()).map(std::time::SystemTime::from)
            };
            match (date(request.get(header::IF_MODIFIED_SINCE)), date(last_modified)) {
                (Some(since), Some(modified)) => since >= modified,
                _ => false,
            }
        }
    }
}

/// Whether `Cache-Control` lets a shared cache keep the response.
fn shareable(headers: &HeaderMap) -> bool {
    headers
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|value| !value.contains("private") && !value.contains("no-store"))
}

/// `Cache-Control` for a read that did not set its own.
fn default_cache_control(state: &AppState, anonymous: bool) -> HeaderValue {
    if anonymous {
        let config = &state.config;
        HeaderValue::from_str(&format!(
            "public, max-age={}, stale-while-revalidate={}",
            config.cache_max_age, config.stale_while_revalidate
        ))
        .unwrap_or(HeaderValue::from_static("no-cache"))
    } else {
        HeaderValue::from_static("private, no-store")
    }
}

/// A response for keeping: its headers completed with an `ETag` and `Cache-Control`.
pub(crate) fn complete(
    state: &AppState,
    anonymous: bool,
    request: &HeaderMap,
    head: &HttpResponse<()>,
    body: Bytes,
) -> Stored {
    let mut headers: Vec<(HeaderName, HeaderValue)> =
        head.headers().iter().map(|(name, value)| (name.clone(), value.clone())).collect();
    if !head.headers().contains_key(header::ETAG) {
        if let Ok(etag) = HeaderValue::from_str(&weak_etag(&body)) {
            headers.push((header::ETAG, etag));
        }
    }
    if !head.headers().contains_key(header::CACHE_CONTROL) {
        headers.push((header::CACHE_CONTROL, default_cache_control(state, anonymous)));
    }
    if !head.headers().contains_key(header::VARY) {
        headers.push((header::VARY, HeaderValue::from_static("Authorization")));
    }
    let compressible = compressible(head.headers().get(header::CONTENT_TYPE));
    if compressible {
        headers.push((header::VARY, HeaderValue::from_static("Accept-Encoding")));
    }
    Stored {
        validity: NEVER,
        origin: origin(request),
        status: head.status(),
        headers,
        body,
        compressible,
        gzipped: OnceLock::new(),
    }
}

/// The middleware in front of every route: answers anonymous GETs from the cache, and gives
/// every successful GET an `ETag`, `Cache-Control` and conditional answers.
pub(crate) async fn layer(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let state = request.app_data::<web::Data<AppState>>().cloned();
    let Some(state) = state.filter(|_| request.method() == Method::GET) else {
        return Ok(next.call(request).await?.map_into_boxed_body());
    };
    let anonymous = is_anonymous(request.request());
    let key = request.uri().path_and_query().map_or("/", |pq| pq.as_str());
    let cache = &state.responses;
    let mut rendering = None;
    if anonymous && cache.enabled() {
        if let Some(response) = cache.answer(key, request.request(), state.content.as_ref()) {
            return Ok(request.into_response(response));
        }
        rendering = Some((key.to_owned(), cache.begin(state.content.as_ref())));
    }
    let response = next.call(request).await?;
    if response.status() != StatusCode::OK {
        return Ok(response.map_into_boxed_body());
    }
    let (request, response) = response.into_parts();
    let (head, body) = response.into_parts();
    let body = actix_web::body::to_bytes(body).await.map_err(|_| {
        ApiError::from(bantin_domain::Error::Unexpected("could not buffer a response".to_owned()))
    })?;
    let stored = complete(&state, anonymous, request.headers(), &head, body);
    let response = stored.respond(&request);
    if let Some((key, rendering)) = rendering.filter(|_| shareable(response.headers())) {
        let validity = cache.finish(rendering, state.content.as_ref()).await;
        cache.put([key], stored, validity);
    }
    Ok(ServiceResponse::new(request, response))
}

/// Says that an answer came from the response cache (for operators and tests).
pub const X_CACHE: HeaderName = HeaderName::from_static("x-cache");

/// For responses that are never stored.
const NEVER: Validity = Validity { version: u64::MAX, until: Some(DateTime::UNIX_EPOCH) };

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(HeaderName, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(name.clone(), HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn if_none_match_compares_weakly_and_wins_over_if_modified_since() {
        let etag = HeaderValue::from_static("W/\"abc\"");
        let modified = HeaderValue::from_static("Tue, 01 Sep 2026 10:00:00 GMT");
        let matching = headers(&[(header::IF_NONE_MATCH, "\"abc\"")]);
        assert!(not_modified(&matching, Some(&etag), Some(&modified)));
        let other = headers(&[
            (header::IF_NONE_MATCH, "\"xyz\", W/\"def\""),
            (header::IF_MODIFIED_SINCE, "Wed, 02 Sep 2026 10:00:00 GMT"),
        ]);
        assert!(!not_modified(&other, Some(&etag), Some(&modified)), "If-None-Match decides alone");
        assert!(not_modified(&headers(&[(header::IF_NONE_MATCH, "*")]), Some(&etag), None));
    }

    #[test]
    fn if_modified_since_compares_dates() {
        let modified = HeaderValue::from_static("Tue, 01 Sep 2026 10:00:00 GMT");
        let later = headers(&[(header::IF_MODIFIED_SINCE, "Tue, 01 Sep 2026 10:00:00 GMT")]);
        assert!(not_modified(&later, None, Some(&modified)));
        let earlier = headers(&[(header::IF_MODIFIED_SINCE, "Tue, 01 Sep 2026 09:59:59 GMT")]);
        assert!(!not_modified(&earlier, None, Some(&modified)));
        assert!(!not_modified(&later, None, None), "no date to compare with");
    }

    #[test]
    fn validity_ends_with_the_version_or_the_next_publish_time() {
        let now = Utc::now();
        let validity = Validity { version: 3, until: Some(now + chrono::TimeDelta::seconds(5)) };
        assert!(validity.holds(3, now));
        assert!(!validity.holds(4, now));
        assert!(!validity.holds(3, now + chrono::TimeDelta::seconds(5)));
        assert!(!NEVER.holds(u64::MAX, now));
    }

    #[test]
    fn private_and_no_store_responses_are_not_shared() {
        assert!(shareable(&headers(&[(header::CACHE_CONTROL, "public, max-age=60")])));
        assert!(shareable(&HeaderMap::new()));
        assert!(!shareable(&headers(&[(header::CACHE_CONTROL, "private, max-age=300")])));
        assert!(!shareable(&headers(&[(header::CACHE_CONTROL, "no-store")])));
    }
}
