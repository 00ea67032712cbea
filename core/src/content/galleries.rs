//! Galleries and photos as an audience may see them.
//!
//! A gallery or photo has no status of its own: it is made for an article, and it is
//! public exactly while a published article shows it (the article's gallery, and every
//! photo in that gallery). Until then its captions, alt texts and files are work in
//! progress, like the draft that will show them. Editors and admins see everything;
//! authors also what they made themselves.

use entities::{article, gallery, gallery_photo, photo};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::{Audience, published_only};

/// The condition every public read of galleries carries: a published article shows it.
pub fn public_galleries_only() -> Condition {
    Condition::all().add(
        gallery::Column::Id.in_subquery(
            Query::select()
                .column(article::Column::GalleryId)
                .from(article::Entity)
                .cond_where(published_only())
                .and_where(article::Column::GalleryId.is_not_null())
                .to_owned(),
        ),
    )
}

/// The condition every public read of photos carries: a gallery that a published
/// article shows holds it.
pub fn public_photos_only() -> Condition {
    Condition::all().add(
        photo::Column::Id.in_subquery(
            Query::select()
                .column((gallery_photo::Entity, gallery_photo::Column::PhotoId))
                .from(gallery_photo::Entity)
                .inner_join(
                    article::Entity,
                    Expr::col((article::Entity, article::Column::GalleryId))
                        .equals((gallery_photo::Entity, gallery_photo::Column::GalleryId)),
                )
                .cond_where(published_only())
                .to_owned(),
        ),
    )
}

impl Audience {
    /// Which galleries this audience may look up.
    pub(crate) fn gallery_condition(self) -> Condition {
        match self {
            Self::Public => public_galleries_only(),
            Self::Staff => Condition::all(),
            Self::Author { account_id } => Condition::any()
                .add(public_galleries_only())
                .add(gallery::Column::CreatedBy.eq(account_id)),
        }
    }

    /// Which photos this audience may look up.
    pub(crate) fn photo_condition(self) -> Condition {
        match self {
            Self::Public => public_photos_only(),
            Self::Staff => Condition::all(),
            Self::Author { account_id } => Condition::any()
                .add(public_photos_only())
                .add(photo::Column::UploadedBy.eq(account_id)),
        }
    }
}

/// A gallery by id as `audience` may see it, or `None`.
pub async fn gallery_by_id(
    db: &impl ConnectionTrait,
    id: i64,
    audience: Audience,
) -> Result<Option<gallery::Model>, DbErr> {
    gallery::Entity::find()
        .filter(audience.gallery_condition())
        .filter(gallery::Column::Id.eq(id))
        .one(db)
        .await
}

/// A gallery by slug as `audience` may see it, or `None`.
pub async fn gallery_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
    audience: Audience,
) -> Result<Option<gallery::Model>, DbErr> {
    gallery::Entity::find()
        .filter(audience.gallery_condition())
        .filter(gallery::Column::Slug.eq(slug))
        .one(db)
        .await
}

/// A photo by id as `audience` may see it, or `None`.
pub async fn photo_by_id(
    db: &impl ConnectionTrait,
    id: i64,
    audience: Audience,
) -> Result<Option<photo::Model>, DbErr> {
    photo::Entity::find()
        .filter(audience.photo_condition())
        .filter(photo::Column::Id.eq(id))
        .one(db)
        .await
}

/// The galleries `audience` may see, most recently changed first, at most `limit`: what an
/// editor chooses from for an article.
pub async fn recent_galleries(
    db: &impl ConnectionTrait,
    audience: Audience,
    limit: u64,
) -> Result<Vec<gallery::Model>, DbErr> {
    gallery::Entity::find()
        .filter(audience.gallery_condition())
        .order_by_desc(gallery::Column::UpdatedAt)
        .order_by_desc(gallery::Column::Id)
        .limit(limit)
        .all(db)
        .await
}
