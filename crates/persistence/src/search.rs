//! Full-text search: writing the index and finding candidates. Most of the SQL that differs
//! between SQLite (FTS5) and PostgreSQL (`tsvector`) is here; both index the same folded tokens,
//! which [`bantin_domain::search::index_text`] produces.

use std::collections::HashMap;

use bantin_domain::{
    Body, Error, Result, Visibility,
    search::{Candidate, MAX_CANDIDATES, SearchFilter, SearchQuery, index_text},
    text::{FoldedWords, folded_words},
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter, Statement, Value,
    sea_query::{Alias, Expr, ExprTrait, Order, Query},
};

use crate::{
    entity::{article, article_author, article_tag},
    mapping::{self, ArticleRow, db_err, stored_time},
    reader::{article_rows, visible},
    writer::json_string,
};

/// An article's text as the index stores it: the title's and sapo's folded words, and every word.
pub(crate) struct IndexText {
    title: String,
    sapo: String,
    /// Each word of the article once, for the all-words indexes (SQLite's `article_search`,
    /// PostgreSQL's weight-C part), which are only asked which articles hold a word: repeats
    /// cost the database tokenizing, sorting and hashing (a seeded article's 840 words are 290
    /// distinct ones); here they cost the preparing thread.
    distinct_words: String,
    /// The sapo's and body's words, counted while folding them: the article's
    /// [`bantin_domain::blocks::article_word_count`], without a second pass over its text.
    pub(crate) word_count: usize,
}

impl IndexText {
    pub(crate) fn new(title: &str, sapo: &str, body: &Body) -> IndexText {
        let folded_title = index_text(title);
        let mut sapo_words = String::with_capacity(sapo.len());
        let mut word_count = folded_words(sapo, &mut sapo_words);
        let texts: Vec<_> = body.texts().collect();
        // Sized once: the buffer is not grown (and its new pages faulted in) a dozen times per
        // article. A seeded article's distinct words take about half the bytes of its text.
        let mut distinct = FoldedWords::distinct(texts.iter().map(|text| text.len()).sum::<usize>() / 2);
        // The title and sapo are folded a second time here, a few hundred bytes.
        distinct.push(title);
        distinct.push(sapo);
        for text in &texts {
            word_count += distinct.push(text);
        }
        let mut distinct_words = distinct.into_string();
        keep_indexable(&mut distinct_words);
        IndexText { title: folded_title, sapo: sapo_words, distinct_words, word_count }
    }
}

/// The most bytes of an article's distinct words the all-words index takes. PostgreSQL refuses a
/// `tsvector` over 1 MiB, and each word costs it 4 bytes besides its own: an article pasted in at
/// the 2 MiB request limit held 1.6 MiB of them, and its save failed. Half a mebibyte stays under
/// the limit whatever the words (more than 50,000 of them; a long read has a few thousand), and
/// both backends index the same words.
const MAX_INDEXED_WORD_BYTES: usize = 512 * 1024;

/// Cuts space-separated `words` after the last whole word within [`MAX_INDEXED_WORD_BYTES`].
fn keep_indexable(words: &mut String) {
    if words.len() > MAX_INDEXED_WORD_BYTES {
        let end =
            words.as_bytes()[..=MAX_INDEXED_WORD_BYTES].iter().rposition(|&byte| byte == b' ').unwrap_or(0);
        words.truncate(end);
    }
}

/// What one article contributes to the index.
pub(crate) struct IndexEntry {
    pub id: i64,
    pub text: IndexText,
}

/// Rows per PostgreSQL index INSERT (four values each).
const ENTRIES_PER_INSERT: usize = 200;

/// Whether the articles being indexed may have entries already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Existing {
    /// Just stored or never indexed: nothing to replace (article ids are never reused).
    None,
    Replaced,
}

/// Writes (or rewrites) index entries, in the caller's transaction. Both backends keep two
/// indexes: `article_headlines` (title and sapo, ranked, with word positions for phrases) and
/// `article_search` (every word of the article).
pub(crate) async fn write(
    db: &impl ConnectionTrait,
    entries: Vec<IndexEntry>,
    existing: Existing,
) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let statements = match db.get_database_backend() {
        DatabaseBackend::Postgres => {
            let mut entries = entries.into_iter().peekable();
            let mut statements = Vec::new();
            while entries.peek().is_some() {
                statements.extend(postgres_index_rows(entries.by_ref().take(ENTRIES_PER_INSERT).collect()));
            }
            statements
        }
        _ => sqlite_index_rows(entries, existing),
    };
    for statement in statements {
        db.execute_raw(statement).await.map_err(db_err("writing search entries"))?;
    }
    Ok(())
}

/// A weighted `tsvector` per article (title A, sapo B, every word C), and its A and B part as
/// the headline; both replace what was there. The C part is only matched, never ranked: it holds
/// each word once (seeding 10,000 articles took 17.1 / 14.9 s with every word of the body,
/// 10.1 / 10.3 s with each word once), without positions, as the lexemes the words already are:
/// `array_to_tsvector` does not run them through the text parser again (for 100,000 seeded
/// articles' words, 2.0 s against 13.1 s with `to_tsvector`). Positionless, they stay out of
/// `ts_filter`'s headline; [`Tier::Anywhere`] asks for the same words as literal lexemes.
fn postgres_index_rows(chunk: Vec<IndexEntry>) -> Vec<Statement> {
    let ids = chunk.iter().map(|e| e.id.to_string()).collect::<Vec<_>>().join(",");
    let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * 4);
    let mut rows = Vec::with_capacity(chunk.len());
    for IndexEntry { id, text } in chunk {
        let n = values.len();
        rows.push(format!(
            "(${}, setweight(to_tsvector('simple', ${}), 'A') || setweight(to_tsvector('simple', ${}), 'B') \
             || array_to_tsvector(string_to_array(${}, ' ')))",
            n + 1,
            n + 2,
            n + 3,
            n + 4
        ));
        values.extend([id.into(), text.title.into(), text.sapo.into(), lexemes(text.distinct_words).into()]);
    }
    let backend = DatabaseBackend::Postgres;
    vec![
        Statement::from_sql_and_values(
            backend,
            format!(
                "INSERT INTO article_search (article_id, document) VALUES {} \
                 ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document",
                rows.join(", ")
            ),
            values,
        ),
        Statement::from_string(
            backend,
            format!(
                "INSERT INTO article_headlines (article_id, headline) \
                 SELECT article_id, ts_filter(document, '{{a,b}}') FROM article_search WHERE article_id IN ({ids}) \
                 ON CONFLICT (article_id) DO UPDATE SET headline = EXCLUDED.headline"
            ),
        ),
    ]
}

/// FTS5 rows keyed by article id: title and sapo in `article_headlines`, all the words as one
/// column in `article_search`. A contentless FTS5 row is replaced by deleting it first.
///
/// Up to [`SQLITE_ENTRIES_PER_INSERT`] entries go in one statement per table, their values bound
/// row by row. FTS5 keeps new rows in memory and writes them out as a new segment (which merges
/// later rewrite) whenever a statement that may need undoing starts: any multi-row INSERT, into
/// its own table or another. In 200-row statements a seed made a segment per 200 articles, and
/// writing and merging them was a fifth of its CPU; now it makes one per 1,000 (a seed's write).
/// The rows used to come as one JSON array per statement, which SQLite then parsed back apart:
/// without that, a 10,000-article seed's writer thread ran 3.76 billion instructions instead of
/// 4.07.
fn sqlite_index_rows(entries: Vec<IndexEntry>, existing: Existing) -> Vec<Statement> {
    let backend = DatabaseBackend::Sqlite;
    let mut statements = Vec::new();
    if existing == Existing::Replaced {
        let ids = json_string(&entries.iter().map(|e| e.id).collect::<Vec<_>>());
        for table in ["article_headlines", "article_search"] {
            statements.push(Statement::from_sql_and_values(
                backend,
                format!("DELETE FROM {table} WHERE rowid IN (SELECT value FROM json_each(?))"),
                [ids.clone().into()],
            ));
        }
    }
    let mut entries = entries.into_iter().peekable();
    while entries.peek().is_some() {
        let chunk: Vec<_> = entries.by_ref().take(SQLITE_ENTRIES_PER_INSERT).collect();
        let rows = chunk.len();
        let mut headlines = Vec::with_capacity(rows * 3);
        let mut texts = Vec::with_capacity(rows * 2);
        for IndexEntry { id, text } in chunk {
            headlines.extend([id.into(), text.title.into(), text.sapo.into()]);
            texts.extend([id.into(), text.distinct_words.into()]);
        }
        statements.push(Statement::from_sql_and_values(
            backend,
            format!("INSERT INTO article_headlines (rowid, title, sapo) VALUES {}", placeholders(rows, 3)),
            headlines,
        ));
        statements.push(Statement::from_sql_and_values(
            backend,
            format!("INSERT INTO article_search (rowid, text) VALUES {}", placeholders(rows, 2)),
            texts,
        ));
    }
    statements
}

/// Rows per FTS5 INSERT: a seed's whole write of 1,000, in one segment, with three values a row
/// well under SQLite's 32,766 bound parameters.
const SQLITE_ENTRIES_PER_INSERT: usize = 2_000;

/// `rows` rows of `columns` `?` placeholders each, for a multi-row VALUES.
fn placeholders(rows: usize, columns: usize) -> String {
    let row = format!("({})", vec!["?"; columns].join(", "));
    vec![row; rows].join(", ")
}

/// Articles that have no index entry yet (stored before the index existed), oldest first.
pub(crate) async fn unindexed(db: &impl ConnectionTrait, limit: u64) -> Result<Vec<i64>> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Postgres => format!(
            "SELECT id FROM articles WHERE NOT EXISTS (SELECT 1 FROM article_search s WHERE s.article_id = articles.id) \
             ORDER BY id LIMIT {limit}"
        ),
        _ => format!(
            "SELECT id FROM articles WHERE id NOT IN (SELECT rowid FROM article_search) ORDER BY id LIMIT {limit}"
        ),
    };
    let rows = db
        .query_all_raw(Statement::from_string(backend, sql))
        .await
        .map_err(db_err("finding unindexed articles"))?;
    rows.iter().map(|row| row.try_get::<i64>("", "id").map_err(db_err("reading an article id"))).collect()
}

/// Which part of the index a candidate query reads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tier {
    /// Every term in the title or sapo, ranked by text relevance: the strong matches, found in a
    /// small index even when a query's words are on most articles.
    Headline,
    /// Every term anywhere (the body too), unranked, newest first where the engine can do that
    /// cheaply: only asked for when the first tier is thin.
    Anywhere,
}

/// Up to [`MAX_CANDIDATES`] articles matching every query term and the filter, visible under
/// `visibility`, with the backend's text rank (higher is better), best first: title and sapo
/// matches first, then body matches while there is room.
pub(crate) async fn candidates(
    db: &impl ConnectionTrait,
    query: &SearchQuery,
    search_filter: &SearchFilter,
    visibility: Visibility,
) -> Result<Vec<Candidate>> {
    let mut ranked = tier(db, Tier::Headline, query, search_filter, visibility, &[], MAX_CANDIDATES).await?;
    if ranked.len() < MAX_CANDIDATES {
        let seen: Vec<i64> = ranked.iter().map(|hit| hit.id).collect();
        let room = MAX_CANDIDATES - ranked.len();
        ranked.extend(tier(db, Tier::Anywhere, query, search_filter, visibility, &seen, room).await?);
    }
    load(db, ranked).await
}

/// An index hit, best first in its tier, with its row when finding it read the row already.
struct Hit {
    id: i64,
    text_rank: f64,
    row: Option<ArticleRow>,
}

impl Hit {
    fn unread((id, text_rank): (i64, f64)) -> Hit {
        Hit { id, text_rank, row: None }
    }
}

async fn tier(
    db: &impl ConnectionTrait,
    tier: Tier,
    query: &SearchQuery,
    search_filter: &SearchFilter,
    visibility: Visibility,
    skip: &[i64],
    limit: usize,
) -> Result<Vec<Hit>> {
    let filter = &search_filter.articles;
    let range = (search_filter.from, search_filter.to);
    let backend = db.get_database_backend();
    // The query's terms are inlined as a SQL string literal: they are folded runs of letters and
    // digits (see `SearchQuery::parse`), so no reader input reaches the database as syntax; quotes
    // are doubled all the same.
    let literal = |text: String| format!("'{}'", text.replace('\'', "''"));
    let table = match tier {
        Tier::Headline => "article_headlines",
        Tier::Anywhere => "article_search",
    };
    let order = tier == Tier::Headline;
    let (rank, matches, join) = match backend {
        DatabaseBackend::Postgres => {
            let (column, tsquery, rank) = match tier {
                Tier::Headline => {
                    let tsquery = format!("to_tsquery('simple', {})", literal(query.terms.join(" & ")));
                    let rank = format!("ts_rank_cd({table}.headline, {tsquery})::float8");
                    ("headline", tsquery, rank)
                }
                // The words as the lexemes `postgres_index_rows` stored, not parsed again.
                Tier::Anywhere => (
                    "document",
                    format!("{}::tsquery", literal(lexemes_query(&query.terms))),
                    "0.0::float8".to_owned(),
                ),
            };
            (rank, format!("{table}.{column} @@ {tsquery}"), format!("{table}.article_id = articles.id"))
        }
        _ => {
            let rank = match tier {
                // bm25 is lower-is-better; weights favour title over sapo.
                Tier::Headline => "-bm25(article_headlines, 10.0, 4.0)",
                Tier::Anywhere => "0.0",
            };
            let terms = query.terms.iter().map(|t| format!("\"{t}\"")).collect::<Vec<_>>().join(" ");
            (
                rank.to_owned(),
                format!("{table} MATCH {}", literal(terms)),
                format!("{table}.rowid = articles.id"),
            )
        }
    };
    if backend == DatabaseBackend::Sqlite
        && tier == Tier::Headline
        && skip.is_empty()
        && *search_filter == SearchFilter::default()
        && let Some(found) = visible_among_best_hits(db, table, &rank, &matches, visibility, limit).await?
    {
        return Ok(found);
    }
    let mut select = Query::select();
    select
        .column((article::Entity, article::Column::Id))
        .expr_as(Expr::cust(rank), Alias::new("text_rank"))
        .from(article::Entity)
        .inner_join(Alias::new(table), Expr::cust(join))
        .and_where(Expr::cust(matches))
        .cond_where(visible(visibility))
        .limit(limit as u64);
    if order {
        select.order_by_expr(Expr::cust("text_rank"), Order::Desc);
    } else if backend == DatabaseBackend::Sqlite {
        // FTS5 walks its index newest id first at no cost.
        select.order_by_expr(Expr::cust("article_search.rowid"), Order::Desc);
    }
    if !skip.is_empty() {
        select.and_where(Expr::col((article::Entity, article::Column::Id)).is_not_in(skip.iter().copied()));
    }
    if let Some(category) = filter.category {
        select.and_where(Expr::col((article::Entity, article::Column::CategoryId)).eq(category.0));
    }
    if let Some(tag) = filter.tag {
        select.and_where(
            Expr::col((article::Entity, article::Column::Id)).in_subquery(
                Query::select()
                    .column(article_tag::Column::ArticleId)
                    .from(article_tag::Entity)
                    .and_where(article_tag::Column::TagId.eq(tag.0))
                    .to_owned(),
            ),
        );
    }
    if let Some(author) = filter.author {
        select.and_where(
            Expr::col((article::Entity, article::Column::Id)).in_subquery(
                Query::select()
                    .column(article_author::Column::ArticleId)
                    .from(article_author::Entity)
                    .and_where(article_author::Column::AuthorId.eq(author.0))
                    .to_owned(),
            ),
        );
    }
    if let Some(from) = range.0 {
        select.and_where(Expr::col((article::Entity, article::Column::PublishedAt)).gte(stored_time(from)));
    }
    if let Some(to) = range.1 {
        select.and_where(Expr::col((article::Entity, article::Column::PublishedAt)).lte(stored_time(to)));
    }
    let hits = ids_and_ranks(&db.query_all(&select).await.map_err(db_err("searching"))?)?;
    Ok(hits.into_iter().map(Hit::unread).collect())
}

/// PostgreSQL's longest lexeme: `to_tsvector` skips a longer word, `array_to_tsvector` fails on it.
const MAX_LEXEME_BYTES: usize = 2047;

/// Space-separated words without those too long to be a lexeme (as `to_tsvector` would drop them).
fn lexemes(words: String) -> String {
    if words.split(' ').all(|word| word.len() <= MAX_LEXEME_BYTES) {
        return words;
    }
    words.split(' ').filter(|word| word.len() <= MAX_LEXEME_BYTES).collect::<Vec<_>>().join(" ")
}

/// `terms` as a `tsquery` of literal lexemes, all required: `'bac' & 'giang'`.
fn lexemes_query(terms: &[String]) -> String {
    let quoted: Vec<String> =
        terms.iter().map(|term| format!("'{}'", term.replace('\\', "\\\\").replace('\'', "''"))).collect();
    quoted.join(" & ")
}

/// Each row's `id` and `text_rank`.
fn ids_and_ranks(rows: &[sea_orm::QueryResult]) -> Result<Vec<(i64, f64)>> {
    rows.iter()
        .map(|row| Ok((row.try_get::<i64>("", "id")?, row.try_get::<f64>("", "text_rank")?)))
        .collect::<Result<_, sea_orm::DbErr>>()
        .map_err(db_err("reading search results"))
}

/// SQLite, a search with no filter: the best-ranked index hits first, then the rows of those the
/// caller may see. Joining every hit to `articles` to test visibility before ranking was a third
/// of a search's time when the query's words are on tens of thousands of articles. Hidden
/// articles (drafts, scheduled, deleted) are few, so the best `limit` plus a quarter hits nearly
/// always hold `limit` visible ones, and then they are exactly the best `limit` visible hits.
/// `None` when they do not: the caller runs the joined query. The rows read to tell which hits
/// are visible are the rows the search returns: reading them once, instead of testing twice as
/// many hits in one query and loading the kept ones in another, took a 100,000-article search
/// from 600 + 300 row lookups to 375.
async fn visible_among_best_hits(
    db: &impl ConnectionTrait,
    table: &str,
    rank: &str,
    matches: &str,
    visibility: Visibility,
    limit: usize,
) -> Result<Option<Vec<Hit>>> {
    let fetch = limit.saturating_add(limit / 4);
    let sql = format!(
        "SELECT rowid AS id, {rank} AS text_rank FROM {table} WHERE {matches} \
         ORDER BY text_rank DESC LIMIT {fetch}"
    );
    let hits = ids_and_ranks(
        &db.query_all_raw(Statement::from_string(DatabaseBackend::Sqlite, sql))
            .await
            .map_err(db_err("searching"))?,
    )?;
    if hits.is_empty() {
        return Ok(Some(Vec::new()));
    }
    let query = article::Entity::find()
        .filter(visible(visibility))
        .filter(article::Column::Id.is_in(hits.iter().map(|(id, _)| *id)));
    let mut shown = rows_by_id(db, query, "searching").await?;
    let every_hit_read = hits.len() < fetch;
    let kept: Vec<Hit> = hits
        .into_iter()
        .filter_map(|(id, text_rank)| shown.remove(&id).map(|row| Hit { id, text_rank, row: Some(row) }))
        .take(limit)
        .collect();
    Ok((kept.len() == limit || every_hit_read).then_some(kept))
}

/// The rows `query` finds, by article id.
async fn rows_by_id(
    db: &impl ConnectionTrait,
    query: sea_orm::Select<article::Entity>,
    what: &'static str,
) -> Result<HashMap<i64, ArticleRow>> {
    Ok(article_rows(db, query, what).await?.into_iter().map(|row| (row.id, row)).collect())
}

/// The candidates, in rank order: the rows their hits did not bring are read in one query.
async fn load(db: &impl ConnectionTrait, ranked: Vec<Hit>) -> Result<Vec<Candidate>> {
    let unread: Vec<i64> = ranked.iter().filter(|hit| hit.row.is_none()).map(|hit| hit.id).collect();
    let mut read: HashMap<i64, ArticleRow> = if unread.is_empty() {
        HashMap::new()
    } else {
        let query = article::Entity::find().filter(article::Column::Id.is_in(unread));
        rows_by_id(db, query, "loading search results").await?
    };
    ranked
        .into_iter()
        .filter_map(|hit| hit.row.or_else(|| read.remove(&hit.id)).map(|row| (row, hit.text_rank)))
        .map(|(row, text_rank)| Ok(Candidate { article: mapping::article(row)?, text_rank }))
        .collect()
}

/// The folded texts of existing articles, for indexing them.
pub(crate) async fn entries_for(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<IndexEntry>> {
    let models = article::Entity::find()
        .filter(article::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await
        .map_err(db_err("loading articles to index"))?;
    models
        .into_iter()
        .map(|m| {
            let body: bantin_domain::Body = serde_json::from_value(m.body)
                .map_err(|err| Error::Unexpected(format!("article {} has a malformed body: {err}", m.id)))?;
            Ok(IndexEntry { id: m.id, text: IndexText::new(&m.title, &m.sapo, &body) })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use bantin_domain::{
        Body,
        blocks::{Block, Span, article_word_count},
    };

    use bantin_domain::text::fold;

    use super::{IndexText, MAX_INDEXED_WORD_BYTES, keep_indexable};

    #[test]
    fn the_index_counts_the_articles_words_as_the_domain_does() {
        let span = |text: &str| Span { text: text.to_owned(), marks: Vec::new(), href: None };
        // "Đắk Lắk mùa cà phê" decomposed (NFD): its marks must not split words.
        let nfd = "Đa\u{306}\u{301}k La\u{306}\u{301}k mu\u{300}a ca\u{300} phe\u{302}".to_owned();
        let body = Body(vec![
            Block::Paragraph { spans: vec![span("Sáng 26/6, "), span("UBND tỉnh"), span(" Bắc Giang")] },
            Block::Heading { level: 2, text: nfd },
            Block::Quote {
                text: "“Chúng tôi—đã sẵn sàng”".to_owned(), cite: Some("Ông A".to_owned())
            },
            Block::List { ordered: false, items: vec!["x² × 3".to_owned(), "COVID-19".to_owned()] },
        ]);
        let sapo = "Ngày 26/6, Sở Văn hóa - Thể thao (Đắk Lắk)";
        let index = IndexText::new("Tiêu đề", sapo, &body);
        assert_eq!(index.word_count, article_word_count(sapo, &body) as usize);
        assert_eq!(index.word_count, 33);
    }

    #[test]
    fn the_all_words_index_stops_at_a_whole_word_within_its_bound() {
        let mut words: String = (0..200_000).map(|n| format!("w{n} ")).collect();
        words.pop();
        keep_indexable(&mut words);
        assert!(words.len() <= MAX_INDEXED_WORD_BYTES && words.len() > MAX_INDEXED_WORD_BYTES - 10);
        let last = words.rsplit(' ').next().expect("a word");
        assert!(last.starts_with('w') && last[1..].parse::<u32>().is_ok(), "{last} is whole");
        let mut short = "bac giang".to_owned();
        keep_indexable(&mut short);
        assert_eq!(short, "bac giang");
    }

    #[test]
    fn the_all_words_index_holds_each_folded_word_once_in_first_seen_order() {
        let span = |text: &str| Span { text: text.to_owned(), marks: Vec::new(), href: None };
        let body = Body(vec![
            Block::Paragraph {
                spans: vec![span("Bắc Giang mở mùa du lịch vải thiều; "), span("BẮC GIANG đón khách")],
            },
            Block::Heading { level: 2, text: "Vải thiều Lục Ngạn xuất khẩu 2026".to_owned() },
            Block::List {
                ordered: false,
                items: vec!["Lục Ngạn".to_owned(), "photosynthesis photosynthesis".to_owned()],
            },
        ]);
        let (title, sapo) = ("Vải thiều Bắc Giang", "Mùa vải 2026 ở Bắc Giang");
        let index = IndexText::new(title, sapo, &body);
        let mut expected: Vec<String> = Vec::new();
        let texts =
            [title.to_owned(), sapo.to_owned()].into_iter().chain(body.texts().map(|t| t.into_owned()));
        for word in texts.flat_map(|t| {
            fold(&t).split(|c: char| !c.is_alphanumeric()).map(str::to_owned).collect::<Vec<_>>()
        }) {
            if !word.is_empty() && !expected.contains(&word) {
                expected.push(word);
            }
        }
        assert_eq!(index.distinct_words, expected.join(" "));
        assert_eq!(
            index.distinct_words,
            "vai thieu bac giang mua 2026 o mo du lich don khach luc ngan xuat khau photosynthesis"
        );
    }
}
