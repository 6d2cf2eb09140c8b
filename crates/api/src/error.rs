//! The one place where errors become wire responses.
//!
//! REST: a status code and `{"error":{"code","message"}}`, with codes from a short fixed list.
//! GraphQL: an error whose `extensions.code` comes from the same kind of list. Unexpected errors
//! are logged once here with their detail and reach clients as a generic message.

use std::fmt;

use actix_web::{
    HttpRequest, HttpResponse, ResponseError,
    error::{PathError, QueryPayloadError},
    http::{
        StatusCode,
        header::{self, HeaderName, HeaderValue},
    },
    web,
};
use bantin_domain::Error;
use serde::Serialize;

/// Machine-readable error codes clients can switch on.
pub mod code {
    pub const BAD_REQUEST: &str = "BAD_REQUEST";
    pub const NOT_FOUND: &str = "NOT_FOUND";
    /// 301: a former slug; 308: a path of ours with a trailing slash. `Location` names the URL
    /// to ask instead.
    pub const MOVED: &str = "MOVED";
    pub const CONFLICT: &str = "CONFLICT";
    pub const SLUG_TAKEN: &str = "SLUG_TAKEN";
    pub const FORBIDDEN: &str = "FORBIDDEN";
    pub const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
    pub const METHOD_NOT_ALLOWED: &str = "METHOD_NOT_ALLOWED";
    pub const PAYLOAD_TOO_LARGE: &str = "PAYLOAD_TOO_LARGE";
    pub const UNAVAILABLE: &str = "UNAVAILABLE";
    pub const INTERNAL: &str = "INTERNAL";
    pub const UNSUPPORTED_ENCODING: &str = "UNSUPPORTED_ENCODING";
    pub const RATE_LIMITED: &str = "RATE_LIMITED";
    pub const HEADERS_TOO_LARGE: &str = "HEADERS_TOO_LARGE";
    /// A browser preflight from a page whose origin is not in `BANTIN_CORS_ORIGINS`.
    pub const ORIGIN_NOT_ALLOWED: &str = "ORIGIN_NOT_ALLOWED";
    /// GraphQL: the document is over a shape limit (aliases, root fields).
    pub const QUERY_LIMIT: &str = "QUERY_LIMIT";
    /// GraphQL: the document does not parse, or does not fit the schema (Apollo's codes).
    pub const GRAPHQL_PARSE_FAILED: &str = "GRAPHQL_PARSE_FAILED";
    pub const GRAPHQL_VALIDATION_FAILED: &str = "GRAPHQL_VALIDATION_FAILED";
    /// GraphQL: the operation ran past the execution timeout.
    pub const TIMEOUT: &str = "TIMEOUT";
    /// GraphQL's conventional code for invalid arguments.
    pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
    pub const INTERNAL_SERVER_ERROR: &str = "INTERNAL_SERVER_ERROR";
}

const INTERNAL_MESSAGE: &str = "internal error; it has been logged";
const UNAVAILABLE_MESSAGE: &str = "the database is not answering right now; try again in a moment";

/// An error on its way to a REST client.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Where the content is now, for a 301 (`Location`).
    pub location: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into(), location: None }
    }

    /// 301 to the request's own path and query string with `old`, which comes right after
    /// `prefix` in the path, replaced by `new` (only there, though a slug may spell a word of the
    /// path, `related`): `old` named this content before an edit or a merge changed it. Clients
    /// that follow redirects get the content; the body says where it went for those that do not.
    pub fn moved(what: &str, request: &HttpRequest, prefix: &str, old: &str, new: &str) -> ApiError {
        let rest =
            request.path().strip_prefix(prefix).and_then(|path| path.strip_prefix(old)).unwrap_or_default();
        let location = with_query(request, format!("{prefix}{new}{rest}"));
        let message = format!("this {what} is now at {location}");
        ApiError {
            status: StatusCode::MOVED_PERMANENTLY,
            code: code::MOVED,
            message,
            location: Some(location),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code::BAD_REQUEST, message)
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, code::NOT_FOUND, message)
    }
}

/// `path` with the request's query string, for a `Location` that keeps what was asked.
fn with_query(request: &HttpRequest, mut path: String) -> String {
    if !request.query_string().is_empty() {
        path.push('?');
        path.push_str(request.query_string());
    }
    path
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.code, self.message)
    }
}

#[derive(Serialize)]
struct Envelope<'a> {
    error: Body<'a>,
}

#[derive(Serialize)]
struct Body<'a> {
    code: &'a str,
    message: &'a str,
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        if let Some(location) = &self.location {
            response.insert_header((header::LOCATION, location.as_str()));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            // Only UNAUTHENTICATED means no credential was sent; every other 401 refused a token.
            response.insert_header(bearer_challenge(self.code != code::UNAUTHENTICATED));
        }
        response.json(Envelope { error: Body { code: self.code, message: &self.message } })
    }
}

/// The `WWW-Authenticate` header every 401 carries (RFC 6750 §3): `error="invalid_token"` when the
/// client presented a token and it was refused, the bare scheme when it presented none.
pub(crate) fn bearer_challenge(token_refused: bool) -> (HeaderName, HeaderValue) {
    let challenge = if token_refused { r#"Bearer error="invalid_token""# } else { "Bearer" };
    (header::WWW_AUTHENTICATE, HeaderValue::from_static(challenge))
}

impl From<Error> for ApiError {
    fn from(err: Error) -> ApiError {
        match err {
            Error::Validation { .. } => ApiError::bad_request(err.to_string()),
            Error::NotFound { .. } => ApiError::not_found(err.to_string()),
            Error::Conflict(message) => ApiError::new(StatusCode::CONFLICT, code::CONFLICT, message),
            Error::StaleRevision { .. } => {
                ApiError::new(StatusCode::CONFLICT, code::CONFLICT, err.to_string())
            }
            Error::SlugTaken(_) => ApiError::new(StatusCode::CONFLICT, code::SLUG_TAKEN, err.to_string()),
            Error::Forbidden(message) => ApiError::new(StatusCode::FORBIDDEN, code::FORBIDDEN, message),
            Error::Unavailable(detail) => {
                tracing::warn!(error.detail = %detail, "database unavailable");
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, code::UNAVAILABLE, UNAVAILABLE_MESSAGE)
            }
            Error::Unexpected(detail) => {
                tracing::error!(error.detail = %detail, "request failed");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, code::INTERNAL, INTERNAL_MESSAGE)
            }
        }
    }
}

/// A GraphQL error with `extensions.code`, for refusals made before the schema runs.
pub(crate) fn server_error(message: impl Into<String>, code: &'static str) -> async_graphql::ServerError {
    use async_graphql::ErrorExtensions;
    async_graphql::Error::new(message)
        .extend_with(|_, ext| ext.set("code", code))
        .into_server_error(async_graphql::Pos::default())
}

/// The GraphQL form of a domain error: `extensions.code` set, internals kept in the logs.
pub fn graphql_error(err: Error) -> async_graphql::Error {
    use async_graphql::ErrorExtensions;
    let (code, message) = match &err {
        Error::Validation { .. } => (code::BAD_USER_INPUT, err.to_string()),
        Error::NotFound { .. } => (code::NOT_FOUND, err.to_string()),
        Error::Conflict(message) => (code::CONFLICT, message.clone()),
        Error::StaleRevision { current, .. } => {
            let current = *current;
            return async_graphql::Error::new(err.to_string()).extend_with(|_, ext| {
                ext.set("code", code::CONFLICT);
                ext.set("currentRevision", current);
            });
        }
        Error::SlugTaken(slug) => {
            let slug = slug.clone();
            return async_graphql::Error::new(err.to_string()).extend_with(|_, ext| {
                ext.set("code", code::SLUG_TAKEN);
                ext.set("slug", slug.as_str());
            });
        }
        Error::Forbidden(message) => (code::FORBIDDEN, message.clone()),
        Error::Unavailable(detail) => {
            tracing::warn!(error.detail = %detail, "database unavailable");
            (code::UNAVAILABLE, UNAVAILABLE_MESSAGE.to_owned())
        }
        Error::Unexpected(detail) => {
            tracing::error!(error.detail = %detail, "graphql resolver failed");
            (code::INTERNAL_SERVER_ERROR, INTERNAL_MESSAGE.to_owned())
        }
    };
    async_graphql::Error::new(message).extend_with(|_, ext| ext.set("code", code))
}

/// Bad query strings (`?limit=abc`, unknown parameters) answer 400 in the usual envelope.
pub(crate) fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err: QueryPayloadError, _: &HttpRequest| {
        ApiError::bad_request(format!("invalid query string: {err}")).into()
    })
}

pub(crate) fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err: PathError, _: &HttpRequest| {
        ApiError::bad_request(format!("invalid path: {err}")).into()
    })
}

/// Answer for `/graphql` asked with a method it does not serve.
pub(crate) async fn graphql_method_not_allowed(request: HttpRequest) -> HttpResponse {
    method_not_allowed(&request, "GET, HEAD, POST")
}

/// 405 with the `Allow` header HTTP requires, naming the methods the path does serve.
fn method_not_allowed(request: &HttpRequest, allow: &'static str) -> HttpResponse {
    let mut response = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        code::METHOD_NOT_ALLOWED,
        format!("{} does not accept {}; it answers {allow}", request.path(), request.method()),
    )
    .error_response();
    response.headers_mut().insert(header::ALLOW, HeaderValue::from_static(allow));
    response
}

/// Answer for any request no route takes: 405 for a path of ours asked with another method
/// (every route but `/graphql` is read-only: `GET` and `HEAD`), 308 to a path of ours asked with
/// a trailing slash (`/api/v1/latest/`, a common slip when URLs are joined; 308 keeps the method
/// and body, so a POST to `/graphql/` arrives too), 404 for any other path.
pub(crate) async fn no_route(request: HttpRequest) -> HttpResponse {
    let path = request.path();
    let routes = request.resource_map();
    if routes.has_resource(path) {
        return method_not_allowed(&request, "GET, HEAD");
    }
    let trimmed = path.trim_end_matches('/');
    // Never `//host/...` in Location, which a browser reads as another host.
    let local = trimmed.starts_with('/') && !trimmed.starts_with("//");
    if trimmed.len() < path.len() && local && routes.has_resource(trimmed) {
        return ApiError {
            status: StatusCode::PERMANENT_REDIRECT,
            code: code::MOVED,
            message: format!("{path} is at {trimmed}, without the trailing slash"),
            location: Some(with_query(&request, trimmed.to_owned())),
        }
        .error_response();
    }
    ApiError::not_found(format!("no route for {} {}", request.method(), path)).error_response()
}
