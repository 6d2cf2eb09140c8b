//! Logging: human-readable lines on stderr, filtered by `BANTIN_LOG` (`RUST_LOG` syntax).

use std::fmt::Debug;

use tracing::{
    Event, Level, Subscriber,
    field::{Field, Visit},
};
use tracing_subscriber::{EnvFilter, layer::Context, prelude::*};

/// Installs the global subscriber. Safe to call more than once (tests do): later calls are no-ops.
pub fn init(default_filter: &str) {
    let filter = EnvFilter::try_from_env("BANTIN_LOG").unwrap_or_else(|_| EnvFilter::new(default_filter));
    let _ = tracing_subscriber::registry()
        .with(ClientMistakes)
        .with(filter)
        .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
        .try_init();
}

/// What actix-http logs when a connection sends bytes that are not an HTTP/1.1 request.
const MALFORMED_REQUEST: &str = "stream error: ";

/// Keeps a client's malformed request out of the ERROR lines. actix-http answers it 400 itself
/// (before any handler, so it never reaches the access log) and logs it at ERROR, which reads as a
/// fault of ours and wakes whoever alerts on errors; every scanner on the internet sends some.
/// The line is logged again at DEBUG, under `bantin::http`, for whoever looks into a client.
struct ClientMistakes;

impl<S: Subscriber> tracing_subscriber::Layer<S> for ClientMistakes {
    fn event_enabled(&self, event: &Event<'_>, _: Context<'_, S>) -> bool {
        let metadata = event.metadata();
        if *metadata.level() != Level::ERROR || metadata.target() != "actix_http::h1::dispatcher" {
            return true;
        }
        let mut message = Message(String::new());
        event.record(&mut message);
        match message.0.strip_prefix(MALFORMED_REQUEST) {
            Some(reason) => {
                tracing::debug!(target: "bantin::http", reason, "answered 400 to a malformed request");
                false
            }
            None => true,
        }
    }
}

/// An event's `message` field, as text.
struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }
}
