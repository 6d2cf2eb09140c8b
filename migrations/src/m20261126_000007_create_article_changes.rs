//! A log of article writes, in commit order, for partners that mirror our content
//! (`GET /api/v1/changes`): each row says "look at this article again".

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ArticleChanges {
    Table,
    Seq,
    ArticleId,
    ChangedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ArticleChanges::Table)
                    .col(
                        ColumnDef::new(ArticleChanges::Seq)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(ArticleChanges::ArticleId).big_integer().not_null())
                    .col(ColumnDef::new(ArticleChanges::ChangedAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ArticleChanges::Table).to_owned()).await
    }
}
