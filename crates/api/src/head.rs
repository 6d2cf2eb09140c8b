//! `HEAD` requests: every `GET` answers `HEAD` too (link checkers, uptime monitors and CDNs send
//! it), with the headers a `GET` would get, `Content-Length` and `ETag` included, and no body.

use actix_web::{
    body::{BoxBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::Method,
    middleware::Next,
};

/// Routes a `HEAD` as the `GET` it asks about: the routes, the response cache and the 304 logic
/// then treat both alike. The body is left out by actix-http, which remembers from the request
/// line that it was a `HEAD` and writes the headers only.
pub(crate) async fn layer(
    mut request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if request.method() == Method::HEAD {
        request.head_mut().method = Method::GET;
    }
    Ok(next.call(request).await?.map_into_boxed_body())
}
