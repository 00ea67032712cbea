//! The tables of Kronika as sea-orm entities, and the relations between them.
//!
//! This crate describes storage and nothing else: it holds no business rules (those live in
//! `api/src/domain`) and it is never imported by `migration`, so that a written migration
//! never changes when an entity does. Timestamps are stored in UTC; presentation in the
//! site's time zone happens at the API boundary.

pub mod access_token;
pub mod account;
pub mod article;
pub mod article_attachment;
pub mod article_path;
pub mod article_revision;
pub mod article_slug;
pub mod article_source;
pub mod article_tag;
pub mod article_title_term;
pub mod article_view_daily;
pub mod attachment;
pub mod gallery;
pub mod gallery_photo;
pub mod photo;
pub mod search_outbox;
pub mod section;
pub mod tag;
