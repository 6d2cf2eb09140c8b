//! `bantin seed` through the store: volume, determinism, resumption, and concurrent writers.

use std::collections::HashSet;

use bantin::seed::{SeedArgs, seed};
use bantin_domain::{ArticleFilter, ContentReader, PageRequest, Visibility};
use chrono::DateTime;

use crate::helpers::{Newsroom, Story, first_value, fresh_store, on_postgres};

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

/// A seed into empty tables defers their secondary indexes and, on SQLite, writes the search index
/// in many segments; its last transaction builds the one and merges the other.
#[actix_web::test]
async fn a_seed_ends_with_its_deferred_indexes_built_and_one_search_segment() {
    let (store, database) = fresh_store().await;
    let db = sea_orm::Database::connect(&database.url).await.expect("database");
    let indexes = if on_postgres() {
        "SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema()"
    } else {
        "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
    };
    let before = first_value::<i64>(&db, indexes).await;
    let mut progress = Vec::new();
    seed(&store, &args(300, 5), |done, total| progress.push((done, total))).await.expect("seeded");
    assert_eq!(progress.last(), Some(&(300, 300)));
    assert_eq!(first_value::<i64>(&db, indexes).await, before, "every index is back");
    assert_eq!(first_value::<i64>(&db, "SELECT count(*) FROM deferred_indexes").await, 0);
    if !on_postgres() {
        for table in ["article_headlines", "article_search"] {
            let segments =
                first_value::<i64>(&db, &format!("SELECT count(DISTINCT segid) FROM {table}_idx")).await;
            assert_eq!(segments, 1, "{table} is merged into one segment");
        }
    }
    db.close().await.expect("closed");
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

#[actix_web::test]
async fn bylines_tags_and_search_entries_belong_to_their_article_after_a_gap_in_ids() {
    use sea_orm::ConnectionTrait;
    let (store, database) = fresh_store().await;
    seed(&store, &args(90, 3), |_, _| {}).await.expect("seeded");
    let db = sea_orm::Database::connect(&database.url).await.expect("database");
    // Ids taken and never used (a rolled-back insert), so the next batch does not start at max + 1.
    let skip = if crate::helpers::on_postgres() {
        "SELECT setval(pg_get_serial_sequence('articles', 'id'), (SELECT MAX(id) FROM articles) + 100)"
    } else {
        "UPDATE sqlite_sequence SET seq = seq + 100 WHERE name = 'articles'"
    };
    db.execute_unprepared(skip).await.expect("ids skipped");
    let before = first_value::<i64>(&db, "SELECT MAX(id) FROM articles").await;
    seed(&store, &args(150, 4), |_, _| {}).await.expect("seeded after the gap");
    assert_eq!(
        first_value::<i64>(&db, &format!("SELECT MIN(id) FROM articles WHERE id > {before}")).await,
        before + 101
    );
    // Bylines and tags carry their article's publication time: a link stored under the wrong id
    // shows as a mismatch (the seed's dates are all different).
    for links in ["article_authors", "article_tags"] {
        let wrong = first_value::<i64>(
            &db,
            &format!(
                "SELECT COUNT(*) FROM {links} l JOIN articles a ON a.id = l.article_id \
                 WHERE l.published_at <> a.published_at"
            ),
        )
        .await;
        assert_eq!(wrong, 0, "{links} under another article's id");
    }
    let without_byline = first_value::<i64>(
        &db,
        "SELECT COUNT(*) FROM articles a WHERE NOT EXISTS \
         (SELECT 1 FROM article_authors l WHERE l.article_id = a.id)",
    )
    .await;
    assert_eq!(without_byline, 0);
    // Every article is found by its own title's words, and by nothing else's id.
    let newest = store.article_count().await.expect("count");
    assert_eq!(newest, 240);
    let (id, title): (i64, String) = {
        let statement = sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT id, title FROM articles ORDER BY id DESC LIMIT 1",
        );
        let row = db.query_one_raw(statement).await.expect("newest").expect("a row");
        (row.try_get_by_index(0).expect("id"), row.try_get_by_index(1).expect("title"))
    };
    let query = bantin_domain::search::SearchQuery::parse(&title).expect("a query");
    let found = store
        .search(&query, &Default::default(), Visibility::Newsroom { status: None, created_by: None })
        .await
        .expect("search");
    assert!(found.iter().any(|c| c.article.id.0 == id), "the newest article is found by its title");
    let _ = db.close().await;
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
