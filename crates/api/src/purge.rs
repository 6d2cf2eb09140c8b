//! The purge hook: after a change made through this node, POSTs the `Surrogate-Key`s it made
//! stale to a configured URL as `{"keys": [...]}`, so a CDN (or a relay in front of one) can drop
//! exactly those answers. Off unless `BANTIN_PURGE_URL` is set.
//!
//! The hook is best effort and never delays or fails the write: a CDN that misses a purge still
//! drops the answer when its `max-age` ends. This node's own response cache does not need it.

use std::collections::BTreeSet;

use bantin_domain::{Article, ArticleId, ContentReader};

use crate::http_cache::CONTENT_KEY;

pub struct PurgeHook {
    url: Option<String>,
}

impl PurgeHook {
    pub fn new(url: Option<String>) -> PurgeHook {
        PurgeHook { url: url.filter(|u| !u.trim().is_empty()) }
    }

    pub fn enabled(&self) -> bool {
        self.url.is_some()
    }

    /// Sends `keys` in the background.
    pub fn purge(&self, keys: BTreeSet<String>) {
        let Some(url) = self.url.clone() else { return };
        actix_web::rt::spawn(async move {
            let body = serde_json::json!({ "keys": keys });
            match awc::Client::default().post(&url).send_json(&body).await {
                Ok(response) if response.status().is_success() => {}
                Ok(response) => tracing::warn!(%url, status = %response.status(), "the purge hook refused"),
                Err(err) => tracing::warn!(%url, error = %err, "could not call the purge hook"),
            }
        });
    }

    /// Everything that shows every article: for taxonomy renames, merges and deletions.
    pub fn purge_everything(&self) {
        self.purge(BTreeSet::from([CONTENT_KEY.to_owned()]))
    }
}

/// What an article's public face may appear in: itself, the lists it belongs to, search and
/// related lists (REST, feeds and GraphQL answers all name these).
pub(crate) async fn article_keys(content: &dyn ContentReader, article: &Article) -> BTreeSet<String> {
    let id: ArticleId = article.id;
    let mut keys: BTreeSet<String> = [
        format!("article-{id}"),
        format!("category-{}", article.category_id),
        "latest".to_owned(),
        "search".to_owned(),
        "related".to_owned(),
    ]
    .into();
    // Tag and author pages list it too. A failed read only makes the purge coarser.
    if let Ok(tags) = content.tags_of(&[id]).await {
        keys.extend(tags.values().flatten().map(|t| format!("tag-{}", t.id)));
    }
    if let Ok(authors) = content.authors_of(&[id]).await {
        keys.extend(authors.values().flatten().map(|a| format!("author-{}", a.id)));
    }
    keys
}
