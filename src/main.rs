//! `bantin`: parse the command line, start logging, run the command.

use bantin::{cli::Cli, telemetry};
use clap::Parser;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    limit_malloc_arenas();
    let cli = Cli::parse();
    telemetry::init("info,sqlx=warn,sea_orm=warn");
    bantin::cli::run(cli).await
}

/// glibc gives threads that allocate at once arenas of their own (up to eight per core) and keeps
/// freed memory in each. Under load the HTTP workers and the SQLite connection threads held about
/// 20 MiB of free space that way at 100,000 articles. Measured peak RSS under the bench's reads:
/// 132 MiB uncapped, 110 MiB at two arenas per core, 104 MiB at one; uncached GraphQL requests/s
/// fell 5% at two per core and 20% at one, so two it is. Called first, while the process has one
/// thread.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn limit_malloc_arenas() {
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    let arenas = libc::c_int::try_from(2 * cores).unwrap_or(libc::c_int::MAX);
    // SAFETY: mallopt only adjusts the allocator's own settings; M_ARENA_MAX takes a count.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, arenas);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}
