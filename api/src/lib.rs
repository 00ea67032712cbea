//! The Kronika server: GraphQL API, HTTP routes, configuration and the `kronika` command.
//!
//! This is the only crate that knows poem and async-graphql. It composes the others:
//! `entities` for tables, `migration` for the schema. Everything starts at
//! [`App::build`], which both `main` and the end-to-end tests use, so the tests run the
//! same server a user runs. Rules about content live in [`domain`] and never import HTTP
//! or GraphQL types.

pub mod app;
pub mod auth;
pub mod change_webhook;
pub mod cli;
pub mod config;
pub mod content;
pub mod content_changes;
pub mod db;
pub mod demo;
pub mod domain;
pub mod editing;
pub mod graphql;
pub mod http;
pub mod images;
pub mod metrics;
pub mod rate_limit;
pub mod readiness;
pub mod replica_lock;
pub mod search;
pub mod storage;
pub mod views;

pub use app::App;
pub use config::Config;
