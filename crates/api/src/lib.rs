//! bantin's HTTP surface: GraphQL at `/graphql`, REST JSON under `/api/v1`, and `/healthz`.
//!
//! This crate alone knows HTTP, GraphQL and JSON wire shapes. It reads content through the domain's
//! [`ContentReader`](bantin_domain::ContentReader) trait and never names a database type: the
//! server hands it a ready repository in [`AppState`]. It must not depend on the persistence crate,
//! sea-orm or sqlx.

pub mod auth;
pub mod caller;
pub mod cors;
pub mod error;
pub mod feeds;
pub mod graphql;
mod head;
mod health;
pub mod http_cache;
mod lookup;
pub mod purge;
pub mod rate_limit;
mod related;
pub mod rest;
mod search;
mod state;

use actix_web::web;

pub use state::{ApiConfig, AppState, GraphqlLimits, TokenLifetimes};

/// Registers every route and the shared state on an actix `App`.
pub fn configure(state: AppState) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg: &mut web::ServiceConfig| {
        let schemas = graphql::build_schemas(&state);
        cfg.app_data(web::Data::new(state.clone()))
            .app_data(web::Data::new(schemas))
            .app_data(error::query_config())
            .app_data(error::path_config())
            .app_data(web::PayloadConfig::new(state.config.max_body_bytes))
            .service(
                web::scope("")
                    .wrap(actix_web::middleware::from_fn(http_cache::layer))
                    .wrap(actix_web::middleware::from_fn(rate_limit::layer))
                    .wrap(actix_web::middleware::from_fn(head::layer))
                    // Outermost: preflights are answered before rate limits count them, and
                    // refusals and errors carry the headers a page needs to read them.
                    .wrap(actix_web::middleware::from_fn(cors::layer))
                    .configure(health::configure)
                    .configure(graphql::configure)
                    .configure(rest::configure)
                    .configure(feeds::configure),
            )
            .default_service(web::to(error::no_route));
    }
}
