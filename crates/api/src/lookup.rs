//! Turns what clients name by slug (a category, tag or author to filter by) into the ids the
//! repository filters on, and finds what a slug names for public reads, former slugs included.
//! Shared by GraphQL and REST so both reject the same inputs the same way.

use bantin_domain::{Article, ArticleFilter, ContentReader, Error, Result, Tag, Visibility, text::quoted};

/// Filter values as a client sent them, with the parameter names it used, for error messages.
#[derive(Debug, Default)]
pub(crate) struct FilterSlugs<'a> {
    pub category: Option<(&'a str, &'static str)>,
    pub tag: Option<(&'a str, &'static str)>,
    pub author: Option<(&'a str, &'static str)>,
    pub exclude_slug: Option<&'a str>,
}

/// Resolves each named slug; an unknown one is a client error naming the parameter.
pub(crate) async fn resolve_filter(
    content: &dyn ContentReader,
    slugs: FilterSlugs<'_>,
) -> Result<ArticleFilter> {
    let unknown = |param: &str, kind: &str, slug: &str| {
        Error::invalid(param, format!("no {kind} has the slug {}", quoted(slug)))
    };
    let mut filter =
        ArticleFilter { exclude_slug: slugs.exclude_slug.map(str::to_owned), ..ArticleFilter::default() };
    if let Some((slug, param)) = slugs.category {
        let category =
            content.category_by_slug(slug).await?.ok_or_else(|| unknown(param, "category", slug))?;
        filter.category = Some(category.id);
    }
    if let Some((slug, param)) = slugs.tag {
        let tag = tag_named(content, slug).await?.ok_or_else(|| unknown(param, "tag", slug))?.into_inner();
        filter.tag = Some(tag.id);
    }
    if let Some((slug, param)) = slugs.author {
        let author = content.author_by_slug(slug).await?.ok_or_else(|| unknown(param, "author", slug))?;
        filter.author = Some(author.id);
    }
    Ok(filter)
}

/// What a slug names: content that has it now, or content that had it before an edit or a merge
/// changed it. GraphQL answers either; REST and feeds answer the second with a 301 to its slug now.
pub(crate) enum Named<T> {
    Now(T),
    Before(T),
}

impl<T> Named<T> {
    pub(crate) fn into_inner(self) -> T {
        match self {
            Named::Now(content) | Named::Before(content) => content,
        }
    }
}

/// The tag with `slug`, or else the tag a tag with that slug was merged into: its articles, and
/// those who linked to it, are the target's now.
pub(crate) async fn tag_named(content: &dyn ContentReader, slug: &str) -> Result<Option<Named<Tag>>> {
    if let Some(tag) = content.tag_by_slug(slug).await? {
        return Ok(Some(Named::Now(tag)));
    }
    Ok(content.tag_by_former_slug(slug).await?.map(Named::Before))
}

/// The article with `slug` visible under `visibility`, or else the one that had that slug before an
/// edit changed it (under its slug now, which tells a client to redirect).
pub(crate) async fn article_named(
    content: &dyn ContentReader,
    slug: &str,
    visibility: Visibility,
) -> Result<Option<Named<Article>>> {
    if let Some(article) = content.article_by_slug(slug, visibility).await? {
        return Ok(Some(Named::Now(article)));
    }
    Ok(content.article_by_former_slug(slug, visibility).await?.map(Named::Before))
}
