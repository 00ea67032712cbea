//! The rules of Kronika's content, free of HTTP, GraphQL and SQL.
//!
//! Types here are parsed once at the edge ("parse, don't validate"): a `Slug` is always
//! well-formed, an `ArticleBody` is always sanitised, and code past the edge trusts them.

pub mod accessibility;
pub mod article_status;
pub mod body;
pub mod role;
pub mod secrets;
pub mod slug;

pub use article_status::ArticleStatus;
pub use body::{ArticleBody, BodyFormat, Heading};
pub use role::Role;
pub use slug::{Slug, SlugError};
