//! `bantin --help`: the command line, and what each command does.

use anyhow::Context;
use bantin_persistence::{Store, StoreOptions, redact_password};
use clap::{Parser, Subcommand};

use crate::{
    progress::Progress,
    seed::{self, SeedArgs},
    settings::{DatabaseSettings, ServeSettings},
    startup::Application,
    transfer,
    users::UserCommand,
};

#[derive(Debug, Parser)]
#[command(
    name = "bantin",
    version,
    about = "A headless content API for news publishers: GraphQL and JSON over your articles.",
    after_help = "Every option can also be set through the environment variable shown beside it.\n\
                  Quick start: `bantin seed --count 500 --if-empty && bantin serve`, then open http://127.0.0.1:8080/graphql"
)]
pub struct Cli {
    #[command(flatten)]
    pub database: DatabaseSettings,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the HTTP server (applies pending migrations first).
    Serve(Box<ServeSettings>),
    /// Apply pending database migrations, then exit.
    Migrate,
    /// Write deterministic synthetic Vietnamese news articles (demo, test and benchmark content).
    Seed(SeedArgs),
    /// Print the GraphQL schema (SDL) to stdout; `make schema` writes it to schema.graphql.
    Schema,
    /// Manage newsroom users (`bantin user add --email E --role admin`).
    #[command(subcommand)]
    User(UserCommand),
    /// Copy a SQLite database, consistently, while the server keeps running and writing.
    Backup(BackupArgs),
    /// Write every section, tag, author and article (any status) to a JSON Lines file, for
    /// `bantin import` into another database (SQLite to PostgreSQL, say).
    Export(ExportArgs),
    /// Bring sections, tags, authors and articles in from a JSON Lines file (`bantin export`'s
    /// format, described in the README). The whole file is checked first: a bad line changes
    /// nothing. What the database holds already (by slug) is kept as it is, so an import stopped
    /// midway goes on where it stopped when run again.
    Import(ImportArgs),
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The new file to write (it must not exist), or `-` for standard output.
    #[arg(long)]
    pub to: std::path::PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The file to read (`bantin export`'s output).
    #[arg(long)]
    pub from: std::path::PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    /// The new file to write (it must not exist). Restore by pointing --database-url at it.
    #[arg(long)]
    pub to: std::path::PathBuf,
}

/// What a command opens the store for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    Serve,
    /// A one-off command: on SQLite it needs no read pool, and a seed that is alone with the file
    /// loads faster.
    Job,
}

async fn open_store(database: &DatabaseSettings, purpose: Purpose) -> anyhow::Result<Store> {
    let options = StoreOptions { sqlite_read_pool: purpose == Purpose::Serve, ..database.store_options() };
    let store = Store::connect(&database.url, &options).await.with_context(|| {
        format!("opening {} (set --database-url or BANTIN_DATABASE_URL)", redact_password(&database.url))
    })?;
    let applied = store.migrate().await.context("migrating the database")?;
    if applied > 0 {
        tracing::info!(migrations.applied = applied, "database migrated");
    }
    Ok(store)
}

/// Finishes what an interrupted bulk load left (its deferred indexes, FTS5's merge settings),
/// then indexes articles the search index does not have yet (stored before it existed, or around
/// the API). Finding those reads every article id, about a second per million articles. The
/// server runs this beside serving, so neither delays its first answer.
async fn catch_up(store: &Store) -> anyhow::Result<()> {
    // Without it the database is correct, only slower: a failure (another process holding the
    // write lock past the busy timeout) is worth a warning, not a refusal to go on.
    match store.recover_interrupted_load().await {
        Ok(true) => {
            tracing::info!("finished what an interrupted bulk load left: its indexes and search settings")
        }
        Ok(false) => {}
        Err(err) => tracing::warn!(
            error = format!("{err:#}"),
            "could not finish what an interrupted bulk load left (indexes, search settings); \
             queries stay correct but slower until a later start finishes it"
        ),
    }
    let indexed = store.index_unindexed().await.context("indexing articles for search")?;
    if indexed > 0 {
        tracing::info!(articles = indexed, "indexed articles for search");
    }
    Ok(())
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(settings) => {
            let store = open_store(&cli.database, Purpose::Serve).await?;
            let mut app = Application::build(&settings, store.clone())?;
            // The server answers at once; search catches up with any article it lacked within
            // moments, and a stop midway leaves the rest to the next start.
            app.run_beside(async move {
                if let Err(err) = catch_up(&store).await {
                    tracing::error!(
                        error = format!("{err:#}"),
                        "catching up after an interrupted load or unindexed articles failed"
                    );
                }
            });
            announce(&settings, app.port());
            app.run_until_stopped().await.context("serving HTTP")?;
            tracing::info!("stopped");
            Ok(())
        }
        Command::Migrate => {
            catch_up(&open_store(&cli.database, Purpose::Job).await?).await?;
            tracing::info!("database is up to date");
            Ok(())
        }
        Command::Seed(args) => {
            let store = open_store(&cli.database, Purpose::Job).await?;
            catch_up(&store).await?;
            seed::run(&store, &args).await
        }
        Command::Schema => {
            print_schema();
            Ok(())
        }
        Command::User(command) => {
            let store = open_store(&cli.database, Purpose::Job).await?;
            crate::users::run(&store, command).await
        }
        Command::Backup(args) => {
            let store = open_store(&cli.database, Purpose::Job).await?;
            let started = std::time::Instant::now();
            store
                .backup_to(&args.to)
                .await
                .with_context(|| format!("backing up to {}", args.to.display()))?;
            let bytes = std::fs::metadata(&args.to).map(|m| m.len()).unwrap_or(0);
            tracing::info!(
                to = %args.to.display(),
                megabytes = format!("{:.1}", bytes as f64 / 1e6),
                seconds = format!("{:.2}", started.elapsed().as_secs_f64()),
                "backup written"
            );
            Ok(())
        }
        Command::Export(args) => {
            let store = open_store(&cli.database, Purpose::Job).await?;
            export(&store, &args.to).await
        }
        Command::Import(args) => {
            let store = open_store(&cli.database, Purpose::Job).await?;
            catch_up(&store).await?;
            import(&store, &args.from).await
        }
    }
}

/// The `export` command: [`transfer::export`] into a new file (or standard output), with progress.
async fn export(store: &Store, to: &std::path::Path) -> anyhow::Result<()> {
    let mut progress = Progress::default();
    let mut show = |written: u64, total: u64| {
        let line = format!("exporting: {written}/{total} articles ({:.0}/s)", progress.rate(written));
        progress.show(&line, written, total);
    };
    let written = if to == std::path::Path::new("-") {
        transfer::export(store, &mut std::io::BufWriter::new(std::io::stdout().lock()), &mut show).await?
    } else {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(to)
            .with_context(|| format!("creating {} (it must not exist)", to.display()))?;
        let mut out = std::io::BufWriter::new(file);
        let written = transfer::export(store, &mut out, &mut show).await?;
        out.into_inner()
            .map_err(|err| err.into_error())
            .and_then(|file| file.sync_all())
            .with_context(|| format!("writing {}", to.display()))?;
        written
    };
    tracing::info!(articles = written, to = %to.display(), "exported");
    Ok(())
}

/// The `import` command: [`transfer::import`] with progress.
async fn import(store: &Store, from: &std::path::Path) -> anyhow::Result<()> {
    let mut progress = Progress::default();
    let report = transfer::import(store, from, |done, total, report| {
        let line = format!(
            "importing: {done}/{total} articles ({:.0}/s), {} already present",
            progress.rate(done),
            report.already_present
        );
        progress.show(&line, done, total);
    })
    .await?;
    tracing::info!(
        articles = report.imported,
        already_present = report.already_present,
        sections = report.sections,
        tags = report.tags,
        authors = report.authors,
        "imported"
    );
    Ok(())
}

#[allow(clippy::print_stdout, reason = "the SDL is this command's output")]
fn print_schema() {
    print!("{}", bantin_api::graphql::sdl());
}

/// Tells the person who just ran `make run` where to go.
fn announce(settings: &ServeSettings, port: u16) {
    let host = match settings.http.bind.ip() {
        ip if ip.is_unspecified() => "127.0.0.1".to_owned(),
        ip if ip.is_ipv6() => format!("[{ip}]"),
        ip => ip.to_string(),
    };
    let base = format!("http://{host}:{port}");
    tracing::info!(
        "bantin is serving on {base}\n  GraphiQL      {base}/graphql\n  latest news   {base}/api/v1/latest?limit=5\n  \
         sections      {base}/api/v1/categories\n  health        {base}/healthz"
    );
}
