//! Only published articles, and scheduled ones whose time has come, are public; no job is needed
//! for a scheduled article to appear.

use bantin_domain::ArticleStatus;
use chrono::{Duration, Utc};
use serde_json::json;

use crate::helpers::{Newsroom, Story, spawn_app};

#[actix_web::test]
async fn drafts_archived_and_future_articles_stay_private_and_due_ones_appear_by_themselves() {
    let app = spawn_app().await;
    let newsroom = Newsroom::new(&app.store).await;
    newsroom
        .write(vec![
            Story::published("Tin công khai", "thoi-su", 1).tags(&["bac-giang"]),
            Story::published("Bản nháp bí mật", "thoi-su", 2)
                .tags(&["bac-giang"])
                .status(ArticleStatus::Draft),
            Story::published("Bài lưu trữ cũ", "thoi-su", 3)
                .tags(&["bac-giang"])
                .status(ArticleStatus::Archived),
            Story::published("Hẹn giờ đã đến", "thoi-su", 4)
                .tags(&["bac-giang"])
                .status(ArticleStatus::Scheduled),
            Story::published("Hẹn giờ tương lai", "thoi-su", 0)
                .at(Utc::now() + Duration::days(30))
                .tags(&["bac-giang"])
                .status(ArticleStatus::Scheduled),
        ])
        .await;
    // A scheduled article whose time comes while the server runs.
    let soon = Utc::now() + Duration::seconds(2);
    newsroom
        .write(vec![
            Story::published("Hẹn giờ sắp đến", "thoi-su", 0).at(soon).status(ArticleStatus::Scheduled),
        ])
        .await;
    let private = ["ban-nhap-bi-mat", "bai-luu-tru-cu", "hen-gio-tuong-lai", "hen-gio-sap-den"];

    let surfaces = [
        "/api/v1/latest",
        "/api/v1/articles",
        "/api/v1/articles?tag=bac-giang",
        "/api/v1/articles?category=thoi-su",
        "/api/v1/articles?author=ba-doan",
        "/api/v1/articles/tin-cong-khai/related",
    ];
    let graphql_sweep = r#"{ latest { nodes { slug } totalCount }
        articles { nodes { slug } totalCount }
        tag(slug: "bac-giang") { articles { nodes { slug } totalCount } }
        category(slug: "thoi-su") { articles { nodes { slug } totalCount } }
        author(slug: "ba-doan") { articles { nodes { slug } totalCount } }
        article(slug: "tin-cong-khai") { related(first: 20) { slug } } }"#;
    let mut seen = String::new();
    for path in surfaces {
        let (status, body) = app.get(path).await;
        assert_eq!(status.as_u16(), 200, "{path}");
        seen.push_str(&body.to_string());
    }
    let data = app.query(graphql_sweep, json!({})).await;
    seen.push_str(&data.to_string());
    for slug in private {
        assert!(!seen.contains(slug), "{slug} leaked");
        let (status, _) = app.get(&format!("/api/v1/articles/{slug}")).await;
        assert_eq!(status.as_u16(), 404, "{slug} by slug over REST");
        let data = app.query("query($s: String!) { article(slug: $s) { slug } }", json!({ "s": slug })).await;
        assert!(data["article"].is_null(), "{slug} by slug over GraphQL");
    }
    assert!(seen.contains("tin-cong-khai") && seen.contains("hen-gio-da-den"));
    assert_eq!(data["latest"]["totalCount"], 2);

    let data = app.query(r#"{ article(slug: "hen-gio-da-den") { status } }"#, json!({})).await;
    assert_eq!(data["article"]["status"], "PUBLISHED", "a due scheduled article reads as published");

    // Stored timestamps are whole seconds; wait past the scheduled second.
    let wait = (soon - Utc::now()).to_std().unwrap_or_default() + std::time::Duration::from_millis(1_100);
    actix_web::rt::time::sleep(wait).await;
    let data = app
        .query(r#"{ article(slug: "hen-gio-sap-den") { slug status } latest { totalCount } }"#, json!({}))
        .await;
    assert_eq!(data["article"]["slug"], "hen-gio-sap-den", "appears on its own at its time");
    assert_eq!(data["latest"]["totalCount"], 3);
}
