//! Reading and writing content in the database: the SQL behind the API.
//!
//! Functions here speak sea-orm and domain types, never GraphQL. Every public read goes
//! through a function that applies the visibility rule: readers see only PUBLISHED articles,
//! and only the galleries and photos such articles show (`galleries`).

pub mod article_list;
pub mod article_pages;
pub mod attachments;
pub mod cursor;
pub mod galleries;
pub mod photo_library;
pub mod photos;
pub mod relations;
pub mod syndication;
pub mod taxonomy;
pub mod title_terms;
pub mod views;
pub mod write;

use entities::{article, article_path, article_slug};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::domain::{ArticleStatus, Role};

/// The condition every public read of articles carries.
pub fn published_only() -> Condition {
    Condition::all().add(article::Column::Status.eq(ArticleStatus::Published))
}

/// Whose eyes a read is for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Audience {
    /// Readers: published articles only.
    #[default]
    Public,
    /// Editors and admins: every article.
    Staff,
    /// An author: published articles and their own, whatever the status.
    Author { account_id: i64 },
}

impl Audience {
    pub fn of(account: Option<(i64, Role)>) -> Self {
        match account {
            None => Self::Public,
            Some((_, role)) if role.sees_all_articles() => Self::Staff,
            Some((account_id, _)) => Self::Author { account_id },
        }
    }

    /// The audience of a logged-in account (or an API token acting for one).
    pub fn of_actor(actor: &crate::auth::Actor) -> Self {
        Self::of(Some((actor.account_id, actor.role)))
    }

    pub(crate) fn condition(self) -> Condition {
        match self {
            Self::Public => published_only(),
            Self::Staff => Condition::all(),
            Self::Author { account_id } => Condition::any()
                .add(published_only())
                .add(article::Column::CreatedBy.eq(account_id)),
        }
    }
}

/// An article by its slug as `audience` may see it, or `None`. A slug the article had
/// before a rename still finds it; the article's current slug lets a frontend redirect.
pub async fn article_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
    audience: Audience,
) -> Result<Option<article::Model>, DbErr> {
    let current = article::Entity::find()
        .filter(audience.condition())
        .filter(article::Column::Slug.eq(slug))
        .one(db)
        .await?;
    if current.is_some() {
        return Ok(current);
    }
    let Some(article_id) = former_slug_owner(db, slug).await? else {
        return Ok(None);
    };
    article_by_id(db, article_id, audience).await
}

/// The id of the article that had `slug` before a rename, whatever its status.
pub async fn former_slug_owner(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<Option<i64>, DbErr> {
    let former = article_slug::Entity::find_by_id(slug.to_owned())
        .one(db)
        .await?;
    Ok(former.map(|former| former.article_id))
}

/// The article an address of the old site showed (recorded by an import), as
/// `audience` may see it, or `None`. `path` is the path with its query (`/?p=12`,
/// `/aktualnosci/nabor.html`); a whole URL is reduced to that first, so a frontend may
/// pass what it was asked for either way.
pub async fn article_by_path(
    db: &impl ConnectionTrait,
    path: &str,
    audience: Audience,
) -> Result<Option<article::Model>, DbErr> {
    let Some(path) = old_site_path(path) else {
        return Ok(None);
    };
    let Some(found) = article_path::Entity::find_by_id(path).one(db).await? else {
        return Ok(None);
    };
    article_by_id(db, found.article_id, audience).await
}

/// The path-and-query of an address: `https://old.example.pl/a/b?x=1#top` and `/a/b?x=1`
/// both give `/a/b?x=1`. `None` for text that is no path.
pub fn old_site_path(address: &str) -> Option<String> {
    let address = address.trim();
    let without_origin = match address.split_once("://") {
        Some((_, rest)) => &rest[rest.find('/').unwrap_or(rest.len())..],
        None => address,
    };
    let without_fragment = without_origin.split('#').next().unwrap_or_default();
    let path = if without_fragment.is_empty() {
        "/"
    } else {
        without_fragment
    };
    path.starts_with('/').then(|| path.to_owned())
}

/// An article by its id as `audience` may see it, or `None`.
pub async fn article_by_id(
    db: &impl ConnectionTrait,
    id: i64,
    audience: Audience,
) -> Result<Option<article::Model>, DbErr> {
    article::Entity::find()
        .filter(audience.condition())
        .filter(article::Column::Id.eq(id))
        .one(db)
        .await
}

#[cfg(test)]
mod tests {
    use super::old_site_path;

    #[test]
    fn an_old_address_is_reduced_to_its_path_and_query() {
        assert_eq!(
            old_site_path("https://old.example.pl/aktualnosci/nabor.html?id=3#top").as_deref(),
            Some("/aktualnosci/nabor.html?id=3")
        );
        assert_eq!(old_site_path(" /?p=12 ").as_deref(), Some("/?p=12"));
        assert_eq!(old_site_path("http://old.example.pl").as_deref(), Some("/"));
        assert_eq!(old_site_path("nabor.html"), None);
    }
}
