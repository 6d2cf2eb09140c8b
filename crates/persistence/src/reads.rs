//! The connection public reads go through. On a SQLite file and on PostgreSQL each read runs on a
//! thread of its own ([`read_runtime`]), not in the HTTP worker's task that asked for it.
//!
//! Why: sqlx hands a connection back to its pool from a task it spawns when the connection is
//! dropped, after a ping to the connection's worker thread. Spawned from an HTTP worker, that task
//! waits its turn behind every request the worker has ready (twice: before and after the ping),
//! so under load each of the pool's connections was held for milliseconds after its rows had
//! arrived, and requests on both workers waited for one while the cores went partly idle (a
//! sixth idle at 32 connections). On the reads thread, which only shuttles statements and rows,
//! the connection is back in the pool as soon as its rows are read. PostgreSQL's connections have
//! no worker thread, but their hand-back is the same spawned task, and its cores went a fifth idle
//! too: with reads on the thread, uncached `latest` on 10,000 articles went from 1,931 / 2,317 /
//! 1,934 to 2,815 / 2,809 / 3,060 requests/s, an article by slug from 1,143 / 1,145 / 1,023 to
//! 1,203 / 1,329 / 1,250 (32 connections, alternated rounds).

use std::{future::Future, sync::OnceLock};

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, ExecResult, QueryResult, Statement};

/// A pool of read connections, and where its statements run.
#[derive(Clone)]
pub(crate) struct Reads {
    pub(crate) db: DatabaseConnection,
    /// `None`: in the caller's task (SQLite reading through its writer: a database in memory, or
    /// a one-off job's).
    runtime: Option<tokio::runtime::Handle>,
}

impl Reads {
    /// Reads on `db` in the caller's task.
    pub(crate) fn inline(db: DatabaseConnection) -> Reads {
        Reads { db, runtime: None }
    }

    /// Reads on `db` on the reads thread; in the caller's task if that thread cannot start.
    pub(crate) fn on_their_own_thread(db: DatabaseConnection) -> Reads {
        Reads { db, runtime: read_runtime() }
    }

    async fn run<T, F>(&self, read: impl FnOnce(DatabaseConnection) -> F) -> Result<T, DbErr>
    where
        F: Future<Output = Result<T, DbErr>> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.db.clone();
        match &self.runtime {
            None => read(db).await,
            Some(runtime) => runtime
                .spawn(read(db))
                .await
                .map_err(|err| DbErr::Custom(format!("a read stopped before it finished: {err}")))?,
        }
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for Reads {
    fn get_database_backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.run(|db| async move { db.execute_raw(stmt).await }).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        let sql = sql.to_owned();
        self.run(|db| async move { db.execute_unprepared(&sql).await }).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.run(|db| async move { db.query_one_raw(stmt).await }).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.run(|db| async move { db.query_all_raw(stmt).await }).await
    }
}

/// One thread for the whole process, started by the first store that reads through it, and
/// running until the process ends: it is idle but for moving statements and rows.
fn read_runtime() -> Option<tokio::runtime::Handle> {
    static HANDLE: OnceLock<Option<tokio::runtime::Handle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            // Time, for the pool's acquire timeout; I/O, for the PostgreSQL connections a pool
            // opens from here when it replaces a broken one (the server went away and came back).
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            let handle = runtime.handle().clone();
            std::thread::Builder::new()
                .name("bantin-reads".to_owned())
                .spawn(move || runtime.block_on(std::future::pending::<()>()))
                .ok()?;
            Some(handle)
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use sea_orm::{ConnectionTrait, DatabaseBackend};

    use crate::{Store, StoreOptions};

    async fn store_on_a_file(dir: &tempfile::TempDir, options: StoreOptions) -> Store {
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("reads.db").display());
        Store::connect(&url, &options).await.expect("store")
    }

    fn statement(sql: &str) -> sea_orm::Statement {
        sea_orm::Statement::from_string(DatabaseBackend::Sqlite, sql)
    }

    #[tokio::test]
    async fn a_sqlite_files_reads_run_on_the_reads_thread() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = store_on_a_file(&dir, StoreOptions::default()).await;
        let thread = store
            .reader
            .run(|_| async { Ok(std::thread::current().name().map(str::to_owned)) })
            .await
            .expect("ran");
        assert_eq!(thread.as_deref(), Some("bantin-reads"));
        let row =
            store.reader.query_one_raw(statement("SELECT 41 + 1 AS n")).await.expect("read").expect("a row");
        assert_eq!(row.try_get::<i32>("", "n").expect("n"), 42);
    }

    #[tokio::test]
    async fn a_read_its_caller_stopped_waiting_for_still_hands_its_connection_back() {
        let dir = tempfile::tempdir().expect("temp dir");
        let options = StoreOptions {
            max_connections: 1,
            // Only a bound for a connection never handed back: under a loaded test run the slow
            // read alone took over 3 s.
            acquire_timeout: Duration::from_secs(30),
            ..StoreOptions::default()
        };
        let store = store_on_a_file(&dir, options).await;
        // About a second of work on the pool's only connection, given up on after 20 ms.
        let slow = store.reader.query_one_raw(statement(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000000) \
             SELECT count(*) AS c FROM n",
        ));
        assert!(
            tokio::time::timeout(Duration::from_millis(20), slow).await.is_err(),
            "the slow read was cut off"
        );
        let row =
            store.reader.query_one_raw(statement("SELECT 7 AS n")).await.expect("the connection came back");
        assert_eq!(row.expect("a row").try_get::<i32>("", "n").expect("n"), 7);
    }
}
