//! The OpenAPI document (REST under `/api/v1`, feeds, sitemaps) against the real server. Every path
//! it documents is asked, and every answer, errors included, must have a status the document lists
//! for that path, a media type it lists for that status, and, for JSON, a body that fits the
//! schema it gives. The document's objects allow no field they do not name, so a field added to or
//! dropped from an answer without the document fails here; and each path must take exactly the
//! query parameters the document names.

use std::collections::BTreeSet;

use awc::http::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{
    Newsroom, Story, TestApp, desk, header, lifecycle, partner_token, published, send_for_bytes, spawn_app,
};

/// The document as the server serves it.
struct Document(Value);

impl Document {
    async fn served_by(app: &TestApp) -> Document {
        let (status, body) = app.get("/api/v1/openapi.json").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["openapi"], "3.1.0");
        Document(body)
    }

    /// `value`, or what its `$ref` points at in the document.
    fn resolve<'a>(&'a self, value: &'a Value) -> &'a Value {
        match value.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let pointer = reference.strip_prefix('#').expect("references stay inside the document");
                self.0.pointer(pointer).unwrap_or_else(|| panic!("{reference} resolves"))
            }
            None => value,
        }
    }

    /// Asserts that `body`, answered with `status` and `content_type` to a GET of the path the
    /// document calls `template`, is what the document says such an answer is.
    fn check(&self, template: &str, status: StatusCode, content_type: Option<&str>, body: &[u8]) {
        let operation = &self.0["paths"][template]["get"];
        assert!(operation.is_object(), "{template} is not in the document");
        let shown = String::from_utf8_lossy(body);
        let listed = operation["responses"].get(status.as_str()).unwrap_or_else(|| {
            panic!("GET {template} answered {status}, which the document does not list: {shown}")
        });
        let Some(media_types) = self.resolve(listed)["content"].as_object() else {
            assert!(body.is_empty(), "GET {template} {status} has no body in the document, got {shown}");
            return;
        };
        let media_type =
            content_type.and_then(|value| value.split(';').next()).map(str::trim).unwrap_or_default();
        let Some(media) = media_types.get(media_type) else {
            panic!(
                "GET {template} {status} answered {media_type:?}, the document lists {:?}",
                media_types.keys().collect::<Vec<_>>()
            )
        };
        if !media_type.ends_with("json") {
            let text = std::str::from_utf8(body).expect("text answers are UTF-8");
            assert!(!text.trim().is_empty(), "GET {template} {status} answered an empty {media_type}");
            if media_type.ends_with("xml") {
                assert!(text.starts_with("<?xml"), "GET {template} {status} is not XML: {text}");
            }
            return;
        }
        let body: Value = serde_json::from_slice(body)
            .unwrap_or_else(|e| panic!("GET {template} {status} is not JSON ({e}): {shown}"));
        // The whole document is the root, so the schema's references resolve in it; the OpenAPI
        // fields beside are not JSON Schema keywords and are ignored.
        let mut root = self.0.clone();
        root["allOf"] = json!([media["schema"]]);
        let validator = jsonschema::validator_for(&root).expect("the document's schemas compile");
        let errors: Vec<String> =
            validator.iter_errors(&body).map(|e| format!("{} at '{}'", e, e.instance_path())).collect();
        assert!(
            errors.is_empty(),
            "GET {template} {status} does not fit the document: {errors:#?}\n{body:#}"
        );
    }
}

/// One request of the tour: the path as the document names it, the path asked, the token sent,
/// and the status expected.
struct Ask<'a> {
    template: &'static str,
    path: String,
    token: Option<&'a str>,
    expected: u16,
}

fn ask(template: &'static str, path: impl Into<String>, expected: u16) -> Ask<'static> {
    Ask { template, path: path.into(), token: None, expected }
}

#[actix_web::test]
async fn every_answer_of_every_documented_path_fits_the_openapi_document() {
    let desk = desk().await;
    let app = &desk.app;
    Newsroom::new_reusing(&app.store)
        .await
        .write(vec![
            Story::published("Bắc Giang mở tuyến du lịch mới", "du-lich", 1)
                .tags(&["bac-giang", "du-lich"])
                .authors(&["minh-anh", "ba-doan"]),
            Story::published("Thanh Hóa khánh thành cầu", "thoi-su", 2).tags(&["thanh-hoa"]),
            Story::published("Bắc Giang đón khách du lịch", "du-lich", 3).tags(&["bac-giang"]),
        ])
        .await;
    // One article renamed (its old slug answers 301) and one unpublished (a tombstone in the
    // change feed), through the newsroom's own mutations.
    let (renamed_id, revision, old_slug) = published(&desk, "Cầu mới ở Bắc Giang").await;
    app.query_as(
        &desk.editor,
        "mutation($id: ID!, $r: Int!) { updateArticle(id: $id, revision: $r, input: { slug: \"cau-moi-bac-giang\" }) { slug } }",
        json!({ "id": renamed_id, "r": revision }),
    )
    .await;
    let (gone_id, revision, _) = published(&desk, "Tin sẽ gỡ xuống").await;
    let (status, body) = lifecycle(app, &desk.editor, "unpublishArticle", &gone_id, revision).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    app.query_as(
        &desk.admin,
        "mutation { mergeTags(from: \"thanh-hoa\", into: \"bac-giang\") { slug } }",
        json!({}),
    )
    .await;
    let reader = partner_token(&desk, "api:read").await;
    let feeds_only = partner_token(&desk, "feeds:full").await;

    let document = Document::served_by(app).await;
    let story = "bac-giang-mo-tuyen-du-lich-moi";
    let mut tour = vec![
        ask("/api/v1/publication", "/api/v1/publication", 200),
        ask("/api/v1/publication", "/api/v1/publication?lang=vi", 400),
        ask("/api/v1/latest", "/api/v1/latest?limit=2", 200),
        ask("/api/v1/latest", format!("/api/v1/latest?category=du-lich&exclude={story}"), 200),
        ask("/api/v1/latest", "/api/v1/latest?limit=0", 400),
        ask("/api/v1/latest", "/api/v1/latest?category=khong-co", 400),
        ask("/api/v1/articles", "/api/v1/articles?category=du-lich&tag=bac-giang&author=minh-anh", 200),
        ask("/api/v1/articles", "/api/v1/articles?cursor=khong-phai-con-tro", 400),
        ask("/api/v1/articles", "/api/v1/articles?tag=khong-co", 400),
        ask("/api/v1/articles/{slug}", format!("/api/v1/articles/{story}"), 200),
        ask("/api/v1/articles/{slug}", format!("/api/v1/articles/{old_slug}"), 301),
        ask("/api/v1/articles/{slug}", format!("/api/v1/articles/{story}?preview=true"), 400),
        ask("/api/v1/articles/{slug}", "/api/v1/articles/khong-co", 404),
        ask("/api/v1/articles/{slug}/related", format!("/api/v1/articles/{story}/related?limit=3"), 200),
        ask("/api/v1/articles/{slug}/related", format!("/api/v1/articles/{story}/related?limit=21"), 400),
        ask("/api/v1/articles/{slug}/related", "/api/v1/articles/khong-co/related", 404),
        ask("/api/v1/search", "/api/v1/search?q=bac+giang&limit=1", 200),
        ask("/api/v1/search", "/api/v1/search?q=bac+giang&from=2020-01-01T00:00:00Z&category=du-lich", 200),
        ask("/api/v1/search", "/api/v1/search", 400),
        ask("/api/v1/search", "/api/v1/search?q=bac&from=hom-qua", 400),
        ask("/api/v1/search", "/api/v1/search?q=bac&author=khong-co", 400),
        ask("/api/v1/changes", "/api/v1/changes", 401),
        Ask { token: Some(&feeds_only), ..ask("/api/v1/changes", "/api/v1/changes", 403) },
        Ask { token: Some(&reader), ..ask("/api/v1/changes", "/api/v1/changes", 200) },
        Ask { token: Some(&reader), ..ask("/api/v1/changes", "/api/v1/changes?since=khong-phai", 400) },
        Ask { token: Some("khong-phai-token"), ..ask("/api/v1/latest", "/api/v1/latest", 401) },
        ask("/api/v1/categories", "/api/v1/categories", 200),
        ask("/api/v1/categories/{slug}", "/api/v1/categories/du-lich", 200),
        ask("/api/v1/categories/{slug}", "/api/v1/categories/du-lich?limit=1", 400),
        ask("/api/v1/categories/{slug}", "/api/v1/categories/khong-co", 404),
        ask("/api/v1/tags", "/api/v1/tags", 200),
        ask("/api/v1/tags/{slug}", "/api/v1/tags/bac-giang", 200),
        ask("/api/v1/tags/{slug}", "/api/v1/tags/thanh-hoa", 301),
        ask("/api/v1/tags/{slug}", "/api/v1/tags/khong-co", 404),
        ask("/api/v1/authors", "/api/v1/authors", 200),
        ask("/api/v1/authors/{slug}", "/api/v1/authors/minh-anh", 200),
        ask("/api/v1/authors/{slug}", "/api/v1/authors/khong-co", 404),
        ask("/api/v1/openapi.json", "/api/v1/openapi.json", 200),
        ask("/feeds/latest.{format}", "/feeds/latest.rss", 200),
        ask("/feeds/latest.{format}", "/feeds/latest.xml?limit=1", 200),
        ask("/feeds/latest.{format}", "/feeds/latest.atom", 200),
        ask("/feeds/latest.{format}", "/feeds/latest.json", 200),
        Ask { token: Some(&feeds_only), ..ask("/feeds/latest.{format}", "/feeds/latest.json", 200) },
        ask("/feeds/latest.{format}", "/feeds/latest.json?token=khong-phai-token", 401),
        ask("/feeds/latest.{format}", "/feeds/latest.rss?limit=101", 400),
        ask("/feeds/latest.{format}", "/feeds/latest.html", 404),
        ask("/feeds/{kind}/{file}", "/feeds/category/du-lich.rss", 200),
        ask("/feeds/{kind}/{file}", "/feeds/tag/bac-giang.atom", 200),
        ask("/feeds/{kind}/{file}", "/feeds/author/minh-anh.json?limit=1", 200),
        ask("/feeds/{kind}/{file}", "/feeds/tag/thanh-hoa.json", 301),
        ask("/feeds/{kind}/{file}", "/feeds/category/du-lich.rss?limit=0", 400),
        ask("/feeds/{kind}/{file}", "/feeds/category/khong-co.rss", 404),
        ask("/feeds/{kind}/{file}", "/feeds/chuyen-muc/du-lich.rss", 404),
        ask("/feeds/{kind}/{file}", "/feeds/category/du-lich", 404),
        ask("/sitemap.xml", "/sitemap.xml", 200),
        ask("/sitemaps/articles-{page}.xml", "/sitemaps/articles-0.xml", 200),
        ask("/sitemaps/articles-{page}.xml", "/sitemaps/articles-9.xml", 404),
        ask("/sitemap-news.xml", "/sitemap-news.xml", 200),
        ask("/robots.txt", "/robots.txt", 200),
    ];
    // The second page of a list and of a search, by the cursor the first gave.
    for (template, first) in [
        ("/api/v1/latest", "/api/v1/latest?limit=2"),
        ("/api/v1/search", "/api/v1/search?q=bac+giang&limit=1"),
    ] {
        let (_, body) = app.get(first).await;
        let cursor = body["nextCursor"].as_str().unwrap_or_else(|| panic!("{first} has a next page: {body}"));
        tour.push(ask(template, format!("{first}&cursor={cursor}"), 200));
    }

    let client = awc::Client::builder().disable_redirects().finish();
    let mut change_kinds = BTreeSet::new();
    for Ask { template, path, token, expected } in &tour {
        let mut request = client.get(format!("{}{path}", app.address));
        if let Some(token) = token {
            request = request.insert_header(("Authorization", format!("Bearer {token}")));
        }
        let (status, headers, body) = send_for_bytes(request, None).await;
        assert_eq!(status.as_u16(), *expected, "GET {path}: {}", String::from_utf8_lossy(&body));
        document.check(template, status, header(&headers, "content-type"), &body);
        if status == StatusCode::OK && token.is_none() && !path.contains("token=") {
            // The 304 every anonymous 200 promises, without a body.
            let etag = header(&headers, "etag").unwrap_or_else(|| panic!("GET {path} has an ETag"));
            let again = client.get(format!("{}{path}", app.address)).insert_header(("If-None-Match", etag));
            let (status, headers, body) = send_for_bytes(again, None).await;
            assert_eq!(status, StatusCode::NOT_MODIFIED, "GET {path} with its ETag");
            document.check(template, status, header(&headers, "content-type"), &body);
        }
        if *template == "/api/v1/changes" && status == StatusCode::OK {
            let body: Value = serde_json::from_slice(&body).expect("a change list");
            change_kinds.extend(
                body["items"]
                    .as_array()
                    .expect("items")
                    .iter()
                    .map(|item| item["type"].as_str().unwrap_or_default().to_owned()),
            );
        }
    }
    assert_eq!(
        change_kinds,
        BTreeSet::from(["delete".to_owned(), "upsert".to_owned()]),
        "the change feed's answer held both kinds of entry"
    );
    let asked: BTreeSet<&str> = tour.iter().map(|ask| ask.template).collect();
    let documented: BTreeSet<&str> =
        document.0["paths"].as_object().expect("paths").keys().map(String::as_str).collect();
    assert_eq!(asked, documented, "every documented path is asked, and only those");
}

/// The query parameters a path takes, as the server lists them when it refuses the unknown `zz`
/// ("unknown field `zz`, expected one of `limit`, `cursor`", or "there are no fields").
fn parameters_taken(refusal: &str) -> BTreeSet<String> {
    let listed = refusal.split_once("`zz`").map_or("", |(_, rest)| rest);
    listed.split('`').skip(1).step_by(2).map(str::to_owned).collect()
}

#[actix_web::test]
async fn every_path_takes_the_query_parameters_the_document_names_and_no_others() {
    let app = spawn_app().await;
    let document = Document::served_by(&app).await;
    for (template, item) in document.0["paths"].as_object().expect("paths") {
        let documented: BTreeSet<String> = item["get"]["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|parameter| document.resolve(parameter))
            .filter(|parameter| parameter["in"] == "query")
            .map(|parameter| parameter["name"].as_str().expect("a name").to_owned())
            .collect();
        // The query string is read before anything else, so any slug will do.
        let path = format!(
            "{}?zz=1",
            template
                .replace("{slug}", "any-slug")
                .replace("{format}", "rss")
                .replace("{kind}", "category")
                .replace("{file}", "any-slug.rss")
                .replace("{page}", "0")
        );
        let (status, body) = app.get(&path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        let refusal = body["error"]["message"].as_str().expect("a message");
        assert_eq!(parameters_taken(refusal), documented, "{template}: the server says {refusal:?}");
    }
}
