//! The full-text index. Its text is folded by bantin before it is written (diacritics removed,
//! lower-cased), so both backends index the same tokens:
//! - SQLite: an FTS5 table without stored content (rowid = article id), one column per field;
//! - PostgreSQL: a `tsvector` per article (title weight A, sapo B, body C) with a GIN index.
//!
//! This is the one migration whose SQL differs by backend. Existing articles are indexed by the
//! server at start (the folding lives in Rust, not SQL).

use sea_orm_migration::{prelude::*, sea_orm::DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DatabaseBackend::Sqlite => {
                db.execute_unprepared(
                    "CREATE VIRTUAL TABLE article_search USING fts5(title, sapo, body, content='', \
                     contentless_delete=1, tokenize='unicode61 remove_diacritics 0')",
                )
                .await?;
            }
            DatabaseBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE TABLE article_search (article_id BIGINT PRIMARY KEY REFERENCES articles (id) \
                     ON DELETE CASCADE, document TSVECTOR NOT NULL)",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE INDEX idx_article_search_document ON article_search USING GIN (document)",
                )
                .await?;
            }
            other => return Err(DbErr::Migration(format!("bantin does not support {other:?}"))),
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared("DROP TABLE article_search").await?;
        Ok(())
    }
}
