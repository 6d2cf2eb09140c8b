//! SQLite only: `articles.body` moves to the end of the row. SQLite stores a row's columns in
//! order, and a row longer than a page (a seeded body is 4 KiB on average, a page is 4 KiB) keeps
//! its tail on overflow pages that are only reachable one after another. With the body fifth,
//! reading any column after it (the status, dates and `deleted_at` that every public list filters
//! on) walked the whole body's overflow chain, on every row a list, search or related query
//! touched, though none of them reads the body. Last, the columns before it are almost always on
//! the row's own page. At 100,000 articles, alternating builds on one database: uncached `latest`
//! 3 to 12% more requests/s, a section page 8 to 12%, a search 3 to 20%.
//!
//! PostgreSQL moves long values out of the row (TOAST), so nothing changes there.
//!
//! The table is rebuilt as SQLite's documentation prescribes (create, copy, drop, rename), with
//! foreign keys off so that dropping the old table does not cascade to the rows that refer to it,
//! and checked before committing. Ids and the AUTOINCREMENT high-water mark are kept: search
//! indexes, links and the change log refer to articles by id. Rebuilding 100,000 articles takes
//! about 10 s; it runs once, on `bantin migrate` or the first start after upgrading. The old
//! table's pages stay in the file as free pages, which later writes reuse (the file does not
//! shrink by itself: `VACUUM` does that, with the server stopped).

use sea_orm_migration::{
    prelude::*,
    sea_orm::{ConnectionTrait, DatabaseBackend, Statement},
};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Every column but the body, in the order they keep.
const COLUMNS: &str = "id, slug, title, sapo, cover, category_id, status, published_at, created_at, updated_at, \
     revision, word_count, created_by, submitted_at, deleted_at";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Sqlite {
            return Ok(());
        }
        let db = manager.get_connection();
        // Only outside a transaction can foreign keys be switched off; SQLite's writer is one
        // connection, so the statements below run on the connection that switched them off.
        db.execute_unprepared("PRAGMA foreign_keys = OFF").await?;
        let rebuilt = rebuild(db).await;
        if rebuilt.is_err() {
            let _ = db.execute_unprepared("ROLLBACK").await;
        }
        db.execute_unprepared("PRAGMA foreign_keys = ON").await?;
        rebuilt
    }

    /// The column order carries no meaning, so going back leaves it as it is.
    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(false)
    }
}

async fn rebuild(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    let off = db
        .query_one_raw(Statement::from_string(DatabaseBackend::Sqlite, "PRAGMA foreign_keys"))
        .await?
        .map(|row| row.try_get_by_index::<i32>(0))
        .transpose()?;
    if off != Some(0) {
        return Err(DbErr::Migration(
            "could not switch foreign keys off to rebuild `articles`; nothing was changed".to_owned(),
        ));
    }
    db.execute_unprepared("BEGIN IMMEDIATE").await?;
    // Dropping the table drops its planner statistics; a database that had them gets them again.
    let analyzed = any_row(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
        .await?
        && any_row(db, "SELECT 1 FROM sqlite_stat1 WHERE tbl = 'articles' LIMIT 1").await?;
    db.execute_unprepared(
        "CREATE TABLE articles_rebuilt ( \"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT, \
         \"slug\" varchar NOT NULL UNIQUE, \"title\" text NOT NULL, \"sapo\" text NOT NULL, \
         \"cover\" jsonb_text, \"category_id\" integer NOT NULL, \"status\" varchar(16) NOT NULL, \
         \"published_at\" timestamp_with_timezone_text, \"created_at\" timestamp_with_timezone_text NOT NULL, \
         \"updated_at\" timestamp_with_timezone_text NOT NULL, \"revision\" integer NOT NULL DEFAULT 1, \
         \"word_count\" integer NOT NULL DEFAULT 0, \"created_by\" integer, \
         \"submitted_at\" timestamp_with_timezone_text, \"deleted_at\" timestamp_with_timezone_text, \
         \"body\" jsonb_text NOT NULL, \
         FOREIGN KEY (\"category_id\") REFERENCES \"categories\" (\"id\") ON DELETE RESTRICT )",
    )
    .await?;
    db.execute_unprepared(&format!(
        "INSERT INTO articles_rebuilt ({COLUMNS}, body) SELECT {COLUMNS}, body FROM articles ORDER BY id"
    ))
    .await?;
    // AUTOINCREMENT never reuses an id, even one whose article was deleted: keep the mark.
    db.execute_unprepared(
        "DELETE FROM sqlite_sequence WHERE name = 'articles_rebuilt'; \
         INSERT INTO sqlite_sequence (name, seq) SELECT 'articles_rebuilt', seq FROM sqlite_sequence \
         WHERE name = 'articles'",
    )
    .await?;
    db.execute_unprepared("DROP TABLE articles").await?;
    db.execute_unprepared("ALTER TABLE articles_rebuilt RENAME TO articles").await?;
    db.execute_unprepared(
        "CREATE INDEX \"idx_articles_published\" ON \"articles\" (\"published_at\", \"id\"); \
         CREATE INDEX \"idx_articles_category_published\" ON \"articles\" (\"category_id\", \"published_at\", \"id\")",
    )
    .await?;
    let broken =
        db.query_all_raw(Statement::from_string(DatabaseBackend::Sqlite, "PRAGMA foreign_key_check")).await?;
    if !broken.is_empty() {
        return Err(DbErr::Migration(format!(
            "rebuilding `articles` would leave {} rows pointing nowhere; nothing was changed",
            broken.len()
        )));
    }
    if analyzed {
        db.execute_unprepared("ANALYZE articles").await?;
    }
    db.execute_unprepared("COMMIT").await?;
    Ok(())
}

async fn any_row(db: &impl ConnectionTrait, sql: &str) -> Result<bool, DbErr> {
    Ok(db.query_one_raw(Statement::from_string(DatabaseBackend::Sqlite, sql)).await?.is_some())
}
