//! Logging: human-readable lines on stderr, filtered by `BANTIN_LOG` (`RUST_LOG` syntax).

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber. Safe to call more than once (tests do): later calls are no-ops.
pub fn init(default_filter: &str) {
    let filter = EnvFilter::try_from_env("BANTIN_LOG").unwrap_or_else(|_| EnvFilter::new(default_filter));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}
