//! `bantin`: parse the command line, start logging, run the command.

use bantin::{cli::Cli, telemetry};
use clap::Parser;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    telemetry::init("info,sqlx=warn,sea_orm=warn");
    bantin::cli::run(cli).await
}
