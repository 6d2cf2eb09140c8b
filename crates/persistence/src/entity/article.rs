use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "articles")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub slug: String,
    pub title: String,
    pub sapo: String,
    #[sea_orm(column_type = "JsonBinary")]
    pub body: Json,
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub cover: Option<Json>,
    pub category_id: i64,
    pub status: String,
    pub published_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub revision: i32,
    pub word_count: i32,
    pub created_by: Option<i64>,
    pub submitted_at: Option<DateTimeUtc>,
    pub deleted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::article_tag::Entity")]
    ArticleTag,
    #[sea_orm(has_many = "super::article_author::Entity")]
    ArticleAuthor,
}

impl Related<super::article_tag::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ArticleTag.def()
    }
}

impl Related<super::article_author::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ArticleAuthor.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
