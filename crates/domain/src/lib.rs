//! The content model of bantin: what an article is, what makes one valid, who may see it, and how
//! lists of articles are paged. Everything here is pure computation.
//!
//! This crate must not depend on any I/O or framework crate (sea-orm, sqlx, actix, async-graphql,
//! tokio, jsonwebtoken); `make check-deps` enforces it. Storage is reached through the traits in
//! [`repository`], which the persistence crate implements.

pub mod article;
pub mod blocks;
pub mod editorial;
pub mod error;
pub mod newsroom;
pub mod page;
pub mod related;
pub mod repository;
pub mod search;
pub mod text;
pub mod user;
pub mod versioned;

pub use article::{
    Article, ArticleId, ArticleStatus, Author, AuthorId, Category, CategoryId, CoverImage, NewArticle,
    NewAuthor, NewCategory, NewTag, Publication, Tag, TagId, UserId,
};
pub use blocks::{Block, Body, Mark, Span};
pub use error::{Error, Result};
pub use newsroom::{
    ArticleChange, ArticleContent, ArticleDraft, ArticlePatch, NewUser, NewsroomStore, PartnerToken,
    Revision, User,
};
pub use page::{Cursor, ListedByName, NamePageRequest, Page, PageRequest};
pub use repository::{ArticleFilter, ArticleRelations, ContentReader, Visibility};
pub use text::{Slug, fold, slugify};
pub use user::Role;
pub use versioned::AtVersion;
