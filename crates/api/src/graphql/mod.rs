//! GraphQL at `/graphql`: POST and GET, GraphiQL for browsers.
//!
//! We read request bodies ourselves instead of using async-graphql's actix extractor, because that
//! extractor reads the whole body without a size limit; here the cap applies before parsing.

mod inputs;
mod loaders;
mod newsroom;
mod objects;
mod query;
mod search;

pub use newsroom::MIN_PASSWORD_CHARS;

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, http::header, web};
use async_graphql::{Context, EmptySubscription, MergedObject, Schema, SchemaBuilder, http::GraphiQLSource};
use bantin_domain::{ArticleFilter, PageRequest, Visibility, page::DEFAULT_PAGE_SIZE};
use futures_util::StreamExt;

use crate::{
    AppState, caller,
    error::{ApiError, code, graphql_error},
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

/// The schema with its runtime data and limits.
pub fn build_schema(state: &AppState) -> BantinSchema {
    let limits = state.config.graphql;
    schema_builder()
        .data(state.clone())
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity)
        .finish()
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
    let loader = PageLoader::new(state.content.clone(), &page.items);
    Ok(ArticleConnection { page, had_cursor: request.after.is_some(), filter, visibility, loader })
}

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/graphql")
            .route(web::post().to(graphql_post))
            .route(web::get().to(graphql_get))
            .default_service(web::to(crate::error::method_not_allowed)),
    );
}

/// Reads at most `limit` bytes of body; a longer one is refused with 413 as soon as it is seen
/// (from `Content-Length`, or while streaming a chunked body).
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
    let mut body = web::BytesMut::with_capacity(declared.unwrap_or(0));
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|err| ApiError::bad_request(format!("could not read the request body: {err}")))?;
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

async fn execute(
    schema: &BantinSchema,
    state: &AppState,
    http: &HttpRequest,
    request: async_graphql::Request,
) -> Result<HttpResponse, ApiError> {
    let caller = caller::resolve(state, http).await?;
    let request = request.data(caller);
    if request.query.trim().is_empty() {
        return Err(ApiError::bad_request("the request has no `query`: send {\"query\": \"{ ... }\"}"));
    }
    let response = schema.execute(request).await;
    Ok(HttpResponse::Ok().json(response))
}

async fn graphql_post(
    schema: web::Data<BantinSchema>,
    state: web::Data<AppState>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let body = read_capped(&request, payload, state.config.max_body_bytes).await?;
    if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return Err(ApiError::bad_request(
            "batched GraphQL requests are not supported; send one operation per request",
        ));
    }
    let graphql_request: async_graphql::Request = serde_json::from_slice(&body).map_err(|err| {
        ApiError::bad_request(format!(
            "the body must be a JSON object like {{\"query\": \"...\", \"variables\": {{}}}}: {err}"
        ))
    })?;
    execute(&schema, &state, &request, graphql_request).await
}

/// Whether the document holds a mutation: GET must not change anything (it may be cached or
/// prefetched), so those go over POST only.
fn has_mutation(query: &str) -> bool {
    use async_graphql::parser::types::OperationType;
    async_graphql::parser::parse_query(query)
        .map(|doc| doc.operations.iter().any(|(_, op)| op.node.ty == OperationType::Mutation))
        .unwrap_or(false)
}

async fn graphql_get(
    schema: web::Data<BantinSchema>,
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
        return Ok(HttpResponse::Ok().content_type("text/html; charset=utf-8").body(page));
    }
    let graphql_request = async_graphql::http::parse_query_string(request.query_string())
        .map_err(|err| ApiError::bad_request(format!("invalid GraphQL GET request: {err}")))?;
    if has_mutation(&graphql_request.query) {
        return Err(ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            code::METHOD_NOT_ALLOWED,
            "mutations must be sent with POST",
        ));
    }
    execute(&schema, &state, &request, graphql_request).await
}
