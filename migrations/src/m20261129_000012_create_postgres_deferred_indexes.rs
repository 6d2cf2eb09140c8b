//! PostgreSQL: the `deferred_indexes` table SQLite got in migration 10, now that a bulk load into
//! empty tables defers their secondary indexes (the two GIN search indexes among them) there too.

use sea_orm_migration::{prelude::*, sea_orm::DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared(
                    "CREATE TABLE deferred_indexes (name text NOT NULL PRIMARY KEY, sql text NOT NULL)",
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            manager.get_connection().execute_unprepared("DROP TABLE deferred_indexes").await?;
        }
        Ok(())
    }
}
