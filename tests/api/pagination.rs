//! Keyset pagination: every article exactly once, in order, even with equal timestamps and with
//! articles published between two page requests.

use std::collections::HashSet;

use serde_json::{Value, json};

use crate::helpers::{Newsroom, Story, TestApp, spawn_app};

/// Walks `latest` page by page through GraphQL; returns slugs in order.
async fn walk_graphql(app: &TestApp, first: i64, mut between_pages: impl AsyncFnMut(usize)) -> Vec<String> {
    let mut slugs = Vec::new();
    let mut after = Value::Null;
    for page in 0.. {
        let data = app
            .query(
                "query($first: Int, $after: String) { latest(first: $first, after: $after) {
                   edges { cursor node { slug } } pageInfo { hasNextPage endCursor hasPreviousPage } } }",
                json!({ "first": first, "after": after }),
            )
            .await;
        let connection = &data["latest"];
        assert_eq!(connection["pageInfo"]["hasPreviousPage"], page > 0);
        let edges = connection["edges"].as_array().expect("edges");
        slugs.extend(edges.iter().map(|e| e["node"]["slug"].as_str().expect("slug").to_owned()));
        if connection["pageInfo"]["hasNextPage"] != true {
            break;
        }
        assert_eq!(connection["pageInfo"]["endCursor"], edges.last().expect("non-empty page")["cursor"]);
        after = connection["pageInfo"]["endCursor"].clone();
        between_pages(page).await;
    }
    slugs
}

fn stories_with_shared_timestamps() -> Vec<Story> {
    // 23 articles over 6 distinct minutes: pages of 4 split groups of equal timestamps.
    (0..23)
        .map(|i| {
            let title: &'static str = Box::leak(format!("Bản tin số {i}").into_boxed_str());
            Story::published(title, "thoi-su", i / 4)
        })
        .collect()
}

#[actix_web::test]
async fn pages_cover_every_article_once_even_when_timestamps_are_equal() {
    let app = spawn_app().await;
    let newsroom = Newsroom::new(&app.store).await;
    newsroom.write(stories_with_shared_timestamps()).await;

    let slugs = walk_graphql(&app, 4, async |_| {}).await;
    assert_eq!(slugs.len(), 23);
    assert_eq!(slugs.iter().collect::<HashSet<_>>().len(), 23, "no duplicates: {slugs:?}");
    // Newest minute first; within a minute, the later-inserted (higher id) first.
    assert_eq!(slugs[0], "ban-tin-so-22");
    assert_eq!(slugs[1], "ban-tin-so-21");
    assert_eq!(slugs[22], "ban-tin-so-0");

    // REST walks the same order with its own parameter names.
    let mut rest = Vec::new();
    let mut path = "/api/v1/latest?limit=5".to_owned();
    loop {
        let (status, body) = app.get(&path).await;
        assert_eq!(status.as_u16(), 200, "{body}");
        rest.extend(
            body["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|i| i["slug"].as_str().expect("slug").to_owned()),
        );
        match body["nextCursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/latest?limit=5&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(rest, slugs);
}

#[actix_web::test]
async fn articles_published_between_two_page_requests_shift_nothing() {
    let app = spawn_app().await;
    let newsroom = Newsroom::new(&app.store).await;
    newsroom.write(stories_with_shared_timestamps()).await;

    let slugs = walk_graphql(&app, 4, async |page| {
        // Newer articles land at the top of the list while a reader pages through it.
        let title: &'static str = Box::leak(format!("Tin nóng {page}").into_boxed_str());
        newsroom.write(vec![Story::published(title, "thoi-su", 1_000 + page as i64)]).await;
    })
    .await;
    let expected: Vec<String> = (0..23).rev().map(|i| format!("ban-tin-so-{i}")).collect();
    assert_eq!(slugs, expected, "the original articles, each once, in order");
}

#[actix_web::test]
async fn a_deep_page_of_a_tag_or_author_pages_by_keyset_too() {
    let app = spawn_app().await;
    let newsroom = Newsroom::new(&app.store).await;
    let stories = (0..30)
        .map(|i| {
            let title: &'static str = Box::leak(format!("Bắc Giang bản tin {i}").into_boxed_str());
            let story = Story::published(title, "thoi-su", i / 3);
            if i % 2 == 0 { story.tags(&["bac-giang"]).authors(&["minh-anh"]) } else { story }
        })
        .collect();
    newsroom.write(stories).await;
    for query in [
        r#"query($after: String) { tag(slug: "bac-giang") { articles(first: 4, after: $after) { nodes { slug } pageInfo { hasNextPage endCursor } } } }"#,
        r#"query($after: String) { author(slug: "minh-anh") { articles(first: 4, after: $after) { nodes { slug } pageInfo { hasNextPage endCursor } } } }"#,
    ] {
        let mut seen = Vec::new();
        let mut after = Value::Null;
        loop {
            let data = app.query(query, json!({ "after": after })).await;
            let connection =
                data.as_object().and_then(|o| o.values().next()).expect("root field")["articles"].clone();
            seen.extend(
                connection["nodes"]
                    .as_array()
                    .expect("nodes")
                    .iter()
                    .map(|n| n["slug"].as_str().expect("slug").to_owned()),
            );
            if connection["pageInfo"]["hasNextPage"] != true {
                break;
            }
            after = connection["pageInfo"]["endCursor"].clone();
        }
        let expected: Vec<String> =
            (0..30).rev().filter(|i| i % 2 == 0).map(|i| format!("bac-giang-ban-tin-{i}")).collect();
        assert_eq!(seen, expected, "{query}");
    }
}

#[actix_web::test]
async fn a_cursor_from_the_future_pages_only_what_is_public_now() {
    let app = spawn_app().await;
    let newsroom = Newsroom::new(&app.store).await;
    let now = chrono::Utc::now();
    newsroom
        .write(vec![
            Story::published("Tin đã đăng một", "thoi-su", 1),
            Story::published("Tin đã đăng hai", "thoi-su", 2),
            Story::published("Tin hẹn giờ ngày mai", "thoi-su", 0).at(now + chrono::Duration::days(1)),
        ])
        .await;
    // A cursor no page gave: later than the scheduled article, and than now.
    let cursor = bantin_domain::Cursor {
        at: now + chrono::Duration::days(10),
        id: bantin_domain::ArticleId(i64::MAX),
    }
    .encode();
    for path in [
        format!("/api/v1/articles?category=thoi-su&cursor={cursor}"),
        format!("/api/v1/latest?cursor={cursor}"),
    ] {
        let (status, body) = app.get(&path).await;
        assert_eq!(status, awc::http::StatusCode::OK, "{path}: {body}");
        let titles: Vec<&str> = body["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|item| item["title"].as_str().expect("title"))
            .collect();
        assert_eq!(titles, ["Tin đã đăng hai", "Tin đã đăng một"], "{path}");
    }
}
