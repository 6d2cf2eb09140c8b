//! PostgreSQL only: keep each article's search vector in the table's own pages (compressed)
//! instead of out of line. Out of line, the table looks tiny to the planner, which then scans it
//! whole instead of using the GIN index, and unpacks every vector on the way (33 ms instead of
//! 3 ms for a two-word search at 10,000 articles). Rewrites existing rows so they move inline.

use sea_orm_migration::{prelude::*, sea_orm::DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            let db = manager.get_connection();
            db.execute_unprepared("ALTER TABLE article_search ALTER COLUMN document SET STORAGE MAIN")
                .await?;
            db.execute_unprepared("UPDATE article_search SET document = document || ''::tsvector").await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared("ALTER TABLE article_search ALTER COLUMN document SET STORAGE EXTENDED")
                .await?;
        }
        Ok(())
    }
}
