//! `search`: ranked full-text results with highlighted snippets.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject};
use bantin_domain::Visibility;
use chrono::{DateTime, Utc};

use super::objects::{ArticleObject, PageInfo};
use crate::{
    AppState,
    error::graphql_error,
    lookup::FilterSlugs,
    search::{self, SearchRequest},
};

/// Narrows a search; values are slugs and publication times.
#[derive(InputObject, Default)]
pub struct SearchFilterInput {
    category: Option<String>,
    tag: Option<String>,
    author: Option<String>,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
}

/// A run of text around the first match, in its original spelling.
#[derive(SimpleObject)]
pub struct SearchSnippet {
    text: String,
    /// Character ranges of matched words in `text`.
    highlights: Vec<TextRange>,
}

#[derive(SimpleObject)]
pub struct TextRange {
    start: u32,
    /// Exclusive.
    end: u32,
}

#[derive(SimpleObject)]
pub struct SearchEdge {
    cursor: String,
    node: ArticleObject,
    /// Relevance; higher is better. Comparable within one search only.
    score: f64,
    snippet: SearchSnippet,
}

/// Ranked results (at most 300 are ranked and paged).
#[derive(SimpleObject)]
pub struct SearchConnection {
    edges: Vec<SearchEdge>,
    page_info: PageInfo,
    total_count: u32,
}

#[derive(Default)]
pub struct SearchQueryRoot;

#[Object]
impl SearchQueryRoot {
    /// Full-text search over published articles. Diacritics and case are ignored ("bac giang"
    /// finds "Bắc Giang"); typed diacritics rank exact matches first. `preview: true` lets the
    /// newsroom search unpublished articles too.
    #[graphql(complexity = "super::page_complexity(first, child_complexity)")]
    async fn search(
        &self,
        ctx: &Context<'_>,
        query: String,
        filter: Option<SearchFilterInput>,
        first: Option<i32>,
        after: Option<String>,
        #[graphql(default)] preview: bool,
    ) -> Result<SearchConnection> {
        let state = ctx.data::<AppState>()?;
        let visibility =
            if preview { super::newsroom::newsroom_visibility(ctx, None)? } else { Visibility::public_now() };
        let filter = filter.unwrap_or_default();
        let request = SearchRequest {
            query: (&query, "query"),
            slugs: FilterSlugs {
                category: filter.category.as_deref().map(|s| (s, "filter.category")),
                tag: filter.tag.as_deref().map(|s| (s, "filter.tag")),
                author: filter.author.as_deref().map(|s| (s, "filter.author")),
                exclude_slug: None,
            },
            from: filter.from,
            to: filter.to,
            first: (first.map(i64::from), "first"),
            after: (after.as_deref(), "after"),
            visibility,
        };
        let page = search::run(state.content.as_ref(), request).await.map_err(graphql_error)?;
        let articles: Vec<_> = page.hits.iter().map(|h| h.article.clone()).collect();
        super::note_shown(ctx, vec!["search".to_owned()], &articles);
        let nodes = ArticleObject::list(state, articles);
        let start_cursor = page.hits.first().map(|h| h.cursor.clone());
        let end_cursor = page.hits.last().map(|h| h.cursor.clone());
        let edges = page
            .hits
            .into_iter()
            .zip(nodes)
            .map(|(hit, node)| SearchEdge {
                cursor: hit.cursor,
                node,
                score: hit.score,
                snippet: SearchSnippet {
                    text: hit.snippet.text,
                    highlights: hit
                        .snippet
                        .highlights
                        .into_iter()
                        .map(|(s, e)| TextRange { start: s as u32, end: e as u32 })
                        .collect(),
                },
            })
            .collect();
        Ok(SearchConnection {
            edges,
            page_info: PageInfo::new(page.next_cursor.is_some(), page.had_cursor, start_cursor, end_cursor),
            total_count: page.total as u32,
        })
    }
}
