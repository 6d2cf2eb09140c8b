//! bantin's database schema as an ordered list of sea-orm migrations, for SQLite and PostgreSQL
//! alike. `bantin migrate` applies them; `bantin serve` applies pending ones at start.
//!
//! Each migration names its own tables and columns instead of importing entities, so an applied
//! migration never changes when the entities do. Never edit an applied migration: add a new one.
//! This crate depends on sea-orm-migration only, never on bantin's other crates.

// `MigrationTrait` elides `SchemaManager`'s lifetime; naming it breaks the trait match.
#![allow(elided_lifetimes_in_paths)]

pub use sea_orm_migration::prelude::*;

mod m20261126_000001_create_content_tables;
mod m20261126_000002_create_editorial_tables;
mod m20261126_000003_create_search_index;
mod m20261126_000004_create_related_pins;
mod m20261126_000005_keep_search_vectors_inline;
mod m20261126_000006_create_search_headlines;
mod m20261126_000007_create_article_changes;
mod m20261129_000008_split_sqlite_search_index;
mod m20261129_000009_sqlite_article_body_last;
mod m20261129_000010_create_deferred_indexes;
mod m20261129_000011_postgres_lz4_compression;
mod m20261129_000012_create_postgres_deferred_indexes;
mod m20261130_000013_create_former_slugs;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_create_content_tables::Migration),
            Box::new(m20261126_000002_create_editorial_tables::Migration),
            Box::new(m20261126_000003_create_search_index::Migration),
            Box::new(m20261126_000004_create_related_pins::Migration),
            Box::new(m20261126_000005_keep_search_vectors_inline::Migration),
            Box::new(m20261126_000006_create_search_headlines::Migration),
            Box::new(m20261126_000007_create_article_changes::Migration),
            Box::new(m20261129_000008_split_sqlite_search_index::Migration),
            Box::new(m20261129_000009_sqlite_article_body_last::Migration),
            Box::new(m20261129_000010_create_deferred_indexes::Migration),
            Box::new(m20261129_000011_postgres_lz4_compression::Migration),
            Box::new(m20261129_000012_create_postgres_deferred_indexes::Migration),
            Box::new(m20261130_000013_create_former_slugs::Migration),
        ]
    }
}
