//! Articles and the taxonomy around them: authors, categories (sections), tags, and the
//! publication they belong to.

use std::fmt;

use chrono::{DateTime, FixedOffset, Offset, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    blocks::reading_time_minutes,
    error::{Error, Result},
    text::{Slug, quoted},
};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// Primary key of an article; stable for its whole life, whatever its slug becomes.
    ArticleId
);
id_type!(AuthorId);
id_type!(
    /// A newsroom user (not an author profile: a user may be linked to one).
    UserId
);
id_type!(CategoryId);
id_type!(TagId);

/// Where an article is in its life. Only `Published` articles, and `Scheduled` ones whose time has
/// come, are visible to the public.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArticleStatus {
    Draft,
    Scheduled,
    Published,
    Archived,
}

impl ArticleStatus {
    pub const ALL: [ArticleStatus; 4] = [Self::Draft, Self::Scheduled, Self::Published, Self::Archived];

    /// The statuses that can be public, given a `published_at` that has passed.
    pub const PUBLIC: [ArticleStatus; 2] = [Self::Published, Self::Scheduled];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Scheduled => "scheduled",
            Self::Published => "published",
            Self::Archived => "archived",
        }
    }

    pub fn parse(value: &str) -> Result<ArticleStatus> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == value)
            .ok_or_else(|| Error::invalid("status", format!("unknown status {}", quoted(value))))
    }
}

/// The cover image shown on teaser cards and at the top of the article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverImage {
    pub src: String,
    #[serde(default)]
    pub alt: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
}

/// An article's metadata: everything but the body, which lists do not need and which is loaded
/// separately ([`crate::ContentReader::bodies`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    pub id: ArticleId,
    pub slug: String,
    pub title: String,
    /// The lead paragraph, shown in bold above the body and as the summary on teaser cards.
    pub sapo: String,
    pub cover: Option<CoverImage>,
    pub category_id: CategoryId,
    pub status: ArticleStatus,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Increments on every change; writers name the revision they read (optimistic concurrency).
    pub revision: i32,
    /// Words in the body, computed when the body is written.
    pub word_count: u32,
    /// The user who created it (writers may work only on their own drafts); `None` for imports.
    pub created_by: Option<UserId>,
    /// When a writer submitted it for review.
    pub submitted_at: Option<DateTime<Utc>>,
}

impl Article {
    /// Whether the public may read this article at `now`. A scheduled article becomes public the
    /// moment its time comes, with no job flipping its status.
    pub fn is_public_at(&self, now: DateTime<Utc>) -> bool {
        ArticleStatus::PUBLIC.contains(&self.status) && self.published_at.is_some_and(|at| at <= now)
    }

    /// The status a reader should see: a scheduled article whose time has come is published.
    pub fn effective_status(&self, now: DateTime<Utc>) -> ArticleStatus {
        match self.status {
            ArticleStatus::Scheduled if self.is_public_at(now) => ArticleStatus::Published,
            status => status,
        }
    }

    pub fn reading_time_minutes(&self) -> u32 {
        reading_time_minutes(self.word_count as usize)
    }
}

/// An author profile: the byline of an article names one or more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub id: AuthorId,
    pub slug: String,
    pub name: String,
    pub bio: Option<String>,
    pub avatar_url: Option<String>,
}

/// A section of the publication ("Thời sự", "Du lịch"), optionally nested under a parent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    pub id: CategoryId,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub parent_id: Option<CategoryId>,
}

/// A topic label; tags tie related stories together across sections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub id: TagId,
    pub slug: String,
    pub name: String,
}

/// The publication bantin serves, from configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publication {
    pub name: String,
    pub tagline: String,
    /// BCP 47 language tag, `vi` by default.
    pub language: String,
    /// Base URL of the public site, without a trailing slash; canonical URLs hang off it.
    pub base_url: String,
    /// The newsroom's time zone, in minutes east of UTC (Vietnam: 420): feeds and sitemaps show
    /// local times, and frontends date articles in it.
    pub utc_offset_minutes: i32,
}

impl Publication {
    /// The canonical, shareable URL of an article ("Click để copy").
    pub fn article_url(&self, slug: &str) -> String {
        format!("{}/{slug}", self.base_url.trim_end_matches('/'))
    }

    /// The time zone, for dating in it (feeds, sitemaps). Settings accept only offsets within
    /// ±14:59, which `FixedOffset` always takes; anything else would be UTC.
    pub fn zone(&self) -> FixedOffset {
        FixedOffset::east_opt(self.utc_offset_minutes * 60).unwrap_or(Utc.fix())
    }

    /// The time zone as RFC 3339 writes an offset: `+07:00`, `-05:30`, `+00:00`.
    pub fn utc_offset(&self) -> String {
        self.zone().to_string()
    }
}

/// An article to be stored as it is (the seed generator, imports): its content and where it is
/// in its life. New articles from the newsroom go through [`crate::NewsroomStore::create_article`].
#[derive(Debug, Clone)]
pub struct NewArticle {
    pub content: crate::newsroom::ArticleContent,
    pub status: ArticleStatus,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// An author profile to be stored.
#[derive(Debug, Clone)]
pub struct NewAuthor {
    pub slug: Slug,
    pub name: String,
    pub bio: Option<String>,
    pub avatar_url: Option<String>,
}

/// A section to be stored; `parent` must already exist.
#[derive(Debug, Clone)]
pub struct NewCategory {
    pub slug: Slug,
    pub name: String,
    pub description: Option<String>,
    pub parent: Option<CategoryId>,
}

/// A tag to be stored.
#[derive(Debug, Clone)]
pub struct NewTag {
    pub slug: Slug,
    pub name: String,
}

/// A published article for unit tests across the crate.
#[cfg(test)]
pub(crate) fn test_article(
    id: i64,
    title: &str,
    sapo: &str,
    category: i64,
    published_at: DateTime<Utc>,
) -> Article {
    Article {
        id: ArticleId(id),
        slug: format!("a-{id}"),
        title: title.into(),
        sapo: sapo.into(),
        cover: None,
        category_id: CategoryId(category),
        status: ArticleStatus::Published,
        published_at: Some(published_at),
        created_at: published_at,
        updated_at: published_at,
        revision: 1,
        word_count: 100,
        created_by: None,
        submitted_at: None,
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn article(status: ArticleStatus, published_at: Option<DateTime<Utc>>) -> Article {
        let t0 = Utc.with_ymd_and_hms(2024, 6, 26, 8, 0, 0).single().expect("valid date");
        Article {
            id: ArticleId(1),
            slug: "a".into(),
            title: "A".into(),
            sapo: String::new(),
            cover: None,
            category_id: CategoryId(1),
            status,
            published_at,
            created_at: t0,
            updated_at: t0,
            revision: 1,
            word_count: 500,
            created_by: None,
            submitted_at: None,
        }
    }

    #[test]
    fn only_published_and_due_scheduled_articles_are_public() {
        let now = Utc.with_ymd_and_hms(2024, 6, 26, 12, 0, 0).single().expect("valid date");
        let past = Some(now - chrono::Duration::hours(1));
        let future = Some(now + chrono::Duration::hours(1));
        assert!(article(ArticleStatus::Published, past).is_public_at(now));
        assert!(article(ArticleStatus::Published, Some(now)).is_public_at(now));
        assert!(!article(ArticleStatus::Published, future).is_public_at(now));
        assert!(article(ArticleStatus::Scheduled, past).is_public_at(now));
        assert!(!article(ArticleStatus::Scheduled, future).is_public_at(now));
        assert!(!article(ArticleStatus::Draft, past).is_public_at(now));
        assert!(!article(ArticleStatus::Archived, past).is_public_at(now));
        assert!(!article(ArticleStatus::Published, None).is_public_at(now));
    }

    #[test]
    fn a_due_scheduled_article_reads_as_published() {
        let now = Utc::now();
        let due = article(ArticleStatus::Scheduled, Some(now - chrono::Duration::seconds(1)));
        assert_eq!(due.effective_status(now), ArticleStatus::Published);
        let later = article(ArticleStatus::Scheduled, Some(now + chrono::Duration::seconds(60)));
        assert_eq!(later.effective_status(now), ArticleStatus::Scheduled);
    }

    #[test]
    fn statuses_round_trip_and_unknown_ones_are_rejected() {
        for status in ArticleStatus::ALL {
            assert_eq!(ArticleStatus::parse(status.as_str()).expect("known"), status);
        }
        assert!(ArticleStatus::parse("live").is_err());
    }

    #[test]
    fn canonical_urls_hang_off_the_base_url() {
        let publication = Publication {
            name: "Tin".into(),
            tagline: String::new(),
            language: "vi".into(),
            base_url: "https://tin.example/".into(),
            utc_offset_minutes: 420,
        };
        assert_eq!(publication.article_url("bac-giang"), "https://tin.example/bac-giang");
    }

    #[test]
    fn the_offset_is_written_as_rfc_3339_writes_it() {
        let at = |utc_offset_minutes| {
            Publication {
                name: String::new(),
                tagline: String::new(),
                language: "vi".into(),
                base_url: String::new(),
                utc_offset_minutes,
            }
            .utc_offset()
        };
        assert_eq!([at(420), at(-330), at(0), at(825)], ["+07:00", "-05:30", "+00:00", "+13:45"]);
    }

    #[test]
    fn reading_time_follows_word_count() {
        assert_eq!(article(ArticleStatus::Draft, None).reading_time_minutes(), 3);
    }
}
