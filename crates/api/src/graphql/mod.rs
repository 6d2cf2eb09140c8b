//! GraphQL at `/graphql`: POST and GET, GraphiQL for browsers.
//!
//! We read request bodies ourselves instead of using async-graphql's actix extractor, because that
//! extractor reads the whole body without a size limit; here the cap applies before parsing, and
//! to what a gzip body inflates to. Documents are checked against [`GraphqlLimits`] before any
//! resolver runs: depth, complexity and directives by async-graphql, aliases and root fields by
//! [`shape`]; a running operation is stopped at the timeout.
//!
//! [`GraphqlLimits`]: crate::GraphqlLimits

pub(crate) mod documents;
mod inflate;
mod inputs;
mod loaders;
mod newsroom;
mod objects;
pub(crate) mod persisted;
mod query;
mod search;
pub mod shape;

pub use newsroom::MIN_PASSWORD_CHARS;

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, http::header, web};
use async_graphql::{Context, EmptySubscription, MergedObject, Schema, SchemaBuilder, http::GraphiQLSource};
use bantin_domain::{ArticleFilter, PageRequest, Visibility, page::DEFAULT_PAGE_SIZE};
use futures_util::StreamExt;

use crate::{
    AppState,
    caller::{self, Caller},
    error::{ApiError, code, graphql_error, server_error},
};
use loaders::PageLoader;
use objects::ArticleConnection;

/// The query root: each area contributes its own object.
#[derive(MergedObject, Default)]
pub struct QueryRoot(query::ContentQuery, search::SearchQueryRoot, newsroom::NewsroomQuery);

#[derive(MergedObject, Default)]
pub struct MutationRoot(newsroom::NewsroomMutation);

pub type BantinSchema = Schema<QueryRoot, MutationRoot, EmptySubscription>;

fn schema_builder() -> SchemaBuilder<QueryRoot, MutationRoot, EmptySubscription> {
    Schema::build(QueryRoot::default(), MutationRoot::default(), EmptySubscription)
}

/// The schema twice, with the limits for anonymous callers and for callers with a token.
pub struct Schemas {
    anonymous: BantinSchema,
    authenticated: BantinSchema,
}

impl Schemas {
    fn for_caller(&self, caller: &Caller) -> &BantinSchema {
        if *caller == Caller::Anonymous { &self.anonymous } else { &self.authenticated }
    }
}

/// The schemas with their runtime data and limits.
pub fn build_schemas(state: &AppState) -> Schemas {
    let limits = state.config.graphql;
    let build = |depth: usize, complexity: usize| {
        let mut builder = schema_builder()
            .data(state.clone())
            .limit_depth(depth)
            .limit_complexity(complexity)
            .limit_directives(limits.max_directives);
        if !limits.introspection {
            // Field suggestions ("did you mean ...") reveal the schema as introspection would.
            builder = builder.disable_introspection().disable_suggestions();
        }
        builder.finish()
    };
    Schemas {
        anonymous: build(limits.max_depth, limits.max_complexity),
        authenticated: build(limits.max_depth_authenticated, limits.max_complexity_authenticated),
    }
}

/// The schema in SDL, fields sorted so that diffs show real changes. `schema.graphql` holds it.
pub fn sdl() -> String {
    use async_graphql::SDLExportOptions;
    schema_builder().finish().sdl_with_options(SDLExportOptions::new().sorted_fields().sorted_enum_items())
}

/// Cost of a paged field: its children's cost times the page size asked for.
pub(crate) fn page_complexity(first: Option<i32>, child_complexity: usize) -> usize {
    let first = first.map_or(DEFAULT_PAGE_SIZE as usize, |n| usize::try_from(n.max(1)).unwrap_or(1));
    first.saturating_mul(child_complexity)
}

/// Records, for the answer's `Surrogate-Key`, the lists and articles a resolver shows.
pub(crate) fn note_shown(ctx: &Context<'_>, lists: Vec<String>, articles: &[bantin_domain::Article]) {
    if let Some(shown) = ctx.data_opt::<std::sync::Arc<crate::http_cache::ShownKeys>>() {
        shown.lists(lists);
        shown.articles(articles);
    }
}

/// Runs one page of an article list, keeping what `totalCount` needs to count the same set.
pub(crate) async fn article_page(
    ctx: &Context<'_>,
    filter: ArticleFilter,
    first: Option<i32>,
    after: Option<String>,
    visibility: Visibility,
) -> async_graphql::Result<ArticleConnection> {
    let request = PageRequest::parse(first.map(i64::from), after.as_deref(), ("first", "after"))
        .map_err(graphql_error)?;
    let state = ctx.data::<AppState>()?;
    let page = state.content.articles(&filter, &request, visibility).await.map_err(graphql_error)?;
    note_shown(ctx, crate::http_cache::list_key(&filter), &page.items);
    let loader = PageLoader::new(state.content.clone(), &page.items);
    Ok(ArticleConnection { page, had_cursor: request.after.is_some(), filter, visibility, loader })
}

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/graphql")
            .route(web::post().to(graphql_post))
            .route(web::get().to(graphql_get))
            .default_service(web::to(crate::error::graphql_method_not_allowed)),
    );
}

/// Reads at most `limit` bytes of body; a longer one is refused with 413 as soon as it is seen
/// (from `Content-Length`, or while streaming a chunked body). A gzip body is inflated as it
/// arrives and the cap applies to what it inflates to, so a small bomb is refused, not expanded.
async fn read_capped(
    request: &HttpRequest,
    mut payload: web::Payload,
    limit: usize,
) -> Result<web::Bytes, ApiError> {
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            code::PAYLOAD_TOO_LARGE,
            format!("request body is larger than the {limit}-byte limit"),
        )
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|len| len > limit) {
        return Err(too_large());
    }
    let encoding = request.headers().get(header::CONTENT_ENCODING).and_then(|v| v.to_str().ok());
    let mut gzip = match encoding.map(str::trim) {
        None | Some("identity") => None,
        Some(e) if e.eq_ignore_ascii_case("gzip") => Some(inflate::Inflater::new(limit)),
        Some(other) => {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                code::UNSUPPORTED_ENCODING,
                format!("Content-Encoding '{other}' is not accepted; send the body plain or as gzip"),
            ));
        }
    };
    let inflate_error = |err| match err {
        inflate::Error::TooLarge => too_large(),
        inflate::Error::Corrupt(err) => ApiError::bad_request(format!("the gzip body is corrupt: {err}")),
    };
    let mut body = web::BytesMut::with_capacity(declared.unwrap_or(0).min(limit));
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|err| ApiError::bad_request(format!("could not read the request body: {err}")))?;
        match &mut gzip {
            Some(inflater) => inflater.write(&chunk).map_err(inflate_error)?,
            None if body.len() + chunk.len() > limit => return Err(too_large()),
            None => body.extend_from_slice(&chunk),
        }
    }
    match gzip {
        Some(inflater) => inflater.finish().map_err(inflate_error),
        None => Ok(body.freeze()),
    }
}

/// A GraphQL answer as HTTP. Answers with errors are never kept by any cache: an error may be
/// passing (a database hiccup) and is cheap to give again.
///
/// An answer that resolved nothing for one reason goes out with that reason's HTTP status, as REST
/// answers do, so that clients, proxies and load balancers can tell it from success without
/// reading the body (the body is unchanged): 401 with a `WWW-Authenticate` challenge when the
/// caller lacks a valid login, 503 when the database is not answering.
/// `token_presented` says whether the request carried a token in `Authorization`.
fn to_http(
    response: &async_graphql::Response,
    shown: &crate::http_cache::ShownKeys,
    token_presented: bool,
) -> Result<(HttpResponse, web::Bytes), ApiError> {
    let body = web::Bytes::from(serde_json::to_vec(response).map_err(|err| {
        ApiError::from(bantin_domain::Error::Unexpected(format!("serialising a GraphQL response: {err}")))
    })?);
    let mut http = match refusal(response) {
        Some(code::UNAUTHENTICATED) => {
            let mut refused = HttpResponse::Unauthorized();
            // A refresh token travels in the body; its refusal says so with `extensions.reason`.
            let token_refused =
                token_presented || response.errors.iter().any(|error| extension(error, "reason").is_some());
            refused.insert_header(crate::error::bearer_challenge(token_refused));
            refused
        }
        Some(code::UNAVAILABLE) => HttpResponse::ServiceUnavailable(),
        _ => HttpResponse::Ok(),
    };
    http.content_type("application/json");
    shown.lists([crate::http_cache::GRAPHQL_KEY.to_owned()]);
    http.insert_header((crate::http_cache::SURROGATE_KEY, shown.header()));
    if response.is_err() {
        http.insert_header((header::CACHE_CONTROL, "no-store"));
    }
    Ok((http.body(body.clone()), body))
}

/// The code every error shares, when the operation resolved nothing (`data` is null) and that
/// code is one with its own HTTP status (`UNAUTHENTICATED`, `UNAVAILABLE`). A partial answer (some
/// fields resolved, one refused) is still an answer: it stays 200.
fn refusal(response: &async_graphql::Response) -> Option<&'static str> {
    if response.data != async_graphql::Value::Null {
        return None;
    }
    [code::UNAUTHENTICATED, code::UNAVAILABLE].into_iter().find(|refusal| {
        let refusal = async_graphql::Value::from(*refusal);
        !response.errors.is_empty()
            && response.errors.iter().all(|error| extension(error, "code") == Some(&refusal))
    })
}

/// An error's `extensions.<name>`, if it has one.
fn extension<'a>(error: &'a async_graphql::ServerError, name: &str) -> Option<&'a async_graphql::Value> {
    error.extensions.as_ref().and_then(|extensions| extensions.get(name))
}

/// Runs one operation for `caller`. Anonymous POSTs are answered from the response cache when
/// they can be (GETs are, by [`crate::http_cache::layer`], before they get here).
async fn execute(
    schemas: &Schemas,
    state: &AppState,
    http: &HttpRequest,
    caller: Caller,
    mut request: async_graphql::Request,
    method: actix_web::http::Method,
    exact_body: Option<&str>,
) -> Result<HttpResponse, ApiError> {
    let shown = std::sync::Arc::new(crate::http_cache::ShownKeys::default());
    let token_presented = caller != Caller::Anonymous;
    let refuse =
        |err| Ok(to_http(&async_graphql::Response::from_errors(vec![err]), &shown, token_presented)?.0);
    if let Err(err) = state.persisted_queries.apply(&mut request) {
        return refuse(err);
    }
    if request.query.trim().is_empty() {
        return Err(ApiError::bad_request("the request has no `query`: send {\"query\": \"{ ... }\"}"));
    }
    let limits = state.config.graphql;
    // A document that does not parse is reported by the schema, with its position.
    let mut mutation = false;
    let mut parsed = false;
    let nul_in_variables = shape::variables_hold_nul(&request.variables);
    if let Ok(document) = state.parsed_documents.parse(&mut request) {
        parsed = true;
        if let Err(message) = shape::check(document, limits.shape) {
            return refuse(server_error(message, code::QUERY_LIMIT));
        }
        if nul_in_variables || shape::holds_nul(document) {
            return refuse(server_error(
                "a string holds the character U+0000 (NUL), which no field accepts: remove it",
                code::BAD_USER_INPUT,
            ));
        }
        use async_graphql::parser::types::OperationType;
        mutation = document.operations.iter().any(|(_, op)| op.node.ty == OperationType::Mutation);
        if shape::signs_in(document) {
            let client = crate::rate_limit::client_address(http);
            if let Some(retry_after) = state.rate_limits.sign_in(client) {
                return Ok(crate::rate_limit::too_many(retry_after, "sign-in attempts"));
            }
        }
    }
    if method == actix_web::http::Method::GET && mutation {
        return Err(ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            code::METHOD_NOT_ALLOWED,
            "mutations must be sent with POST",
        ));
    }
    let cache = &state.responses;
    let content = state.content.as_ref();
    let cache_key = (method == actix_web::http::Method::POST
        && !mutation
        && cache.enabled()
        && caller == Caller::Anonymous)
        .then(|| post_cache_key(&request));
    let mut rendering = None;
    if let Some(key) = &cache_key {
        if let Some(answer) = cache.answer(key, http, content) {
            return Ok(answer);
        }
        rendering = Some(cache.begin(content));
    }
    let schema = schemas.for_caller(&caller);
    let running = schema.execute(request.data(caller).data(shown.clone()));
    let mut response = match actix_web::rt::time::timeout(limits.timeout, running).await {
        Ok(response) => response,
        Err(_) => {
            let seconds = limits.timeout.as_secs_f64();
            return refuse(server_error(
                format!("the operation ran longer than {seconds} s and was stopped; ask for less"),
                code::TIMEOUT,
            ));
        }
    };
    name_uncoded_errors(&mut response, parsed);
    let (answer, body) = to_http(&response, &shown, token_presented)?;
    match (cache_key, rendering) {
        (Some(key), Some(rendering)) if response.is_ok() => {
            let (head, _) = answer.into_parts();
            let stored = crate::http_cache::complete(state, true, http.headers(), &head, body);
            let answer = stored.respond(http);
            let keys = [Some(key), exact_body.map(str::to_owned)].into_iter().flatten();
            cache.put(keys, stored, cache.finish(rendering, content).await);
            Ok(answer)
        }
        _ => Ok(answer),
    }
}

/// Gives every error async-graphql raised itself (syntax, validation, its depth and complexity
/// limits) an `extensions.code`, as our own errors have, so clients can branch on codes alone.
fn name_uncoded_errors(response: &mut async_graphql::Response, parsed: bool) {
    for error in &mut response.errors {
        if extension(error, "code").is_some() {
            continue;
        }
        let code = if !parsed {
            code::GRAPHQL_PARSE_FAILED
        } else if error.message.starts_with("Query is too complex")
            || error.message.starts_with("Query is nested too deep")
            || error.message.contains("directives")
        {
            code::QUERY_LIMIT
        } else {
            code::GRAPHQL_VALIDATION_FAILED
        };
        error.extensions.get_or_insert_with(Default::default).set("code", code);
    }
}

/// The response cache's key for a POSTed operation: the same document, variables and operation
/// name give the same key however the document is spaced. (GET keys start with `/`, the exact
/// bodies also used as keys with `{`: none of them can collide.)
fn post_cache_key(request: &async_graphql::Request) -> String {
    let variables = serde_json::to_string(&request.variables).unwrap_or_default();
    format!(
        "POST /graphql\n{}\n{}\n{variables}",
        request.operation_name.as_deref().unwrap_or_default(),
        normalise_document(&request.query)
    )
}

/// The document with each run of insignificant characters (white space, commas) outside string
/// literals turned into one space.
fn normalise_document(document: &str) -> String {
    let mut normalised = String::with_capacity(document.len());
    let (mut in_string, mut escaped, mut gap) = (false, false, false);
    for ch in document.chars() {
        if in_string {
            normalised.push(ch);
            match (escaped, ch) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        if ch.is_whitespace() || ch == ',' {
            gap = true;
            continue;
        }
        if gap && !normalised.is_empty() {
            normalised.push(' ');
        }
        gap = false;
        in_string = ch == '"';
        normalised.push(ch);
    }
    normalised
}

async fn graphql_post(
    schemas: web::Data<Schemas>,
    state: web::Data<AppState>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    // Who is asking decides how large a body may be, so it is settled before reading one.
    let caller = caller::resolve(&state, &request).await?;
    let limit = if caller == Caller::Anonymous {
        state.config.max_body_bytes
    } else {
        state.config.max_body_bytes_authenticated
    };
    let body = read_capped(&request, payload, limit).await?;
    // A client repeating a request repeats its bytes: those find a kept answer before any parsing.
    let exact_body = (state.responses.enabled() && caller == Caller::Anonymous)
        .then(|| std::str::from_utf8(&body).ok())
        .flatten();
    if let Some(answer) =
        exact_body.and_then(|body| state.responses.answer(body, &request, state.content.as_ref()))
    {
        return Ok(answer);
    }
    let parse_error = |err: serde_json::Error| {
        ApiError::bad_request(format!(
            "the body must be a JSON object like {{\"query\": \"...\", \"variables\": {{}}}}, or with a token an \
             array of up to {} of them: {err}",
            state.config.graphql.max_batch
        ))
    };
    let post = actix_web::http::Method::POST;
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'[') {
        let graphql_request: async_graphql::Request = serde_json::from_slice(&body).map_err(parse_error)?;
        return execute(&schemas, &state, &request, caller, graphql_request, post, exact_body).await;
    }
    // A batch: only for callers with a token (anonymous batches would multiply every limit).
    if caller == Caller::Anonymous {
        return Err(ApiError::bad_request("batched operations need a token; send one operation per request"));
    }
    let batch: Vec<async_graphql::Request> = serde_json::from_slice(&body).map_err(parse_error)?;
    let max = state.config.graphql.max_batch;
    if batch.is_empty() || batch.len() > max {
        return Err(ApiError::bad_request(format!(
            "a batch holds 1 to {max} operations, this one {}",
            batch.len()
        )));
    }
    let mut answers = Vec::with_capacity(batch.len());
    // The batch is refused as a whole (401) only when every operation in it was: the same rule as
    // for one operation, applied to all of them. The challenge is the first one's.
    let mut challenge = None;
    let mut all_refused = true;
    for operation in batch {
        let answer =
            execute(&schemas, &state, &request, caller.clone(), operation, post.clone(), None).await?;
        if answer.status() == StatusCode::UNAUTHORIZED {
            challenge = challenge.or_else(|| answer.headers().get(header::WWW_AUTHENTICATE).cloned());
        } else {
            all_refused = false;
        }
        let bytes = actix_web::body::to_bytes(answer.into_body()).await.map_err(|_| {
            ApiError::from(bantin_domain::Error::Unexpected("could not buffer a batched answer".to_owned()))
        })?;
        answers.push(bytes);
    }
    let mut joined = Vec::with_capacity(answers.iter().map(|a| a.len() + 1).sum::<usize>() + 1);
    joined.push(b'[');
    for (i, answer) in answers.iter().enumerate() {
        if i > 0 {
            joined.push(b',');
        }
        joined.extend_from_slice(answer);
    }
    joined.push(b']');
    let mut http = match challenge.filter(|_| all_refused) {
        Some(challenge) => {
            let mut refused = HttpResponse::Unauthorized();
            refused.insert_header((header::WWW_AUTHENTICATE, challenge));
            refused
        }
        None => HttpResponse::Ok(),
    };
    Ok(http
        .content_type("application/json")
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(joined))
}

/// GraphQL over GET: queries only (GET must not change anything; it may be cached or prefetched).
async fn graphql_get(
    schemas: web::Data<Schemas>,
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let wants_html = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if request.query_string().is_empty() && wants_html && state.config.graphiql {
        let page = GraphiQLSource::build().endpoint("/graphql").title("bantin GraphQL").finish();
        // Not for caches: the same URL answers JSON to clients that do not ask for HTML.
        return Ok(HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(page));
    }
    let graphql_request = async_graphql::http::parse_query_string(request.query_string())
        .map_err(|err| ApiError::bad_request(format!("invalid GraphQL GET request: {err}")))?;
    let caller = caller::resolve(&state, &request).await?;
    execute(&schemas, &state, &request, caller, graphql_request, actix_web::http::Method::GET, None).await
}

#[cfg(test)]
mod tests {
    use super::normalise_document;

    #[test]
    fn spacing_and_commas_do_not_change_the_document_but_strings_keep_theirs() {
        assert_eq!(
            normalise_document("{\n  latest(first: 2,  after: null) {\n nodes { slug } }\n}"),
            "{ latest(first: 2 after: null) { nodes { slug } } }"
        );
        assert_eq!(
            normalise_document("{ search(query: \"bac  giang, \\\" x\") { totalCount } }"),
            "{ search(query: \"bac  giang, \\\" x\") { totalCount } }"
        );
        assert_ne!(normalise_document("{ a(q: \"x  y\") }"), normalise_document("{ a(q: \"x y\") }"));
    }
}
