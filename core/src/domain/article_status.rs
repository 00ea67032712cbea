//! The life cycle of an article. The status is a typed column of `entities::article`, so
//! the table and the rules share one type; what each status allows is decided in
//! `editing::lifecycle` and `content::published_only`.

pub use entities::article::ArticleStatus;
