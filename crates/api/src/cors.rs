//! Cross-origin requests (CORS): frontends served from other origins call GraphQL and REST from
//! their readers' browsers, and a browser lets a page read an answer only when the answer names
//! its origin; before a POST of JSON or a request with a token it first asks with an `OPTIONS`
//! preflight.
//!
//! Any origin is let in by default, as public content APIs do. That is safe here because the only
//! credential is a bearer token a page must hold itself: no cookie rides along that another site's
//! page could borrow. A list of origins narrows it; `none` answers no cross-origin request.

use std::{fmt, str::FromStr};

use actix_web::{
    HttpResponse, ResponseError,
    body::{BoxBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::{
        Method, StatusCode,
        header::{self, HeaderMap, HeaderValue},
    },
    middleware::Next,
    web,
};
use bantin_domain::text::quoted;

use crate::{
    AppState,
    error::{ApiError, code},
};

/// The origins whose pages may call the API from a browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllowedOrigins {
    Any,
    /// Exact origins (`https://news.example.com`), lower-case.
    Only(Vec<String>),
    None,
}

impl FromStr for AllowedOrigins {
    type Err = String;

    /// `*`, `none`, or comma-separated origins, each a scheme and host with an optional port.
    fn from_str(value: &str) -> Result<AllowedOrigins, String> {
        match value.trim() {
            "*" => return Ok(AllowedOrigins::Any),
            "none" | "" => return Ok(AllowedOrigins::None),
            _ => {}
        }
        let origins = value
            .split(',')
            .map(|origin| {
                let origin = origin.trim().to_ascii_lowercase();
                let host = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://"));
                match host {
                    Some(host) if !host.is_empty() && !host.contains(['/', '?', '#', ' ', '*']) => Ok(origin),
                    _ => Err(format!(
                        "'{}' is not an origin: write a scheme and host, with the port if it is not the \
                         scheme's own and nothing after (https://news.example.com, http://localhost:3000); \
                         or '*' for any origin, 'none' for none",
                        origin.trim_end_matches('/')
                    )),
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(AllowedOrigins::Only(origins))
    }
}

impl fmt::Display for AllowedOrigins {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AllowedOrigins::Any => f.write_str("*"),
            AllowedOrigins::Only(origins) => f.write_str(&origins.join(",")),
            AllowedOrigins::None => f.write_str("none"),
        }
    }
}

impl AllowedOrigins {
    /// The `Access-Control-Allow-Origin` a request from `origin` gets, if it is let in.
    fn allow(&self, origin: &HeaderValue) -> Option<HeaderValue> {
        match self {
            AllowedOrigins::Any => Some(HeaderValue::from_static("*")),
            AllowedOrigins::Only(origins) => {
                let origin_text = origin.to_str().ok()?;
                origins
                    .iter()
                    .any(|allowed| allowed.eq_ignore_ascii_case(origin_text))
                    .then(|| origin.clone())
            }
            AllowedOrigins::None => None,
        }
    }
}

/// The methods the API answers.
const METHODS: HeaderValue = HeaderValue::from_static("GET, HEAD, POST");

/// Headers of ours a page's script may read besides the always-readable ones (`Cache-Control`,
/// `Content-Type`, `Last-Modified`, ...): revalidation, rate limits, auth failures and caching.
const EXPOSED: HeaderValue = HeaderValue::from_static(
    "ETag, Retry-After, WWW-Authenticate, X-Cache, Surrogate-Key, RateLimit-Limit, RateLimit-Remaining, \
         RateLimit-Reset",
);

/// How long a browser may reuse a preflight's answer: a day (browsers cap it lower, Chrome at
/// two hours), so a frontend does not pay a round trip before every POST.
const PREFLIGHT_MAX_AGE: HeaderValue = HeaderValue::from_static("86400");

/// Answers preflights and marks answers to cross-origin requests. Requests without an `Origin`
/// (servers, apps, feed readers, load generators) pass through untouched.
pub(crate) async fn layer(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(origin) = request.headers().get(header::ORIGIN).cloned() else {
        return Ok(next.call(request).await?.map_into_boxed_body());
    };
    let allowed_origins = request.app_data::<web::Data<AppState>>().map(|state| &state.config.cors_origins);
    let allowed = allowed_origins.and_then(|origins| origins.allow(&origin));
    let echoes_origin = matches!(allowed_origins, Some(AllowedOrigins::Only(_)));
    if request.method() == Method::OPTIONS
        && request.headers().contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
    {
        let response = match allowed {
            Some(allow_origin) => preflight(request.headers(), allow_origin),
            None => refusal(&origin),
        };
        return Ok(request.into_response(response));
    }
    let mut response = next.call(request).await?.map_into_boxed_body();
    if let Some(allow_origin) = allowed {
        let headers = response.headers_mut();
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
        headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED);
        if echoes_origin {
            // Shared caches must not hand one origin's answer to another.
            headers.append(header::VARY, HeaderValue::from_static("Origin"));
        }
    }
    Ok(response)
}

fn preflight(request: &HeaderMap, allow_origin: HeaderValue) -> HttpResponse {
    let mut response = HttpResponse::NoContent();
    response
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin))
        .insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, METHODS))
        .insert_header((header::ACCESS_CONTROL_MAX_AGE, PREFLIGHT_MAX_AGE))
        .insert_header((
            header::VARY,
            "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
        ));
    // Whatever headers the page wants to send (a token, tracing headers of its HTTP client): no
    // header can carry a credential the page does not have already.
    if let Some(asked) = request.get(header::ACCESS_CONTROL_REQUEST_HEADERS) {
        response.insert_header((header::ACCESS_CONTROL_ALLOW_HEADERS, asked.clone()));
    }
    response.finish()
}

fn refusal(origin: &HeaderValue) -> HttpResponse {
    let origin = quoted(&String::from_utf8_lossy(origin.as_bytes()));
    ApiError::new(
        StatusCode::FORBIDDEN,
        code::ORIGIN_NOT_ALLOWED,
        format!(
            "pages from {origin} may not call this API: add the origin to BANTIN_CORS_ORIGINS (--cors-origins)"
        ),
    )
    .error_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_parse_from_a_star_a_list_or_none_and_a_mistake_names_the_form() {
        assert_eq!("*".parse(), Ok(AllowedOrigins::Any));
        assert_eq!(" none ".parse(), Ok(AllowedOrigins::None));
        assert_eq!(
            "https://News.example.com, http://localhost:3000".parse(),
            Ok(AllowedOrigins::Only(vec!["https://news.example.com".into(), "http://localhost:3000".into()]))
        );
        for wrong in
            ["news.example.com", "https://news.example.com/", "https://", "ftp://x", "https://*.example.com"]
        {
            let error = wrong.parse::<AllowedOrigins>().expect_err(wrong);
            assert!(
                error.contains("is not an origin") && error.contains("https://news.example.com"),
                "{error}"
            );
        }
    }

    #[test]
    fn only_listed_origins_are_echoed_and_any_gets_a_star() {
        let origin = HeaderValue::from_static("https://news.example.com");
        let only: AllowedOrigins = "https://news.example.com".parse().expect("origins");
        assert_eq!(only.allow(&origin), Some(origin.clone()));
        assert_eq!(only.allow(&HeaderValue::from_static("https://evil.example")), None);
        assert_eq!(only.allow(&HeaderValue::from_static("null")), None);
        assert_eq!(AllowedOrigins::Any.allow(&origin), Some(HeaderValue::from_static("*")));
        assert_eq!(AllowedOrigins::None.allow(&origin), None);
    }
}
