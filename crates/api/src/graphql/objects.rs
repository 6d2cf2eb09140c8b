//! GraphQL output types. Each wraps or copies a domain type; the schema is ours to shape, so a
//! database column never appears in it by accident.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, Object, OutputType, Result, SimpleObject, Union};
use bantin_domain::{
    Article, ArticleFilter, ArticleStatus, Author, Block, Category, CoverImage, Cursor, ListedByName, Mark,
    NamePageRequest, Page, Publication, Tag, Visibility,
};
use chrono::{DateTime, Utc};

use super::{
    article_page,
    loaders::{CategoryIndex, PageLoader},
};
use crate::{AppState, error::graphql_error};

/// Where an article is in its life. The public only ever sees `PUBLISHED`.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "ArticleStatus")]
pub enum ArticleStatusValue {
    Draft,
    Scheduled,
    Published,
    Archived,
}

impl From<ArticleStatusValue> for ArticleStatus {
    fn from(status: ArticleStatusValue) -> Self {
        match status {
            ArticleStatusValue::Draft => Self::Draft,
            ArticleStatusValue::Scheduled => Self::Scheduled,
            ArticleStatusValue::Published => Self::Published,
            ArticleStatusValue::Archived => Self::Archived,
        }
    }
}

impl From<ArticleStatus> for ArticleStatusValue {
    fn from(status: ArticleStatus) -> Self {
        match status {
            ArticleStatus::Draft => Self::Draft,
            ArticleStatus::Scheduled => Self::Scheduled,
            ArticleStatus::Published => Self::Published,
            ArticleStatus::Archived => Self::Archived,
        }
    }
}

/// A news article. Lists return it without loading the body; selecting `body` (or `authors`,
/// `tags`, `category`) loads it for the whole list in one query.
pub struct ArticleObject {
    article: Article,
    page: Arc<PageLoader>,
}

impl ArticleObject {
    /// Wraps a list of articles that share one [`PageLoader`].
    pub fn list(state: &AppState, articles: Vec<Article>) -> Vec<ArticleObject> {
        let page = PageLoader::new(state.content.clone(), &articles);
        articles.into_iter().map(|article| ArticleObject { article, page: Arc::clone(&page) }).collect()
    }
}

#[Object(name = "Article")]
impl ArticleObject {
    async fn id(&self) -> ID {
        ID(self.article.id.to_string())
    }

    async fn slug(&self) -> &str {
        &self.article.slug
    }

    /// Canonical, shareable URL on the publication's site.
    async fn url(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(ctx.data::<AppState>()?.config.publication.article_url(&self.article.slug))
    }

    async fn title(&self) -> &str {
        &self.article.title
    }

    /// The lead: shown in bold above the body and as the summary on teaser cards.
    async fn sapo(&self) -> &str {
        &self.article.sapo
    }

    async fn cover(&self) -> Option<Image> {
        self.article.cover.clone().map(Image::from)
    }

    async fn status(&self) -> ArticleStatusValue {
        self.article.effective_status(Utc::now()).into()
    }

    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.article.published_at
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.article.created_at
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.article.updated_at
    }

    /// When a writer submitted it for review (newsroom views).
    async fn submitted_at(&self) -> Option<DateTime<Utc>> {
        self.article.submitted_at
    }

    /// Increments on every change.
    async fn revision(&self) -> i32 {
        self.article.revision
    }

    async fn word_count(&self) -> u32 {
        self.article.word_count
    }

    async fn reading_time_minutes(&self) -> u32 {
        self.article.reading_time_minutes()
    }

    /// The section the article belongs to.
    async fn category(&self) -> Result<CategoryObject> {
        let index = self.page.categories().await.map_err(graphql_error)?;
        CategoryObject::from_index(self.article.category_id, &index).ok_or_else(|| {
            graphql_error(bantin_domain::Error::Unexpected(format!(
                "article {} names category {} which does not exist",
                self.article.id, self.article.category_id
            )))
        })
    }

    /// The byline, in order.
    async fn authors(&self) -> Result<Vec<AuthorObject>> {
        let authors = self.page.authors(self.article.id).await.map_err(graphql_error)?;
        Ok(authors.into_iter().map(AuthorObject).collect())
    }

    async fn tags(&self) -> Result<Vec<TagObject>> {
        Ok(self.page.tags(self.article.id).await.map_err(graphql_error)?.into_iter().map(TagObject).collect())
    }

    /// The body as ordered blocks.
    async fn body(&self) -> Result<Vec<BlockValue>> {
        let body = self.page.body(self.article.id).await.map_err(graphql_error)?;
        Ok(body.0.into_iter().map(BlockValue::from).collect())
    }

    /// Articles to read next ("Bài liên quan"), best first; never this article.
    #[graphql(complexity = "first.clamp(0, crate::rest::MAX_RELATED as i32) as usize * child_complexity")]
    async fn related(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 6, desc = "How many, 1 to 20.")] first: i32,
    ) -> Result<Vec<ArticleObject>> {
        let limit = crate::related::limit(Some(i64::from(first)), "first").map_err(graphql_error)?;
        let state = ctx.data::<AppState>()?;
        let related = crate::related::public(state, &self.article, limit).await.map_err(graphql_error)?;
        super::note_shown(ctx, vec!["related".to_owned()], &related);
        Ok(ArticleObject::list(state, related))
    }

    /// Newsroom only: the related list with each ranked article's score parts, to tune the
    /// weights. Pinned articles come first and have no score.
    #[graphql(complexity = "first.clamp(0, crate::rest::MAX_RELATED as i32) as usize * child_complexity")]
    async fn related_explain(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 6)] first: i32,
    ) -> Result<Vec<RelatedScore>> {
        super::newsroom::drafts_viewer(ctx)?;
        let limit = u32::try_from(first.clamp(1, crate::rest::MAX_RELATED as i32)).unwrap_or(6);
        let state = ctx.data::<AppState>()?;
        let items = crate::related::explained(state, &self.article, limit).await.map_err(graphql_error)?;
        let articles = ArticleObject::list(state, items.iter().map(|i| i.article.clone()).collect());
        Ok(items
            .into_iter()
            .zip(articles)
            .map(|(item, article)| {
                let parts = item.score.unwrap_or_default();
                RelatedScore {
                    article,
                    pinned: item.score.is_none(),
                    total: parts.total,
                    tags: parts.tags,
                    category: parts.category,
                    text: parts.text,
                    recency: parts.recency,
                }
            })
            .collect())
    }
}

/// Why an article is related: its score, part by part.
#[derive(SimpleObject)]
pub struct RelatedScore {
    article: ArticleObject,
    /// Pinned by an editor (then the parts are zero).
    pinned: bool,
    total: f64,
    /// Shared tags, weighted by how rare each is.
    tags: f64,
    category: f64,
    /// Similar title and sapo.
    text: f64,
    recency: f64,
}

/// A page of articles.
pub struct ArticleConnection {
    pub page: Page<Article>,
    pub had_cursor: bool,
    pub filter: ArticleFilter,
    pub visibility: Visibility,
    /// `edges` and `nodes` share one loader, so selecting both costs no extra queries.
    pub loader: Arc<PageLoader>,
}

#[derive(SimpleObject)]
pub struct ArticleEdge {
    /// Pass as `after` to continue after this article.
    cursor: String,
    node: ArticleObject,
}

#[derive(SimpleObject)]
pub struct PageInfo {
    has_next_page: bool,
    /// Whether the request started after a cursor (pages only go forward).
    has_previous_page: bool,
    start_cursor: Option<String>,
    end_cursor: Option<String>,
}

impl PageInfo {
    pub fn new(
        has_next_page: bool,
        has_previous_page: bool,
        start_cursor: Option<String>,
        end_cursor: Option<String>,
    ) -> PageInfo {
        PageInfo { has_next_page, has_previous_page, start_cursor, end_cursor }
    }
}

impl ArticleConnection {
    fn node(&self, article: &Article) -> ArticleObject {
        ArticleObject { article: article.clone(), page: Arc::clone(&self.loader) }
    }

    fn cursor_of(&self, article: &Article) -> String {
        self.page.cursor_of(article).map(|c: Cursor| c.encode()).unwrap_or_default()
    }
}

#[Object]
impl ArticleConnection {
    async fn edges(&self) -> Vec<ArticleEdge> {
        self.page
            .items
            .iter()
            .map(|a| ArticleEdge { cursor: self.cursor_of(a), node: self.node(a) })
            .collect()
    }

    /// The articles alone, for clients that need no cursors.
    async fn nodes(&self) -> Vec<ArticleObject> {
        self.page.items.iter().map(|a| self.node(a)).collect()
    }

    async fn page_info(&self) -> PageInfo {
        PageInfo {
            has_next_page: self.page.has_next_page,
            has_previous_page: self.had_cursor,
            start_cursor: self.page.items.first().map(|a| self.cursor_of(a)),
            end_cursor: self.page.items.last().map(|a| self.cursor_of(a)),
        }
    }

    /// Articles matching the list's filter, counted only when selected.
    async fn total_count(&self, ctx: &Context<'_>) -> Result<u64> {
        let state = ctx.data::<AppState>()?;
        state.content.count_articles(&self.filter, self.visibility).await.map_err(graphql_error)
    }
}

/// A section of the publication. Carries the category index it came from (when it came from a
/// list), so `parent` costs no query.
pub struct CategoryObject {
    category: Category,
    index: Option<Arc<CategoryIndex>>,
}

impl CategoryObject {
    pub fn new(category: Category) -> CategoryObject {
        CategoryObject { category, index: None }
    }

    pub fn from_index(id: bantin_domain::CategoryId, index: &Arc<CategoryIndex>) -> Option<CategoryObject> {
        index.get(&id).map(|c| CategoryObject { category: c.clone(), index: Some(Arc::clone(index)) })
    }
}

#[Object(name = "Category")]
impl CategoryObject {
    async fn id(&self) -> ID {
        ID(self.category.id.to_string())
    }

    async fn slug(&self) -> &str {
        &self.category.slug
    }

    async fn name(&self) -> &str {
        &self.category.name
    }

    async fn description(&self) -> Option<&str> {
        self.category.description.as_deref()
    }

    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<CategoryObject>> {
        let Some(parent) = self.category.parent_id else { return Ok(None) };
        if let Some(index) = &self.index {
            return Ok(CategoryObject::from_index(parent, index));
        }
        let state = ctx.data::<AppState>()?;
        let mut found = state.content.categories_by_id(&[parent]).await.map_err(graphql_error)?;
        Ok(found.remove(&parent).map(CategoryObject::new))
    }

    /// The section's articles, newest first.
    #[graphql(complexity = "super::page_complexity(first, child_complexity)")]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<ArticleConnection> {
        let filter = ArticleFilter { category: Some(self.category.id), ..ArticleFilter::default() };
        article_page(ctx, filter, first, after, Visibility::public_now()).await
    }
}

/// A page of a list by name: the tags, the authors. The next page starts after
/// `pageInfo.endCursor`.
#[derive(SimpleObject)]
#[graphql(
    concrete(name = "TagConnection", params(TagObject)),
    concrete(name = "AuthorConnection", params(AuthorObject))
)]
pub struct NameConnection<T: OutputType> {
    pub nodes: Vec<T>,
    pub page_info: PageInfo,
}

impl<T: OutputType> NameConnection<T> {
    /// The page of `items` that `request` names, each shown as `node` makes it.
    pub fn page<Item: ListedByName>(
        request: &NamePageRequest,
        items: Vec<Item>,
        node: impl Fn(Item) -> T,
    ) -> NameConnection<T> {
        let (page, next_cursor) = request.page(items);
        let start_cursor = page.first().map(|(cursor, _)| cursor.clone());
        let end_cursor = page.last().map(|(cursor, _)| cursor.clone());
        let nodes = page.into_iter().map(|(_, item)| node(item)).collect();
        let page_info = PageInfo::new(next_cursor.is_some(), request.has_cursor(), start_cursor, end_cursor);
        NameConnection { nodes, page_info }
    }
}

/// A topic label tying stories together.
pub struct TagObject(pub Tag);

#[Object(name = "Tag")]
impl TagObject {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn slug(&self) -> &str {
        &self.0.slug
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Articles with this tag, newest first.
    #[graphql(complexity = "super::page_complexity(first, child_complexity)")]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<ArticleConnection> {
        let filter = ArticleFilter { tag: Some(self.0.id), ..ArticleFilter::default() };
        article_page(ctx, filter, first, after, Visibility::public_now()).await
    }
}

/// A person in bylines.
pub struct AuthorObject(pub Author);

#[Object(name = "Author")]
impl AuthorObject {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn slug(&self) -> &str {
        &self.0.slug
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn bio(&self) -> Option<&str> {
        self.0.bio.as_deref()
    }

    async fn avatar_url(&self) -> Option<&str> {
        self.0.avatar_url.as_deref()
    }

    /// Articles by this author, newest first.
    #[graphql(complexity = "super::page_complexity(first, child_complexity)")]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<ArticleConnection> {
        let filter = ArticleFilter { author: Some(self.0.id), ..ArticleFilter::default() };
        article_page(ctx, filter, first, after, Visibility::public_now()).await
    }
}

/// The publication bantin serves.
#[derive(SimpleObject)]
#[graphql(name = "Publication")]
pub struct PublicationObject {
    name: String,
    tagline: String,
    /// BCP 47 language tag (`vi`).
    language: String,
    /// The public site's base URL; article URLs hang off it.
    base_url: String,
    /// The newsroom's time zone as an offset from UTC (`+07:00`): date articles in it, so that a
    /// frontend rendering elsewhere still prints the day the newsroom's readers see.
    utc_offset: String,
}

impl From<&Publication> for PublicationObject {
    fn from(p: &Publication) -> Self {
        PublicationObject {
            name: p.name.clone(),
            tagline: p.tagline.clone(),
            language: p.language.clone(),
            base_url: p.base_url.clone(),
            utc_offset: p.utc_offset(),
        }
    }
}

/// An image: an article's cover.
#[derive(SimpleObject)]
pub struct Image {
    src: String,
    alt: String,
    caption: Option<String>,
    credit: Option<String>,
    width: Option<u32>,
    height: Option<u32>,
}

impl From<CoverImage> for Image {
    fn from(c: CoverImage) -> Self {
        Image {
            src: c.src,
            alt: c.alt,
            caption: c.caption,
            credit: c.credit,
            width: c.width,
            height: c.height,
        }
    }
}

/// An inline style.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum TextMark {
    Bold,
    Italic,
}

/// A run of paragraph text; `href` makes it a link.
#[derive(SimpleObject)]
pub struct TextSpan {
    text: String,
    marks: Vec<TextMark>,
    href: Option<String>,
}

#[derive(SimpleObject)]
pub struct ParagraphBlock {
    spans: Vec<TextSpan>,
    /// The paragraph's text without marks.
    text: String,
}

#[derive(SimpleObject)]
pub struct HeadingBlock {
    /// 2 to 4 (the title is level 1).
    level: u8,
    text: String,
}

#[derive(SimpleObject)]
pub struct ImageBlock {
    src: String,
    alt: String,
    caption: Option<String>,
    credit: Option<String>,
    width: Option<u32>,
    height: Option<u32>,
}

#[derive(SimpleObject)]
pub struct QuoteBlock {
    text: String,
    cite: Option<String>,
}

#[derive(SimpleObject)]
pub struct ListBlock {
    ordered: bool,
    items: Vec<String>,
}

#[derive(SimpleObject)]
pub struct EmbedBlock {
    /// Who hosts the embedded content (`youtube`, `twitter`, ...).
    provider: String,
    url: String,
}

/// One block of an article body.
#[derive(Union)]
#[graphql(name = "Block")]
pub enum BlockValue {
    Paragraph(ParagraphBlock),
    Heading(HeadingBlock),
    Image(ImageBlock),
    Quote(QuoteBlock),
    List(ListBlock),
    Embed(EmbedBlock),
}

impl From<Block> for BlockValue {
    fn from(block: Block) -> Self {
        match block {
            Block::Paragraph { spans } => {
                let text = spans.iter().map(|s| s.text.as_str()).collect();
                let spans = spans
                    .into_iter()
                    .map(|s| TextSpan {
                        text: s.text,
                        marks: s
                            .marks
                            .into_iter()
                            .map(|m| match m {
                                Mark::Bold => TextMark::Bold,
                                Mark::Italic => TextMark::Italic,
                            })
                            .collect(),
                        href: s.href,
                    })
                    .collect();
                BlockValue::Paragraph(ParagraphBlock { spans, text })
            }
            Block::Heading { level, text } => BlockValue::Heading(HeadingBlock { level, text }),
            Block::Image { src, alt, caption, credit, width, height } => {
                BlockValue::Image(ImageBlock { src, alt, caption, credit, width, height })
            }
            Block::Quote { text, cite } => BlockValue::Quote(QuoteBlock { text, cite }),
            Block::List { ordered, items } => BlockValue::List(ListBlock { ordered, items }),
            Block::Embed { provider, url } => BlockValue::Embed(EmbedBlock { provider, url }),
        }
    }
}
