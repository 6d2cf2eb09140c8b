//! The article lifecycle through GraphQL: drafts, review, publishing, conflicts, revisions,
//! previews, permissions, and that nothing unpublished ever leaks.

use chrono::{TimeDelta, Utc};
use serde_json::{Value, json};

use crate::helpers::{CREATE, Desk, assert_unauthenticated, create_draft, desk, first_error, lifecycle};

const UPDATE: &str = "mutation($id: ID!, $r: Int!, $input: UpdateArticleInput!) {
  updateArticle(id: $id, revision: $r, input: $input) { revision title slug sapo status } }";

#[actix_web::test]
async fn a_newsroom_writes_reviews_publishes_and_fixes_an_article() {
    let desk = desk().await;
    let app = &desk.app;
    let (id, revision, slug) = create_draft(app, &desk.writer, "Bắc Giang mở lễ hội vải thiều").await;
    assert_eq!(slug, "bac-giang-mo-le-hoi-vai-thieu");
    assert_eq!(revision, 1);
    let (_, created) = app
        .graphql_as(
            &desk.writer,
            "query($id: ID!) { articleById(id: $id) { status authors { slug } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(created["data"]["articleById"]["status"], "DRAFT");
    assert_eq!(
        created["data"]["articleById"]["authors"],
        json!([{ "slug": "ba-doan" }]),
        "byline defaults to the writer"
    );

    let data = app
        .query_as(&desk.writer, UPDATE, json!({ "id": id, "r": 1, "input": { "sapo": "Sapo mới." } }))
        .await;
    assert_eq!(data["updateArticle"]["revision"], 2);
    let (_, submitted) = lifecycle(app, &desk.writer, "submitArticle", &id, 2).await;
    assert_eq!(submitted["data"]["submitArticle"]["revision"], 3);

    // Writers cannot publish; editors can.
    let (_, refused) = lifecycle(app, &desk.writer, "publishArticle", &id, 3).await;
    assert_eq!(first_error(&refused).0, "FORBIDDEN");
    let (_, published) = lifecycle(app, &desk.editor, "publishArticle", &id, 3).await;
    assert_eq!(published["data"]["publishArticle"]["status"], "PUBLISHED");
    let (_, public) = app.get(&format!("/api/v1/articles/{slug}")).await;
    assert_eq!(public["sapo"], "Sapo mới.");

    // The writer may no longer change it; an editor fixes it after publication.
    let (_, body) =
        app.graphql_as(&desk.writer, UPDATE, json!({ "id": id, "r": 4, "input": { "title": "Sửa" } })).await;
    assert_eq!(first_error(&body).0, "FORBIDDEN");
    let fixed = app
        .query_as(
            &desk.editor,
            UPDATE,
            json!({ "id": id, "r": 4, "input": { "title": "Bắc Giang khai mạc lễ hội vải thiều" } }),
        )
        .await;
    assert_eq!(fixed["updateArticle"]["revision"], 5);
    assert_eq!(fixed["updateArticle"]["slug"], slug, "the slug stays when the title changes");
    let (_, public) = app.get(&format!("/api/v1/articles/{slug}")).await;
    assert_eq!(public["title"], "Bắc Giang khai mạc lễ hội vải thiều");

    // Revisions record who did what; restoring puts old content back as a new revision.
    let data = app
        .query_as(
            &desk.editor,
            "query($id: ID!) { articleRevisions(id: $id) { revision changed title userId } }",
            json!({ "id": id }),
        )
        .await;
    let revisions = data["articleRevisions"].as_array().expect("revisions");
    let changes: Vec<_> = revisions.iter().map(|r| r["changed"].clone()).collect();
    assert_eq!(
        changes,
        vec![json!(["title"]), json!(["publish"]), json!(["submit"]), json!(["sapo"]), json!(["created"])]
    );
    assert_eq!(revisions[0]["userId"], "2", "the editor made the last change");
    let data = app
        .query_as(
            &desk.editor,
            "mutation($id: ID!) { restoreRevision(id: $id, revision: 5, toRevision: 1) { revision title sapo status } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(data["restoreRevision"]["revision"], 6);
    assert_eq!(data["restoreRevision"]["title"], "Bắc Giang mở lễ hội vải thiều");
    assert_eq!(data["restoreRevision"]["status"], "PUBLISHED", "restoring changes content, not status");
}

#[actix_web::test]
async fn a_stale_revision_conflicts_and_changes_nothing() {
    let desk = desk().await;
    let app = &desk.app;
    let (id, _, _) = create_draft(app, &desk.editor, "Tin hai biên tập viên cùng sửa").await;
    app.query_as(
        &desk.editor,
        UPDATE,
        json!({ "id": id, "r": 1, "input": { "sapo": "Bản của người thứ nhất." } }),
    )
    .await;
    let (_, body) = app
        .graphql_as(
            &desk.admin,
            UPDATE,
            json!({ "id": id, "r": 1, "input": { "sapo": "Bản của người thứ hai." } }),
        )
        .await;
    let (code, message) = first_error(&body);
    assert_eq!(code, "CONFLICT");
    assert!(message.contains("revision 2"), "{message}");
    assert_eq!(body["errors"][0]["extensions"]["currentRevision"], 2);
    let data = app
        .query_as(
            &desk.editor,
            "query($id: ID!) { articleById(id: $id) { sapo revision } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(data["articleById"], json!({ "sapo": "Bản của người thứ nhất.", "revision": 2 }));
}

#[actix_web::test]
async fn concurrent_saves_at_one_revision_let_exactly_one_win() {
    let desk = desk().await;
    let app = &desk.app;
    let (id, _, _) = create_draft(app, &desk.editor, "Tin nhiều người cùng lưu").await;
    let editor = desk.editor.as_str();
    let saves = (0..200).map(|i| {
        let input = json!({ "id": id, "r": 1, "input": { "sapo": format!("Phiên bản {i}") } });
        async move { app.graphql_as(editor, UPDATE, input).await.1 }
    });
    let results = futures_util::future::join_all(saves).await;
    let wins = results.iter().filter(|r| r.get("errors").is_none()).count();
    let conflicts = results.iter().filter(|r| first_error(r).0 == "CONFLICT").count();
    assert_eq!((wins, conflicts), (1, 199), "{results:?}");
    let data = app
        .query_as(
            &desk.editor,
            "query($id: ID!) { articleRevisions(id: $id) { revision } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(data["articleRevisions"].as_array().map(Vec::len), Some(2));
}

#[actix_web::test]
async fn concurrent_creates_with_one_slug_store_exactly_one() {
    let desk = desk().await;
    let app = &desk.app;
    let editor = desk.editor.as_str();
    let creates = (0..50).map(|i| {
        let input = json!({ "input": { "title": format!("Bản tin {i}"), "slug": "mot-duong-dan", "category": "thoi-su" } });
        async move { app.graphql_as(editor, CREATE, input).await.1 }
    });
    let results = futures_util::future::join_all(creates).await;
    let created = results.iter().filter(|r| r.get("errors").is_none()).count();
    let taken = results.iter().filter(|r| first_error(r).0 == "SLUG_TAKEN").count();
    assert_eq!((created, taken), (1, 49), "{results:?}");
    let data =
        app.query_as(editor, "{ articles(first: 100, status: DRAFT) { totalCount } }", json!({})).await;
    assert_eq!(data["articles"]["totalCount"], 1, "nothing half-written");
}

#[actix_web::test]
async fn slugs_are_generated_unique_and_a_taken_one_is_refused_by_name() {
    let desk = desk().await;
    let app = &desk.app;
    let (_, _, first) = create_draft(app, &desk.editor, "Thanh Hóa đón mưa lớn").await;
    let (_, _, second) = create_draft(app, &desk.editor, "Thanh Hóa đón mưa lớn").await;
    assert_eq!((first.as_str(), second.as_str()), ("thanh-hoa-don-mua-lon", "thanh-hoa-don-mua-lon-2"));
    let (_, body) = app
        .graphql_as(
            &desk.editor,
            CREATE,
            json!({ "input": { "title": "Khác", "slug": "thanh-hoa-don-mua-lon", "category": "thoi-su" } }),
        )
        .await;
    assert_eq!(first_error(&body).0, "SLUG_TAKEN");
    assert_eq!(body["errors"][0]["extensions"]["slug"], "thanh-hoa-don-mua-lon");
}

#[actix_web::test]
async fn invalid_input_names_the_field_and_writes_nothing() {
    let desk = desk().await;
    let app = &desk.app;
    let before = app.store.article_count().await.expect("count");
    let cases: [(Value, &str); 8] = [
        (json!({ "title": "  ", "category": "thoi-su" }), "title"),
        (json!({ "title": "x".repeat(301), "category": "thoi-su" }), "title"),
        (json!({ "title": "Tin", "sapo": "s".repeat(1001), "category": "thoi-su" }), "sapo"),
        (json!({ "title": "Tin", "category": "khong-co" }), "category"),
        (json!({ "title": "Tin", "category": "thoi-su", "tags": ["khong-co"] }), "tags"),
        (json!({ "title": "Tin", "slug": "Có Dấu", "category": "thoi-su" }), "slug"),
        (
            json!({ "title": "Tin", "category": "thoi-su", "body": [{ "paragraph": { "spans": [{ "text": "x", "href": "javascript:alert(1)" }] } }] }),
            "body[0].spans[0].href",
        ),
        (
            json!({ "title": "Tin", "category": "thoi-su", "body": [{ "heading": { "level": 7, "text": "x" } }] }),
            "body[0].level",
        ),
    ];
    for (input, field) in cases {
        let (_, body) = app.graphql_as(&desk.editor, CREATE, json!({ "input": input })).await;
        let (code, message) = first_error(&body);
        assert_eq!(code, "BAD_USER_INPUT", "{input}: {body}");
        assert!(message.starts_with(field), "{message:?} should name {field}");
    }
    let (_, body) = app
        .graphql_as(
            &desk.editor,
            CREATE,
            json!({ "input": { "title": "Tin", "category": "thoi-su",
            "cover": { "src": "data:image/png;base64,AAAA" } } }),
        )
        .await;
    assert!(first_error(&body).1.starts_with("cover.src"), "{body}");
    assert_eq!(app.store.article_count().await.expect("count"), before, "nothing was written");
}

#[actix_web::test]
async fn a_nul_character_anywhere_in_an_input_is_refused_and_writes_nothing() {
    let desk = desk().await;
    let app = &desk.app;
    let (id, _, _) = create_draft(app, &desk.editor, "Tin có ký tự lạ").await;
    let before = app.store.article_count().await.expect("count");
    let create = |input: Value| json!({ "input": input });
    let cases: [(&str, Value); 5] = [
        (CREATE, create(json!({ "title": "Tin\u{0}", "category": "thoi-su" }))),
        (CREATE, create(json!({ "title": "Tin", "category": "thoi-su", "tags": ["\u{0}"] }))),
        (
            CREATE,
            create(json!({ "title": "Tin", "category": "thoi-su",
                "body": [{ "paragraph": { "spans": [{ "text": "a\u{0}b" }] } }] })),
        ),
        (UPDATE, json!({ "id": id, "r": 1, "input": { "sapo": "\u{0}" } })),
        ("mutation { createTag(name: \"Thẻ\\u0000\") { slug } }", json!({})),
    ];
    for (document, variables) in cases {
        let (_, body) = app.graphql_as(&desk.editor, document, variables.clone()).await;
        let (code, message) = first_error(&body);
        assert_eq!(code, "BAD_USER_INPUT", "{variables}: {body}");
        assert!(message.contains("U+0000"), "{message}");
    }
    assert_eq!(app.store.article_count().await.expect("count"), before, "nothing was written");
    let data = app
        .query_as(
            &desk.editor,
            "query($id: ID!) { articleById(id: $id) { revision sapo } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(data["articleById"]["revision"], 1, "the draft was not changed");
    // In a URL: no stored slug holds one, so it is no article (PostgreSQL refused to even compare).
    for path in ["/api/v1/articles/%00", "/api/v1/articles/%00/related", "/api/v1/articles?tag=%00"] {
        let (status, body) = app.get(path).await;
        assert!(status.is_client_error(), "{path}: {status} {body}");
        assert!(body["error"]["code"].is_string(), "{path}: {body}");
    }
}

#[actix_web::test]
async fn scheduling_needs_a_future_time_and_the_article_appears_at_it() {
    let desk = desk().await;
    let app = &desk.app;
    let (id, _, slug) = create_draft(app, &desk.editor, "Tin hẹn giờ đăng").await;
    let schedule = "mutation($id: ID!, $r: Int!, $at: DateTime!) { scheduleArticle(id: $id, revision: $r, at: $at) { status revision } }";
    let past = (Utc::now() - TimeDelta::minutes(5)).to_rfc3339();
    let (_, body) = app.graphql_as(&desk.editor, schedule, json!({ "id": id, "r": 1, "at": past })).await;
    assert_eq!(first_error(&body).0, "BAD_USER_INPUT");
    let soon = (Utc::now() + TimeDelta::seconds(2)).to_rfc3339();
    let data = app.query_as(&desk.editor, schedule, json!({ "id": id, "r": 1, "at": soon })).await;
    assert_eq!(data["scheduleArticle"]["status"], "SCHEDULED");
    let (status, _) = app.get(&format!("/api/v1/articles/{slug}")).await;
    assert_eq!(status.as_u16(), 404, "not before its time");
    actix_web::rt::time::sleep(std::time::Duration::from_millis(3_100)).await;
    let (status, body) = app.get(&format!("/api/v1/articles/{slug}")).await;
    assert_eq!(status.as_u16(), 200, "{body}");
    assert_eq!(body["status"], "published");
}

#[actix_web::test]
async fn previews_open_drafts_only_for_those_with_the_right() {
    let desk = desk().await;
    let app = &desk.app;
    let (id, revision, slug) = create_draft(app, &desk.writer, "Bản nháp cần xem trước").await;
    let (other_id, _, _) = create_draft(app, &desk.editor, "Bản nháp khác").await;
    let preview = "query($s: String!) { article(slug: $s, preview: true) { title status } }";

    let anonymous = app.query(preview, json!({ "s": slug })).await;
    assert!(anonymous["article"].is_null());
    let other_writer = app.query_as(&desk.other_writer, preview, json!({ "s": slug })).await;
    assert!(other_writer["article"].is_null(), "a writer sees only their own drafts");
    for token in [&desk.writer, &desk.editor] {
        let data = app.query_as(token, preview, json!({ "s": slug })).await;
        assert_eq!(data["article"]["status"], "DRAFT");
    }
    let not_preview = app
        .query_as(&desk.editor, "query($s: String!) { article(slug: $s) { title } }", json!({ "s": slug }))
        .await;
    assert!(not_preview["article"].is_null(), "without preview: true, only public articles");

    // A preview link opens this one article, for anyone holding it, and nothing else.
    let data = app
        .query_as(
            &desk.writer,
            "mutation($id: ID!) { previewToken(id: $id) { token expiresAt } }",
            json!({ "id": id }),
        )
        .await;
    let link = data["previewToken"]["token"].as_str().expect("token").to_owned();
    let data = app.query_as(&link, preview, json!({ "s": slug })).await;
    assert_eq!(data["article"]["title"], "Bản nháp cần xem trước");
    let data = app
        .query_as(&link, "query($id: ID!) { articleById(id: $id) { title } }", json!({ "id": other_id }))
        .await;
    assert!(data["articleById"].is_null());
    // A preview link cannot write.
    let (status, body) =
        app.graphql_as(&link, "mutation { createTag(name: \"Thử\") { slug } }", json!({})).await;
    assert_unauthenticated(status, &body);

    // Renamed, the draft still opens by its old slug (a preview link built before the rename),
    // under its new slug, for the same people only.
    let data = app
        .query_as(
            &desk.writer,
            "mutation($id: ID!, $r: Int!) { updateArticle(id: $id, revision: $r, input: { slug: \"ban-nhap-doi-ten\" }) { slug } }",
            json!({ "id": id, "r": revision }),
        )
        .await;
    assert_eq!(data["updateArticle"]["slug"], "ban-nhap-doi-ten");
    let preview_slug = "query($s: String!) { article(slug: $s, preview: true) { slug status } }";
    for token in [&desk.writer, &desk.editor, &link] {
        let data = app.query_as(token, preview_slug, json!({ "s": slug })).await;
        assert_eq!(data["article"]["slug"], "ban-nhap-doi-ten", "by the slug it had");
        assert_eq!(data["article"]["status"], "DRAFT");
    }
    let anonymous = app.query(preview_slug, json!({ "s": slug })).await;
    assert!(anonymous["article"].is_null(), "{anonymous}");
    let other_writer = app.query_as(&desk.other_writer, preview_slug, json!({ "s": slug })).await;
    assert!(other_writer["article"].is_null(), "{other_writer}");
}

#[actix_web::test]
async fn every_role_and_operation_pair_is_allowed_or_refused_as_documented() {
    // (operation, admin, editor, writer on their own draft)
    let table = [
        ("createArticle", true, true, true),
        ("updateArticle", true, true, true),
        ("submitArticle", true, true, true),
        ("publishArticle", true, true, false),
        ("scheduleArticle", true, true, false),
        ("unpublishArticle", true, true, false),
        ("archiveArticle", true, true, false),
        ("restoreRevision", true, true, true),
        ("deleteArticle", true, false, false),
        ("previewToken", true, true, true),
        ("createTag", true, true, false),
        ("issuePartnerToken", true, false, false),
    ];
    let desk = desk().await;
    let app = &desk.app;
    for (operation, admin, editor, writer) in table {
        for (token, allowed) in [(&desk.admin, admin), (&desk.editor, editor), (&desk.writer, writer)] {
            let (id, revision, _) = create_draft(app, token, "Bài kiểm tra quyền").await;
            let at = (Utc::now() + TimeDelta::days(1)).to_rfc3339();
            let (query, variables) = match operation {
                "createArticle" => (CREATE.to_owned(), json!({ "input": { "title": "Tin mới", "category": "thoi-su" } })),
                "updateArticle" => (UPDATE.to_owned(), json!({ "id": id, "r": revision, "input": { "sapo": "Sửa." } })),
                "scheduleArticle" => (
                    "mutation($id: ID!, $r: Int!, $at: DateTime!) { scheduleArticle(id: $id, revision: $r, at: $at) { status } }".to_owned(),
                    json!({ "id": id, "r": revision, "at": at }),
                ),
                "restoreRevision" => (
                    "mutation($id: ID!, $r: Int!) { restoreRevision(id: $id, revision: $r, toRevision: 1) { status } }".to_owned(),
                    json!({ "id": id, "r": revision }),
                ),
                "previewToken" => ("mutation($id: ID!) { previewToken(id: $id) { token } }".to_owned(), json!({ "id": id })),
                "createTag" => ("mutation { createTag(name: \"Thẻ kiểm tra quyền\") { slug } }".to_owned(), json!({})),
                "issuePartnerToken" => (
                    "mutation($at: DateTime!) { issuePartnerToken(name: \"P\", scopes: [\"api:read\"], expiresAt: $at) { token } }".to_owned(),
                    json!({ "at": at }),
                ),
                "deleteArticle" => ("mutation($id: ID!, $r: Int!) { deleteArticle(id: $id, revision: $r) }".to_owned(), json!({ "id": id, "r": revision })),
                lifecycle_step => (
                    format!("mutation($id: ID!, $r: Int!) {{ {lifecycle_step}(id: $id, revision: $r) {{ status }} }}"),
                    json!({ "id": id, "r": revision }),
                ),
            };
            let (_, body) = app.graphql_as(token, &query, variables).await;
            let outcome = first_error(&body).0;
            if allowed {
                assert!(body.get("errors").is_none(), "{operation} should be allowed: {body}");
            } else {
                assert_eq!(outcome, "FORBIDDEN", "{operation} should be refused: {body}");
            }
            if operation == "createTag" && allowed {
                app.query_as(&desk.admin, "mutation { deleteTag(slug: \"the-kiem-tra-quyen\") }", json!({}))
                    .await;
            }
        }
    }
}

#[actix_web::test]
async fn taxonomy_is_created_renamed_merged_and_deleted_only_when_unused() {
    let desk = desk().await;
    let app = &desk.app;
    let data = app
        .query_as(&desk.editor, "mutation { createTag(name: \"Hoa hậu Việt Nam\") { slug name } }", json!({}))
        .await;
    assert_eq!(data["createTag"], json!({ "slug": "hoa-hau-viet-nam", "name": "Hoa hậu Việt Nam" }));
    let (_, body) = app
        .graphql_as(&desk.editor, "mutation { createTag(name: \"Hoa hau Viet Nam\") { slug } }", json!({}))
        .await;
    assert_eq!(first_error(&body).0, "SLUG_TAKEN");
    let data = app
        .query_as(
            &desk.editor,
            "mutation { renameTag(slug: \"hoa-hau-viet-nam\", name: \"Hoa hậu\") { slug name } }",
            json!({}),
        )
        .await;
    assert_eq!(data["renameTag"]["name"], "Hoa hậu");

    // bac-giang is used by the draft; merging it into thanh-hoa moves the article over.
    let (id, _, _) = create_draft(app, &desk.editor, "Tin gộp thẻ").await;
    let (_, body) =
        app.graphql_as(&desk.editor, "mutation { deleteTag(slug: \"bac-giang\") }", json!({})).await;
    assert_eq!(first_error(&body).0, "CONFLICT");
    app.query_as(
        &desk.editor,
        "mutation { mergeTags(from: \"bac-giang\", into: \"thanh-hoa\") { slug } }",
        json!({}),
    )
    .await;
    let data = app
        .query_as(
            &desk.editor,
            "query($id: ID!) { articleById(id: $id) { tags { slug } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(data["articleById"]["tags"], json!([{ "slug": "thanh-hoa" }]));
    // The merged tag's slug leads to the tag it was merged into (see former_slugs.rs).
    let data = app.query("{ tag(slug: \"bac-giang\") { slug } }", json!({})).await;
    assert_eq!(data["tag"]["slug"], "thanh-hoa");
    app.query_as(&desk.editor, "mutation { deleteTag(slug: \"hoa-hau-viet-nam\") }", json!({})).await;

    let data = app
        .query_as(
            &desk.editor,
            "mutation { createCategory(name: \"Ẩm thực\", parent: \"van-hoa\") { slug parent { slug } } }",
            json!({}),
        )
        .await;
    assert_eq!(data["createCategory"], json!({ "slug": "am-thuc", "parent": { "slug": "van-hoa" } }));
    let (_, body) =
        app.graphql_as(&desk.editor, "mutation { deleteCategory(slug: \"van-hoa\") }", json!({})).await;
    assert_eq!(first_error(&body).0, "CONFLICT", "it has sub-sections");
    app.query_as(&desk.editor, "mutation { deleteCategory(slug: \"am-thuc\") }", json!({})).await;
    let data = app
        .query_as(&desk.editor, "mutation { createAuthor(name: \"Lê Văn Tám\") { slug } }", json!({}))
        .await;
    assert_eq!(data["createAuthor"]["slug"], "le-van-tam");
}

#[actix_web::test]
async fn restoring_a_revision_keeps_what_still_exists_of_taxonomy_deleted_since() {
    let desk = desk().await;
    let app = &desk.app;
    app.query_as(
        &desk.admin,
        "mutation { createTag(name: \"Tạm thời\") { slug } createAuthor(name: \"Cộng tác viên\") { slug }
          createCategory(name: \"Chuyên đề\") { slug } }",
        json!({}),
    )
    .await;
    let created = app
        .query_as(
            &desk.editor,
            crate::helpers::CREATE,
            json!({ "input": { "title": "Tin chuyên đề", "category": "chuyen-de",
                "tags": ["tam-thoi", "bac-giang"], "authors": ["cong-tac-vien", "minh-anh"] } }),
        )
        .await;
    let id = created["createArticle"]["id"].as_str().expect("id").to_owned();
    app.query_as(
        &desk.editor,
        UPDATE,
        json!({ "id": id, "r": 1, "input": { "title": "Tin đã sửa", "category": "thoi-su",
            "tags": ["bac-giang"], "authors": ["minh-anh"] } }),
    )
    .await;
    // Nothing uses them any more, so they may go; revision 1 still names all three.
    app.query_as(
        &desk.admin,
        "mutation { deleteTag(slug: \"tam-thoi\") deleteAuthor(slug: \"cong-tac-vien\")
          deleteCategory(slug: \"chuyen-de\") }",
        json!({}),
    )
    .await;

    let data = app
        .query_as(
            &desk.editor,
            "mutation($id: ID!) { restoreRevision(id: $id, revision: 2, toRevision: 1) {
               revision title category { slug } tags { slug } authors { slug } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        data["restoreRevision"],
        json!({ "revision": 3, "title": "Tin chuyên đề", "category": { "slug": "thoi-su" },
            "tags": [{ "slug": "bac-giang" }], "authors": [{ "slug": "minh-anh" }] }),
        "the old content comes back without what no longer exists; a deleted section keeps the current one"
    );
    let (_, public) = app.get("/api/v1/tags").await;
    assert!(!public.to_string().contains("tam-thoi"), "the deleted tag stays deleted: {public}");
}

#[actix_web::test]
async fn restoring_a_revision_gives_it_the_tags_its_tags_were_merged_into_since() {
    let desk = desk().await;
    let app = &desk.app;
    let created = app
        .query_as(
            &desk.editor,
            crate::helpers::CREATE,
            json!({ "input": { "title": "Tin gộp thẻ", "category": "thoi-su",
                "tags": ["thanh-hoa", "bac-giang", "du-lich"] } }),
        )
        .await;
    let id = created["createArticle"]["id"].as_str().expect("id").to_owned();
    app.query_as(&desk.editor, UPDATE, json!({ "id": id, "r": 1, "input": { "tags": ["du-lich"] } })).await;
    // thanh-hoa goes into bac-giang, and then bac-giang into lao: revision 1 names two gone tags.
    let merge = "mutation($from: String!, $into: String!) { mergeTags(from: $from, into: $into) { slug } }";
    app.query_as(&desk.admin, merge, json!({ "from": "thanh-hoa", "into": "bac-giang" })).await;
    app.query_as(&desk.admin, merge, json!({ "from": "bac-giang", "into": "lao" })).await;

    let data = app
        .query_as(
            &desk.editor,
            "mutation($id: ID!) { restoreRevision(id: $id, revision: 2, toRevision: 1) { tags { slug } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        data["restoreRevision"]["tags"],
        json!([{ "slug": "lao" }, { "slug": "du-lich" }]),
        "both merged tags come back as the one they ended in, once, in the revision's order"
    );
}

/// Runs `mutation` as the desk's editor while another connection holds a transaction that tags
/// article `article_id` with the tag `tag` (an editor's save in flight), committed half a second
/// in; returns the mutation's response.
async fn beside_an_uncommitted_tagging(desk: &Desk, article_id: &str, tag: &str, mutation: &str) -> Value {
    use sea_orm::{ConnectionTrait, TransactionTrait};
    let holder = sea_orm::Database::connect(&desk.app._database.url).await.expect("opens");
    let saving = holder.begin().await.expect("transaction");
    saving
        .execute_unprepared(&format!(
            "INSERT INTO article_tags (article_id, tag_id, position, published_at) \
             SELECT {article_id}, id, 9, NULL FROM tags WHERE slug = '{tag}'"
        ))
        .await
        .expect("tagged");
    let (response, ()) = futures_util::join!(desk.app.graphql_as(&desk.editor, mutation, json!({})), async {
        actix_web::rt::time::sleep(std::time::Duration::from_millis(500)).await;
        saving.commit().await.expect("committed");
    });
    holder.close().await.expect("closed");
    response.1
}

async fn tags_of(desk: &Desk, id: &str) -> Value {
    let query = "query($id: ID!) { articleById(id: $id) { tags { slug } } }";
    desk.app.query_as(&desk.editor, query, json!({ "id": id })).await["articleById"]["tags"].clone()
}

#[actix_web::test]
async fn deleting_or_merging_a_tag_while_a_save_tags_an_article_with_it_refuses_or_moves_cleanly() {
    let desk = desk().await;
    let app = &desk.app;
    app.query_as(&desk.editor, "mutation { createTag(name: \"Tạm\") { slug } }", json!({})).await;
    let untagged = app
        .query_as(
            &desk.editor,
            CREATE,
            json!({ "input": { "title": "Tin chưa gắn thẻ", "category": "thoi-su" } }),
        )
        .await;
    let id = untagged["createArticle"]["id"].as_str().expect("id").to_owned();

    // The tag looked unused when the deletion started; the save that used it committed first.
    let body =
        beside_an_uncommitted_tagging(&desk, &id, "tam", "mutation { deleteTag(slug: \"tam\") }").await;
    assert_eq!(first_error(&body).0, "CONFLICT", "{body}");
    assert_eq!(tags_of(&desk, &id).await, json!([{ "slug": "tam" }]), "the save kept its tag");

    // A merge moves the links it finds once the save is in, then deletes the tag.
    app.query_as(&desk.editor, "mutation { createTag(name: \"Tạm hai\") { slug } }", json!({})).await;
    let body = beside_an_uncommitted_tagging(
        &desk,
        &id,
        "tam-hai",
        "mutation { mergeTags(from: \"tam-hai\", into: \"bac-giang\") { slug } }",
    )
    .await;
    assert_eq!(body["data"]["mergeTags"]["slug"], "bac-giang", "{body}");
    let tags = tags_of(&desk, &id).await;
    let mut slugs: Vec<_> =
        tags.as_array().expect("tags").iter().filter_map(|t| t["slug"].as_str()).collect();
    slugs.sort_unstable();
    assert_eq!(slugs, ["bac-giang", "tam"], "the link the save made moved with the merge");
}

#[actix_web::test]
async fn deleting_a_tag_drops_it_from_cached_lists() {
    let desk = desk().await;
    let app = &desk.app;
    app.query_as(&desk.editor, "mutation { createTag(name: \"Sắp xoá\") { slug } }", json!({})).await;
    let (_, listed) = app.get("/api/v1/tags").await;
    assert!(listed.to_string().contains("sap-xoa"), "{listed}");
    app.query_as(&desk.editor, "mutation { deleteTag(slug: \"sap-xoa\") }", json!({})).await;
    let (_, listed) = app.get("/api/v1/tags").await;
    assert!(!listed.to_string().contains("sap-xoa"), "the cached list was dropped: {listed}");
}

#[actix_web::test]
async fn nothing_unpublished_leaks_through_any_public_surface() {
    let desk = desk().await;
    let app = &desk.app;
    let (public_id, r, _) = create_draft(app, &desk.editor, "Tin công khai hợp lệ").await;
    lifecycle(app, &desk.editor, "publishArticle", &public_id, r).await;
    create_draft(app, &desk.writer, "Bản nháp tuyệt mật").await;
    let (scheduled, r, _) = create_draft(app, &desk.editor, "Tin hẹn giờ tuyệt mật").await;
    let at = (Utc::now() + TimeDelta::days(3)).to_rfc3339();
    app.query_as(
        &desk.editor,
        "mutation($id: ID!, $r: Int!, $at: DateTime!) { scheduleArticle(id: $id, revision: $r, at: $at) { status } }",
        json!({ "id": scheduled, "r": r, "at": at }),
    )
    .await;
    let (archived, r, _) = create_draft(app, &desk.editor, "Tin lưu trữ tuyệt mật").await;
    let (_, body) = lifecycle(app, &desk.editor, "publishArticle", &archived, r).await;
    let r = body["data"]["publishArticle"]["revision"].as_i64().expect("revision");
    lifecycle(app, &desk.editor, "archiveArticle", &archived, r).await;
    let (deleted, r, _) = create_draft(app, &desk.editor, "Tin đã xóa tuyệt mật").await;
    let (_, body) = lifecycle(app, &desk.editor, "publishArticle", &deleted, r).await;
    let r = body["data"]["publishArticle"]["revision"].as_i64().expect("revision");
    lifecycle(app, &desk.admin, "deleteArticle", &deleted, r).await;
    let (unpublished, r, _) = create_draft(app, &desk.editor, "Tin gỡ xuống tuyệt mật").await;
    let (_, body) = lifecycle(app, &desk.editor, "publishArticle", &unpublished, r).await;
    let r = body["data"]["publishArticle"]["revision"].as_i64().expect("revision");
    lifecycle(app, &desk.editor, "unpublishArticle", &unpublished, r).await;

    let mut seen = String::new();
    for path in [
        "/api/v1/latest?limit=100",
        "/api/v1/articles?limit=100",
        "/api/v1/articles?tag=bac-giang",
        "/api/v1/articles?category=thoi-su",
        "/api/v1/articles/tin-cong-khai-hop-le/related",
    ] {
        let (status, body) = app.get(path).await;
        assert_eq!(status.as_u16(), 200, "{path}");
        seen.push_str(&body.to_string());
    }
    let data = app
        .query(
            r#"{ latest(first: 40) { nodes { slug title } totalCount } articles(first: 40) { totalCount nodes { slug } }
                 tag(slug: "bac-giang") { articles(first: 10) { nodes { slug } totalCount } }
                 category(slug: "thoi-su") { articles(first: 10) { nodes { slug } totalCount } }
                 article(slug: "tin-cong-khai-hop-le") { related(first: 20) { slug title } } }"#,
            json!({}),
        )
        .await;
    seen.push_str(&data.to_string());
    assert!(seen.contains("tin-cong-khai-hop-le"));
    assert_eq!(data["latest"]["totalCount"], 1);
    for (id, secret) in [
        (None, "tuyet-mat"),
        (Some(&scheduled), "Tin hẹn giờ tuyệt mật"),
        (Some(&archived), "Tin lưu trữ tuyệt mật"),
        (Some(&deleted), "Tin đã xóa tuyệt mật"),
        (Some(&unpublished), "Tin gỡ xuống tuyệt mật"),
    ] {
        assert!(!seen.contains(secret), "{secret} leaked");
        if let Some(id) = id {
            let data =
                app.query("query($id: ID!) { articleById(id: $id) { title } }", json!({ "id": id })).await;
            assert!(data["articleById"].is_null(), "{secret} by id");
        }
    }
    for slug in [
        "ban-nhap-tuyet-mat",
        "tin-hen-gio-tuyet-mat",
        "tin-luu-tru-tuyet-mat",
        "tin-da-xoa-tuyet-mat",
        "tin-go-xuong-tuyet-mat",
    ] {
        let (status, _) = app.get(&format!("/api/v1/articles/{slug}")).await;
        assert_eq!(status.as_u16(), 404, "{slug}");
        let data = app
            .query("query($s: String!) { article(slug: $s, preview: true) { title } }", json!({ "s": slug }))
            .await;
        assert!(data["article"].is_null(), "{slug} with preview but no rights");
    }
    // Even editors do not see a deleted article.
    let data = app
        .query_as(
            &desk.editor,
            "query($id: ID!) { articleById(id: $id) { title } }",
            json!({ "id": deleted }),
        )
        .await;
    assert!(data["articleById"].is_null());
}

#[actix_web::test]
async fn editors_list_drafts_and_writers_list_only_their_own() {
    let desk = desk().await;
    let app = &desk.app;
    create_draft(app, &desk.writer, "Nháp của phóng viên").await;
    create_draft(app, &desk.editor, "Nháp của biên tập").await;
    let list = "{ articles(status: DRAFT) { nodes { title } totalCount } }";
    let editor = app.query_as(&desk.editor, list, json!({})).await;
    assert_eq!(editor["articles"]["totalCount"], 2);
    let writer = app.query_as(&desk.writer, list, json!({})).await;
    assert_eq!(writer["articles"]["nodes"], json!([{ "title": "Nháp của phóng viên" }]));
    let (status, anonymous, _) = app.post_graphql(None, list, json!({})).await;
    assert_eq!(
        (status.as_u16(), first_error(&anonymous).0.as_str()),
        (401, "UNAUTHENTICATED"),
        "{anonymous}"
    );
}

#[actix_web::test]
async fn mutations_are_refused_over_get_and_without_sign_in() {
    let desk = desk().await;
    let app = &desk.app;
    let (status, body) = app.get("/graphql?query=mutation%7BcreateTag(name%3A%22x%22)%7Bslug%7D%7D").await;
    crate::helpers::assert_error(status, &body, 405, "METHOD_NOT_ALLOWED");
    let (status, body, _) =
        app.post_graphql(None, "mutation { createTag(name: \"x\") { slug } }", json!({})).await;
    assert_unauthenticated(status, &body);
}
