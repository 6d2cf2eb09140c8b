//! Writes. Every multi-row write is one transaction on the single writer connection: a batch is
//! stored whole or not at all.

use bantin_domain::{ArticleId, Author, Category, NewArticle, NewAuthor, NewCategory, NewTag, Result, Tag};
use chrono::Utc;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ConnectionTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};

use crate::{
    Store,
    entity::{article, article_author, article_change, article_tag, author, category, tag},
    mapping::{self, db_err, stored_time},
};

/// Rows per INSERT statement: far below SQLite's 32,766 and PostgreSQL's 65,535 bound parameters
/// for our widest table, and large enough that statement overhead stays small.
const ROWS_PER_INSERT: usize = 500;

/// Records that these articles changed, in the caller's transaction (partners' delta sync reads
/// the log in order).
pub(crate) async fn log_changes(
    txn: &DatabaseTransaction,
    ids: &[i64],
    at: chrono::DateTime<Utc>,
) -> Result<()> {
    for chunk in ids.chunks(ROWS_PER_INSERT * 4) {
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
    /// an index walk) until autovacuum catches up.
    pub async fn analyze(&self) -> Result<()> {
        self.writer.execute_unprepared("ANALYZE").await.map_err(db_err("analyzing tables"))?;
        Ok(())
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
        let model = category::ActiveModel {
            id: NotSet,
            slug: Set(new.slug.to_string()),
            name: Set(new.name.clone()),
            description: Set(new.description.clone()),
            parent_id: Set(new.parent.map(|p| p.0)),
            created_at: Set(stored_time(Utc::now())),
        };
        let stored = category::Entity::insert(model)
            .exec_with_returning(&self.writer)
            .await
            .map_err(db_err("storing a category"))?;
        self.changed().await;
        Ok(mapping::category(stored))
    }

    /// Stores a batch of articles with their bylines and tags in one transaction.
    pub async fn insert_articles(&self, articles: &[NewArticle]) -> Result<Vec<ArticleId>> {
        let now = stored_time(Utc::now());
        let txn = self.begin_write("starting to store articles").await?;
        let mut ids = Vec::with_capacity(articles.len());
        for chunk in articles.chunks(ROWS_PER_INSERT) {
            let rows = chunk.iter().map(|a| article::ActiveModel {
                id: NotSet,
                slug: Set(a.content.slug.clone()),
                title: Set(a.content.title.clone()),
                sapo: Set(a.content.sapo.clone()),
                body: Set(serde_json::to_value(&a.content.body).unwrap_or_default()),
                cover: Set(a.content.cover.as_ref().and_then(|c| serde_json::to_value(c).ok())),
                category_id: Set(a.content.category_id.0),
                status: Set(a.status.as_str().to_owned()),
                published_at: Set(a.published_at.map(stored_time)),
                created_at: Set(stored_time(a.created_at)),
                updated_at: Set(now),
                revision: Set(1),
                word_count: Set(i32::try_from(a.content.word_count()).unwrap_or(i32::MAX)),
                created_by: Set(None),
                submitted_at: Set(None),
                deleted_at: Set(None),
            });
            let keys = article::Entity::insert_many(rows)
                .exec_with_returning_keys(&txn)
                .await
                .map_err(db_err("storing articles"))?;
            ids.extend(keys.into_iter().map(ArticleId));
        }
        let mut bylines = Vec::new();
        let mut tags = Vec::new();
        for (new, id) in articles.iter().zip(&ids) {
            let published_at = new.published_at.map(stored_time);
            for (position, author) in (0..).zip(&new.content.author_ids) {
                bylines.push(article_author::ActiveModel {
                    article_id: Set(id.0),
                    author_id: Set(author.0),
                    position: Set(position),
                    published_at: Set(published_at),
                });
            }
            for (position, tag) in (0..).zip(&new.content.tag_ids) {
                tags.push(article_tag::ActiveModel {
                    article_id: Set(id.0),
                    tag_id: Set(tag.0),
                    position: Set(position),
                    published_at: Set(published_at),
                });
            }
        }
        for chunk in bylines.chunks(ROWS_PER_INSERT * 4) {
            article_author::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(&txn)
                .await
                .map_err(db_err("storing bylines"))?;
        }
        let entries: Vec<_> = articles
            .iter()
            .zip(&ids)
            .map(|(a, id)| {
                crate::search::IndexEntry::new(
                    id.0,
                    &a.content.title,
                    &a.content.sapo,
                    &a.content.body.plain_text(),
                )
            })
            .collect();
        crate::search::write(&txn, &entries).await?;
        log_changes(&txn, &ids.iter().map(|id| id.0).collect::<Vec<_>>(), now).await?;
        for chunk in tags.chunks(ROWS_PER_INSERT * 4) {
            article_tag::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(&txn)
                .await
                .map_err(db_err("storing article tags"))?;
        }
        txn.commit().await.map_err(db_err("committing articles"))?;
        self.changed().await;
        Ok(ids)
    }
}
