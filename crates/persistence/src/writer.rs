//! Writes. Every multi-row write is one transaction on the single writer connection: a batch is
//! stored whole or not at all.

use std::{collections::HashSet, fmt::Write};

use bantin_domain::{
    ArticleContent, ArticleId, ArticleStatus, Author, AuthorId, Category, CategoryId, NewArticle, NewAuthor,
    NewCategory, NewTag, Result, Tag, TagId,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ConnectionTrait, DatabaseBackend, DatabaseTransaction, EntityTrait, IdenStatic, PaginatorTrait,
    QuerySelect, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
};

use crate::{
    Store,
    entity::{article, article_author, article_change, article_tag, author, category, tag},
    mapping::{self, db_err, missing_reference, reference_err, stored_time},
    search::{Existing, IndexEntry, IndexText},
};

/// Rows per INSERT statement: far below SQLite's 32,766 and PostgreSQL's 65,535 bound parameters
/// for our widest table, and large enough that statement overhead stays small.
const ROWS_PER_INSERT: usize = 500;

/// New articles as the rows that store them. Preparing is CPU work only (JSON text, the folded
/// search text and the word count it gives), so a bulk writer prepares the next batch on another
/// thread while the database stores this one.
#[derive(Default)]
pub struct PreparedArticles(Vec<PreparedArticle>);

/// One article's row values. Its body is kept only as JSON text: the block tree is thousands of
/// small allocations, freed on the preparing thread rather than between two statements of the
/// writer (a tenth of a seed's time).
struct PreparedArticle {
    slug: String,
    title: String,
    sapo: String,
    body: String,
    cover: Option<String>,
    category_id: CategoryId,
    author_ids: Vec<AuthorId>,
    tag_ids: Vec<TagId>,
    status: ArticleStatus,
    published_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    word_count: i32,
    index: IndexText,
}

impl PreparedArticles {
    pub fn new(articles: Vec<NewArticle>) -> PreparedArticles {
        PreparedArticles(
            articles
                .into_iter()
                .map(|NewArticle { content, status, published_at, created_at }| {
                    let body = json_string(&content.body);
                    let cover = content.cover.as_ref().map(json_string);
                    let index = IndexText::new(&content.title, &content.sapo, &content.body);
                    let word_count = i32::try_from(index.word_count).unwrap_or(i32::MAX);
                    let ArticleContent { title, slug, sapo, category_id, author_ids, tag_ids, .. } = content;
                    PreparedArticle {
                        slug,
                        title,
                        sapo,
                        body,
                        cover,
                        category_id,
                        author_ids,
                        tag_ids,
                        status,
                        published_at,
                        created_at,
                        word_count,
                        index,
                    }
                })
                .collect(),
        )
    }

    /// Moves `other`'s articles in after these (parts prepared at once become one batch).
    pub fn append(&mut self, mut other: PreparedArticles) {
        if self.0.is_empty() {
            self.0 = other.0;
        } else {
            self.0.append(&mut other.0);
        }
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// `value` as JSON text: bodies and covers for their columns, search entries for `json_each`.
pub(crate) fn json_string(value: &impl serde::Serialize) -> String {
    // Plain data (strings, numbers, enums): serialising it cannot fail.
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

/// The columns a bulk load writes into `articles`, in the order of its values.
const ARTICLE_COLUMNS: [article::Column; 12] = [
    article::Column::Slug,
    article::Column::Title,
    article::Column::Sapo,
    article::Column::Body,
    article::Column::Cover,
    article::Column::CategoryId,
    article::Column::Status,
    article::Column::PublishedAt,
    article::Column::CreatedAt,
    article::Column::UpdatedAt,
    article::Column::Revision,
    article::Column::WordCount,
];

/// An INSERT of `rows` article rows, their values bound in [`ARTICLE_COLUMNS`]' order. Written
/// here rather than built with sea-query: its builder copies every bound value out of the query,
/// a body's kilobytes included, on the writer's path (a tenth of a seed's time went to that copy
/// and the fresh pages it faulted in). PostgreSQL's `jsonb` columns take the text through a cast;
/// SQLite stores it as it is. On PostgreSQL the ids come back, in the order of the rows.
fn article_rows_sql(backend: DatabaseBackend, rows: usize) -> String {
    let columns: Vec<_> = ARTICLE_COLUMNS.iter().map(|column| column.as_str()).collect();
    let mut sql = format!("INSERT INTO articles ({}) VALUES ", columns.join(", "));
    let mut parameter = 0;
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for (position, column) in ARTICLE_COLUMNS.iter().enumerate() {
            if position > 0 {
                sql.push_str(", ");
            }
            parameter += 1;
            match backend {
                DatabaseBackend::Postgres => {
                    let cast = if matches!(column, article::Column::Body | article::Column::Cover) {
                        "::jsonb"
                    } else {
                        ""
                    };
                    let _ = write!(sql, "${parameter}{cast}");
                }
                _ => sql.push('?'),
            }
        }
        sql.push(')');
    }
    if backend == DatabaseBackend::Postgres {
        sql.push_str(" RETURNING id");
    }
    sql
}

/// `rows` cut for multi-row INSERTs of a few sizes only: `max` rows, then what is left in powers
/// of two. A statement of a size not seen before is prepared anew, and SQLite took 1.7 million
/// instructions to parse a 2,000-row one; a load's tags and bylines, a different number in each
/// batch, were 3.7% of its writer thread's instructions.
fn in_few_sizes<T>(mut rows: &[T], max: usize) -> impl Iterator<Item = &[T]> {
    std::iter::from_fn(move || {
        let size = if rows.len() >= max { max } else { 1 << rows.len().checked_ilog2()? };
        let (chunk, rest) = rows.split_at(size);
        rows = rest;
        Some(chunk)
    })
}

/// Records that these articles changed, in the caller's transaction (partners' delta sync reads
/// the log in order).
pub(crate) async fn log_changes(
    txn: &DatabaseTransaction,
    ids: &[i64],
    at: chrono::DateTime<Utc>,
) -> Result<()> {
    for chunk in in_few_sizes(ids, ROWS_PER_INSERT * 4) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|id| article_change::ActiveModel { seq: NotSet, article_id: Set(*id), changed_at: Set(at) })
            .collect();
        article_change::Entity::insert_many(rows)
            .exec_without_returning(txn)
            .await
            .map_err(db_err("logging article changes"))?;
    }
    Ok(())
}

impl Store {
    /// Starts a write transaction. On SQLite it is `BEGIN IMMEDIATE`: the write lock is taken at
    /// the start (waiting up to the busy timeout), so a transaction that has read never fails
    /// later when another process wrote in between; PostgreSQL ignores the mode.
    pub(crate) async fn begin_write(&self, what: &'static str) -> Result<DatabaseTransaction> {
        let options = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        };
        self.writer.begin_with_options(options).await.map_err(db_err(what))
    }

    /// Refreshes the query planner's statistics after a bulk load. Without it PostgreSQL plans
    /// page queries on a freshly seeded table as if it were empty (a sort of every row instead of
    /// an index walk) until autovacuum catches up. PostgreSQL also vacuums, which marks the loaded
    /// pages all-visible: a tag page's index-only scan of `article_tags` then reads no table rows
    /// (20 heap fetches and 26 pages for a page of 20 after seeding 20,000 articles; after the
    /// vacuum none, and 7 pages). It took 2.7 s after a 100,000-article seed of 128 s.
    pub async fn analyze(&self) -> Result<()> {
        if self.writer.get_database_backend() != DatabaseBackend::Postgres {
            // Sampled, as `PRAGMA optimize` does it: each index's first rows rather than every
            // page of every table, which after a seed is the whole file read back.
            for pragma in ["PRAGMA analysis_limit = 1000", "ANALYZE", "PRAGMA analysis_limit = 0"] {
                self.writer.execute_unprepared(pragma).await.map_err(db_err("analyzing tables"))?;
            }
            return Ok(());
        }
        // On a large database the vacuum outlasts the statement timeout meant for requests, so it
        // runs on a connection of its own without one, outside a transaction as VACUUM requires.
        use sea_orm::sqlx::{Executor, query};
        let failed =
            |err: sea_orm::sqlx::Error| bantin_domain::Error::Unexpected(format!("vacuuming tables: {err}"));
        let mut connection = self.writer.get_postgres_connection_pool().acquire().await.map_err(failed)?;
        connection.execute(query("SET statement_timeout = 0")).await.map_err(failed)?;
        let vacuumed = connection.execute(query("VACUUM (ANALYZE)")).await;
        if connection.execute(query("RESET statement_timeout")).await.is_err() {
            // Never back into the pool without its timeout.
            let _ = connection.close().await;
        }
        vacuumed.map(drop).map_err(failed)
    }

    /// Tunes the database for storing articles in bulk ([`Store::begin_load`]); searches stay
    /// correct throughout. Returns whether other writers wait while a load's transaction is open:
    /// on SQLite when another connection (a server) has the file, so a load beside it should keep
    /// its transactions short.
    pub async fn start_bulk_load(&self) -> Result<bool> {
        crate::bulk::start_bulk_load(self).await
    }

    /// Ends what [`Store::start_bulk_load`] began: the search index is made compact again and the
    /// everyday settings return.
    pub async fn end_bulk_load(&self) -> Result<()> {
        crate::bulk::end_bulk_load(self).await
    }

    /// Puts back what a bulk load killed midway left behind (see `bulk::recover_interrupted_load`);
    /// returns whether there was anything. `serve` (beside serving), `migrate` and `seed` run it.
    pub async fn recover_interrupted_load(&self) -> Result<bool> {
        crate::bulk::recover_interrupted_load(self).await
    }

    /// Articles stored in any status; `0` means a fresh database.
    pub async fn article_count(&self) -> Result<u64> {
        article::Entity::find().count(&self.reader).await.map_err(db_err("counting articles"))
    }

    pub async fn insert_authors(&self, authors: &[NewAuthor]) -> Result<Vec<Author>> {
        let now = stored_time(Utc::now());
        let rows = authors.iter().map(|a| author::ActiveModel {
            id: NotSet,
            slug: Set(a.slug.to_string()),
            name: Set(a.name.clone()),
            bio: Set(a.bio.clone()),
            avatar_url: Set(a.avatar_url.clone()),
            created_at: Set(now),
        });
        let txn = self.begin_write("starting to store authors").await?;
        let mut stored = Vec::with_capacity(authors.len());
        for chunk in rows.collect::<Vec<_>>().chunks(ROWS_PER_INSERT) {
            let models = author::Entity::insert_many(chunk.to_vec())
                .exec_with_returning(&txn)
                .await
                .map_err(db_err("storing authors"))?;
            stored.extend(models.into_iter().map(mapping::author));
        }
        txn.commit().await.map_err(db_err("committing authors"))?;
        self.changed().await;
        Ok(stored)
    }

    pub async fn insert_tags(&self, tags: &[NewTag]) -> Result<Vec<Tag>> {
        let now = stored_time(Utc::now());
        let rows: Vec<_> = tags
            .iter()
            .map(|t| tag::ActiveModel {
                id: NotSet,
                slug: Set(t.slug.to_string()),
                name: Set(t.name.clone()),
                created_at: Set(now),
            })
            .collect();
        let txn = self.begin_write("starting to store tags").await?;
        let mut stored = Vec::with_capacity(tags.len());
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let models = tag::Entity::insert_many(chunk.to_vec())
                .exec_with_returning(&txn)
                .await
                .map_err(db_err("storing tags"))?;
            stored.extend(models.into_iter().map(mapping::tag));
        }
        txn.commit().await.map_err(db_err("committing tags"))?;
        self.changed().await;
        Ok(stored)
    }

    pub async fn insert_category(&self, new: &NewCategory) -> Result<Category> {
        let mut stored = self.insert_categories(std::slice::from_ref(new)).await?;
        stored.pop().ok_or_else(|| bantin_domain::Error::Unexpected("a category was not stored".to_owned()))
    }

    /// Stores categories in one transaction, in order; all or none. One commit, where each on its
    /// own was one: a seed's eighteen sections were eighteen WAL syncs.
    pub async fn insert_categories(&self, categories: &[NewCategory]) -> Result<Vec<Category>> {
        let now = stored_time(Utc::now());
        let txn = self.begin_write("starting to store categories").await?;
        let mut stored = Vec::with_capacity(categories.len());
        for new in categories {
            let model = category::ActiveModel {
                id: NotSet,
                slug: Set(new.slug.to_string()),
                name: Set(new.name.clone()),
                description: Set(new.description.clone()),
                parent_id: Set(new.parent.map(|p| p.0)),
                created_at: Set(now),
            };
            let model = category::Entity::insert(model)
                .exec_with_returning(&txn)
                .await
                // The parent may have been deleted after the caller looked it up.
                .map_err(reference_err("parent", "a category", "storing a category"))?;
            stored.push(mapping::category(model));
        }
        txn.commit().await.map_err(db_err("committing categories"))?;
        self.changed().await;
        Ok(stored)
    }

    /// Stores a batch of articles with their bylines and tags in one transaction.
    pub async fn insert_articles(&self, batch: PreparedArticles) -> Result<Vec<ArticleId>> {
        let mut load = self.begin_load().await?;
        let ids = load.insert(batch).await?;
        load.commit().await?;
        Ok(ids)
    }

    /// Starts a bulk load: batches go in one after another, in one transaction, so that a load
    /// can commit many more articles at a time than it keeps prepared in memory.
    pub async fn begin_load(&self) -> Result<ArticleLoad> {
        let txn = self.begin_write("starting to store articles").await?;
        let references =
            if crate::bulk::loading_alone(self) { Some(Taxonomy::read(&txn).await?) } else { None };
        Ok(ArticleLoad { store: self.clone(), txn, references })
    }
}

/// The ids articles can refer to, for a load that checks its references itself
/// (`bulk::start_bulk_load` turns SQLite's checks off).
struct Taxonomy {
    categories: HashSet<i64>,
    authors: HashSet<i64>,
    tags: HashSet<i64>,
}

impl Taxonomy {
    async fn read(txn: &DatabaseTransaction) -> Result<Taxonomy> {
        Ok(Taxonomy {
            categories: Taxonomy::ids::<category::Entity>(txn, category::Column::Id).await?,
            authors: Taxonomy::ids::<author::Entity>(txn, author::Column::Id).await?,
            tags: Taxonomy::ids::<tag::Entity>(txn, tag::Column::Id).await?,
        })
    }

    async fn ids<E: EntityTrait>(txn: &DatabaseTransaction, id: E::Column) -> Result<HashSet<i64>> {
        let ids = E::find().select_only().column(id).into_tuple::<i64>().all(txn).await;
        Ok(ids.map_err(db_err("reading the taxonomy"))?.into_iter().collect())
    }

    /// What SQLite's foreign-key checks would have refused, with the error [`reference_err`]
    /// gives for it.
    fn check(&self, batch: &PreparedArticles) -> Result<()> {
        for article in &batch.0 {
            if !self.categories.contains(&article.category_id.0) {
                return Err(missing_reference("category", "a category"));
            }
            if !article.author_ids.iter().all(|author| self.authors.contains(&author.0)) {
                return Err(missing_reference("input", "an author"));
            }
            if !article.tag_ids.iter().all(|tag| self.tags.contains(&tag.0)) {
                return Err(missing_reference("input", "a tag"));
            }
        }
        Ok(())
    }
}

/// An open bulk-load transaction ([`Store::begin_load`]): nothing it stored is visible, or kept,
/// until [`ArticleLoad::commit`]; dropped uncommitted, it stores nothing.
pub struct ArticleLoad {
    store: Store,
    txn: DatabaseTransaction,
    /// While SQLite's foreign-key checks are off: what the load's references are checked against.
    references: Option<Taxonomy>,
}

impl ArticleLoad {
    /// Stores a batch of articles with their bylines and tags; returns their ids in order. A
    /// reference to a category, author or tag that does not exist fails the batch.
    pub async fn insert(&mut self, batch: PreparedArticles) -> Result<Vec<ArticleId>> {
        if let Some(references) = &self.references {
            references.check(&batch)?;
        }
        let now = stored_time(Utc::now());
        let txn = &self.txn;
        let backend = txn.get_database_backend();
        let mut ids = Vec::with_capacity(batch.0.len());
        let mut entries = Vec::with_capacity(batch.0.len());
        let mut articles = Vec::with_capacity(batch.0.len());
        let mut rows = batch.0.into_iter().peekable();
        while rows.peek().is_some() {
            let mut values = Vec::with_capacity(ROWS_PER_INSERT * ARTICLE_COLUMNS.len());
            let mut texts = Vec::with_capacity(ROWS_PER_INSERT);
            for row in rows.by_ref().take(ROWS_PER_INSERT) {
                values.extend([
                    row.slug.into(),
                    row.title.into(),
                    row.sapo.into(),
                    row.body.into(),
                    row.cover.into(),
                    row.category_id.0.into(),
                    row.status.as_str().into(),
                    row.published_at.map(stored_time).into(),
                    stored_time(row.created_at).into(),
                    now.into(),
                    1.into(),
                    row.word_count.into(),
                ]);
                texts.push(row.index);
                articles.push((row.author_ids, row.tag_ids, row.published_at));
            }
            let insert =
                Statement::from_sql_and_values(backend, article_rows_sql(backend, texts.len()), values);
            let stored: Vec<i64> = if backend == DatabaseBackend::Sqlite {
                // One INSERT into an AUTOINCREMENT table numbers its rows one after another (each
                // id is one more than the largest ever used), so the last id gives them all,
                // without a row per article coming back through sqlx's channel.
                let last = txn
                    .execute_raw(insert)
                    .await
                    .map_err(reference_err("category", "a category", "storing articles"))?
                    .last_insert_id();
                let last = i64::try_from(last).unwrap_or(i64::MAX);
                let count = i64::try_from(texts.len()).unwrap_or(i64::MAX);
                (last.saturating_sub(count) + 1..=last).collect()
            } else {
                // RETURNING gives one row per VALUES row; the ids follow the insertion order.
                let rows = txn.query_all_raw(insert).await.map_err(reference_err(
                    "category",
                    "a category",
                    "storing articles",
                ))?;
                rows.iter()
                    .map(|row| row.try_get("", "id"))
                    .collect::<std::result::Result<_, _>>()
                    .map_err(db_err("reading a stored article's id"))?
            };
            for (id, text) in stored.into_iter().zip(texts) {
                ids.push(ArticleId(id));
                entries.push(IndexEntry { id, text });
            }
        }
        if ids.len() != articles.len() {
            return Err(bantin_domain::Error::Unexpected(format!(
                "stored {} of {} articles",
                ids.len(),
                articles.len()
            )));
        }
        let mut bylines = Vec::new();
        let mut tags = Vec::new();
        for ((author_ids, tag_ids, published_at), id) in articles.into_iter().zip(&ids) {
            let published_at = published_at.map(stored_time);
            for (position, author) in (0..).zip(author_ids) {
                bylines.push(article_author::ActiveModel {
                    article_id: Set(id.0),
                    author_id: Set(author.0),
                    position: Set(position),
                    published_at: Set(published_at),
                });
            }
            for (position, tag) in (0..).zip(tag_ids) {
                tags.push(article_tag::ActiveModel {
                    article_id: Set(id.0),
                    tag_id: Set(tag.0),
                    position: Set(position),
                    published_at: Set(published_at),
                });
            }
        }
        for chunk in in_few_sizes(&bylines, ROWS_PER_INSERT * 4) {
            article_author::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(txn)
                .await
                .map_err(reference_err("input", "an author", "storing bylines"))?;
        }
        crate::search::write(txn, entries, Existing::None).await?;
        log_changes(txn, &ids.iter().map(|id| id.0).collect::<Vec<_>>(), now).await?;
        for chunk in in_few_sizes(&tags, ROWS_PER_INSERT * 4) {
            article_tag::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(txn)
                .await
                .map_err(reference_err("input", "a tag", "storing article tags"))?;
        }
        Ok(ids)
    }

    /// [`ArticleLoad::commit`] for a bulk load's last batch ([`Store::start_bulk_load`]): the load's
    /// end (deferred indexes built, the search index merged) goes in before the commit.
    /// [`Store::end_bulk_load`] then has only settings to put back.
    pub async fn finish(self) -> Result<()> {
        crate::bulk::finish_load(&self.txn).await?;
        self.commit().await
    }

    /// Makes everything this load stored visible, at once.
    pub async fn commit(self) -> Result<()> {
        self.txn.commit().await.map_err(db_err("committing articles"))?;
        self.store.changed().await;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::in_few_sizes;

    #[test]
    fn rows_are_cut_into_whole_statements_of_few_sizes() {
        let rows: Vec<u32> = (0..5000).collect();
        let sizes: Vec<usize> = in_few_sizes(&rows, 2000).map(<[u32]>::len).collect();
        assert_eq!(sizes, [2000, 2000, 512, 256, 128, 64, 32, 8]);
        let again: Vec<u32> = in_few_sizes(&rows, 2000).flatten().copied().collect();
        assert_eq!(again, rows);
        assert_eq!(in_few_sizes(&rows[..0], 2000).count(), 0);
        assert_eq!(in_few_sizes(&rows[..1], 2000).map(<[u32]>::len).collect::<Vec<_>>(), [1]);
    }
}
