//! sea-orm entities, one per table. They never leave this crate: the repositories convert them to
//! domain types at the edge (see `mapping`).

pub mod article;
pub mod article_author;
pub mod article_change;
pub mod article_former_slug;
pub mod article_revision;
pub mod article_tag;
pub mod author;
pub mod category;
pub mod partner_token;
pub mod refresh_token;
pub mod related_pin;
pub mod tag;
pub mod tag_former_slug;
pub mod user;
