//! Conversions between entities and domain types, and between `DbErr` and the domain error.

use bantin_domain::{
    Article, ArticleId, ArticleStatus, Author, AuthorId, Category, CategoryId, CoverImage, Error, Tag, TagId,
    UserId,
};
use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{
    DbErr, FromQueryResult, QuerySelect, Select, SelectModel, Selector, SqlErr,
    sea_query::{Alias, Expr, ExprTrait},
};

use crate::entity::{article, author, category, tag};

/// Wraps a database error with what we were doing. A unique-key violation becomes a `Conflict`
/// (the caller can fix it); a database that cannot be reached or stays locked is `Unavailable`;
/// anything else is `Unexpected`, with the cause kept for the logs.
pub(crate) fn db_err(context: &'static str) -> impl FnOnce(DbErr) -> Error {
    move |err| match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(detail)) => Error::Conflict(format!("{context}: {detail}")),
        _ if unreachable_database(&err) => Error::Unavailable(format!("{context}: {err}")),
        _ => Error::Unexpected(format!("{context}: {err}")),
    }
}

/// Whether `err` says the database cannot be reached (rather than that a statement failed).
fn unreachable_database(err: &DbErr) -> bool {
    use sea_orm::{RuntimeErr, sqlx::Error as Sqlx};
    let sqlx = match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => return true,
        DbErr::Query(RuntimeErr::SqlxError(e)) | DbErr::Exec(RuntimeErr::SqlxError(e)) => e,
        _ => return false,
    };
    match sqlx.as_ref() {
        Sqlx::Io(_) | Sqlx::PoolTimedOut | Sqlx::PoolClosed | Sqlx::Tls(_) => true,
        Sqlx::Database(database) => sqlite_busy(database.as_ref()) || postgres_gone(database.as_ref()),
        _ => false,
    }
}

/// Whether PostgreSQL ended the connection or refuses new ones: SQLSTATE class 08 (connection
/// exception), or 57P01 to 57P03 (shut down by an administrator or a crash, not accepting
/// connections yet). A connection used moments ago is handed out without a ping, so a restart is
/// first seen here, by the statement that was to run on it.
fn postgres_gone(err: &dyn sea_orm::sqlx::error::DatabaseError) -> bool {
    err.try_downcast_ref::<sea_orm::sqlx::postgres::PgDatabaseError>()
        .map(|postgres| postgres.code())
        .is_some_and(|code| code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03"))
}

/// `SQLITE_BUSY`: the primary result code of every "database is locked" error.
const SQLITE_BUSY: i32 = 5;

/// Whether SQLite gave up waiting for a lock another process held past the busy timeout
/// (`SQLITE_BUSY` or one of its extended codes). The statement did nothing and the database is
/// fine: like a pool timeout, it passes when the other process lets go.
fn sqlite_busy(err: &dyn sea_orm::sqlx::error::DatabaseError) -> bool {
    use sea_orm::sqlx::error::DatabaseError;
    err.try_downcast_ref::<sea_orm::sqlx::sqlite::SqliteError>()
        .and_then(|sqlite| sqlite.code()?.parse::<i32>().ok())
        .is_some_and(|code| code & 0xff == SQLITE_BUSY)
}

/// Timestamps are stored at whole seconds: keyset cursors compare them exactly, and SQLite
/// compares them as text, which is only chronological when every value has the same shape.
pub(crate) fn stored_time(time: DateTime<Utc>) -> DateTime<Utc> {
    time.trunc_subsecs(0)
}

/// An article row without its body: what lists and lookups read. Bodies are loaded separately
/// ([`bantin_domain::ContentReader::bodies`]): decoding tens of kilobytes of JSON per page that
/// nobody selected was most of a list request's time. As JSON, it is an array of its fields in
/// order (see [`ArticleRow::JSON_ARRAY`]).
#[derive(Debug, FromQueryResult, serde::Deserialize)]
pub(crate) struct ArticleRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub sapo: String,
    /// JSON text, read straight into a [`CoverImage`]: through a `serde_json::Value` in between it
    /// was a twentieth of an uncached list request's CPU.
    pub cover: Option<String>,
    pub category_id: i64,
    pub status: String,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub revision: i32,
    pub word_count: i32,
    pub created_by: Option<i64>,
    pub submitted_at: Option<DateTime<Utc>>,
}

impl ArticleRow {
    /// SQLite's JSON array of a row that [`ArticleRow::select`] gives, fields in declaration order.
    pub(crate) const JSON_ARRAY: &str = "json_array(id, slug, title, sapo, cover, category_id, status, \
         published_at, created_at, updated_at, revision, word_count, created_by, submitted_at)";

    /// The columns [`ArticleRow`] reads, in a query over `articles`.
    pub(crate) fn select(query: Select<article::Entity>) -> Selector<SelectModel<ArticleRow>> {
        use article::Column as C;
        query
            .select_only()
            .columns([
                C::Id,
                C::Slug,
                C::Title,
                C::Sapo,
                C::CategoryId,
                C::Status,
                C::PublishedAt,
                C::CreatedAt,
                C::UpdatedAt,
                C::Revision,
                C::WordCount,
                C::CreatedBy,
                C::SubmittedAt,
            ])
            // PostgreSQL gives `jsonb` as text only when asked; for SQLite this changes nothing.
            .expr_as(Expr::col((article::Entity, C::Cover)).cast_as(Alias::new("text")), "cover")
            .into_model::<ArticleRow>()
    }
}

impl From<article::Model> for ArticleRow {
    fn from(m: article::Model) -> Self {
        ArticleRow {
            id: m.id,
            slug: m.slug,
            title: m.title,
            sapo: m.sapo,
            cover: m.cover.map(|cover| cover.to_string()),
            category_id: m.category_id,
            status: m.status,
            published_at: m.published_at,
            created_at: m.created_at,
            updated_at: m.updated_at,
            revision: m.revision,
            word_count: m.word_count,
            created_by: m.created_by,
            submitted_at: m.submitted_at,
        }
    }
}

pub(crate) fn article(model: impl Into<ArticleRow>) -> Result<Article, Error> {
    let model: ArticleRow = model.into();
    let status = ArticleStatus::parse(&model.status).map_err(|_| {
        Error::Unexpected(format!("article {} has unknown status '{}'", model.id, model.status))
    })?;
    let cover = model
        .cover
        .as_deref()
        .map(serde_json::from_str::<CoverImage>)
        .transpose()
        .map_err(|err| Error::Unexpected(format!("article {} has a malformed cover: {err}", model.id)))?;
    Ok(Article {
        id: ArticleId(model.id),
        slug: model.slug,
        title: model.title,
        sapo: model.sapo,
        cover,
        category_id: CategoryId(model.category_id),
        status,
        published_at: model.published_at,
        created_at: model.created_at,
        updated_at: model.updated_at,
        revision: model.revision,
        word_count: u32::try_from(model.word_count).unwrap_or(0),
        created_by: model.created_by.map(UserId),
        submitted_at: model.submitted_at,
    })
}

pub(crate) fn author(model: author::Model) -> Author {
    Author {
        id: AuthorId(model.id),
        slug: model.slug,
        name: model.name,
        bio: model.bio,
        avatar_url: model.avatar_url,
    }
}

pub(crate) fn category(model: category::Model) -> Category {
    Category {
        id: CategoryId(model.id),
        slug: model.slug,
        name: model.name,
        description: model.description,
        parent_id: model.parent_id.map(CategoryId),
    }
}

pub(crate) fn tag(model: tag::Model) -> Tag {
    Tag { id: TagId(model.id), slug: model.slug, name: model.name }
}

/// A byline as the reader's link query gives it: article id, then the author's id, slug, name, bio
/// and avatar URL.
pub(crate) fn byline(
    (article, id, slug, name, bio, avatar_url): (i64, i64, String, String, Option<String>, Option<String>),
) -> (ArticleId, Author) {
    (ArticleId(article), Author { id: AuthorId(id), slug, name, bio, avatar_url })
}

/// An article's tag as the reader's link query gives it: article id, then the tag's id, slug and
/// name.
pub(crate) fn article_tag((article, id, slug, name): (i64, i64, String, String)) -> (ArticleId, Tag) {
    (ArticleId(article), Tag { id: TagId(id), slug, name })
}
