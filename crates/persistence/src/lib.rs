//! bantin's storage: sea-orm entities and the [`Store`] that implements the domain's
//! [`ContentReader`](bantin_domain::ContentReader) on SQLite (the embedded default) and PostgreSQL.
//!
//! Entities never leave this crate; everything public speaks domain types. Queries are built with
//! sea-query so that one code path serves both backends. This crate must not depend on the API
//! crate or on any HTTP or GraphQL framework.

mod backup;
mod bulk;
pub mod changes;
mod entity;
mod mapping;
mod newsroom;
mod reader;
mod reads;
mod related;
mod search;
mod writer;

pub use writer::{ArticleLoad, PreparedArticles};

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use bantin_domain::{Error, Result};
use bantin_migrations::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection,
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
};

/// How the store connects. Defaults suit a single server on a small machine.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// Connections in the read pool (PostgreSQL: the one pool).
    pub max_connections: u32,
    /// How long a request waits for a free connection before failing.
    pub acquire_timeout: Duration,
    /// How long a SQLite connection waits on a lock held by another process before giving up.
    pub sqlite_busy_timeout: Duration,
    /// PostgreSQL: statements running longer are cancelled by the server.
    pub statement_timeout: Duration,
    /// PostgreSQL: a read replica for public reads; writes and newsroom reads stay on the primary.
    pub read_url: Option<String>,
    /// SQLite: a pool of read connections beside the writer (a server). A one-off job (seed,
    /// backup, user commands) turns it off and reads through the writer, so that a bulk load can
    /// find itself alone with the file (see [`Store::start_bulk_load`]).
    pub sqlite_read_pool: bool,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            max_connections: 8,
            acquire_timeout: Duration::from_secs(5),
            sqlite_busy_timeout: Duration::from_secs(5),
            statement_timeout: Duration::from_secs(30),
            read_url: None,
            sqlite_read_pool: true,
        }
    }
}

/// The database behind bantin. Cheap to clone: clones share pools and counters.
///
/// On SQLite, reads and writes use separate pools: many readers (WAL lets them run beside a
/// writer) and exactly one writer connection, so concurrent writers queue in the pool instead of
/// surfacing `SQLITE_BUSY` to clients. On PostgreSQL both are the same pool, unless a read replica
/// is configured: then public reads go to the replica and everything else to the primary.
#[derive(Clone)]
pub struct Store {
    reader: reads::Reads,
    writer: DatabaseConnection,
    statements: Arc<AtomicU64>,
    version: Arc<changes::ContentVersion>,
    /// Connections the writer pool has opened (see `changes::follow`).
    writer_opened: Arc<AtomicU64>,
    tag_uses: Arc<related::TagUses>,
    /// A bulk load running alone on a SQLite file ([`bulk::AloneLoad`]).
    alone_load: Arc<std::sync::Mutex<Option<bulk::AloneLoad>>>,
}

impl Store {
    /// Opens the database at `url` (`sqlite://path?mode=rwc`, `sqlite::memory:`, `postgres://…`).
    pub async fn connect(url: &str, options: &StoreOptions) -> Result<Store> {
        let statements = Arc::new(AtomicU64::new(0));
        let is_sqlite = url.starts_with("sqlite:");
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        if is_sqlite && options.read_url.is_some() {
            return Err(Error::invalid(
                "read_url",
                "a read replica URL is for PostgreSQL; SQLite reads already run beside the writer",
            ));
        }
        let writer_connections = if is_sqlite { 1 } else { options.max_connections };
        let writer_opened = Arc::new(AtomicU64::new(0));
        let mut writer = open(url, writer_connections, options, &writer_opened).await?;
        count_statements(&mut writer, &statements);
        // A pool of its own for public reads: a replica's, or a SQLite file's readers beside its
        // one writer. Otherwise they share the writer's pool: PostgreSQL's, or a SQLite database in
        // memory (it exists only inside its one connection) or opened for a one-off job.
        let own_pool = match &options.read_url {
            Some(read_url) => Some(read_url.as_str()),
            None if is_sqlite && !in_memory && options.sqlite_read_pool => Some(url),
            None => None,
        };
        let reader = match own_pool {
            Some(read_url) => {
                let mut reader = open(read_url, options.max_connections, options, &Arc::default()).await?;
                count_statements(&mut reader, &statements);
                reads::Reads::on_their_own_thread(reader)
            }
            None if is_sqlite => reads::Reads::inline(writer.clone()),
            None => reads::Reads::on_their_own_thread(writer.clone()),
        };
        Ok(Store {
            reader,
            writer,
            statements,
            version: Arc::new(changes::ContentVersion::new()),
            writer_opened,
            tag_uses: Arc::default(),
            alone_load: Arc::default(),
        })
    }

    /// Applies pending migrations; returns how many were applied.
    pub async fn migrate(&self) -> Result<usize> {
        let pending = Migrator::get_pending_migrations(&self.writer)
            .await
            .map_err(mapping::db_err("listing pending migrations"))?
            .len();
        Migrator::up(&self.writer, None).await.map_err(mapping::db_err("applying migrations"))?;
        Ok(pending)
    }

    /// Indexes articles stored before the search index existed (or by an older version), in
    /// batches; returns how many. `bantin serve`, `migrate` and `seed` run it after migrating.
    pub async fn index_unindexed(&self) -> Result<usize> {
        let mut indexed = 0;
        loop {
            let ids = search::unindexed(&self.writer, 500).await?;
            if ids.is_empty() {
                if indexed > 0 {
                    // The planner needs to know the index grew (see `Store::analyze`).
                    self.analyze().await?;
                }
                return Ok(indexed);
            }
            let entries = search::entries_for(&self.writer, &ids).await?;
            let txn = self.begin_write("starting to index articles").await?;
            search::write(&txn, entries, search::Existing::None).await?;
            txn.commit().await.map_err(mapping::db_err("committing the index"))?;
            // Searches cached before now missed these articles.
            self.changed().await;
            indexed += ids.len();
        }
    }

    /// Follows content changes made by other nodes (PostgreSQL `LISTEN/NOTIFY`, SQLite
    /// `data_version`) into [`Store::content_version`]. The server spawns it once; it runs until the
    /// process ends.
    pub fn follow_changes(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        changes::follow(self.writer.clone(), Arc::clone(&self.version), Arc::clone(&self.writer_opened))
    }

    /// Records that content changed: this node's version moves at once, other nodes' on
    /// notification. Call after the write committed.
    pub(crate) async fn changed(&self) {
        self.version.bump();
        changes::announce(&self.writer, &self.version).await;
    }

    /// SQL statements executed since the store was opened (both pools). Tests use it to prove
    /// that a query's statement count does not grow with page size.
    pub fn statements_executed(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// Closes both pools, waiting for connections in use to be returned.
    pub async fn close(self) -> Result<()> {
        let Store { reader, writer, .. } = self;
        reader.db.close().await.map_err(mapping::db_err("closing the read pool"))?;
        match writer.close().await {
            // The writer is the same pool as the reader on PostgreSQL and in-memory SQLite.
            Ok(()) | Err(sea_orm::DbErr::ConnectionAcquire(_)) => Ok(()),
            Err(err) => Err(mapping::db_err("closing the write pool")(err)),
        }
    }
}

/// Opens a pool; on SQLite `opened` counts the connections it opens.
async fn open(
    url: &str,
    max_connections: u32,
    options: &StoreOptions,
    opened: &Arc<AtomicU64>,
) -> Result<DatabaseConnection> {
    let busy_timeout = options.sqlite_busy_timeout;
    let statement_timeout_ms = options.statement_timeout.as_millis().max(1);
    let mut connect = ConnectOptions::new(url);
    connect
        .max_connections(max_connections)
        .min_connections(1)
        .acquire_timeout(options.acquire_timeout)
        // sqlx pings every connection it hands out, and again when it takes it back: on SQLite
        // each ping is a round trip to the connection's worker thread (uncached `latest` went
        // from 7.6 to 6.6 context switches without the first). A connection used within the last
        // second is alive (HikariCP skips its check the same way, within 500 ms); an idle one,
        // which a restarted PostgreSQL or a proxy may have dropped, is still pinged.
        .test_before_acquire_if_idle_for(Duration::from_secs(1))
        .sqlx_logging(false);
    connect.map_sqlx_sqlite_opts(move |sqlite| {
        sqlite
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(busy_timeout)
            .create_if_missing(true)
    });
    let counter = Arc::clone(opened);
    connect.map_sqlx_sqlite_pool_opts(move |pool| {
        // A SQLite connection is a file handle and its prepared statements: kept, not recycled
        // every half hour (sqlx's default), which would also restart the writer's data_version.
        let counter = Arc::clone(&counter);
        pool.idle_timeout(None).max_lifetime(None).after_connect(move |connection, _| {
            let counter = Arc::clone(&counter);
            Box::pin(async move {
                stable_plans(connection).await?;
                counter.fetch_add(1, Ordering::AcqRel);
                Ok(())
            })
        })
    });
    connect.map_sqlx_postgres_opts(move |postgres| {
        postgres.options([("statement_timeout", format!("{statement_timeout_ms}ms"))])
    });
    // A PostgreSQL connection's socket belongs to the runtime that opened it. Each HTTP worker
    // has its own, and a graceful stop ends them one by one: a request still running on one
    // worker failed (503) on a connection another, already stopped worker had opened. So every
    // connection is opened here, on the runtime that outlives the workers, and kept: the pool
    // never closes an idle or old one. (One that replaces a broken connection, after a database
    // restart, is opened by the worker that needs it: a stop soon after such a restart can still
    // fail a request in flight.)
    connect.map_sqlx_postgres_pool_opts(|pool| pool.idle_timeout(None).max_lifetime(None));
    let cannot_open = |err: &dyn std::fmt::Display| {
        Error::Unexpected(format!("cannot open the database at {}: {err}", redact_password(url)))
    };
    let db = match Database::connect(connect).await {
        Ok(db) => db,
        Err(err) => {
            let fix = why_it_would_not_open(url, &err.to_string()).await;
            let fix = fix.map(|fix| format!("; {fix}")).unwrap_or_default();
            return Err(cannot_open(&format!("{err}{fix}")));
        }
    };
    if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        let pool = db.get_postgres_connection_pool();
        // Held together, so that each acquire opens a connection of its own.
        let mut held = Vec::with_capacity(max_connections as usize);
        for _ in 0..max_connections {
            held.push(pool.acquire().await.map_err(|err| cannot_open(&err))?);
        }
    }
    Ok(db)
}

/// What to do about a database URL that would not open, when it can be told: a scheme we do not
/// speak, a SQLite file in a directory that does not exist (SQLite only says "unable to open
/// database file"), a PostgreSQL database not created yet, or the cause of a PostgreSQL connection
/// failure, which the pool reports only as a timeout. `reported` is the error as it stands.
async fn why_it_would_not_open(url: &str, reported: &str) -> Option<String> {
    if let Some(rest) = url.strip_prefix("sqlite:") {
        let path = rest.trim_start_matches("//").split('?').next().unwrap_or_default();
        let directory = std::path::Path::new(path).parent().filter(|dir| !dir.as_os_str().is_empty())?;
        return (!path.starts_with(':') && !directory.is_dir()).then(|| {
            format!(
                "the directory {0} does not exist: create it (mkdir -p {0}) or choose another path",
                directory.display()
            )
        });
    }
    if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        use sea_orm::sqlx::Connection;
        let attempt = sea_orm::sqlx::PgConnection::connect(url);
        return match tokio::time::timeout(Duration::from_secs(5), attempt).await {
            Ok(Err(sea_orm::sqlx::Error::Io(err))) => {
                Some(format!("{err}: is PostgreSQL running there, and are the host and port right?"))
            }
            Ok(Err(sea_orm::sqlx::Error::Database(err))) if err.code().as_deref() == Some("3D000") => {
                let name = url.rsplit('/').next().unwrap_or_default().split('?').next().unwrap_or_default();
                Some(format!("create the database first (createdb {name}, or CREATE DATABASE {name})"))
            }
            Ok(Err(err)) => (!reported.contains(&err.to_string())).then(|| format!("PostgreSQL says: {err}")),
            Ok(Ok(connection)) => {
                let _ = connection.close().await;
                None
            }
            Err(_) => Some("no answer from that host and port within 5 s".to_owned()),
        };
    }
    Some("use sqlite://PATH?mode=rwc (embedded) or postgres://USER@HOST/DB".to_owned())
}

/// Turns on SQLite's query planner stability guarantee for a new connection. Without it SQLite
/// compiles a plan that peeks at some bound values (every `LIMIT ?`: each page and each single-row
/// lookup), and then throws the cached statement away and parses it again each time such a value
/// is bound: a tenth of an uncached `latest` request's CPU went to re-parsing the same SQL. Plans
/// stop depending on bound values, so a cached statement is reused as it is.
async fn stable_plans(
    connection: &mut sea_orm::sqlx::SqliteConnection,
) -> std::result::Result<(), sea_orm::sqlx::Error> {
    let (rc, enabled) = planner_stability(connection, 1).await?;
    if rc != libsqlite3_sys::SQLITE_OK || enabled != 1 {
        return Err(sea_orm::sqlx::Error::Configuration(
            format!("SQLite refused the query planner stability guarantee (code {rc})").into(),
        ));
    }
    Ok(())
}

/// `sqlite3_db_config(SQLITE_DBCONFIG_ENABLE_QPSG, setting)`: 1 turns it on, -1 only reads it.
/// Returns SQLite's result code and whether the guarantee is now on.
#[allow(unsafe_code)]
async fn planner_stability(
    connection: &mut sea_orm::sqlx::SqliteConnection,
    setting: std::os::raw::c_int,
) -> std::result::Result<(std::os::raw::c_int, std::os::raw::c_int), sea_orm::sqlx::Error> {
    let mut handle = connection.lock_handle().await?;
    let mut enabled: std::os::raw::c_int = 0;
    // SAFETY: `handle` keeps the connection locked away from its worker thread for the call, so
    // the pointer is valid and used by nobody else; ENABLE_QPSG takes exactly (int, int*).
    let rc = unsafe {
        libsqlite3_sys::sqlite3_db_config(
            handle.as_raw_handle().as_ptr(),
            libsqlite3_sys::SQLITE_DBCONFIG_ENABLE_QPSG,
            setting,
            &mut enabled,
        )
    };
    Ok((rc, enabled))
}

fn count_statements(connection: &mut DatabaseConnection, counter: &Arc<AtomicU64>) {
    let counter = Arc::clone(counter);
    connection.set_metric_callback(move |_| {
        counter.fetch_add(1, Ordering::Relaxed);
    });
}

/// The URL with any password replaced, for error messages and logs.
pub fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let Some((credentials, host)) = rest.split_once('@') else { return url.to_owned() };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_sqlite_connection_keeps_its_plans_stable() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("plans.db").display());
        let store = Store::connect(&url, &StoreOptions::default()).await.expect("store");
        for pool in [&store.reader.db, &store.writer] {
            let mut connection = pool.get_sqlite_connection_pool().acquire().await.expect("connection");
            let (rc, enabled) = planner_stability(&mut connection, -1).await.expect("setting read");
            assert_eq!((rc, enabled), (libsqlite3_sys::SQLITE_OK, 1));
        }
    }

    #[test]
    fn passwords_are_redacted_from_database_urls() {
        assert_eq!(
            redact_password("postgres://bantin:s3cret@db:5432/news"),
            "postgres://bantin:***@db:5432/news"
        );
        assert_eq!(redact_password("postgres://bantin@db/news"), "postgres://bantin@db/news");
        assert_eq!(redact_password("sqlite://data/bantin.db?mode=rwc"), "sqlite://data/bantin.db?mode=rwc");
    }
}
