//! `GET /healthz`: 200 while the database answers, 503 otherwise. Load balancers poll it.

use actix_web::{HttpResponse, http::StatusCode, web};

use crate::{AppState, error::ApiError, error::code};

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(healthz));
}

async fn healthz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    match state.content.ping().await {
        // Never from a cache: the answer is about this moment.
        Ok(()) => Ok(HttpResponse::Ok()
            .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
            .json(serde_json::json!({ "status": "ok", "contentVersion": state.content.content_version() }))),
        Err(err) => {
            tracing::warn!(error = %err, "health check failed");
            Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                code::UNAVAILABLE,
                "the database does not answer",
            ))
        }
    }
}
