//! Feed and sitemap documents, written by hand: each format is a few dozen lines of markup, and
//! every piece of text goes through one escaping function, so nothing a writer typed can become
//! markup. Article bodies become HTML only from typed blocks (no raw HTML exists to sanitise).

use bantin_domain::{Article, Author, Block, Body, Category, CoverImage, Mark, Publication, Tag};
use chrono::{DateTime, FixedOffset, Utc};
use serde_json::{Value, json};

/// Escapes text for XML and HTML (element content and quoted attributes), dropping the control
/// characters XML 1.0 forbids.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// An article with what a feed entry shows of it.
pub struct Entry<'a> {
    pub article: &'a Article,
    pub url: String,
    pub authors: &'a [Author],
    pub category: Option<&'a Category>,
    pub tags: &'a [Tag],
    /// The body, only for full-text feeds.
    pub body: Option<&'a Body>,
}

/// What a whole feed says about itself.
pub struct Channel<'a> {
    pub publication: &'a Publication,
    pub title: String,
    /// The page this feed mirrors on the website.
    pub home_url: String,
    /// This feed's own URL.
    pub feed_url: String,
    pub offset: FixedOffset,
    pub updated: DateTime<Utc>,
}

/// A stable id for an article, whatever its slug or URL becomes.
pub fn entry_id(publication: &Publication, article: &Article) -> String {
    let host = publication
        .base_url
        .split("://")
        .nth(1)
        .unwrap_or(&publication.base_url)
        .split('/')
        .next()
        .unwrap_or("bantin");
    format!("tag:{host},2026:article:{}", article.id)
}

fn published(article: &Article) -> DateTime<Utc> {
    article.published_at.unwrap_or(article.created_at)
}

/// A URL fit for an `href` or `src`, escaped: absolute http(s) only. Writes already refuse other
/// URLs; this holds for rows that reached the database another way (imports, old data), so a
/// `javascript:` or `data:` URL never reaches a reader.
fn safe_url(url: &str) -> Option<String> {
    bantin_domain::editorial::validate_url("url", url).ok().map(|()| escape(url.trim()))
}

/// Renders a body as clean HTML: figures with captions, links with `rel="noopener noreferrer"`,
/// embeds as plain links (no iframes, no scripts). No HTML is taken from the body: every text is
/// escaped, so there is no markup to sanitise and rendering is the same every time.
pub fn body_html(body: &Body) -> String {
    let mut html = String::new();
    for block in &body.0 {
        match block {
            Block::Paragraph { spans } => {
                html.push_str("<p>");
                for span in spans {
                    let mut text = escape(&span.text);
                    for mark in &span.marks {
                        text = match mark {
                            Mark::Bold => format!("<strong>{text}</strong>"),
                            Mark::Italic => format!("<em>{text}</em>"),
                        };
                    }
                    match span.href.as_deref().and_then(safe_url) {
                        Some(href) => {
                            html.push_str(&format!(
                                "<a href=\"{href}\" rel=\"noopener noreferrer\">{text}</a>"
                            ));
                        }
                        None => html.push_str(&text),
                    }
                }
                html.push_str("</p>");
            }
            Block::Heading { level, text } => {
                let level = (*level).clamp(2, 4);
                html.push_str(&format!("<h{level}>{}</h{level}>", escape(text)));
            }
            Block::Image { src, alt, caption, credit, width, height } => {
                if let Some(src) = safe_url(src) {
                    html.push_str(&figure(&src, alt, caption.as_deref(), credit.as_deref(), *width, *height));
                }
            }
            Block::Quote { text, cite } => {
                html.push_str(&format!("<blockquote><p>{}</p>", escape(text)));
                if let Some(cite) = cite {
                    html.push_str(&format!("<footer>{}</footer>", escape(cite)));
                }
                html.push_str("</blockquote>");
            }
            Block::List { ordered, items } => {
                let tag = if *ordered { "ol" } else { "ul" };
                html.push_str(&format!("<{tag}>"));
                for item in items {
                    html.push_str(&format!("<li>{}</li>", escape(item)));
                }
                html.push_str(&format!("</{tag}>"));
            }
            Block::Embed { provider, url } => {
                if let Some(url) = safe_url(url) {
                    html.push_str(&format!(
                        "<p><a href=\"{url}\" rel=\"noopener noreferrer\">{}</a></p>",
                        escape(provider)
                    ));
                }
            }
        }
    }
    html
}

/// `src` comes escaped from [`safe_url`].
fn figure(
    src: &str,
    alt: &str,
    caption: Option<&str>,
    credit: Option<&str>,
    width: Option<u32>,
    height: Option<u32>,
) -> String {
    let mut html = format!("<figure><img src=\"{src}\" alt=\"{}\"", escape(alt));
    if let Some(width) = width {
        html.push_str(&format!(" width=\"{width}\""));
    }
    if let Some(height) = height {
        html.push_str(&format!(" height=\"{height}\""));
    }
    html.push_str(" />");
    if caption.is_some() || credit.is_some() {
        html.push_str("<figcaption>");
        if let Some(caption) = caption {
            html.push_str(&escape(caption));
        }
        if let Some(credit) = credit {
            html.push_str(&format!(" <small>{}</small>", escape(credit)));
        }
        html.push_str("</figcaption>");
    }
    html.push_str("</figure>");
    html
}

/// `content:encoded` carries HTML in CDATA; a `]]>` inside would end it early.
fn cdata(html: &str) -> String {
    format!("<![CDATA[{}]]>", html.replace("]]>", "]]]]><![CDATA[>"))
}

fn cover_xml(cover: &CoverImage) -> String {
    let mut xml = format!("<media:content url=\"{}\" medium=\"image\"", escape(&cover.src));
    if let Some(width) = cover.width {
        xml.push_str(&format!(" width=\"{width}\""));
    }
    if let Some(height) = cover.height {
        xml.push_str(&format!(" height=\"{height}\""));
    }
    xml.push_str(&format!("><media:description>{}</media:description></media:content>", escape(&cover.alt)));
    xml
}

/// RSS 2.0 with `content:encoded`, `dc:creator` and `media:content`. Dates are RFC 822 in the
/// publication's time zone.
pub fn rss(channel: &Channel<'_>, entries: &[Entry<'_>]) -> String {
    let rfc822 = |t: DateTime<Utc>| t.with_timezone(&channel.offset).to_rfc2822();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" \
         xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
         xmlns:media=\"http://search.yahoo.com/mrss/\" xmlns:atom=\"http://www.w3.org/2005/Atom\"><channel>",
    );
    xml.push_str(&format!(
        "<title>{}</title><link>{}</link><description>{}</description><language>{}</language>\
         <lastBuildDate>{}</lastBuildDate><atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\" />",
        escape(&channel.title),
        escape(&channel.home_url),
        escape(&channel.publication.tagline),
        escape(&channel.publication.language),
        rfc822(channel.updated),
        escape(&channel.feed_url),
    ));
    for entry in entries {
        let article = entry.article;
        xml.push_str(&format!(
            "<item><title>{}</title><link>{}</link><guid isPermaLink=\"false\">{}</guid><pubDate>{}</pubDate>\
             <description>{}</description>",
            escape(&article.title),
            escape(&entry.url),
            escape(&entry_id(channel.publication, article)),
            rfc822(published(article)),
            escape(&article.sapo),
        ));
        for author in entry.authors {
            xml.push_str(&format!("<dc:creator>{}</dc:creator>", escape(&author.name)));
        }
        if let Some(category) = entry.category {
            xml.push_str(&format!("<category>{}</category>", escape(&category.name)));
        }
        for tag in entry.tags {
            xml.push_str(&format!("<category>{}</category>", escape(&tag.name)));
        }
        if let Some(cover) = &article.cover {
            xml.push_str(&cover_xml(cover));
        }
        if let Some(body) = entry.body {
            xml.push_str(&format!("<content:encoded>{}</content:encoded>", cdata(&body_html(body))));
        }
        xml.push_str("</item>");
    }
    xml.push_str("</channel></rss>\n");
    xml
}

/// Atom 1.0; dates RFC 3339 in the publication's time zone.
pub fn atom(channel: &Channel<'_>, entries: &[Entry<'_>]) -> String {
    let rfc3339 = |t: DateTime<Utc>| t.with_timezone(&channel.offset).to_rfc3339();
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\
         <id>{}</id><title>{}</title><subtitle>{}</subtitle><updated>{}</updated>\
         <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\" /><link rel=\"alternate\" type=\"text/html\" href=\"{}\" />",
        escape(&channel.publication.language),
        escape(&channel.feed_url),
        escape(&channel.title),
        escape(&channel.publication.tagline),
        rfc3339(channel.updated),
        escape(&channel.feed_url),
        escape(&channel.home_url),
    );
    for entry in entries {
        let article = entry.article;
        xml.push_str(&format!(
            "<entry><id>{}</id><title type=\"text\">{}</title><link rel=\"alternate\" type=\"text/html\" href=\"{}\" />\
             <published>{}</published><updated>{}</updated><summary type=\"text\">{}</summary>",
            escape(&entry_id(channel.publication, article)),
            escape(&article.title),
            escape(&entry.url),
            rfc3339(published(article)),
            rfc3339(article.updated_at),
            escape(&article.sapo),
        ));
        for author in entry.authors {
            xml.push_str(&format!("<author><name>{}</name></author>", escape(&author.name)));
        }
        if let Some(category) = entry.category {
            xml.push_str(&format!(
                "<category term=\"{}\" label=\"{}\" />",
                escape(&category.slug),
                escape(&category.name)
            ));
        }
        for tag in entry.tags {
            xml.push_str(&format!(
                "<category term=\"{}\" label=\"{}\" />",
                escape(&tag.slug),
                escape(&tag.name)
            ));
        }
        if let Some(cover) = &article.cover {
            xml.push_str(&format!(
                "<link rel=\"enclosure\" type=\"image/jpeg\" href=\"{}\" />",
                escape(&cover.src)
            ));
        }
        if let Some(body) = entry.body {
            xml.push_str(&format!("<content type=\"html\">{}</content>", escape(&body_html(body))));
        }
        xml.push_str("</entry>");
    }
    xml.push_str("</feed>\n");
    xml
}

/// JSON Feed 1.1.
pub fn json_feed(channel: &Channel<'_>, entries: &[Entry<'_>]) -> Value {
    let rfc3339 = |t: DateTime<Utc>| t.with_timezone(&channel.offset).to_rfc3339();
    let items: Vec<Value> = entries
        .iter()
        .map(|entry| {
            let article = entry.article;
            let mut item = json!({
                "id": entry_id(channel.publication, article),
                "url": entry.url,
                "title": article.title,
                "summary": article.sapo,
                "date_published": rfc3339(published(article)),
                "date_modified": rfc3339(article.updated_at),
                "authors": entry.authors.iter().map(|a| json!({ "name": a.name })).collect::<Vec<_>>(),
                "tags": entry.category.iter().map(|c| c.name.clone()).chain(entry.tags.iter().map(|t| t.name.clone())).collect::<Vec<_>>(),
            });
            if let Some(cover) = &article.cover {
                item["image"] = json!(cover.src);
            }
            item["content_html"] = json!(match entry.body {
                Some(body) => body_html(body),
                // JSON Feed requires content; public feeds carry the sapo.
                None => format!("<p>{}</p>", escape(&article.sapo)),
            });
            item
        })
        .collect();
    json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": channel.title,
        "home_page_url": channel.home_url,
        "feed_url": channel.feed_url,
        "description": channel.publication.tagline,
        "language": channel.publication.language,
        "items": items,
    })
}

#[cfg(test)]
mod tests {
    use bantin_domain::Span;

    use super::*;

    #[test]
    fn hostile_urls_and_markup_never_reach_the_html() {
        let hostile_urls = [
            "javascript:alert(1)",
            " JaVaScRiPt:alert(1)",
            "data:text/html;base64,PHNjcmlwdD4=",
            "vbscript:msgbox(1)",
            "//evil.example/x",
            "https://",
        ];
        let mut blocks = Vec::new();
        for url in hostile_urls {
            blocks.push(Block::Paragraph {
                spans: vec![Span { text: "bấm vào".into(), marks: vec![], href: Some(url.into()) }],
            });
            blocks.push(Block::Image {
                src: url.into(),
                alt: "ảnh".into(),
                caption: None,
                credit: None,
                width: None,
                height: None,
            });
            blocks.push(Block::Embed { provider: "x".into(), url: url.into() });
        }
        for text in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "<svg onload=alert(1)>",
            "<math><mi xlink:href=\"javascript:alert(1)\">",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<style>body{display:none}</style>",
        ] {
            blocks.push(Block::Paragraph {
                spans: vec![Span { text: text.into(), marks: vec![], href: None }],
            });
            blocks.push(Block::Heading { level: 2, text: text.into() });
        }
        let html = body_html(&Body(blocks.clone()));
        // Every tag is one we write, and none carries an attribute: the hostile markup is text.
        for tag in html.split('<').skip(1) {
            let tag = tag.split('>').next().unwrap_or_default();
            assert!(["p", "/p", "h2", "/h2"].contains(&tag), "unexpected tag <{tag}> in {html}");
        }
        assert_eq!(html, body_html(&Body(blocks)), "rendering is deterministic");
    }

    #[test]
    fn escaping_covers_markup_quotes_and_forbidden_controls() {
        assert_eq!(
            escape("Tôm & cá <b>\"ngon\"</b> 'quá'\u{1}"),
            "Tôm &amp; cá &lt;b&gt;&quot;ngon&quot;&lt;/b&gt; &apos;quá&apos;"
        );
    }

    #[test]
    fn bodies_render_to_figures_links_and_lists_with_nothing_executable() {
        let body = Body(vec![
            Block::Paragraph {
                spans: vec![
                    Span::plain("Xem <script>alert(1)</script> "),
                    Span {
                        text: "đây".into(),
                        marks: vec![Mark::Bold],
                        href: Some("https://tin.example/a?b=1&c=2".into()),
                    },
                ],
            },
            Block::Image {
                src: "https://img.example/a.jpg".into(),
                alt: "Ảnh \"đẹp\"".into(),
                caption: Some("Toàn cảnh".into()),
                credit: Some("Ảnh: Minh Anh".into()),
                width: Some(1200),
                height: None,
            },
            Block::List { ordered: true, items: vec!["Một".into(), "Hai".into()] },
            Block::Embed { provider: "youtube".into(), url: "https://www.youtube.com/watch?v=x".into() },
        ]);
        let html = body_html(&body);
        assert!(html.contains("&lt;script&gt;"));
        assert!(!html.contains("<script"));
        assert!(html.contains("<a href=\"https://tin.example/a?b=1&amp;c=2\" rel=\"noopener noreferrer\"><strong>đây</strong></a>"));
        assert!(html.contains(
            "<figure><img src=\"https://img.example/a.jpg\" alt=\"Ảnh &quot;đẹp&quot;\" width=\"1200\" />"
        ));
        assert!(html.contains("<figcaption>Toàn cảnh <small>Ảnh: Minh Anh</small></figcaption>"));
        assert!(html.contains("<ol><li>Một</li><li>Hai</li></ol>"));
        assert!(!html.contains("<iframe"));
    }

    #[test]
    fn cdata_cannot_be_closed_early() {
        assert_eq!(cdata("a]]>b"), "<![CDATA[a]]]]><![CDATA[>b]]>");
    }
}
