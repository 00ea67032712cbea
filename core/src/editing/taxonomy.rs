//! Sections and tags: create, rename, and delete when nothing uses them.

use entities::{article, article_tag, section, tag};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

use super::EditError;
use crate::auth::Actor;
use crate::changes::ContentChange;
use crate::content::write;
use crate::domain::Slug;
use crate::search::outbox;
use crate::store::ContentStore;

const MAX_NAME_CHARS: usize = 100;

fn valid_name(name: &str) -> Result<String, EditError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(EditError::invalid(
            "name",
            format!("a name needs 1 to {MAX_NAME_CHARS} characters"),
        ));
    }
    Ok(name.to_owned())
}

fn slug_for(name: &str, slug: Option<&str>) -> Result<Slug, EditError> {
    match slug {
        Some(slug) => Slug::parse(slug),
        None => Slug::from_title(name),
    }
    .map_err(|error| EditError::invalid("slug", error.to_string()))
}

fn require_admin(actor: &Actor) -> Result<(), EditError> {
    if actor.role.is_admin() {
        Ok(())
    } else {
        Err(EditError::Forbidden("only admins change sections"))
    }
}

fn require_tag_manager(actor: &Actor) -> Result<(), EditError> {
    if actor.role.can_manage_tags() {
        Ok(())
    } else {
        Err(EditError::Forbidden("only editors and admins change tags"))
    }
}

pub async fn create_section(
    store: &ContentStore,
    actor: &Actor,
    name: &str,
    slug: Option<&str>,
) -> Result<section::Model, EditError> {
    let db = store.db();
    require_admin(actor)?;
    let name = valid_name(name)?;
    let slug = slug_for(&name, slug)?;
    if section::Entity::find()
        .filter(section::Column::Slug.eq(slug.as_str()))
        .count(db)
        .await?
        > 0
    {
        return Err(EditError::invalid("slug", "another section uses this slug"));
    }
    let position = i32::try_from(section::Entity::find().count(db).await?).unwrap_or(i32::MAX);
    let created = write::insert_section(db, &slug, &name, position).await?;
    store.committed(ContentChange::Taxonomy).await;
    Ok(created)
}

pub async fn rename_section(
    store: &ContentStore,
    actor: &Actor,
    section_id: i64,
    name: &str,
) -> Result<section::Model, EditError> {
    let db = store.db();
    require_admin(actor)?;
    let name = valid_name(name)?;
    let transaction = crate::db::begin_write(db).await?;
    let found = section::Entity::find_by_id(section_id)
        .one(&transaction)
        .await?
        .ok_or(EditError::NotFound("section"))?;
    let mut renamed: section::ActiveModel = found.into();
    renamed.name = Set(name);
    let renamed = renamed.update(&transaction).await?;
    // Search documents carry the section's name.
    outbox::enqueue_articles_in_section(&transaction, section_id).await?;
    store.commit(transaction, ContentChange::Taxonomy).await?;
    Ok(renamed)
}

/// Deletes a section that holds no article in any status (archived ones included, since
/// they can be restored into it).
pub async fn delete_section(
    store: &ContentStore,
    actor: &Actor,
    section_id: i64,
) -> Result<(), EditError> {
    let db = store.db();
    require_admin(actor)?;
    section::Entity::find_by_id(section_id)
        .one(db)
        .await?
        .ok_or(EditError::NotFound("section"))?;
    let articles = article::Entity::find()
        .filter(article::Column::SectionId.eq(section_id))
        .count(db)
        .await?;
    if articles > 0 {
        return Err(EditError::Conflict(format!(
            "the section still holds {articles} articles"
        )));
    }
    section::Entity::delete_by_id(section_id).exec(db).await?;
    store.committed(ContentChange::Taxonomy).await;
    Ok(())
}

pub async fn create_tag(
    store: &ContentStore,
    actor: &Actor,
    name: &str,
    slug: Option<&str>,
) -> Result<tag::Model, EditError> {
    let db = store.db();
    require_tag_manager(actor)?;
    let name = valid_name(name)?;
    let slug = slug_for(&name, slug)?;
    if tag::Entity::find()
        .filter(tag::Column::Slug.eq(slug.as_str()))
        .count(db)
        .await?
        > 0
    {
        return Err(EditError::invalid("slug", "another tag uses this slug"));
    }
    let created = write::insert_tag(db, &slug, &name).await?;
    store.committed(ContentChange::Taxonomy).await;
    Ok(created)
}

pub async fn rename_tag(
    store: &ContentStore,
    actor: &Actor,
    tag_id: i64,
    name: &str,
) -> Result<tag::Model, EditError> {
    let db = store.db();
    require_tag_manager(actor)?;
    let name = valid_name(name)?;
    let transaction = crate::db::begin_write(db).await?;
    let found = tag::Entity::find_by_id(tag_id)
        .one(&transaction)
        .await?
        .ok_or(EditError::NotFound("tag"))?;
    let mut renamed: tag::ActiveModel = found.into();
    renamed.name = Set(name);
    let renamed = renamed.update(&transaction).await?;
    // Search documents carry the tag's name.
    outbox::enqueue_articles_with_tag(&transaction, tag_id).await?;
    store.commit(transaction, ContentChange::Taxonomy).await?;
    Ok(renamed)
}

pub async fn delete_tag(store: &ContentStore, actor: &Actor, tag_id: i64) -> Result<(), EditError> {
    let db = store.db();
    require_tag_manager(actor)?;
    tag::Entity::find_by_id(tag_id)
        .one(db)
        .await?
        .ok_or(EditError::NotFound("tag"))?;
    let uses = article_tag::Entity::find()
        .filter(article_tag::Column::TagId.eq(tag_id))
        .count(db)
        .await?;
    if uses > 0 {
        return Err(EditError::Conflict(format!(
            "{uses} articles still carry the tag"
        )));
    }
    tag::Entity::delete_by_id(tag_id).exec(db).await?;
    store.committed(ContentChange::Taxonomy).await;
    Ok(())
}
