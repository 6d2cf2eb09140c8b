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
/// (the caller can fix it); text PostgreSQL cannot hold (U+0000) is the caller's invalid input; a
/// database that cannot be reached or stays locked, or a transaction PostgreSQL ended for a
/// concurrent one, is `Unavailable` (send it again); anything else is `Unexpected`, with the
/// cause kept for the logs.
pub(crate) fn db_err(context: &'static str) -> impl FnOnce(DbErr) -> Error {
    move |err| match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(detail)) => Error::Conflict(format!("{context}: {detail}")),
        _ if postgres_refused_nul(&err) => {
            Error::invalid("input", "contains the character U+0000 (NUL), which no text may hold")
        }
        _ if unreachable_database(&err) || postgres_gave_way(&err) => {
            Error::Unavailable(format!("{context}: {err}"))
        }
        _ => Error::Unexpected(format!("{context}: {err}")),
    }
}

/// [`db_err`], except that a foreign-key failure means the client named, as `field`, something
/// that does not exist (or was deleted after it was looked up).
pub(crate) fn reference_err(
    field: &'static str,
    what: &'static str,
    context: &'static str,
) -> impl FnOnce(DbErr) -> Error {
    move |err| match err.sql_err() {
        Some(SqlErr::ForeignKeyConstraintViolation(_)) => missing_reference(field, what),
        _ => db_err(context)(err),
    }
}

/// The client named, as `field`, `what` (such as "a tag") that does not exist.
pub(crate) fn missing_reference(field: &'static str, what: &str) -> Error {
    Error::invalid(field, format!("names {what} that does not exist"))
}

/// The driver's error inside `err`, when a statement or connection failed.
fn sqlx_error(err: &DbErr) -> Option<&sea_orm::sqlx::Error> {
    use sea_orm::RuntimeErr;
    match err {
        DbErr::Query(RuntimeErr::SqlxError(e)) | DbErr::Exec(RuntimeErr::SqlxError(e)) => Some(e.as_ref()),
        _ => None,
    }
}

/// Whether `err` says the database cannot be reached (rather than that a statement failed).
fn unreachable_database(err: &DbErr) -> bool {
    use sea_orm::sqlx::Error as Sqlx;
    if matches!(err, DbErr::ConnectionAcquire(_) | DbErr::Conn(_)) {
        return true;
    }
    match sqlx_error(err) {
        Some(Sqlx::Io(_) | Sqlx::PoolTimedOut | Sqlx::PoolClosed | Sqlx::Tls(_)) => true,
        Some(Sqlx::Database(database)) => sqlite_busy(database.as_ref()) || postgres_gone(err),
        _ => false,
    }
}

/// Whether PostgreSQL ended the transaction to let a concurrent one through: a deadlock (40P01)
/// or a serialization failure (40001). Nothing was written and the same request may succeed when
/// sent again, as after a pool timeout.
fn postgres_gave_way(err: &DbErr) -> bool {
    postgres_code(err).is_some_and(|code| matches!(code, "40P01" | "40001"))
}

/// Whether PostgreSQL refused U+0000 (NUL), which neither its `text` nor its `jsonb` can hold,
/// in a value to store or to look up: SQLSTATE 22021 for a string, 22P05 for `\u0000` in JSON.
/// GraphQL refuses such input before either backend sees it; this is the net under that, and
/// what a REST lookup of such a key gets on PostgreSQL (SQLite finds nothing).
fn postgres_refused_nul(err: &DbErr) -> bool {
    postgres_code(err).is_some_and(|code| matches!(code, "22021" | "22P05"))
}

/// The SQLSTATE of the PostgreSQL error inside `err`, if it is one.
fn postgres_code(err: &DbErr) -> Option<&str> {
    let Some(sea_orm::sqlx::Error::Database(database)) = sqlx_error(err) else {
        return None;
    };
    database.try_downcast_ref::<sea_orm::sqlx::postgres::PgDatabaseError>().map(|postgres| postgres.code())
}

/// Whether PostgreSQL ended the connection or refuses new ones: SQLSTATE class 08 (connection
/// exception), or 57P01 to 57P03 (shut down by an administrator or a crash, not accepting
/// connections yet). A connection used moments ago is handed out without a ping, so a restart is
/// first seen here, by the statement that was to run on it.
fn postgres_gone(err: &DbErr) -> bool {
    postgres_code(err)
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
/// nobody selected was most of a list request's time. SQLite can also give a page of them as one
/// value ([`ArticleRow::packed_sql`]).
#[derive(Debug, FromQueryResult)]
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

/// [`ArticleRow`]'s columns, in declaration order.
const ARTICLE_ROW_COLUMNS: [&str; 14] = [
    "id",
    "slug",
    "title",
    "sapo",
    "cover",
    "category_id",
    "status",
    "published_at",
    "created_at",
    "updated_at",
    "revision",
    "word_count",
    "created_by",
    "submitted_at",
];

impl ArticleRow {
    /// SQLite: a row that [`ArticleRow::select`] gives, as text: each field in declaration order as
    /// `<length in bytes>:<value>`, or `-` for NULL. A page travels from SQLite's connection
    /// thread as one value, these rows one after another (`group_concat`), because sqlx hands rows
    /// over one at a time with a wake-up each; [`ArticleRow::unpack`] reads it. The values go as
    /// they are stored: as a JSON array every character of every title and lead was escaped on the
    /// way out and parsed again on the way in, a sixth of an uncached `latest` page's CPU.
    /// One `concat` of every piece builds a row in one allocation (a NULL piece is empty, so a
    /// NULL field is its `-` alone); a chain of `||` copied the row so far at every piece.
    pub(crate) fn packed_sql() -> &'static str {
        static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
            let fields = ARTICLE_ROW_COLUMNS.map(|c| format!("ifnull(octet_length({c}) || ':', '-'), {c}"));
            format!("concat({})", fields.join(", "))
        });
        &SQL
    }

    /// The rows in `packed`: [`ArticleRow::packed_sql`]'s rows one after another, as bytes.
    pub(crate) fn unpack(packed: &[u8]) -> Result<Vec<ArticleRow>, Error> {
        let text = utf8(packed, READING_ROWS)?;
        let mut fields = PackedFields(text);
        let mut rows = Vec::new();
        while !fields.0.is_empty() {
            // Struct fields are evaluated in the order written: declaration order.
            rows.push(ArticleRow {
                id: fields.number()?,
                slug: fields.text()?,
                title: fields.text()?,
                sapo: fields.text()?,
                cover: fields.optional()?.map(str::to_owned),
                category_id: fields.number()?,
                status: fields.text()?,
                published_at: fields.optional()?.map(stored_time_from_text).transpose()?,
                created_at: stored_time_from_text(fields.required()?)?,
                updated_at: stored_time_from_text(fields.required()?)?,
                revision: fields.number()?,
                word_count: fields.number()?,
                created_by: fields.optional()?.map(number).transpose()?,
                submitted_at: fields.optional()?.map(stored_time_from_text).transpose()?,
            });
        }
        Ok(rows)
    }

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

/// Reads the fields of [`ArticleRow::packed_sql`]'s rows, one after another.
struct PackedFields<'a>(&'a str);

impl<'a> PackedFields<'a> {
    fn optional(&mut self) -> Result<Option<&'a str>, Error> {
        if let Some(rest) = self.0.strip_prefix('-') {
            self.0 = rest;
            return Ok(None);
        }
        let (length, rest) =
            self.0.split_once(':').ok_or_else(|| malformed_row(&"a field without its length"))?;
        let length: usize =
            length.parse().map_err(|_| malformed_row(&format!("'{length}' is not a length")))?;
        // `split_at_checked` refuses a length past the end or inside a character.
        let (value, rest) = rest
            .split_at_checked(length)
            .ok_or_else(|| malformed_row(&"a field longer than what is left"))?;
        self.0 = rest;
        Ok(Some(value))
    }

    fn required(&mut self) -> Result<&'a str, Error> {
        self.optional()?.ok_or_else(|| malformed_row(&"NULL where a value is required"))
    }

    fn text(&mut self) -> Result<String, Error> {
        Ok(self.required()?.to_owned())
    }

    fn number<N: std::str::FromStr>(&mut self) -> Result<N, Error> {
        number(self.required()?)
    }
}

fn number<N: std::str::FromStr>(text: &str) -> Result<N, Error> {
    text.parse().map_err(|_| malformed_row(&format!("'{text}' is not a number")))
}

/// A stored timestamp, read as serde reads one from JSON (RFC 3339, a space allowed for the `T`).
/// The form bantin writes, `2026-06-26T07:30:00+00:00`, is read by position: chrono's general
/// parser took three times as long, and a page of 20 has 60 of them.
fn stored_time_from_text(text: &str) -> Result<DateTime<Utc>, Error> {
    if let Some(time) = utc_seconds_from_text(text) {
        return Ok(time);
    }
    text.parse::<DateTime<chrono::FixedOffset>>()
        .map(|time| time.with_timezone(&Utc))
        .map_err(|err| malformed_row(&format!("'{text}' is not a time: {err}")))
}

/// `YYYY-MM-DDTHH:MM:SS+00:00` exactly; `None` for anything else, left to the general parser.
fn utc_seconds_from_text(text: &str) -> Option<DateTime<Utc>> {
    let b = text.as_bytes();
    if b.len() != 25 || &b[19..] != b"+00:00" || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let digits = |range: std::ops::Range<usize>| {
        b.get(range)?.iter().try_fold(0u32, |n, &d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
    };
    let date =
        chrono::NaiveDate::from_ymd_opt(i32::try_from(digits(0..4)?).ok()?, digits(5..7)?, digits(8..10)?)?;
    let time = date.and_hms_opt(digits(11..13)?, digits(14..16)?, digits(17..19)?)?;
    Some(time.and_utc())
}

const READING_ROWS: &str = "reading article rows from SQLite";

fn malformed_row(why: &dyn std::fmt::Display) -> Error {
    Error::Unexpected(format!("{READING_ROWS}: {why}"))
}

/// Text that SQLite gave as a BLOB (`CAST(... AS BLOB)`), checked as UTF-8 with simdutf8: sqlx
/// checks TEXT with the standard library's `from_utf8`, whose fast path is ASCII only, and
/// Vietnamese titles, leads and names are mostly multi-byte (7% of an uncached `latest` page's
/// CPU). `what` says what was being read.
pub(crate) fn utf8<'a>(bytes: &'a [u8], what: &str) -> Result<&'a str, Error> {
    simdutf8::basic::from_utf8(bytes).map_err(|err| Error::Unexpected(format!("{what}: {err}")))
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

/// A section as the reader's relations query gives it: id, slug, name, description, parent.
pub(crate) fn listed_category(
    (id, slug, name, description, parent_id): (i64, String, String, Option<String>, Option<i64>),
) -> (CategoryId, Category) {
    (
        CategoryId(id),
        Category { id: CategoryId(id), slug, name, description, parent_id: parent_id.map(CategoryId) },
    )
}

/// An article's tag as the reader's link query gives it: article id, then the tag's id, slug and
/// name.
pub(crate) fn article_tag((article, id, slug, name): (i64, i64, String, String)) -> (ArticleId, Tag) {
    (ArticleId(article), Tag { id: TagId(id), slug, name })
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectionTrait, Database, DatabaseBackend, Statement};

    use super::ArticleRow;

    /// Rows packed by SQLite itself, with what could confuse a reader of lengths: text holding
    /// colons, digits and dashes, multi-byte characters, empty text and NULLs.
    #[tokio::test]
    async fn rows_packed_by_sqlite_unpack_to_the_values_stored() {
        let db = Database::connect("sqlite::memory:").await.expect("in-memory SQLite");
        let rows = "SELECT 7 AS id, 'bac-giang-12' AS slug, 'Bắc Giang: 12:30, -5°C' AS title, '' AS sapo, \
             '{\"src\":\"a.jpg\"}' AS cover, 3 AS category_id, 'published' AS status, \
             '2026-11-01T06:00:00+00:00' AS published_at, '2026-10-31 23:59:59+00:00' AS created_at, \
             '2026-11-02T00:00:00+00:00' AS updated_at, 2 AS revision, 954 AS word_count, \
             NULL AS created_by, NULL AS submitted_at \
             UNION ALL SELECT 8, 'đ', '-', '12:', NULL, 4, 'draft', NULL, '2026-11-01T00:00:00+00:00', \
             '2026-11-01T00:00:00+00:00', 1, 0, 42, '2026-11-01T01:00:00+00:00'";
        let sql = format!(
            "SELECT CAST(group_concat({}, '') AS BLOB) AS packed FROM ({rows})",
            ArticleRow::packed_sql()
        );
        let row = db
            .query_one_raw(Statement::from_string(DatabaseBackend::Sqlite, sql))
            .await
            .expect("query")
            .expect("a row");
        let packed: Vec<u8> = row.try_get("", "packed").expect("packed rows");
        let rows = ArticleRow::unpack(&packed).expect("rows");
        assert_eq!(rows.len(), 2);
        let (first, second) = (&rows[0], &rows[1]);
        assert_eq!((first.id, first.slug.as_str()), (7, "bac-giang-12"));
        assert_eq!((first.title.as_str(), first.sapo.as_str()), ("Bắc Giang: 12:30, -5°C", ""));
        assert_eq!(first.cover.as_deref(), Some(r#"{"src":"a.jpg"}"#));
        assert_eq!((first.category_id, first.status.as_str()), (3, "published"));
        assert_eq!(first.published_at.map(|t| t.to_rfc3339()).as_deref(), Some("2026-11-01T06:00:00+00:00"));
        assert_eq!(first.created_at.to_rfc3339(), "2026-10-31T23:59:59+00:00");
        assert_eq!(
            (first.revision, first.word_count, first.created_by, first.submitted_at),
            (2, 954, None, None)
        );
        assert_eq!((second.id, second.slug.as_str(), second.title.as_str()), (8, "đ", "-"));
        assert_eq!((second.sapo.as_str(), second.cover.as_deref(), second.published_at), ("12:", None, None));
        assert_eq!(second.created_by, Some(42));
        assert_eq!(second.submitted_at.map(|t| t.to_rfc3339()).as_deref(), Some("2026-11-01T01:00:00+00:00"));
    }

    #[test]
    fn stored_times_read_by_position_agree_with_chrono_and_other_forms_go_to_it() {
        use super::{stored_time_from_text, utc_seconds_from_text};
        for text in ["2026-06-26T07:30:00+00:00", "1999-12-31T23:59:59+00:00", "2028-02-29T00:00:00+00:00"] {
            let general = text.parse::<chrono::DateTime<chrono::FixedOffset>>().expect(text).to_utc();
            assert_eq!(utc_seconds_from_text(text), Some(general), "{text}");
        }
        for other in [
            "2026-06-26 07:30:00+00:00",
            "2026-06-26T07:30:00+07:00",
            "2026-06-26T07:30:00.5+00:00",
            "2026-06-26T07:30:00Z",
            "2026-02-30T07:30:00+00:00",
            "2026-06-26T24:30:00+00:00",
            "2026-06-2xT07:30:00+00:00",
        ] {
            assert_eq!(utc_seconds_from_text(other), None, "{other}");
        }
        assert_eq!(
            stored_time_from_text("2026-06-26T07:30:00+07:00").expect("an offset").to_rfc3339(),
            "2026-06-26T00:30:00+00:00"
        );
        assert!(stored_time_from_text("2026-02-30T07:30:00+00:00").is_err());
    }

    #[test]
    fn a_malformed_packing_is_an_error_not_a_wrong_row() {
        for packed in [
            b"1:72:ab".as_slice(), // id and slug, then the row ends
            "1:7x:ab".as_bytes(),  // a length that is not a number
            "1:79:ab".as_bytes(),  // a length past the end
            "1:71:đ".as_bytes(),   // a length that ends inside a character
            b"1:7\xff".as_slice(), // not UTF-8
        ] {
            let shown = String::from_utf8_lossy(packed);
            assert!(ArticleRow::unpack(packed).is_err(), "{shown:?} was read as rows");
        }
        assert!(ArticleRow::unpack(b"").expect("no rows").is_empty());
    }
}
