//! The storage contract: what the API needs from a database, in domain terms. The persistence
//! crate implements it; the API crate holds it as `Arc<dyn ContentReader>`.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::{
    article::{
        Article, ArticleId, ArticleStatus, Author, AuthorId, Category, CategoryId, Tag, TagId, UserId,
    },
    blocks::Body,
    error::Result,
    page::{ListOrder, Page, PageRequest},
};

/// Which articles a read may return. Deleted articles are never returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// What the public may see at this instant: published, or scheduled and due
    /// ([`Article::is_public_at`]).
    Public { now: DateTime<Utc> },
    /// The newsroom's view: any status (or just `status`), only articles `created_by` when set
    /// (writers see their own). Lists in this view are ordered by last update.
    Newsroom { status: Option<ArticleStatus>, created_by: Option<UserId> },
}

impl Visibility {
    pub fn public_now() -> Visibility {
        Visibility::Public { now: Utc::now() }
    }

    pub fn list_order(&self) -> ListOrder {
        match self {
            Visibility::Public { .. } => ListOrder::Published,
            Visibility::Newsroom { .. } => ListOrder::Updated,
        }
    }
}

/// Narrows an article list. All set fields must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArticleFilter {
    pub category: Option<CategoryId>,
    pub tag: Option<TagId>,
    pub author: Option<AuthorId>,
    /// Leaves one article out by slug (the one being read, for "Tin mới" beside it). A slug that
    /// matches nothing excludes nothing.
    pub exclude_slug: Option<String>,
}

/// The bylines (in byline order), tags (in the newsroom's order) and sections of a list of
/// articles ([`ContentReader::relations_of`]).
#[derive(Debug, Clone, Default)]
pub struct ArticleRelations {
    pub authors: HashMap<ArticleId, Vec<Author>>,
    pub tags: HashMap<ArticleId, Vec<Tag>>,
    pub categories: HashMap<CategoryId, Category>,
}

/// Read access to published content. Lists come in the public order (`published_at` desc, id desc).
#[async_trait]
pub trait ContentReader: Send + Sync {
    /// Answers when the database answers.
    async fn ping(&self) -> Result<()>;

    /// Moves whenever content changes on any node (within a second for other nodes); anything
    /// derived from content and kept around is stale once it moves.
    fn content_version(&self) -> u64;

    async fn article_by_slug(&self, slug: &str, visibility: Visibility) -> Result<Option<Article>>;

    /// The article that had `slug` before an edit changed it, under its slug now, if visible.
    /// Asked only when no article has the slug: a slug in use always names its live owner.
    async fn article_by_former_slug(&self, slug: &str, visibility: Visibility) -> Result<Option<Article>>;

    async fn articles(
        &self,
        filter: &ArticleFilter,
        page: &PageRequest,
        visibility: Visibility,
    ) -> Result<Page<Article>>;

    async fn count_articles(&self, filter: &ArticleFilter, visibility: Visibility) -> Result<u64>;

    /// Articles related to `article`: pinned ones first, then the best ranked; never `article`
    /// itself, never one `visibility` hides.
    async fn related(
        &self,
        article: &Article,
        limit: u32,
        weights: &crate::related::RelatedWeights,
        visibility: Visibility,
    ) -> Result<Vec<crate::related::RelatedItem>>;

    /// Up to [`crate::search::MAX_CANDIDATES`] articles matching every term of `query`, with the
    /// backend's text rank; [`crate::search::rank`] orders them.
    async fn search(
        &self,
        query: &crate::search::SearchQuery,
        filter: &crate::search::SearchFilter,
        visibility: Visibility,
    ) -> Result<Vec<crate::search::Candidate>>;

    /// Sitemap pages: each block of `per_page` article ids that holds a visible article, with the
    /// newest change in it.
    async fn sitemap_pages(&self, per_page: i64, visibility: Visibility)
    -> Result<Vec<(i64, DateTime<Utc>)>>;

    /// The slugs and last changes of visible articles in block `page` of `per_page` ids.
    async fn sitemap_page(
        &self,
        page: i64,
        per_page: i64,
        visibility: Visibility,
    ) -> Result<Vec<(String, DateTime<Utc>)>>;

    /// Article writes after log position `after`, in order: (position, article).
    async fn changes_after(&self, after: i64, limit: u64) -> Result<Vec<(i64, ArticleId)>>;

    /// Scheduled articles whose time came in `(after, until]`: they became public without a write.
    async fn became_due(&self, after: DateTime<Utc>, until: DateTime<Utc>) -> Result<Vec<ArticleId>>;

    /// The earliest moment after `now` at which an article becomes public without a write (a
    /// scheduled publish time): anything derived from public lists is stale from then on.
    async fn next_publish_after(&self, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>>;

    /// Bodies of the given articles (batched for dataloaders).
    async fn bodies(&self, ids: &[ArticleId]) -> Result<HashMap<ArticleId, Body>>;

    /// What a list shows beside each of `articles`: bylines, tags and sections, read together.
    async fn relations_of(&self, articles: &[Article]) -> Result<ArticleRelations>;

    /// Bylines of the given articles, each in byline order.
    async fn authors_of(&self, ids: &[ArticleId]) -> Result<HashMap<ArticleId, Vec<Author>>>;

    /// Tags of the given articles, each in the order the newsroom gave them.
    async fn tags_of(&self, ids: &[ArticleId]) -> Result<HashMap<ArticleId, Vec<Tag>>>;

    async fn categories_by_id(&self, ids: &[CategoryId]) -> Result<HashMap<CategoryId, Category>>;

    /// All sections, parents before children, then by name.
    async fn categories(&self) -> Result<Vec<Category>>;
    async fn category_by_slug(&self, slug: &str) -> Result<Option<Category>>;

    /// All tags, in no set order: [`crate::NamePageRequest::page`] puts a page of them in name order.
    async fn tags(&self) -> Result<Vec<Tag>>;
    async fn tag_by_slug(&self, slug: &str) -> Result<Option<Tag>>;

    /// The tag a tag with `slug` was merged into (through every later merge). Asked only when no
    /// tag has the slug.
    async fn tag_by_former_slug(&self, slug: &str) -> Result<Option<Tag>>;

    /// All authors, in no set order, like [`ContentReader::tags`].
    async fn authors(&self) -> Result<Vec<Author>>;
    /// The authors with these ids (unknown ids are left out).
    async fn authors_by_id(&self, ids: &[AuthorId]) -> Result<HashMap<AuthorId, Author>>;
    async fn author_by_slug(&self, slug: &str) -> Result<Option<Author>>;
}
