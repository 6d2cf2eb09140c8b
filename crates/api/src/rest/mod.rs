//! REST JSON for mobile clients under `/api/v1`: the same content as GraphQL, in fixed shapes.
//!
//! Query strings are strict: an unknown parameter or a malformed value is a 400 naming it, so a
//! client's typo is caught instead of silently ignored.

mod wire;

use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use bantin_domain::{
    Article, ArticleFilter, Error, ListedByName, NamePageRequest, PageRequest, Result, Visibility,
    text::quoted,
};
use serde::Deserialize;

use crate::{
    AppState, caller,
    error::ApiError,
    http_cache::{CONTENT_KEY, SURROGATE_KEY, list_key, surrogate_keys},
    lookup::{FilterSlugs, Named, article_named, resolve_filter, tag_named},
};
pub use wire::*;

/// `related` lists are short: a box beside the article.
pub const DEFAULT_RELATED: u32 = 6;
pub const MAX_RELATED: u32 = 20;

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1")
            .wrap(actix_web::middleware::from_fn(identify))
            .route("/publication", web::get().to(publication))
            .route("/latest", web::get().to(latest))
            .route("/articles", web::get().to(articles))
            .route("/search", web::get().to(search))
            .route("/changes", web::get().to(changes))
            .route("/articles/{slug}", web::get().to(article))
            .route("/articles/{slug}/related", web::get().to(related))
            .route("/categories", web::get().to(categories))
            .route("/categories/{slug}", web::get().to(category))
            .route("/tags", web::get().to(tags))
            .route("/tags/{slug}", web::get().to(tag))
            .route("/authors", web::get().to(authors))
            .route("/authors/{slug}", web::get().to(author))
            .route("/openapi.json", web::get().to(openapi)),
    );
}

/// Resolves the caller for every REST request, so a bad token is refused (401) here once, and
/// handlers that care read the [`Caller`] from the request extensions.
async fn identify(
    request: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    use actix_web::HttpMessage;
    let state = request.app_data::<web::Data<AppState>>().cloned();
    let Some(state) = state else {
        return Ok(request.into_response(
            ApiError::from(Error::Unexpected("AppState is missing".into())).error_response(),
        ));
    };
    match caller::resolve(&state, request.request()).await {
        Ok(caller) => {
            request.extensions_mut().insert(caller);
            Ok(next.call(request).await?.map_into_boxed_body())
        }
        Err(err) => Ok(request.into_response(err.error_response())),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LatestParams {
    limit: Option<String>,
    cursor: Option<String>,
    category: Option<String>,
    /// Slug of the article being read, left out of the list.
    exclude: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ArticlesParams {
    limit: Option<String>,
    cursor: Option<String>,
    category: Option<String>,
    tag: Option<String>,
    author: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchParams {
    q: Option<String>,
    limit: Option<String>,
    cursor: Option<String>,
    category: Option<String>,
    tag: Option<String>,
    author: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RelatedParams {
    limit: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NameListParams {
    limit: Option<String>,
    cursor: Option<String>,
    /// The start of a name, as a reader or editor types it ("bac g" for "Bắc Giang").
    q: Option<String>,
}

impl NameListParams {
    fn request(&self) -> Result<NamePageRequest> {
        NamePageRequest::parse(
            int_param(self.limit.as_deref(), "limit")?,
            self.cursor.as_deref(),
            self.q.as_deref(),
            ("limit", "cursor", "q"),
        )
    }
}

/// The query string of a path that takes no parameters: any is refused, as elsewhere, so an
/// unknown one is a clear 400 (and cannot spread one answer over many cache entries).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NoParams {}

/// The OpenAPI 3.1 description of these routes, written by hand: `tests/api/openapi.rs` checks
/// every route's real answers, errors included, against it, and it allows no field it does not
/// name, so the document and the server cannot drift apart unnoticed.
const OPENAPI: &str = include_str!("openapi.json");

async fn openapi(_: web::Query<NoParams>) -> HttpResponse {
    HttpResponse::Ok().content_type(actix_web::http::header::ContentType::json()).body(OPENAPI)
}

/// Parses an integer query parameter, naming it when it is not one.
fn int_param(value: Option<&str>, name: &str) -> Result<Option<i64>> {
    value
        .map(|v| {
            v.parse::<i64>()
                .map_err(|_| Error::invalid(name, format!("must be a whole number, got {}", quoted(v))))
        })
        .transpose()
}

fn page_param(limit: Option<&str>, cursor: Option<&str>) -> Result<PageRequest> {
    PageRequest::parse(int_param(limit, "limit")?, cursor, ("limit", "cursor"))
}

async fn teasers(state: &AppState, articles: Vec<Article>) -> Result<Vec<ArticleTeaser>> {
    let relations = state.content.relations_of(&articles).await?;
    Ok(articles.into_iter().map(|a| ArticleTeaser::new(a, &relations, &state.config.publication)).collect())
}

async fn article_list(
    state: &AppState,
    filter: &ArticleFilter,
    page: &PageRequest,
) -> Result<HttpResponse, ApiError> {
    let page = state.content.articles(filter, page, Visibility::public_now()).await?;
    let next_cursor = page.next_cursor().map(|c| c.encode());
    let keys = surrogate_keys(&list_key(filter), &page.items);
    let items = teasers(state, page.items).await?;
    Ok(HttpResponse::Ok().insert_header((SURROGATE_KEY, keys)).json(List { items, next_cursor }))
}

async fn publication(state: web::Data<AppState>, _: web::Query<NoParams>) -> HttpResponse {
    HttpResponse::Ok().json(PublicationJson::from(&state.config.publication))
}

async fn latest(
    state: web::Data<AppState>,
    params: web::Query<LatestParams>,
) -> Result<HttpResponse, ApiError> {
    let page = page_param(params.limit.as_deref(), params.cursor.as_deref())?;
    let slugs = FilterSlugs {
        category: params.category.as_deref().map(|s| (s, "category")),
        exclude_slug: params.exclude.as_deref(),
        ..FilterSlugs::default()
    };
    let filter = resolve_filter(state.content.as_ref(), slugs).await?;
    article_list(&state, &filter, &page).await
}

async fn articles(
    state: web::Data<AppState>,
    params: web::Query<ArticlesParams>,
) -> Result<HttpResponse, ApiError> {
    let page = page_param(params.limit.as_deref(), params.cursor.as_deref())?;
    let slugs = FilterSlugs {
        category: params.category.as_deref().map(|s| (s, "category")),
        tag: params.tag.as_deref().map(|s| (s, "tag")),
        author: params.author.as_deref().map(|s| (s, "author")),
        exclude_slug: None,
    };
    let filter = resolve_filter(state.content.as_ref(), slugs).await?;
    article_list(&state, &filter, &page).await
}

fn time_param(value: Option<&str>, name: &str) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
    value
        .map(|v| {
            chrono::DateTime::parse_from_rfc3339(v).map(|t| t.with_timezone(&chrono::Utc)).map_err(|_| {
                Error::invalid(
                    name,
                    format!("must be an RFC 3339 time like 2026-06-26T00:00:00+07:00, got {}", quoted(v)),
                )
            })
        })
        .transpose()
}

async fn search(
    state: web::Data<AppState>,
    params: web::Query<SearchParams>,
) -> Result<HttpResponse, ApiError> {
    let query =
        params.q.as_deref().ok_or_else(|| Error::invalid("q", "is required: /api/v1/search?q=bac+giang"))?;
    let request = crate::search::SearchRequest {
        query: (query, "q"),
        slugs: FilterSlugs {
            category: params.category.as_deref().map(|s| (s, "category")),
            tag: params.tag.as_deref().map(|s| (s, "tag")),
            author: params.author.as_deref().map(|s| (s, "author")),
            exclude_slug: None,
        },
        from: time_param(params.from.as_deref(), "from")?,
        to: time_param(params.to.as_deref(), "to")?,
        first: (int_param(params.limit.as_deref(), "limit")?, "limit"),
        after: (params.cursor.as_deref(), "cursor"),
        visibility: Visibility::public_now(),
    };
    let page = crate::search::run(state.content.as_ref(), request).await?;
    let articles: Vec<Article> = page.hits.iter().map(|h| h.article.clone()).collect();
    let keys = surrogate_keys(&["search".to_owned()], &articles);
    let teasers = teasers(&state, articles).await?;
    let items: Vec<SearchItem> = page
        .hits
        .into_iter()
        .zip(teasers)
        .map(|(hit, teaser)| SearchItem {
            teaser,
            score: hit.score,
            snippet: SnippetJson {
                text: hit.snippet.text,
                highlights: hit.snippet.highlights.into_iter().map(|(s, e)| [s, e]).collect(),
            },
        })
        .collect();
    Ok(HttpResponse::Ok().insert_header((SURROGATE_KEY, keys)).json(SearchList {
        items,
        next_cursor: page.next_cursor,
        total: page.total,
    }))
}

/// The public article with `slug`. A slug an article had before an edit changed it answers 301
/// to the same request under its slug now, so links shared before keep working.
async fn public_article(state: &AppState, request: &HttpRequest, slug: &str) -> Result<Article, ApiError> {
    match article_named(state.content.as_ref(), slug, Visibility::public_now()).await? {
        Some(Named::Now(article)) => Ok(article),
        Some(Named::Before(article)) => {
            Err(ApiError::moved("article", request, "/api/v1/articles/", slug, &article.slug))
        }
        None => Err(ApiError::from(Error::not_found("article", slug))),
    }
}

/// Full articles (teaser, body and bookkeeping), relations loaded in batches.
async fn details(state: &AppState, articles: Vec<Article>) -> Result<Vec<ArticleDetail>> {
    let ids: Vec<_> = articles.iter().map(|a| a.id).collect();
    let mut bodies = state.content.bodies(&ids).await?;
    let now = chrono::Utc::now();
    let meta: Vec<_> =
        articles.iter().map(|a| (a.id, a.effective_status(now), a.revision, a.created_at)).collect();
    let teasers = teasers(state, articles).await?;
    Ok(teasers
        .into_iter()
        .zip(meta)
        .map(|(teaser, (id, status, revision, created_at))| ArticleDetail {
            teaser,
            status: status.as_str(),
            revision,
            created_at,
            body: bodies.remove(&id).unwrap_or_default().0,
        })
        .collect())
}

async fn article(
    state: web::Data<AppState>,
    request: HttpRequest,
    slug: web::Path<String>,
    _: web::Query<NoParams>,
) -> Result<HttpResponse, ApiError> {
    let article = public_article(&state, &request, &slug).await?;
    let keys = surrogate_keys(&[], [&article]);
    let detail = details(&state, vec![article]).await?.pop().ok_or_else(|| {
        ApiError::from(Error::Unexpected("an article vanished while its relations loaded".to_owned()))
    })?;
    Ok(HttpResponse::Ok().insert_header((SURROGATE_KEY, keys)).json(detail))
}

/// Scope a partner token needs for the change feed.
pub const CHANGES_SCOPE: &str = "api:read";
const DEFAULT_CHANGES: u64 = 100;
const MAX_CHANGES: u64 = 500;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangesParams {
    since: Option<String>,
    limit: Option<String>,
}

/// Where a partner's copy stands: the last log position it has seen, and the time up to which
/// scheduled articles that became public have been reported.
fn encode_since(seq: i64, due: chrono::DateTime<chrono::Utc>) -> String {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    URL_SAFE_NO_PAD.encode(format!("c1:{seq}:{}", due.timestamp()))
}

fn decode_since(value: &str) -> Result<(i64, chrono::DateTime<chrono::Utc>)> {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    let invalid =
        || Error::invalid("since", "is not a cursor this API issued; pass back nextCursor unchanged");
    let bytes = URL_SAFE_NO_PAD.decode(value).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let mut parts = text.split(':');
    let (Some("c1"), Some(seq), Some(due), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid());
    };
    let seq = seq.parse::<i64>().map_err(|_| invalid())?;
    let due =
        due.parse::<i64>().ok().and_then(|s| chrono::DateTime::from_timestamp(s, 0)).ok_or_else(invalid)?;
    Ok((seq, due))
}

/// `GET /api/v1/changes?since=`: every article written since the cursor, in order, as its current
/// public form or as a tombstone when the public may no longer see it. Replaying the feed into a
/// copy makes the copy converge. Needs a partner token with `api:read`.
async fn changes(
    state: web::Data<AppState>,
    request: HttpRequest,
    params: web::Query<ChangesParams>,
) -> Result<HttpResponse, ApiError> {
    use actix_web::HttpMessage;
    let caller = request.extensions().get::<caller::Caller>().cloned().unwrap_or(caller::Caller::Anonymous);
    match &caller {
        caller::Caller::Anonymous => {
            return Err(ApiError::new(
                actix_web::http::StatusCode::UNAUTHORIZED,
                crate::error::code::UNAUTHENTICATED,
                "the change feed needs a partner token with the api:read scope",
            ));
        }
        c if !c.has_scope(CHANGES_SCOPE) => {
            return Err(Error::Forbidden("this token lacks the api:read scope".to_owned()).into());
        }
        _ => {}
    }
    let limit = match int_param(params.limit.as_deref(), "limit")? {
        None => DEFAULT_CHANGES,
        Some(n) if (1..=MAX_CHANGES as i64).contains(&n) => n as u64,
        Some(n) => {
            return Err(
                Error::invalid("limit", format!("must be between 1 and {MAX_CHANGES}, got {n}")).into()
            );
        }
    };
    let (after, due_after) = match params.since.as_deref() {
        Some(since) => decode_since(since)?,
        None => (0, chrono::DateTime::UNIX_EPOCH),
    };
    let now = crate::feeds::now_whole_seconds();
    let logged = state.content.changes_after(after, limit).await?;
    let full_page = logged.len() as u64 == limit;
    let mut order: Vec<(Option<i64>, bantin_domain::ArticleId)> =
        logged.iter().map(|(seq, id)| (Some(*seq), *id)).collect();
    // Scheduled articles that became public since the last call have no log entry of their own;
    // report them once the log is drained, and move the time mark only then.
    let due_until = if full_page { due_after } else { now };
    if !full_page {
        order.extend(state.content.became_due(due_after, due_until).await?.into_iter().map(|id| (None, id)));
    }
    let mut public = Vec::new();
    let mut items = Vec::with_capacity(order.len());
    for (seq, id) in &order {
        match state.newsroom.article_by_id(*id).await? {
            Some(article) if article.is_public_at(now) => public.push((*seq, article)),
            _ => items.push((*seq, ChangeItem::Delete { id: id.to_string() })),
        }
    }
    let (seqs, articles): (Vec<_>, Vec<_>) = public.into_iter().unzip();
    for (seq, detail) in seqs.into_iter().zip(details(&state, articles).await?) {
        items.push((seq, ChangeItem::Upsert { article: Box::new(detail) }));
    }
    // Items in log order; tombstones and upserts were gathered apart.
    let position = |seq: &Option<i64>| seq.unwrap_or(i64::MAX);
    items.sort_by_key(|(seq, _)| position(seq));
    let last_seq = logged.last().map_or(after, |(seq, _)| *seq);
    Ok(HttpResponse::Ok().json(ChangeList {
        items: items.into_iter().map(|(seq, change)| ChangeEntry { seq, change }).collect(),
        next_cursor: encode_since(last_seq, due_until),
        has_more: full_page,
    }))
}

async fn related(
    state: web::Data<AppState>,
    request: HttpRequest,
    slug: web::Path<String>,
    params: web::Query<RelatedParams>,
) -> Result<HttpResponse, ApiError> {
    let limit = crate::related::limit(int_param(params.limit.as_deref(), "limit")?, "limit")?;
    let article = public_article(&state, &request, &slug).await?;
    let related = crate::related::public(&state, &article, limit).await?;
    let keys = surrogate_keys(&["related".to_owned()], related.iter().chain([&article]));
    let items = teasers(&state, related).await?;
    Ok(HttpResponse::Ok().insert_header((SURROGATE_KEY, keys)).json(List { items, next_cursor: None }))
}

async fn categories(state: web::Data<AppState>, _: web::Query<NoParams>) -> Result<HttpResponse, ApiError> {
    let items: Vec<CategoryJson> = state.content.categories().await?.into_iter().map(Into::into).collect();
    Ok(taxonomy(List { items, next_cursor: None }))
}

/// Tags by name, a page at a time: a newsroom has thousands.
async fn tags(
    state: web::Data<AppState>,
    params: web::Query<NameListParams>,
) -> Result<HttpResponse, ApiError> {
    let request = params.request()?;
    Ok(name_list::<_, TagJson>(&request, state.content.tags().await?))
}

/// Authors by name, a page at a time.
async fn authors(
    state: web::Data<AppState>,
    params: web::Query<NameListParams>,
) -> Result<HttpResponse, ApiError> {
    let request = params.request()?;
    Ok(name_list::<_, AuthorJson>(&request, state.content.authors().await?))
}

/// The page of `items` that `request` names, as a list of `Json`.
fn name_list<T: ListedByName, Json: From<T> + serde::Serialize>(
    request: &NamePageRequest,
    items: Vec<T>,
) -> HttpResponse {
    let (page, next_cursor) = request.page(items);
    let items: Vec<Json> = page.into_iter().map(|(_, item)| item.into()).collect();
    taxonomy(List { items, next_cursor })
}

/// One section, for a section page's heading, without the whole list.
async fn category(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    _: web::Query<NoParams>,
) -> Result<HttpResponse, ApiError> {
    let category =
        state.content.category_by_slug(&slug).await?.ok_or_else(|| Error::not_found("category", &*slug))?;
    Ok(taxonomy(CategoryJson::from(category)))
}

/// One tag. The slug of a tag merged into another answers 301 to the target, as the tag filter
/// and the tag's feeds follow it.
async fn tag(
    state: web::Data<AppState>,
    request: HttpRequest,
    slug: web::Path<String>,
    _: web::Query<NoParams>,
) -> Result<HttpResponse, ApiError> {
    match tag_named(state.content.as_ref(), &slug).await? {
        Some(Named::Now(tag)) => Ok(taxonomy(TagJson::from(tag))),
        Some(Named::Before(target)) => {
            Err(ApiError::moved("tag", &request, "/api/v1/tags/", &slug, &target.slug))
        }
        None => Err(Error::not_found("tag", &*slug).into()),
    }
}

async fn author(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    _: web::Query<NoParams>,
) -> Result<HttpResponse, ApiError> {
    let author =
        state.content.author_by_slug(&slug).await?.ok_or_else(|| Error::not_found("author", &*slug))?;
    Ok(taxonomy(AuthorJson::from(author)))
}

/// A taxonomy list or entry: it changes with renames and merges, which purge [`CONTENT_KEY`].
fn taxonomy(value: impl serde::Serialize) -> HttpResponse {
    HttpResponse::Ok().insert_header((SURROGATE_KEY, CONTENT_KEY)).json(value)
}
