//! `bantin`: parse the command line, start logging, run the command.

use bantin::{cli::Cli, telemetry};
use clap::Parser;

/// jemalloc serves Rust's allocations; SQLite's C code keeps glibc's `malloc` (arenas capped
/// below). glibc's allocator was a quarter of an uncached request's CPU, its arenas contending as
/// the HTTP workers and the SQLite connection threads pass buffers between them. Measured on one
/// 100,000-article database, builds alternated, cache off: server CPU per `latest` page 689 / 720
/// µs with glibc against 552 / 522 µs, per article 805 against 571 µs, per search 29.1 against
/// 27.1 ms. Peak RSS under the cached reads: 87 / 89 MiB against 99 / 100 MiB. jemalloc for
/// SQLite too was no faster, and 6 MiB larger.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    limit_malloc_arenas();
    let cli = Cli::parse();
    telemetry::init("info,sqlx=warn,sea_orm=warn");
    bantin::cli::run(cli).await
}

/// glibc, which still serves SQLite's allocations, gives threads that allocate at once arenas of
/// their own (up to eight per core) and keeps freed memory in each. When it served every
/// allocation, the HTTP workers and the SQLite connection threads held about 20 MiB of free space
/// that way at 100,000 articles (peak RSS under the bench's reads: 132 MiB uncapped, 110 MiB at two
/// arenas per core). Called first, while the process has one thread.
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
