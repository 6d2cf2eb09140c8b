//! Bulk loads (`bantin seed`): the database tuned for one, put back after it, and put back at the
//! next start after a load killed midway. On both backends a load into empty tables builds their
//! secondary indexes at its end; the rest of the tuning is SQLite's.

use bantin_domain::{Error, Result};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseTransaction, Statement};

use crate::{Store, mapping::db_err};

/// FTS5's everyday merging: small segments are merged as they come, so searches read few.
const EVERYDAY_MERGING: [&str; 4] = [
    "INSERT INTO article_headlines (article_headlines, rank) VALUES ('automerge', 4)",
    "INSERT INTO article_headlines (article_headlines, rank) VALUES ('crisismerge', 16)",
    "INSERT INTO article_search (article_search, rank) VALUES ('automerge', 4)",
    "INSERT INTO article_search (article_search, rank) VALUES ('crisismerge', 16)",
];

/// FTS5 merges every segment of the index into one.
const OPTIMIZE: [&str; 2] = [
    "INSERT INTO article_headlines (article_headlines) VALUES ('optimize')",
    "INSERT INTO article_search (article_search) VALUES ('optimize')",
];

/// SQLite: the writer tuned for a bulk load ([`end_bulk_load`] undoes it). While loading, FTS5
/// segments (one per insert of a chunk's search rows, 500 articles in a seed) are not merged as
/// they come, only when 400 pile up on one level (`crisismerge`, which FTS5 caps at 1,999), so the
/// index is merged once, by the final `optimize`: a 100,000-article load merges nothing before it.
/// 100,000 articles in chunks of 1,000, alternated rounds: 13.0 s on average merging 16 at a time,
/// 12.2 s merging 64 (five rounds each); on a later host 10.63 s merging 64, whose one merge midway
/// then went again into the `optimize`, and 9.94 s merging 200 (eight rounds each). 400 keeps that
/// bound at 200,000 articles with chunks of 500. The writer also keeps 16 MiB of pages in memory
/// instead of 2 MiB: the b-trees and segments it keeps revisiting (30.4 s before, 25.9 s after with
/// 64 MiB, in an earlier version). Not more: the pages still in memory at the commit are written
/// then, while nothing else runs, where pages written earlier went out between chunks. Alternated
/// rounds of one build but for this setting: 10,000 articles 604 / 635 / 621 / 604 ms with 64 MiB,
/// 555 / 573 / 558 / 614 ms with 16 MiB; 100,000 articles 5.48 / 5.55 s against 5.29 / 5.37 s (with
/// 16 KiB pages, tried the same stop, 8 and 4 MiB were no better than 16). A load that has the file
/// to itself also writes with a rollback journal ([`use_rollback_journal`]), and into empty tables
/// builds their secondary indexes at the end ([`defer_indexes`]). On PostgreSQL only the deferring
/// applies, whether or not servers have the database.
///
/// Returns whether other writers wait on the load's transactions: on SQLite when it is not alone
/// with the file; never on PostgreSQL, whose writers do not wait on rows another transaction is
/// inserting.
pub(crate) async fn start_bulk_load(store: &Store) -> Result<bool> {
    let db = &store.writer;
    if db.get_database_backend() != DatabaseBackend::Sqlite {
        let deferred = defer_indexes(store).await?;
        tracing::debug!(deferred_indexes = deferred, "bulk load");
        return Ok(false);
    }
    execute_all(
        db,
        &[
            "PRAGMA cache_size = -16384",
            "PRAGMA synchronous = NORMAL",
            "PRAGMA wal_autocheckpoint = 16384",
            // Each multi-row INSERT keeps a statement journal of the pages it changes (to undo
            // just that statement); in memory, not in a temporary file: 7% of a 100,000-article
            // seed's time (16.6 / 19.2 s against 17.9 / 20.6 s).
            "PRAGMA temp_store = MEMORY",
        ],
    )
    .await?;
    in_one_transaction(
        store,
        &[
            "INSERT INTO article_headlines (article_headlines, rank) VALUES ('automerge', 0)",
            "INSERT INTO article_headlines (article_headlines, rank) VALUES ('crisismerge', 400)",
            "INSERT INTO article_search (article_search, rank) VALUES ('automerge', 0)",
            "INSERT INTO article_search (article_search, rank) VALUES ('crisismerge', 400)",
        ],
    )
    .await?;
    let alone = use_rollback_journal(db).await?;
    let deferred = if alone { defer_indexes(store).await? } else { 0 };
    if alone {
        // Pages read through a memory map, not copied out of the kernel's cache by `pread`: the
        // final merge and index builds reread most of the file. 100,000 articles, alternated
        // rounds: 10.10 s on average before, 9.58 s after (9.30 / 8.94 s in six other rounds), with
        // 1.71 to 1.92 s of system time against 1.47 to 1.66. Only while the load is alone with the
        // file: a file that another process shrinks under a map faults the mapping process.
        execute_all(db, &["PRAGMA mmap_size = 4294967296"]).await?;
        // SQLite's foreign-key checks are a b-tree search in the parent table for every
        // reference of every row. Alone with the file, a load checks them itself instead, once
        // per batch against the taxonomy it read ([`crate::writer::ArticleLoad`]): nobody can
        // delete what it refers to meanwhile, and the articles its links refer to are the ones it
        // just stored. 10,000 articles: the inserts into `articles` 165 -> 149 ms, the tags
        // 65 -> 43 ms, the bylines 29 -> 18 ms (two rounds each). A connection setting, gone with
        // the connection if the load is killed.
        execute_all(db, &["PRAGMA foreign_keys = OFF"]).await?;
        *store.alone_load.lock().unwrap_or_else(std::sync::PoisonError::into_inner) =
            Some(AloneLoad { _writeback: Writeback::start(db).await? });
    }
    tracing::debug!(
        journal = if alone { "rollback journal" } else { "WAL" },
        deferred_indexes = deferred,
        "bulk load"
    );
    Ok(!alone)
}

/// The end of a bulk load. Deferred indexes are built (both backends) and on SQLite the whole
/// search index is merged into one segment, the fastest to search, unless the load's last
/// transaction did both already ([`finish_load`]); then on SQLite the file returns to WAL and the
/// defaults return for everyday writes.
pub(crate) async fn end_bulk_load(store: &Store) -> Result<()> {
    let db = &store.writer;
    build_deferred_indexes(store).await?;
    if db.get_database_backend() != DatabaseBackend::Sqlite {
        return Ok(());
    }
    in_one_transaction(store, &[OPTIMIZE.as_slice(), EVERYDAY_MERGING.as_slice()].concat()).await?;
    execute_all(
        db,
        &[
            // Every connection opens in WAL mode; this returns a file a load switched away from.
            "PRAGMA journal_mode = WAL",
            "PRAGMA cache_size = -2000",
            "PRAGMA temp_store = DEFAULT",
            "PRAGMA mmap_size = 0",
            "PRAGMA foreign_keys = ON",
            "PRAGMA synchronous = FULL",
            "PRAGMA wal_autocheckpoint = 1000",
            "PRAGMA wal_checkpoint(TRUNCATE)",
        ],
    )
    .await?;
    store.alone_load.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
    Ok(())
}

/// A bulk load that has its SQLite file to itself ([`start_bulk_load`]), until
/// [`end_bulk_load`]: its pages are written out as it goes, and it checks its rows' references
/// itself, with SQLite's foreign-key checks off.
pub(crate) struct AloneLoad {
    _writeback: Option<Writeback>,
}

/// Whether a bulk load has `store`'s file to itself, its foreign-key checks off.
pub(crate) fn loading_alone(store: &Store) -> bool {
    store.alone_load.lock().unwrap_or_else(std::sync::PoisonError::into_inner).is_some()
}

/// How often [`Writeback`] has the kernel write a loading file's pages out.
const WRITEBACK_EVERY: std::time::Duration = std::time::Duration::from_millis(200);

/// While a load has a SQLite file to itself, a thread has the kernel write the file's changed
/// pages to the disk every [`WRITEBACK_EVERY`] (`fdatasync` on a descriptor of its own), as
/// PostgreSQL's `backend_flush_after` does for its own writes. Otherwise they wait in memory until
/// a commit's `fsync`, which then writes a whole batch at once while the load waits: a
/// 100,000-article seed's two commits waited 1.06 and 1.19 s (all its `fsync`s 2.66 s; with this
/// thread, 0.31 s), and the seed took 17.5 s on average without it, 16.5 s with it (six
/// alternated rounds each, on a slow host). Durability is still the commit's own `fsync`; this
/// only starts the writing sooner. Dropped, the thread stops.
pub(crate) struct Writeback {
    _stop: std::sync::mpsc::Sender<()>,
}

impl Writeback {
    /// The thread for the file `db` has open; none for a database in memory, or if the file
    /// cannot be opened a second time (the load then only runs slower).
    async fn start(db: &impl ConnectionTrait) -> Result<Option<Writeback>> {
        let files = query_strings(db, "SELECT file FROM pragma_database_list WHERE name = 'main'").await?;
        Ok(files.first().filter(|path| !path.is_empty()).and_then(|path| Writeback::spawn(path.as_ref())))
    }

    fn spawn(path: &std::path::Path) -> Option<Writeback> {
        // Write access: Windows flushes a file only through a handle that may write it.
        let file = std::fs::OpenOptions::new().read(true).write(true).open(path).ok()?;
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        std::thread::Builder::new()
            .name("bantin-writeback".to_owned())
            .spawn(move || {
                while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                    stopped.recv_timeout(WRITEBACK_EVERY)
                {
                    // A failure here is the commit's `fsync` to report, with the load's context.
                    let _ = file.sync_data();
                }
                // Kept open until the process ends: closing any descriptor of a file drops every
                // POSIX lock the process holds on it, SQLite's included, and another process
                // could then write the file under SQLite's feet
                // (https://www.sqlite.org/howtocorrupt.html, section 2.2).
                std::mem::forget(file);
            })
            .ok()?;
        Some(Writeback { _stop: stop })
    }
}

/// Puts back what a bulk load killed before [`end_bulk_load`] left in the database (its
/// connection settings die with it): indexes it deferred are built (both backends), and on SQLite
/// FTS5 merges as every day.
/// Returns whether there was anything to put back. Search was correct all along, only slower.
/// A load still running in another process (a seed beside a server) looks the same: it goes on
/// correctly, with indexes and merging it had turned off back on, so more slowly.
pub(crate) async fn recover_interrupted_load(store: &Store) -> Result<bool> {
    let db = &store.writer;
    let built = build_deferred_indexes(store).await?;
    if db.get_database_backend() != DatabaseBackend::Sqlite {
        return Ok(built > 0);
    }
    let merging_off = !query_strings(
        db,
        "SELECT v FROM article_search_config WHERE k = 'automerge' AND v = 0 \
         UNION ALL SELECT v FROM article_headlines_config WHERE k = 'automerge' AND v = 0",
    )
    .await?
    .is_empty();
    if merging_off {
        in_one_transaction(store, &EVERYDAY_MERGING).await?;
    }
    Ok(built > 0 || merging_off)
}

/// Drops the secondary indexes of the tables a load fills, if they are empty, keeping their
/// definitions in `deferred_indexes` in the same transaction; returns how many. Built at the end
/// from sorted keys, they cost a fraction of inserting every key in random order as the rows
/// come (SQLite, 100,000 articles: the seed 18.0 -> 15.7 s, building the four afterwards 1.1 s;
/// PostgreSQL, whose search index is two GIN indexes, 20,000 articles: 18.7 -> 15.4 s with the
/// builds). Unique indexes stay: they check slugs and links as rows come. Until the end, searches
/// and lists of a PostgreSQL server beside the load read the tables without them: slower, but
/// there is nothing else in them yet.
async fn defer_indexes(store: &Store) -> Result<usize> {
    let txn = store.begin_write("starting to defer indexes").await?;
    if !query_strings(&txn, "SELECT 'x' FROM articles LIMIT 1").await?.is_empty() {
        return Ok(0);
    }
    let indexes = match txn.get_database_backend() {
        DatabaseBackend::Postgres => {
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() \
             AND indexdef NOT LIKE 'CREATE UNIQUE%' AND tablename IN \
             ('articles', 'article_tags', 'article_authors', 'article_search', 'article_headlines')"
        }
        _ => {
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL \
             AND sql NOT LIKE 'CREATE UNIQUE%' AND tbl_name IN ('articles', 'article_tags', 'article_authors')"
        }
    };
    txn.execute_unprepared(&format!(
        "INSERT INTO deferred_indexes (name, sql) {indexes} ON CONFLICT (name) DO NOTHING"
    ))
    .await
    .map_err(db_err("recording indexes to defer"))?;
    let names = query_strings(&txn, "SELECT name FROM deferred_indexes").await?;
    for name in &names {
        txn.execute_unprepared(&format!("DROP INDEX IF EXISTS \"{}\"", name.replace('"', "\"\"")))
            .await
            .map_err(db_err("deferring an index"))?;
    }
    txn.commit().await.map_err(db_err("deferring indexes"))?;
    Ok(names.len())
}

/// Builds the indexes [`defer_indexes`] dropped and forgets them, in one transaction; returns how
/// many. An index built already (by another process that recovered first) is left as it is.
async fn build_deferred_indexes(store: &Store) -> Result<usize> {
    if query_strings(&store.writer, "SELECT name FROM deferred_indexes LIMIT 1").await?.is_empty() {
        return Ok(0);
    }
    let txn = store.begin_write("starting to build deferred indexes").await?;
    let built = build_deferred_indexes_in(&txn).await?;
    txn.commit().await.map_err(db_err("building deferred indexes"))?;
    Ok(built)
}

/// [`build_deferred_indexes`] in the caller's transaction.
async fn build_deferred_indexes_in(txn: &DatabaseTransaction) -> Result<usize> {
    let mut definitions_sql = "SELECT sql FROM deferred_indexes ORDER BY name".to_owned();
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        // A GIN index over a large table takes longer than the statement timeout meant for
        // requests; this transaction alone goes without it.
        txn.execute_unprepared("SET LOCAL statement_timeout = 0")
            .await
            .map_err(db_err("building deferred indexes"))?;
        // Several nodes starting at once: the first to lock the definitions builds them, the
        // others wait and then find none left (building the same index at once, one failed on
        // the duplicate name). SQLite's write lock already lets only one in.
        definitions_sql.push_str(" FOR UPDATE");
    }
    let definitions = query_strings(txn, &definitions_sql).await?;
    for sql in &definitions {
        txn.execute_unprepared(&sql.replacen("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))
            .await
            .map_err(db_err("building a deferred index"))?;
    }
    txn.execute_unprepared("DELETE FROM deferred_indexes")
        .await
        .map_err(db_err("building deferred indexes"))?;
    Ok(definitions.len())
}

/// The end of a bulk load's work, in its last transaction ([`crate::ArticleLoad::finish`]):
/// deferred indexes are built and, on SQLite, the search index merged, before that transaction's
/// commit. In a transaction of their own after it, the file's new pages waited in one more
/// `fsync` while the writer stopped: 100,000 articles took 16.8 s against 16.1 s, 10,000 1,876 ms
/// against 1,803 ms (three and eight alternated rounds, every 100,000 pair faster). Killed midway,
/// the last batch is lost with it, and its indexes are still recorded as deferred.
pub(crate) async fn finish_load(txn: &DatabaseTransaction) -> Result<()> {
    build_deferred_indexes_in(txn).await?;
    if txn.get_database_backend() == DatabaseBackend::Sqlite {
        execute_all(txn, &OPTIMIZE).await?;
    }
    Ok(())
}

/// The first column of every row `sql` answers, as text.
async fn query_strings(db: &impl ConnectionTrait, sql: &str) -> Result<Vec<String>> {
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .map_err(db_err("reading the bulk load's state"))?;
    rows.iter()
        .map(|row| {
            row.try_get_by_index::<String>(0)
                .or_else(|_| row.try_get_by_index::<i64>(0).map(|n| n.to_string()))
                .map_err(db_err("reading the bulk load's state"))
        })
        .collect()
}

/// `commands` committed at once: on the rollback journal of a load, each on its own was three
/// `fsync`s (journal, directory, file); a seed's start and end made eighteen such commits.
async fn in_one_transaction(store: &Store, commands: &[&str]) -> Result<()> {
    let txn = store.begin_write("starting to tune the search index").await?;
    execute_all(&txn, commands).await?;
    txn.commit().await.map_err(db_err("tuning the search index"))
}

async fn execute_all(db: &impl ConnectionTrait, commands: &[&str]) -> Result<()> {
    for command in commands {
        db.execute_unprepared(command).await.map_err(db_err("tuning the database for a bulk load"))?;
    }
    Ok(())
}

/// Switches the file to a rollback journal, if this connection is the only one that has it open;
/// returns whether it did. A bulk load mostly appends pages: with a rollback journal each is
/// written once, into the database, where WAL writes it twice (to the log, then back at every
/// checkpoint). 100,000 articles, three interleaved rounds: 18.0 / 21.3 / 20.4 s on WAL, 17.4 /
/// 17.3 / 16.6 s with the journal. Batches stay all-or-nothing, also when the process is killed
/// (the next connection rolls back a hot journal). Leaving WAL needs an exclusive lock: with a
/// server or another job on the file, the switch fails at once (no busy wait) and the load runs
/// on WAL beside them.
async fn use_rollback_journal(db: &impl ConnectionTrait) -> Result<bool> {
    let busy_timeout_ms = pragma_value(db, "PRAGMA busy_timeout").await?;
    db.execute_unprepared("PRAGMA busy_timeout = 0").await.map_err(db_err("skipping the busy wait"))?;
    let switched = match pragma_value(db, "PRAGMA journal_mode = DELETE").await {
        Ok(mode) => mode == "delete",
        Err(_) => false,
    };
    db.execute_unprepared(&format!("PRAGMA busy_timeout = {busy_timeout_ms}"))
        .await
        .map_err(db_err("restoring the busy timeout"))?;
    Ok(switched)
}

/// The one value a PRAGMA answers, as text.
async fn pragma_value(db: &impl ConnectionTrait, pragma: &str) -> Result<String> {
    query_strings(db, pragma)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| Error::Unexpected(format!("'{pragma}' answered nothing")))
}

#[cfg(test)]
mod tests {
    use sea_orm::ConnectionTrait;

    use super::query_strings;
    use crate::{Store, StoreOptions};

    /// A store alone with a fresh, migrated file, as `bantin seed` opens it.
    async fn store_alone(url: &str) -> Store {
        let options = StoreOptions { sqlite_read_pool: false, ..StoreOptions::default() };
        let store = Store::connect(url, &options).await.expect("store");
        store.migrate().await.expect("migrated");
        store
    }

    async fn secondary_indexes(store: &Store) -> Vec<String> {
        query_strings(
            &store.writer,
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL \
             AND tbl_name IN ('articles', 'article_tags', 'article_authors') ORDER BY name",
        )
        .await
        .expect("schema")
    }

    async fn merging_off(store: &Store) -> bool {
        !query_strings(&store.writer, "SELECT v FROM article_search_config WHERE k = 'automerge' AND v = 0")
            .await
            .expect("config")
            .is_empty()
    }

    #[tokio::test]
    async fn a_load_into_empty_tables_builds_their_indexes_at_its_end_or_at_the_next_open_if_killed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("load.db").display());
        let store = store_alone(&url).await;
        let everyday = secondary_indexes(&store).await;
        assert_eq!(everyday.len(), 4, "{everyday:?}");

        let writing_back = |store: &Store| {
            store
                .alone_load
                .lock()
                .expect("not poisoned")
                .as_ref()
                .is_some_and(|load| load._writeback.is_some())
        };
        assert!(!store.start_bulk_load().await.expect("started"), "alone, nobody waits");
        assert!(secondary_indexes(&store).await.is_empty());
        assert!(writing_back(&store), "alone with the file, its pages are written out as it goes");
        store.end_bulk_load().await.expect("ended");
        assert!(!writing_back(&store));
        assert_eq!(secondary_indexes(&store).await, everyday);
        assert!(!store.recover_interrupted_load().await.expect("nothing to recover"));

        // Killed midway: the definitions and the load's merge settings stay in the file.
        store.start_bulk_load().await.expect("started");
        store.close().await.expect("closed");
        let store = store_alone(&url).await;
        assert!(secondary_indexes(&store).await.is_empty());
        assert!(merging_off(&store).await);
        assert!(store.recover_interrupted_load().await.expect("recovered"));
        assert_eq!(secondary_indexes(&store).await, everyday);
        assert!(!merging_off(&store).await);
        assert!(!store.recover_interrupted_load().await.expect("nothing left"));
    }

    #[tokio::test]
    async fn a_load_alone_checks_its_references_itself_with_sqlites_checks_off() {
        use bantin_domain::{
            ArticleContent, ArticleStatus, Body, CategoryId, Error, NewArticle, NewCategory, NewTag, TagId,
            text::Slug,
        };

        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("load.db").display());
        let store = store_alone(&url).await;
        let slug = |text: &str| Slug::parse(text).expect("a slug");
        let category = store
            .insert_category(&NewCategory {
                slug: slug("thoi-su"),
                name: "Thời sự".to_owned(),
                description: None,
                parent: None,
            })
            .await
            .expect("a category")
            .id;
        let tag = store
            .insert_tags(&[NewTag { slug: slug("bac-giang"), name: "Bắc Giang".to_owned() }])
            .await
            .expect("a tag")[0]
            .id;
        let now = chrono::Utc::now();
        let article = |slug: &str, category_id: CategoryId, tag_id: TagId| NewArticle {
            content: ArticleContent {
                title: "Bắc Giang".to_owned(),
                slug: slug.to_owned(),
                sapo: String::new(),
                body: Body::default(),
                cover: None,
                category_id,
                author_ids: Vec::new(),
                tag_ids: vec![tag_id],
            },
            status: ArticleStatus::Published,
            published_at: Some(now),
            created_at: now,
        };
        let checks_on = |store: &Store| {
            let store = store.clone();
            async move { query_strings(&store.writer, "PRAGMA foreign_keys").await.expect("pragma") == ["1"] }
        };

        assert!(checks_on(&store).await);
        store.start_bulk_load().await.expect("started");
        assert!(!checks_on(&store).await, "SQLite's checks are off for the load");
        for (bad, field) in [
            (article("b", category, TagId(tag.0 + 1)), "input"),
            (article("b", CategoryId(category.0 + 1), tag), "category"),
        ] {
            let mut load = store.begin_load().await.expect("a load");
            let refused =
                load.insert(crate::PreparedArticles::new(vec![article("a", category, tag), bad])).await;
            assert!(
                matches!(&refused, Err(Error::Validation { field: named, .. }) if named == field),
                "{refused:?}"
            );
        }
        assert_eq!(store.article_count().await.expect("a count"), 0, "a refused batch stores nothing");

        let mut load = store.begin_load().await.expect("a load");
        load.insert(crate::PreparedArticles::new(vec![article("a", category, tag)])).await.expect("stored");
        load.finish().await.expect("committed");
        store.end_bulk_load().await.expect("ended");
        assert!(checks_on(&store).await, "the checks are back for everyday writes");
        assert_eq!(store.article_count().await.expect("a count"), 1);
        assert!(query_strings(&store.writer, "PRAGMA foreign_key_check").await.expect("checked").is_empty());
    }

    #[tokio::test]
    async fn a_load_beside_another_connection_stays_on_wal_and_leaves_the_writing_to_commits() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("load.db").display());
        let store = store_alone(&url).await;
        let server = Store::connect(&url, &StoreOptions::default()).await.expect("a second connection");
        assert!(store.start_bulk_load().await.expect("started"), "the other connection waits on the load");
        assert!(!super::loading_alone(&store));
        store.end_bulk_load().await.expect("ended");
        server.close().await.expect("closed");
    }

    #[tokio::test]
    async fn a_load_into_tables_that_hold_articles_keeps_their_indexes() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("load.db").display());
        let store = store_alone(&url).await;
        store
            .writer
            .execute_unprepared(
                "INSERT INTO categories (slug, name, created_at) VALUES ('thoi-su', 'Thời sự', '2026-11-01T00:00:00Z'); \
                 INSERT INTO articles (slug, title, sapo, category_id, status, created_at, updated_at, body) \
                 VALUES ('a', 'A', '', 1, 'draft', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z', '[]')",
            )
            .await
            .expect("an article");
        let everyday = secondary_indexes(&store).await;
        store.start_bulk_load().await.expect("started");
        assert_eq!(secondary_indexes(&store).await, everyday);
        store.end_bulk_load().await.expect("ended");
        assert_eq!(secondary_indexes(&store).await, everyday);
    }
}
