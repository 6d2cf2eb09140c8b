//! Sitemaps for crawlers: `/sitemap.xml` (an index of article sitemaps of at most 50,000 URLs),
//! `/sitemaps/articles-N.xml`, `/sitemap-news.xml` (the last 48 hours, in the news sitemap
//! format), and `/robots.txt` pointing at both.
//!
//! Article sitemap N holds the public articles whose ids fall in the N-th block of 50,000: pages
//! never shift as articles are added, and none can exceed the protocol's limit.

use actix_web::{HttpRequest, HttpResponse, http::header, web};
use bantin_domain::{ArticleFilter, PageRequest, Visibility};
use chrono::{Duration, Utc};

use super::{dated, escape, own_url};
use crate::{AppState, error::ApiError, rest::NoParams};

/// The sitemap protocol's limit of URLs per file.
pub const URLS_PER_SITEMAP: i64 = 50_000;
/// News sitemaps list at most this many articles, from the last 48 hours.
const NEWS_MAX: usize = 1_000;
const XML: &str = "application/xml; charset=utf-8";

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/sitemap.xml", web::get().to(index))
        .route("/sitemaps/articles-{page}.xml", web::get().to(page))
        .route("/sitemap-news.xml", web::get().to(news))
        .route("/robots.txt", web::get().to(robots));
}

fn cache_control(state: &AppState) -> String {
    format!("public, max-age={}", state.config.feed_max_age)
}

async fn index(
    _: web::Query<NoParams>,
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let pages = state.content.sitemap_pages(URLS_PER_SITEMAP, Visibility::public_now()).await?;
    let zone = state.config.publication.zone();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">",
    );
    for (page, lastmod) in &pages {
        xml.push_str(&format!(
            "<sitemap><loc>{}</loc><lastmod>{}</lastmod></sitemap>",
            escape(&own_url(&request, &format!("/sitemaps/articles-{page}.xml"))),
            lastmod.with_timezone(&zone).to_rfc3339()
        ));
    }
    xml.push_str("</sitemapindex>\n");
    let modified = pages.iter().map(|(_, at)| *at).max().unwrap_or(chrono::DateTime::UNIX_EPOCH);
    Ok(dated(xml.into_bytes(), XML, modified, &cache_control(&state), sitemap_keys()))
}

async fn page(
    _: web::Query<NoParams>,
    state: web::Data<AppState>,
    request: HttpRequest,
    page: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let page: i64 = page
        .parse()
        .ok()
        .filter(|n| *n >= 0)
        .ok_or_else(|| ApiError::not_found(format!("no sitemap at {}", request.path())))?;
    let urls = state.content.sitemap_page(page, URLS_PER_SITEMAP, Visibility::public_now()).await?;
    if urls.is_empty() {
        return Err(ApiError::not_found(format!("no sitemap at {}", request.path())));
    }
    let zone = state.config.publication.zone();
    let publication = &state.config.publication;
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">",
    );
    for (slug, lastmod) in &urls {
        xml.push_str(&format!(
            "<url><loc>{}</loc><lastmod>{}</lastmod></url>",
            escape(&publication.article_url(slug)),
            lastmod.with_timezone(&zone).to_rfc3339()
        ));
    }
    xml.push_str("</urlset>\n");
    let modified = urls.iter().map(|(_, at)| *at).max().unwrap_or(chrono::DateTime::UNIX_EPOCH);
    Ok(dated(xml.into_bytes(), XML, modified, &cache_control(&state), sitemap_keys()))
}

async fn news(_: web::Query<NoParams>, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let since = Utc::now() - Duration::hours(48);
    let mut recent = Vec::new();
    let mut page = PageRequest::first(100);
    'pages: loop {
        let result =
            state.content.articles(&ArticleFilter::default(), &page, Visibility::public_now()).await?;
        for article in &result.items {
            if article.published_at.is_none_or(|at| at < since) || recent.len() == NEWS_MAX {
                break 'pages;
            }
            recent.push(article.clone());
        }
        match result.next_cursor() {
            Some(cursor) => page.after = Some(cursor),
            None => break,
        }
    }
    let zone = state.config.publication.zone();
    let publication = &state.config.publication;
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
         xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">",
    );
    for article in &recent {
        let published = article.published_at.unwrap_or(article.created_at).with_timezone(&zone).to_rfc3339();
        xml.push_str(&format!(
            "<url><loc>{}</loc><news:news><news:publication><news:name>{}</news:name><news:language>{}</news:language>\
             </news:publication><news:publication_date>{published}</news:publication_date><news:title>{}</news:title>\
             </news:news></url>",
            escape(&publication.article_url(&article.slug)),
            escape(&publication.name),
            escape(&publication.language),
            escape(&article.title),
        ));
    }
    xml.push_str("</urlset>\n");
    let modified = recent.iter().map(|a| a.updated_at).max().unwrap_or(chrono::DateTime::UNIX_EPOCH);
    Ok(dated(xml.into_bytes(), XML, modified, &cache_control(&state), sitemap_keys()))
}

/// Sitemaps change whenever an article is published or changed: they follow `latest`.
fn sitemap_keys() -> String {
    crate::http_cache::surrogate_keys(&["latest".to_owned()], [])
}

async fn robots(_: web::Query<NoParams>, state: web::Data<AppState>, request: HttpRequest) -> HttpResponse {
    let body = format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\nSitemap: {}\n",
        own_url(&request, "/sitemap.xml"),
        own_url(&request, "/sitemap-news.xml")
    );
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, cache_control(&state)))
        .body(body)
}
