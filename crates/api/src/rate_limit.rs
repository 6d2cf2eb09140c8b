//! Admission, before anything else runs: request headers larger than [`MAX_HEADER_BYTES`] get 431,
//! and rate limits answer 429 with `Retry-After`: requests without a token per client address,
//! requests with one per token, and sign-in attempts (`login`, `refresh`) per client address.
//!
//! The client address is the TCP peer: `X-Forwarded-For` can be forged by anyone, so behind a
//! CDN or proxy give it a token, or raise the anonymous limit (see the README).

use std::{
    net::IpAddr,
    num::NonZeroU32,
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

use actix_web::{
    HttpResponse, ResponseError,
    body::{BoxBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::{StatusCode, header},
    middleware::Next,
    web,
};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter, clock::Clock};
use sha2::{Digest, Sha256};

use crate::{
    AppState,
    error::{ApiError, code},
};

/// Requests per minute for each budget; 0 switches that limit off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitSettings {
    pub anonymous_per_minute: u32,
    /// Requests a client may make at once before the per-minute pace applies.
    pub anonymous_burst: u32,
    pub token_per_minute: u32,
    pub login_per_minute: u32,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        RateLimitSettings {
            anonymous_per_minute: 60,
            anonymous_burst: 30,
            token_per_minute: 600,
            login_per_minute: 10,
        }
    }
}

/// Request line and headers larger than this in all are refused (nginx and GitHub allow 8–16 KiB).
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

fn header_bytes(request: &ServiceRequest) -> usize {
    let headers: usize =
        request.headers().iter().map(|(name, value)| name.as_str().len() + value.len() + 4).sum();
    headers + request.path().len() + request.query_string().len()
}

/// How often (in checks) keys that are back to a full budget are forgotten, so that a stream of
/// one-off clients or made-up tokens cannot grow the tables without bound.
const FORGET_EVERY: u64 = 10_000;

pub struct RateLimits {
    anonymous: Option<DefaultKeyedRateLimiter<IpAddr>>,
    token: Option<DefaultKeyedRateLimiter<[u8; 16]>>,
    login: Option<DefaultKeyedRateLimiter<IpAddr>>,
    checks: AtomicU64,
}

fn limiter<K: std::hash::Hash + Eq + Clone>(
    per_minute: u32,
    burst: u32,
) -> Option<DefaultKeyedRateLimiter<K>> {
    let per_minute = NonZeroU32::new(per_minute)?;
    let burst = NonZeroU32::new(burst).unwrap_or(per_minute);
    Some(RateLimiter::keyed(Quota::per_minute(per_minute).allow_burst(burst)))
}

/// Whole seconds until `limiter` lets `key` through again (at least 1), or `None` if it does now.
fn wait<K: std::hash::Hash + Eq + Clone>(limiter: &DefaultKeyedRateLimiter<K>, key: &K) -> Option<u64> {
    limiter.check_key(key).err().map(|not_until| {
        let wait: Duration = not_until.wait_time_from(limiter.clock().now());
        wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
    })
}

impl RateLimits {
    pub fn new(settings: RateLimitSettings) -> RateLimits {
        RateLimits {
            anonymous: limiter(settings.anonymous_per_minute, settings.anonymous_burst),
            token: limiter(settings.token_per_minute, settings.token_per_minute / 2),
            login: limiter(settings.login_per_minute, settings.login_per_minute),
            checks: AtomicU64::new(0),
        }
    }

    fn forget_idle_keys(&self) {
        if self.checks.fetch_add(1, Ordering::Relaxed) % FORGET_EVERY == FORGET_EVERY - 1 {
            for limiter in [&self.anonymous, &self.login].into_iter().flatten() {
                limiter.retain_recent();
            }
            if let Some(limiter) = &self.token {
                limiter.retain_recent();
            }
        }
    }

    /// Seconds to wait before this request may be served, if it must wait.
    fn request(&self, client: IpAddr, authorization: Option<&[u8]>) -> Option<u64> {
        self.forget_idle_keys();
        match authorization {
            None => self.anonymous.as_ref().and_then(|limiter| wait(limiter, &client)),
            Some(credential) => self.token.as_ref().and_then(|limiter| {
                let digest = Sha256::digest(credential);
                let mut key = [0u8; 16];
                key.copy_from_slice(&digest[..16]);
                wait(limiter, &key)
            }),
        }
    }

    /// Seconds to wait before this client may try to sign in again, if it must wait.
    pub(crate) fn sign_in(&self, client: IpAddr) -> Option<u64> {
        self.login.as_ref().and_then(|limiter| wait(limiter, &client))
    }
}

/// The 429 answer.
pub(crate) fn too_many(retry_after: u64, what: &str) -> HttpResponse {
    let mut response = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        code::RATE_LIMITED,
        format!("too many {what}; try again in {retry_after} s"),
    )
    .error_response();
    if let Ok(value) = header::HeaderValue::from_str(&retry_after.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// The client's address: the TCP peer.
pub(crate) fn client_address(request: &actix_web::HttpRequest) -> IpAddr {
    request.peer_addr().map_or(IpAddr::from([0, 0, 0, 0]), |addr| addr.ip())
}

/// The middleware in front of every route, cached answers included.
pub(crate) async fn layer(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if header_bytes(&request) > MAX_HEADER_BYTES {
        let refusal = ApiError::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            code::HEADERS_TOO_LARGE,
            format!("the request line and headers are over {MAX_HEADER_BYTES} bytes"),
        );
        return Ok(request.into_response(refusal.error_response()));
    }
    let state = request.app_data::<web::Data<AppState>>().cloned();
    if let Some(state) = state {
        let client = client_address(request.request());
        let authorization = request.headers().get(header::AUTHORIZATION).map(|v| v.as_bytes());
        if let Some(retry_after) = state.rate_limits.request(client, authorization) {
            return Ok(request.into_response(too_many(retry_after, "requests")));
        }
    }
    Ok(next.call(request).await?.map_into_boxed_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_gets_its_burst_then_waits_and_others_are_not_affected() {
        let limits = RateLimits::new(RateLimitSettings {
            anonymous_per_minute: 6,
            anonymous_burst: 3,
            token_per_minute: 0,
            login_per_minute: 2,
        });
        let (a, b) = (IpAddr::from([10, 0, 0, 1]), IpAddr::from([10, 0, 0, 2]));
        for _ in 0..3 {
            assert_eq!(limits.request(a, None), None);
        }
        let wait = limits.request(a, None).expect("over the burst");
        assert!((1..=10).contains(&wait), "one request every 10 s: wait {wait}");
        assert_eq!(limits.request(b, None), None, "another address has its own budget");
        assert_eq!(limits.request(a, Some(b"Bearer x")), None, "token limit off");
        assert_eq!(limits.sign_in(a), None);
        assert_eq!(limits.sign_in(a), None);
        assert!(limits.sign_in(a).is_some(), "the third sign-in in a minute waits");
    }
}
