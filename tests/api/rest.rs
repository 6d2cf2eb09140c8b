//! REST JSON under /api/v1: shapes, filters, and the error envelope for every bad input.

use serde_json::json;

use crate::helpers::{BASE_URL, Newsroom, Story, assert_error, spawn_app};

async fn newsroom_app() -> crate::helpers::TestApp {
    let app = spawn_app().await;
    let newsroom = Newsroom::new(&app.store).await;
    newsroom
        .write(vec![
            Story::published("Bắc Giang mở tuyến du lịch mới", "du-lich", 1).tags(&["bac-giang", "du-lich"]),
            Story::published("Thanh Hóa khánh thành cầu", "thoi-su", 2)
                .tags(&["thanh-hoa"])
                .authors(&["minh-anh"]),
            Story::published("Bắc Giang đón khách du lịch", "du-lich", 3).tags(&["bac-giang", "du-lich"]),
        ])
        .await;
    app
}

#[actix_web::test]
async fn latest_lists_teasers_in_camel_case_with_a_next_cursor() {
    let app = newsroom_app().await;
    let (status, body) = app.get("/api/v1/latest?limit=2").await;
    assert_eq!(status.as_u16(), 200);
    let items = body["items"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    let first = &items[0];
    assert_eq!(first["slug"], "bac-giang-don-khach-du-lich");
    assert_eq!(first["url"], format!("{BASE_URL}/bac-giang-don-khach-du-lich"));
    assert_eq!(first["category"]["slug"], "du-lich");
    assert!(first["category"]["parentId"].is_string(), "du-lich sits under van-hoa");
    assert_eq!(first["authors"][0]["name"], "Bá Đoàn");
    assert_eq!(
        first["tags"],
        json!([{ "id": first["tags"][0]["id"], "slug": "bac-giang", "name": "Bắc Giang" }, { "id": first["tags"][1]["id"], "slug": "du-lich", "name": "Du lịch" }])
    );
    assert_eq!(first["cover"]["src"], "https://img.example/cover.jpg");
    assert!(first["publishedAt"].as_str().expect("publishedAt").starts_with("2025-06-15T"));
    assert!(first["readingTimeMinutes"].as_u64().expect("reading time") >= 1);
    assert!(first.get("body").is_none(), "teasers carry no body");
    let cursor = body["nextCursor"].as_str().expect("a next cursor");

    let (_, next) = app.get(&format!("/api/v1/latest?limit=2&cursor={cursor}")).await;
    assert_eq!(next["items"].as_array().expect("items").len(), 1);
    assert_eq!(next["items"][0]["slug"], "bac-giang-mo-tuyen-du-lich-moi");
    assert!(next["nextCursor"].is_null());

    let (_, beside) = app.get("/api/v1/latest?exclude=bac-giang-don-khach-du-lich&category=du-lich").await;
    assert_eq!(beside["items"].as_array().expect("items").len(), 1);
}

/// A REST list reads its page, then every teaser's bylines, tags and section in one statement,
/// however long the page.
#[actix_web::test]
async fn a_list_takes_two_statements_whatever_its_length() {
    let app = spawn_app().await;
    let newsroom = Newsroom::new(&app.store).await;
    newsroom.write(Story::with_every_relation("Bản tin số", 30)).await;
    // The first read after a write also asks when the next scheduled article goes out (how long
    // answers may be kept); the ones after it until the next write do not.
    app.get("/api/v1/latest?limit=1").await;
    for limit in [3, 30] {
        let before = app.store.statements_executed();
        let (status, body) = app.get(&format!("/api/v1/latest?limit={limit}")).await;
        assert_eq!(app.store.statements_executed() - before, 2, "statements for {limit} teasers");
        assert_eq!(status.as_u16(), 200);
        let items = body["items"].as_array().expect("items");
        assert_eq!(items.len(), limit);
        for item in items {
            assert_eq!(item["authors"].as_array().map(Vec::len), Some(2), "{item}");
            assert_eq!(item["tags"][1]["slug"], "thanh-hoa", "{item}");
            assert!(item["category"]["slug"] == "thoi-su" || item["category"]["slug"] == "du-lich", "{item}");
        }
    }
}

#[actix_web::test]
async fn articles_filter_by_category_tag_and_author() {
    let app = newsroom_app().await;
    let count = |body: &serde_json::Value| body["items"].as_array().map_or(0, Vec::len);
    let (_, body) = app.get("/api/v1/articles?category=du-lich").await;
    assert_eq!(count(&body), 2);
    let (_, body) = app.get("/api/v1/articles?tag=thanh-hoa").await;
    assert_eq!(count(&body), 1);
    assert_eq!(body["items"][0]["slug"], "thanh-hoa-khanh-thanh-cau");
    let (_, body) = app.get("/api/v1/articles?author=minh-anh&tag=thanh-hoa&category=thoi-su").await;
    assert_eq!(count(&body), 1);
    let (_, body) = app.get("/api/v1/articles?author=minh-anh&tag=bac-giang").await;
    assert_eq!(count(&body), 0);
    assert!(body["nextCursor"].is_null());
}

#[actix_web::test]
async fn an_article_carries_its_body_and_related_never_includes_itself() {
    let app = newsroom_app().await;
    let (status, body) = app.get("/api/v1/articles/bac-giang-don-khach-du-lich").await;
    assert_eq!(status.as_u16(), 200);
    assert_eq!(body["title"], "Bắc Giang đón khách du lịch");
    assert_eq!(body["status"], "published");
    assert_eq!(body["revision"], 1);
    assert_eq!(body["body"][0]["type"], "paragraph");
    assert_eq!(body["body"][0]["spans"][1]["marks"], json!(["bold"]));
    assert_eq!(body["body"][1]["type"], "image");
    assert_eq!(body["body"][1]["caption"], "Toàn cảnh hội nghị");

    let (status, related) = app.get("/api/v1/articles/bac-giang-don-khach-du-lich/related").await;
    assert_eq!(status.as_u16(), 200);
    let slugs: Vec<_> =
        related["items"].as_array().expect("items").iter().map(|i| i["slug"].clone()).collect();
    assert_eq!(slugs, vec![json!("bac-giang-mo-tuyen-du-lich-moi")]);
}

#[actix_web::test]
async fn taxonomy_lists_use_the_list_shape() {
    let app = newsroom_app().await;
    for (path, expected) in [("/api/v1/categories", 4), ("/api/v1/tags", 4), ("/api/v1/authors", 2)] {
        let (status, body) = app.get(path).await;
        assert_eq!(status.as_u16(), 200, "{path}");
        assert_eq!(body["items"].as_array().map(Vec::len), Some(expected), "{path}: {body}");
        assert!(body["nextCursor"].is_null());
    }
    let (_, body) = app.get("/api/v1/publication").await;
    assert_eq!(body["language"], "vi");
    assert_eq!(body["baseUrl"], BASE_URL);
    assert_eq!(body["utcOffset"], "+07:00");
}

#[actix_web::test]
async fn tags_and_authors_come_a_page_at_a_time_and_by_the_start_of_their_name() {
    let app = newsroom_app().await;
    let slugs = |body: &serde_json::Value| -> Vec<String> {
        let items = body["items"].as_array().expect("items");
        items.iter().map(|t| t["slug"].as_str().expect("slug").to_owned()).collect()
    };
    let (status, first) = app.get("/api/v1/tags?limit=3").await;
    assert_eq!(status.as_u16(), 200, "{first}");
    assert_eq!(slugs(&first), ["bac-giang", "du-lich", "lao"]);
    let cursor = first["nextCursor"].as_str().expect("a next page");
    let (_, rest) = app.get(&format!("/api/v1/tags?limit=3&cursor={cursor}")).await;
    assert_eq!(slugs(&rest), ["thanh-hoa"]);
    assert!(rest["nextCursor"].is_null(), "{rest}");

    // As an editor types a tag's name: folded, word by word.
    for (typed, expected) in
        [("b%E1%BA%AFc%20g", vec!["bac-giang"]), ("THANH", vec!["thanh-hoa"]), ("giang", vec![])]
    {
        let (status, found) = app.get(&format!("/api/v1/tags?q={typed}")).await;
        assert_eq!(status.as_u16(), 200, "{typed}: {found}");
        assert_eq!(slugs(&found), expected, "{typed}");
    }

    for (query, parameter) in
        [("limit=0", "limit"), ("limit=101", "limit"), ("cursor=zzz", "cursor"), ("q=%20-%20", "q")]
    {
        for list in ["tags", "authors"] {
            let (status, body) = app.get(&format!("/api/v1/{list}?{query}")).await;
            let message = assert_error(status, &body, 400, "BAD_REQUEST");
            assert!(message.starts_with(parameter), "{list}?{query}: {message}");
        }
    }

    // Authors page the same way: Bá Đoàn, then Nguyễn Minh Anh.
    let (_, first) = app.get("/api/v1/authors?limit=1").await;
    assert_eq!(slugs(&first), ["ba-doan"]);
    let cursor = first["nextCursor"].as_str().expect("a next page");
    let (_, rest) = app.get(&format!("/api/v1/authors?limit=1&cursor={cursor}")).await;
    assert_eq!(slugs(&rest), ["minh-anh"]);
    assert!(rest["nextCursor"].is_null(), "{rest}");
    let (_, found) = app.get("/api/v1/authors?q=nguyen%20m").await;
    assert_eq!(slugs(&found), ["minh-anh"]);
}

#[actix_web::test]
async fn a_section_tag_or_author_page_gets_its_heading_by_slug_and_sees_renames_at_once() {
    let desk = crate::helpers::desk().await;
    let app = &desk.app;
    let (status, body) = app.get("/api/v1/categories/du-lich").await;
    assert_eq!(status.as_u16(), 200, "{body}");
    assert_eq!((&body["name"], body["parentId"].is_string()), (&json!("Du lịch"), true), "{body}");
    let (_, body) = app.get("/api/v1/authors/ba-doan").await;
    assert_eq!(body["name"], "Bá Đoàn", "{body}");
    let (_, body) = app.get("/api/v1/tags/bac-giang").await;
    assert_eq!(body["name"], "Bắc Giang", "{body}");
    // The answers above are in the response cache now; each rename must show at once.
    for (mutation, path) in [
        ("renameCategory(slug: \"du-lich\", name: \"Du lịch - Khám phá\")", "/api/v1/categories/du-lich"),
        ("renameAuthor(slug: \"ba-doan\", name: \"Đoàn Bá\")", "/api/v1/authors/ba-doan"),
        ("renameTag(slug: \"bac-giang\", name: \"Tỉnh Bắc Giang\")", "/api/v1/tags/bac-giang"),
    ] {
        let renamed =
            app.query_as(&desk.admin, &format!("mutation {{ {mutation} {{ name }} }}"), json!({})).await;
        let name = renamed.as_object().and_then(|o| o.values().next()).map(|v| v["name"].clone());
        let (_, body) = app.get(path).await;
        assert_eq!(Some(body["name"].clone()), name, "{path}: {body}");
    }
    for path in ["/api/v1/categories/khong-co", "/api/v1/tags/khong-co", "/api/v1/authors/khong-co"] {
        let (status, body) = app.get(path).await;
        assert_error(status, &body, 404, "NOT_FOUND");
    }
}

#[actix_web::test]
async fn bad_input_gets_a_400_envelope_naming_the_parameter() {
    let app = newsroom_app().await;
    for (path, parameter) in [
        ("/api/v1/latest?limit=0", "limit"),
        ("/api/v1/latest?limit=101", "limit"),
        ("/api/v1/latest?limit=abc", "limit"),
        ("/api/v1/latest?limit=99999999999999999999", "limit"),
        ("/api/v1/latest?cursor=%%%", "cursor"),
        ("/api/v1/latest?cursor=bm90LWEtY3Vyc29y", "cursor"),
        ("/api/v1/articles?category=khong-co", "category"),
        ("/api/v1/articles?tag=khong-co", "tag"),
        ("/api/v1/articles?author=khong-co", "author"),
        ("/api/v1/articles/bac-giang-don-khach-du-lich/related?limit=21", "limit"),
        ("/api/v1/latest?colour=red", "colour"),
    ] {
        let (status, body) = app.get(path).await;
        let message = assert_error(status, &body, 400, "BAD_REQUEST");
        assert!(message.contains(parameter), "{path}: {message:?} should name {parameter}");
    }
}

#[actix_web::test]
async fn unknown_articles_and_routes_get_a_404_envelope() {
    let app = newsroom_app().await;
    for path in
        ["/api/v1/articles/khong-co", "/api/v1/articles/khong-co/related", "/api/v1/nothing-here", "/"]
    {
        let (status, body) = app.get(path).await;
        assert_error(status, &body, 404, "NOT_FOUND");
    }
}

#[actix_web::test]
async fn a_method_a_route_does_not_serve_gets_a_405_envelope_naming_the_methods_it_does() {
    let app = spawn_app().await;
    let cases = [
        (awc::http::Method::PUT, "/graphql", "GET, HEAD, POST"),
        (awc::http::Method::POST, "/api/v1/latest", "GET, HEAD"),
        (awc::http::Method::DELETE, "/api/v1/articles/any-slug", "GET, HEAD"),
        (awc::http::Method::POST, "/feeds/latest.rss", "GET, HEAD"),
        (awc::http::Method::PATCH, "/healthz", "GET, HEAD"),
    ];
    for (method, path, allow) in cases {
        let request = app.client.request(method.clone(), format!("{}{path}", app.address));
        let (status, body, headers) = crate::helpers::send(request, None).await;
        assert_error(status, &body, 405, "METHOD_NOT_ALLOWED");
        assert_eq!(crate::helpers::header(&headers, "allow"), Some(allow), "{method} {path}");
    }
    // A path that is none of ours stays a 404, whatever the method.
    let request = app.client.post(format!("{}/api/v1/nothing-here", app.address));
    let (status, body, _) = crate::helpers::send(request, None).await;
    assert_error(status, &body, 404, "NOT_FOUND");
}

#[actix_web::test]
async fn a_path_of_ours_with_a_trailing_slash_redirects_to_it_keeping_the_method() {
    let app = newsroom_app().await;
    let unfollowed = awc::Client::builder().disable_redirects().finish();
    let cases = [
        (awc::http::Method::GET, "/api/v1/latest/?limit=2", "/api/v1/latest?limit=2"),
        (
            awc::http::Method::GET,
            "/api/v1/articles/bac-giang-don-khach-du-lich/",
            "/api/v1/articles/bac-giang-don-khach-du-lich",
        ),
        (awc::http::Method::GET, "/feeds/latest.rss//", "/feeds/latest.rss"),
        (awc::http::Method::POST, "/graphql/", "/graphql"),
    ];
    for (method, path, location) in cases {
        let request = unfollowed.request(method.clone(), format!("{}{path}", app.address));
        let (status, body, headers) = crate::helpers::send(request, None).await;
        assert_error(status, &body, 308, "MOVED");
        assert_eq!(crate::helpers::header(&headers, "location"), Some(location), "{method} {path}");
    }
    // A client that follows gets the answer; a GraphQL POST arrives with its body.
    let (status, body) = app.get("/api/v1/latest/?limit=2").await;
    assert_eq!((status.as_u16(), body["items"].as_array().map(Vec::len)), (200, Some(2)), "{body}");
    let posted = app.client.post(format!("{}/graphql/", app.address));
    let (status, body, _) =
        crate::helpers::send(posted, Some(&json!({ "query": "{ latest(first: 1) { nodes { slug } } }" })))
            .await;
    assert_eq!(status.as_u16(), 200, "{body}");
    assert_eq!(body["data"]["latest"]["nodes"][0]["slug"], "bac-giang-don-khach-du-lich");
    // Not ours with or without the slash: 404. Nor is a path that would redirect off the host
    // (`//api/...` in Location is a URL of the host `api`).
    for path in ["/api/v1/nothing-here/", "//api/v1/latest/"] {
        let (status, body, headers) =
            crate::helpers::send(unfollowed.get(format!("{}{path}", app.address)), None).await;
        assert_error(status, &body, 404, "NOT_FOUND");
        assert_eq!(crate::helpers::header(&headers, "location"), None, "{path}");
    }
}

#[actix_web::test]
async fn health_answers_while_the_database_does() {
    let app = spawn_app().await;
    let (status, body) = app.get("/healthz").await;
    assert_eq!(status.as_u16(), 200);
    assert_eq!(body["status"], "ok");
    assert!(body["contentVersion"].is_u64(), "{body}");
}

#[actix_web::test]
async fn anonymous_answers_carry_an_etag_and_public_caching_and_revalidate_with_304() {
    let desk = crate::helpers::desk().await;
    let app = &desk.app;
    let get = |headers: Vec<(&'static str, String)>, path: &'static str| async move {
        let mut request = app.client.get(format!("{}{path}", app.address));
        for (name, value) in headers {
            request = request.insert_header((name, value));
        }
        let mut response = request.send().await.expect("sent");
        let body = response.body().await.expect("body");
        let header = |name: &str| {
            response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
        };
        (response.status().as_u16(), header("etag"), header("cache-control"), body.len())
    };
    let (status, etag, cache, length) = get(vec![], "/api/v1/latest").await;
    assert_eq!(status, 200);
    assert!(etag.starts_with("W/\""), "{etag}");
    assert_eq!(cache, "public, max-age=60, stale-while-revalidate=300");
    assert!(length > 0);
    let (status, again, _, length) = get(vec![("If-None-Match", etag.clone())], "/api/v1/latest").await;
    assert_eq!((status, length), (304, 0));
    assert_eq!(again, etag);

    // A write changes the answer, so the old tag no longer matches.
    let (id, revision, _) = crate::helpers::create_draft(app, &desk.editor, "Tin làm đổi ETag").await;
    crate::helpers::lifecycle(app, &desk.editor, "publishArticle", &id, revision).await;
    let (status, fresh, _, _) = get(vec![("If-None-Match", etag.clone())], "/api/v1/latest").await;
    assert_eq!(status, 200);
    assert_ne!(fresh, etag);

    let (status, _, cache, _) =
        get(vec![("Authorization", format!("Bearer {}", desk.editor))], "/api/v1/latest").await;
    assert_eq!(status, 200);
    assert_eq!(cache, "private, no-store", "answers to a token are never cached");
    let (status, etag, _, _) = get(vec![], "/api/v1/articles/khong-co").await;
    assert_eq!(status, 404);
    assert!(etag.is_empty(), "errors carry no entity tag");
}
