//! Keyset pagination over article lists: the public order (`published_at` desc, then id desc) and
//! the newsroom's order (`updated_at` desc, then id desc: drafts have no publication time).
//!
//! A cursor names the last item of a page, so the next page is "items strictly after this key":
//! page 500 costs what page 1 costs, and items sharing a timestamp are neither skipped nor repeated
//! when new articles are published between two requests. Cursors are opaque to clients.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};

use crate::{
    article::{Article, ArticleId},
    error::{Error, Result},
};

/// Page size when the client names none.
pub const DEFAULT_PAGE_SIZE: u32 = 20;
/// The largest page a client may ask for.
pub const MAX_PAGE_SIZE: u32 = 100;

const CURSOR_VERSION: &str = "p1";

/// Which timestamp orders a list (newest first, ties broken by id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListOrder {
    Published,
    Updated,
}

/// A position in an article list: just after the article with this key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// The list order's timestamp, whole seconds: storage keeps timestamps at second precision so
    /// cursors compare exactly.
    pub at: DateTime<Utc>,
    pub id: ArticleId,
}

impl Cursor {
    /// The cursor that resumes after `article` in a list of `order`; `None` for an article never
    /// published in a list by publication time.
    pub fn after(article: &Article, order: ListOrder) -> Option<Cursor> {
        let at = match order {
            ListOrder::Published => article.published_at?,
            ListOrder::Updated => article.updated_at,
        };
        Some(Cursor { at, id: article.id })
    }

    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{CURSOR_VERSION}:{}:{}", self.at.timestamp(), self.id.0))
    }

    /// Reads a cursor a client sent back; `field` names the parameter in the error.
    pub fn decode(value: &str, field: &str) -> Result<Cursor> {
        let invalid = || {
            Error::invalid(
                field,
                "is not a cursor this API issued; pass back an endCursor/nextCursor unchanged",
            )
        };
        let bytes = URL_SAFE_NO_PAD.decode(value).map_err(|_| invalid())?;
        let text = std::str::from_utf8(&bytes).map_err(|_| invalid())?;
        let mut parts = text.split(':');
        let (Some(CURSOR_VERSION), Some(secs), Some(id), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(invalid());
        };
        let secs: i64 = secs.parse().map_err(|_| invalid())?;
        let id: i64 = id.parse().map_err(|_| invalid())?;
        let at = DateTime::from_timestamp(secs, 0).ok_or_else(invalid)?;
        Ok(Cursor { at, id: ArticleId(id) })
    }
}

/// What page of a list a client asked for, validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub first: u32,
    pub after: Option<Cursor>,
}

impl PageRequest {
    /// Validates a client's page size and cursor. `names` are the parameter names the client used
    /// (`("first", "after")` in GraphQL, `("limit", "cursor")` in REST), so errors name them.
    pub fn parse(first: Option<i64>, after: Option<&str>, names: (&str, &str)) -> Result<PageRequest> {
        let first = match first {
            None => DEFAULT_PAGE_SIZE,
            Some(n) if (1..=i64::from(MAX_PAGE_SIZE)).contains(&n) => n as u32,
            Some(n) => {
                return Err(Error::invalid(
                    names.0,
                    format!("must be between 1 and {MAX_PAGE_SIZE}, got {n}"),
                ));
            }
        };
        let after = after.map(|c| Cursor::decode(c, names.1)).transpose()?;
        Ok(PageRequest { first, after })
    }

    pub fn first(first: u32) -> PageRequest {
        PageRequest { first: first.clamp(1, MAX_PAGE_SIZE), after: None }
    }
}

/// One page of a list. The repository fetches one item more than asked to know `has_next_page`.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_next_page: bool,
    pub order: ListOrder,
}

impl Page<Article> {
    /// Builds a page from up to `first + 1` rows fetched in `order`.
    pub fn from_overfetch(mut rows: Vec<Article>, first: u32, order: ListOrder) -> Page<Article> {
        let has_next_page = rows.len() > first as usize;
        rows.truncate(first as usize);
        Page { items: rows, has_next_page, order }
    }

    /// The cursor of one item of this page.
    pub fn cursor_of(&self, article: &Article) -> Option<Cursor> {
        Cursor::after(article, self.order)
    }

    /// The cursor that fetches the next page, when there is one.
    pub fn next_cursor(&self) -> Option<Cursor> {
        if !self.has_next_page {
            return None;
        }
        self.items.last().and_then(|a| self.cursor_of(a))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        let cursor =
            Cursor { at: DateTime::from_timestamp(1_719_390_000, 0).expect("valid"), id: ArticleId(42) };
        let encoded = cursor.encode();
        assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(Cursor::decode(&encoded, "after").expect("decodes"), cursor);
    }

    #[test]
    fn malformed_cursors_are_rejected_naming_the_parameter() {
        let forged = URL_SAFE_NO_PAD.encode("p1:abc:1");
        let extra = URL_SAFE_NO_PAD.encode("p1:1:1:1");
        let other_version = URL_SAFE_NO_PAD.encode("p0:1:1");
        let out_of_range = URL_SAFE_NO_PAD.encode(format!("p1:{}:1", i64::MAX));
        for bad in ["", "!!!", "bm90IGEgY3Vyc29y", &forged, &extra, &other_version, &out_of_range] {
            let err = Cursor::decode(bad, "cursor").expect_err(bad);
            assert!(matches!(&err, Error::Validation { field, .. } if field == "cursor"), "{bad}: {err}");
        }
    }

    #[test]
    fn page_size_defaults_and_is_bounded() {
        let names = ("first", "after");
        assert_eq!(PageRequest::parse(None, None, names).expect("ok").first, DEFAULT_PAGE_SIZE);
        assert_eq!(PageRequest::parse(Some(100), None, names).expect("ok").first, 100);
        for bad in [0, -1, 101, i64::MAX] {
            let err = PageRequest::parse(Some(bad), None, ("limit", "cursor")).expect_err("out of range");
            assert!(matches!(&err, Error::Validation { field, .. } if field == "limit"), "{err}");
        }
    }
}
