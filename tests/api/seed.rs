//! `bantin seed` through the store: volume, determinism, resumption, and concurrent writers.

use std::collections::HashSet;

use bantin::seed::{SeedArgs, seed};
use bantin_domain::{ArticleFilter, ContentReader, PageRequest, Visibility};
use chrono::DateTime;

use crate::helpers::{Newsroom, Story, fresh_store};

fn args(count: u64, seed: u64) -> SeedArgs {
    SeedArgs {
        count,
        seed,
        if_empty: false,
        anchor: Some(DateTime::from_timestamp(1_780_000_000, 0).expect("valid")),
        batch_size: 64,
    }
}

async fn all_slugs(store: &bantin_persistence::Store) -> Vec<String> {
    let mut slugs = Vec::new();
    let mut page = PageRequest::first(100);
    let far_future = Visibility::Public { now: DateTime::from_timestamp(4_000_000_000, 0).expect("valid") };
    loop {
        let result = store.articles(&ArticleFilter::default(), &page, far_future).await.expect("page");
        slugs.extend(result.items.iter().map(|a| a.slug.clone()));
        match result.next_cursor() {
            Some(cursor) => page.after = Some(cursor),
            None => return slugs,
        }
    }
}

#[actix_web::test]
async fn seeding_writes_the_taxonomy_and_articles_with_progress() {
    let (store, _dir) = fresh_store().await;
    let mut progress = Vec::new();
    let report =
        seed(&store, &args(300, 1), |done, total| progress.push((done, total))).await.expect("seeded");
    assert_eq!(report.written, 300);
    assert_eq!(store.article_count().await.expect("count"), 300);
    assert_eq!(progress.first(), Some(&(64, 300)));
    assert_eq!(progress.last(), Some(&(300, 300)));
    assert!(store.categories().await.expect("categories").len() >= 10);
    assert!(store.tags().await.expect("tags").len() >= 100);
    assert!(store.authors().await.expect("authors").len() >= 20);
    let public =
        store.count_articles(&ArticleFilter::default(), Visibility::public_now()).await.expect("count");
    assert!(
        public > 250 && public < 300,
        "most seeded articles are public, a few are drafts or scheduled: {public}"
    );
}

#[actix_web::test]
async fn the_same_seed_writes_the_same_articles_and_a_second_run_continues_numbering() {
    let (first, _a) = fresh_store().await;
    let (second, _b) = fresh_store().await;
    seed(&first, &args(120, 7), |_, _| {}).await.expect("seeded");
    seed(&second, &args(120, 7), |_, _| {}).await.expect("seeded");
    let slugs = all_slugs(&first).await;
    assert_eq!(slugs, all_slugs(&second).await);

    seed(&first, &args(80, 7), |_, _| {}).await.expect("seeded again");
    let slugs = all_slugs(&first).await;
    assert_eq!(slugs.len(), 200);
    assert_eq!(slugs.iter().collect::<HashSet<_>>().len(), 200, "slugs stay unique across runs");
    assert!(store_has_one_taxonomy(&first).await);

    let mut if_empty = args(50, 7);
    if_empty.if_empty = true;
    let report = seed(&first, &if_empty, |_, _| {}).await.expect("no-op");
    assert_eq!(report.written, 0);
    assert_eq!(first.article_count().await.expect("count"), 200);
}

async fn store_has_one_taxonomy(store: &bantin_persistence::Store) -> bool {
    let tags = store.tags().await.expect("tags");
    tags.iter().map(|t| &t.slug).collect::<HashSet<_>>().len() == tags.len()
}

#[actix_web::test]
async fn concurrent_writers_all_succeed_without_busy_errors() {
    let (store, _dir) = fresh_store().await;
    let newsroom = Newsroom::new(&store).await;
    let writers = (0..8).map(|writer| {
        let newsroom = &newsroom;
        async move {
            for batch in 0..5 {
                let stories = (0..10)
                    .map(|i| {
                        let title: &'static str =
                            Box::leak(format!("Người viết {writer} lô {batch} bài {i}").into_boxed_str());
                        Story::published(title, "thoi-su", i)
                    })
                    .collect();
                newsroom.write(stories).await;
            }
        }
    });
    futures_util::future::join_all(writers).await;
    assert_eq!(store.article_count().await.expect("count"), 8 * 5 * 10);
}
