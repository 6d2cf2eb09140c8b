//! The content version: a number every node bumps when content changes anywhere, so that derived
//! data (response caches, related-article caches) can tell it is stale.
//!
//! A write on this node bumps it at once. Writes on other nodes arrive through PostgreSQL
//! `LISTEN/NOTIFY` on channel [`CHANNEL`]; on SQLite, where nodes are processes sharing one file,
//! through the writer connection's `PRAGMA data_version`, polled every [`SQLITE_POLL`], which
//! changes when any other connection commits: never for this process's own writes, which go
//! through that one connection.

use std::{
    mem::ManuallyDrop,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection};

pub const CHANNEL: &str = "bantin_changes";
pub const SQLITE_POLL: Duration = Duration::from_millis(250);
/// How long a broken listener waits before reconnecting.
const RETRY: Duration = Duration::from_secs(1);

#[derive(Debug)]
pub(crate) struct ContentVersion {
    count: AtomicU64,
    /// This store's name in its notifications: PostgreSQL also delivers a session's own
    /// notifications to its listener, and this node, current since its write, skips them (each
    /// echo had been one more bump, at a moment no write explains).
    node: String,
}

impl ContentVersion {
    /// A store's version, at 0, under a name no other store has: 64 random bits (std's hasher
    /// keys come from the OS), where the process id alone repeats across hosts (every container's
    /// server may be process 1) and a node would then skip the others' notifications as its own.
    pub(crate) fn new() -> ContentVersion {
        use std::hash::BuildHasher;
        let node = format!("{:016x}", std::hash::RandomState::new().hash_one(std::process::id()));
        ContentVersion { count: AtomicU64::new(0), node }
    }

    pub(crate) fn get(&self) -> u64 {
        self.count.load(Ordering::Acquire)
    }

    pub(crate) fn bump(&self) {
        self.count.fetch_add(1, Ordering::AcqRel);
    }
}

/// Tells the other nodes that content changed (after the write committed).
pub(crate) async fn announce(writer: &DatabaseConnection, version: &ContentVersion) {
    if writer.get_database_backend() == DatabaseBackend::Postgres {
        // The node name is hexadecimal digits: safe as a literal.
        if let Err(err) = writer.execute_unprepared(&format!("NOTIFY {CHANNEL}, '{}'", version.node)).await {
            // Other nodes then catch up at their next notification; this node is already current.
            tracing::warn!(error = %err, "could not notify other nodes of a change");
        }
    }
}

/// Follows changes made by other nodes until the process ends. Run it once per process.
///
/// `writer` is the primary: PostgreSQL delivers a notification only to listeners on the database
/// it was sent in, and a hot standby refuses `LISTEN`, so a node reading from a replica would
/// never hear of another's write. On SQLite it is the one writer connection, and `writer_opened`
/// counts the connections its pool has opened: a replacement's `data_version` does not continue
/// its predecessor's.
pub(crate) async fn follow(
    writer: DatabaseConnection,
    version: Arc<ContentVersion>,
    writer_opened: Arc<AtomicU64>,
) {
    loop {
        let outcome = match writer.get_database_backend() {
            DatabaseBackend::Postgres => listen_postgres(&writer, &version).await,
            DatabaseBackend::Sqlite => poll_sqlite(&writer, &version, &writer_opened).await,
            _ => return,
        };
        if let Err(err) = outcome {
            if matches!(err, sea_orm::sqlx::Error::PoolClosed) {
                return; // The store was closed at shutdown: there is nothing left to follow.
            }
            tracing::warn!(error = %err, "change listener failed; retrying");
            version.bump(); // Changes may have been missed: treat everything derived as stale.
        }
        tokio::time::sleep(RETRY).await;
    }
}

// The listener and the polled connection are dropped by hand, never by the task being dropped.
// When the runtime shuts down it drops this task mid-await; dropping a pooled sqlx connection then
// spawns a task onto the runtime that is going away, which panics. Leaking the connection at
// shutdown is harmless.

async fn listen_postgres(
    writer: &DatabaseConnection,
    version: &ContentVersion,
) -> Result<(), sea_orm::sqlx::Error> {
    let pool = writer.get_postgres_connection_pool();
    let mut listener = ManuallyDrop::new(sea_orm::sqlx::postgres::PgListener::connect_with(pool).await?);
    let outcome = async {
        listener.listen(CHANNEL).await?;
        loop {
            if listener.recv().await?.payload() != version.node {
                version.bump();
            }
        }
    }
    .await;
    drop(ManuallyDrop::into_inner(listener));
    outcome
}

/// Polls the writer connection's `data_version`, taking the connection for each poll only: the
/// reader connection it used to hold saw this process's own commits too, and each one (a login's
/// session as much as an edit) bumped the version a second time, within a poll, dropping every
/// response cached since the write.
async fn poll_sqlite(
    writer: &DatabaseConnection,
    version: &ContentVersion,
    writer_opened: &AtomicU64,
) -> Result<(), sea_orm::sqlx::Error> {
    use sea_orm::sqlx::Row;
    let pool = writer.get_sqlite_connection_pool();
    // The connection (by the count of connections opened before it) and its data_version at the
    // last poll. The pool holds one connection at a time, so the count read while holding it
    // names it.
    let mut last: Option<(u64, i64)> = None;
    loop {
        match pool.acquire().await {
            Ok(connection) => {
                let mut connection = ManuallyDrop::new(connection);
                let polled = sea_orm::sqlx::query("PRAGMA data_version").fetch_one(&mut **connection).await;
                let opened = writer_opened.load(Ordering::Acquire);
                drop(ManuallyDrop::into_inner(connection));
                let current = (opened, polled?.try_get::<i64, _>(0)?);
                if last.is_some_and(|last| last != current) {
                    version.bump();
                }
                last = Some(current);
            }
            // A long write of this process holds the connection; whatever others commit meanwhile
            // still shows at the next poll.
            Err(sea_orm::sqlx::Error::PoolTimedOut) => {}
            Err(err) => return Err(err),
        }
        tokio::time::sleep(SQLITE_POLL).await;
    }
}
