//! Batched lookups of related rows, one statement per relation for any number of parents.
//! The GraphQL DataLoaders call these, which is what keeps lists free of N+1 queries.

use std::collections::HashMap;

use entities::{account, article_tag, gallery, gallery_photo, photo, section, tag};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

pub async fn sections_by_id(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, section::Model>, DbErr> {
    let rows = section::Entity::find()
        .filter(section::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|row| (row.id, row)).collect())
}

pub async fn accounts_by_id(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, account::Model>, DbErr> {
    let rows = account::Entity::find()
        .filter(account::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|row| (row.id, row)).collect())
}

/// Accounts by id as bylines show them: without their password hashes, which nothing
/// outside signing in needs and the entity cache must not keep.
pub async fn public_accounts_by_id(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, account::Model>, DbErr> {
    let mut accounts = accounts_by_id(db, ids).await?;
    for account in accounts.values_mut() {
        account.password_hash = None;
    }
    Ok(accounts)
}

pub async fn galleries_by_id(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, gallery::Model>, DbErr> {
    let rows = gallery::Entity::find()
        .filter(gallery::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|row| (row.id, row)).collect())
}

/// The tags of each article, by name. Articles without tags get an empty list.
pub async fn tags_by_article(
    db: &impl ConnectionTrait,
    article_ids: &[i64],
) -> Result<HashMap<i64, Vec<tag::Model>>, DbErr> {
    let rows = article_tag::Entity::find()
        .filter(article_tag::Column::ArticleId.is_in(article_ids.iter().copied()))
        .find_also_related(tag::Entity)
        .all(db)
        .await?;
    let mut tags: HashMap<i64, Vec<tag::Model>> =
        article_ids.iter().map(|id| (*id, Vec::new())).collect();
    for (link, tag) in rows {
        if let Some(tag) = tag {
            tags.entry(link.article_id).or_default().push(tag);
        }
    }
    for list in tags.values_mut() {
        sort_tags(list);
    }
    Ok(tags)
}

/// An article's tags in the order they are shown: by name, in code point order. Sorted
/// here rather than by SQL so that a list read from the database and one made in memory
/// from tag ids (the entity cache) agree, whatever the database's collation.
pub fn sort_tags(tags: &mut [tag::Model]) {
    tags.sort_by(|left, right| left.name.cmp(&right.name).then(left.id.cmp(&right.id)));
}

/// The photos of each gallery in gallery order. Empty galleries get an empty list.
pub async fn photos_by_gallery(
    db: &impl ConnectionTrait,
    gallery_ids: &[i64],
) -> Result<HashMap<i64, Vec<photo::Model>>, DbErr> {
    let rows = gallery_photo::Entity::find()
        .filter(gallery_photo::Column::GalleryId.is_in(gallery_ids.iter().copied()))
        .find_also_related(photo::Entity)
        .order_by_asc(gallery_photo::Column::Position)
        .all(db)
        .await?;
    let mut photos: HashMap<i64, Vec<photo::Model>> =
        gallery_ids.iter().map(|id| (*id, Vec::new())).collect();
    for (place, photo) in rows {
        if let Some(photo) = photo {
            photos.entry(place.gallery_id).or_default().push(photo);
        }
    }
    Ok(photos)
}

/// Section names by slug, for facet counts that carry slugs only.
pub async fn section_names_by_slug(
    db: &impl ConnectionTrait,
    slugs: &[String],
) -> Result<HashMap<String, String>, DbErr> {
    let rows = section::Entity::find()
        .filter(section::Column::Slug.is_in(slugs.iter().cloned()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|row| (row.slug, row.name)).collect())
}

/// Tag names by slug, for facet counts that carry slugs only.
pub async fn tag_names_by_slug(
    db: &impl ConnectionTrait,
    slugs: &[String],
) -> Result<HashMap<String, String>, DbErr> {
    let rows = tag::Entity::find()
        .filter(tag::Column::Slug.is_in(slugs.iter().cloned()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|row| (row.slug, row.name)).collect())
}
