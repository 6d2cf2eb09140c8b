//! Related articles an editor pins to an article, in order.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RelatedPins {
    Table,
    ArticleId,
    Position,
    PinnedId,
}

#[derive(DeriveIden)]
enum Articles {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RelatedPins::Table)
                    .col(ColumnDef::new(RelatedPins::ArticleId).big_integer().not_null())
                    .col(ColumnDef::new(RelatedPins::Position).integer().not_null())
                    .col(ColumnDef::new(RelatedPins::PinnedId).big_integer().not_null())
                    .primary_key(Index::create().col(RelatedPins::ArticleId).col(RelatedPins::Position))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RelatedPins::Table, RelatedPins::ArticleId)
                            .to(Articles::Table, Articles::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(RelatedPins::Table, RelatedPins::PinnedId)
                            .to(Articles::Table, Articles::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(RelatedPins::Table).to_owned()).await
    }
}
