//! GraphQL input types for the newsroom and their conversion to domain values. Shapes are checked
//! here (numbers in range); content rules live in `bantin_domain::editorial`.

use async_graphql::{InputObject, MaybeUndefined, OneofObject};
use bantin_domain::{Block, Body, CoverImage, Error, Mark, Result, Span};

use super::objects::TextMark;

#[derive(InputObject)]
pub struct SpanInput {
    text: String,
    #[graphql(default)]
    marks: Vec<TextMark>,
    /// Makes the span a link; absolute http(s) only.
    href: Option<String>,
}

#[derive(InputObject)]
pub struct ParagraphInput {
    spans: Vec<SpanInput>,
}

#[derive(InputObject)]
pub struct HeadingInput {
    /// 2 to 4.
    level: i32,
    text: String,
}

/// An image: a body block or an article's cover.
#[derive(InputObject)]
pub struct ImageInput {
    /// Absolute http(s) URL.
    src: String,
    #[graphql(default)]
    alt: String,
    caption: Option<String>,
    credit: Option<String>,
    width: Option<i32>,
    height: Option<i32>,
}

#[derive(InputObject)]
pub struct QuoteInput {
    text: String,
    cite: Option<String>,
}

#[derive(InputObject)]
pub struct ListInput {
    ordered: bool,
    items: Vec<String>,
}

#[derive(InputObject)]
pub struct EmbedInput {
    provider: String,
    /// Absolute http(s) URL.
    url: String,
}

/// One body block: set exactly one field.
#[derive(OneofObject)]
pub enum BlockInput {
    Paragraph(ParagraphInput),
    Heading(HeadingInput),
    Image(ImageInput),
    Quote(QuoteInput),
    List(ListInput),
    Embed(EmbedInput),
}

/// A new article. Taxonomy is named by slug.
#[derive(InputObject)]
pub struct CreateArticleInput {
    pub title: String,
    /// Generated from the title when left out (a clash then gets a numeric suffix); a given slug
    /// that is taken fails with `SLUG_TAKEN`.
    pub slug: Option<String>,
    #[graphql(default)]
    pub sapo: String,
    #[graphql(default)]
    pub body: Vec<BlockInput>,
    pub cover: Option<ImageInput>,
    /// The section's slug.
    pub category: String,
    /// Author slugs for the byline; defaults to the signed-in user's author profile.
    pub authors: Option<Vec<String>>,
    #[graphql(default)]
    pub tags: Vec<String>,
}

/// Fields to change; those left out stay as they are. `cover: null` removes the cover.
#[derive(InputObject)]
pub struct UpdateArticleInput {
    pub title: Option<String>,
    pub slug: Option<String>,
    pub sapo: Option<String>,
    pub body: Option<Vec<BlockInput>>,
    pub cover: MaybeUndefined<ImageInput>,
    pub category: Option<String>,
    pub authors: Option<Vec<String>>,
    pub tags: Option<Vec<String>>,
}

fn dimension(field: &str, value: Option<i32>) -> Result<Option<u32>> {
    value.map(|v| u32::try_from(v).map_err(|_| Error::invalid(field, "must not be negative"))).transpose()
}

impl ImageInput {
    pub fn into_cover(self) -> Result<CoverImage> {
        Ok(CoverImage {
            width: dimension("cover.width", self.width)?,
            height: dimension("cover.height", self.height)?,
            src: self.src,
            alt: self.alt,
            caption: self.caption,
            credit: self.credit,
        })
    }
}

/// Converts input blocks to a body; errors name the block (`body[2].level`).
pub fn body(blocks: Vec<BlockInput>) -> Result<Body> {
    let mut out = Vec::with_capacity(blocks.len());
    for (index, block) in blocks.into_iter().enumerate() {
        let field = |name: &str| format!("body[{index}].{name}");
        out.push(match block {
            BlockInput::Paragraph(p) => Block::Paragraph {
                spans: p
                    .spans
                    .into_iter()
                    .map(|s| Span {
                        text: s.text,
                        marks: s
                            .marks
                            .into_iter()
                            .map(|m| match m {
                                TextMark::Bold => Mark::Bold,
                                TextMark::Italic => Mark::Italic,
                            })
                            .collect(),
                        href: s.href,
                    })
                    .collect(),
            },
            BlockInput::Heading(h) => Block::Heading {
                level: u8::try_from(h.level)
                    .map_err(|_| Error::invalid(field("level"), "must be 2, 3 or 4"))?,
                text: h.text,
            },
            BlockInput::Image(i) => Block::Image {
                width: dimension(&field("width"), i.width)?,
                height: dimension(&field("height"), i.height)?,
                src: i.src,
                alt: i.alt,
                caption: i.caption,
                credit: i.credit,
            },
            BlockInput::Quote(q) => Block::Quote { text: q.text, cite: q.cite },
            BlockInput::List(l) => Block::List { ordered: l.ordered, items: l.items },
            BlockInput::Embed(e) => Block::Embed { provider: e.provider, url: e.url },
        });
    }
    Ok(Body(out))
}
