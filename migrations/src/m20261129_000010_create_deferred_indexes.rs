//! SQLite: a table for the secondary indexes a bulk load into an empty database drops and builds
//! again at its end. Kept in the database, in the transaction that drops them, so that a load
//! killed midway leaves the definitions behind and the next start builds them. PostgreSQL got the
//! same table later, in migration 12.

use sea_orm_migration::{prelude::*, sea_orm::DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DatabaseBackend::Sqlite {
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
        if manager.get_database_backend() == DatabaseBackend::Sqlite {
            manager.get_connection().execute_unprepared("DROP TABLE deferred_indexes").await?;
        }
        Ok(())
    }
}
