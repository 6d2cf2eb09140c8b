//! Admission, before anything else runs: request headers larger than [`MAX_HEADER_BYTES`] get 431,
//! and rate limits answer 429 with `Retry-After`: requests without a token per client address,
//! requests with one per token, and sign-in attempts (`login`, `refresh`) per client address.
//! Every answer a request limit counted says where the client stands (`RateLimit-Limit`,
//! `RateLimit-Remaining`, `RateLimit-Reset`), so a client can pace itself before it is refused.
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
use governor::{
    Quota, RateLimiter,
    clock::{Clock, DefaultClock},
    middleware::StateInformationMiddleware,
    state::keyed::DefaultKeyedStateStore,
};
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
    anonymous: Option<Budget<IpAddr>>,
    token: Option<Budget<[u8; 16]>>,
    login: Option<Budget<IpAddr>>,
    checks: AtomicU64,
}

/// One limit: a GCRA limiter per key that reports what a key has left, and its quota.
struct Budget<K: std::hash::Hash + Eq + Clone> {
    limiter: RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock, StateInformationMiddleware>,
    /// Requests a key may make at once.
    burst: u32,
    /// How long one spent request takes to come back.
    refill: Duration,
}

/// Where a client stands after a request a limit counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Standing {
    /// Requests it may make at once, when its budget is full.
    pub limit: u32,
    /// Requests it may make now (0 when refused).
    pub remaining: u32,
    /// Whole seconds until its budget is full again.
    pub reset: u64,
    /// Whole seconds until it may make the next request (at least 1), when this one was refused.
    pub retry_after: Option<u64>,
}

/// `duration` in whole seconds, rounded up.
fn whole_seconds(duration: Duration) -> u64 {
    duration.as_secs() + u64::from(duration.subsec_nanos() > 0)
}

impl<K: std::hash::Hash + Eq + Clone> Budget<K> {
    fn new(per_minute: u32, burst: u32) -> Option<Budget<K>> {
        let per_minute = NonZeroU32::new(per_minute)?;
        let burst = NonZeroU32::new(burst).unwrap_or(per_minute);
        let quota = Quota::per_minute(per_minute).allow_burst(burst);
        Some(Budget {
            limiter: RateLimiter::keyed(quota).with_middleware::<StateInformationMiddleware>(),
            burst: burst.get(),
            refill: quota.replenish_interval(),
        })
    }

    /// Counts a request by `key`.
    fn check(&self, key: &K) -> Standing {
        match self.limiter.check_key(key) {
            Ok(snapshot) => {
                let remaining = snapshot.remaining_burst_capacity();
                let spent = self.burst.saturating_sub(remaining);
                Standing {
                    limit: self.burst,
                    remaining,
                    reset: whole_seconds(self.refill * spent),
                    retry_after: None,
                }
            }
            Err(not_until) => {
                let wait = not_until.wait_time_from(self.limiter.clock().now());
                let full = wait + self.refill * self.burst.saturating_sub(1);
                Standing {
                    limit: self.burst,
                    remaining: 0,
                    reset: whole_seconds(full),
                    retry_after: Some(whole_seconds(wait).max(1)),
                }
            }
        }
    }

    fn forget_idle_keys(&self) {
        self.limiter.retain_recent();
    }
}

impl RateLimits {
    pub fn new(settings: RateLimitSettings) -> RateLimits {
        RateLimits {
            anonymous: Budget::new(settings.anonymous_per_minute, settings.anonymous_burst),
            token: Budget::new(settings.token_per_minute, settings.token_per_minute / 2),
            login: Budget::new(settings.login_per_minute, settings.login_per_minute),
            checks: AtomicU64::new(0),
        }
    }

    fn forget_idle_keys(&self) {
        if self.checks.fetch_add(1, Ordering::Relaxed) % FORGET_EVERY == FORGET_EVERY - 1 {
            for budget in [&self.anonymous, &self.login].into_iter().flatten() {
                budget.forget_idle_keys();
            }
            if let Some(budget) = &self.token {
                budget.forget_idle_keys();
            }
        }
    }

    /// Counts this request against its limit; `None` when that limit is off.
    fn request(&self, client: IpAddr, authorization: Option<&[u8]>) -> Option<Standing> {
        self.forget_idle_keys();
        match authorization {
            None => self.anonymous.as_ref().map(|budget| budget.check(&client)),
            Some(credential) => self.token.as_ref().map(|budget| {
                let digest = Sha256::digest(credential);
                let mut key = [0u8; 16];
                key.copy_from_slice(&digest[..16]);
                budget.check(&key)
            }),
        }
    }

    /// Seconds to wait before this client may try to sign in again, if it must wait.
    pub(crate) fn sign_in(&self, client: IpAddr) -> Option<u64> {
        self.login.as_ref().and_then(|budget| budget.check(&client).retry_after)
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

/// Tells the client where it stands (the names and meaning of draft-ietf-httpapi-ratelimit-headers'
/// widely deployed form, as GitLab sends them).
fn tell(headers: &mut header::HeaderMap, standing: Standing) {
    for (name, value) in [
        ("ratelimit-limit", u64::from(standing.limit)),
        ("ratelimit-remaining", u64::from(standing.remaining)),
        ("ratelimit-reset", standing.reset),
    ] {
        headers.insert(header::HeaderName::from_static(name), header::HeaderValue::from(value));
    }
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
    let standing = request.app_data::<web::Data<AppState>>().and_then(|state| {
        let client = client_address(request.request());
        let authorization = request.headers().get(header::AUTHORIZATION).map(|v| v.as_bytes());
        state.rate_limits.request(client, authorization)
    });
    let Some(standing) = standing else {
        return Ok(next.call(request).await?.map_into_boxed_body());
    };
    let mut response = match standing.retry_after {
        Some(retry_after) => request.into_response(too_many(retry_after, "requests")),
        None => next.call(request).await?.map_into_boxed_body(),
    };
    tell(response.headers_mut(), standing);
    Ok(response)
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
        // One request comes back every 10 s; the budget holds 3.
        for (remaining, reset) in [(2, 10), (1, 20), (0, 30)] {
            let standing = limits.request(a, None).expect("limited");
            assert_eq!((standing.limit, standing.remaining, standing.retry_after), (3, remaining, None));
            assert!((reset - 1..=reset).contains(&standing.reset), "{standing:?}");
        }
        let refused = limits.request(a, None).expect("limited");
        let wait = refused.retry_after.expect("over the burst");
        assert!((1..=10).contains(&wait), "one request every 10 s: wait {wait}");
        assert_eq!(refused.remaining, 0);
        assert!((21..=30).contains(&refused.reset), "full again 20 s after the next one: {refused:?}");
        let other = limits.request(b, None).expect("limited");
        assert_eq!((other.remaining, other.retry_after), (2, None), "another address has its own budget");
        assert_eq!(limits.request(a, Some(b"Bearer x")), None, "token limit off");
        assert_eq!(limits.sign_in(a), None);
        assert_eq!(limits.sign_in(a), None);
        assert!(limits.sign_in(a).is_some(), "the third sign-in in a minute waits");
    }
}
