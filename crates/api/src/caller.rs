//! Who is asking: resolved once per request from `Authorization: Bearer`, shared by REST and
//! GraphQL.
//!
//! No header means anonymous. A header that is present but does not hold a valid token is refused
//! with 401 and a reason code (`TOKEN_EXPIRED`, `TOKEN_INVALID`), never treated as anonymous: a
//! client with a broken token must find out, not silently lose its rights.

use std::{future::Future, pin::Pin};

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::StatusCode, http::header, web};
use bantin_domain::{ArticleId, Role, UserId, editorial, editorial::Action, editorial::Target};
use chrono::Utc;

use crate::{
    AppState,
    auth::{Audience, TokenError, bearer_token},
    error::ApiError,
};

/// The identity behind a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    Anonymous,
    /// A signed-in newsroom member (access token), checked against the database: a disabled or
    /// deleted user's tokens stop working at once.
    User {
        id: UserId,
        role: Role,
    },
    /// A preview link: read-only access to one article in any status.
    Preview {
        article: ArticleId,
    },
    /// A partner token that is neither expired nor revoked.
    Partner {
        token_id: i64,
        scopes: Vec<String>,
    },
}

impl Caller {
    /// Whether the caller may see `article` although it is not public.
    pub fn may_preview(&self, article_id: ArticleId, created_by: Option<UserId>) -> bool {
        match self {
            Caller::User { id, role } => editorial::permits(
                *role,
                Action::ViewDrafts,
                Some(Target { own: created_by == Some(*id), status: bantin_domain::ArticleStatus::Draft }),
            ),
            Caller::Preview { article } => *article == article_id,
            _ => false,
        }
    }

    pub fn has_scope(&self, scope: &str) -> bool {
        matches!(self, Caller::Partner { scopes, .. } if scopes.iter().any(|s| s == scope))
    }
}

fn refused(err: &TokenError) -> ApiError {
    tracing::info!(reason = %err, "token refused");
    ApiError::new(StatusCode::UNAUTHORIZED, err.code(), err.client_message())
}

fn invalid(reason: &str) -> ApiError {
    refused(&TokenError::Invalid(reason.to_owned()))
}

/// Resolves the caller from the request's `Authorization` header.
pub async fn resolve(state: &AppState, request: &HttpRequest) -> Result<Caller, ApiError> {
    let header = match request.headers().get(header::AUTHORIZATION) {
        None => None,
        Some(value) => Some(value.to_str().map_err(|_| invalid("the Authorization header is not text"))?),
    };
    let token = bearer_token(header).map_err(|e| refused(&e))?;
    resolve_token(state, token).await
}

/// Resolves a token given some other way than the header (feed readers pass `?token=`).
pub async fn resolve_token(state: &AppState, token: Option<&str>) -> Result<Caller, ApiError> {
    let Some(token) = token else { return Ok(Caller::Anonymous) };
    let claims = state.keys.verify_any_of(token, &Audience::ALL).map_err(|e| refused(&e))?;
    let subject = claims.subject_id().map_err(|e| refused(&e))?;
    match claims.audience() {
        Some(Audience::Access) => {
            let user = state.newsroom.user(UserId(subject)).await?;
            match user {
                Some(user) if !user.disabled => Ok(Caller::User { id: user.id, role: user.role }),
                _ => Err(invalid("the user is disabled or gone")),
            }
        }
        Some(Audience::Preview) => {
            let article = claims.article.ok_or_else(|| invalid("preview token without an article"))?;
            Ok(Caller::Preview { article: ArticleId(article) })
        }
        Some(Audience::Partner) => {
            let token = state.newsroom.partner_token(subject).await?;
            match token {
                Some(token) if token.is_active_at(Utc::now()) => {
                    Ok(Caller::Partner { token_id: token.id, scopes: token.scopes })
                }
                _ => Err(invalid("the partner token is revoked or gone")),
            }
        }
        None => Err(invalid("unknown audience")),
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Caller, ApiError>>>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let request = request.clone();
        Box::pin(async move {
            let state = request.app_data::<web::Data<AppState>>().cloned().ok_or_else(|| {
                ApiError::from(bantin_domain::Error::Unexpected("AppState is missing".to_owned()))
            })?;
            resolve(&state, &request).await
        })
    }
}
