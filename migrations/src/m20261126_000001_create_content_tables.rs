//! The content model: authors, categories, tags, articles and their links.
//!
//! `articles.published_at` is copied into the link tables so that tag and author pages page by
//! keyset on one index, as the front page does on `articles`, instead of sorting every article of
//! a big tag.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Authors {
    Table,
    Id,
    Slug,
    Name,
    Bio,
    AvatarUrl,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Categories {
    Table,
    Id,
    Slug,
    Name,
    Description,
    ParentId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Tags {
    Table,
    Id,
    Slug,
    Name,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Articles {
    Table,
    Id,
    Slug,
    Title,
    Sapo,
    Body,
    Cover,
    CategoryId,
    Status,
    PublishedAt,
    CreatedAt,
    UpdatedAt,
    Revision,
    WordCount,
}

#[derive(DeriveIden)]
enum ArticleAuthors {
    Table,
    AuthorId,
}

#[derive(DeriveIden)]
enum ArticleTags {
    Table,
    TagId,
}

/// Columns every article link table has besides its owner column.
#[derive(DeriveIden)]
enum Link {
    ArticleId,
    Position,
    PublishedAt,
}

/// A table linking articles to an owner (an author or a tag), with the owner's keyset index.
struct LinkTable {
    table: DynIden,
    owner: DynIden,
    owner_table: DynIden,
    owner_id: DynIden,
    index: &'static str,
}

async fn create_link_table(manager: &SchemaManager<'_>, link: LinkTable) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(link.table.clone())
                .col(ColumnDef::new(Link::ArticleId).big_integer().not_null())
                .col(ColumnDef::new(link.owner.clone()).big_integer().not_null())
                .col(ColumnDef::new(Link::Position).integer().not_null())
                .col(ColumnDef::new(Link::PublishedAt).timestamp_with_time_zone())
                .primary_key(Index::create().col(Link::ArticleId).col(link.owner.clone()))
                .foreign_key(
                    ForeignKey::create()
                        .from(link.table.clone(), Link::ArticleId)
                        .to(Articles::Table, Articles::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(link.table.clone(), link.owner.clone())
                        .to(link.owner_table, link.owner_id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name(link.index)
                .table(link.table)
                .col(link.owner)
                .col(Link::PublishedAt)
                .col(Link::ArticleId)
                .to_owned(),
        )
        .await
}

fn id<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).big_integer().not_null().auto_increment().primary_key().take()
}

fn created_at<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).timestamp_with_time_zone().not_null().take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Authors::Table)
                    .col(id(Authors::Id))
                    .col(ColumnDef::new(Authors::Slug).string().not_null().unique_key())
                    .col(ColumnDef::new(Authors::Name).string().not_null())
                    .col(ColumnDef::new(Authors::Bio).text())
                    .col(ColumnDef::new(Authors::AvatarUrl).string())
                    .col(created_at(Authors::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Categories::Table)
                    .col(id(Categories::Id))
                    .col(ColumnDef::new(Categories::Slug).string().not_null().unique_key())
                    .col(ColumnDef::new(Categories::Name).string().not_null())
                    .col(ColumnDef::new(Categories::Description).text())
                    .col(ColumnDef::new(Categories::ParentId).big_integer())
                    .col(created_at(Categories::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Categories::Table, Categories::ParentId)
                            .to(Categories::Table, Categories::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Tags::Table)
                    .col(id(Tags::Id))
                    .col(ColumnDef::new(Tags::Slug).string().not_null().unique_key())
                    .col(ColumnDef::new(Tags::Name).string().not_null())
                    .col(created_at(Tags::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Articles::Table)
                    .col(id(Articles::Id))
                    .col(ColumnDef::new(Articles::Slug).string().not_null().unique_key())
                    .col(ColumnDef::new(Articles::Title).text().not_null())
                    .col(ColumnDef::new(Articles::Sapo).text().not_null())
                    .col(ColumnDef::new(Articles::Body).json_binary().not_null())
                    .col(ColumnDef::new(Articles::Cover).json_binary())
                    .col(ColumnDef::new(Articles::CategoryId).big_integer().not_null())
                    .col(ColumnDef::new(Articles::Status).string_len(16).not_null())
                    .col(ColumnDef::new(Articles::PublishedAt).timestamp_with_time_zone())
                    .col(created_at(Articles::CreatedAt))
                    .col(ColumnDef::new(Articles::UpdatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(Articles::Revision).integer().not_null().default(1))
                    .col(ColumnDef::new(Articles::WordCount).integer().not_null().default(0))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Articles::Table, Articles::CategoryId)
                            .to(Categories::Table, Categories::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            ("idx_articles_published", vec![Articles::PublishedAt, Articles::Id]),
            (
                "idx_articles_category_published",
                vec![Articles::CategoryId, Articles::PublishedAt, Articles::Id],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(Articles::Table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }

        create_link_table(
            manager,
            LinkTable {
                table: ArticleAuthors::Table.into_iden(),
                owner: ArticleAuthors::AuthorId.into_iden(),
                owner_table: Authors::Table.into_iden(),
                owner_id: Authors::Id.into_iden(),
                index: "idx_article_authors_author_published",
            },
        )
        .await?;
        create_link_table(
            manager,
            LinkTable {
                table: ArticleTags::Table.into_iden(),
                owner: ArticleTags::TagId.into_iden(),
                owner_table: Tags::Table.into_iden(),
                owner_id: Tags::Id.into_iden(),
                index: "idx_article_tags_tag_published",
            },
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ArticleTags::Table.into_iden(),
            ArticleAuthors::Table.into_iden(),
            Articles::Table.into_iden(),
            Tags::Table.into_iden(),
            Categories::Table.into_iden(),
            Authors::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
