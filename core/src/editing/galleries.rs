//! Creating, changing and deleting galleries: their title, slug, description, ordered
//! photos and cover photo. Each change is one transaction.

use std::collections::HashSet;

use chrono::Utc;
use entities::{article, gallery, gallery_photo, photo};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};

use super::EditError;
use crate::auth::Actor;
use crate::changes::ContentChange;
use crate::domain::Slug;
use crate::store::ContentStore;

const MAX_TITLE_CHARS: usize = 300;
const MAX_DESCRIPTION_CHARS: usize = 5_000;
const MAX_PHOTOS: usize = 500;

/// What an editor sends; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct GalleryChanges {
    pub title: Option<String>,
    pub slug: Option<String>,
    /// `Some(None)` removes the description.
    pub description: Option<Option<String>>,
    /// The whole ordered list of photos: adds, removes and reorders at once.
    pub photo_ids: Option<Vec<i64>>,
    /// `Some(None)` goes back to the first photo as the cover.
    pub cover_photo_id: Option<Option<i64>>,
}

fn valid_title(title: &str) -> Result<String, EditError> {
    let title = title.trim();
    if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
        return Err(EditError::invalid(
            "title",
            format!("a title needs 1 to {MAX_TITLE_CHARS} characters"),
        ));
    }
    Ok(title.to_owned())
}

fn valid_description(description: Option<&str>) -> Result<Option<String>, EditError> {
    let Some(description) = description.map(str::trim).filter(|text| !text.is_empty()) else {
        return Ok(None);
    };
    if description.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(EditError::invalid(
            "description",
            format!("at most {MAX_DESCRIPTION_CHARS} characters"),
        ));
    }
    Ok(Some(description.to_owned()))
}

async fn free_slug(
    db: &impl ConnectionTrait,
    title: &str,
    wanted: Option<&str>,
    own_id: Option<i64>,
) -> Result<Slug, EditError> {
    let taken = |slug: String| async move {
        let mut query = gallery::Entity::find().filter(gallery::Column::Slug.eq(slug));
        if let Some(own_id) = own_id {
            query = query.filter(gallery::Column::Id.ne(own_id));
        }
        query.count(db).await.map(|count| count > 0)
    };
    if let Some(wanted) = wanted {
        let slug =
            Slug::parse(wanted).map_err(|error| EditError::invalid("slug", error.to_string()))?;
        if taken(slug.to_string()).await? {
            return Err(EditError::invalid("slug", "another gallery uses this slug"));
        }
        return Ok(slug);
    }
    let base =
        Slug::from_title(title).map_err(|error| EditError::invalid("title", error.to_string()))?;
    for suffix in 1..1_000 {
        let candidate = if suffix == 1 {
            base.to_string()
        } else {
            format!("{base}-{suffix}")
        };
        if !taken(candidate.clone()).await? {
            return Slug::parse(&candidate)
                .map_err(|error| EditError::invalid("slug", error.to_string()));
        }
    }
    Err(EditError::invalid(
        "slug",
        "no free slug for this title; give one",
    ))
}

/// Checks that every photo exists, once each, and that the cover is one of them.
async fn check_photos(
    db: &impl ConnectionTrait,
    photo_ids: &[i64],
    cover_photo_id: Option<i64>,
) -> Result<(), EditError> {
    if photo_ids.len() > MAX_PHOTOS {
        return Err(EditError::invalid(
            "photoIds",
            format!("a gallery holds at most {MAX_PHOTOS} photos"),
        ));
    }
    let unique: HashSet<i64> = photo_ids.iter().copied().collect();
    if unique.len() != photo_ids.len() {
        return Err(EditError::invalid("photoIds", "a photo appears twice"));
    }
    let found = photo::Entity::find()
        .filter(photo::Column::Id.is_in(unique.iter().copied()))
        .count(db)
        .await?;
    if found != unique.len() as u64 {
        return Err(EditError::invalid("photoIds", "no such photo"));
    }
    if let Some(cover) = cover_photo_id
        && !unique.contains(&cover)
    {
        return Err(EditError::invalid(
            "coverPhotoId",
            "the cover must be one of the gallery's photos",
        ));
    }
    Ok(())
}

async fn set_photos(
    db: &impl ConnectionTrait,
    gallery_id: i64,
    photo_ids: &[i64],
) -> Result<(), EditError> {
    gallery_photo::Entity::delete_many()
        .filter(gallery_photo::Column::GalleryId.eq(gallery_id))
        .exec(db)
        .await?;
    for (position, photo_id) in (0..).zip(photo_ids) {
        gallery_photo::ActiveModel {
            gallery_id: Set(gallery_id),
            photo_id: Set(*photo_id),
            position: Set(position),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// The gallery's photo ids in order.
pub async fn photo_ids(db: &impl ConnectionTrait, gallery_id: i64) -> Result<Vec<i64>, EditError> {
    Ok(gallery_photo::Entity::find()
        .filter(gallery_photo::Column::GalleryId.eq(gallery_id))
        .order_by_asc(gallery_photo::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|place| place.photo_id)
        .collect())
}

/// Any account may make a gallery.
pub async fn create(
    store: &ContentStore,
    actor: &Actor,
    changes: GalleryChanges,
) -> Result<gallery::Model, EditError> {
    let db = store.db();
    let title = valid_title(changes.title.as_deref().unwrap_or_default())?;
    let description = valid_description(changes.description.flatten().as_deref())?;
    let photo_ids = changes.photo_ids.unwrap_or_default();
    let cover_photo_id = changes.cover_photo_id.flatten();
    let transaction = crate::db::begin_write(db).await?;
    let slug = free_slug(&transaction, &title, changes.slug.as_deref(), None).await?;
    check_photos(&transaction, &photo_ids, cover_photo_id).await?;
    let now = Utc::now();
    let created = gallery::ActiveModel {
        slug: Set(slug.to_string()),
        title: Set(title),
        description: Set(description),
        created_at: Set(now),
        updated_at: Set(now),
        cover_photo_id: Set(cover_photo_id),
        created_by: Set(Some(actor.account_id)),
        ..Default::default()
    }
    .insert(&transaction)
    .await?;
    set_photos(&transaction, created.id, &photo_ids).await?;
    store
        .commit(transaction, ContentChange::Gallery(created.id))
        .await?;
    Ok(created)
}

/// Changes a gallery; authors only their own.
pub async fn update(
    store: &ContentStore,
    actor: &Actor,
    gallery_id: i64,
    changes: GalleryChanges,
) -> Result<gallery::Model, EditError> {
    let db = store.db();
    let transaction = crate::db::begin_write(db).await?;
    let found = gallery_actor_may_edit(
        &transaction,
        actor,
        gallery_id,
        "authors change only galleries they made",
    )
    .await?;
    let title = match changes.title.as_deref() {
        Some(title) => valid_title(title)?,
        None => found.title.clone(),
    };
    let photo_ids = match changes.photo_ids {
        Some(photo_ids) => photo_ids,
        None => photo_ids(&transaction, gallery_id).await?,
    };
    let cover_photo_id = match changes.cover_photo_id {
        Some(cover) => cover,
        // A cover that left the gallery stops being the cover.
        None => found
            .cover_photo_id
            .filter(|cover| photo_ids.contains(cover)),
    };
    check_photos(&transaction, &photo_ids, cover_photo_id).await?;
    let mut changed: gallery::ActiveModel = found.clone().into();
    if let Some(slug) = changes.slug.as_deref() {
        changed.slug = Set(
            free_slug(&transaction, &title, Some(slug), Some(gallery_id))
                .await?
                .to_string(),
        );
    }
    if let Some(description) = changes.description {
        changed.description = Set(valid_description(description.as_deref())?);
    }
    changed.title = Set(title);
    changed.cover_photo_id = Set(cover_photo_id);
    changed.updated_at = Set(Utc::now());
    let updated = changed.update(&transaction).await?;
    set_photos(&transaction, gallery_id, &photo_ids).await?;
    // Captions are part of the search documents of the articles that show the gallery.
    crate::search::outbox::enqueue_articles_using_gallery(&transaction, gallery_id).await?;
    store
        .commit(transaction, ContentChange::Gallery(updated.id))
        .await?;
    Ok(updated)
}

/// The gallery, if the actor may change it (editors any, authors their own);
/// `forbidden` says what an author may not do.
async fn gallery_actor_may_edit(
    transaction: &impl ConnectionTrait,
    actor: &Actor,
    gallery_id: i64,
    forbidden: &'static str,
) -> Result<gallery::Model, EditError> {
    let found = gallery::Entity::find_by_id(gallery_id)
        .one(transaction)
        .await?
        .ok_or(EditError::NotFound("gallery"))?;
    if !actor
        .role
        .can_edit_media(actor.account_id, found.created_by)
    {
        return Err(EditError::Forbidden(forbidden));
    }
    Ok(found)
}

/// Deletes a gallery that no article links (its photos stay).
pub async fn delete(store: &ContentStore, actor: &Actor, gallery_id: i64) -> Result<(), EditError> {
    let db = store.db();
    let transaction = crate::db::begin_write(db).await?;
    gallery_actor_may_edit(
        &transaction,
        actor,
        gallery_id,
        "authors delete only galleries they made",
    )
    .await?;
    let linked = article::Entity::find()
        .filter(article::Column::GalleryId.eq(gallery_id))
        .count(&transaction)
        .await?;
    if linked > 0 {
        return Err(EditError::Conflict(format!(
            "{linked} articles show this gallery; unlink it from them first"
        )));
    }
    gallery::Entity::delete_by_id(gallery_id)
        .exec(&transaction)
        .await?;
    store
        .commit(transaction, ContentChange::Gallery(gallery_id))
        .await?;
    Ok(())
}
