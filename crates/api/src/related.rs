//! Related articles for both transports, with a per-article cache: ranking reads several indexes,
//! and an article page asks for the same list on every view. The cache keys on the content
//! version, so any write anywhere (which may change tags, sections or text that rank) makes every
//! entry stale at once.

use bantin_domain::{Article, ArticleId, AtVersion, Result, Visibility, related::RelatedItem};

use crate::AppState;

/// Entries kept before the cache starts over; each is one short list.
const CAPACITY: usize = 10_000;

/// The public related lists ranked at the current content version: (article, how many) → the list.
pub struct RelatedCache {
    lists: AtVersion<(ArticleId, u32), Vec<Article>>,
}

impl Default for RelatedCache {
    fn default() -> RelatedCache {
        RelatedCache { lists: AtVersion::new(CAPACITY) }
    }
}

impl RelatedCache {
    fn get(&self, key: (ArticleId, u32), version: u64) -> Option<Vec<Article>> {
        self.lists.get(&key, version)
    }

    fn put(&self, key: (ArticleId, u32), version: u64, list: Vec<Article>) {
        self.lists.put(key, version, list);
    }
}

/// How many related articles a client may ask for: `requested` from 1 to `MAX_RELATED`, else an
/// error naming `field`; `DEFAULT_RELATED` when it named none.
pub(crate) fn limit(requested: Option<i64>, field: &str) -> Result<u32> {
    use crate::rest::{DEFAULT_RELATED, MAX_RELATED};
    match requested {
        None => Ok(DEFAULT_RELATED),
        Some(n) if (1..=i64::from(MAX_RELATED)).contains(&n) => Ok(n as u32),
        Some(n) => {
            Err(bantin_domain::Error::invalid(field, format!("must be between 1 and {MAX_RELATED}, got {n}")))
        }
    }
}

/// The public related list of `article`.
pub(crate) async fn public(state: &AppState, article: &Article, limit: u32) -> Result<Vec<Article>> {
    // Read the version before ranking: a write during ranking then leaves this entry stale.
    let version = state.content.content_version();
    let key = (article.id, limit);
    let cached = state.config.related_cache;
    if let Some(list) = cached.then(|| state.related_cache.get(key, version)).flatten() {
        return Ok(list);
    }
    let items =
        state.content.related(article, limit, &state.config.related, Visibility::public_now()).await?;
    let list: Vec<Article> = items.into_iter().map(|i| i.article).collect();
    if cached {
        state.related_cache.put(key, version, list.clone());
    }
    Ok(list)
}

/// The same list with each ranked item's score parts (for editors tuning the weights).
pub(crate) async fn explained(state: &AppState, article: &Article, limit: u32) -> Result<Vec<RelatedItem>> {
    state.content.related(article, limit, &state.config.related, Visibility::public_now()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_newer_version_drops_every_older_list_and_a_late_older_one_is_ignored() {
        let cache = RelatedCache::default();
        cache.put((ArticleId(1), 6), 1, Vec::new());
        cache.put((ArticleId(2), 6), 1, Vec::new());
        assert!(cache.get((ArticleId(1), 6), 1).is_some());
        cache.put((ArticleId(3), 6), 2, Vec::new());
        assert_eq!(cache.lists.len(), 1, "older lists are gone");
        assert!(cache.get((ArticleId(1), 6), 1).is_none());
        cache.put((ArticleId(1), 6), 1, Vec::new());
        assert!(cache.get((ArticleId(1), 6), 1).is_none(), "a list ranked before the change is not kept");
        assert!(cache.get((ArticleId(3), 6), 2).is_some());
    }
}
