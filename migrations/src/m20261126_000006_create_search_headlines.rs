//! PostgreSQL only: a small second index of each article's title (A) and sapo (B). Search looks
//! there first: a query whose words are on most articles ("du lịch") otherwise makes the engine
//! read and rank tens of thousands of full documents (237 ms at 100,000 articles), while the
//! title-and-sapo matches it ranks first are far fewer and their rows tiny. SQLite's FTS5 filters
//! by column within its one index.

use sea_orm_migration::{prelude::*, sea_orm::DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            let db = manager.get_connection();
            db.execute_unprepared(
                "CREATE TABLE article_headlines (article_id BIGINT PRIMARY KEY REFERENCES articles (id) \
                 ON DELETE CASCADE, headline TSVECTOR NOT NULL)",
            )
            .await?;
            db.execute_unprepared(
                "INSERT INTO article_headlines (article_id, headline) \
                 SELECT article_id, ts_filter(document, '{a,b}') FROM article_search",
            )
            .await?;
            db.execute_unprepared(
                "CREATE INDEX idx_article_headlines_headline ON article_headlines USING GIN (headline)",
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            manager.get_connection().execute_unprepared("DROP TABLE article_headlines").await?;
        }
        Ok(())
    }
}
