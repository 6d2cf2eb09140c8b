//! Public reads: [`ContentReader`] for [`Store`].

use std::collections::HashMap;

use async_trait::async_trait;
use bantin_domain::{
    Article, ArticleFilter, ArticleId, ArticleRelations, ArticleStatus, Author, AuthorId, Body, Category,
    CategoryId, ContentReader, Cursor, Error, Page, PageRequest, Result, Tag, Visibility, page::ListOrder,
    text::fold,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, EntityTrait, JoinType, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, RelationTrait, Select, Statement,
    sea_query::{Expr, ExprTrait, Query},
};

use crate::{
    Store,
    entity::{
        article, article_author, article_former_slug, article_tag, author, category, tag, tag_former_slug,
    },
    mapping::{self, ArticleRow, db_err, stored_time},
};

/// Bylines: an article's authors in byline order, as [`mapping::byline`] reads them.
const BYLINES: Link = Link {
    columns: "l.article_id, a.id, a.slug, a.name, a.bio, a.avatar_url",
    join: "article_authors l JOIN authors a ON a.id = l.author_id",
};

/// An article's tags in the newsroom's order, as [`mapping::article_tag`] reads them.
const ARTICLE_TAGS: Link = Link {
    columns: "l.article_id, t.id, t.slug, t.name",
    join: "article_tags l JOIN tags t ON t.id = l.tag_id",
};

/// A link table `l` joined to what it links, and the columns of each link to read.
struct Link {
    columns: &'static str,
    join: &'static str,
}

impl Link {
    /// A query for one JSON array of the links of the articles `ids` (comma-separated), in link
    /// order. sqlx hands SQLite rows one at a time from its worker thread, with a wake-up each:
    /// the bylines and tags of a 20-article page were about 150 rows, and as two rows an uncached
    /// REST list takes a tenth less CPU.
    fn json_sql(&self, backend: DatabaseBackend, ids: &str) -> String {
        let array = json_array(backend, self.columns, "l.article_id, l.position");
        format!("SELECT {array} FROM {} WHERE l.article_id IN ({ids})", self.join)
    }
}

/// An aggregate of `columns` over the rows of a query, as one JSON array of arrays in `order`.
/// SQLite's comes as a BLOB, read by [`json_column`].
fn json_array(backend: DatabaseBackend, columns: &str, order: &str) -> String {
    match backend {
        DatabaseBackend::Postgres => format!("json_agg(json_build_array({columns}) ORDER BY {order})::text"),
        _ => format!("CAST(json_group_array(json_array({columns}) ORDER BY {order}) AS BLOB)"),
    }
}

/// The articles' ids as a SQL list; they are numbers.
fn id_list(ids: impl Iterator<Item = i64>) -> String {
    ids.map(|id| id.to_string()).collect::<Vec<_>>().join(",")
}

/// Groups links, read by `linked`, by their article.
fn by_article<Row, T>(rows: Vec<Row>, linked: fn(Row) -> (ArticleId, T)) -> HashMap<ArticleId, Vec<T>> {
    let mut by_article: HashMap<ArticleId, Vec<T>> = HashMap::new();
    for (article, value) in rows.into_iter().map(linked) {
        by_article.entry(article).or_default().push(value);
    }
    by_article
}

/// What `link` links to each of the articles `ids`, each in link order, read as one JSON array in
/// one row.
async fn linked<Row: serde::de::DeserializeOwned, T>(
    db: &impl ConnectionTrait,
    link: &Link,
    ids: &[ArticleId],
    linked: fn(Row) -> (ArticleId, T),
    what: &'static str,
) -> Result<HashMap<ArticleId, Vec<T>>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let backend = db.get_database_backend();
    let sql = format!("SELECT ({}) AS json", link.json_sql(backend, &id_list(ids.iter().map(|id| id.0))));
    let rows: Vec<Row> = json_rows(db, Statement::from_string(backend, sql), what).await?;
    Ok(by_article(rows, linked))
}

/// The rows of a query that aggregates them into one JSON array, in a column named `json`.
async fn json_rows<Row: serde::de::DeserializeOwned>(
    db: &impl ConnectionTrait,
    statement: Statement,
    what: &'static str,
) -> Result<Vec<Row>> {
    let backend = db.get_database_backend();
    match db.query_one_raw(statement).await.map_err(db_err(what))? {
        Some(row) => json_column(&row, backend, "json", what),
        None => Ok(Vec::new()),
    }
}

/// The rows aggregated into one JSON array in `column` of `row`. PostgreSQL aggregates no rows to
/// NULL, SQLite to `[]`: both are no rows. SQLite's array comes as a BLOB (`CAST(... AS BLOB)`),
/// checked by [`mapping::utf8`].
fn json_column<Row: serde::de::DeserializeOwned>(
    row: &sea_orm::QueryResult,
    backend: DatabaseBackend,
    column: &str,
    what: &'static str,
) -> Result<Vec<Row>> {
    let parsed = if backend == DatabaseBackend::Sqlite {
        let Some(bytes) = row.try_get::<Option<Vec<u8>>>("", column).map_err(db_err(what))? else {
            return Ok(Vec::new());
        };
        serde_json::from_str(mapping::utf8(&bytes, what)?)
    } else {
        let Some(text) = row.try_get::<Option<String>>("", column).map_err(db_err(what))? else {
            return Ok(Vec::new());
        };
        serde_json::from_str(&text)
    };
    parsed.map_err(|err| Error::Unexpected(format!("{what}: {err}")))
}

/// Column `column` of the one row an aggregate query gives; `None` when it is NULL, as an
/// aggregate over no rows is.
async fn aggregate<V: sea_orm::TryGetable>(
    db: &impl ConnectionTrait,
    statement: Statement,
    column: &str,
    what: &'static str,
) -> Result<Option<V>> {
    match db.query_one_raw(statement).await.map_err(db_err(what))? {
        Some(row) => row.try_get("", column).map_err(db_err(what)),
        None => Ok(None),
    }
}

/// The article, visible under `visibility`, that had `slug` before an edit changed it: public
/// reads on the reader, newsroom previews on the writer.
pub(crate) async fn article_by_former_slug(
    db: &impl ConnectionTrait,
    slug: &str,
    visibility: Visibility,
) -> Result<Option<Article>> {
    let owner = Query::select()
        .column(article_former_slug::Column::ArticleId)
        .from(article_former_slug::Entity)
        .and_where(article_former_slug::Column::Slug.eq(slug))
        .to_owned();
    let query =
        article::Entity::find().filter(visible(visibility)).filter(article::Column::Id.in_subquery(owner));
    ArticleRow::select(query)
        .one(db)
        .await
        .map_err(db_err("loading an article by a former slug"))?
        .map(mapping::article)
        .transpose()
}

/// A [`Visibility`] as a SQL condition. The public rule is [`Article::is_public_at`]'s.
pub(crate) fn visible(visibility: Visibility) -> Condition {
    let not_deleted = article::Column::DeletedAt.is_null();
    match visibility {
        Visibility::Public { now } => Condition::all()
            .add(not_deleted)
            .add(article::Column::Status.is_in(ArticleStatus::PUBLIC.map(ArticleStatus::as_str)))
            .add(article::Column::PublishedAt.lte(stored_time(now))),
        Visibility::Newsroom { status, created_by } => {
            let mut condition = Condition::all().add(not_deleted);
            if let Some(status) = status {
                condition = condition.add(article::Column::Status.eq(status.as_str()));
            }
            if let Some(user) = created_by {
                condition = condition.add(article::Column::CreatedBy.eq(user.0));
            }
            condition
        }
    }
}

/// Where a list's order key lives. Public tag and author pages walk the link table's
/// (owner, `published_at`, `article_id`) index; other public lists walk `articles` itself;
/// newsroom lists order by last update.
enum OrderKey {
    Articles,
    Tag,
    Author,
    Updated,
}

impl OrderKey {
    fn columns(&self) -> (Expr, Expr) {
        match self {
            OrderKey::Updated => (
                Expr::col((article::Entity, article::Column::UpdatedAt)),
                Expr::col((article::Entity, article::Column::Id)),
            ),
            OrderKey::Articles => (
                Expr::col((article::Entity, article::Column::PublishedAt)),
                Expr::col((article::Entity, article::Column::Id)),
            ),
            OrderKey::Tag => (
                Expr::col((article_tag::Entity, article_tag::Column::PublishedAt)),
                Expr::col((article_tag::Entity, article_tag::Column::ArticleId)),
            ),
            OrderKey::Author => (
                Expr::col((article_author::Entity, article_author::Column::PublishedAt)),
                Expr::col((article_author::Entity, article_author::Column::ArticleId)),
            ),
        }
    }
}

/// The filtered, visible article set after `after` (when given), joined to the table that orders
/// it.
fn filtered(
    filter: &ArticleFilter,
    visibility: Visibility,
    after: Option<&Cursor>,
) -> (Select<article::Entity>, OrderKey) {
    let key = match (filter.tag, filter.author) {
        _ if visibility.list_order() == ListOrder::Updated => OrderKey::Updated,
        (Some(_), _) => OrderKey::Tag,
        (None, Some(_)) => OrderKey::Author,
        (None, None) => OrderKey::Articles,
    };
    // SQLite walks an index between one lower and one upper bound per column. Given a public
    // page's `published_at <= now` and a cursor's `published_at <= at`, it took the first and
    // stepped through every newer row of the section down to the cursor: in a 1,000,000-article
    // file a page 20,000 articles into a section took 4.2 ms, one 1,000 in 2.2 ms (medians of 50
    // requests); with one bound, 2.25 and 2.23 ms. So the cursor's time, when it is the earlier,
    // is the one bound ([`ordered_page`] adds none of its own here).
    let visibility = match (visibility, after, &key) {
        (Visibility::Public { now }, Some(cursor), OrderKey::Articles) => {
            Visibility::Public { now: Ord::min(now, cursor.at) }
        }
        _ => visibility,
    };
    let mut query = article::Entity::find().filter(visible(visibility));
    if let Some(tag) = filter.tag {
        query = query
            .join(JoinType::InnerJoin, article::Relation::ArticleTag.def())
            .filter(article_tag::Column::TagId.eq(tag.0));
    } else if let Some(author) = filter.author {
        query = query
            .join(JoinType::InnerJoin, article::Relation::ArticleAuthor.def())
            .filter(article_author::Column::AuthorId.eq(author.0));
    }
    if let (Some(author), OrderKey::Tag) = (filter.author, &key) {
        query = query.filter(
            article::Column::Id.in_subquery(
                Query::select()
                    .column(article_author::Column::ArticleId)
                    .from(article_author::Entity)
                    .and_where(article_author::Column::AuthorId.eq(author.0))
                    .to_owned(),
            ),
        );
    }
    if let Some(category) = filter.category {
        query = query.filter(article::Column::CategoryId.eq(category.0));
    }
    if let Some(exclude) = &filter.exclude_slug {
        query = query.filter(article::Column::Slug.ne(exclude.as_str()));
    }
    (query, key)
}

/// Newest first, then highest id: a total order, so keyset pages never skip or repeat.
fn ordered_page(
    query: Select<article::Entity>,
    key: &OrderKey,
    page: &PageRequest,
) -> Select<article::Entity> {
    let (published_at, id) = key.columns();
    let mut query = query;
    if let Some(Cursor { at: after_time, id: after_id }) = page.after {
        let after_time = stored_time(after_time);
        // The plain `<=` bound is implied by the OR below, but only it lets the planner start the
        // index walk at the cursor instead of filtering every newer row (PostgreSQL, 10,000 rows
        // deep in a section of 55,000: 47 ms -> 0.3 ms). A public walk of `articles` has it
        // already, as its visibility's bound ([`filtered`]).
        if !matches!(key, OrderKey::Articles) {
            query = query.filter(published_at.clone().lte(after_time));
        }
        query =
            query.filter(Condition::any().add(published_at.clone().lt(after_time)).add(
                Condition::all().add(published_at.clone().eq(after_time)).add(id.clone().lt(after_id.0)),
            ));
    }
    query.order_by(published_at, Order::Desc).order_by(id, Order::Desc).limit(u64::from(page.first) + 1)
}

/// The rows `query` selects, in no particular order. On SQLite they come as one value
/// ([`ArticleRow::packed_sql`]).
pub(crate) async fn article_rows(
    db: &impl ConnectionTrait,
    query: Select<article::Entity>,
    what: &'static str,
) -> Result<Vec<ArticleRow>> {
    let rows = ArticleRow::select(query);
    if db.get_database_backend() != DatabaseBackend::Sqlite {
        return rows.all(db).await.map_err(db_err(what));
    }
    let selected = rows.into_statement(DatabaseBackend::Sqlite);
    let sql = format!(
        "SELECT CAST(group_concat({}, '') AS BLOB) AS packed FROM ({})",
        ArticleRow::packed_sql(),
        selected.sql
    );
    let values = selected.values.map(|values| values.0).unwrap_or_default();
    let statement = Statement::from_sql_and_values(DatabaseBackend::Sqlite, sql, values);
    let packed = aggregate::<Vec<u8>>(db, statement, "packed", what).await?;
    ArticleRow::unpack(packed.as_deref().unwrap_or_default())
}

/// The articles `query` selects, in its order.
async fn all_articles(
    db: &impl ConnectionTrait,
    query: Select<article::Entity>,
    order: ListOrder,
    context: &'static str,
) -> Result<Vec<Article>> {
    let rows = article_rows(db, query, context).await?;
    let mut articles = rows.into_iter().map(mapping::article).collect::<Result<Vec<_>>>()?;
    // Rows packed into one value need not keep the query's order; every article carries its page
    // key (the same order on PostgreSQL, whose rows come in order).
    articles.sort_by_key(|article| {
        std::cmp::Reverse(Cursor::after(article, order).map(|cursor| (cursor.at, cursor.id)))
    });
    Ok(articles)
}

impl Store {
    /// Every live article, in any status, with an id above `after`, in id order, `limit` at a
    /// time: a walk over the whole table that edits made meanwhile cannot reorder (`bantin
    /// export`; the newsroom's lists go by last update).
    pub async fn articles_after(&self, after: ArticleId, limit: u64) -> Result<Vec<Article>> {
        let query = article::Entity::find()
            .filter(article::Column::Id.gt(after.0))
            .filter(article::Column::DeletedAt.is_null())
            .order_by_asc(article::Column::Id)
            .limit(limit);
        let rows = article_rows(&self.reader, query, "listing articles to export").await?;
        let mut articles = rows.into_iter().map(mapping::article).collect::<Result<Vec<_>>>()?;
        // Packed rows (SQLite) need not keep the query's order.
        articles.sort_by_key(|article| article.id.0);
        Ok(articles)
    }

    /// Which of `slugs` an article holds, deleted ones included (a slug is never reused).
    pub async fn slugs_taken(&self, slugs: &[String]) -> Result<std::collections::HashSet<String>> {
        let mut taken = std::collections::HashSet::new();
        // Within SQLite's and PostgreSQL's bound-parameter limits.
        for chunk in slugs.chunks(1_000) {
            let found: Vec<String> = article::Entity::find()
                .select_only()
                .column(article::Column::Slug)
                .filter(article::Column::Slug.is_in(chunk.iter().cloned()))
                .into_tuple()
                .all(&self.writer)
                .await
                .map_err(db_err("looking up article slugs"))?;
            taken.extend(found);
        }
        Ok(taken)
    }
}

/// Orders sections as a tree: each parent followed by its children, siblings by folded name
/// (byte order would put "Đời sống" after "Xã hội").
fn tree_order(mut categories: Vec<Category>) -> Vec<Category> {
    categories.sort_by_cached_key(|c| (fold(&c.name), c.name.clone()));
    let mut ordered = Vec::with_capacity(categories.len());
    fn visit(parent: Option<CategoryId>, all: &[Category], out: &mut Vec<Category>) {
        for category in all.iter().filter(|c| c.parent_id == parent) {
            out.push(category.clone());
            visit(Some(category.id), all, out);
        }
    }
    visit(None, &categories, &mut ordered);
    // Sections whose parent chain is broken still appear, at the end.
    if ordered.len() < categories.len() {
        let seen: Vec<CategoryId> = ordered.iter().map(|c| c.id).collect();
        ordered.extend(categories.into_iter().filter(|c| !seen.contains(&c.id)));
    }
    ordered
}

#[async_trait]
impl ContentReader for Store {
    fn content_version(&self) -> u64 {
        self.version.get()
    }

    async fn ping(&self) -> Result<()> {
        self.reader.db.ping().await.map_err(db_err("pinging the database"))
    }

    async fn article_by_slug(&self, slug: &str, visibility: Visibility) -> Result<Option<Article>> {
        let query =
            article::Entity::find().filter(visible(visibility)).filter(article::Column::Slug.eq(slug));
        ArticleRow::select(query)
            .one(&self.reader)
            .await
            .map_err(db_err("loading an article by slug"))?
            .map(mapping::article)
            .transpose()
    }

    async fn article_by_former_slug(&self, slug: &str, visibility: Visibility) -> Result<Option<Article>> {
        article_by_former_slug(&self.reader, slug, visibility).await
    }

    async fn articles(
        &self,
        filter: &ArticleFilter,
        page: &PageRequest,
        visibility: Visibility,
    ) -> Result<Page<Article>> {
        let (query, key) = filtered(filter, visibility, page.after.as_ref());
        let order = visibility.list_order();
        let rows =
            all_articles(&self.reader, ordered_page(query, &key, page), order, "listing articles").await?;
        Ok(Page::from_overfetch(rows, page.first, order))
    }

    async fn count_articles(&self, filter: &ArticleFilter, visibility: Visibility) -> Result<u64> {
        let (query, _) = filtered(filter, visibility, None);
        query.count(&self.reader).await.map_err(db_err("counting articles"))
    }

    async fn related(
        &self,
        article: &Article,
        limit: u32,
        weights: &bantin_domain::related::RelatedWeights,
        visibility: Visibility,
    ) -> Result<Vec<bantin_domain::related::RelatedItem>> {
        // The version is taken before the reads, so that counts read during a write are not kept
        // as the counts after it.
        let tag_frequency =
            crate::related::TagFrequency { uses: &self.tag_uses, version: self.version.get() };
        crate::related::related(&self.reader, article, limit as usize, weights, visibility, &tag_frequency)
            .await
    }

    async fn search(
        &self,
        query: &bantin_domain::search::SearchQuery,
        filter: &bantin_domain::search::SearchFilter,
        visibility: Visibility,
    ) -> Result<Vec<bantin_domain::search::Candidate>> {
        crate::search::candidates(&self.reader, query, filter, visibility).await
    }

    async fn changes_after(&self, after: i64, limit: u64) -> Result<Vec<(i64, ArticleId)>> {
        let rows: Vec<(i64, i64)> = crate::entity::article_change::Entity::find()
            .select_only()
            .column(crate::entity::article_change::Column::Seq)
            .column(crate::entity::article_change::Column::ArticleId)
            .filter(crate::entity::article_change::Column::Seq.gt(after))
            .order_by_asc(crate::entity::article_change::Column::Seq)
            .limit(limit)
            .into_tuple()
            .all(&self.writer)
            .await
            .map_err(db_err("reading the change log"))?;
        Ok(rows.into_iter().map(|(seq, id)| (seq, ArticleId(id))).collect())
    }

    async fn became_due(
        &self,
        after: chrono::DateTime<chrono::Utc>,
        until: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<ArticleId>> {
        let ids: Vec<i64> = article::Entity::find()
            .select_only()
            .column(article::Column::Id)
            .filter(article::Column::Status.eq(ArticleStatus::Scheduled.as_str()))
            .filter(article::Column::DeletedAt.is_null())
            .filter(article::Column::PublishedAt.gt(stored_time(after)))
            .filter(article::Column::PublishedAt.lte(stored_time(until)))
            .order_by_asc(article::Column::PublishedAt)
            .into_tuple()
            .all(&self.writer)
            .await
            .map_err(db_err("finding articles that became due"))?;
        Ok(ids.into_iter().map(ArticleId).collect())
    }

    async fn next_publish_after(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
        let next: Option<chrono::DateTime<chrono::Utc>> = article::Entity::find()
            .select_only()
            .column(article::Column::PublishedAt)
            .filter(article::Column::Status.is_in(ArticleStatus::PUBLIC.map(ArticleStatus::as_str)))
            .filter(article::Column::DeletedAt.is_null())
            .filter(article::Column::PublishedAt.gt(stored_time(now)))
            .order_by_asc(article::Column::PublishedAt)
            .into_tuple()
            .one(&self.reader)
            .await
            .map_err(db_err("finding the next scheduled publish time"))?;
        Ok(next)
    }

    async fn sitemap_pages(
        &self,
        per_page: i64,
        visibility: Visibility,
    ) -> Result<Vec<(i64, chrono::DateTime<chrono::Utc>)>> {
        let per_page = Ord::max(per_page, 1);
        let block = Expr::cust(format!("(articles.id - 1) / {per_page}"));
        article::Entity::find()
            .select_only()
            .column_as(block.clone(), "page")
            .column_as(article::Column::UpdatedAt.max(), "lastmod")
            .filter(visible(visibility))
            .group_by(block.clone())
            .order_by(block, Order::Asc)
            .into_tuple()
            .all(&self.reader)
            .await
            .map_err(db_err("listing sitemap pages"))
    }

    async fn sitemap_page(
        &self,
        page: i64,
        per_page: i64,
        visibility: Visibility,
    ) -> Result<Vec<(String, chrono::DateTime<chrono::Utc>)>> {
        let per_page = Ord::max(per_page, 1);
        article::Entity::find()
            .select_only()
            .column(article::Column::Slug)
            .column(article::Column::UpdatedAt)
            .filter(visible(visibility))
            .filter(article::Column::Id.between(page * per_page + 1, (page + 1) * per_page))
            .order_by_asc(article::Column::Id)
            .into_tuple()
            .all(&self.reader)
            .await
            .map_err(db_err("listing a sitemap page"))
    }

    async fn bodies(&self, ids: &[ArticleId]) -> Result<HashMap<ArticleId, Body>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rows: Vec<(i64, serde_json::Value)> = article::Entity::find()
            .select_only()
            .column(article::Column::Id)
            .column(article::Column::Body)
            .filter(article::Column::Id.is_in(ids.iter().map(|id| id.0)))
            .into_tuple()
            .all(&self.reader)
            .await
            .map_err(db_err("loading article bodies"))?;
        rows.into_iter()
            .map(|(id, body)| {
                let body = serde_json::from_value(body)
                    .map_err(|err| Error::Unexpected(format!("article {id} has a malformed body: {err}")))?;
                Ok((ArticleId(id), body))
            })
            .collect()
    }

    async fn relations_of(&self, articles: &[Article]) -> Result<ArticleRelations> {
        if articles.is_empty() {
            return Ok(ArticleRelations::default());
        }
        let what = "loading bylines, tags and sections";
        let backend = self.reader.get_database_backend();
        let ids = id_list(articles.iter().map(|article| article.id.0));
        let mut category_ids: Vec<i64> = articles.iter().map(|article| article.category_id.0).collect();
        category_ids.sort_unstable();
        category_ids.dedup();
        // One statement, one round trip to the connection's thread, instead of three.
        let categories = format!(
            "SELECT {} FROM categories c WHERE c.id IN ({})",
            json_array(backend, "c.id, c.slug, c.name, c.description, c.parent_id", "c.id"),
            id_list(category_ids.into_iter())
        );
        let sql = format!(
            "SELECT ({}) AS authors, ({}) AS tags, ({categories}) AS categories",
            BYLINES.json_sql(backend, &ids),
            ARTICLE_TAGS.json_sql(backend, &ids)
        );
        let Some(row) =
            self.reader.query_one_raw(Statement::from_string(backend, sql)).await.map_err(db_err(what))?
        else {
            return Ok(ArticleRelations::default());
        };
        Ok(ArticleRelations {
            authors: by_article(json_column(&row, backend, "authors", what)?, mapping::byline),
            tags: by_article(json_column(&row, backend, "tags", what)?, mapping::article_tag),
            categories: json_column(&row, backend, "categories", what)?
                .into_iter()
                .map(mapping::listed_category)
                .collect(),
        })
    }

    async fn authors_of(&self, ids: &[ArticleId]) -> Result<HashMap<ArticleId, Vec<Author>>> {
        linked(&self.reader, &BYLINES, ids, mapping::byline, "loading bylines").await
    }

    async fn tags_of(&self, ids: &[ArticleId]) -> Result<HashMap<ArticleId, Vec<Tag>>> {
        linked(&self.reader, &ARTICLE_TAGS, ids, mapping::article_tag, "loading article tags").await
    }

    async fn categories_by_id(&self, ids: &[CategoryId]) -> Result<HashMap<CategoryId, Category>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rows = category::Entity::find()
            .filter(category::Column::Id.is_in(ids.iter().map(|id| id.0)))
            .all(&self.reader)
            .await
            .map_err(db_err("loading categories"))?;
        Ok(rows.into_iter().map(|row| (CategoryId(row.id), mapping::category(row))).collect())
    }

    async fn categories(&self) -> Result<Vec<Category>> {
        let rows = category::Entity::find().all(&self.reader).await.map_err(db_err("listing categories"))?;
        Ok(tree_order(rows.into_iter().map(mapping::category).collect()))
    }

    async fn category_by_slug(&self, slug: &str) -> Result<Option<Category>> {
        let row = category::Entity::find()
            .filter(category::Column::Slug.eq(slug))
            .one(&self.reader)
            .await
            .map_err(db_err("loading a category"))?;
        Ok(row.map(mapping::category))
    }

    async fn tags(&self) -> Result<Vec<Tag>> {
        let rows = tag::Entity::find().all(&self.reader).await.map_err(db_err("listing tags"))?;
        Ok(rows.into_iter().map(mapping::tag).collect())
    }

    async fn tag_by_slug(&self, slug: &str) -> Result<Option<Tag>> {
        let row = tag::Entity::find()
            .filter(tag::Column::Slug.eq(slug))
            .one(&self.reader)
            .await
            .map_err(db_err("loading a tag"))?;
        Ok(row.map(mapping::tag))
    }

    async fn tag_by_former_slug(&self, slug: &str) -> Result<Option<Tag>> {
        let owner = Query::select()
            .column(tag_former_slug::Column::TagId)
            .from(tag_former_slug::Entity)
            .and_where(tag_former_slug::Column::Slug.eq(slug))
            .to_owned();
        let row = tag::Entity::find()
            .filter(tag::Column::Id.in_subquery(owner))
            .one(&self.reader)
            .await
            .map_err(db_err("loading a tag by a former slug"))?;
        Ok(row.map(mapping::tag))
    }

    async fn authors(&self) -> Result<Vec<Author>> {
        let rows = author::Entity::find().all(&self.reader).await.map_err(db_err("listing authors"))?;
        Ok(rows.into_iter().map(mapping::author).collect())
    }

    async fn authors_by_id(&self, ids: &[AuthorId]) -> Result<HashMap<AuthorId, Author>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rows = author::Entity::find()
            .filter(author::Column::Id.is_in(ids.iter().map(|id| id.0)))
            .all(&self.reader)
            .await
            .map_err(db_err("loading authors"))?;
        Ok(rows.into_iter().map(|row| (AuthorId(row.id), mapping::author(row))).collect())
    }

    async fn author_by_slug(&self, slug: &str) -> Result<Option<Author>> {
        let row = author::Entity::find()
            .filter(author::Column::Slug.eq(slug))
            .one(&self.reader)
            .await
            .map_err(db_err("loading an author"))?;
        Ok(row.map(mapping::author))
    }
}
