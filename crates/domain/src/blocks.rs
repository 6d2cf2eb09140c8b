//! The article body: an ordered list of typed blocks, stored as JSON and served as a GraphQL union.
//!
//! Bodies are structured rather than raw HTML so that every frontend (web, app, feed reader) can
//! render them its own way and nothing a writer pastes can inject markup.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::text::word_count;

/// Reading speed used for [`Body::reading_time_minutes`]. Vietnamese is counted in syllables;
/// adult readers manage about this many per minute on news text.
const WORDS_PER_MINUTE: usize = 220;

/// An inline style on a run of paragraph text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mark {
    Bold,
    Italic,
}

/// A run of paragraph text with its marks; `href` makes it a link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub text: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub marks: Vec<Mark>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
}

impl Span {
    pub fn plain(text: impl Into<String>) -> Span {
        Span { text: text.into(), marks: Vec::new(), href: None }
    }
}

/// One block of an article body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Block {
    Paragraph {
        spans: Vec<Span>,
    },
    Heading {
        level: u8,
        text: String,
    },
    Image {
        src: String,
        #[serde(default)]
        alt: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        caption: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        credit: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        width: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        height: Option<u32>,
    },
    Quote {
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cite: Option<String>,
    },
    List {
        ordered: bool,
        items: Vec<String>,
    },
    Embed {
        provider: String,
        url: String,
    },
}

impl Block {
    /// The text a reader reads in this block, one entry per unit (a paragraph's spans joined;
    /// captions count, URLs and alt text do not).
    fn texts(&self) -> Vec<Cow<'_, str>> {
        match self {
            Block::Paragraph { spans } => match spans.as_slice() {
                [only] => vec![Cow::Borrowed(only.text.as_str())],
                spans => vec![Cow::Owned(spans.iter().map(|s| s.text.as_str()).collect())],
            },
            Block::Heading { text, .. } => vec![Cow::Borrowed(text)],
            Block::Image { caption, .. } => caption.iter().map(|c| Cow::Borrowed(c.as_str())).collect(),
            Block::Quote { text, cite } => {
                std::iter::once(text).chain(cite).map(|t| Cow::Borrowed(t.as_str())).collect()
            }
            Block::List { items, .. } => items.iter().map(|i| Cow::Borrowed(i.as_str())).collect(),
            Block::Embed { .. } => Vec::new(),
        }
    }
}

/// An article body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Body(pub Vec<Block>);

impl Body {
    /// The text a reader reads, unit by unit (a paragraph with its spans joined, a caption, a list
    /// item): words never run from one unit into the next.
    pub fn texts(&self) -> impl Iterator<Item = Cow<'_, str>> {
        self.0.iter().flat_map(Block::texts)
    }

    /// Words a reader reads in the body.
    pub fn word_count(&self) -> usize {
        self.texts().map(|text| word_count(&text)).sum()
    }

    /// The body's text, blocks separated by blank lines (for search indexing and summaries).
    pub fn plain_text(&self) -> String {
        self.texts().collect::<Vec<_>>().join("\n\n")
    }
}

/// Words a reader reads in an article: its sapo and its body.
pub fn article_word_count(sapo: &str, body: &Body) -> u32 {
    u32::try_from(word_count(sapo) + body.word_count()).unwrap_or(u32::MAX)
}

/// Minutes a reader needs for `words` words, rounded up; never zero for a non-empty article.
pub fn reading_time_minutes(words: usize) -> u32 {
    u32::try_from(words.div_ceil(WORDS_PER_MINUTE).max(1)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Body {
        Body(vec![
            Block::Paragraph {
                spans: vec![
                    Span::plain("Ngày 26/6, "),
                    Span { text: "Sở Văn hóa".into(), marks: vec![Mark::Bold], href: None },
                ],
            },
            Block::Image {
                src: "https://img.example/1.jpg".into(),
                alt: "Toàn cảnh".into(),
                caption: Some("Toàn cảnh buổi làm việc".into()),
                credit: None,
                width: Some(1200),
                height: None,
            },
            Block::Embed { provider: "youtube".into(), url: "https://youtu.be/x".into() },
        ])
    }

    #[test]
    fn bodies_round_trip_through_their_stored_json() {
        let body = sample();
        let json = serde_json::to_value(&body).expect("serialises");
        assert_eq!(json[0]["type"], "paragraph");
        assert_eq!(json[0]["spans"][1]["marks"][0], "bold");
        assert_eq!(json[1]["width"], 1200);
        assert!(json[1].get("height").is_none());
        let back: Body = serde_json::from_value(json).expect("deserialises");
        assert_eq!(back, body);
    }

    #[test]
    fn word_count_includes_captions_but_not_urls_or_alt_text() {
        // "Ngày 26 6 Sở Văn hóa" (6) + "Toàn cảnh buổi làm việc" (5)
        assert_eq!(sample().word_count(), 11);
    }

    #[test]
    fn reading_time_rounds_up_and_is_at_least_a_minute() {
        assert_eq!(reading_time_minutes(0), 1);
        assert_eq!(reading_time_minutes(220), 1);
        assert_eq!(reading_time_minutes(221), 2);
    }

    #[test]
    fn plain_text_keeps_block_order() {
        assert_eq!(sample().plain_text(), "Ngày 26/6, Sở Văn hóa\n\nToàn cảnh buổi làm việc");
    }
}
