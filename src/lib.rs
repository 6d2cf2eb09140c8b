//! The bantin server: reads settings, opens the store, runs migrations, seeds demo content and
//! serves the API. It is the one place that names every concrete type; the library crates under
//! `crates/` know only the domain's traits.

pub mod cli;
pub mod keys;
pub mod progress;
pub mod seed;
pub mod settings;
pub mod startup;
pub mod taxonomy;
pub mod telemetry;
pub mod transfer;
pub mod users;

pub use startup::Application;
