//! The Kronika server: GraphQL API, HTTP routes, configuration and the `kronika` command.
//!
//! This is the only crate that knows poem and async-graphql. It is the edges around
//! `kronika_core` (the content core: domain rules, the content store, editing, views,
//! search outbox, images, storage) and their composition: [`App::build`], which both
//! `main` and the end-to-end tests use, so the tests run the same server a user runs.
//! Rules about content live in the core and never see HTTP or GraphQL types.

pub mod admin;
pub mod app;
pub mod change_webhook;
pub mod cli;
pub mod config;
pub mod graphql;
pub mod http;
pub mod metrics;
pub mod rate_limit;
pub mod readiness;
pub mod replica_lock;
pub mod search_engine;
pub mod sign_in;
pub mod site;

pub use app::App;
pub use config::Config;
