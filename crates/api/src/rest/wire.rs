//! The JSON shapes REST clients see (camelCase). Built from domain types; changing a domain type
//! does not change these unless we choose to.

use bantin_domain::{Article, ArticleRelations, Author, Block, Category, CoverImage, Publication, Tag};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Every list answers `{"items": [...], "nextCursor": "..." | null}`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct List<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageJson {
    pub src: String,
    pub alt: String,
    pub caption: Option<String>,
    pub credit: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

impl From<CoverImage> for ImageJson {
    fn from(c: CoverImage) -> Self {
        ImageJson {
            src: c.src,
            alt: c.alt,
            caption: c.caption,
            credit: c.credit,
            width: c.width,
            height: c.height,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CategoryJson {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub parent_id: Option<String>,
}

impl From<Category> for CategoryJson {
    fn from(c: Category) -> Self {
        CategoryJson {
            id: c.id.to_string(),
            slug: c.slug,
            name: c.name,
            description: c.description,
            parent_id: c.parent_id.map(|p| p.to_string()),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TagJson {
    pub id: String,
    pub slug: String,
    pub name: String,
}

impl From<Tag> for TagJson {
    fn from(t: Tag) -> Self {
        TagJson { id: t.id.to_string(), slug: t.slug, name: t.name }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthorJson {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub bio: Option<String>,
    pub avatar_url: Option<String>,
}

impl From<Author> for AuthorJson {
    fn from(a: Author) -> Self {
        AuthorJson { id: a.id.to_string(), slug: a.slug, name: a.name, bio: a.bio, avatar_url: a.avatar_url }
    }
}

/// A teaser card: what lists carry.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArticleTeaser {
    pub id: String,
    pub slug: String,
    pub url: String,
    pub title: String,
    pub sapo: String,
    pub cover: Option<ImageJson>,
    pub category: Option<CategoryJson>,
    pub authors: Vec<AuthorJson>,
    pub tags: Vec<TagJson>,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub word_count: u32,
    pub reading_time_minutes: u32,
}

impl ArticleTeaser {
    pub fn new(article: Article, relations: &ArticleRelations, publication: &Publication) -> ArticleTeaser {
        let id = article.id;
        ArticleTeaser {
            id: id.to_string(),
            url: publication.article_url(&article.slug),
            reading_time_minutes: article.reading_time_minutes(),
            category: relations.categories.get(&article.category_id).cloned().map(CategoryJson::from),
            authors: relations
                .authors
                .get(&id)
                .into_iter()
                .flatten()
                .cloned()
                .map(AuthorJson::from)
                .collect(),
            tags: relations.tags.get(&id).into_iter().flatten().cloned().map(TagJson::from).collect(),
            slug: article.slug,
            title: article.title,
            sapo: article.sapo,
            cover: article.cover.map(ImageJson::from),
            published_at: article.published_at,
            updated_at: article.updated_at,
            word_count: article.word_count,
        }
    }
}

/// The article page: the teaser plus the body and bookkeeping.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArticleDetail {
    #[serde(flatten)]
    pub teaser: ArticleTeaser,
    pub status: &'static str,
    pub revision: i32,
    pub created_at: DateTime<Utc>,
    /// Blocks in the documented body format (`type` plus the block's fields).
    pub body: Vec<Block>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicationJson {
    pub name: String,
    pub tagline: String,
    pub language: String,
    pub base_url: String,
    pub utc_offset: String,
}

impl From<&Publication> for PublicationJson {
    fn from(p: &Publication) -> Self {
        PublicationJson {
            name: p.name.clone(),
            tagline: p.tagline.clone(),
            language: p.language.clone(),
            base_url: p.base_url.clone(),
            utc_offset: p.utc_offset(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SnippetJson {
    pub text: String,
    /// `[start, end)` character offsets of matched words in `text`.
    pub highlights: Vec<[usize; 2]>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchItem {
    #[serde(flatten)]
    pub teaser: ArticleTeaser,
    pub score: f64,
    pub snippet: SnippetJson,
}

/// A search answers like every list, plus how many results were ranked.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchList {
    pub items: Vec<SearchItem>,
    pub next_cursor: Option<String>,
    pub total: usize,
}

/// One entry of the change feed.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ChangeItem {
    /// The article as the public sees it now.
    Upsert { article: Box<ArticleDetail> },
    /// The public may no longer see this article (unpublished, archived, deleted, or never was):
    /// remove it from the copy.
    Delete { id: String },
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangeEntry {
    /// Position in the change log (absent for a scheduled article that just became public).
    pub seq: Option<i64>,
    #[serde(flatten)]
    pub change: ChangeItem,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangeList {
    pub items: Vec<ChangeEntry>,
    /// Pass back as `since`; always present, so a partner can poll with it.
    pub next_cursor: String,
    /// More changes wait beyond this page: ask again at once.
    pub has_more: bool,
}
