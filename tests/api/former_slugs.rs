//! Links that outlive a slug: an article whose slug an edit changed, and a tag merged into
//! another, stay reachable by their old slugs (REST 301, GraphQL the content under its slug now).

use awc::http::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Desk, TestApp, create_draft, desk, header, lifecycle, published, send};

const RENAME: &str = "mutation($id: ID!, $r: Int!, $slug: String!) {
  updateArticle(id: $id, revision: $r, input: { slug: $slug }) { slug revision } }";

const ARTICLE: &str = "query($slug: String!) { article(slug: $slug) { slug title } }";
const TAG: &str = "query($slug: String!) { tag(slug: $slug) { slug } }";

/// GET `path` without following redirects; returns the status, the body and `Location`.
async fn get_unfollowed(app: &TestApp, path: &str) -> (StatusCode, Value, Option<String>) {
    let client = awc::Client::builder().disable_redirects().finish();
    let (status, body, headers) = send(client.get(format!("{}{path}", app.address)), None).await;
    (status, body, header(&headers, "location").map(str::to_owned))
}

async fn rename(desk: &Desk, id: &str, revision: i64, slug: &str) -> i64 {
    let data =
        desk.app.query_as(&desk.editor, RENAME, json!({ "id": id, "r": revision, "slug": slug })).await;
    assert_eq!(data["updateArticle"]["slug"], slug);
    data["updateArticle"]["revision"].as_i64().expect("revision")
}

#[actix_web::test]
async fn an_article_keeps_answering_at_the_slugs_it_had_before() {
    let desk = desk().await;
    let app = &desk.app;
    let (id, revision, first) = published(&desk, "Khánh thành cầu mới ở Bắc Giang").await;
    let revision = rename(&desk, &id, revision, "cau-moi-bac-giang").await;
    rename(&desk, &id, revision, "cau-moi-bac-giang-khanh-thanh").await;
    let now = "cau-moi-bac-giang-khanh-thanh";

    // Both earlier slugs lead to the slug now, the path and query string kept.
    for old in [first.as_str(), "cau-moi-bac-giang"] {
        let (status, body, location) = get_unfollowed(app, &format!("/api/v1/articles/{old}")).await;
        assert_eq!(status, StatusCode::MOVED_PERMANENTLY, "{body}");
        assert_eq!(body["error"]["code"], "MOVED");
        assert_eq!(location.as_deref(), Some(format!("/api/v1/articles/{now}").as_str()));
        let (status, _, location) =
            get_unfollowed(app, &format!("/api/v1/articles/{old}/related?limit=2")).await;
        assert_eq!(status, StatusCode::MOVED_PERMANENTLY);
        assert_eq!(location.as_deref(), Some(format!("/api/v1/articles/{now}/related?limit=2").as_str()));
        // A client that follows redirects (the test client does) gets the article.
        let (status, body) = app.get(&format!("/api/v1/articles/{old}")).await;
        assert_eq!((status, body["slug"].as_str()), (StatusCode::OK, Some(now)), "{body}");
        let data = app.query(ARTICLE, json!({ "slug": old })).await;
        assert_eq!(data["article"]["slug"], now);
    }

    // A new article given a former slug takes it over: the old link leads there from now.
    let data = app
        .query_as(
            &desk.editor,
            "mutation($input: CreateArticleInput!) { createArticle(input: $input) { id revision slug } }",
            json!({ "input": { "title": "Bài khác", "slug": first, "category": "thoi-su", "sapo": "Sapo." } }),
        )
        .await;
    let taken = data["createArticle"].clone();
    assert_eq!(taken["slug"], first.as_str());
    let revision = taken["revision"].as_i64().expect("revision");
    let id_taken = taken["id"].as_str().expect("id");
    lifecycle(app, &desk.editor, "publishArticle", id_taken, revision).await;
    let (status, body, _) = get_unfollowed(app, &format!("/api/v1/articles/{first}")).await;
    assert_eq!((status, body["title"].as_str()), (StatusCode::OK, Some("Bài khác")), "{body}");

    // A slug that spells a word of the path is replaced where the slug is, and only there.
    let data = app
        .query_as(
            &desk.editor,
            "mutation($input: CreateArticleInput!) { createArticle(input: $input) { id revision } }",
            json!({ "input": { "title": "Tin liên quan", "slug": "related", "category": "thoi-su", "sapo": "Sapo." } }),
        )
        .await;
    let id = data["createArticle"]["id"].as_str().expect("id").to_owned();
    let revision = data["createArticle"]["revision"].as_i64().expect("revision");
    let (_, body) = lifecycle(app, &desk.editor, "publishArticle", &id, revision).await;
    rename(
        &desk,
        &id,
        body["data"]["publishArticle"]["revision"].as_i64().expect("revision"),
        "tin-lien-quan",
    )
    .await;
    let (status, _, location) = get_unfollowed(app, "/api/v1/articles/related/related?limit=1").await;
    assert_eq!(status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(location.as_deref(), Some("/api/v1/articles/tin-lien-quan/related?limit=1"));

    // Renaming a draft leaks nothing: its old slug is as unknown as any other.
    let (draft, revision, draft_slug) = create_draft(app, &desk.writer, "Bản nháp chưa đăng").await;
    let data = app
        .query_as(&desk.writer, RENAME, json!({ "id": draft, "r": revision, "slug": "ban-nhap-doi-ten" }))
        .await;
    assert_eq!(data["updateArticle"]["slug"], "ban-nhap-doi-ten");
    let (status, body, location) = get_unfollowed(app, &format!("/api/v1/articles/{draft_slug}")).await;
    assert_eq!((status, location), (StatusCode::NOT_FOUND, None), "{body}");
    assert!(app.query(ARTICLE, json!({ "slug": draft_slug })).await["article"].is_null());
}

#[actix_web::test]
async fn a_merged_tag_leads_to_the_tag_it_was_merged_into_through_later_merges() {
    let desk = desk().await;
    let app = &desk.app;
    // create_draft tags its article bac-giang.
    published(&desk, "Vải thiều Bắc Giang vào vụ").await;
    let merge = "mutation($from: String!, $into: String!) { mergeTags(from: $from, into: $into) { slug } }";
    app.query_as(&desk.admin, merge, json!({ "from": "bac-giang", "into": "thanh-hoa" })).await;

    assert_eq!(app.query(TAG, json!({ "slug": "bac-giang" })).await["tag"]["slug"], "thanh-hoa");
    let (status, body) = app.get("/api/v1/articles?tag=bac-giang").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["items"][0]["tags"][0]["slug"], "thanh-hoa", "{body}");
    let (status, _, location) = get_unfollowed(app, "/feeds/tag/bac-giang.rss?limit=5").await;
    assert_eq!(status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(location.as_deref(), Some("/feeds/tag/thanh-hoa.rss?limit=5"));

    // Merged again: both former slugs follow.
    app.query_as(&desk.admin, merge, json!({ "from": "thanh-hoa", "into": "lao" })).await;
    for old in ["bac-giang", "thanh-hoa"] {
        assert_eq!(app.query(TAG, json!({ "slug": old })).await["tag"]["slug"], "lao", "{old}");
        let (status, body, location) = get_unfollowed(app, &format!("/api/v1/tags/{old}")).await;
        assert_eq!(status, StatusCode::MOVED_PERMANENTLY, "{body}");
        assert_eq!(location.as_deref(), Some("/api/v1/tags/lao"));
    }
    let (status, body) = app.get("/api/v1/tags/bac-giang").await;
    assert_eq!(
        (status, &body["slug"]),
        (StatusCode::OK, &json!("lao")),
        "a client that follows gets the tag"
    );
    // A tag created with a merged slug is found by it again, itself.
    app.query_as(&desk.admin, "mutation { createTag(name: \"Bắc Giang\") { slug } }", json!({})).await;
    assert_eq!(app.query(TAG, json!({ "slug": "bac-giang" })).await["tag"]["slug"], "bac-giang");
    assert!(app.query(TAG, json!({ "slug": "no-such-tag" })).await["tag"].is_null());
}
