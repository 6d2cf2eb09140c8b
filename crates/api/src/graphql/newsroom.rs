//! The newsroom over GraphQL: sign-in, the article lifecycle, revisions, taxonomy, partner tokens
//! and preview links. Every resolver checks the caller's rights with
//! [`bantin_domain::editorial::authorize`] before it writes anything.

use std::collections::HashMap;

use async_graphql::{Context, ErrorExtensions, ID, Object, Result, SimpleObject};
use bantin_domain::{
    Article, ArticleChange, ArticleContent, ArticleDraft, ArticleId, ArticlePatch, Author, AuthorId,
    CategoryId, ContentReader, Error, NewAuthor, NewCategory, NewTag, PartnerToken, Revision, Role, Slug,
    TagId, User, editorial,
    editorial::{Action, Target},
    slugify,
    text::quoted,
};
use chrono::{DateTime, Utc};

use super::{
    inputs::{self, CreateArticleInput, UpdateArticleInput},
    objects::{ArticleObject, ArticleStatusValue, AuthorObject, BlockValue, CategoryObject, TagObject},
};
use crate::{
    AppState,
    auth::{Claims, hash_opaque_token, new_opaque_token, verify_password},
    caller::Caller,
    error::{code, graphql_error},
    purge,
};

/// The scopes a partner token may carry.
pub const PARTNER_SCOPES: [&str; 2] = ["feeds:full", "api:read"];
/// Longest-lived partner token an admin may issue.
const PARTNER_TOKEN_MAX_DAYS: i64 = 3 * 366;
/// Shortest password a new user may have.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Most taxonomy entries one article may name, so one request cannot fan out into many lookups.
const MAX_LINKS: usize = 50;

fn state<'a>(ctx: &Context<'a>) -> Result<&'a AppState> {
    ctx.data::<AppState>()
}

fn caller<'a>(ctx: &Context<'a>) -> &'a Caller {
    ctx.data::<Caller>().unwrap_or(&Caller::Anonymous)
}

fn unauthenticated(message: &str) -> async_graphql::Error {
    async_graphql::Error::new(message).extend_with(|_, ext| ext.set("code", code::UNAUTHENTICATED))
}

/// The signed-in user, or `UNAUTHENTICATED` for anyone else (anonymous, a partner token, a
/// preview link): the one check every newsroom-only field makes.
pub(crate) fn signed_in(ctx: &Context<'_>) -> Result<(bantin_domain::UserId, Role)> {
    match caller(ctx) {
        Caller::User { id, role } => Ok((*id, *role)),
        _ => Err(unauthenticated(
            "sign in first: send an access token from `login` as `Authorization: Bearer ...`",
        )),
    }
}

/// The signed-in user, when their role may see unpublished articles: `UNAUTHENTICATED` for anyone
/// not signed in, `FORBIDDEN` for a role that may not.
pub(crate) fn drafts_viewer(ctx: &Context<'_>) -> Result<(bantin_domain::UserId, Role)> {
    let (user, role) = signed_in(ctx)?;
    editorial::authorize(role, Action::ViewDrafts, None).map_err(graphql_error)?;
    Ok((user, role))
}

/// The newsroom's view of articles (of `status`, or of any) for the caller: editors see all,
/// writers their own.
pub(crate) fn newsroom_visibility(
    ctx: &Context<'_>,
    status: Option<bantin_domain::ArticleStatus>,
) -> Result<bantin_domain::Visibility> {
    let (user, role) = drafts_viewer(ctx)?;
    let created_by = (role == Role::Writer).then_some(user);
    Ok(bantin_domain::Visibility::Newsroom { status, created_by })
}

fn article_id(id: &ID) -> Result<ArticleId> {
    id.parse::<i64>()
        .map(ArticleId)
        .map_err(|_| graphql_error(Error::invalid("id", format!("'{}' is not an article id", id.as_str()))))
}

/// The article with this id in any status, or `NOT_FOUND`.
async fn existing_article(state: &AppState, id: ArticleId) -> Result<Article> {
    state
        .newsroom
        .article_by_id(id)
        .await
        .map_err(graphql_error)?
        .ok_or_else(|| graphql_error(Error::not_found("article", id.to_string())))
}

/// Checks `action` on `article` for the signed-in user. A writer asking about someone else's
/// article is told it does not exist, as for any article they may not see.
async fn authorized_article(
    ctx: &Context<'_>,
    id: ArticleId,
    action: Action,
) -> Result<(Article, bantin_domain::UserId)> {
    let (user, role) = signed_in(ctx)?;
    let article = existing_article(state(ctx)?, id).await?;
    let own = article.created_by == Some(user);
    if role == Role::Writer && !own {
        return Err(graphql_error(Error::not_found("article", id.to_string())));
    }
    editorial::authorize(role, action, Some(Target { own, status: article.status }))
        .map_err(graphql_error)?;
    Ok((article, user))
}

fn object(state: &AppState, article: Article) -> Result<ArticleObject> {
    ArticleObject::list(state, vec![article])
        .pop()
        .ok_or_else(|| graphql_error(Error::Unexpected("an article vanished".to_owned())))
}

async fn lifecycle(
    ctx: &Context<'_>,
    id: ID,
    revision: i32,
    action: Action,
    change: ArticleChange,
) -> Result<ArticleObject> {
    let id = article_id(&id)?;
    let (before, user) = authorized_article(ctx, id, action).await?;
    let state = state(ctx)?;
    // Read what the article shows in before the change: it may leave a section, tag or byline.
    let stale_before = if state.purge.enabled() {
        purge::article_keys(state.content.as_ref(), &before).await
    } else {
        [].into()
    };
    let article = state.newsroom.change_article(id, revision, change, user).await.map_err(graphql_error)?;
    tracing::info!(article.id = %id, user.id = %user, action = ?action, "article changed");
    if state.purge.enabled() {
        let mut stale = purge::article_keys(state.content.as_ref(), &article).await;
        stale.extend(stale_before);
        state.purge.purge(stale);
    }
    object(state, article)
}

async fn category_id(
    content: &dyn ContentReader,
    slug: &str,
    field: &str,
) -> bantin_domain::Result<CategoryId> {
    content
        .category_by_slug(slug)
        .await?
        .map(|c| c.id)
        .ok_or_else(|| Error::invalid(field, format!("no category has the slug {}", quoted(slug))))
}

async fn tag_ids(content: &dyn ContentReader, slugs: &[String]) -> bantin_domain::Result<Vec<TagId>> {
    resolve_slugs("tags", "tag", slugs, |slug| async move {
        Ok(content.tag_by_slug(slug).await?.map(|tag| tag.id))
    })
    .await
}

async fn author_ids(content: &dyn ContentReader, slugs: &[String]) -> bantin_domain::Result<Vec<AuthorId>> {
    resolve_slugs("authors", "author", slugs, |slug| async move {
        Ok(content.author_by_slug(slug).await?.map(|author| author.id))
    })
    .await
}

/// Ids for the slugs an editor linked, in their order without repeats; an unknown slug is the
/// editor's mistake and names the field.
async fn resolve_slugs<'a, Id, Lookup, Found>(
    field: &str,
    noun: &str,
    slugs: &'a [String],
    lookup: Lookup,
) -> bantin_domain::Result<Vec<Id>>
where
    Id: PartialEq,
    Lookup: Fn(&'a str) -> Found,
    Found: std::future::Future<Output = bantin_domain::Result<Option<Id>>>,
{
    if slugs.len() > MAX_LINKS {
        return Err(Error::invalid(field, format!("at most {MAX_LINKS} {field}")));
    }
    let mut ids = Vec::with_capacity(slugs.len());
    for slug in slugs {
        let id = lookup(slug)
            .await?
            .ok_or_else(|| Error::invalid(field, format!("no {noun} has the slug {}", quoted(slug))))?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

fn valid_slug(slug: &str) -> bantin_domain::Result<Slug> {
    Slug::parse(slug.trim())
}

/// Validated content for a new article.
async fn draft(
    state: &AppState,
    user: &User,
    input: CreateArticleInput,
) -> bantin_domain::Result<ArticleDraft> {
    let title = editorial::validate_title(&input.title)?;
    let (slug, slug_given) = match input.slug.as_deref() {
        Some(slug) => (valid_slug(slug)?.into_string(), true),
        None => (slugify(&title, "bai-viet").into_string(), false),
    };
    let sapo = editorial::validate_sapo(&input.sapo)?;
    let body = inputs::body(input.body)?;
    editorial::validate_body(&body)?;
    let cover = input.cover.map(inputs::ImageInput::into_cover).transpose()?;
    if let Some(cover) = &cover {
        editorial::validate_cover(cover)?;
    }
    let content = state.content.as_ref();
    let author_ids = match input.authors {
        Some(slugs) => author_ids(content, &slugs).await?,
        None => user.author_id.into_iter().collect(),
    };
    Ok(ArticleDraft {
        content: ArticleContent {
            title,
            slug,
            sapo,
            body,
            cover,
            category_id: category_id(content, &input.category, "category").await?,
            author_ids,
            tag_ids: tag_ids(content, &input.tags).await?,
        },
        slug_given,
    })
}

async fn patch(state: &AppState, input: UpdateArticleInput) -> bantin_domain::Result<ArticlePatch> {
    let content = state.content.as_ref();
    let body = input.body.map(inputs::body).transpose()?;
    if let Some(body) = &body {
        editorial::validate_body(body)?;
    }
    let cover = match input.cover {
        async_graphql::MaybeUndefined::Undefined => None,
        async_graphql::MaybeUndefined::Null => Some(None),
        async_graphql::MaybeUndefined::Value(image) => {
            let cover = image.into_cover()?;
            editorial::validate_cover(&cover)?;
            Some(Some(cover))
        }
    };
    Ok(ArticlePatch {
        title: input.title.as_deref().map(editorial::validate_title).transpose()?,
        slug: input.slug.as_deref().map(valid_slug).transpose()?,
        sapo: input.sapo.as_deref().map(editorial::validate_sapo).transpose()?,
        body,
        cover,
        category_id: match input.category.as_deref() {
            Some(slug) => Some(category_id(content, slug, "category").await?),
            None => None,
        },
        author_ids: match input.authors.as_deref() {
            Some(slugs) => Some(author_ids(content, slugs).await?),
            None => None,
        },
        tag_ids: match input.tags.as_deref() {
            Some(slugs) => Some(tag_ids(content, slugs).await?),
            None => None,
        },
    })
}

/// A newsroom member.
#[derive(SimpleObject)]
#[graphql(name = "User")]
pub struct UserObject {
    id: ID,
    email: String,
    display_name: String,
    role: RoleValue,
    disabled: bool,
    /// Slug of the author profile bylines show for this user.
    author_slug: Option<String>,
}

#[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "Role")]
pub enum RoleValue {
    Admin,
    Editor,
    Writer,
}

impl From<RoleValue> for Role {
    fn from(role: RoleValue) -> Self {
        match role {
            RoleValue::Admin => Role::Admin,
            RoleValue::Editor => Role::Editor,
            RoleValue::Writer => Role::Writer,
        }
    }
}

impl From<Role> for RoleValue {
    fn from(role: Role) -> Self {
        match role {
            Role::Admin => RoleValue::Admin,
            Role::Editor => RoleValue::Editor,
            Role::Writer => RoleValue::Writer,
        }
    }
}

impl UserObject {
    /// `authors` holds the user's author, if it has one.
    fn new(user: User, authors: &HashMap<AuthorId, Author>) -> UserObject {
        UserObject {
            id: ID(user.id.to_string()),
            author_slug: user.author_id.and_then(|id| authors.get(&id)).map(|author| author.slug.clone()),
            email: user.email,
            display_name: user.display_name,
            role: user.role.into(),
            disabled: user.disabled,
        }
    }
}

async fn user_object(state: &AppState, user: User) -> Result<UserObject> {
    let authors = state.content.authors_by_id(user.author_id.as_slice()).await.map_err(graphql_error)?;
    Ok(UserObject::new(user, &authors))
}

/// The users as GraphQL objects, their authors read in one query.
async fn user_objects(state: &AppState, users: Vec<User>) -> Result<Vec<UserObject>> {
    let author_ids: Vec<AuthorId> = users.iter().filter_map(|user| user.author_id).collect();
    let authors = state.content.authors_by_id(&author_ids).await.map_err(graphql_error)?;
    Ok(users.into_iter().map(|user| UserObject::new(user, &authors)).collect())
}

/// What `login` and `refresh` return.
#[derive(SimpleObject)]
pub struct AuthPayload {
    /// Send as `Authorization: Bearer ...`; short-lived.
    access_token: String,
    /// Exchange with `refresh` for a new pair when the access token expires; works once.
    refresh_token: String,
    /// When the access token expires.
    expires_at: DateTime<Utc>,
    user: UserObject,
}

async fn issue_session(state: &AppState, user: User) -> Result<AuthPayload> {
    let now = Utc::now();
    let lifetimes = state.config.tokens;
    let access = state
        .keys
        .sign(&Claims::access(user.id.0, user.role, lifetimes.access, now))
        .map_err(|err| graphql_error(Error::Unexpected(format!("signing an access token: {err}"))))?;
    let (refresh, refresh_hash) = new_opaque_token();
    state
        .newsroom
        .store_refresh_token(user.id, &refresh_hash, now + lifetimes.refresh)
        .await
        .map_err(graphql_error)?;
    Ok(AuthPayload {
        access_token: access,
        refresh_token: refresh,
        expires_at: now + lifetimes.access,
        user: user_object(state, user).await?,
    })
}

/// A stored revision of an article.
pub struct RevisionObject(Revision);

#[Object(name = "Revision")]
impl RevisionObject {
    async fn revision(&self) -> i32 {
        self.0.revision
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// Id of the user who made the change.
    async fn user_id(&self) -> Option<ID> {
        self.0.user_id.map(|u| ID(u.to_string()))
    }

    /// The fields that changed, or the lifecycle step (`created`, `publish`, `schedule` ...).
    async fn changed(&self) -> &[String] {
        &self.0.changed
    }

    async fn status(&self) -> ArticleStatusValue {
        self.0.status.into()
    }

    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.0.published_at
    }

    async fn title(&self) -> &str {
        &self.0.content.title
    }

    async fn slug(&self) -> &str {
        &self.0.content.slug
    }

    async fn sapo(&self) -> &str {
        &self.0.content.sapo
    }

    async fn body(&self) -> Vec<BlockValue> {
        self.0.content.body.0.iter().cloned().map(BlockValue::from).collect()
    }
}

/// A partner's token, as admins list it (the token itself is shown once, when issued).
#[derive(SimpleObject)]
#[graphql(name = "PartnerToken")]
pub struct PartnerTokenObject {
    id: ID,
    name: String,
    scopes: Vec<String>,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    revoked_at: Option<DateTime<Utc>>,
}

impl From<PartnerToken> for PartnerTokenObject {
    fn from(t: PartnerToken) -> Self {
        PartnerTokenObject {
            id: ID(t.id.to_string()),
            name: t.name,
            scopes: t.scopes,
            created_at: t.created_at,
            expires_at: t.expires_at,
            revoked_at: t.revoked_at,
        }
    }
}

#[derive(SimpleObject)]
pub struct IssuedPartnerToken {
    /// Give this to the partner; it is not shown again.
    token: String,
    partner_token: PartnerTokenObject,
}

#[derive(SimpleObject)]
pub struct PreviewLink {
    /// Pass as `Authorization: Bearer ...` to read this one article in any status.
    token: String,
    expires_at: DateTime<Utc>,
}

fn admin_only(ctx: &Context<'_>, action: Action) -> Result<bantin_domain::UserId> {
    let (user, role) = signed_in(ctx)?;
    editorial::authorize(role, action, None).map_err(graphql_error)?;
    Ok(user)
}

/// Newsroom reads.
#[derive(Default)]
pub struct NewsroomQuery;

#[Object]
impl NewsroomQuery {
    /// The signed-in user; `null` for anonymous callers.
    async fn me(&self, ctx: &Context<'_>) -> Result<Option<UserObject>> {
        let Caller::User { id, .. } = caller(ctx) else { return Ok(None) };
        let state = state(ctx)?;
        match state.newsroom.user(*id).await.map_err(graphql_error)? {
            Some(user) => Ok(Some(user_object(state, user).await?)),
            None => Ok(None),
        }
    }

    /// An article by id: public ones for everyone; others for those who may see them (editors,
    /// their writer, a preview link for it).
    async fn article_by_id(&self, ctx: &Context<'_>, id: ID) -> Result<Option<ArticleObject>> {
        let id = article_id(&id)?;
        let state = state(ctx)?;
        let Some(article) = state.newsroom.article_by_id(id).await.map_err(graphql_error)? else {
            return Ok(None);
        };
        if article.is_public_at(Utc::now()) || caller(ctx).may_preview(article.id, article.created_by) {
            return Ok(Some(object(state, article)?));
        }
        Ok(None)
    }

    /// Every stored revision of an article, newest first.
    async fn article_revisions(&self, ctx: &Context<'_>, id: ID) -> Result<Vec<RevisionObject>> {
        let id = article_id(&id)?;
        authorized_article(ctx, id, Action::ViewDrafts).await?;
        let revisions = state(ctx)?.newsroom.revisions(id).await.map_err(graphql_error)?;
        Ok(revisions.into_iter().map(RevisionObject).collect())
    }

    /// Every newsroom user (admins).
    async fn users(&self, ctx: &Context<'_>) -> Result<Vec<UserObject>> {
        admin_only(ctx, Action::ManageUsers)?;
        let state = state(ctx)?;
        user_objects(state, state.newsroom.users().await.map_err(graphql_error)?).await
    }

    /// Partner tokens, newest first (admins).
    async fn partner_tokens(&self, ctx: &Context<'_>) -> Result<Vec<PartnerTokenObject>> {
        admin_only(ctx, Action::ManagePartnerTokens)?;
        let tokens = state(ctx)?.newsroom.partner_tokens().await.map_err(graphql_error)?;
        Ok(tokens.into_iter().map(Into::into).collect())
    }
}

/// Every write.
#[derive(Default)]
pub struct NewsroomMutation;

#[Object]
impl NewsroomMutation {
    /// Signs in. Wrong e-mail and wrong password give the same error, in the same time.
    async fn login(&self, ctx: &Context<'_>, email: String, password: String) -> Result<AuthPayload> {
        let state = state(ctx)?;
        let credentials = state.newsroom.user_credentials(&email).await.map_err(graphql_error)?;
        let (user, hash) = match credentials {
            Some((user, hash)) => (Some(user), Some(hash)),
            None => (None, None),
        };
        // argon2 takes tens of milliseconds of CPU: keep it off the async workers.
        let matches = actix_web::web::block(move || verify_password(&password, hash.as_deref()))
            .await
            .map_err(|err| graphql_error(Error::Unexpected(format!("password check failed: {err}"))))?;
        match user {
            Some(user) if matches && !user.disabled => {
                tracing::info!(user.id = %user.id, "signed in");
                issue_session(state, user).await
            }
            _ => Err(unauthenticated("wrong e-mail or password")),
        }
    }

    /// Exchanges a refresh token for a new access and refresh token; the old one stops working.
    async fn refresh(&self, ctx: &Context<'_>, refresh_token: String) -> Result<AuthPayload> {
        let state = state(ctx)?;
        let (next, next_hash) = new_opaque_token();
        let now = Utc::now();
        let user = state
            .newsroom
            .rotate_refresh_token(
                &hash_opaque_token(&refresh_token),
                &next_hash,
                now + state.config.tokens.refresh,
                now,
            )
            .await
            .map_err(graphql_error)?
            .ok_or_else(|| {
                unauthenticated("the refresh token is not valid (expired, used or revoked); sign in again")
                    .extend_with(|_, ext| ext.set("reason", crate::auth::TOKEN_INVALID))
            })?;
        let access = state
            .keys
            .sign(&Claims::access(user.id.0, user.role, state.config.tokens.access, now))
            .map_err(|err| graphql_error(Error::Unexpected(format!("signing an access token: {err}"))))?;
        Ok(AuthPayload {
            access_token: access,
            refresh_token: next,
            expires_at: now + state.config.tokens.access,
            user: user_object(state, user).await?,
        })
    }

    /// Ends a session: the refresh token stops working. Access tokens expire on their own.
    async fn logout(&self, ctx: &Context<'_>, refresh_token: String) -> Result<bool> {
        let state = state(ctx)?;
        state
            .newsroom
            .revoke_refresh_token(&hash_opaque_token(&refresh_token), Utc::now())
            .await
            .map_err(graphql_error)?;
        Ok(true)
    }

    /// Starts a draft.
    async fn create_article(&self, ctx: &Context<'_>, input: CreateArticleInput) -> Result<ArticleObject> {
        let (user_id, role) = signed_in(ctx)?;
        editorial::authorize(role, Action::CreateArticle, None).map_err(graphql_error)?;
        let state = state(ctx)?;
        let user = state
            .newsroom
            .user(user_id)
            .await
            .map_err(graphql_error)?
            .ok_or_else(|| unauthenticated("the signed-in user no longer exists"))?;
        let draft = draft(state, &user, input).await.map_err(graphql_error)?;
        let article = state.newsroom.create_article(draft, user_id).await.map_err(graphql_error)?;
        tracing::info!(article.id = %article.id, user.id = %user_id, "article created");
        object(state, article)
    }

    /// Changes content. `revision` is the one you read; if someone saved since, this fails with
    /// `CONFLICT` (and `extensions.currentRevision`) and changes nothing. A new `slug` keeps the
    /// old one working: it finds the article (GraphQL) or redirects to it (REST, 301).
    async fn update_article(
        &self,
        ctx: &Context<'_>,
        id: ID,
        revision: i32,
        input: UpdateArticleInput,
    ) -> Result<ArticleObject> {
        let patch = patch(state(ctx)?, input).await.map_err(graphql_error)?;
        lifecycle(ctx, id, revision, Action::EditArticle, ArticleChange::Edit(Box::new(patch))).await
    }

    /// A writer hands a draft to the desk.
    async fn submit_article(&self, ctx: &Context<'_>, id: ID, revision: i32) -> Result<ArticleObject> {
        lifecycle(ctx, id, revision, Action::SubmitArticle, ArticleChange::Submit).await
    }

    /// Publishes now (keeps the original publication time when fixing a published article).
    async fn publish_article(&self, ctx: &Context<'_>, id: ID, revision: i32) -> Result<ArticleObject> {
        lifecycle(ctx, id, revision, Action::PublishArticle, ArticleChange::Publish).await
    }

    /// Publishes at `at` (in the future); the article appears on its own at that time.
    async fn schedule_article(
        &self,
        ctx: &Context<'_>,
        id: ID,
        revision: i32,
        at: DateTime<Utc>,
    ) -> Result<ArticleObject> {
        lifecycle(ctx, id, revision, Action::ScheduleArticle, ArticleChange::Schedule { at }).await
    }

    /// Takes a published or scheduled article back to draft.
    async fn unpublish_article(&self, ctx: &Context<'_>, id: ID, revision: i32) -> Result<ArticleObject> {
        lifecycle(ctx, id, revision, Action::UnpublishArticle, ArticleChange::Unpublish).await
    }

    async fn archive_article(&self, ctx: &Context<'_>, id: ID, revision: i32) -> Result<ArticleObject> {
        lifecycle(ctx, id, revision, Action::ArchiveArticle, ArticleChange::Archive).await
    }

    /// Soft-deletes (admins): gone from every surface, revisions kept.
    async fn delete_article(&self, ctx: &Context<'_>, id: ID, revision: i32) -> Result<bool> {
        lifecycle(ctx, id, revision, Action::DeleteArticle, ArticleChange::Delete).await.map(|_| true)
    }

    /// Puts the content of revision `to_revision` back, as a new revision. Tags merged since come
    /// back as the tag they were merged into; tags and authors deleted since are left out; if its
    /// section was deleted, the article keeps its current one.
    async fn restore_revision(
        &self,
        ctx: &Context<'_>,
        id: ID,
        revision: i32,
        to_revision: i32,
    ) -> Result<ArticleObject> {
        lifecycle(
            ctx,
            id,
            revision,
            Action::RestoreRevision,
            ArticleChange::Restore { revision: to_revision },
        )
        .await
    }

    /// Pins articles (by slug, in order) at the top of an article's related list; `[]` unpins.
    async fn set_related_pins(
        &self,
        ctx: &Context<'_>,
        id: ID,
        slugs: Vec<String>,
    ) -> Result<Vec<ArticleObject>> {
        let id = article_id(&id)?;
        authorized_article(ctx, id, Action::PublishArticle).await?;
        if slugs.len() > crate::rest::MAX_RELATED as usize {
            return Err(graphql_error(Error::invalid(
                "slugs",
                format!("at most {} pins", crate::rest::MAX_RELATED),
            )));
        }
        let state = state(ctx)?;
        let mut pinned = Vec::with_capacity(slugs.len());
        for slug in &slugs {
            let article =
                state.newsroom.article_by_slug_any_status(slug).await.map_err(graphql_error)?.ok_or_else(
                    || {
                        graphql_error(Error::invalid(
                            "slugs",
                            format!("no article has the slug {}", quoted(slug)),
                        ))
                    },
                )?;
            if article.id == id {
                return Err(graphql_error(Error::invalid("slugs", "an article cannot be related to itself")));
            }
            if !pinned.contains(&article.id) {
                pinned.push(article.id);
            }
        }
        state.newsroom.set_related_pins(id, &pinned).await.map_err(graphql_error)?;
        state.purge.purge([format!("article-{id}"), "related".to_owned()].into());
        let article = existing_article(state, id).await?;
        let related =
            crate::related::public(state, &article, crate::rest::MAX_RELATED).await.map_err(graphql_error)?;
        Ok(ArticleObject::list(state, related))
    }

    /// A read-only link token for one article (for a frontend's preview page).
    async fn preview_token(&self, ctx: &Context<'_>, id: ID) -> Result<PreviewLink> {
        let id = article_id(&id)?;
        let (_, user) = authorized_article(ctx, id, Action::ViewDrafts).await?;
        let state = state(ctx)?;
        let now = Utc::now();
        let ttl = state.config.tokens.preview;
        let token = state
            .keys
            .sign(&Claims::preview(user.0, id.0, ttl, now))
            .map_err(|err| graphql_error(Error::Unexpected(format!("signing a preview token: {err}"))))?;
        Ok(PreviewLink { token, expires_at: now + ttl })
    }

    async fn create_category(
        &self,
        ctx: &Context<'_>,
        name: String,
        slug: Option<String>,
        description: Option<String>,
        #[graphql(desc = "Slug of the parent section.")] parent: Option<String>,
    ) -> Result<CategoryObject> {
        admin_only(ctx, Action::ManageTaxonomy)?;
        let state = state(ctx)?;
        let name = taxonomy_name(&name)?;
        let slug = taxonomy_slug(slug.as_deref(), &name)?;
        let parent = match parent.as_deref() {
            Some(p) => Some(category_id(state.content.as_ref(), p, "parent").await.map_err(graphql_error)?),
            None => None,
        };
        let category = state
            .newsroom
            .create_category(NewCategory { slug, name, description, parent })
            .await
            .map_err(graphql_error)?;
        Ok(CategoryObject::new(category))
    }

    async fn rename_category(&self, ctx: &Context<'_>, slug: String, name: String) -> Result<CategoryObject> {
        admin_only(ctx, Action::ManageTaxonomy)?;
        let state = state(ctx)?;
        let id = category_id(state.content.as_ref(), &slug, "slug").await.map_err(graphql_error)?;
        let category =
            state.newsroom.rename_category(id, &taxonomy_name(&name)?).await.map_err(graphql_error)?;
        state.purge.purge_everything();
        Ok(CategoryObject::new(category))
    }

    /// Deletes a section no article or sub-section uses.
    async fn delete_category(&self, ctx: &Context<'_>, slug: String) -> Result<bool> {
        admin_only(ctx, Action::ManageTaxonomy)?;
        let state = state(ctx)?;
        let id = category_id(state.content.as_ref(), &slug, "slug").await.map_err(graphql_error)?;
        state.newsroom.delete_category(id).await.map_err(graphql_error)?;
        state.purge.purge_everything();
        Ok(true)
    }

    async fn create_tag(&self, ctx: &Context<'_>, name: String, slug: Option<String>) -> Result<TagObject> {
        admin_only(ctx, Action::ManageTaxonomy)?;
        let name = taxonomy_name(&name)?;
        let slug = taxonomy_slug(slug.as_deref(), &name)?;
        let tag = state(ctx)?.newsroom.create_tag(NewTag { slug, name }).await.map_err(graphql_error)?;
        Ok(TagObject(tag))
    }

    async fn rename_tag(&self, ctx: &Context<'_>, slug: String, name: String) -> Result<TagObject> {
        admin_only(ctx, Action::ManageTaxonomy)?;
        let state = state(ctx)?;
        let id = tag_ids(state.content.as_ref(), &[slug]).await.map_err(graphql_error)?;
        let id = id.first().copied().ok_or_else(|| graphql_error(Error::invalid("slug", "unknown tag")))?;
        let tag = state.newsroom.rename_tag(id, &taxonomy_name(&name)?).await.map_err(graphql_error)?;
        state.purge.purge_everything();
        Ok(TagObject(tag))
    }

    /// Moves every article tagged `from` to `into` and deletes `from`. Links to `from` keep
    /// working: `tag(slug:)`, the `tag` filter and its feeds lead to `into` from now.
    async fn merge_tags(&self, ctx: &Context<'_>, from: String, into: String) -> Result<TagObject> {
        admin_only(ctx, Action::ManageTaxonomy)?;
        let state = state(ctx)?;
        let content = state.content.as_ref();
        let from_id = content.tag_by_slug(&from).await.map_err(graphql_error)?;
        let from_id = from_id
            .ok_or_else(|| graphql_error(Error::invalid("from", format!("no tag has the slug '{from}'"))))?;
        let into_id = content.tag_by_slug(&into).await.map_err(graphql_error)?;
        let into_id = into_id
            .ok_or_else(|| graphql_error(Error::invalid("into", format!("no tag has the slug '{into}'"))))?;
        let tag = state.newsroom.merge_tags(from_id.id, into_id.id).await.map_err(graphql_error)?;
        state.purge.purge_everything();
        Ok(TagObject(tag))
    }

    /// Deletes a tag no article uses.
    async fn delete_tag(&self, ctx: &Context<'_>, slug: String) -> Result<bool> {
        admin_only(ctx, Action::ManageTaxonomy)?;
        let state = state(ctx)?;
        let tag = state.content.tag_by_slug(&slug).await.map_err(graphql_error)?;
        let tag = tag.ok_or_else(|| {
            graphql_error(Error::invalid("slug", format!("no tag has the slug {}", quoted(&slug))))
        })?;
        state.newsroom.delete_tag(tag.id).await.map_err(graphql_error)?;
        state.purge.purge_everything();
        Ok(true)
    }

    async fn create_author(
        &self,
        ctx: &Context<'_>,
        name: String,
        slug: Option<String>,
        bio: Option<String>,
        avatar_url: Option<String>,
    ) -> Result<AuthorObject> {
        admin_only(ctx, Action::ManageTaxonomy)?;
        let name = taxonomy_name(&name)?;
        let slug = taxonomy_slug(slug.as_deref(), &name)?;
        if let Some(url) = &avatar_url {
            editorial::validate_url("avatarUrl", url).map_err(graphql_error)?;
        }
        let author = state(ctx)?
            .newsroom
            .create_author(NewAuthor { slug, name, bio, avatar_url })
            .await
            .map_err(graphql_error)?;
        Ok(AuthorObject(author))
    }

    async fn rename_author(&self, ctx: &Context<'_>, slug: String, name: String) -> Result<AuthorObject> {
        admin_only(ctx, Action::ManageTaxonomy)?;
        let state = state(ctx)?;
        let ids = author_ids(state.content.as_ref(), &[slug]).await.map_err(graphql_error)?;
        let id =
            ids.first().copied().ok_or_else(|| graphql_error(Error::invalid("slug", "unknown author")))?;
        let author = state.newsroom.rename_author(id, &taxonomy_name(&name)?).await.map_err(graphql_error)?;
        state.purge.purge_everything();
        Ok(AuthorObject(author))
    }

    /// Deletes an author no byline names.
    async fn delete_author(&self, ctx: &Context<'_>, slug: String) -> Result<bool> {
        admin_only(ctx, Action::ManageTaxonomy)?;
        let state = state(ctx)?;
        let ids = author_ids(state.content.as_ref(), &[slug]).await.map_err(graphql_error)?;
        let id =
            ids.first().copied().ok_or_else(|| graphql_error(Error::invalid("slug", "unknown author")))?;
        state.newsroom.delete_author(id).await.map_err(graphql_error)?;
        state.purge.purge_everything();
        Ok(true)
    }

    /// Creates a newsroom user (admins). The password must be at least 12 characters.
    async fn create_user(
        &self,
        ctx: &Context<'_>,
        email: String,
        display_name: String,
        role: RoleValue,
        password: String,
        #[graphql(desc = "Slug of the author profile the user writes as.")] author: Option<String>,
    ) -> Result<UserObject> {
        admin_only(ctx, Action::ManageUsers)?;
        let state = state(ctx)?;
        let email = email.trim().to_lowercase();
        if !email.contains('@') || email.len() > 254 {
            return Err(graphql_error(Error::invalid("email", "is not an e-mail address")));
        }
        if password.chars().count() < MIN_PASSWORD_CHARS {
            return Err(graphql_error(Error::invalid(
                "password",
                format!("must be at least {MIN_PASSWORD_CHARS} characters"),
            )));
        }
        let author_id = match author.as_deref() {
            Some(slug) => author_ids(state.content.as_ref(), &[slug.to_owned()])
                .await
                .map_err(graphql_error)?
                .first()
                .copied(),
            None => None,
        };
        let password_hash = actix_web::web::block(move || crate::auth::hash_password(&password))
            .await
            .map_err(|err| graphql_error(Error::Unexpected(format!("hashing a password: {err}"))))?
            .map_err(|err| graphql_error(Error::Unexpected(format!("hashing a password: {err}"))))?;
        let user = state
            .newsroom
            .create_user(bantin_domain::NewUser {
                email,
                display_name: taxonomy_name(&display_name)?,
                role: role.into(),
                author_id,
                password_hash,
            })
            .await
            .map_err(graphql_error)?;
        user_object(state, user).await
    }

    /// Disables (or re-enables) a user: a disabled user's tokens stop working at once.
    async fn set_user_disabled(&self, ctx: &Context<'_>, id: ID, disabled: bool) -> Result<UserObject> {
        let me = admin_only(ctx, Action::ManageUsers)?;
        let id = id.parse::<i64>().map_err(|_| graphql_error(Error::invalid("id", "is not a user id")))?;
        if disabled && id == me.0 {
            return Err(graphql_error(Error::invalid("id", "you cannot disable yourself")));
        }
        let state = state(ctx)?;
        let user = state
            .newsroom
            .set_user_disabled(bantin_domain::UserId(id), disabled)
            .await
            .map_err(graphql_error)?;
        user_object(state, user).await
    }

    /// Issues a named token for a partner (admins). Scopes: `feeds:full`, `api:read`.
    async fn issue_partner_token(
        &self,
        ctx: &Context<'_>,
        name: String,
        scopes: Vec<String>,
        expires_at: DateTime<Utc>,
    ) -> Result<IssuedPartnerToken> {
        let user = admin_only(ctx, Action::ManagePartnerTokens)?;
        let name = taxonomy_name(&name)?;
        if scopes.is_empty() || scopes.iter().any(|s| !PARTNER_SCOPES.contains(&s.as_str())) {
            return Err(graphql_error(Error::invalid(
                "scopes",
                format!("give one or more of {}", PARTNER_SCOPES.join(", ")),
            )));
        }
        let now = Utc::now();
        if expires_at <= now || expires_at > now + chrono::TimeDelta::days(PARTNER_TOKEN_MAX_DAYS) {
            return Err(graphql_error(Error::invalid(
                "expiresAt",
                format!("must be in the future and at most {PARTNER_TOKEN_MAX_DAYS} days away"),
            )));
        }
        let state = state(ctx)?;
        let stored = state
            .newsroom
            .create_partner_token(&name, &scopes, expires_at, user)
            .await
            .map_err(graphql_error)?;
        let token = state
            .keys
            .sign(&Claims::partner(stored.id, stored.scopes.clone(), stored.expires_at, now))
            .map_err(|err| graphql_error(Error::Unexpected(format!("signing a partner token: {err}"))))?;
        tracing::info!(partner_token.id = stored.id, "partner token issued");
        Ok(IssuedPartnerToken { token, partner_token: stored.into() })
    }

    /// Revokes a partner token; it stops working at once.
    async fn revoke_partner_token(&self, ctx: &Context<'_>, id: ID) -> Result<PartnerTokenObject> {
        admin_only(ctx, Action::ManagePartnerTokens)?;
        let token_id =
            id.parse::<i64>().map_err(|_| graphql_error(Error::invalid("id", "is not a token id")))?;
        let revoked =
            state(ctx)?.newsroom.revoke_partner_token(token_id, Utc::now()).await.map_err(graphql_error)?;
        revoked
            .map(Into::into)
            .ok_or_else(|| graphql_error(Error::not_found("partner token", id.to_string())))
    }
}

fn taxonomy_name(name: &str) -> Result<String> {
    editorial::validate_name(name).map_err(graphql_error)
}

fn taxonomy_slug(slug: Option<&str>, name: &str) -> Result<Slug> {
    match slug {
        Some(slug) => valid_slug(slug).map_err(graphql_error),
        None => {
            let generated = slugify(name, "");
            valid_slug(generated.as_str()).map_err(|_| {
                graphql_error(Error::invalid("slug", "the name has no letters to make a slug from; give one"))
            })
        }
    }
}
