//! Partner feeds and sitemaps, read by an independent feed parser (feed-rs) as a reader would.

use awc::http::StatusCode;
use bantin_domain::ArticleStatus;
use chrono::{Duration, Utc};
use serde_json::json;

use crate::helpers::{BASE_URL, Desk, Newsroom, Story, desk, partner_token, send_for_bytes};

const TRICKY: &str = "Tôm & cá <ngon> \"nhất\" 'Đà Nẵng'";

async fn newsroom_desk() -> Desk {
    let desk = desk().await;
    let newsroom = Newsroom::new_reusing(&desk.app.store).await;
    newsroom
        .write(vec![
            Story::published(TRICKY, "du-lich", 1).tags(&["du-lich"]).authors(&["minh-anh", "ba-doan"]),
            Story::published("Bắc Giang đón khách", "thoi-su", 2).tags(&["bac-giang"]),
            Story::published("Tin vừa đăng", "thoi-su", 0).at(Utc::now() - Duration::hours(1)),
            Story::published("Bản nháp kín", "thoi-su", 3).status(ArticleStatus::Draft),
            Story::published("Hẹn giờ kín", "thoi-su", 0)
                .at(Utc::now() + Duration::days(2))
                .status(ArticleStatus::Scheduled),
            Story::published("Lưu trữ kín", "thoi-su", 4).status(ArticleStatus::Archived),
        ])
        .await;
    desk
}

struct Fetched {
    status: StatusCode,
    headers: awc::http::header::HeaderMap,
    body: Vec<u8>,
}

async fn fetch(desk: &Desk, path: &str, headers: &[(&str, String)]) -> Fetched {
    let mut request = desk.app.client.get(format!("{}{path}", desk.app.address));
    for (name, value) in headers {
        request = request.insert_header((*name, value.clone()));
    }
    let (status, headers, body) = send_for_bytes(request, None).await;
    Fetched { status, headers, body }
}

fn header(fetched: &Fetched, name: &str) -> String {
    fetched.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

#[actix_web::test]
async fn every_format_parses_with_titles_links_dates_authors_and_summaries() {
    let desk = newsroom_desk().await;
    for (path, content_type) in [
        ("/feeds/latest.rss", "application/rss+xml; charset=utf-8"),
        ("/feeds/latest.atom", "application/atom+xml; charset=utf-8"),
        ("/feeds/latest.json", "application/feed+json; charset=utf-8"),
    ] {
        let fetched = fetch(&desk, path, &[]).await;
        assert_eq!(fetched.status, StatusCode::OK, "{path}");
        assert_eq!(header(&fetched, "content-type"), content_type);
        assert!(header(&fetched, "cache-control").starts_with("public"), "{path}");
        let feed = feed_rs::parser::parse(fetched.body.as_slice()).unwrap_or_else(|e| panic!("{path}: {e}"));
        let titles: Vec<String> =
            feed.entries.iter().filter_map(|e| e.title.as_ref().map(|t| t.content.clone())).collect();
        assert_eq!(titles.len(), 3, "{path}: only public articles: {titles:?}");
        let tricky = feed
            .entries
            .iter()
            .find(|e| e.title.as_ref().is_some_and(|t| t.content == TRICKY))
            .unwrap_or_else(|| panic!("{path}: the title survives escaping: {titles:?}"));
        assert_eq!(tricky.links[0].href, format!("{BASE_URL}/{}", bantin_domain::slugify(TRICKY, "x")));
        assert!(tricky.published.is_some(), "{path}");
        let names: Vec<&str> = tricky.authors.iter().filter_map(|a| a.name.as_deref()).collect();
        assert_eq!(names, ["Nguyễn Minh Anh", "Bá Đoàn"], "{path}");
        let summary = tricky.summary.as_ref().map(|s| s.content.clone()).unwrap_or_default();
        assert!(summary.contains("Ngày 26/6"), "{path}: {summary}");
        assert!(tricky.id.starts_with("tag:tin.example,2026:article:"), "{path}: {}", tricky.id);
        if path.ends_with(".rss") || path.ends_with(".atom") {
            assert!(tricky.content.is_none(), "{path}: no full text without a token");
        }
        for secret in ["Bản nháp kín", "Hẹn giờ kín", "Lưu trữ kín"] {
            assert!(!String::from_utf8_lossy(&fetched.body).contains(secret), "{path}: {secret} leaked");
        }
    }
    // Local time of the publication: Vietnam is +07:00.
    let rss = String::from_utf8(fetch(&desk, "/feeds/latest.rss", &[]).await.body).expect("utf-8");
    assert!(rss.contains("+0700</pubDate>"), "RFC 822 dates in +07:00");
    let atom = String::from_utf8(fetch(&desk, "/feeds/latest.atom", &[]).await.body).expect("utf-8");
    assert!(atom.contains("+07:00</published>"));
}

#[actix_web::test]
async fn a_full_text_token_adds_clean_bodies_and_makes_responses_private() {
    let desk = newsroom_desk().await;
    let full = partner_token(&desk, "feeds:full").await;
    let read_only = partner_token(&desk, "api:read").await;
    let by_header = fetch(&desk, "/feeds/latest.rss", &[("Authorization", format!("Bearer {full}"))]).await;
    let by_query = fetch(&desk, &format!("/feeds/latest.atom?token={full}"), &[]).await;
    for fetched in [&by_header, &by_query] {
        assert_eq!(fetched.status, StatusCode::OK);
        assert!(header(fetched, "cache-control").starts_with("private"));
        let feed = feed_rs::parser::parse(fetched.body.as_slice()).expect("parses");
        let html = feed.entries[0].content.as_ref().and_then(|c| c.body.clone()).expect("full content");
        assert!(html.contains("<figure><img src=\"https://img.example/toan-canh.jpg\""), "{html}");
        assert!(html.contains("<figcaption>Toàn cảnh hội nghị"));
        assert!(!html.contains("<script") && !html.contains("<iframe"));
    }
    let json = fetch(&desk, &format!("/feeds/latest.json?token={full}"), &[]).await;
    let body: serde_json::Value = serde_json::from_slice(&json.body).expect("json");
    assert!(body["items"][0]["content_html"].as_str().expect("html").contains("<figure>"));
    let without_scope = fetch(&desk, &format!("/feeds/latest.rss?token={read_only}"), &[]).await;
    let feed = feed_rs::parser::parse(without_scope.body.as_slice()).expect("parses");
    assert!(feed.entries[0].content.is_none(), "api:read does not unlock full text");
    let bad = fetch(&desk, "/feeds/latest.rss?token=forged", &[]).await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn section_tag_and_author_feeds_filter_and_unknown_ones_are_404() {
    let desk = newsroom_desk().await;
    let count =
        |fetched: &Fetched| feed_rs::parser::parse(fetched.body.as_slice()).expect("parses").entries.len();
    assert_eq!(count(&fetch(&desk, "/feeds/category/du-lich.rss", &[]).await), 1);
    assert_eq!(count(&fetch(&desk, "/feeds/tag/bac-giang.json", &[]).await), 1);
    assert_eq!(count(&fetch(&desk, "/feeds/author/minh-anh.atom", &[]).await), 1);
    assert_eq!(count(&fetch(&desk, "/feeds/latest.rss?limit=1", &[]).await), 1);
    for path in [
        "/feeds/category/khong-co.rss",
        "/feeds/tag/khong-co.atom",
        "/feeds/latest.html",
        "/feeds/section/du-lich.rss",
    ] {
        assert_eq!(fetch(&desk, path, &[]).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    for path in [
        "/feeds/latest.rss?limit=101",
        "/feeds/latest.rss?limit=0",
        "/feeds/latest.rss?limit=x",
        "/feeds/latest.rss?q=1",
    ] {
        assert_eq!(fetch(&desk, path, &[]).await.status, StatusCode::BAD_REQUEST, "{path}");
    }
}

#[actix_web::test]
async fn conditional_requests_get_304_with_no_body() {
    let desk = newsroom_desk().await;
    for path in ["/feeds/latest.rss", "/feeds/latest.json", "/sitemap.xml", "/sitemap-news.xml"] {
        let first = fetch(&desk, path, &[]).await;
        let etag = header(&first, "etag");
        let modified = header(&first, "last-modified");
        assert!(!etag.is_empty() && !modified.is_empty(), "{path}");
        let again = fetch(&desk, path, &[("If-None-Match", etag.clone())]).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{path}");
        assert!(again.body.is_empty());
        assert_eq!(header(&again, "etag"), etag);
        let since = fetch(&desk, path, &[("If-Modified-Since", modified)]).await;
        assert_eq!(since.status, StatusCode::NOT_MODIFIED, "{path}");
        let stale = fetch(&desk, path, &[("If-None-Match", "\"old\"".to_owned())]).await;
        assert_eq!(stale.status, StatusCode::OK, "{path}");
    }
}

#[actix_web::test]
async fn an_entry_keeps_its_id_when_edited_and_its_update_time_moves() {
    let desk = newsroom_desk().await;
    let (id, revision, _) = crate::helpers::create_draft(&desk.app, &desk.editor, "Tin sẽ được sửa").await;
    crate::helpers::lifecycle(&desk.app, &desk.editor, "publishArticle", &id, revision).await;
    let before = feed_rs::parser::parse(fetch(&desk, "/feeds/latest.atom", &[]).await.body.as_slice())
        .expect("parses");
    let entry = before
        .entries
        .iter()
        .find(|e| e.title.as_ref().is_some_and(|t| t.content == "Tin sẽ được sửa"))
        .expect("entry");
    let (entry_id, updated) = (entry.id.clone(), entry.updated);
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    desk.app
        .query_as(
            &desk.editor,
            "mutation($id: ID!, $r: Int!) { updateArticle(id: $id, revision: $r, input: {title: \"Tin đã được sửa\"}) { revision } }",
            json!({ "id": id, "r": revision + 1 }),
        )
        .await;
    let after = feed_rs::parser::parse(fetch(&desk, "/feeds/latest.atom", &[]).await.body.as_slice())
        .expect("parses");
    let entry = after.entries.iter().find(|e| e.id == entry_id).expect("same id after the edit");
    assert_eq!(entry.title.as_ref().map(|t| t.content.as_str()), Some("Tin đã được sửa"));
    assert!(entry.updated > updated, "updated moves on edit");
}

#[actix_web::test]
async fn sitemaps_list_public_urls_and_recent_news_and_robots_points_at_them() {
    let desk = newsroom_desk().await;
    let index = String::from_utf8(fetch(&desk, "/sitemap.xml", &[]).await.body).expect("utf-8");
    assert!(
        index.contains("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"),
        "{index}"
    );
    let loc = index.split("<loc>").nth(1).and_then(|s| s.split("</loc>").next()).expect("a sitemap");
    let path = loc
        .split_once("//")
        .and_then(|(_, rest)| rest.split_once('/'))
        .map(|(_, p)| format!("/{p}"))
        .expect("path");
    let page = fetch(&desk, &path, &[]).await;
    assert_eq!(header(&page, "content-type"), "application/xml; charset=utf-8");
    let page = String::from_utf8(page.body).expect("utf-8");
    assert!(page.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"));
    assert_eq!(page.matches("<url>").count(), 3, "public articles only: {page}");
    assert!(page.contains(&format!("<loc>{BASE_URL}/bac-giang-don-khach</loc>")));
    assert!(!page.contains("ban-nhap-kin") && !page.contains("hen-gio-kin") && !page.contains("luu-tru-kin"));
    assert_eq!(fetch(&desk, "/sitemaps/articles-99.xml", &[]).await.status, StatusCode::NOT_FOUND);

    let news = String::from_utf8(fetch(&desk, "/sitemap-news.xml", &[]).await.body).expect("utf-8");
    assert!(news.contains("xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\""));
    assert_eq!(news.matches("<news:news>").count(), 1, "only the last 48 hours: {news}");
    assert!(news.contains("<news:name>Báo Thử Nghiệm</news:name><news:language>vi</news:language>"));
    assert!(news.contains("<news:title>Tin vừa đăng</news:title>"));
    assert!(news.contains("+07:00</news:publication_date>"));

    let robots = String::from_utf8(fetch(&desk, "/robots.txt", &[]).await.body).expect("utf-8");
    assert!(robots.contains("/sitemap.xml") && robots.contains("/sitemap-news.xml"), "{robots}");
}

/// The elements of an XML document as (path, text) pairs, namespaces kept in the names, using an
/// independent XML parser: the document must be well-formed.
fn xml_elements(xml: &str) -> Vec<(String, String)> {
    use quick_xml::{Reader, events::Event};
    let mut reader = Reader::from_str(xml);
    let mut path: Vec<String> = Vec::new();
    let mut out = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => {
                path.push(e.name().as_ref().to_owned());
                out.push((path.join("/"), String::new()));
            }
            Event::End(_) => {
                path.pop();
            }
            Event::Text(t) => {
                if let Some(last) = out.last_mut() {
                    last.1.push_str(&t.into_inner());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(last) = out.last_mut() {
                    let name = r.into_inner().into_owned();
                    last.1.push_str(match name.as_str() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        other => panic!("unexpected entity {other}"),
                    });
                }
            }
            Event::Eof => return out,
            _ => {}
        }
    }
}

#[actix_web::test]
async fn sitemaps_parse_as_xml_with_the_elements_crawlers_require() {
    let desk = newsroom_desk().await;
    let index = String::from_utf8(fetch(&desk, "/sitemap.xml", &[]).await.body).expect("utf-8");
    let elements = xml_elements(&index);
    assert_eq!(elements[0].0, "sitemapindex");
    assert!(elements.iter().any(|(p, _)| p == "sitemapindex/sitemap/loc"));
    assert!(elements.iter().any(|(p, _)| p == "sitemapindex/sitemap/lastmod"));
    let page = String::from_utf8(fetch(&desk, "/sitemaps/articles-0.xml", &[]).await.body).expect("utf-8");
    let elements = xml_elements(&page);
    let locs: Vec<&String> = elements.iter().filter(|(p, _)| p == "urlset/url/loc").map(|(_, t)| t).collect();
    assert_eq!(locs.len(), 3);
    assert!(locs.iter().all(|l| l.starts_with(BASE_URL)));
    let news = String::from_utf8(fetch(&desk, "/sitemap-news.xml", &[]).await.body).expect("utf-8");
    let elements = xml_elements(&news);
    for required in [
        "urlset/url/loc",
        "urlset/url/news:news/news:publication/news:name",
        "urlset/url/news:news/news:publication/news:language",
        "urlset/url/news:news/news:publication_date",
        "urlset/url/news:news/news:title",
    ] {
        assert!(elements.iter().any(|(p, _)| p == required), "{required} missing in {news}");
    }
    // An RSS title with markup characters comes back exactly.
    let rss = String::from_utf8(fetch(&desk, "/feeds/latest.rss", &[]).await.body).expect("utf-8");
    let titles: Vec<String> = xml_elements(&rss)
        .into_iter()
        .filter(|(p, _)| p == "rss/channel/item/title")
        .map(|(_, t)| t)
        .collect();
    assert!(titles.contains(&TRICKY.to_owned()), "{titles:?}");
}

#[actix_web::test]
async fn sitemap_pages_never_hold_more_than_their_block_of_ids() {
    use bantin_domain::{ContentReader, Visibility};
    let desk = newsroom_desk().await;
    let store = &desk.app.store;
    // Blocks of 2 ids stand in for the protocol's 50,000.
    let pages = store.sitemap_pages(2, Visibility::public_now()).await.expect("pages");
    let mut listed = Vec::new();
    for (page, _) in &pages {
        let urls = store.sitemap_page(*page, 2, Visibility::public_now()).await.expect("page");
        assert!(!urls.is_empty() && urls.len() <= 2, "page {page}: {urls:?}");
        listed.extend(urls.into_iter().map(|(slug, _)| slug));
    }
    listed.sort();
    let mut public: Vec<String> = desk.app.get("/api/v1/latest?limit=100").await.1["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["slug"].as_str().expect("slug").to_owned())
        .collect();
    public.sort();
    assert_eq!(listed, public, "every public article once, nothing else");
}
