//! The newsroom: users, refresh and partner tokens, article revisions, and the article columns
//! editorial work needs (who created it, when it was submitted, soft deletion).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Email,
    DisplayName,
    Role,
    AuthorId,
    PasswordHash,
    Disabled,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Authors {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Articles {
    Table,
    Id,
    CreatedBy,
    SubmittedAt,
    DeletedAt,
}

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    Id,
    UserId,
    TokenHash,
    ExpiresAt,
    CreatedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum PartnerTokens {
    Table,
    Id,
    Name,
    Scopes,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum ArticleRevisions {
    Table,
    Id,
    ArticleId,
    Revision,
    UserId,
    CreatedAt,
    Changed,
    Snapshot,
}

fn id<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).big_integer().not_null().auto_increment().primary_key().take()
}

fn at<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).timestamp_with_time_zone().not_null().take()
}

fn user_fk(
    table: impl IntoIden,
    column: impl IntoIden,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(table, column).to(Users::Table, Users::Id).on_delete(on_delete).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(id(Users::Id))
                    .col(ColumnDef::new(Users::Email).string().not_null().unique_key())
                    .col(ColumnDef::new(Users::DisplayName).string().not_null())
                    .col(ColumnDef::new(Users::Role).string_len(16).not_null())
                    .col(ColumnDef::new(Users::AuthorId).big_integer())
                    .col(ColumnDef::new(Users::PasswordHash).string().not_null())
                    .col(ColumnDef::new(Users::Disabled).boolean().not_null().default(false))
                    .col(at(Users::CreatedAt))
                    .col(at(Users::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Users::Table, Users::AuthorId)
                            .to(Authors::Table, Authors::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;

        // SQLite alters one column per statement.
        for column in [
            ColumnDef::new(Articles::CreatedBy).big_integer().take(),
            ColumnDef::new(Articles::SubmittedAt).timestamp_with_time_zone().take(),
            ColumnDef::new(Articles::DeletedAt).timestamp_with_time_zone().take(),
        ] {
            manager.alter_table(Table::alter().table(Articles::Table).add_column(column).to_owned()).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(RefreshTokens::Table)
                    .col(id(RefreshTokens::Id))
                    .col(ColumnDef::new(RefreshTokens::UserId).big_integer().not_null())
                    .col(ColumnDef::new(RefreshTokens::TokenHash).string().not_null().unique_key())
                    .col(at(RefreshTokens::ExpiresAt))
                    .col(at(RefreshTokens::CreatedAt))
                    .col(ColumnDef::new(RefreshTokens::RevokedAt).timestamp_with_time_zone())
                    .foreign_key(&mut user_fk(
                        RefreshTokens::Table,
                        RefreshTokens::UserId,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PartnerTokens::Table)
                    .col(id(PartnerTokens::Id))
                    .col(ColumnDef::new(PartnerTokens::Name).string().not_null())
                    .col(ColumnDef::new(PartnerTokens::Scopes).string().not_null())
                    .col(ColumnDef::new(PartnerTokens::CreatedBy).big_integer())
                    .col(at(PartnerTokens::CreatedAt))
                    .col(at(PartnerTokens::ExpiresAt))
                    .col(ColumnDef::new(PartnerTokens::RevokedAt).timestamp_with_time_zone())
                    .foreign_key(&mut user_fk(
                        PartnerTokens::Table,
                        PartnerTokens::CreatedBy,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ArticleRevisions::Table)
                    .col(id(ArticleRevisions::Id))
                    .col(ColumnDef::new(ArticleRevisions::ArticleId).big_integer().not_null())
                    .col(ColumnDef::new(ArticleRevisions::Revision).integer().not_null())
                    .col(ColumnDef::new(ArticleRevisions::UserId).big_integer())
                    .col(at(ArticleRevisions::CreatedAt))
                    .col(ColumnDef::new(ArticleRevisions::Changed).json_binary().not_null())
                    .col(ColumnDef::new(ArticleRevisions::Snapshot).json_binary().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(ArticleRevisions::Table, ArticleRevisions::ArticleId)
                            .to(Articles::Table, Articles::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(&mut user_fk(
                        ArticleRevisions::Table,
                        ArticleRevisions::UserId,
                        ForeignKeyAction::SetNull,
                    ))
                    .index(
                        Index::create()
                            .name("uq_article_revisions_article_revision")
                            .unique()
                            .col(ArticleRevisions::ArticleId)
                            .col(ArticleRevisions::Revision),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ArticleRevisions::Table.into_iden(),
            PartnerTokens::Table.into_iden(),
            RefreshTokens::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        for column in [Articles::DeletedAt, Articles::SubmittedAt, Articles::CreatedBy] {
            manager.alter_table(Table::alter().table(Articles::Table).drop_column(column).to_owned()).await?;
        }
        manager.drop_table(Table::drop().table(Users::Table).to_owned()).await
    }
}
