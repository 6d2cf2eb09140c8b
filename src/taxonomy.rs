//! Sections, tags and authors by slug: what a job that brings content in (`bantin seed`,
//! `bantin import`) finds stored, and stores what is missing.

use std::collections::HashMap;

use anyhow::Context;
use bantin_domain::{AuthorId, CategoryId, ContentReader, NewAuthor, NewCategory, NewTag, TagId, text::Slug};
use bantin_persistence::Store;

/// A section to store, its parent named by slug.
#[derive(Debug, Clone)]
pub struct SectionSpec {
    pub slug: Slug,
    pub name: String,
    pub description: Option<String>,
    pub parent: Option<String>,
}

/// The stored ids of sections, tags and authors, by slug.
#[derive(Debug, Default)]
pub struct TaxonomyIds {
    pub categories: HashMap<String, CategoryId>,
    pub tags: HashMap<String, TagId>,
    pub authors: HashMap<String, AuthorId>,
}

impl TaxonomyIds {
    pub async fn read(store: &Store) -> anyhow::Result<TaxonomyIds> {
        Ok(TaxonomyIds {
            categories: store.categories().await?.into_iter().map(|c| (c.slug, c.id)).collect(),
            tags: store.tags().await?.into_iter().map(|t| (t.slug, t.id)).collect(),
            authors: store.authors().await?.into_iter().map(|a| (a.slug, a.id)).collect(),
        })
    }

    /// Stores the sections, tags and authors whose slugs are not stored yet; what is stored
    /// already stays as it is. Sections go in one transaction per level of the tree (a child
    /// needs its parent's id); a parent neither stored nor given is an error.
    pub async fn ensure(
        &mut self,
        store: &Store,
        sections: &[SectionSpec],
        tags: &[NewTag],
        authors: &[NewAuthor],
    ) -> anyhow::Result<()> {
        loop {
            let ready: Vec<NewCategory> = sections
                .iter()
                .filter(|spec| !self.categories.contains_key(spec.slug.as_str()))
                .filter_map(|spec| {
                    let parent = match &spec.parent {
                        Some(parent) => Some(*self.categories.get(parent)?),
                        None => None,
                    };
                    Some(NewCategory {
                        slug: spec.slug.clone(),
                        name: spec.name.clone(),
                        description: spec.description.clone(),
                        parent,
                    })
                })
                .collect();
            if ready.is_empty() {
                break;
            }
            let stored = store.insert_categories(&ready).await.context("storing sections")?;
            self.categories.extend(stored.into_iter().map(|c| (c.slug, c.id)));
        }
        if let Some(orphan) = sections.iter().find(|spec| !self.categories.contains_key(spec.slug.as_str())) {
            anyhow::bail!(
                "section '{}' names a parent '{}' that is neither stored nor given",
                orphan.slug,
                orphan.parent.as_deref().unwrap_or_default()
            );
        }
        let missing: Vec<_> =
            tags.iter().filter(|t| !self.tags.contains_key(t.slug.as_str())).cloned().collect();
        if !missing.is_empty() {
            let stored = store.insert_tags(&missing).await.context("storing tags")?;
            self.tags.extend(stored.into_iter().map(|t| (t.slug, t.id)));
        }
        let missing: Vec<_> =
            authors.iter().filter(|a| !self.authors.contains_key(a.slug.as_str())).cloned().collect();
        if !missing.is_empty() {
            let stored = store.insert_authors(&missing).await.context("storing authors")?;
            self.authors.extend(stored.into_iter().map(|a| (a.slug, a.id)));
        }
        Ok(())
    }
}

/// The id stored for `slug`.
pub fn id_of<Id: Copy>(ids: &HashMap<String, Id>, slug: &str) -> anyhow::Result<Id> {
    ids.get(slug)
        .copied()
        .with_context(|| format!("'{slug}' is not among the stored sections, tags or authors"))
}
