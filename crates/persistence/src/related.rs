//! Related articles from indexes: candidates come from the source's tag postings, its section,
//! and the text index, all near the source's date; [`bantin_domain::related`] scores them. No
//! query scans all articles.

use std::collections::{HashMap, HashSet};

use bantin_domain::{
    Article, ArticleId, AtVersion, Result, TagId, Visibility,
    related::{self, RelatedCandidate, RelatedItem, RelatedSource, RelatedWeights, ScoreParts},
};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect,
    Statement,
};

use crate::{
    entity::{article, article_tag, related_pin},
    mapping::{self, ArticleRow, db_err, stored_time},
    reader::{article_rows, visible},
};

/// Newest articles taken from each of the source's tags within the window.
const PER_TAG: u64 = 40;
const FROM_SECTION: u64 = 30;
const FROM_TEXT: usize = 50;

/// How many articles carry each tag, as of one content version: related's inverse tag frequency.
/// Counting a common tag's postings was the costliest read of an uncached related list among
/// 100,000 articles (1.5 to 3.5 ms of about 9), and the counts change only when content does, so
/// the related lists of every article asked for between two writes share them.
#[derive(Debug)]
pub(crate) struct TagUses(AtVersion<TagId, u64>);

impl Default for TagUses {
    fn default() -> TagUses {
        // A count per tag: the taxonomy bounds it.
        TagUses(AtVersion::new(usize::MAX))
    }
}

impl TagUses {
    /// The counts of `tags` known at content `version`, and the tags whose count is not known.
    fn known(&self, version: u64, tags: &[TagId]) -> (HashMap<TagId, u64>, Vec<TagId>) {
        let mut known = HashMap::new();
        let mut unknown = Vec::new();
        for tag in tags {
            match self.0.get(tag, version) {
                Some(uses) => {
                    known.insert(*tag, uses);
                }
                None => unknown.push(*tag),
            }
        }
        (known, unknown)
    }

    /// Keeps counts read at content `version` (taken before they were read), forgetting those of
    /// earlier versions; counts read at a version older than the kept ones are not kept.
    fn remember(&self, version: u64, counts: &HashMap<TagId, u64>) {
        for (tag, uses) in counts {
            self.0.put(*tag, version, *uses);
        }
    }
}

/// The content version a related list is computed at, and the tag counts known at it.
pub(crate) struct TagFrequency<'a> {
    pub uses: &'a TagUses,
    /// Taken before any of the list's reads.
    pub version: u64,
}

async fn tag_ids_of(db: &impl ConnectionTrait, id: i64) -> Result<Vec<TagId>> {
    let ids: Vec<i64> = article_tag::Entity::find()
        .select_only()
        .column(article_tag::Column::TagId)
        .filter(article_tag::Column::ArticleId.eq(id))
        .into_tuple()
        .all(db)
        .await
        .map_err(db_err("loading an article's tags"))?;
    Ok(ids.into_iter().map(TagId).collect())
}

/// Candidate ids near the source in time (the text neighbours are added by the caller) (`window` either side), or at any time without one.
async fn candidate_ids(
    db: &impl ConnectionTrait,
    source: &RelatedSource,
    window: Option<(DateTime<Utc>, DateTime<Utc>)>,
) -> Result<HashSet<i64>> {
    let mut ids = HashSet::new();
    for tag in &source.tags {
        let mut query = article_tag::Entity::find()
            .select_only()
            .column(article_tag::Column::ArticleId)
            .filter(article_tag::Column::TagId.eq(tag.0));
        if let Some((lo, hi)) = window {
            query = query.filter(article_tag::Column::PublishedAt.between(lo, hi));
        }
        let found: Vec<i64> = query
            .order_by(article_tag::Column::PublishedAt, Order::Desc)
            .limit(PER_TAG)
            .into_tuple()
            .all(db)
            .await
            .map_err(db_err("reading tag postings"))?;
        ids.extend(found);
    }
    let mut section = article::Entity::find()
        .select_only()
        .column(article::Column::Id)
        .filter(article::Column::CategoryId.eq(source.article.category_id.0));
    if let Some((lo, hi)) = window {
        section = section.filter(article::Column::PublishedAt.between(lo, hi));
    }
    let found: Vec<i64> = section
        .order_by(article::Column::PublishedAt, Order::Desc)
        .limit(FROM_SECTION)
        .into_tuple()
        .all(db)
        .await
        .map_err(db_err("reading the section"))?;
    ids.extend(found);
    ids.remove(&source.article.id.0);
    Ok(ids)
}

/// Articles whose title or sapo share a three-word phrase of the source's title ("lễ hội hoa",
/// "hội hoa ban"), best matches first. Three-word phrases are rare enough that the query stays
/// small even for everyday words, and they are what marks the same story (see
/// [`related::score`]).
async fn text_neighbours(db: &impl ConnectionTrait, source: &RelatedSource) -> Result<HashSet<i64>> {
    let words: Vec<String> = bantin_domain::search::index_text(&source.article.title)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    let is_number = |w: &String| w.chars().any(|c| c.is_ascii_digit());
    let mut phrases: Vec<&[String]> = words.windows(3).filter(|p| !p.iter().any(is_number)).collect();
    phrases.truncate(12);
    if phrases.is_empty() {
        return Ok(HashSet::new());
    }
    let backend = db.get_database_backend();
    // Folded words are letters and digits only (see `search::index_text`); quotes doubled anyway.
    let quote = |text: String| text.replace('\'', "''");
    let sql = match backend {
        DatabaseBackend::Postgres => {
            let tsquery = quote(
                phrases
                    .iter()
                    .map(|p| {
                        format!("({})", p.iter().map(|w| format!("{w}:AB")).collect::<Vec<_>>().join(" <-> "))
                    })
                    .collect::<Vec<_>>()
                    .join(" | "),
            );
            // No ORDER BY (on either backend): any matching three-word phrase is a strong hint,
            // and without ranking every match the engine can stop at the limit.
            format!(
                "SELECT article_id AS id FROM article_search WHERE document @@ to_tsquery('simple', '{tsquery}') \
                 LIMIT {FROM_TEXT}"
            )
        }
        _ => format!(
            "SELECT rowid AS id FROM article_headlines WHERE article_headlines MATCH '{}' \
             LIMIT {FROM_TEXT}",
            quote(phrases.iter().map(|p| format!("\"{}\"", p.join(" "))).collect::<Vec<_>>().join(" OR "))
        ),
    };
    let rows = db
        .query_all_raw(Statement::from_string(backend, sql))
        .await
        .map_err(db_err("finding similar titles"))?;
    rows.iter().map(|row| row.try_get::<i64>("", "id").map_err(db_err("reading similar titles"))).collect()
}

async fn ranked(
    db: &impl ConnectionTrait,
    source: &RelatedSource,
    mut ids: HashSet<i64>,
    window: Option<(DateTime<Utc>, DateTime<Utc>)>,
    weights: &RelatedWeights,
    visibility: Visibility,
    tag_frequency: &TagFrequency<'_>,
) -> Result<Vec<(Article, ScoreParts)>> {
    ids.remove(&source.article.id.0);
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // Only the ids go to the database, so that it looks each one up by its key. With the window
    // in the query too, SQLite walked the window's whole stretch of the date index instead (a
    // year either side of the source holds most of a corpus): 2.6 ms against 0.4 ms for 130
    // candidates among 10,000 articles, and ten times that among 100,000.
    let query = article::Entity::find()
        .filter(visible(visibility))
        .filter(article::Column::Id.is_in(ids.iter().copied()));
    let mut rows = article_rows(db, query, "loading related candidates").await?;
    if let Some((lo, hi)) = window {
        // Text neighbours come from the whole index; keep the window for them too.
        rows.retain(|row| row.published_at.is_some_and(|at| lo <= at && at <= hi));
    }
    let mut shared: HashMap<i64, Vec<TagId>> = HashMap::new();
    let mut frequency = HashMap::new();
    if !source.tags.is_empty() {
        // Every tag of each candidate, by the link table's key, and the source's kept here: asked
        // for the source's tags as well, SQLite read every posting of those tags instead.
        let pairs: Vec<(i64, i64)> = article_tag::Entity::find()
            .select_only()
            .column(article_tag::Column::ArticleId)
            .column(article_tag::Column::TagId)
            .filter(article_tag::Column::ArticleId.is_in(rows.iter().map(|r| r.id)))
            .into_tuple()
            .all(db)
            .await
            .map_err(db_err("loading shared tags"))?;
        for (article_id, tag_id) in pairs {
            if source.tags.contains(&TagId(tag_id)) {
                shared.entry(article_id).or_default().push(TagId(tag_id));
            }
        }
        let (known, unknown) = tag_frequency.uses.known(tag_frequency.version, &source.tags);
        frequency = known;
        if !unknown.is_empty() {
            let counts: Vec<(i64, i64)> = article_tag::Entity::find()
                .select_only()
                .column(article_tag::Column::TagId)
                .column_as(article_tag::Column::ArticleId.count(), "uses")
                .filter(article_tag::Column::TagId.is_in(unknown.iter().map(|t| t.0)))
                .group_by(article_tag::Column::TagId)
                .into_tuple()
                .all(db)
                .await
                .map_err(db_err("counting tag uses"))?;
            let counted: HashMap<TagId, u64> = counts
                .into_iter()
                .map(|(tag, uses)| (TagId(tag), u64::try_from(uses).unwrap_or(1)))
                .collect();
            tag_frequency.uses.remember(tag_frequency.version, &counted);
            frequency.extend(counted);
        }
    }
    // MAX(id) walks the primary key: as good as COUNT(*) for an inverse frequency, and free.
    let articles: Option<i64> = article::Entity::find()
        .select_only()
        .column_as(article::Column::Id.max(), "max")
        .into_tuple()
        .one(db)
        .await
        .map_err(db_err("estimating the article count"))?
        .flatten();
    let candidates = rows
        .into_iter()
        .map(|row| {
            let shared_tags = shared.remove(&row.id).unwrap_or_default();
            Ok(RelatedCandidate { article: mapping::article(row)?, shared_tags })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(related::rank(
        source,
        candidates,
        &frequency,
        u64::try_from(articles.unwrap_or(1)).unwrap_or(1),
        weights,
    ))
}

/// Pinned articles first (in the editor's order, public ones only), then the best ranked, up to
/// `limit`. Ranked candidates come from within the weights' window around the source; only when
/// too few match there does the search widen to any time.
pub(crate) async fn related(
    db: &impl ConnectionTrait,
    source: &Article,
    limit: usize,
    weights: &RelatedWeights,
    visibility: Visibility,
    tag_frequency: &TagFrequency<'_>,
) -> Result<Vec<RelatedItem>> {
    let pinned: Vec<i64> = related_pin::Entity::find()
        .select_only()
        .column(related_pin::Column::PinnedId)
        .filter(related_pin::Column::ArticleId.eq(source.id.0))
        .order_by_asc(related_pin::Column::Position)
        .into_tuple()
        .all(db)
        .await
        .map_err(db_err("loading pinned related articles"))?;
    let mut items = Vec::with_capacity(limit);
    if !pinned.is_empty() {
        let query = article::Entity::find()
            .filter(visible(visibility))
            .filter(article::Column::Id.is_in(pinned.iter().copied()));
        let mut rows: HashMap<i64, ArticleRow> = article_rows(db, query, "loading pinned related articles")
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        for id in &pinned {
            if let Some(row) = rows.remove(id) {
                items.push(RelatedItem { article: mapping::article(row)?, score: None });
            }
        }
    }
    items.truncate(limit);
    if items.len() == limit {
        return Ok(items);
    }
    let source = RelatedSource::new(source.clone(), tag_ids_of(db, source.id.0).await?);
    let skip: HashSet<ArticleId> = items.iter().map(|i| i.article.id).collect();
    let window = source.article.published_at.map(|at| {
        let span = Duration::days(weights.window_days.max(1));
        (stored_time(at - span), stored_time(at + span))
    });
    let text = text_neighbours(db, &source).await?;
    // Candidates near the source in time (`window`, or at any time) and the text neighbours,
    // ranked.
    let ranked_within = async |window| {
        let mut ids = candidate_ids(db, &source, window).await?;
        ids.extend(text.iter().copied());
        ranked(db, &source, ids, window, weights, visibility, tag_frequency).await
    };
    let mut ranked_items = ranked_within(window).await?;
    ranked_items.retain(|(a, _)| !skip.contains(&a.id));
    if ranked_items.len() < limit - items.len() && window.is_some() {
        let seen: HashSet<ArticleId> = ranked_items.iter().map(|(a, _)| a.id).collect();
        let wider = ranked_within(None).await?;
        ranked_items
            .extend(wider.into_iter().filter(|(a, _)| !seen.contains(&a.id) && !skip.contains(&a.id)));
    }
    let room = limit - items.len();
    items.extend(
        ranked_items
            .into_iter()
            .take(room)
            .map(|(article, parts)| RelatedItem { article, score: Some(parts) }),
    );
    Ok(items)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use bantin_domain::TagId;

    use super::TagUses;

    #[test]
    fn tag_counts_are_served_only_at_the_content_version_they_were_read_at() {
        let uses = TagUses::default();
        let (known, unknown) = uses.known(0, &[TagId(1), TagId(2)]);
        assert!(known.is_empty());
        assert_eq!(unknown, [TagId(1), TagId(2)]);
        uses.remember(0, &HashMap::from([(TagId(1), 7)]));
        assert_eq!(uses.known(0, &[TagId(1), TagId(2)]), (HashMap::from([(TagId(1), 7)]), vec![TagId(2)]));

        // After a write nothing read before it is served, and the next count replaces it.
        assert_eq!(uses.known(1, &[TagId(1)]), (HashMap::new(), vec![TagId(1)]));
        uses.remember(1, &HashMap::from([(TagId(1), 8)]));
        // A list that took its version before the write keeps none of what it read.
        uses.remember(0, &HashMap::from([(TagId(2), 3)]));
        assert_eq!(uses.known(1, &[TagId(1), TagId(2)]), (HashMap::from([(TagId(1), 8)]), vec![TagId(2)]));
        assert_eq!(uses.known(0, &[TagId(1)]), (HashMap::new(), vec![TagId(1)]));
    }
}
