//! Keyset pagination over article lists: the public order (`published_at` desc, then id desc) and
//! the newsroom's order (`updated_at` desc, then id desc: drafts have no publication time).
//!
//! A cursor names the last item of a page, so the next page is "items strictly after this key":
//! page 500 costs what page 1 costs, and items sharing a timestamp are neither skipped nor repeated
//! when new articles are published between two requests. Cursors are opaque to clients.
//!
//! Lists by name (tags, authors) page the same way, by a key of the name as readers sort it.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};

use crate::{
    article::{Article, ArticleId, Author, Tag},
    error::{Error, Result},
};

/// Page size when the client names none.
pub const DEFAULT_PAGE_SIZE: u32 = 20;
/// The largest page a client may ask for.
pub const MAX_PAGE_SIZE: u32 = 100;
/// Page size of a list by name (tags, authors) when the client names none: a tag index page,
/// and small enough that a frontend asks for tags and authors in one GraphQL query within the
/// anonymous complexity budget.
pub const NAME_PAGE_SIZE: u32 = 50;

const CURSOR_VERSION: &str = "p1";

/// A client's page size, `default` when it names none; `field` names the parameter in the error.
fn page_size(first: Option<i64>, default: u32, field: &str) -> Result<u32> {
    match first {
        None => Ok(default),
        Some(n) if (1..=i64::from(MAX_PAGE_SIZE)).contains(&n) => Ok(n as u32),
        Some(n) => Err(Error::invalid(field, format!("must be between 1 and {MAX_PAGE_SIZE}, got {n}"))),
    }
}

fn invalid_cursor(field: &str) -> Error {
    Error::invalid(field, "is not a cursor this API issued; pass back an endCursor/nextCursor unchanged")
}

/// The text a cursor a client sent back encodes; `field` names the parameter in the error.
fn cursor_text(value: &str, field: &str) -> Result<String> {
    let bytes = URL_SAFE_NO_PAD.decode(value).map_err(|_| invalid_cursor(field))?;
    String::from_utf8(bytes).map_err(|_| invalid_cursor(field))
}

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
        let invalid = || invalid_cursor(field);
        let text = cursor_text(value, field)?;
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
        let first = page_size(first, DEFAULT_PAGE_SIZE, names.0)?;
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

/// A position in a list by name, such as the tags: just after the item with this key. Names
/// sort as readers read them, folded first ("Đà Nẵng" among the d's), then as written; the slug
/// orders items that share a name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct NameKey {
    folded: String,
    name: String,
    slug: String,
}

impl NameKey {
    fn of(name: &str, slug: &str) -> NameKey {
        NameKey { folded: crate::text::fold(name), name: name.to_owned(), slug: slug.to_owned() }
    }

    fn encode(&self) -> String {
        // A slug never holds ':', so everything after the second one is the name.
        URL_SAFE_NO_PAD.encode(format!("{NAME_CURSOR_VERSION}:{}:{}", self.slug, self.name))
    }

    fn decode(value: &str, field: &str) -> Result<NameKey> {
        let invalid = || invalid_cursor(field);
        let text = cursor_text(value, field)?;
        let mut parts = text.splitn(3, ':');
        let (Some(NAME_CURSOR_VERSION), Some(slug), Some(name)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(invalid());
        };
        Ok(NameKey::of(name, slug))
    }
}

const NAME_CURSOR_VERSION: &str = "n1";

/// What a list by name shows of its items and orders them by.
pub trait ListedByName {
    fn name(&self) -> &str;
    fn slug(&self) -> &str;
}

impl ListedByName for Tag {
    fn name(&self) -> &str {
        &self.name
    }

    fn slug(&self) -> &str {
        &self.slug
    }
}

impl ListedByName for Author {
    fn name(&self) -> &str {
        &self.name
    }

    fn slug(&self) -> &str {
        &self.slug
    }
}

/// What page of a list by name a client asked for (tags and authors: an index page, or an
/// editor's autocomplete), validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamePageRequest {
    first: u32,
    after: Option<NameKey>,
    /// Only names whose folded words start with these ("bac g" finds "Bắc Giang").
    starts_with: Option<String>,
}

impl NamePageRequest {
    /// Validates a client's page size (at most [`MAX_PAGE_SIZE`], [`NAME_PAGE_SIZE`] by default),
    /// cursor and name prefix. `names` are the parameters' names, for errors: `("first", "after",
    /// "startsWith")` in GraphQL, `("limit", "cursor", "q")` in REST.
    pub fn parse(
        first: Option<i64>,
        after: Option<&str>,
        starts_with: Option<&str>,
        names: (&str, &str, &str),
    ) -> Result<NamePageRequest> {
        let first = page_size(first, NAME_PAGE_SIZE, names.0)?;
        let after = after.map(|c| NameKey::decode(c, names.1)).transpose()?;
        let starts_with = match starts_with {
            None => None,
            Some(prefix) => {
                let mut words = String::new();
                crate::text::folded_words(prefix, &mut words);
                if words.is_empty() {
                    return Err(Error::invalid(names.2, "must hold a letter or a digit"));
                }
                Some(words)
            }
        };
        Ok(NamePageRequest { first, after, starts_with })
    }

    /// Whether the request started after a cursor.
    pub fn has_cursor(&self) -> bool {
        self.after.is_some()
    }

    /// The page of `items` (in any order) this request names, in name order, and the cursor of
    /// its last item when more follow.
    pub fn page<T: ListedByName>(&self, items: Vec<T>) -> (Vec<(String, T)>, Option<String>) {
        let mut keyed: Vec<(NameKey, T)> = items
            .into_iter()
            .map(|item| (NameKey::of(item.name(), item.slug()), item))
            .filter(|(key, _)| self.after.as_ref().is_none_or(|after| key > after))
            .filter(|(key, _)| {
                self.starts_with.as_ref().is_none_or(|prefix| starts_with_words(&key.folded, prefix))
            })
            .collect();
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        let has_next_page = keyed.len() > self.first as usize;
        keyed.truncate(self.first as usize);
        let page: Vec<(String, T)> = keyed.into_iter().map(|(key, item)| (key.encode(), item)).collect();
        let next = if has_next_page { page.last().map(|(cursor, _)| cursor.clone()) } else { None };
        (page, next)
    }
}

/// Whether the words of `folded` (a folded name) begin with `prefix` (folded words joined by
/// single spaces): "bac g" begins "bac giang", the last word may be cut short.
fn starts_with_words(folded: &str, prefix: &str) -> bool {
    let mut words = String::with_capacity(folded.len());
    crate::text::folded_words(folded, &mut words);
    words.starts_with(prefix)
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

    fn tag(slug: &str, name: &str) -> (String, String) {
        (slug.to_owned(), name.to_owned())
    }

    /// A tag as (slug, name).
    impl ListedByName for (String, String) {
        fn name(&self) -> &str {
            &self.1
        }

        fn slug(&self) -> &str {
            &self.0
        }
    }

    fn slugs(page: &[(String, (String, String))]) -> Vec<&str> {
        page.iter().map(|(_, (slug, _))| slug.as_str()).collect()
    }

    #[test]
    fn names_page_in_reading_order_and_a_cursor_resumes_after_its_item() {
        let tags = vec![
            tag("thanh-hoa", "Thanh Hóa"),
            tag("da-nang", "Đà Nẵng"),
            tag("bac-giang", "Bắc Giang"),
            tag("bac-ninh", "Bắc Ninh"),
            tag("bac-giang-2", "Bắc Giang"),
        ];
        let names = ("first", "after", "startsWith");
        let first = NamePageRequest::parse(Some(2), None, None, names).expect("valid");
        let (page, next) = first.page(tags.clone());
        assert_eq!(slugs(&page), ["bac-giang", "bac-giang-2"]);
        let next = next.expect("more follow");
        assert_eq!(next, page[1].0);

        let second = NamePageRequest::parse(Some(2), Some(&next), None, names).expect("valid");
        assert!(second.has_cursor());
        let (page, next) = second.page(tags.clone());
        assert_eq!(slugs(&page), ["bac-ninh", "da-nang"], "Đ sorts among the d's");
        let third = NamePageRequest::parse(Some(2), next.as_deref(), None, names).expect("valid");
        let (page, next) = third.page(tags.clone());
        assert_eq!((slugs(&page), next), (vec!["thanh-hoa"], None));

        // The item a cursor names was deleted since: the next page still starts after its place.
        let without = tags.iter().filter(|t| t.0 != "bac-giang-2").cloned().collect();
        let (page, _) = second.page(without);
        assert_eq!(slugs(&page), ["bac-ninh", "da-nang"]);
    }

    #[test]
    fn a_name_prefix_is_matched_folded_word_by_word() {
        let tags =
            vec![tag("bac-giang", "Bắc Giang"), tag("bac-ninh", "Bắc Ninh"), tag("giang-sinh", "Giáng sinh")];
        let names = ("limit", "cursor", "q");
        for (typed, expected) in [
            ("bac g", vec!["bac-giang"]),
            ("BẮC", vec!["bac-giang", "bac-ninh"]),
            ("  bắc   ninh ", vec!["bac-ninh"]),
            ("gi", vec!["giang-sinh"]),
            ("ninh", vec![]),
        ] {
            let request = NamePageRequest::parse(None, None, Some(typed), names).expect("valid");
            let (page, next) = request.page(tags.clone());
            assert_eq!((slugs(&page), next), (expected, None), "{typed}");
        }
    }

    #[test]
    fn bad_name_page_requests_name_the_parameter() {
        let names = ("limit", "cursor", "q");
        let cases = [
            (Some(0), None, None, "limit"),
            (Some(101), None, None, "limit"),
            (None, Some("!!!"), None, "cursor"),
            (None, Some(URL_SAFE_NO_PAD.encode("p1:1:1").as_str()), None, "cursor"),
            (None, None, Some(" -- "), "q"),
        ]
        .map(|(first, after, prefix, field)| (first, after.map(str::to_owned), prefix, field));
        for (first, after, prefix, field) in cases {
            let err = NamePageRequest::parse(first, after.as_deref(), prefix, names).expect_err(field);
            assert!(matches!(&err, Error::Validation { field: f, .. } if f == field), "{err}");
        }
    }
}
