//! Turns what clients name by slug (a category, tag or author to filter by) into the ids the
//! repository filters on. Shared by GraphQL and REST so both reject the same inputs the same way.

use bantin_domain::{ArticleFilter, ContentReader, Error, Result};

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
        let tag = match content.tag_by_slug(slug).await? {
            Some(tag) => Some(tag),
            // A tag merged into another: its articles are the target's now.
            None => content.tag_by_former_slug(slug).await?,
        };
        let tag = tag.ok_or_else(|| unknown(param, "tag", slug))?;
        filter.tag = Some(tag.id);
    }
    if let Some((slug, param)) = slugs.author {
        let author = content.author_by_slug(slug).await?.ok_or_else(|| unknown(param, "author", slug))?;
        filter.author = Some(author.id);
    }
    Ok(filter)
}
