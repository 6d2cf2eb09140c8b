//! The newsroom's writes: [`NewsroomStore`] for [`Store`]. Every write runs in one transaction on
//! the writer; article changes are conditional on the revision the caller read, so two editors
//! saving at once never silently overwrite each other, on SQLite or PostgreSQL.

use async_trait::async_trait;
use bantin_domain::{
    Article, ArticleChange, ArticleContent, ArticleDraft, ArticleId, ArticleStatus, Author, AuthorId,
    Category, CategoryId, CoverImage, Error, NewAuthor, NewCategory, NewTag, NewUser, NewsroomStore,
    PartnerToken, Result, Revision, Role, Slug, Tag, TagId, User, UserId,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
    sea_query::{Expr, OnConflict},
};
use serde::{Deserialize, Serialize};

use crate::{
    Store,
    entity::{
        article, article_author, article_former_slug, article_revision, article_tag, author, category,
        partner_token, refresh_token, related_pin, tag, tag_former_slug, user,
    },
    mapping::{self, db_err, reference_err, stored_time},
};

/// How many numbered variants of a generated slug we try before giving up.
const SLUG_SUFFIX_ATTEMPTS: u32 = 1_000;

/// What a revision row stores besides who and when.
#[derive(Serialize, Deserialize)]
struct RevisionSnapshot {
    status: String,
    published_at: Option<DateTime<Utc>>,
    content: ArticleContent,
}

fn now() -> DateTime<Utc> {
    stored_time(Utc::now())
}

fn to_user(model: user::Model) -> Result<User> {
    Ok(User {
        id: UserId(model.id),
        role: Role::parse(&model.role)
            .map_err(|_| Error::Unexpected(format!("user {} has unknown role '{}'", model.id, model.role)))?,
        email: model.email,
        display_name: model.display_name,
        author_id: model.author_id.map(AuthorId),
        disabled: model.disabled,
        created_at: model.created_at,
    })
}

fn to_partner_token(model: partner_token::Model) -> PartnerToken {
    PartnerToken {
        id: model.id,
        name: model.name,
        scopes: model.scopes.split_whitespace().map(str::to_owned).collect(),
        created_at: model.created_at,
        expires_at: model.expires_at,
        revoked_at: model.revoked_at,
    }
}

fn json<T: Serialize>(value: &T, what: &str) -> Result<serde_json::Value> {
    serde_json::to_value(value).map_err(|err| Error::Unexpected(format!("serialising {what}: {err}")))
}

async fn slug_in_use(db: &impl ConnectionTrait, slug: &str, except: Option<i64>) -> Result<bool> {
    let mut query = article::Entity::find().filter(article::Column::Slug.eq(slug));
    if let Some(id) = except {
        query = query.filter(article::Column::Id.ne(id));
    }
    Ok(query.count(db).await.map_err(db_err("checking a slug"))? > 0)
}

/// A free slug: the given one must be free; a generated one gets `-2`, `-3` ... until it is.
async fn free_slug(
    db: &impl ConnectionTrait,
    slug: &str,
    given: bool,
    except: Option<i64>,
) -> Result<String> {
    if !slug_in_use(db, slug, except).await? {
        return Ok(slug.to_owned());
    }
    if given {
        return Err(Error::SlugTaken(slug.to_owned()));
    }
    let base = Slug::parse(slug)?;
    for n in 2..SLUG_SUFFIX_ATTEMPTS {
        let candidate = base.with_suffix(n);
        if !slug_in_use(db, candidate.as_str(), except).await? {
            return Ok(candidate.into_string());
        }
    }
    Err(Error::SlugTaken(slug.to_owned()))
}

/// Keeps links to an article working after its slug changes from `old` to `new`: `old` becomes a
/// former slug of article `id`, and `new`, now in use, stops being anyone's former slug (a live
/// slug always names its live owner; a former one given to a new article leads there from now).
async fn move_article_slug(
    txn: &DatabaseTransaction,
    id: i64,
    old: Option<&str>,
    new: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    article_former_slug::Entity::delete_by_id(new.to_owned())
        .exec(txn)
        .await
        .map_err(db_err("claiming a former article slug"))?;
    if let Some(old) = old.filter(|old| *old != new) {
        let former = article_former_slug::ActiveModel {
            slug: Set(old.to_owned()),
            article_id: Set(id),
            replaced_at: Set(now),
        };
        article_former_slug::Entity::insert(former)
            .on_conflict(
                OnConflict::column(article_former_slug::Column::Slug)
                    .update_columns([
                        article_former_slug::Column::ArticleId,
                        article_former_slug::Column::ReplacedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(txn)
            .await
            .map_err(db_err("keeping a former article slug"))?;
    }
    Ok(())
}

/// Replaces an article's bylines and tags, carrying its publication time into the link tables.
async fn write_links(
    txn: &DatabaseTransaction,
    id: i64,
    content: &ArticleContent,
    published_at: Option<DateTime<Utc>>,
) -> Result<()> {
    // The tags' rows are locked as the links' foreign keys would lock them, but first and in id
    // order, as `merge_tags` locks its two: otherwise a save holding its old links while waiting
    // for a tag a merge holds, and the merge waiting for those links, deadlocked on PostgreSQL.
    // (SQLite's single writer has nothing to order, and no row locks.)
    if txn.get_database_backend() == sea_orm::DatabaseBackend::Postgres && !content.tag_ids.is_empty() {
        tag::Entity::find()
            .select_only()
            .column(tag::Column::Id)
            .filter(tag::Column::Id.is_in(content.tag_ids.iter().map(|tag| tag.0)))
            .order_by_asc(tag::Column::Id)
            .lock(sea_orm::sea_query::LockType::KeyShare)
            .into_tuple::<i64>()
            .all(txn)
            .await
            .map_err(db_err("locking an article's tags"))?;
    }
    article_author::Entity::delete_many()
        .filter(article_author::Column::ArticleId.eq(id))
        .exec(txn)
        .await
        .map_err(db_err("clearing bylines"))?;
    article_tag::Entity::delete_many()
        .filter(article_tag::Column::ArticleId.eq(id))
        .exec(txn)
        .await
        .map_err(db_err("clearing article tags"))?;
    let bylines: Vec<_> = (0..)
        .zip(&content.author_ids)
        .map(|(position, author)| article_author::ActiveModel {
            article_id: Set(id),
            author_id: Set(author.0),
            position: Set(position),
            published_at: Set(published_at),
        })
        .collect();
    if !bylines.is_empty() {
        article_author::Entity::insert_many(bylines)
            .exec_without_returning(txn)
            .await
            .map_err(reference_err("input", "an author", "storing article links"))?;
    }
    let tags: Vec<_> = (0..)
        .zip(&content.tag_ids)
        .map(|(position, tag)| article_tag::ActiveModel {
            article_id: Set(id),
            tag_id: Set(tag.0),
            position: Set(position),
            published_at: Set(published_at),
        })
        .collect();
    if !tags.is_empty() {
        article_tag::Entity::insert_many(tags).exec_without_returning(txn).await.map_err(reference_err(
            "input",
            "a tag",
            "storing article links",
        ))?;
    }
    Ok(())
}

/// Gives a revision's content the tags that tags merged since it was saved went into, leaves out
/// the tags and authors deleted since, and gives it the article's `current` section if its own
/// was deleted: a revision keeps the ids it was saved with, and restoring one must not fail for
/// good because the newsroom has tidied its taxonomy since.
async fn keep_existing_taxonomy(
    txn: &DatabaseTransaction,
    content: &mut ArticleContent,
    current: CategoryId,
) -> Result<()> {
    let merged: Vec<(i64, i64)> = tag_former_slug::Entity::find()
        .select_only()
        .columns([tag_former_slug::Column::MergedTagId, tag_former_slug::Column::TagId])
        .filter(tag_former_slug::Column::MergedTagId.is_in(content.tag_ids.iter().map(|id| id.0)))
        .into_tuple()
        .all(txn)
        .await
        .map_err(db_err("finding where merged tags went"))?;
    let mut seen = std::collections::HashSet::new();
    content.tag_ids = std::mem::take(&mut content.tag_ids)
        .into_iter()
        .map(|id| merged.iter().find(|(from, _)| *from == id.0).map_or(id, |(_, into)| TagId(*into)))
        .filter(|id| seen.insert(*id))
        .collect();
    let tags =
        existing_ids::<tag::Entity>(txn, tag::Column::Id, content.tag_ids.iter().map(|id| id.0)).await?;
    content.tag_ids.retain(|id| tags.contains(&id.0));
    let authors =
        existing_ids::<author::Entity>(txn, author::Column::Id, content.author_ids.iter().map(|id| id.0))
            .await?;
    content.author_ids.retain(|id| authors.contains(&id.0));
    let section_exists = category::Entity::find_by_id(content.category_id.0)
        .count(txn)
        .await
        .map_err(db_err("checking a revision's section"))?
        > 0;
    if !section_exists {
        content.category_id = current;
    }
    Ok(())
}

/// Which of `ids` are rows of `E` (its primary key `id`).
async fn existing_ids<E: EntityTrait>(
    txn: &DatabaseTransaction,
    id: E::Column,
    ids: impl IntoIterator<Item = i64>,
) -> Result<Vec<i64>> {
    E::find()
        .select_only()
        .column(id)
        .filter(id.is_in(ids))
        .into_tuple()
        .all(txn)
        .await
        .map_err(db_err("checking a revision's taxonomy"))
}

/// Locks the row `id` of `E` for the rest of the transaction; returns whether it exists. Deleting
/// taxonomy checks that nothing uses it first: on PostgreSQL a save that links an article to it
/// holds a key-share lock on the row until it commits, so this waits for such a save (and the
/// check then sees its links), and a later save waits for the deletion and is told the row is
/// gone. Without it a save committed between the check and the delete failed the delete on the
/// foreign key. SQLite's single writer already runs them one after the other.
async fn lock_for_deletion<E>(txn: &DatabaseTransaction, id: i64) -> Result<bool>
where
    E: EntityTrait,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<i64>,
{
    let found =
        E::find_by_id(id).lock_exclusive().one(txn).await.map_err(db_err("locking a row to delete"))?;
    Ok(found.is_some())
}

async fn load_content(db: &impl ConnectionTrait, model: &article::Model) -> Result<ArticleContent> {
    let author_ids: Vec<i64> = article_author::Entity::find()
        .select_only()
        .column(article_author::Column::AuthorId)
        .filter(article_author::Column::ArticleId.eq(model.id))
        .order_by_asc(article_author::Column::Position)
        .into_tuple()
        .all(db)
        .await
        .map_err(db_err("loading a byline"))?;
    let tag_ids: Vec<i64> = article_tag::Entity::find()
        .select_only()
        .column(article_tag::Column::TagId)
        .filter(article_tag::Column::ArticleId.eq(model.id))
        .order_by_asc(article_tag::Column::Position)
        .into_tuple()
        .all(db)
        .await
        .map_err(db_err("loading tags"))?;
    Ok(ArticleContent {
        title: model.title.clone(),
        slug: model.slug.clone(),
        sapo: model.sapo.clone(),
        body: serde_json::from_value(model.body.clone())
            .map_err(|err| Error::Unexpected(format!("article {} has a malformed body: {err}", model.id)))?,
        cover: model
            .cover
            .clone()
            .map(serde_json::from_value::<CoverImage>)
            .transpose()
            .map_err(|err| Error::Unexpected(format!("article {} has a malformed cover: {err}", model.id)))?,
        category_id: CategoryId(model.category_id),
        author_ids: author_ids.into_iter().map(AuthorId).collect(),
        tag_ids: tag_ids.into_iter().map(TagId).collect(),
    })
}

async fn live_article(db: &impl ConnectionTrait, id: i64) -> Result<Option<article::Model>> {
    article::Entity::find()
        .filter(article::Column::Id.eq(id))
        .filter(article::Column::DeletedAt.is_null())
        .one(db)
        .await
        .map_err(db_err("loading an article"))
}

async fn store_revision(
    txn: &DatabaseTransaction,
    model: &article::Model,
    content: &ArticleContent,
    changed: &[String],
    by: UserId,
) -> Result<()> {
    let snapshot = RevisionSnapshot {
        status: model.status.clone(),
        published_at: model.published_at,
        content: content.clone(),
    };
    article_revision::ActiveModel {
        id: NotSet,
        article_id: Set(model.id),
        revision: Set(model.revision),
        user_id: Set(Some(by.0)),
        created_at: Set(model.updated_at),
        changed: Set(json(&changed, "revision changes")?),
        snapshot: Set(json(&snapshot, "a revision")?),
    }
    .insert(txn)
    .await
    .map_err(db_err("storing a revision"))?;
    Ok(())
}

/// Rewrites the article's search entry from its content, in the same transaction as the write,
/// so search is never stale after a write returns.
async fn index(txn: &DatabaseTransaction, id: i64, content: &ArticleContent) -> Result<()> {
    let text = crate::search::IndexText::new(&content.title, &content.sapo, &content.body);
    crate::search::write(txn, vec![crate::search::IndexEntry { id, text }], crate::search::Existing::Replaced)
        .await
}

fn to_revision(model: article_revision::Model) -> Result<Revision> {
    let snapshot: RevisionSnapshot = serde_json::from_value(model.snapshot)
        .map_err(|err| Error::Unexpected(format!("revision {} is malformed: {err}", model.id)))?;
    Ok(Revision {
        article_id: ArticleId(model.article_id),
        revision: model.revision,
        user_id: model.user_id.map(UserId),
        created_at: model.created_at,
        changed: serde_json::from_value(model.changed).unwrap_or_default(),
        status: ArticleStatus::parse(&snapshot.status)?,
        published_at: snapshot.published_at,
        content: snapshot.content,
    })
}

fn apply_content(active: &mut article::ActiveModel, content: &ArticleContent) -> Result<()> {
    active.title = Set(content.title.clone());
    active.slug = Set(content.slug.clone());
    active.sapo = Set(content.sapo.clone());
    active.body = Set(json(&content.body, "a body")?);
    active.cover = Set(content.cover.as_ref().map(|c| json(c, "a cover")).transpose()?);
    active.category_id = Set(content.category_id.0);
    active.word_count = Set(i32::try_from(content.word_count()).unwrap_or(i32::MAX));
    Ok(())
}

#[async_trait]
impl NewsroomStore for Store {
    async fn create_user(&self, new: NewUser) -> Result<User> {
        let now = now();
        let model = user::ActiveModel {
            id: NotSet,
            email: Set(new.email.trim().to_lowercase()),
            display_name: Set(new.display_name),
            role: Set(new.role.as_str().to_owned()),
            author_id: Set(new.author_id.map(|a| a.0)),
            password_hash: Set(new.password_hash),
            disabled: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&self.writer)
        .await
        .map_err(|err| match err.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
                Error::Conflict("a user with this e-mail already exists".to_owned())
            }
            _ => db_err("storing a user")(err),
        })?;
        to_user(model)
    }

    async fn user_credentials(&self, email: &str) -> Result<Option<(User, String)>> {
        let model = user::Entity::find()
            .filter(user::Column::Email.eq(email.trim().to_lowercase()))
            .one(&self.writer)
            .await
            .map_err(db_err("loading a user"))?;
        model
            .map(|m| {
                let hash = m.password_hash.clone();
                to_user(m).map(|u| (u, hash))
            })
            .transpose()
    }

    async fn user(&self, id: UserId) -> Result<Option<User>> {
        let model =
            user::Entity::find_by_id(id.0).one(&self.writer).await.map_err(db_err("loading a user"))?;
        model.map(to_user).transpose()
    }

    async fn users(&self) -> Result<Vec<User>> {
        let models = user::Entity::find()
            .order_by_asc(user::Column::Id)
            .all(&self.writer)
            .await
            .map_err(db_err("listing users"))?;
        models.into_iter().map(to_user).collect()
    }

    async fn set_user_disabled(&self, id: UserId, disabled: bool) -> Result<User> {
        let txn = self.begin_write("starting a user change").await?;
        let model = user::ActiveModel {
            id: Set(id.0),
            disabled: Set(disabled),
            updated_at: Set(now()),
            ..Default::default()
        }
        .update(&txn)
        .await
        .map_err(|err| not_found_or(err, "user", id.0))?;
        if disabled {
            refresh_token::Entity::update_many()
                .col_expr(refresh_token::Column::RevokedAt, Expr::value(now()))
                .filter(refresh_token::Column::UserId.eq(id.0))
                .filter(refresh_token::Column::RevokedAt.is_null())
                .exec(&txn)
                .await
                .map_err(db_err("revoking a disabled user's tokens"))?;
        }
        txn.commit().await.map_err(db_err("committing a user change"))?;
        to_user(model)
    }

    async fn store_refresh_token(
        &self,
        user: UserId,
        token_hash: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        refresh_token::ActiveModel {
            id: NotSet,
            user_id: Set(user.0),
            token_hash: Set(token_hash.to_owned()),
            expires_at: Set(stored_time(expires_at)),
            created_at: Set(now()),
            revoked_at: Set(None),
        }
        .insert(&self.writer)
        .await
        .map_err(db_err("storing a refresh token"))?;
        Ok(())
    }

    async fn rotate_refresh_token(
        &self,
        old_hash: &str,
        new_hash: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Option<User>> {
        let now = stored_time(now);
        let txn = self.begin_write("starting a token refresh").await?;
        let Some(old) = refresh_token::Entity::find()
            .filter(refresh_token::Column::TokenHash.eq(old_hash))
            .one(&txn)
            .await
            .map_err(db_err("loading a refresh token"))?
        else {
            return Ok(None);
        };
        if old.revoked_at.is_some() {
            // A used token presented again: someone else holds a copy. End every session.
            refresh_token::Entity::update_many()
                .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
                .filter(refresh_token::Column::UserId.eq(old.user_id))
                .filter(refresh_token::Column::RevokedAt.is_null())
                .exec(&txn)
                .await
                .map_err(db_err("revoking reused refresh tokens"))?;
            txn.commit().await.map_err(db_err("committing a token revocation"))?;
            return Ok(None);
        }
        if old.expires_at <= now {
            return Ok(None);
        }
        let user = user::Entity::find_by_id(old.user_id).one(&txn).await.map_err(db_err("loading a user"))?;
        let Some(user) = user.filter(|u| !u.disabled) else { return Ok(None) };
        let revoked = refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
            .filter(refresh_token::Column::Id.eq(old.id))
            .filter(refresh_token::Column::RevokedAt.is_null())
            .exec(&txn)
            .await
            .map_err(db_err("revoking a refresh token"))?;
        if revoked.rows_affected != 1 {
            return Ok(None);
        }
        refresh_token::ActiveModel {
            id: NotSet,
            user_id: Set(old.user_id),
            token_hash: Set(new_hash.to_owned()),
            expires_at: Set(stored_time(expires_at)),
            created_at: Set(now),
            revoked_at: Set(None),
        }
        .insert(&txn)
        .await
        .map_err(db_err("storing a refresh token"))?;
        txn.commit().await.map_err(db_err("committing a token refresh"))?;
        to_user(user).map(Some)
    }

    async fn revoke_refresh_token(&self, token_hash: &str, now: DateTime<Utc>) -> Result<()> {
        refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::RevokedAt, Expr::value(stored_time(now)))
            .filter(refresh_token::Column::TokenHash.eq(token_hash))
            .filter(refresh_token::Column::RevokedAt.is_null())
            .exec(&self.writer)
            .await
            .map_err(db_err("revoking a refresh token"))?;
        Ok(())
    }

    async fn create_partner_token(
        &self,
        name: &str,
        scopes: &[String],
        expires_at: DateTime<Utc>,
        created_by: UserId,
    ) -> Result<PartnerToken> {
        let model = partner_token::ActiveModel {
            id: NotSet,
            name: Set(name.to_owned()),
            scopes: Set(scopes.join(" ")),
            created_by: Set(Some(created_by.0)),
            created_at: Set(now()),
            expires_at: Set(stored_time(expires_at)),
            revoked_at: Set(None),
        }
        .insert(&self.writer)
        .await
        .map_err(db_err("storing a partner token"))?;
        Ok(to_partner_token(model))
    }

    async fn partner_token(&self, id: i64) -> Result<Option<PartnerToken>> {
        let model = partner_token::Entity::find_by_id(id)
            .one(&self.writer)
            .await
            .map_err(db_err("loading a partner token"))?;
        Ok(model.map(to_partner_token))
    }

    async fn partner_tokens(&self) -> Result<Vec<PartnerToken>> {
        let models = partner_token::Entity::find()
            .order_by_desc(partner_token::Column::Id)
            .all(&self.writer)
            .await
            .map_err(db_err("listing partner tokens"))?;
        Ok(models.into_iter().map(to_partner_token).collect())
    }

    async fn revoke_partner_token(&self, id: i64, now: DateTime<Utc>) -> Result<Option<PartnerToken>> {
        partner_token::Entity::update_many()
            .col_expr(partner_token::Column::RevokedAt, Expr::value(stored_time(now)))
            .filter(partner_token::Column::Id.eq(id))
            .filter(partner_token::Column::RevokedAt.is_null())
            .exec(&self.writer)
            .await
            .map_err(db_err("revoking a partner token"))?;
        self.partner_token(id).await
    }

    async fn article_by_id(&self, id: ArticleId) -> Result<Option<Article>> {
        live_article(&self.writer, id.0).await?.map(mapping::article).transpose()
    }

    async fn article_by_slug_any_status(&self, slug: &str) -> Result<Option<Article>> {
        let now = article::Entity::find()
            .filter(article::Column::Slug.eq(slug))
            .filter(article::Column::DeletedAt.is_null())
            .one(&self.writer)
            .await
            .map_err(db_err("loading an article by slug"))?;
        match now {
            Some(model) => mapping::article(model).map(Some),
            // A slug in use names its owner; only then does a former one lead anywhere.
            None => {
                let any_status = bantin_domain::Visibility::Newsroom { status: None, created_by: None };
                crate::reader::article_by_former_slug(&self.writer, slug, any_status).await
            }
        }
    }

    async fn article_content(&self, id: ArticleId) -> Result<Option<ArticleContent>> {
        let Some(model) = live_article(&self.writer, id.0).await? else { return Ok(None) };
        load_content(&self.writer, &model).await.map(Some)
    }

    async fn create_article(&self, draft: ArticleDraft, by: UserId) -> Result<Article> {
        let now = now();
        let txn = self.begin_write("starting to create an article").await?;
        let mut content = draft.content;
        content.slug = free_slug(&txn, &content.slug, draft.slug_given, None).await?;
        let mut active = article::ActiveModel {
            id: NotSet,
            status: Set(ArticleStatus::Draft.as_str().to_owned()),
            published_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            revision: Set(1),
            created_by: Set(Some(by.0)),
            submitted_at: Set(None),
            deleted_at: Set(None),
            ..Default::default()
        };
        apply_content(&mut active, &content)?;
        let model = active.insert(&txn).await.map_err(|err| match err.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => Error::SlugTaken(content.slug.clone()),
            _ => reference_err("category", "a category", "storing an article")(err),
        })?;
        write_links(&txn, model.id, &content, None).await?;
        move_article_slug(&txn, model.id, None, &content.slug, now).await?;
        index(&txn, model.id, &content).await?;
        crate::writer::log_changes(&txn, &[model.id], now).await?;
        store_revision(&txn, &model, &content, &["created".to_owned()], by).await?;
        txn.commit().await.map_err(db_err("committing a new article"))?;
        self.changed().await;
        mapping::article(model)
    }

    async fn change_article(
        &self,
        id: ArticleId,
        expected_revision: i32,
        change: ArticleChange,
        by: UserId,
    ) -> Result<Article> {
        let now = now();
        let txn = self.begin_write("starting an article change").await?;
        let model =
            live_article(&txn, id.0).await?.ok_or_else(|| Error::not_found("article", id.to_string()))?;
        if model.revision != expected_revision {
            return Err(Error::StaleRevision { expected: expected_revision, current: model.revision });
        }
        let mut content = load_content(&txn, &model).await?;
        let status = ArticleStatus::parse(&model.status)?;
        let mut active: article::ActiveModel = model.clone().into();
        let mut published_at = model.published_at;
        let mut links_changed = false;
        let content_changed = matches!(change, ArticleChange::Edit(_) | ArticleChange::Restore { .. });
        let changed: Vec<String> = match change {
            ArticleChange::Edit(patch) => {
                let fields = patch.apply(&mut content);
                if fields.is_empty() {
                    return mapping::article(model);
                }
                if fields.contains(&"slug") {
                    content.slug = free_slug(&txn, &content.slug, true, Some(model.id)).await?;
                }
                links_changed = fields.iter().any(|f| matches!(*f, "author_ids" | "tag_ids"));
                apply_content(&mut active, &content)?;
                fields.into_iter().map(str::to_owned).collect()
            }
            ArticleChange::Restore { revision } => {
                let stored = article_revision::Entity::find()
                    .filter(article_revision::Column::ArticleId.eq(model.id))
                    .filter(article_revision::Column::Revision.eq(revision))
                    .one(&txn)
                    .await
                    .map_err(db_err("loading a revision"))?
                    .ok_or_else(|| Error::not_found("revision", revision.to_string()))?;
                content = to_revision(stored)?.content;
                keep_existing_taxonomy(&txn, &mut content, CategoryId(model.category_id)).await?;
                content.slug = free_slug(&txn, &content.slug, true, Some(model.id)).await?;
                links_changed = true;
                apply_content(&mut active, &content)?;
                vec![format!("restore:{revision}")]
            }
            ArticleChange::Submit => {
                active.submitted_at = Set(Some(now));
                vec!["submit".to_owned()]
            }
            ArticleChange::Publish => {
                if status != ArticleStatus::Published || published_at.is_none_or(|at| at > now) {
                    published_at = Some(now);
                }
                active.status = Set(ArticleStatus::Published.as_str().to_owned());
                vec!["publish".to_owned()]
            }
            ArticleChange::Schedule { at } => {
                let at = stored_time(at);
                if at <= now {
                    return Err(Error::invalid(
                        "at",
                        "must be in the future; to publish now, use publishArticle",
                    ));
                }
                published_at = Some(at);
                active.status = Set(ArticleStatus::Scheduled.as_str().to_owned());
                vec!["schedule".to_owned()]
            }
            ArticleChange::Unpublish => {
                active.status = Set(ArticleStatus::Draft.as_str().to_owned());
                vec!["unpublish".to_owned()]
            }
            ArticleChange::Archive => {
                active.status = Set(ArticleStatus::Archived.as_str().to_owned());
                vec!["archive".to_owned()]
            }
            ArticleChange::Delete => {
                active.deleted_at = Set(Some(now));
                vec!["delete".to_owned()]
            }
        };
        let publication_moved = published_at != model.published_at;
        active.published_at = Set(published_at);
        active.updated_at = Set(now);
        active.revision = Set(model.revision + 1);
        // Conditional on the revision we read: on PostgreSQL a concurrent writer that committed
        // first leaves this statement matching no row.
        let updated = article::Entity::update_many()
            .set(active)
            .filter(article::Column::Id.eq(model.id))
            .filter(article::Column::Revision.eq(expected_revision))
            .exec(&txn)
            .await
            .map_err(|err| match err.sql_err() {
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => Error::SlugTaken(content.slug.clone()),
                _ => reference_err("category", "a category", "updating an article")(err),
            })?;
        if updated.rows_affected != 1 {
            let current = live_article(&txn, model.id).await?.map_or(expected_revision + 1, |m| m.revision);
            return Err(Error::StaleRevision { expected: expected_revision, current });
        }
        if links_changed || publication_moved {
            write_links(&txn, model.id, &content, published_at).await?;
        }
        if content.slug != model.slug {
            move_article_slug(&txn, model.id, Some(&model.slug), &content.slug, now).await?;
        }
        if content_changed {
            index(&txn, model.id, &content).await?;
        }
        let stored = article::Entity::find_by_id(model.id)
            .one(&txn)
            .await
            .map_err(db_err("reloading an article"))?
            .ok_or_else(|| Error::not_found("article", id.to_string()))?;
        store_revision(&txn, &stored, &content, &changed, by).await?;
        crate::writer::log_changes(&txn, &[model.id], now).await?;
        txn.commit().await.map_err(db_err("committing an article change"))?;
        self.changed().await;
        mapping::article(stored)
    }

    async fn revisions(&self, id: ArticleId) -> Result<Vec<Revision>> {
        let models = article_revision::Entity::find()
            .filter(article_revision::Column::ArticleId.eq(id.0))
            .order_by_desc(article_revision::Column::Revision)
            .all(&self.writer)
            .await
            .map_err(db_err("listing revisions"))?;
        models.into_iter().map(to_revision).collect()
    }

    async fn set_related_pins(&self, id: ArticleId, pinned: &[ArticleId]) -> Result<()> {
        let txn = self.begin_write("starting to pin related articles").await?;
        related_pin::Entity::delete_many()
            .filter(related_pin::Column::ArticleId.eq(id.0))
            .exec(&txn)
            .await
            .map_err(db_err("clearing pinned related articles"))?;
        let rows: Vec<_> = (0..)
            .zip(pinned)
            .map(|(position, pin)| related_pin::ActiveModel {
                article_id: Set(id.0),
                position: Set(position),
                pinned_id: Set(pin.0),
            })
            .collect();
        if !rows.is_empty() {
            related_pin::Entity::insert_many(rows)
                .exec_without_returning(&txn)
                .await
                .map_err(reference_err("input", "an article", "storing article links"))?;
        }
        txn.commit().await.map_err(db_err("committing pinned related articles"))?;
        self.changed().await;
        Ok(())
    }

    async fn create_category(&self, new: NewCategory) -> Result<Category> {
        self.insert_category(&new).await.map_err(|err| match err {
            Error::Conflict(_) => Error::SlugTaken(new.slug.to_string()),
            other => other,
        })
    }

    async fn rename_category(&self, id: CategoryId, name: &str) -> Result<Category> {
        let model = category::ActiveModel { id: Set(id.0), name: Set(name.to_owned()), ..Default::default() }
            .update(&self.writer)
            .await
            .map_err(|err| not_found_or(err, "category", id.0))?;
        self.changed().await;
        Ok(mapping::category(model))
    }

    async fn delete_category(&self, id: CategoryId) -> Result<()> {
        let txn = self.begin_write("starting to delete a category").await?;
        if !lock_for_deletion::<category::Entity>(&txn, id.0).await? {
            return Err(Error::not_found("category", id.to_string()));
        }
        let articles = article::Entity::find()
            .filter(article::Column::CategoryId.eq(id.0))
            .count(&txn)
            .await
            .map_err(db_err("counting a category's articles"))?;
        let children = category::Entity::find()
            .filter(category::Column::ParentId.eq(id.0))
            .count(&txn)
            .await
            .map_err(db_err("counting sub-sections"))?;
        if articles + children > 0 {
            return Err(Error::Conflict(format!(
                "the category is in use by {articles} articles and {children} sub-sections; move them first"
            )));
        }
        category::Entity::delete_by_id(id.0).exec(&txn).await.map_err(db_err("deleting a category"))?;
        txn.commit().await.map_err(db_err("committing a category deletion"))?;
        self.changed().await;
        Ok(())
    }

    async fn create_tag(&self, new: NewTag) -> Result<Tag> {
        let stored = self.insert_tags(std::slice::from_ref(&new)).await.map_err(|err| match err {
            Error::Conflict(_) => Error::SlugTaken(new.slug.to_string()),
            other => other,
        })?;
        stored.into_iter().next().ok_or_else(|| Error::Unexpected("a stored tag vanished".to_owned()))
    }

    async fn rename_tag(&self, id: TagId, name: &str) -> Result<Tag> {
        let model = tag::ActiveModel { id: Set(id.0), name: Set(name.to_owned()), ..Default::default() }
            .update(&self.writer)
            .await
            .map_err(|err| not_found_or(err, "tag", id.0))?;
        self.changed().await;
        Ok(mapping::tag(model))
    }

    async fn merge_tags(&self, from: TagId, into: TagId) -> Result<Tag> {
        if from == into {
            return Err(Error::invalid("into", "must be a different tag from the one merged"));
        }
        let txn = self.begin_write("starting a tag merge").await?;
        // Both locked, in id order (as saves lock their tags) so that two opposite merges, or a
        // merge and a save, wait for each other rather than deadlock: a save tagging an article
        // with either commits before the merge reads the links, or waits for the merge (and is
        // then told the merged tag is gone).
        let locked: Vec<tag::Model> = tag::Entity::find()
            .filter(tag::Column::Id.is_in([from.0, into.0]))
            .order_by_asc(tag::Column::Id)
            .lock_exclusive()
            .all(&txn)
            .await
            .map_err(db_err("loading a tag"))?;
        let Some(target) = locked.iter().find(|tag| tag.id == into.0).cloned() else {
            return Err(Error::not_found("tag", into.to_string()));
        };
        let Some(merged) = locked.iter().find(|tag| tag.id == from.0).cloned() else {
            return Err(Error::not_found("tag", from.to_string()));
        };
        // Articles that already carry both keep their `into` link; the rest move over.
        let both: Vec<i64> = article_tag::Entity::find()
            .select_only()
            .column(article_tag::Column::ArticleId)
            .filter(article_tag::Column::TagId.eq(into.0))
            .into_tuple()
            .all(&txn)
            .await
            .map_err(db_err("loading tag links"))?;
        article_tag::Entity::delete_many()
            .filter(article_tag::Column::TagId.eq(from.0))
            .filter(article_tag::Column::ArticleId.is_in(both))
            .exec(&txn)
            .await
            .map_err(db_err("dropping duplicate tag links"))?;
        article_tag::Entity::update_many()
            .col_expr(article_tag::Column::TagId, Expr::value(into.0))
            .filter(article_tag::Column::TagId.eq(from.0))
            .exec(&txn)
            .await
            .map_err(db_err("moving tag links"))?;
        // Links to the merged tag (and to tags merged into it before) lead to the target from now.
        tag_former_slug::Entity::update_many()
            .col_expr(tag_former_slug::Column::TagId, Expr::value(into.0))
            .filter(tag_former_slug::Column::TagId.eq(from.0))
            .exec(&txn)
            .await
            .map_err(db_err("moving former tag slugs"))?;
        let former = tag_former_slug::ActiveModel {
            slug: Set(merged.slug),
            tag_id: Set(into.0),
            merged_tag_id: Set(from.0),
            replaced_at: Set(now()),
        };
        tag_former_slug::Entity::insert(former)
            .on_conflict(
                OnConflict::column(tag_former_slug::Column::Slug)
                    .update_columns([
                        tag_former_slug::Column::TagId,
                        tag_former_slug::Column::MergedTagId,
                        tag_former_slug::Column::ReplacedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await
            .map_err(db_err("keeping a merged tag's slug"))?;
        tag::Entity::delete_by_id(from.0).exec(&txn).await.map_err(db_err("deleting a merged tag"))?;
        txn.commit().await.map_err(db_err("committing a tag merge"))?;
        self.changed().await;
        Ok(mapping::tag(target))
    }

    async fn delete_tag(&self, id: TagId) -> Result<()> {
        let txn = self.begin_write("starting to delete a tag").await?;
        if !lock_for_deletion::<tag::Entity>(&txn, id.0).await? {
            return Err(Error::not_found("tag", id.to_string()));
        }
        let in_use = article_tag::Entity::find()
            .filter(article_tag::Column::TagId.eq(id.0))
            .count(&txn)
            .await
            .map_err(db_err("counting a tag's articles"))?;
        if in_use > 0 {
            return Err(Error::Conflict(format!(
                "the tag is used by {in_use} articles; merge it into another instead"
            )));
        }
        tag::Entity::delete_by_id(id.0).exec(&txn).await.map_err(db_err("deleting a tag"))?;
        txn.commit().await.map_err(db_err("committing a tag deletion"))?;
        self.changed().await;
        Ok(())
    }

    async fn create_author(&self, new: NewAuthor) -> Result<Author> {
        let stored = self.insert_authors(std::slice::from_ref(&new)).await.map_err(|err| match err {
            Error::Conflict(_) => Error::SlugTaken(new.slug.to_string()),
            other => other,
        })?;
        stored.into_iter().next().ok_or_else(|| Error::Unexpected("a stored author vanished".to_owned()))
    }

    async fn rename_author(&self, id: AuthorId, name: &str) -> Result<Author> {
        let model = author::ActiveModel { id: Set(id.0), name: Set(name.to_owned()), ..Default::default() }
            .update(&self.writer)
            .await
            .map_err(|err| not_found_or(err, "author", id.0))?;
        self.changed().await;
        Ok(mapping::author(model))
    }

    async fn delete_author(&self, id: AuthorId) -> Result<()> {
        let txn = self.begin_write("starting to delete an author").await?;
        if !lock_for_deletion::<author::Entity>(&txn, id.0).await? {
            return Err(Error::not_found("author", id.to_string()));
        }
        let in_use = article_author::Entity::find()
            .filter(article_author::Column::AuthorId.eq(id.0))
            .count(&txn)
            .await
            .map_err(db_err("counting an author's articles"))?;
        if in_use > 0 {
            return Err(Error::Conflict(format!("the author is in the byline of {in_use} articles")));
        }
        author::Entity::delete_by_id(id.0).exec(&txn).await.map_err(db_err("deleting an author"))?;
        txn.commit().await.map_err(db_err("committing an author deletion"))?;
        self.changed().await;
        Ok(())
    }
}

fn not_found_or(err: sea_orm::DbErr, entity: &'static str, id: i64) -> Error {
    match err {
        sea_orm::DbErr::RecordNotUpdated | sea_orm::DbErr::RecordNotFound(_) => {
            Error::not_found(entity, id.to_string())
        }
        other => db_err("updating a record")(other),
    }
}
