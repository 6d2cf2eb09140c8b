//! Editorial rules: what a valid article is, and which role may do what to which article.
//!
//! Every check here runs before anything is written, and each failure names the field and why.

use crate::{
    article::{ArticleStatus, CoverImage},
    blocks::{Block, Body},
    error::{Error, Result},
    user::Role,
};

pub const TITLE_MAX_CHARS: usize = 300;
pub const SAPO_MAX_CHARS: usize = 1_000;
/// Bounds that keep one article within what a page can show and a request can carry.
pub const BODY_MAX_BLOCKS: usize = 500;
pub const TEXT_MAX_CHARS: usize = 20_000;
pub const SHORT_TEXT_MAX_CHARS: usize = 1_000;
pub const URL_MAX_CHARS: usize = 2_048;
pub const LIST_MAX_ITEMS: usize = 200;
pub const SPANS_MAX: usize = 500;
pub const IMAGE_MAX_DIMENSION: u32 = 20_000;

fn chars(text: &str) -> usize {
    text.chars().count()
}

fn bounded(field: &str, text: &str, max: usize) -> Result<()> {
    if chars(text) > max {
        return Err(Error::invalid(field, format!("is longer than {max} characters")));
    }
    Ok(())
}

/// A title: trimmed, 1 to 300 characters.
pub fn validate_title(title: &str) -> Result<String> {
    let title = title.trim();
    if title.is_empty() {
        return Err(Error::invalid("title", "must not be empty"));
    }
    bounded("title", title, TITLE_MAX_CHARS)?;
    Ok(title.to_owned())
}

/// The longest name of a section, tag, author or user.
pub const NAME_MAX_CHARS: usize = 120;

/// A section's, tag's, author's or user's name: trimmed, 1 to [`NAME_MAX_CHARS`] characters.
pub fn validate_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || chars(name) > NAME_MAX_CHARS {
        return Err(Error::invalid("name", format!("must be 1 to {NAME_MAX_CHARS} characters")));
    }
    Ok(name.to_owned())
}

/// A sapo: trimmed, at most 1,000 characters (may be empty while drafting).
pub fn validate_sapo(sapo: &str) -> Result<String> {
    let sapo = sapo.trim();
    bounded("sapo", sapo, SAPO_MAX_CHARS)?;
    Ok(sapo.to_owned())
}

/// A link or media URL: absolute `http` or `https` only, so no `javascript:`, `data:` or other
/// scheme can reach a reader's browser.
pub fn validate_url(field: &str, url: &str) -> Result<()> {
    bounded(field, url, URL_MAX_CHARS)?;
    let lower = url.trim().to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.starts_with('/') && !url.chars().any(char::is_whitespace) => {
            Ok(())
        }
        _ => Err(Error::invalid(field, "must be an absolute http(s) URL")),
    }
}

fn validate_dimension(field: &str, value: Option<u32>) -> Result<()> {
    match value {
        Some(0) => Err(Error::invalid(field, "must be positive")),
        Some(v) if v > IMAGE_MAX_DIMENSION => {
            Err(Error::invalid(field, format!("must be at most {IMAGE_MAX_DIMENSION}")))
        }
        _ => Ok(()),
    }
}

fn validate_image(
    prefix: &str,
    src: &str,
    alt: &str,
    caption: Option<&str>,
    credit: Option<&str>,
    size: (Option<u32>, Option<u32>),
) -> Result<()> {
    validate_url(&format!("{prefix}.src"), src)?;
    bounded(&format!("{prefix}.alt"), alt, SHORT_TEXT_MAX_CHARS)?;
    if let Some(caption) = caption {
        bounded(&format!("{prefix}.caption"), caption, SHORT_TEXT_MAX_CHARS)?;
    }
    if let Some(credit) = credit {
        bounded(&format!("{prefix}.credit"), credit, SHORT_TEXT_MAX_CHARS)?;
    }
    validate_dimension(&format!("{prefix}.width"), size.0)?;
    validate_dimension(&format!("{prefix}.height"), size.1)
}

pub fn validate_cover(cover: &CoverImage) -> Result<()> {
    validate_image(
        "cover",
        &cover.src,
        &cover.alt,
        cover.caption.as_deref(),
        cover.credit.as_deref(),
        (cover.width, cover.height),
    )
}

/// Checks every block; errors name the block by index (`body[3].src`).
pub fn validate_body(body: &Body) -> Result<()> {
    if body.0.len() > BODY_MAX_BLOCKS {
        return Err(Error::invalid("body", format!("has more than {BODY_MAX_BLOCKS} blocks")));
    }
    for (index, block) in body.0.iter().enumerate() {
        let field = |name: &str| format!("body[{index}].{name}");
        match block {
            Block::Paragraph { spans } => {
                if spans.len() > SPANS_MAX {
                    return Err(Error::invalid(field("spans"), format!("has more than {SPANS_MAX} spans")));
                }
                let total: usize = spans.iter().map(|s| chars(&s.text)).sum();
                if total > TEXT_MAX_CHARS {
                    return Err(Error::invalid(
                        field("spans"),
                        format!("is longer than {TEXT_MAX_CHARS} characters"),
                    ));
                }
                for (span_index, span) in spans.iter().enumerate() {
                    if let Some(href) = &span.href {
                        validate_url(&format!("body[{index}].spans[{span_index}].href"), href)?;
                    }
                }
            }
            Block::Heading { level, text } => {
                if !(2..=4).contains(level) {
                    return Err(Error::invalid(field("level"), "must be 2, 3 or 4 (the title is level 1)"));
                }
                bounded(&field("text"), text, SHORT_TEXT_MAX_CHARS)?;
            }
            Block::Image { src, alt, caption, credit, width, height } => validate_image(
                &format!("body[{index}]"),
                src,
                alt,
                caption.as_deref(),
                credit.as_deref(),
                (*width, *height),
            )?,
            Block::Quote { text, cite } => {
                bounded(&field("text"), text, TEXT_MAX_CHARS)?;
                if let Some(cite) = cite {
                    bounded(&field("cite"), cite, SHORT_TEXT_MAX_CHARS)?;
                }
            }
            Block::List { items, .. } => {
                if items.len() > LIST_MAX_ITEMS {
                    return Err(Error::invalid(
                        field("items"),
                        format!("has more than {LIST_MAX_ITEMS} items"),
                    ));
                }
                for item in items {
                    bounded(&field("items"), item, TEXT_MAX_CHARS)?;
                }
            }
            Block::Embed { provider, url } => {
                bounded(&field("provider"), provider, 64)?;
                validate_url(&field("url"), url)?;
            }
        }
    }
    Ok(())
}

/// Something a newsroom member may try to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    CreateArticle,
    EditArticle,
    SubmitArticle,
    PublishArticle,
    ScheduleArticle,
    UnpublishArticle,
    ArchiveArticle,
    DeleteArticle,
    RestoreRevision,
    ViewDrafts,
    ManageTaxonomy,
    ManageUsers,
    ManagePartnerTokens,
}

impl Action {
    /// What the action does, for error messages.
    pub fn describe(self) -> &'static str {
        match self {
            Action::CreateArticle => "create articles",
            Action::EditArticle => "edit this article",
            Action::SubmitArticle => "submit this article",
            Action::PublishArticle => "publish articles",
            Action::ScheduleArticle => "schedule articles",
            Action::UnpublishArticle => "unpublish articles",
            Action::ArchiveArticle => "archive articles",
            Action::DeleteArticle => "delete articles",
            Action::RestoreRevision => "restore revisions of this article",
            Action::ViewDrafts => "see unpublished articles",
            Action::ManageTaxonomy => "manage sections, tags and authors",
            Action::ManageUsers => "manage users",
            Action::ManagePartnerTokens => "manage partner tokens",
        }
    }

    pub const ALL: [Action; 13] = [
        Action::CreateArticle,
        Action::EditArticle,
        Action::SubmitArticle,
        Action::PublishArticle,
        Action::ScheduleArticle,
        Action::UnpublishArticle,
        Action::ArchiveArticle,
        Action::DeleteArticle,
        Action::RestoreRevision,
        Action::ViewDrafts,
        Action::ManageTaxonomy,
        Action::ManageUsers,
        Action::ManagePartnerTokens,
    ];
}

/// The article an action targets, as far as permissions care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// Whether the acting user created the article.
    pub own: bool,
    pub status: ArticleStatus,
}

/// Whether `role` may do `action` to `target` (`None` for actions on no particular article).
///
/// Writers create articles and work on their own drafts (edit, submit, restore, preview);
/// editors run the desk: any article, publishing, taxonomy; admins also delete articles and
/// manage users and partner tokens.
pub fn permits(role: Role, action: Action, target: Option<Target>) -> bool {
    use Action::*;
    match role {
        Role::Admin => true,
        Role::Editor => !matches!(action, DeleteArticle | ManageUsers | ManagePartnerTokens),
        Role::Writer => match action {
            CreateArticle => true,
            ViewDrafts => target.is_none_or(|t| t.own),
            EditArticle | SubmitArticle | RestoreRevision => {
                target.is_some_and(|t| t.own && t.status == ArticleStatus::Draft)
            }
            _ => false,
        },
    }
}

/// [`permits`], as an error that says what is missing.
pub fn authorize(role: Role, action: Action, target: Option<Target>) -> Result<()> {
    if permits(role, action, target) {
        return Ok(());
    }
    use Action::*;
    let why = match (role, action, target) {
        (Role::Writer, PublishArticle | ScheduleArticle | UnpublishArticle | ArchiveArticle, _) => {
            "only editors and admins do this; submit the draft for review instead"
        }
        (Role::Writer, _, Some(t)) if !t.own => "writers may only work on their own articles",
        (Role::Writer, _, Some(_)) => "writers may only change their own drafts; ask an editor",
        (_, DeleteArticle | ManageUsers | ManagePartnerTokens, _) => "only admins do this",
        _ => "your role does not allow this",
    };
    Err(Error::Forbidden(format!("{role} may not {}: {why}", action.describe())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blocks::{Mark, Span};

    #[test]
    fn titles_are_trimmed_and_bounded() {
        assert_eq!(validate_title("  Bắc Giang  ").expect("valid"), "Bắc Giang");
        assert!(validate_title("   ").is_err());
        assert!(validate_title(&"đ".repeat(TITLE_MAX_CHARS)).is_ok(), "limits count characters, not bytes");
        let err = validate_title(&"a".repeat(TITLE_MAX_CHARS + 1)).expect_err("too long");
        assert!(matches!(err, Error::Validation { ref field, .. } if field == "title"));
        assert!(validate_sapo(&"a".repeat(SAPO_MAX_CHARS + 1)).is_err());
        assert_eq!(validate_sapo("").expect("empty sapo is a draft's right"), "");
    }

    #[test]
    fn only_absolute_http_urls_pass() {
        for good in ["https://img.example/a.jpg", "http://example.vn/x?y=1"] {
            assert!(validate_url("src", good).is_ok(), "{good}");
        }
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "data:image/png;base64,AAAA",
            "vbscript:x",
            "//evil.example/x.js",
            "/relative.jpg",
            "https://",
            "https:///path",
            "https://exa mple.com",
            "ftp://example.com/a",
        ] {
            let err = validate_url("body[0].src", bad).expect_err(bad);
            assert!(matches!(&err, Error::Validation { field, .. } if field == "body[0].src"), "{bad}");
        }
    }

    #[test]
    fn bodies_are_checked_block_by_block() {
        let link = |href: &str| {
            Body(vec![Block::Paragraph {
                spans: vec![Span { text: "xem".into(), marks: vec![Mark::Bold], href: Some(href.into()) }],
            }])
        };
        assert!(validate_body(&link("https://example.vn")).is_ok());
        let err = validate_body(&link("javascript:alert(1)")).expect_err("script link");
        assert!(matches!(&err, Error::Validation { field, .. } if field == "body[0].spans[0].href"), "{err}");

        let heading = |level| Body(vec![Block::Heading { level, text: "Tiêu đề".into() }]);
        assert!(validate_body(&heading(2)).is_ok() && validate_body(&heading(4)).is_ok());
        for level in [0, 1, 5] {
            let err = validate_body(&heading(level)).expect_err("bad level");
            assert!(matches!(&err, Error::Validation { field, .. } if field == "body[0].level"));
        }
        let image = Body(vec![
            Block::Paragraph { spans: vec![Span::plain("a")] },
            Block::Image {
                src: "data:image/png;base64,AAAA".into(),
                alt: String::new(),
                caption: None,
                credit: None,
                width: None,
                height: None,
            },
        ]);
        let err = validate_body(&image).expect_err("data url");
        assert!(matches!(&err, Error::Validation { field, .. } if field == "body[1].src"));
        let embed = Body(vec![Block::Embed { provider: "youtube".into(), url: "javascript:x".into() }]);
        assert!(validate_body(&embed).is_err());
        let too_many = Body(vec![Block::Heading { level: 2, text: "x".into() }; BODY_MAX_BLOCKS + 1]);
        assert!(validate_body(&too_many).is_err());
    }

    #[test]
    fn covers_need_a_safe_source_and_sane_dimensions() {
        let cover = |src: &str, width| CoverImage {
            src: src.into(),
            alt: "Ảnh".into(),
            caption: None,
            credit: None,
            width,
            height: Some(800),
        };
        assert!(validate_cover(&cover("https://img.example/c.jpg", Some(1200))).is_ok());
        assert!(validate_cover(&cover("javascript:x", Some(1200))).is_err());
        let err = validate_cover(&cover("https://img.example/c.jpg", Some(0))).expect_err("zero width");
        assert!(matches!(&err, Error::Validation { field, .. } if field == "cover.width"));
    }

    #[test]
    fn writers_work_only_on_their_own_drafts() {
        let own_draft = Some(Target { own: true, status: ArticleStatus::Draft });
        let own_published = Some(Target { own: true, status: ArticleStatus::Published });
        let others_draft = Some(Target { own: false, status: ArticleStatus::Draft });
        assert!(permits(Role::Writer, Action::CreateArticle, None));
        assert!(permits(Role::Writer, Action::EditArticle, own_draft));
        assert!(permits(Role::Writer, Action::SubmitArticle, own_draft));
        assert!(!permits(Role::Writer, Action::EditArticle, own_published));
        assert!(!permits(Role::Writer, Action::EditArticle, others_draft));
        assert!(!permits(Role::Writer, Action::ViewDrafts, others_draft));
        for action in
            [Action::PublishArticle, Action::ScheduleArticle, Action::DeleteArticle, Action::ManageTaxonomy]
        {
            assert!(!permits(Role::Writer, action, own_draft), "{action:?}");
        }
    }

    #[test]
    fn editors_run_the_desk_and_only_admins_delete_or_manage_people_and_tokens() {
        let any = Some(Target { own: false, status: ArticleStatus::Published });
        for action in Action::ALL {
            assert!(permits(Role::Admin, action, any), "admin {action:?}");
            let editor_may =
                !matches!(action, Action::DeleteArticle | Action::ManageUsers | Action::ManagePartnerTokens);
            assert_eq!(permits(Role::Editor, action, any), editor_may, "editor {action:?}");
        }
        let err = authorize(Role::Editor, Action::DeleteArticle, any).expect_err("editors do not delete");
        assert!(matches!(err, Error::Forbidden(_)));
    }
}
