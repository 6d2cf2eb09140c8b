//! Slugs that used to name an article or a tag: an article's slug changed by an edit, a tag merged
//! into another. Links shared, bookmarked and indexed by search engines before the change keep
//! leading to the content (REST answers 301, GraphQL the content under its new slug).
//!
//! A slug in use names its live owner; a former slug is looked up only when no live one has it.
//! Deleting the article or tag deletes its former slugs. A merged tag's row also keeps the merged
//! tag's id: a revision saved before the merge names it, and restoring one gets the target.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A table of former slugs pointing at `owners.id` through `owner_column`, deleted with it, and
/// an index to find an owner's; `extra_id` names one more id column, if any.
async fn create_former_slugs(
    manager: &SchemaManager<'_>,
    table: &str,
    owner_column: &str,
    owners: &str,
    extra_id: Option<&str>,
) -> Result<(), DbErr> {
    let (table, owner) = (Alias::new(table), Alias::new(owner_column));
    let mut create = Table::create();
    if let Some(extra_id) = extra_id {
        create.col(ColumnDef::new(Alias::new(extra_id)).big_integer().not_null());
    }
    manager
        .create_table(
            create
                .table(table.clone())
                .col(ColumnDef::new(Alias::new("slug")).string().not_null().primary_key())
                .col(ColumnDef::new(owner.clone()).big_integer().not_null())
                .col(ColumnDef::new(Alias::new("replaced_at")).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(table.clone(), owner.clone())
                        .to(Alias::new(owners), Alias::new("id"))
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name(format!("idx_{}_{owner_column}", table.to_string()))
                .table(table)
                .col(owner)
                .to_owned(),
        )
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_former_slugs(manager, "article_former_slugs", "article_id", "articles", None).await?;
        create_former_slugs(manager, "tag_former_slugs", "tag_id", "tags", Some("merged_tag_id")).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Alias::new("tag_former_slugs")).to_owned()).await?;
        manager.drop_table(Table::drop().table(Alias::new("article_former_slugs")).to_owned()).await
    }
}
