//! Delta sync for partners: replaying `GET /api/v1/changes` into a copy makes the copy equal to
//! what the public sees, through publishes, edits, unpublishes, deletes and scheduled articles.

use std::collections::BTreeMap;

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use crate::helpers::{Desk, assert_error, create_draft, desk, lifecycle, partner_token};

/// Applies every page of changes since `cursor` to `copy`; returns the new cursor.
async fn sync(
    desk: &Desk,
    token: &str,
    copy: &mut BTreeMap<String, String>,
    cursor: Option<String>,
) -> String {
    let mut cursor = cursor;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/changes?limit=2&since={c}"),
            None => "/api/v1/changes?limit=2".to_owned(),
        };
        let (status, body) = desk.app.get_as(token, &path).await;
        assert_eq!(status.as_u16(), 200, "{body}");
        for item in body["items"].as_array().expect("items") {
            match item["type"].as_str() {
                Some("upsert") => {
                    let article = &item["article"];
                    copy.insert(
                        article["id"].as_str().expect("id").to_owned(),
                        article["title"].as_str().expect("title").to_owned(),
                    );
                    assert!(article["body"].is_array(), "upserts carry the whole article");
                }
                Some("delete") => {
                    copy.remove(item["id"].as_str().expect("id"));
                }
                other => panic!("unknown change type {other:?}"),
            }
        }
        cursor = Some(body["nextCursor"].as_str().expect("cursor").to_owned());
        if body["hasMore"] != true {
            return cursor.unwrap_or_default();
        }
    }
}

async fn public_view(desk: &Desk) -> BTreeMap<String, String> {
    let (_, body) = desk.app.get("/api/v1/latest?limit=100").await;
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|a| (a["id"].as_str().expect("id").to_owned(), a["title"].as_str().expect("title").to_owned()))
        .collect()
}

fn revision(body: &Value, mutation: &str) -> i64 {
    body["data"][mutation]["revision"].as_i64().expect("revision")
}

#[actix_web::test]
async fn a_copy_fed_by_the_change_feed_converges_on_the_public_view() {
    let desk = desk().await;
    let app = &desk.app;
    let reader = partner_token(&desk, "api:read").await;
    let mut copy = BTreeMap::new();

    let mut published = Vec::new();
    for title in ["Tin một", "Tin hai", "Tin ba", "Tin bốn"] {
        let (id, r, _) = create_draft(app, &desk.editor, title).await;
        let (_, body) = lifecycle(app, &desk.editor, "publishArticle", &id, r).await;
        published.push((id, revision(&body, "publishArticle")));
    }
    create_draft(app, &desk.writer, "Bản nháp riêng").await;
    let cursor = sync(&desk, &reader, &mut copy, None).await;
    assert_eq!(copy, public_view(&desk).await);
    assert_eq!(copy.len(), 4);

    // Edit, unpublish, delete, and schedule something a moment ahead.
    let (id, r) = &published[0];
    app.query_as(
        &desk.editor,
        "mutation($id: ID!, $r: Int!) { updateArticle(id: $id, revision: $r, input: {title: \"Tin một (sửa)\"}) { revision } }",
        json!({ "id": id, "r": r }),
    )
    .await;
    lifecycle(app, &desk.editor, "unpublishArticle", &published[1].0, published[1].1).await;
    lifecycle(app, &desk.admin, "deleteArticle", &published[2].0, published[2].1).await;
    let (scheduled, r, _) = create_draft(app, &desk.editor, "Tin hẹn giờ").await;
    app.query_as(
        &desk.editor,
        "mutation($id: ID!, $r: Int!, $at: DateTime!) { scheduleArticle(id: $id, revision: $r, at: $at) { status } }",
        json!({ "id": scheduled, "r": r, "at": (Utc::now() + Duration::seconds(2)).to_rfc3339() }),
    )
    .await;
    let cursor = sync(&desk, &reader, &mut copy, Some(cursor)).await;
    assert_eq!(copy, public_view(&desk).await);
    let mut titles: Vec<_> = copy.values().cloned().collect();
    titles.sort();
    assert_eq!(titles, ["Tin bốn", "Tin một (sửa)"]);

    // The scheduled article becomes public with no write at all; the next poll brings it.
    actix_web::rt::time::sleep(std::time::Duration::from_millis(3_100)).await;
    sync(&desk, &reader, &mut copy, Some(cursor)).await;
    assert_eq!(copy, public_view(&desk).await);
    assert!(copy.values().any(|t| t == "Tin hẹn giờ"));
}

#[actix_web::test]
async fn the_change_feed_needs_a_token_with_api_read_and_a_cursor_it_issued() {
    let desk = desk().await;
    let (status, body) = desk.app.get("/api/v1/changes").await;
    assert_error(status, &body, 401, "UNAUTHENTICATED");
    let feeds_only = partner_token(&desk, "feeds:full").await;
    let (status, body) = desk.app.get_as(&feeds_only, "/api/v1/changes").await;
    assert_error(status, &body, 403, "FORBIDDEN");
    let reader = partner_token(&desk, "api:read").await;
    for path in ["/api/v1/changes?since=forged", "/api/v1/changes?limit=0", "/api/v1/changes?limit=501"] {
        let (status, body) = desk.app.get_as(&reader, path).await;
        assert_error(status, &body, 400, "BAD_REQUEST");
    }
}
