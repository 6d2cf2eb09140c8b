//! The newsroom's write side: users, tokens, article changes and revisions, and the repository
//! trait that stores them.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    article::{
        Article, ArticleId, ArticleStatus, Author, AuthorId, Category, CategoryId, CoverImage, NewAuthor,
        NewCategory, NewTag, Tag, TagId, UserId,
    },
    blocks::Body,
    error::Result,
    text::Slug,
    user::Role,
};

/// A person who signs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    /// Stored lower-cased; sign-in compares lower-cased.
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// The author profile bylines show for this user.
    pub author_id: Option<AuthorId>,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub author_id: Option<AuthorId>,
    /// An argon2id PHC string; the plain password never reaches the repository.
    pub password_hash: String,
}

/// A named token an admin gives a partner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerToken {
    pub id: i64,
    pub name: String,
    pub scopes: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl PartnerToken {
    pub fn is_active_at(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at > now
    }
}

/// Everything an article's content is, as stored in each revision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleContent {
    pub title: String,
    pub slug: String,
    pub sapo: String,
    pub body: Body,
    pub cover: Option<CoverImage>,
    pub category_id: CategoryId,
    pub author_ids: Vec<AuthorId>,
    pub tag_ids: Vec<TagId>,
}

/// A validated new article (the creator's input after slug lookup and validation).
#[derive(Debug, Clone)]
pub struct ArticleDraft {
    pub content: ArticleContent,
    /// Whether the slug was given by the client (a clash is then an error) or generated from the
    /// title (a clash gets a numeric suffix).
    pub slug_given: bool,
}

/// The fields an edit changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ArticlePatch {
    pub title: Option<String>,
    pub slug: Option<Slug>,
    pub sapo: Option<String>,
    pub body: Option<Body>,
    pub cover: Option<Option<CoverImage>>,
    pub category_id: Option<CategoryId>,
    pub author_ids: Option<Vec<AuthorId>>,
    pub tag_ids: Option<Vec<TagId>>,
}

impl ArticleContent {
    /// Words a reader reads: the sapo and the body.
    pub fn word_count(&self) -> u32 {
        crate::blocks::article_word_count(&self.sapo, &self.body)
    }
}

impl ArticlePatch {
    /// Applies the patch; returns the names of the fields that really changed.
    pub fn apply(self, content: &mut ArticleContent) -> Vec<&'static str> {
        let mut changed = Vec::new();
        macro_rules! set {
            ($field:ident, $value:expr) => {
                if let Some(value) = $value {
                    if content.$field != value {
                        content.$field = value;
                        changed.push(stringify!($field));
                    }
                }
            };
        }
        set!(title, self.title);
        set!(slug, self.slug.map(Slug::into_string));
        set!(sapo, self.sapo);
        set!(body, self.body);
        set!(cover, self.cover);
        set!(category_id, self.category_id);
        set!(author_ids, self.author_ids);
        set!(tag_ids, self.tag_ids);
        changed
    }
}

/// One change to an existing article. Every change names the revision it was based on.
#[derive(Debug, Clone)]
pub enum ArticleChange {
    Edit(Box<ArticlePatch>),
    /// A writer hands the draft to the desk.
    Submit,
    Publish,
    Schedule {
        at: DateTime<Utc>,
    },
    /// Back to draft: gone from every public surface.
    Unpublish,
    Archive,
    /// Soft delete (admins): invisible everywhere, revisions kept.
    Delete,
    /// Puts an earlier revision's content back (status is unchanged).
    Restore {
        revision: i32,
    },
}

impl ArticleChange {
    pub fn name(&self) -> &'static str {
        match self {
            ArticleChange::Edit(_) => "edit",
            ArticleChange::Submit => "submit",
            ArticleChange::Publish => "publish",
            ArticleChange::Schedule { .. } => "schedule",
            ArticleChange::Unpublish => "unpublish",
            ArticleChange::Archive => "archive",
            ArticleChange::Delete => "delete",
            ArticleChange::Restore { .. } => "restore",
        }
    }
}

/// A stored snapshot: who changed what, when, and the content after the change.
#[derive(Debug, Clone, PartialEq)]
pub struct Revision {
    pub article_id: ArticleId,
    pub revision: i32,
    pub user_id: Option<UserId>,
    pub created_at: DateTime<Utc>,
    /// What changed: field names, or the lifecycle step (`publish`, `schedule` ...).
    pub changed: Vec<String>,
    pub status: ArticleStatus,
    pub published_at: Option<DateTime<Utc>>,
    pub content: ArticleContent,
}

/// The newsroom's storage.
#[async_trait]
pub trait NewsroomStore: Send + Sync {
    async fn create_user(&self, user: NewUser) -> Result<User>;
    /// The user and their password hash, by e-mail (case-insensitive).
    async fn user_credentials(&self, email: &str) -> Result<Option<(User, String)>>;
    async fn user(&self, id: UserId) -> Result<Option<User>>;
    async fn users(&self) -> Result<Vec<User>>;
    /// Disabling also revokes the user's refresh tokens; their access tokens stop working at the
    /// next request, because every request checks the user.
    async fn set_user_disabled(&self, id: UserId, disabled: bool) -> Result<User>;

    async fn store_refresh_token(
        &self,
        user: UserId,
        token_hash: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<()>;
    /// Revokes the token with `old_hash` and stores `new_hash` in one transaction; returns the
    /// owner. `None` when the old token is unknown, expired or already used (a reused token also
    /// revokes every token of its owner: someone copied it).
    async fn rotate_refresh_token(
        &self,
        old_hash: &str,
        new_hash: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Option<User>>;
    async fn revoke_refresh_token(&self, token_hash: &str, now: DateTime<Utc>) -> Result<()>;

    async fn create_partner_token(
        &self,
        name: &str,
        scopes: &[String],
        expires_at: DateTime<Utc>,
        created_by: UserId,
    ) -> Result<PartnerToken>;
    async fn partner_token(&self, id: i64) -> Result<Option<PartnerToken>>;
    async fn partner_tokens(&self) -> Result<Vec<PartnerToken>>;
    async fn revoke_partner_token(&self, id: i64, now: DateTime<Utc>) -> Result<Option<PartnerToken>>;

    /// Any status but deleted.
    async fn article_by_id(&self, id: ArticleId) -> Result<Option<Article>>;
    /// Any status but deleted, by its slug now or, when no article has that slug, by one it had
    /// before (the answer's slug is its current one).
    async fn article_by_slug_any_status(&self, slug: &str) -> Result<Option<Article>>;
    async fn article_content(&self, id: ArticleId) -> Result<Option<ArticleContent>>;
    async fn create_article(&self, draft: ArticleDraft, by: UserId) -> Result<Article>;
    /// Applies `change` if the article is still at `expected_revision`; otherwise fails with
    /// `StaleRevision` and changes nothing. Stores a revision snapshot in the same transaction.
    async fn change_article(
        &self,
        id: ArticleId,
        expected_revision: i32,
        change: ArticleChange,
        by: UserId,
    ) -> Result<Article>;
    async fn revisions(&self, id: ArticleId) -> Result<Vec<Revision>>;
    /// Replaces the articles pinned at the top of `id`'s related list, in order.
    async fn set_related_pins(&self, id: ArticleId, pinned: &[ArticleId]) -> Result<()>;

    async fn create_category(&self, category: NewCategory) -> Result<Category>;
    async fn rename_category(&self, id: CategoryId, name: &str) -> Result<Category>;
    /// Fails with `Conflict` while any article or child section uses it.
    async fn delete_category(&self, id: CategoryId) -> Result<()>;
    async fn create_tag(&self, tag: NewTag) -> Result<Tag>;
    async fn rename_tag(&self, id: TagId, name: &str) -> Result<Tag>;
    /// Moves every article of `from` to `into`, then deletes `from`.
    async fn merge_tags(&self, from: TagId, into: TagId) -> Result<Tag>;
    async fn delete_tag(&self, id: TagId) -> Result<()>;
    async fn create_author(&self, author: NewAuthor) -> Result<Author>;
    async fn rename_author(&self, id: AuthorId, name: &str) -> Result<Author>;
    async fn delete_author(&self, id: AuthorId) -> Result<()>;
}
