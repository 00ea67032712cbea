//! Reading and writing content in the database: the SQL behind the API.
//!
//! Functions here speak sea-orm and domain types, never GraphQL. Every public read goes
//! through a function that applies the visibility rule: readers see only PUBLISHED articles,
//! and only the galleries and photos such articles show (`galleries`).

pub mod article_list;
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

use entities::{article, article_slug};
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
    let Some(former) = article_slug::Entity::find_by_id(slug.to_owned())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    article_by_id(db, former.article_id, audience).await
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
