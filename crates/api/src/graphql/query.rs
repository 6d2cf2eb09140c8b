//! The public read root: what frontends query.

use async_graphql::{Context, InputObject, Object, Result};
use bantin_domain::{NamePageRequest, Visibility, page::NAME_PAGE_SIZE};

use super::{
    article_page,
    objects::{
        ArticleConnection, ArticleObject, ArticleStatusValue, AuthorObject, CategoryObject, NameConnection,
        PublicationObject, TagObject,
    },
};
use crate::{
    AppState,
    caller::Caller,
    error::graphql_error,
    lookup::{FilterSlugs, resolve_filter},
};

/// Narrows `articles`; every field given must match. Values are slugs.
#[derive(InputObject, Default)]
pub struct ArticleFilterInput {
    category: Option<String>,
    tag: Option<String>,
    author: Option<String>,
}

#[derive(Default)]
pub struct ContentQuery;

fn state<'a>(ctx: &Context<'a>) -> Result<&'a AppState> {
    ctx.data::<AppState>()
}

#[Object]
impl ContentQuery {
    /// One published article by slug; `null` when there is none. A slug the article had before an
    /// edit changed it also finds it: compare the answer's `slug` and redirect to its URL. With
    /// `preview: true`, editors, the article's writer and holders of its preview link also get it
    /// in any status, by its slug now or a former one.
    async fn article(
        &self,
        ctx: &Context<'_>,
        slug: String,
        #[graphql(default)] preview: bool,
    ) -> Result<Option<ArticleObject>> {
        let state = state(ctx)?;
        let found = if preview {
            let caller = ctx.data::<Caller>().unwrap_or(&Caller::Anonymous);
            let any = state.newsroom.article_by_slug_any_status(&slug).await.map_err(graphql_error)?;
            any.filter(|a| a.is_public_at(chrono::Utc::now()) || caller.may_preview(a.id, a.created_by))
        } else {
            crate::lookup::article_named(state.content.as_ref(), &slug, Visibility::public_now())
                .await
                .map_err(graphql_error)?
                .map(crate::lookup::Named::into_inner)
        };
        if let Some(article) = &found {
            super::note_shown(ctx, Vec::new(), std::slice::from_ref(article));
        }
        Ok(found.and_then(|article| ArticleObject::list(state, vec![article]).pop()))
    }

    /// Published articles, newest first, optionally filtered by section, tag and author.
    #[graphql(complexity = "super::page_complexity(first, child_complexity)")]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        filter: Option<ArticleFilterInput>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "An `endCursor` from the previous page.")] after: Option<String>,
        #[graphql(desc = "Newsroom only: list articles in this status, most recently updated first \
                          (writers see their own).")]
        status: Option<ArticleStatusValue>,
    ) -> Result<ArticleConnection> {
        let visibility = match status {
            None => Visibility::public_now(),
            Some(status) => super::newsroom::newsroom_visibility(ctx, Some(status.into()))?,
        };
        let filter = filter.unwrap_or_default();
        let slugs = FilterSlugs {
            category: filter.category.as_deref().map(|s| (s, "filter.category")),
            tag: filter.tag.as_deref().map(|s| (s, "filter.tag")),
            author: filter.author.as_deref().map(|s| (s, "filter.author")),
            exclude_slug: None,
        };
        let filter = resolve_filter(state(ctx)?.content.as_ref(), slugs).await.map_err(graphql_error)?;
        article_page(ctx, filter, first, after, visibility).await
    }

    /// The newest articles ("Tin mới"): the whole publication or one section, optionally leaving
    /// out the article being read.
    #[graphql(complexity = "super::page_complexity(first, child_complexity)")]
    async fn latest(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        after: Option<String>,
        #[graphql(desc = "A section's slug.")] category: Option<String>,
        #[graphql(desc = "Slug of an article to leave out (the one being read).")] exclude_slug: Option<
            String,
        >,
    ) -> Result<ArticleConnection> {
        let slugs = FilterSlugs {
            category: category.as_deref().map(|s| (s, "category")),
            exclude_slug: exclude_slug.as_deref(),
            ..FilterSlugs::default()
        };
        let filter = resolve_filter(state(ctx)?.content.as_ref(), slugs).await.map_err(graphql_error)?;
        article_page(ctx, filter, first, after, Visibility::public_now()).await
    }

    /// Every section, each parent followed by its children.
    async fn categories(&self, ctx: &Context<'_>) -> Result<Vec<CategoryObject>> {
        let categories = state(ctx)?.content.categories().await.map_err(graphql_error)?;
        let order: Vec<_> = categories.iter().map(|c| c.id).collect();
        let index = std::sync::Arc::new(categories.into_iter().map(|c| (c.id, c)).collect());
        Ok(order.into_iter().filter_map(|id| CategoryObject::from_index(id, &index)).collect())
    }

    async fn category(&self, ctx: &Context<'_>, slug: String) -> Result<Option<CategoryObject>> {
        let category = state(ctx)?.content.category_by_slug(&slug).await.map_err(graphql_error)?;
        Ok(category.map(CategoryObject::new))
    }

    /// Tags by name ("Đà Nẵng" among the d's), a page at a time: a newsroom has thousands.
    #[graphql(
        complexity = "super::page_complexity(Some(first.unwrap_or(NAME_PAGE_SIZE as i32)), child_complexity)"
    )]
    async fn tags(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100 (default 50).")] first: Option<i32>,
        after: Option<String>,
        #[graphql(desc = "Only tags whose name starts with this, as typed: \"bac g\" finds \"Bắc Giang\".")]
        starts_with: Option<String>,
    ) -> Result<NameConnection<TagObject>> {
        let request = name_page_request(first, after, starts_with)?;
        let tags = state(ctx)?.content.tags().await.map_err(graphql_error)?;
        Ok(NameConnection::page(&request, tags, TagObject))
    }

    /// One tag by slug; `null` when there is none. The slug of a tag merged into another finds
    /// the one it was merged into: compare the answer's `slug` and redirect.
    async fn tag(&self, ctx: &Context<'_>, slug: String) -> Result<Option<TagObject>> {
        let content = state(ctx)?.content.as_ref();
        let tag = crate::lookup::tag_named(content, &slug).await.map_err(graphql_error)?;
        Ok(tag.map(|tag| TagObject(tag.into_inner())))
    }

    /// Authors by name, a page at a time.
    #[graphql(
        complexity = "super::page_complexity(Some(first.unwrap_or(NAME_PAGE_SIZE as i32)), child_complexity)"
    )]
    async fn authors(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100 (default 50).")] first: Option<i32>,
        after: Option<String>,
        #[graphql(desc = "Only authors whose name starts with this, as typed: \"ba d\" finds \"Bá Đoàn\".")]
        starts_with: Option<String>,
    ) -> Result<NameConnection<AuthorObject>> {
        let request = name_page_request(first, after, starts_with)?;
        let authors = state(ctx)?.content.authors().await.map_err(graphql_error)?;
        Ok(NameConnection::page(&request, authors, AuthorObject))
    }

    async fn author(&self, ctx: &Context<'_>, slug: String) -> Result<Option<AuthorObject>> {
        Ok(state(ctx)?.content.author_by_slug(&slug).await.map_err(graphql_error)?.map(AuthorObject))
    }

    /// The publication: name, tagline, language and site URL.
    async fn publication(&self, ctx: &Context<'_>) -> Result<PublicationObject> {
        Ok(PublicationObject::from(&state(ctx)?.config.publication))
    }
}

/// A list-by-name page request from GraphQL arguments.
fn name_page_request(
    first: Option<i32>,
    after: Option<String>,
    starts_with: Option<String>,
) -> Result<NamePageRequest> {
    NamePageRequest::parse(
        first.map(i64::from),
        after.as_deref(),
        starts_with.as_deref(),
        ("first", "after", "startsWith"),
    )
    .map_err(graphql_error)
}
