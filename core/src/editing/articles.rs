//! Creating and editing articles.

use chrono::Utc;
use entities::{account, article, article_slug, article_tag, section, tag};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};

use super::attachments;
use super::revisions::{self, ArticleSnapshot, RevisionKind};
use super::{EditError, valid_text};
use crate::auth::Actor;
use crate::changes::ContentChange;
use crate::content::title_terms;
use crate::content::{Audience, galleries};
use crate::domain::{ArticleBody, ArticleStatus, BodyFormat, Slug};
use crate::store::ContentStore;

const MAX_TITLE_CHARS: usize = 300;
const MAX_LEAD_CHARS: usize = 2_000;
const MAX_BYLINE_CHARS: usize = 200;

/// What an editor sends; `None` leaves a field as it is (or at its default on creation).
#[derive(Clone, Debug, Default)]
pub struct ArticleChanges {
    pub section_id: Option<i64>,
    pub title: Option<String>,
    pub lead: Option<String>,
    pub body: Option<String>,
    pub body_format: BodyFormat,
    pub byline: Option<String>,
    pub tag_ids: Option<Vec<i64>>,
    pub slug: Option<String>,
    /// `Some(None)` removes the gallery.
    pub gallery_id: Option<Option<i64>>,
    /// The article's attachments in order; `Some(vec![])` removes them all.
    pub attachment_ids: Option<Vec<i64>>,
}

/// Whether an article counts as a draft for the purpose of who may edit it.
pub fn is_draft(article: &article::Model) -> bool {
    article.status == ArticleStatus::Draft
}

/// Creates a draft. `createdBy` is the acting account; the byline defaults to its name.
pub async fn create(
    store: &ContentStore,
    actor: &Actor,
    changes: ArticleChanges,
) -> Result<article::Model, EditError> {
    let db = store.db();
    let transaction = crate::db::begin_write(db).await?;
    let author = account::Entity::find_by_id(actor.account_id)
        .one(&transaction)
        .await?
        .ok_or(EditError::NotFound("account"))?;
    let section_id = changes
        .section_id
        .ok_or_else(|| EditError::invalid("sectionId", "an article needs a section"))?;
    let title = valid_title(changes.title.as_deref())?;
    let slug = match changes.slug.as_deref() {
        Some(slug) => hand_written_slug(&transaction, slug, None).await?,
        None => free_slug_for_title(&transaction, &title, None).await?,
    };
    check_references(
        &transaction,
        actor,
        Some(section_id),
        changes.tag_ids.as_deref(),
        changes.gallery_id.flatten(),
    )
    .await?;
    if let Some(attachment_ids) = changes.attachment_ids.as_deref() {
        attachments::check_attachment_ids(&transaction, actor, attachment_ids, &[]).await?;
    }
    let body = valid_body(
        changes.body.as_deref().unwrap_or_default(),
        changes.body_format,
    )?;
    let headings_json = body.headings_json();
    let now = Utc::now();
    let created = article::ActiveModel {
        slug: Set(slug.to_string()),
        section_id: Set(section_id),
        title: Set(title),
        lead: Set(valid_text(
            "lead",
            changes.lead.as_deref().unwrap_or_default(),
            MAX_LEAD_CHARS,
        )?),
        body_html: Set(body.html),
        body_text: Set(body.text),
        headings_json: Set(headings_json),
        byline: Set(match changes.byline.as_deref() {
            Some(byline) => valid_text("byline", byline, MAX_BYLINE_CHARS)?,
            None => author.display_name.clone(),
        }),
        created_by: Set(author.id),
        updated_by: Set(None),
        status: Set(ArticleStatus::Draft),
        published_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        gallery_id: Set(changes.gallery_id.flatten()),
        view_count: Set(0),
        version: Set(1),
        ..Default::default()
    }
    .insert(&transaction)
    .await?;
    title_terms::replace(&transaction, created.id, &created.title).await?;
    replace_tags(
        &transaction,
        created.id,
        changes.tag_ids.as_deref().unwrap_or_default(),
    )
    .await?;
    if let Some(attachment_ids) = changes.attachment_ids.as_deref() {
        attachments::replace_article_attachments(&transaction, created.id, attachment_ids).await?;
    }
    let after = ArticleSnapshot::of(&transaction, &created).await?;
    revisions::record(
        &transaction,
        created.id,
        Some(actor.account_id),
        RevisionKind::Created,
        None,
        &after,
    )
    .await?;
    store
        .commit(transaction, ContentChange::Article(created.id))
        .await?;
    Ok(created)
}

/// Changes an article if it is still at `expected_version`; otherwise nothing changes
/// and the caller learns of the conflict.
pub async fn update(
    store: &ContentStore,
    actor: &Actor,
    article_id: i64,
    changes: ArticleChanges,
    expected_version: i32,
) -> Result<article::Model, EditError> {
    let db = store.db();
    let transaction = crate::db::begin_write(db).await?;
    let current = load_editable(&transaction, actor, article_id).await?;
    if current.version != expected_version {
        return Err(EditError::Conflict(format!(
            "the article was changed meanwhile: it is at version {}, not {expected_version}",
            current.version
        )));
    }
    let before = ArticleSnapshot::of(&transaction, &current).await?;
    check_references(
        &transaction,
        actor,
        changes.section_id,
        changes.tag_ids.as_deref(),
        // The gallery the article shows already is not asked about again: an editor may
        // have chosen one the author cannot choose, and the author's next save keeps it.
        changes
            .gallery_id
            .flatten()
            .filter(|gallery_id| Some(*gallery_id) != current.gallery_id),
    )
    .await?;
    if let Some(attachment_ids) = changes.attachment_ids.as_deref() {
        attachments::check_attachment_ids(
            &transaction,
            actor,
            attachment_ids,
            &before.attachment_ids,
        )
        .await?;
    }

    let mut update = article::ActiveModel {
        id: Set(current.id),
        ..Default::default()
    };
    if let Some(title) = changes.title.as_deref() {
        update.title = Set(valid_title(Some(title))?);
    }
    if let Some(slug) = changes.slug.as_deref()
        && slug != current.slug
    {
        let slug = hand_written_slug(&transaction, slug, Some(current.id)).await?;
        keep_old_slug(&transaction, &current, &slug).await?;
        update.slug = Set(slug.to_string());
    }
    if let Some(lead) = changes.lead.as_deref() {
        update.lead = Set(valid_text("lead", lead, MAX_LEAD_CHARS)?);
    }
    if let Some(body) = changes.body.as_deref() {
        let body = valid_body(body, changes.body_format)?;
        update.headings_json = Set(body.headings_json());
        update.body_html = Set(body.html);
        update.body_text = Set(body.text);
    }
    if let Some(byline) = changes.byline.as_deref() {
        update.byline = Set(valid_text("byline", byline, MAX_BYLINE_CHARS)?);
    }
    if let Some(section_id) = changes.section_id {
        update.section_id = Set(section_id);
    }
    if let Some(gallery_id) = changes.gallery_id {
        update.gallery_id = Set(gallery_id);
    }
    let updated = save_new_version(&transaction, actor, update, expected_version).await?;
    if let Some(tag_ids) = changes.tag_ids.as_deref() {
        replace_tags(&transaction, updated.id, tag_ids).await?;
    }
    if let Some(attachment_ids) = changes.attachment_ids.as_deref() {
        attachments::replace_article_attachments(&transaction, updated.id, attachment_ids).await?;
    }
    let after = ArticleSnapshot::of(&transaction, &updated).await?;
    revisions::record(
        &transaction,
        updated.id,
        Some(actor.account_id),
        RevisionKind::Updated,
        Some(&before),
        &after,
    )
    .await?;
    store
        .commit(transaction, ContentChange::Article(updated.id))
        .await?;
    Ok(updated)
}

/// Loads an article the actor may edit, or says why not.
pub(super) async fn load_editable(
    db: &impl ConnectionTrait,
    actor: &Actor,
    article_id: i64,
) -> Result<article::Model, EditError> {
    let article = article::Entity::find_by_id(article_id)
        .one(db)
        .await?
        .ok_or(EditError::NotFound("article"))?;
    let may_see = actor.role.sees_all_articles()
        || article.created_by == actor.account_id
        || article.status == ArticleStatus::Published;
    if !may_see {
        // Another author's draft is not even acknowledged to exist.
        return Err(EditError::NotFound("article"));
    }
    if !actor
        .role
        .can_edit(actor.account_id, article.created_by, is_draft(&article))
    {
        return Err(EditError::Forbidden(
            "authors may change only their own drafts",
        ));
    }
    Ok(article)
}

/// Writes `update` as the next version, stamped with the actor, unless someone else
/// wrote a version first: the `version = expected` condition makes the check and the
/// write one atomic statement.
pub(super) async fn save_new_version(
    db: &impl ConnectionTrait,
    actor: &Actor,
    mut update: article::ActiveModel,
    expected_version: i32,
) -> Result<article::Model, EditError> {
    let article_id = match &update.id {
        sea_orm::ActiveValue::Set(id) | sea_orm::ActiveValue::Unchanged(id) => *id,
        sea_orm::ActiveValue::NotSet => return Err(EditError::NotFound("article")),
    };
    update.id = sea_orm::ActiveValue::NotSet;
    let title_changes = update.title.is_set();
    update.version = Set(expected_version + 1);
    update.updated_by = Set(Some(actor.account_id));
    update.updated_at = Set(Utc::now());
    let result = article::Entity::update_many()
        .set(update)
        .filter(article::Column::Id.eq(article_id))
        .filter(article::Column::Version.eq(expected_version))
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Err(EditError::Conflict(
            "the article was changed meanwhile; reload it and try again".to_owned(),
        ));
    }
    let saved = article::Entity::find_by_id(article_id)
        .one(db)
        .await?
        .ok_or(EditError::NotFound("article"))?;
    // Every title change goes through here (editing, restoring a revision), so the
    // editors' finder always looks at the title as saved.
    if title_changes {
        title_terms::replace(db, saved.id, &saved.title).await?;
    }
    Ok(saved)
}

fn valid_title(title: Option<&str>) -> Result<String, EditError> {
    let title = title.map(str::trim).unwrap_or_default();
    if title.is_empty() {
        return Err(EditError::invalid("title", "an article needs a title"));
    }
    valid_text("title", title, MAX_TITLE_CHARS)
}

fn valid_body(body: &str, format: BodyFormat) -> Result<ArticleBody, EditError> {
    ArticleBody::from_untrusted(body, format)
        .map_err(|error| EditError::invalid("body", error.to_string()))
}

/// Refuses references to rows that do not exist, and a gallery the actor may not see:
/// through the article, its photos would reach the actor (an author would see another
/// author's unpublished gallery). The answer is the same as for a missing gallery.
async fn check_references(
    db: &impl ConnectionTrait,
    actor: &Actor,
    section_id: Option<i64>,
    tag_ids: Option<&[i64]>,
    gallery_id: Option<i64>,
) -> Result<(), EditError> {
    if let Some(section_id) = section_id
        && section::Entity::find_by_id(section_id)
            .one(db)
            .await?
            .is_none()
    {
        return Err(EditError::invalid("sectionId", "no such section"));
    }
    if let Some(tag_ids) = tag_ids {
        let mut unique = tag_ids.to_vec();
        unique.sort_unstable();
        unique.dedup();
        let found = tag::Entity::find()
            .filter(tag::Column::Id.is_in(unique.iter().copied()))
            .count(db)
            .await?;
        if found != unique.len() as u64 {
            return Err(EditError::invalid("tagIds", "no such tag"));
        }
    }
    if let Some(gallery_id) = gallery_id
        && galleries::gallery_by_id(db, gallery_id, Audience::of_actor(actor))
            .await?
            .is_none()
    {
        return Err(EditError::invalid("galleryId", "no such gallery"));
    }
    Ok(())
}

pub(crate) async fn replace_tags(
    db: &impl ConnectionTrait,
    article_id: i64,
    tag_ids: &[i64],
) -> Result<(), EditError> {
    article_tag::Entity::delete_many()
        .filter(article_tag::Column::ArticleId.eq(article_id))
        .exec(db)
        .await?;
    let mut unique = tag_ids.to_vec();
    unique.sort_unstable();
    unique.dedup();
    for tag_id in unique {
        article_tag::ActiveModel {
            article_id: Set(article_id),
            tag_id: Set(tag_id),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Whether a slug is used by another article, now or before.
async fn slug_taken(
    db: &impl ConnectionTrait,
    slug: &str,
    except_article: Option<i64>,
) -> Result<bool, EditError> {
    let mut current = article::Entity::find().filter(article::Column::Slug.eq(slug));
    let mut former = article_slug::Entity::find().filter(article_slug::Column::Slug.eq(slug));
    if let Some(article_id) = except_article {
        current = current.filter(article::Column::Id.ne(article_id));
        former = former.filter(article_slug::Column::ArticleId.ne(article_id));
    }
    Ok(current.count(db).await? > 0 || former.count(db).await? > 0)
}

async fn hand_written_slug(
    db: &impl ConnectionTrait,
    slug: &str,
    except_article: Option<i64>,
) -> Result<Slug, EditError> {
    let slug = Slug::parse(slug).map_err(|error| EditError::invalid("slug", error.to_string()))?;
    if slug_taken(db, slug.as_str(), except_article).await? {
        return Err(EditError::invalid("slug", "another article uses this slug"));
    }
    Ok(slug)
}

/// The slug of the title, or the first free `…-2`, `…-3`.
pub(crate) async fn free_slug_for_title(
    db: &impl ConnectionTrait,
    title: &str,
    except_article: Option<i64>,
) -> Result<Slug, EditError> {
    let base =
        Slug::from_title(title).map_err(|error| EditError::invalid("title", error.to_string()))?;
    if !slug_taken(db, base.as_str(), except_article).await? {
        return Ok(base);
    }
    for suffix in 2..1_000 {
        let candidate = Slug::parse(&format!("{base}-{suffix}"))
            .map_err(|error| EditError::invalid("title", error.to_string()))?;
        if !slug_taken(db, candidate.as_str(), except_article).await? {
            return Ok(candidate);
        }
    }
    Err(EditError::invalid(
        "slug",
        "no free slug for this title; give one",
    ))
}

/// A published article's old address must keep finding it after a rename.
async fn keep_old_slug(
    db: &impl ConnectionTrait,
    article: &article::Model,
    new_slug: &Slug,
) -> Result<(), EditError> {
    // Renaming back to a former slug makes it current again.
    article_slug::Entity::delete_many()
        .filter(article_slug::Column::Slug.eq(new_slug.as_str()))
        .filter(article_slug::Column::ArticleId.eq(article.id))
        .exec(db)
        .await?;
    if article.published_at.is_some() {
        article_slug::ActiveModel {
            slug: Set(article.slug.clone()),
            article_id: Set(article.id),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}
