//! Search, shared by GraphQL and REST: parse, find candidates, rank, slice a page, and build
//! snippets for that page only.

use bantin_domain::{
    Article, ContentReader, Error, PageRequest, Result, Visibility,
    search::{self, SearchFilter, SearchQuery, Snippet},
};

use crate::lookup::{FilterSlugs, resolve_filter};

/// What a client asked for, with the names of its parameters (they differ between transports).
pub(crate) struct SearchRequest<'a> {
    pub query: (&'a str, &'static str),
    pub slugs: FilterSlugs<'a>,
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    pub to: Option<chrono::DateTime<chrono::Utc>>,
    pub first: (Option<i64>, &'static str),
    pub after: (Option<&'a str>, &'static str),
    pub visibility: Visibility,
}

pub(crate) struct SearchHit {
    pub article: Article,
    pub score: f64,
    pub snippet: Snippet,
    pub cursor: String,
}

pub(crate) struct SearchPage {
    pub hits: Vec<SearchHit>,
    pub total: usize,
    pub next_cursor: Option<String>,
    pub had_cursor: bool,
}

fn renamed(err: Error, field: &str) -> Error {
    match err {
        Error::Validation { reason, .. } => Error::invalid(field, reason),
        other => other,
    }
}

pub(crate) async fn run(content: &dyn ContentReader, request: SearchRequest<'_>) -> Result<SearchPage> {
    let query = SearchQuery::parse(request.query.0).map_err(|e| renamed(e, request.query.1))?;
    // The same page-size rule as every list; search cursors are offsets, read below.
    let first = PageRequest::parse(request.first.0, None, (request.first.1, request.after.1))?.first as usize;
    let offset = request.after.0.map(|c| search::decode_offset(c, request.after.1)).transpose()?.unwrap_or(0);
    if let (Some(from), Some(to)) = (request.from, request.to) {
        if from > to {
            return Err(Error::invalid("from", "must not be after `to`"));
        }
    }
    let filter = SearchFilter {
        articles: resolve_filter(content, request.slugs).await?,
        from: request.from,
        to: request.to,
    };
    let candidates = content.search(&query, &filter, request.visibility).await?;
    let ranked = search::rank(&query, candidates);
    let total = ranked.len();
    let page: Vec<(Article, f64)> = ranked.into_iter().skip(offset).take(first).collect();
    let ids: Vec<_> = page.iter().map(|(a, _)| a.id).collect();
    let bodies = content.bodies(&ids).await?;
    let hits = page
        .into_iter()
        .enumerate()
        .map(|(i, (article, score))| {
            let body = bodies.get(&article.id).map(|b| b.plain_text()).unwrap_or_default();
            let snippet = search::snippet(&query, &[&article.sapo, &body, &article.title]);
            SearchHit { article, score, snippet, cursor: search::encode_offset(offset + i + 1) }
        })
        .collect::<Vec<_>>();
    let end = offset + hits.len();
    Ok(SearchPage {
        next_cursor: (end < total).then(|| search::encode_offset(end)),
        hits,
        total,
        had_cursor: offset > 0,
    })
}
