use sea_orm::entity::prelude::*;

/// A slug that used to name a tag, merged since into the one named (migration 13).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tag_former_slugs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub slug: String,
    pub tag_id: i64,
    /// The id the merged tag had: revisions saved before the merge name it.
    pub merged_tag_id: i64,
    pub replaced_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
