//! Kronika's content core: what content is and how it changes, with no HTTP and no
//! GraphQL.
//!
//! It owns the domain rules (`domain`), the content store's SQL (`content`, `db`), the
//! write side (`editing`, which reports every committed change through
//! `change_signal::ContentChanges`), who is asking (`auth`), view counting (`views`), the
//! search outbox and its worker (`search`), the photo pipeline (`images`) and media
//! storage (`storage`), the response cache's tag-indexed store (`response_cache`) and the
//! first-run demo content (`demo`). It must never depend on poem or async-graphql: the
//! edges (GraphQL, HTTP, the editors' application, the CLI) live in `api` and call the
//! services here, so that every edge gets the same rules.

pub mod attachments;
pub mod auth;
pub mod change_broadcast;
pub mod change_signal;
pub mod changes;
pub mod content;
pub mod db;
pub mod demo;
pub mod domain;
pub mod editing;
pub mod entity_cache;
pub mod images;
pub mod import;
pub mod metrics;
pub mod response_cache;
pub mod search;
pub mod settings;
pub mod storage;
pub mod store;
pub mod transfer;
pub mod views;
