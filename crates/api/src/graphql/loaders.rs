//! Page-scoped loaders: the relations of every article in one list load in one query per
//! relation, however long the list (no N+1), and only for relations the query selects.
//!
//! Why not async-graphql's `DataLoader`: it batches whatever keys arrive within a time window
//! (1 ms by default) after the first one. A list of more than 32 items is polled in slices, so on a
//! busy machine its keys can straddle two windows and one relation costs two queries; and every
//! level of relations pays the window as latency. Here the batch is the list itself, known when the
//! list is fetched, so the statement count is fixed and no request waits on a timer.

use std::{collections::HashMap, sync::Arc};

use bantin_domain::{Article, ArticleId, Author, Body, Category, CategoryId, ContentReader, Result, Tag};
use tokio::sync::OnceCell;

/// Every category, by id: sections are few, so one query serves any page and any parent lookup.
pub type CategoryIndex = HashMap<CategoryId, Category>;

/// The shared loading state of one list of articles (a page, a `related` list, or one article).
pub struct PageLoader {
    content: Arc<dyn ContentReader>,
    ids: Vec<ArticleId>,
    authors: OnceCell<HashMap<ArticleId, Vec<Author>>>,
    tags: OnceCell<HashMap<ArticleId, Vec<Tag>>>,
    bodies: OnceCell<HashMap<ArticleId, Body>>,
    categories: OnceCell<Arc<CategoryIndex>>,
}

impl PageLoader {
    pub fn new(content: Arc<dyn ContentReader>, articles: &[Article]) -> Arc<PageLoader> {
        Arc::new(PageLoader {
            content,
            ids: articles.iter().map(|a| a.id).collect(),
            authors: OnceCell::new(),
            tags: OnceCell::new(),
            bodies: OnceCell::new(),
            categories: OnceCell::new(),
        })
    }

    pub async fn authors(&self, id: ArticleId) -> Result<Vec<Author>> {
        let all = self.authors.get_or_try_init(|| self.content.authors_of(&self.ids)).await?;
        Ok(all.get(&id).cloned().unwrap_or_default())
    }

    pub async fn tags(&self, id: ArticleId) -> Result<Vec<Tag>> {
        let all = self.tags.get_or_try_init(|| self.content.tags_of(&self.ids)).await?;
        Ok(all.get(&id).cloned().unwrap_or_default())
    }

    pub async fn body(&self, id: ArticleId) -> Result<Body> {
        let all = self.bodies.get_or_try_init(|| self.content.bodies(&self.ids)).await?;
        Ok(all.get(&id).cloned().unwrap_or_default())
    }

    pub async fn categories(&self) -> Result<Arc<CategoryIndex>> {
        let index = self
            .categories
            .get_or_try_init(|| async {
                let all = self.content.categories().await?;
                Ok::<_, bantin_domain::Error>(Arc::new(all.into_iter().map(|c| (c.id, c)).collect()))
            })
            .await?;
        Ok(Arc::clone(index))
    }
}
