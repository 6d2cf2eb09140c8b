//! Turns what clients name by slug (a category, tag or author to filter by) into the ids the
//! repository filters on, and finds what a slug names for public reads, former slugs included.
//! Shared by GraphQL and REST so both reject the same inputs the same way.

use bantin_domain::{Article, ArticleFilter, ContentReader, Error, Result, Tag, Visibility};

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
        Error::invalid(param, format!("no {kind} has the slug '{slug}'"))
    };
    let mut filter =
        ArticleFilter { exclude_slug: slugs.exclude_slug.map(str::to_owned), ..ArticleFilter::default() };
    if let Some((slug, param)) = slugs.category {
        let category =
            content.category_by_slug(slug).await?.ok_or_else(|| unknown(param, "category", slug))?;
        filter.category = Some(category.id);
    }
    if let Some((slug, param)) = slugs.tag {
        let tag = tag_by_slug_or_former(content, slug).await?.ok_or_else(|| unknown(param, "tag", slug))?;
        filter.tag = Some(tag.id);
    }
    if let Some((slug, param)) = slugs.author {
        let author = content.author_by_slug(slug).await?.ok_or_else(|| unknown(param, "author", slug))?;
        filter.author = Some(author.id);
    }
    Ok(filter)
}

/// The tag with `slug`, or else the tag a tag with that slug was merged into: its articles, and
/// those who linked to it, are the target's now.
pub(crate) async fn tag_by_slug_or_former(content: &dyn ContentReader, slug: &str) -> Result<Option<Tag>> {
    match content.tag_by_slug(slug).await? {
        Some(tag) => Ok(Some(tag)),
        None => content.tag_by_former_slug(slug).await,
    }
}

/// The article with `slug` visible under `visibility`, or else the one that had that slug before an
/// edit changed it (under its slug now, which tells a client to redirect).
pub(crate) async fn article_by_slug_or_former(
    content: &dyn ContentReader,
    slug: &str,
    visibility: Visibility,
) -> Result<Option<Article>> {
    match content.article_by_slug(slug, visibility).await? {
        Some(article) => Ok(Some(article)),
        None => content.article_by_former_slug(slug, visibility).await,
    }
}
