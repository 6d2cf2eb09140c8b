//! Builds the HTTP application. `main` and the integration tests call the same code: the tests
//! bind port 0 and read the real port back.

use std::{net::TcpListener, sync::Arc};

use actix_web::{App, HttpServer, dev::Server, middleware};
use anyhow::Context;
use bantin_api::AppState;
use bantin_persistence::Store;

use crate::settings::ServeSettings;

/// How long shutdown waits for the database pools to close.
const CLOSE_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

pub struct Application {
    port: u16,
    server: Server,
    store: Store,
    background: Vec<actix_web::rt::task::JoinHandle<()>>,
}

/// Where each request's access line is logged (at info).
const ACCESS_LOG_TARGET: &str = "bantin::http";

impl Application {
    /// Binds the listener and prepares the server; nothing is served until
    /// [`Application::run_until_stopped`].
    pub fn build(settings: &ServeSettings, store: Store) -> anyhow::Result<Application> {
        let keys = crate::keys::key_set(&settings.jwt, cfg!(debug_assertions)).context("loading JWT keys")?;
        let listener = TcpListener::bind(settings.http.bind).with_context(|| {
            format!("cannot listen on {} (is another server using it? try --bind)", settings.http.bind)
        })?;
        let port = listener.local_addr()?.port();
        actix_web::rt::spawn(store.follow_changes());
        let shared = Arc::new(store.clone());
        let state = AppState::new(shared.clone(), shared, keys, settings.api_config());
        // actix's Logger renders each request's fields before it knows whether the line is
        // printed: with access lines filtered out (`BANTIN_LOG=warn`) it is left out instead.
        let access_log = tracing::enabled!(target: ACCESS_LOG_TARGET, tracing::Level::INFO);
        let server = HttpServer::new(move || {
            App::new()
                .wrap(middleware::Compress::default())
                // The path without its query string: feed readers put tokens in `?token=`.
                // actix's Logger has no method placeholder (`%m` printed a literal "m").
                .wrap(middleware::Condition::new(
                    access_log,
                    middleware::Logger::new("%{method}xi %U %s %b %Dms")
                        .custom_request_replace("method", |request| request.method().to_string())
                        .log_target(ACCESS_LOG_TARGET),
                ))
                .configure(bantin_api::configure(state.clone()))
        });
        let server = server
            .client_request_timeout(std::time::Duration::from_secs(settings.http.client_timeout_secs.max(1)))
            .shutdown_timeout(30);
        let server = if settings.http.workers > 0 { server.workers(settings.http.workers) } else { server };
        let server = server.listen(listener)?.run();
        Ok(Application { port, server, store, background: Vec::new() })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Runs `job` beside the server; it is stopped when the server stops, before the database
    /// closes (its connections must go back while the runtime still runs).
    pub fn run_beside(&mut self, job: impl std::future::Future<Output = ()> + 'static) {
        self.background.push(actix_web::rt::spawn(job));
    }

    /// Serves until SIGINT or SIGTERM: then stops accepting connections, lets in-flight requests
    /// finish (up to 30 s), closes the database pools and returns.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await?;
        for job in self.background {
            job.abort();
            let _ = job.await;
        }
        // The change follower keeps one connection until the process ends, so closing waits
        // only so long; SQLite's WAL is consistent either way.
        match actix_web::rt::time::timeout(CLOSE_WAIT, self.store.close()).await {
            Ok(Ok(())) => tracing::info!("database closed"),
            Ok(Err(err)) => tracing::warn!(error = %err, "closing the database failed"),
            Err(_) => tracing::info!("database connections still in use at exit"),
        }
        Ok(())
    }
}
