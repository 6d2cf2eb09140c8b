//! `bantin export` and `bantin import`: a database's content as JSON Lines, to move it to another
//! database (SQLite to PostgreSQL, one server to the next) or to bring articles in from another
//! system.
//!
//! The file's first line is `{"bantin":{"version":1}}`; then one record a line, `{"category":{…}}`,
//! `{"tag":{…}}`, `{"author":{…}}` or `{"article":{…}}` (the fields are in the README). An article
//! names its section, tags and authors by slug: a record in the file or what the database holds.
//! Users, revisions, tokens, related pins and former slugs are not part of it.

use std::{
    collections::{HashMap, HashSet},
    io::{BufRead, BufReader, Write},
    path::Path,
};

use anyhow::Context;
use bantin_domain::{
    ArticleContent, ArticleId, ArticleStatus, Body, ContentReader, CoverImage, NewArticle, NewAuthor, NewTag,
    editorial, text::Slug,
};
use bantin_persistence::{PreparedArticles, Store};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::taxonomy::{SectionSpec, TaxonomyIds, id_of};

/// The version of the format this build writes and reads.
const VERSION: u32 = 1;

/// Articles read, written or stored at a time.
const BATCH: usize = 500;

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
enum Record {
    Bantin(Header),
    Category(SectionRecord),
    Tag(TagRecord),
    Author(AuthorRecord),
    Article(Box<ArticleRecord>),
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    version: u32,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SectionRecord {
    slug: String,
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    /// The parent section's slug.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    parent: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TagRecord {
    slug: String,
    name: String,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AuthorRecord {
    slug: String,
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    bio: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    avatar_url: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ArticleRecord {
    slug: String,
    title: String,
    #[serde(default)]
    sapo: String,
    /// The body's blocks, in the format REST serves them.
    #[serde(default)]
    body: Body,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cover: Option<CoverImage>,
    /// Slugs: the section, the bylines in order, the tags in order.
    category: String,
    #[serde(default)]
    authors: Vec<String>,
    #[serde(default)]
    tags: Vec<String>,
    /// `draft`, `scheduled`, `published` or `archived`.
    status: String,
    /// Required when published or scheduled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    published_at: Option<DateTime<Utc>>,
    /// Defaults to the publication time, or to now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    created_at: Option<DateTime<Utc>>,
}

fn write_record(out: &mut impl Write, record: &Record) -> anyhow::Result<()> {
    serde_json::to_writer(&mut *out, record).context("writing the export")?;
    out.write_all(b"\n").context("writing the export")
}

/// Writes every section (parents first), tag, author and live article (any status, in id order)
/// to `out`; returns how many articles. `progress` is called after each batch with (written,
/// total).
pub async fn export(
    store: &Store,
    out: &mut impl Write,
    mut progress: impl FnMut(u64, u64),
) -> anyhow::Result<u64> {
    let total = store.article_count().await?;
    write_record(out, &Record::Bantin(Header { version: VERSION }))?;
    let categories = store.categories().await?;
    let section_slugs: HashMap<_, _> = categories.iter().map(|c| (c.id, c.slug.clone())).collect();
    for category in categories {
        let parent = category.parent_id.and_then(|id| section_slugs.get(&id).cloned());
        let record = SectionRecord {
            slug: category.slug,
            name: category.name,
            description: category.description,
            parent,
        };
        write_record(out, &Record::Category(record))?;
    }
    let mut tags = store.tags().await?;
    tags.sort_by(|a, b| a.slug.cmp(&b.slug));
    for tag in tags {
        write_record(out, &Record::Tag(TagRecord { slug: tag.slug, name: tag.name }))?;
    }
    let mut authors = store.authors().await?;
    authors.sort_by(|a, b| a.slug.cmp(&b.slug));
    for author in authors {
        let record = AuthorRecord {
            slug: author.slug,
            name: author.name,
            bio: author.bio,
            avatar_url: author.avatar_url,
        };
        write_record(out, &Record::Author(record))?;
    }
    let (mut after, mut written) = (ArticleId(0), 0);
    loop {
        let articles = store.articles_after(after, BATCH as u64).await?;
        let Some(last) = articles.last() else { break };
        after = last.id;
        let ids: Vec<ArticleId> = articles.iter().map(|a| a.id).collect();
        let mut bodies = store.bodies(&ids).await?;
        let mut relations = store.relations_of(&articles).await?;
        for article in articles {
            let slugs = |items: Option<Vec<String>>| items.unwrap_or_default();
            let record = ArticleRecord {
                category: section_slugs.get(&article.category_id).cloned().with_context(|| {
                    format!("article '{}' is in a section that is not stored", article.slug)
                })?,
                authors: slugs(
                    relations.authors.remove(&article.id).map(|a| a.into_iter().map(|a| a.slug).collect()),
                ),
                tags: slugs(
                    relations.tags.remove(&article.id).map(|t| t.into_iter().map(|t| t.slug).collect()),
                ),
                body: bodies.remove(&article.id).unwrap_or_default(),
                slug: article.slug,
                title: article.title,
                sapo: article.sapo,
                cover: article.cover,
                status: article.status.as_str().to_owned(),
                published_at: article.published_at,
                created_at: Some(article.created_at),
            };
            write_record(out, &Record::Article(Box::new(record)))?;
            written += 1;
        }
        progress(written, total.max(written));
    }
    out.flush().context("writing the export")?;
    Ok(written)
}

/// What [`import`] did.
#[derive(Debug, Default, Clone, Copy)]
pub struct ImportReport {
    pub imported: u64,
    /// Articles whose slug the database held already, left as they were.
    pub already_present: u64,
    pub sections: usize,
    pub tags: usize,
    pub authors: usize,
}

/// A record read from the file, and the line it was on.
struct Line {
    number: usize,
    record: Record,
}

/// Reads `path` a line at a time, each record with its line number; blank lines are skipped.
/// Errors name the file and line (and the column, for JSON that does not parse).
fn lines(path: &Path) -> anyhow::Result<impl Iterator<Item = anyhow::Result<Line>>> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let shown = path.display().to_string();
    Ok(BufReader::with_capacity(1 << 20, file).lines().enumerate().filter_map(move |(index, text)| {
        let number = index + 1;
        let text = match text {
            Ok(text) if text.trim().is_empty() => return None,
            Ok(text) => text,
            Err(err) => return Some(Err(anyhow::anyhow!("{shown}:{number}: cannot be read: {err}"))),
        };
        Some(serde_json::from_str::<Record>(&text).map(|record| Line { number, record }).map_err(|err| {
            // serde_json places the error in the text it was given, which is this one line.
            let message = err.to_string();
            let message = message.split(" at line ").next().unwrap_or(&message);
            if number == 1 {
                anyhow::anyhow!("{shown}:1: not a bantin export: {}", header_expected())
            } else {
                anyhow::anyhow!("{shown}:{number}:{}: {message}", err.column())
            }
        }))
    }))
}

fn header_expected() -> String {
    format!("the first line must be {{\"bantin\":{{\"version\":{VERSION}}}}} (what `bantin export` writes)")
}

/// An article record checked as the newsroom's writes are, its references as slugs.
struct CheckedArticle {
    article: NewArticle,
    category: String,
    authors: Vec<String>,
    tags: Vec<String>,
}

fn check_article(record: ArticleRecord) -> bantin_domain::Result<CheckedArticle> {
    let slug = Slug::parse(&record.slug)?.into_string();
    let title = editorial::validate_title(&record.title)?;
    let sapo = editorial::validate_sapo(&record.sapo)?;
    editorial::validate_body(&record.body)?;
    if let Some(cover) = &record.cover {
        editorial::validate_cover(cover)?;
    }
    let status = ArticleStatus::parse(&record.status)?;
    if ArticleStatus::PUBLIC.contains(&status) && record.published_at.is_none() {
        return Err(bantin_domain::Error::invalid(
            "publishedAt",
            format!("is required when {}", status.as_str()),
        ));
    }
    let created_at = record.created_at.or(record.published_at).unwrap_or_else(Utc::now);
    Ok(CheckedArticle {
        article: NewArticle {
            content: ArticleContent {
                slug,
                title,
                sapo,
                body: record.body,
                cover: record.cover,
                // Set from the slugs once the taxonomy is stored.
                category_id: bantin_domain::CategoryId(0),
                author_ids: Vec::new(),
                tag_ids: Vec::new(),
            },
            status,
            published_at: record.published_at,
            created_at,
        },
        category: record.category,
        authors: record.authors,
        tags: record.tags,
    })
}

/// What a slug names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Section,
    Tag,
    Author,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Section => "section",
            Kind::Tag => "tag",
            Kind::Author => "author",
        }
    }
}

/// A section's, tag's or author's slug and name, checked as the newsroom's mutations check them.
fn slug_and_name(slug: &str, name: &str) -> bantin_domain::Result<(Slug, String)> {
    Ok((Slug::parse(slug)?, editorial::validate_name(name)?))
}

/// The file's sections, tags and authors, checked, and how many articles it holds.
#[derive(Default)]
struct Checked {
    sections: Vec<SectionSpec>,
    tags: Vec<NewTag>,
    authors: Vec<NewAuthor>,
    articles: u64,
}

/// Reads the whole file and checks every line, storing nothing: a file with a mistake anywhere
/// changes nothing. Each error names the line.
fn check_file(path: &Path, stored: &TaxonomyIds) -> anyhow::Result<Checked> {
    let shown = path.display().to_string();
    let mut checked = Checked::default();
    let mut known: HashSet<(Kind, String)> =
        (stored.categories.keys().map(|slug| (Kind::Section, slug.clone())))
            .chain(stored.tags.keys().map(|slug| (Kind::Tag, slug.clone())))
            .chain(stored.authors.keys().map(|slug| (Kind::Author, slug.clone())))
            .collect();
    // Slugs named before any record gave them, with the first line naming each.
    let mut wanted: Vec<(Kind, String, usize)> = Vec::new();
    let mut article_lines: HashMap<String, usize> = HashMap::new();
    let mut header_seen = false;
    for line in lines(path)? {
        let Line { number, record } = line?;
        let at = |err: bantin_domain::Error| anyhow::anyhow!("{shown}:{number}: {err}");
        if !header_seen {
            match &record {
                Record::Bantin(Header { version: VERSION }) => {
                    header_seen = true;
                    continue;
                }
                Record::Bantin(Header { version }) => anyhow::bail!(
                    "{shown}:{number}: format version {version}; this bantin reads version {VERSION}"
                ),
                _ => anyhow::bail!("{shown}:{number}: not a bantin export: {}", header_expected()),
            }
        }
        match record {
            Record::Bantin(_) => anyhow::bail!("{shown}:{number}: a second header line"),
            Record::Category(section) => {
                let (slug, name) = slug_and_name(&section.slug, &section.name).map_err(at)?;
                if let Some(parent) = &section.parent {
                    wanted.push((Kind::Section, parent.clone(), number));
                }
                known.insert((Kind::Section, slug.to_string()));
                checked.sections.push(SectionSpec {
                    slug,
                    name,
                    description: section.description,
                    parent: section.parent,
                });
            }
            Record::Tag(tag) => {
                let (slug, name) = slug_and_name(&tag.slug, &tag.name).map_err(at)?;
                known.insert((Kind::Tag, slug.to_string()));
                checked.tags.push(NewTag { slug, name });
            }
            Record::Author(author) => {
                let (slug, name) = slug_and_name(&author.slug, &author.name).map_err(at)?;
                if let Some(url) = &author.avatar_url {
                    editorial::validate_url("avatarUrl", url).map_err(at)?;
                }
                known.insert((Kind::Author, slug.to_string()));
                checked.authors.push(NewAuthor {
                    slug,
                    name,
                    bio: author.bio,
                    avatar_url: author.avatar_url,
                });
            }
            Record::Article(record) => {
                let article = check_article(*record).map_err(at)?;
                if let Some(first) = article_lines.insert(article.article.content.slug.clone(), number) {
                    anyhow::bail!(
                        "{shown}:{number}: the slug '{}' is on line {first} too",
                        article.article.content.slug
                    );
                }
                wanted.push((Kind::Section, article.category, number));
                wanted.extend(article.authors.into_iter().map(|slug| (Kind::Author, slug, number)));
                wanted.extend(article.tags.into_iter().map(|slug| (Kind::Tag, slug, number)));
                checked.articles += 1;
            }
        }
    }
    if !header_seen {
        anyhow::bail!("{shown}: empty: {}", header_expected());
    }
    for (kind, slug, number) in wanted {
        if !known.contains(&(kind, slug.clone())) {
            anyhow::bail!(
                "{shown}:{number}: the {} '{slug}' is neither in the file nor in the database",
                kind.name()
            );
        }
    }
    Ok(checked)
}

/// Brings in the sections, tags, authors and articles of the file at `path` (see the module
/// documentation). The whole file is checked first, so a bad line changes nothing. Sections,
/// tags and authors already stored (by slug) are kept as they are, and so are articles whose slug
/// is taken: run again after a stop, an import goes on where it stopped. Articles go in a
/// transaction per [`BATCH`]; `progress` is called after each with (done, total).
pub async fn import(
    store: &Store,
    path: &Path,
    mut progress: impl FnMut(u64, u64, &ImportReport),
) -> anyhow::Result<ImportReport> {
    let mut ids = TaxonomyIds::read(store).await?;
    let checked = {
        let (path, stored) = (path.to_owned(), std::mem::take(&mut ids));
        let (checked, stored) = actix_web::rt::task::spawn_blocking(move || {
            let checked = check_file(&path, &stored);
            (checked, stored)
        })
        .await
        .context("checking the file")?;
        ids = stored;
        checked?
    };
    let mut report = ImportReport::default();
    let before = (ids.categories.len(), ids.tags.len(), ids.authors.len());
    ids.ensure(store, &checked.sections, &checked.tags, &checked.authors).await?;
    report.sections = ids.categories.len() - before.0;
    report.tags = ids.tags.len() - before.1;
    report.authors = ids.authors.len() - before.2;

    let mut batch = Vec::with_capacity(BATCH);
    let mut done = 0;
    for line in lines(path)? {
        let Line { number, record } = line?;
        let Record::Article(record) = record else { continue };
        let at = |err: anyhow::Error| err.context(format!("{}:{number}", path.display()));
        let checked_article = check_article(*record).map_err(|err| at(err.into()))?;
        let mut article = checked_article.article;
        article.content.category_id = id_of(&ids.categories, &checked_article.category).map_err(at)?;
        article.content.author_ids = checked_article
            .authors
            .iter()
            .map(|slug| id_of(&ids.authors, slug))
            .collect::<anyhow::Result<_>>()
            .map_err(at)?;
        article.content.tag_ids = checked_article
            .tags
            .iter()
            .map(|slug| id_of(&ids.tags, slug))
            .collect::<anyhow::Result<_>>()
            .map_err(at)?;
        batch.push(article);
        if batch.len() == BATCH {
            done += store_batch(store, &mut batch, &mut report).await?;
            progress(done, checked.articles, &report);
        }
    }
    if !batch.is_empty() || checked.articles == 0 {
        done += store_batch(store, &mut batch, &mut report).await?;
        progress(done, checked.articles, &report);
    }
    Ok(report)
}

/// Stores the articles of `batch` whose slugs are free, in one transaction, and empties it;
/// returns how many it held.
async fn store_batch(
    store: &Store,
    batch: &mut Vec<NewArticle>,
    report: &mut ImportReport,
) -> anyhow::Result<u64> {
    let slugs: Vec<String> = batch.iter().map(|a| a.content.slug.clone()).collect();
    let taken = store.slugs_taken(&slugs).await?;
    let fresh: Vec<NewArticle> = batch.drain(..).filter(|a| !taken.contains(&a.content.slug)).collect();
    report.already_present += taken.len() as u64;
    report.imported += fresh.len() as u64;
    if !fresh.is_empty() {
        let prepared = actix_web::rt::task::spawn_blocking(move || PreparedArticles::new(fresh))
            .await
            .context("preparing articles")?;
        store.insert_articles(prepared).await.context("storing articles")?;
    }
    Ok(slugs.len() as u64)
}
