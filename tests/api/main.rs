//! Black-box tests of the bantin server: each test starts the real application on a random port
//! against its own freshly migrated database and speaks HTTP to it.

// Test helpers fail the test loudly on any setup error; that is what expect is for here.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod auth;
mod caching;
mod changes;
mod cli;
mod cors;
mod durability;
mod editorial;
mod feeds;
mod former_slugs;
mod graphql;
mod hardening;
mod helpers;
mod limits;
mod nodes;
mod openapi;
mod pagination;
mod related;
mod rest;
mod schema;
mod search;
mod seed;
mod transfer;
mod visibility;
