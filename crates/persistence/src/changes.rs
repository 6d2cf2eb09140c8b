//! The content version: a number every node bumps when content changes anywhere, so that derived
//! data (response caches, related-article caches) can tell it is stale.
//!
//! A write on this node bumps it at once. Writes on other nodes arrive through PostgreSQL
//! `LISTEN/NOTIFY` on channel [`CHANNEL`]; on SQLite, where nodes are processes sharing one file,
//! through `PRAGMA data_version`, which changes when any other connection commits, polled every
//! [`SQLITE_POLL`].

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
pub(crate) async fn follow(reader: DatabaseConnection, version: Arc<ContentVersion>) {
    loop {
        let outcome = match reader.get_database_backend() {
            DatabaseBackend::Postgres => listen_postgres(&reader, &version).await,
            DatabaseBackend::Sqlite => poll_sqlite(&reader, &version).await,
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

// The listener and the polling connection are dropped by hand, on error only. When the runtime
// shuts down it drops this task mid-await; dropping a pooled sqlx connection then spawns a task
// onto the runtime that is going away, which panics. Leaking the connection at shutdown is harmless.

async fn listen_postgres(
    reader: &DatabaseConnection,
    version: &ContentVersion,
) -> Result<(), sea_orm::sqlx::Error> {
    let pool = reader.get_postgres_connection_pool();
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

async fn poll_sqlite(
    reader: &DatabaseConnection,
    version: &ContentVersion,
) -> Result<(), sea_orm::sqlx::Error> {
    use sea_orm::sqlx::Row;
    let mut connection = ManuallyDrop::new(reader.get_sqlite_connection_pool().acquire().await?);
    let outcome = async {
        let mut last: Option<i64> = None;
        loop {
            let row = sea_orm::sqlx::query("PRAGMA data_version").fetch_one(&mut **connection).await?;
            let current: i64 = row.try_get(0)?;
            if last.is_some_and(|last| last != current) {
                version.bump();
            }
            last = Some(current);
            tokio::time::sleep(SQLITE_POLL).await;
        }
    }
    .await;
    drop(ManuallyDrop::into_inner(connection));
    outcome
}
