//! Partner feeds and sitemaps: RSS 2.0, Atom 1.0 and JSON Feed 1.1 for the latest articles and for
//! each section, tag and author; sitemaps for crawlers; `robots.txt`.
//!
//! Public feeds carry summaries. A partner token with the `feeds:full` scope (as `Authorization:
//! Bearer`, or `?token=` for readers that cannot send headers) adds full bodies, and such responses
//! are `private` to caches. Every response has a `Last-Modified`; the caching layer adds an `ETag`
//! and answers conditional requests with 304.

mod render;
mod sitemap;

use std::time::{Duration as StdDuration, UNIX_EPOCH};

use actix_web::{
    HttpRequest, HttpResponse,
    http::header::{self, HttpDate},
    web,
};
use bantin_domain::{Article, ArticleFilter, ArticleRelations, Error, PageRequest, Visibility, text::quoted};
use chrono::{DateTime, Utc};
use serde::Deserialize;

pub use render::{body_html, escape};

use crate::{
    AppState, caller,
    error::ApiError,
    lookup::{Named, tag_named},
};

/// Scope a partner token needs for full-text feeds.
pub const FULL_TEXT_SCOPE: &str = "feeds:full";
const DEFAULT_ITEMS: u32 = 50;
const MAX_ITEMS: u32 = 100;

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/feeds/latest.{format}", web::get().to(latest))
        .route("/feeds/{kind}/{file}", web::get().to(by_taxonomy))
        .configure(sitemap::configure);
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Format {
    Rss,
    Atom,
    Json,
}

impl Format {
    fn parse(extension: &str) -> Option<Format> {
        match extension {
            "rss" | "xml" => Some(Format::Rss),
            "atom" => Some(Format::Atom),
            "json" => Some(Format::Json),
            _ => None,
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Rss => "application/rss+xml; charset=utf-8",
            Format::Atom => "application/atom+xml; charset=utf-8",
            Format::Json => "application/feed+json; charset=utf-8",
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FeedParams {
    limit: Option<String>,
    token: Option<String>,
}

fn not_found(what: &str) -> ApiError {
    ApiError::not_found(format!(
        "no feed at {what}; feeds are /feeds/latest.rss|atom|json and /feeds/category|tag|author/SLUG.rss|atom|json"
    ))
}

/// This server's own URL for `path` (feeds name themselves), from the request.
pub(crate) fn own_url(request: &HttpRequest, path: &str) -> String {
    let info = request.connection_info();
    format!("{}://{}{path}", info.scheme(), info.host())
}

/// Whether the caller may read full text: a partner token with the scope, from the header or
/// from `?token=`.
async fn full_text(state: &AppState, request: &HttpRequest, token: Option<&str>) -> Result<bool, ApiError> {
    let caller = match token {
        Some(token) => caller::resolve_token(state, Some(token)).await?,
        None => caller::resolve(state, request).await?,
    };
    Ok(caller.has_scope(FULL_TEXT_SCOPE))
}

async fn latest(
    state: web::Data<AppState>,
    request: HttpRequest,
    format: web::Path<String>,
    params: web::Query<FeedParams>,
) -> Result<HttpResponse, ApiError> {
    let format = Format::parse(&format).ok_or_else(|| not_found(request.path()))?;
    let title = state.config.publication.name.clone();
    let home = state.config.publication.base_url.clone();
    feed(&state, &request, format, &params, ArticleFilter::default(), title, home).await
}

async fn by_taxonomy(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<(String, String)>,
    params: web::Query<FeedParams>,
) -> Result<HttpResponse, ApiError> {
    let (kind, file) = path.into_inner();
    let (slug, extension) = file.rsplit_once('.').ok_or_else(|| not_found(request.path()))?;
    let format = Format::parse(extension).ok_or_else(|| not_found(request.path()))?;
    let content = state.content.as_ref();
    let publication = &state.config.publication;
    let missing = || not_found(request.path());
    let (filter, name) = match kind.as_str() {
        "category" => {
            let category = content.category_by_slug(slug).await?.ok_or_else(missing)?;
            (ArticleFilter { category: Some(category.id), ..ArticleFilter::default() }, category.name)
        }
        "tag" => match tag_named(content, slug).await?.ok_or_else(missing)? {
            Named::Now(tag) => (ArticleFilter { tag: Some(tag.id), ..ArticleFilter::default() }, tag.name),
            // A tag merged into another: its feed moved with it (feed readers follow a 301).
            Named::Before(target) => {
                let moved = format!("{}.{extension}", target.slug);
                return Err(ApiError::moved("feed", &request, "/feeds/tag/", &file, &moved));
            }
        },
        "author" => {
            let author = content.author_by_slug(slug).await?.ok_or_else(missing)?;
            (ArticleFilter { author: Some(author.id), ..ArticleFilter::default() }, author.name)
        }
        _ => return Err(missing()),
    };
    let title = format!("{name} - {}", publication.name);
    let home = format!("{}/{kind}/{slug}", publication.base_url);
    feed(&state, &request, format, &params, filter, title, home).await
}

async fn feed(
    state: &AppState,
    request: &HttpRequest,
    format: Format,
    params: &FeedParams,
    filter: ArticleFilter,
    title: String,
    home_url: String,
) -> Result<HttpResponse, ApiError> {
    let limit = match params.limit.as_deref() {
        None => DEFAULT_ITEMS,
        Some(v) => v.parse::<u32>().ok().filter(|n| (1..=MAX_ITEMS).contains(n)).ok_or_else(|| {
            Error::invalid(
                "limit",
                format!("must be a whole number from 1 to {MAX_ITEMS}, got {}", quoted(v)),
            )
        })?,
    };
    let full = full_text(state, request, params.token.as_deref()).await?;
    let content = state.content.as_ref();
    let page = content.articles(&filter, &PageRequest::first(limit), Visibility::public_now()).await?;
    let articles = page.items;
    let ids: Vec<_> = articles.iter().map(|a| a.id).collect();
    let ArticleRelations { authors, tags, categories } = content.relations_of(&articles).await?;
    let bodies = if full { content.bodies(&ids).await? } else { Default::default() };
    let publication = &state.config.publication;
    let entries: Vec<render::Entry<'_>> = articles
        .iter()
        .map(|article| render::Entry {
            article,
            url: publication.article_url(&article.slug),
            authors: authors.get(&article.id).map(Vec::as_slice).unwrap_or_default(),
            category: categories.get(&article.category_id),
            tags: tags.get(&article.id).map(Vec::as_slice).unwrap_or_default(),
            body: bodies.get(&article.id),
        })
        .collect();
    let updated = last_modified(&articles);
    let keys = crate::http_cache::surrogate_keys(&crate::http_cache::list_key(&filter), &articles);
    let channel = render::Channel {
        publication,
        title,
        home_url,
        feed_url: own_url(request, request.path()),
        offset: state.config.publication.zone(),
        updated,
    };
    let body = match format {
        Format::Rss => render::rss(&channel, &entries).into_bytes(),
        Format::Atom => render::atom(&channel, &entries).into_bytes(),
        Format::Json => serde_json::to_vec(&render::json_feed(&channel, &entries))
            .map_err(|err| ApiError::from(Error::Unexpected(format!("serialising a feed: {err}"))))?,
    };
    let max_age = state.config.feed_max_age;
    let cache_control =
        if full { format!("private, max-age={max_age}") } else { format!("public, max-age={max_age}") };
    Ok(dated(body, format.content_type(), updated, &cache_control, keys))
}

/// Now, at whole seconds (stored times are whole seconds; comparisons must agree).
pub(crate) fn now_whole_seconds() -> DateTime<Utc> {
    DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap_or_else(Utc::now)
}

/// The newest change among `articles` (the feed's `Last-Modified`).
fn last_modified(articles: &[Article]) -> DateTime<Utc> {
    articles
        .iter()
        .map(|a| a.updated_at.max(a.published_at.unwrap_or(a.updated_at)))
        .max()
        .unwrap_or(DateTime::UNIX_EPOCH)
}

/// A response with `Last-Modified`, `Cache-Control` and `Surrogate-Key`; the caching layer adds
/// the `ETag` and answers conditional requests ([`crate::http_cache`]).
pub(crate) fn dated(
    body: Vec<u8>,
    content_type: &str,
    modified: DateTime<Utc>,
    cache_control: &str,
    surrogate_keys: String,
) -> HttpResponse {
    let modified_secs = u64::try_from(modified.timestamp()).unwrap_or(0);
    let last_modified = HttpDate::from(UNIX_EPOCH + StdDuration::from_secs(modified_secs));
    HttpResponse::Ok()
        .insert_header((header::LAST_MODIFIED, last_modified.to_string()))
        .insert_header((header::CACHE_CONTROL, cache_control.to_owned()))
        .insert_header((crate::http_cache::SURROGATE_KEY, surrogate_keys))
        .content_type(content_type.to_owned())
        .body(body)
}
