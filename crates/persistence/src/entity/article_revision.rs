use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "article_revisions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub article_id: i64,
    pub revision: i32,
    pub user_id: Option<i64>,
    pub created_at: DateTimeUtc,
    #[sea_orm(column_type = "JsonBinary")]
    pub changed: Json,
    /// `RevisionSnapshot` as JSON: content plus status and publication time after the change.
    #[sea_orm(column_type = "JsonBinary")]
    pub snapshot: Json,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
