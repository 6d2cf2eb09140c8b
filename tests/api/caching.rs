//! The response cache and HTTP caching: every cached surface follows every kind of write at once,
//! scheduled articles appear on time without a write, GraphQL can be cached over GET with
//! persisted queries, and the purge hook names what changed.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use actix_web::http::StatusCode;
use chrono::Utc;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::{
    Desk, Newsroom, Story, TestApp, create_draft, desk_with, first_error, lifecycle, serve_settings,
    spawn_app, spawn_app_with,
};

/// One answer as the client saw it (the test client decompresses nothing).
struct Fetched {
    status: StatusCode,
    text: String,
    bytes: Vec<u8>,
    headers: actix_web::http::header::HeaderMap,
}

impl Fetched {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }

    fn was_hit(&self) -> bool {
        self.header("x-cache") == "hit"
    }
}

async fn fetch(request: awc::ClientRequest, body: Option<Value>) -> Fetched {
    let mut response = match body {
        Some(body) => request.send_json(&body).await,
        None => request.send().await,
    }
    .expect("request sent");
    let bytes = response.body().limit(16 * 1024 * 1024).await.expect("body read");
    Fetched {
        status: response.status(),
        text: String::from_utf8_lossy(&bytes).into_owned(),
        bytes: bytes.to_vec(),
        headers: response.headers().clone(),
    }
}

const LATEST: &str = "{ latest(first: 5) { nodes { slug title } } }";

/// Every anonymous surface that shows the newest articles, cached.
async fn surfaces(app: &TestApp, slug: &str) -> Vec<(String, Fetched)> {
    surfaces_accepting(app, slug, None).await
}

/// [`surfaces`], asked for with this `Accept-Encoding`.
async fn surfaces_accepting(app: &TestApp, slug: &str, encodings: Option<&str>) -> Vec<(String, Fetched)> {
    let client = &app.client;
    let request = |method: actix_web::http::Method, path: &str| {
        let request = client.request(method, format!("{}{path}", app.address));
        match encodings {
            Some(encodings) => request.insert_header(("Accept-Encoding", encodings)),
            None => request,
        }
    };
    let get = |path: &str| request(actix_web::http::Method::GET, path);
    let mut fetched = Vec::new();
    for path in [
        "/api/v1/latest?limit=5".to_owned(),
        format!("/api/v1/articles/{slug}"),
        "/feeds/latest.rss".to_owned(),
        "/sitemap-news.xml".to_owned(),
    ] {
        fetched.push((path.clone(), fetch(get(&path), None).await));
    }
    let graphql_get = get("/graphql").query(&[("query", LATEST)]).expect("query string");
    fetched.push(("GraphQL GET".into(), fetch(graphql_get, None).await));
    let post = request(actix_web::http::Method::POST, "/graphql");
    fetched.push(("GraphQL POST".into(), fetch(post, Some(json!({ "query": LATEST }))).await));
    fetched
}

/// Checks that every surface shows `title` or not, then that a repeated read comes from the
/// cache (where the answer was a 200) and says the same.
async fn assert_everywhere(app: &TestApp, slug: &str, title: &str, shown: bool, moment: &str) {
    let first = surfaces(app, slug).await;
    for (surface, fetched) in &first {
        assert_eq!(
            fetched.text.contains(title),
            shown,
            "{moment}: {surface} shows '{title}': {}",
            fetched.text
        );
    }
    // On SQLite the change follower also sees this node's own commit in the file, up to one poll
    // later, and moves the version once more; answers cached before that are dropped.
    actix_web::rt::time::sleep(bantin_persistence::changes::SQLITE_POLL + Duration::from_millis(150)).await;
    surfaces(app, slug).await;
    for ((surface, first), (_, again)) in first.iter().zip(surfaces(app, slug).await) {
        if first.status == StatusCode::OK {
            assert!(again.was_hit(), "{moment}: the second read of {surface} comes from the cache");
            assert_eq!(again.text, first.text, "{moment}: {surface} answers the same from the cache");
        }
    }
}

fn gunzip(bytes: &[u8]) -> String {
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(bytes), &mut text).expect("gzip text");
    text
}

#[actix_web::test]
async fn clients_that_take_gzip_get_kept_answers_compressed_once_and_the_same_content() {
    let app = spawn_app().await;
    let newsroom = Newsroom::new(&app.store).await;
    newsroom.write(vec![Story::published("Tin nén một lần", "thoi-su", 5)]).await;
    let (_, latest) = app.get("/api/v1/latest?limit=1").await;
    let slug = latest["items"][0]["slug"].as_str().expect("a slug").to_owned();
    let browser = Some("gzip, deflate, br, zstd");

    let compressed = surfaces_accepting(&app, &slug, browser).await;
    let plain = surfaces(&app, &slug).await;
    let again = surfaces_accepting(&app, &slug, browser).await;
    for (((surface, first), (_, plain)), (_, again)) in compressed.iter().zip(&plain).zip(&again) {
        assert_eq!((first.status, plain.status), (StatusCode::OK, StatusCode::OK), "{surface}");
        // The news sitemap lists only the last two days; the article is older.
        let shows = surface.contains("sitemap") || plain.text.contains("Tin nén một lần");
        assert!(shows, "{surface}: {}", plain.text);
        assert_eq!(plain.header("content-encoding"), "", "{surface} is plain without Accept-Encoding");
        for (moment, fetched) in [("first", first), ("kept", again)] {
            assert_eq!(fetched.header("content-encoding"), "gzip", "{surface}, {moment} answer");
            assert_eq!(
                gunzip(&fetched.bytes),
                plain.text,
                "{surface}, {moment} answer inflates to the plain one"
            );
            assert_eq!(
                fetched.header("content-length"),
                fetched.bytes.len().to_string(),
                "{surface}: a kept length, not chunks compressed as they go"
            );
            if plain.bytes.len() > 512 {
                assert!(fetched.bytes.len() < plain.bytes.len(), "{surface}: compressed is smaller");
            }
            assert_eq!(fetched.header("etag"), plain.header("etag"), "{surface}: one weak tag for both");
            let vary: Vec<&str> = fetched.headers.get_all("vary").filter_map(|v| v.to_str().ok()).collect();
            assert!(vary.iter().any(|v| v.eq_ignore_ascii_case("accept-encoding")), "{surface}: {vary:?}");
        }
        assert!(plain.was_hit() && again.was_hit(), "{surface}: both later reads come from the cache");
    }

    let url = format!("{}/api/v1/articles/{slug}", app.address);
    let etag = plain[1].1.header("etag").to_owned();
    let revalidated = fetch(
        app.client
            .get(&url)
            .insert_header(("Accept-Encoding", "gzip"))
            .insert_header(("If-None-Match", etag)),
        None,
    )
    .await;
    assert_eq!(revalidated.status, StatusCode::NOT_MODIFIED);
    assert!(revalidated.bytes.is_empty() && revalidated.header("content-encoding").is_empty());
    let refused =
        fetch(app.client.get(&url).insert_header(("Accept-Encoding", "gzip;q=0, deflate")), None).await;
    assert_eq!(refused.header("content-encoding"), "deflate", "gzip;q=0 is honoured");
}

async fn mutate(app: &TestApp, token: &str, query: &str, variables: Value) -> Value {
    app.query_as(token, query, variables).await
}

#[actix_web::test]
async fn every_cached_surface_follows_publish_edit_schedule_and_unpublish_at_once() {
    let Desk { app, editor, .. } = crate::helpers::desk().await;
    let (id, revision, slug) = create_draft(&app, &editor, "Bộ nhớ đệm theo kịp tòa soạn").await;
    let title = "Bộ nhớ đệm theo kịp tòa soạn";
    assert_everywhere(&app, &slug, title, false, "a draft").await;

    let (status, body) = lifecycle(&app, &editor, "publishArticle", &id, revision).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_everywhere(&app, &slug, title, true, "published").await;

    let edited = mutate(
        &app,
        &editor,
        "mutation($id: ID!, $r: Int!) { updateArticle(id: $id, revision: $r, input: {title: \"Bản sửa hiện ngay\"}) { revision } }",
        json!({ "id": id, "r": revision + 1 }),
    )
    .await;
    let revision = edited["updateArticle"]["revision"].as_i64().expect("revision");
    assert_everywhere(&app, &slug, "Bản sửa hiện ngay", true, "edited").await;
    assert_everywhere(&app, &slug, title, false, "edited (old title)").await;

    let (_, body) = lifecycle(&app, &editor, "unpublishArticle", &id, revision).await;
    let revision = body["data"]["unpublishArticle"]["revision"].as_i64().expect("revision");
    assert_everywhere(&app, &slug, "Bản sửa hiện ngay", false, "unpublished").await;

    // Scheduled a little ahead: cached lists must not outlive the publish time, though no write
    // happens then.
    let at = Utc::now() + chrono::TimeDelta::seconds(3);
    let scheduled = mutate(
        &app,
        &editor,
        "mutation($id: ID!, $r: Int!, $at: DateTime!) { scheduleArticle(id: $id, revision: $r, at: $at) { revision } }",
        json!({ "id": id, "r": revision, "at": at.to_rfc3339() }),
    )
    .await;
    let revision = scheduled["scheduleArticle"]["revision"].as_i64().expect("revision");
    assert_everywhere(&app, &slug, "Bản sửa hiện ngay", false, "scheduled, before its time").await;
    let wait = (at - Utc::now()).to_std().unwrap_or_default() + Duration::from_millis(1_100);
    actix_web::rt::time::sleep(wait).await;
    assert_everywhere(&app, &slug, "Bản sửa hiện ngay", true, "scheduled, after its time").await;

    let (status, body) = lifecycle(&app, &editor, "unpublishArticle", &id, revision).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_everywhere(&app, &slug, "Bản sửa hiện ngay", false, "unpublished again").await;
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn persisted(hash: &str) -> String {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } }).to_string()
}

#[actix_web::test]
async fn graphql_over_get_has_entity_tags_and_persisted_queries() {
    let app = spawn_app().await;
    let newsroom = Newsroom::new(&app.store).await;
    let ids = newsroom.write(vec![Story::published("Tin truy vấn lưu sẵn", "thoi-su", 5)]).await;
    let url = format!("{}/graphql", app.address);

    let get = || app.client.get(&url).query(&[("query", LATEST)]).expect("query string");
    let first = fetch(get(), None).await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.text.contains("Tin truy vấn lưu sẵn"), "{}", first.text);
    let etag = first.header("etag").to_owned();
    assert!(etag.starts_with("W/\""), "an entity tag: {etag}");
    assert!(
        first.header("cache-control").starts_with("public, max-age=60"),
        "{}",
        first.header("cache-control")
    );
    let keys: Vec<&str> = first.header("surrogate-key").split(' ').collect();
    assert!(keys.contains(&"graphql") && keys.contains(&"latest"), "{keys:?}");
    assert!(
        keys.contains(&format!("article-{}", ids[0]).as_str()),
        "GraphQL names the articles it shows: {keys:?}"
    );
    let revalidated = fetch(get().insert_header(("If-None-Match", etag.as_str())), None).await;
    assert_eq!(revalidated.status, StatusCode::NOT_MODIFIED);
    assert!(revalidated.text.is_empty());

    // Automatic persisted queries: unknown hash, then the document once, then the hash alone.
    let hash = sha256_hex(LATEST);
    let by_hash = || app.client.get(&url).query(&[("extensions", persisted(&hash))]).expect("query string");
    let unknown = fetch(by_hash(), None).await;
    let unknown_body: Value = serde_json::from_str(&unknown.text).expect("json");
    assert_eq!(first_error(&unknown_body).0, "PERSISTED_QUERY_NOT_FOUND", "{unknown_body}");
    assert_eq!(unknown.header("cache-control"), "no-store", "a miss is never cached");
    let extensions: Value = serde_json::from_str(&persisted(&hash)).expect("json");
    let registered =
        fetch(app.client.post(&url), Some(json!({ "query": LATEST, "extensions": extensions }))).await;
    let found = fetch(by_hash(), None).await;
    assert_eq!(found.status, StatusCode::OK);
    assert_eq!(found.text, registered.text, "the hash runs the document it was sent with");
    assert!(fetch(by_hash(), None).await.was_hit(), "GETs by hash come from the cache");

    let wrong = fetch(
        app.client.post(&url),
        Some(json!({ "query": "{ publication { name } }", "extensions": extensions })),
    )
    .await;
    let wrong: Value = serde_json::from_str(&wrong.text).expect("json");
    assert_eq!(first_error(&wrong).0, "BAD_USER_INPUT", "a hash that does not match: {wrong}");

    // A mutation kept by hash still cannot run over GET.
    let mutation = "mutation { logout(refreshToken: \"nothing\") }";
    let mutation_hash = sha256_hex(mutation);
    let extensions: Value = serde_json::from_str(&persisted(&mutation_hash)).expect("json");
    fetch(app.client.post(&url), Some(json!({ "query": mutation, "extensions": extensions }))).await;
    let by_get =
        fetch(app.client.get(&url).query(&[("extensions", persisted(&mutation_hash))]).expect("query"), None)
            .await;
    assert_eq!(by_get.status, StatusCode::METHOD_NOT_ALLOWED, "{}", by_get.text);

    // POSTs that differ only in spacing share one cached answer.
    let spaced = "{\n  latest(first: 5) {\n    nodes { slug, title }\n  }\n}";
    let post = fetch(app.client.post(&url), Some(json!({ "query": spaced }))).await;
    assert!(post.was_hit(), "the same document, spaced differently, is a hit");
}

#[actix_web::test]
async fn answers_name_what_they_show_and_answers_to_tokens_are_never_shared() {
    let Desk { app, editor, .. } = crate::helpers::desk().await;
    let newsroom = Newsroom::new_reusing(&app.store).await;
    let ids = newsroom
        .write(vec![Story::published("Tin có khóa đại diện", "thoi-su", 5).tags(&["bac-giang"])])
        .await;
    let id = ids[0];
    let get = |path: &str| fetch(app.client.get(format!("{}{path}", app.address)), None);
    let article = get("/api/v1/articles/tin-co-khoa-dai-dien").await;
    let keys: Vec<&str> = article.header("surrogate-key").split(' ').collect();
    assert!(keys.contains(&format!("article-{id}").as_str()) && keys.contains(&"content"), "{keys:?}");
    let latest = get("/api/v1/latest").await;
    assert!(latest.header("surrogate-key").split(' ').any(|k| k == "latest"));
    let section = get("/api/v1/articles?category=thoi-su").await;
    let category = newsroom.categories["thoi-su"];
    assert!(section.header("surrogate-key").split(' ').any(|k| k == format!("category-{category}")));
    let tag = get("/feeds/tag/bac-giang.rss").await;
    let tag_id = newsroom.tags["bac-giang"];
    assert!(
        tag.header("surrogate-key").split(' ').any(|k| k == format!("tag-{tag_id}")),
        "{}",
        tag.header("surrogate-key")
    );

    for _ in 0..2 {
        let mine = fetch(
            app.client
                .get(format!("{}/api/v1/latest", app.address))
                .insert_header(("Authorization", format!("Bearer {editor}"))),
            None,
        )
        .await;
        assert_eq!(mine.status, StatusCode::OK);
        assert_eq!(mine.header("cache-control"), "private, no-store");
        assert!(!mine.was_hit(), "an answer to a token is never taken from the shared cache");
    }
}

#[actix_web::test]
async fn with_the_cache_off_nothing_is_kept_but_entity_tags_still_work() {
    let mut settings = serve_settings();
    settings.cache.enabled = false;
    let app = spawn_app_with(settings).await;
    Newsroom::new(&app.store).await;
    let url = format!("{}/api/v1/categories", app.address);
    let first = fetch(app.client.get(&url), None).await;
    let again = fetch(app.client.get(&url), None).await;
    assert!(!first.was_hit() && !again.was_hit());
    let etag = first.header("etag").to_owned();
    let revalidated = fetch(app.client.get(&url).insert_header(("If-None-Match", etag)), None).await;
    assert_eq!(revalidated.status, StatusCode::NOT_MODIFIED);
}

/// A stand-in for a CDN's purge API: records each body it is sent.
async fn purge_receiver() -> (String, Arc<Mutex<Vec<Value>>>) {
    use actix_web::{App, HttpServer, web};
    let received: Arc<Mutex<Vec<Value>>> = Arc::default();
    let sink = received.clone();
    let server = HttpServer::new(move || {
        let sink = sink.clone();
        App::new().route(
            "/purge",
            web::post().to(move |body: web::Json<Value>| {
                let sink = sink.clone();
                async move {
                    sink.lock().expect("lock").push(body.into_inner());
                    actix_web::HttpResponse::Ok().finish()
                }
            }),
        )
    })
    .workers(1)
    .bind("127.0.0.1:0")
    .expect("binds");
    let address = server.addrs()[0];
    actix_web::rt::spawn(server.run());
    (format!("http://{address}/purge"), received)
}

async fn next_purge(received: &Mutex<Vec<Value>>) -> Vec<String> {
    for _ in 0..100 {
        if let Some(body) = received.lock().expect("lock").pop() {
            return body["keys"]
                .as_array()
                .expect("keys is an array")
                .iter()
                .map(|k| k.as_str().expect("a key is a string").to_owned())
                .collect();
        }
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the purge hook was not called");
}

#[actix_web::test]
async fn the_purge_hook_names_the_article_its_lists_and_taxonomy_changes_purge_everything() {
    let (purge_url, received) = purge_receiver().await;
    let mut settings = serve_settings();
    settings.cache.purge_url = Some(purge_url);
    let Desk { app, editor, admin, .. } = desk_with(settings).await;
    let newsroom = Newsroom::new_reusing(&app.store).await;
    let (id, revision, _) = create_draft(&app, &editor, "Tin gọi móc xóa đệm").await;
    let (status, _) = lifecycle(&app, &editor, "publishArticle", &id, revision).await;
    assert_eq!(status, StatusCode::OK);
    let keys = next_purge(&received).await;
    for expected in [
        format!("article-{id}"),
        format!("category-{}", newsroom.categories["thoi-su"]),
        format!("tag-{}", newsroom.tags["bac-giang"]),
        "latest".to_owned(),
    ] {
        assert!(keys.contains(&expected), "{expected} in {keys:?}");
    }
    // Moving the article to another section purges the section it left, too.
    let moved = mutate(
        &app,
        &editor,
        "mutation($id: ID!, $r: Int!) { updateArticle(id: $id, revision: $r, input: {category: \"the-thao\"}) { revision } }",
        json!({ "id": id, "r": revision + 1 }),
    )
    .await;
    assert!(moved["updateArticle"]["revision"].is_number());
    let keys = next_purge(&received).await;
    for section in ["thoi-su", "the-thao"] {
        assert!(
            keys.contains(&format!("category-{}", newsroom.categories[section])),
            "{section} in {keys:?}"
        );
    }
    mutate(
        &app,
        &admin,
        "mutation { renameTag(slug: \"bac-giang\", name: \"Tỉnh Bắc Giang\") { slug } }",
        json!({}),
    )
    .await;
    assert_eq!(next_purge(&received).await, vec!["content".to_owned()]);
}

#[actix_web::test]
async fn every_get_answers_head_with_the_same_headers_and_no_body() {
    let app = spawn_app().await;
    Newsroom::new(&app.store).await.write(vec![Story::published("Tin để hỏi bằng HEAD", "thoi-su", 5)]).await;
    let url = |path: &str| format!("{}{path}", app.address);
    let graphql = app.client.get(url("/graphql")).query(&[("query", LATEST)]).expect("query string");
    let urls = [
        "/api/v1/articles/tin-de-hoi-bang-head",
        "/api/v1/latest?limit=5",
        "/feeds/latest.rss",
        "/sitemap-news.xml",
        "/healthz",
    ]
    .map(url);
    for target in urls.iter().cloned().chain([graphql.get_uri().to_string()]) {
        // HEAD first: what it leaves in the response cache must still give GET its body.
        let head = fetch(app.client.head(&target), None).await;
        let get = fetch(app.client.get(&target), None).await;
        assert_eq!((head.status, get.status), (StatusCode::OK, StatusCode::OK), "{target}: {}", get.text);
        assert!(head.bytes.is_empty() && !get.bytes.is_empty(), "{target}");
        assert_eq!(head.header("content-length"), get.bytes.len().to_string(), "{target}");
        for name in ["content-type", "etag", "cache-control"] {
            assert_eq!(head.header(name), get.header(name), "{target}: {name}");
        }
        if !get.header("etag").is_empty() {
            let revalidation = app.client.head(&target).insert_header(("If-None-Match", get.header("etag")));
            assert_eq!(fetch(revalidation, None).await.status, StatusCode::NOT_MODIFIED, "{target}");
        }
    }
    for path in ["/api/v1/articles/no-such-article", "/no/such/path"] {
        let head = fetch(app.client.head(url(path)), None).await;
        assert_eq!(head.status, StatusCode::NOT_FOUND, "{path}");
        assert!(head.bytes.is_empty(), "{path}");
    }
}
