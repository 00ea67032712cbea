//! Moving articles through their life cycle: publish (now or on schedule), unpublish,
//! archive ("delete"), restore, and bringing back an earlier revision.

use chrono::{DateTime, Utc};
use entities::{article, article_revision, attachment, tag};
use sea_orm::sea_query::{LockBehavior, LockType};
use sea_orm::{ColumnTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use super::EditError;
use super::articles::{load_editable, replace_tags, save_new_version};
use super::attachments::replace_article_attachments;
use super::revisions::{self, ArticleSnapshot, RevisionKind};
use crate::auth::Actor;
use crate::changes::ContentChange;
use crate::domain::{ArticleStatus, accessibility};
use crate::store::ContentStore;

/// Publishes now (`at` is `None`), or schedules for a future `at`: the scheduler
/// publishes it when the time comes.
pub async fn publish(
    store: &ContentStore,
    actor: &Actor,
    article_id: i64,
    at: Option<DateTime<Utc>>,
) -> Result<article::Model, EditError> {
    if !actor.role.can_publish() {
        return Err(EditError::Forbidden("only editors and admins publish"));
    }
    let now = Utc::now();
    if let Some(at) = at
        && at <= now
    {
        return Err(EditError::invalid(
            "at",
            "a publication time must be in the future; leave it out to publish now",
        ));
    }
    require_alternative_texts(store, article_id).await?;
    transition(store, actor, article_id, |current| {
        if current.status == ArticleStatus::Archived {
            return Err(EditError::Conflict(
                "an archived article must be restored first".to_owned(),
            ));
        }
        if current.status == ArticleStatus::Published {
            return Err(EditError::Conflict(
                "the article is published already; unpublish it first to schedule it".to_owned(),
            ));
        }
        let (status, published_at, kind) = match at {
            Some(at) => (ArticleStatus::Scheduled, at, RevisionKind::Scheduled),
            // A republished article keeps its first publication date, as readers know it.
            None => (
                ArticleStatus::Published,
                current
                    .published_at
                    .filter(|_| current.status != ArticleStatus::Scheduled)
                    .unwrap_or(now),
                RevisionKind::Published,
            ),
        };
        let columns = article::ActiveModel {
            status: Set(status),
            published_at: Set(Some(published_at)),
            ..Default::default()
        };
        Ok(Transition::new(columns, kind))
    })
    .await
}

/// Refuses to publish an article the accessibility check blocks: a photo of its gallery
/// or an image of its body described by nothing a screen reader could read (WCAG 1.1.1).
/// The check's other findings are warnings the editor sees, not refusals.
async fn require_alternative_texts(store: &ContentStore, article_id: i64) -> Result<(), EditError> {
    let db = store.db();
    let Some(article) = article::Entity::find_by_id(article_id).one(db).await? else {
        return Ok(());
    };
    let findings = accessibility::check(&accessibility::of_article(db, &article).await?);
    let blocking: Vec<&str> = findings
        .iter()
        .filter(|finding| finding.is_blocking())
        .map(|finding| finding.message.as_str())
        .collect();
    if blocking.is_empty() {
        return Ok(());
    }
    Err(EditError::invalid("alt", blocking.join(" ")))
}

/// Takes a published or scheduled article back to draft.
pub async fn unpublish(
    store: &ContentStore,
    actor: &Actor,
    article_id: i64,
) -> Result<article::Model, EditError> {
    if !actor.role.can_publish() {
        return Err(EditError::Forbidden("only editors and admins unpublish"));
    }
    transition(store, actor, article_id, |current| {
        let scheduled = current.status == ArticleStatus::Scheduled;
        if current.status != ArticleStatus::Published && !scheduled {
            return Err(EditError::Conflict(
                "the article is not published".to_owned(),
            ));
        }
        let columns = article::ActiveModel {
            status: Set(ArticleStatus::Draft),
            // A schedule that is called off leaves no publication date behind.
            published_at: if scheduled {
                Set(None)
            } else {
                sea_orm::ActiveValue::NotSet
            },
            ..Default::default()
        };
        Ok(Transition::new(columns, RevisionKind::Unpublished))
    })
    .await
}

/// Archives an article: it disappears for readers and can be restored by an admin.
pub async fn archive(
    store: &ContentStore,
    actor: &Actor,
    article_id: i64,
) -> Result<article::Model, EditError> {
    transition(store, actor, article_id, |current| {
        if current.status == ArticleStatus::Archived {
            return Err(EditError::Conflict(
                "the article is already deleted".to_owned(),
            ));
        }
        if current.status != ArticleStatus::Draft && !actor.role.can_publish() {
            return Err(EditError::Forbidden(
                "authors may delete only their own drafts",
            ));
        }
        let columns = article::ActiveModel {
            status: Set(ArticleStatus::Archived),
            ..Default::default()
        };
        Ok(Transition::new(columns, RevisionKind::Archived))
    })
    .await
}

/// Brings an archived article back as a draft. Admins only.
pub async fn restore(
    store: &ContentStore,
    actor: &Actor,
    article_id: i64,
) -> Result<article::Model, EditError> {
    if !actor.role.is_admin() {
        return Err(EditError::Forbidden("only admins restore deleted articles"));
    }
    transition(store, actor, article_id, |current| {
        if current.status != ArticleStatus::Archived {
            return Err(EditError::Conflict("the article is not deleted".to_owned()));
        }
        let columns = article::ActiveModel {
            status: Set(ArticleStatus::Draft),
            ..Default::default()
        };
        Ok(Transition::new(columns, RevisionKind::Restored))
    })
    .await
}

/// Puts back the content an article had before `revision_id` (title, lead, body, byline,
/// section, gallery, tags, attachments; not its status or slug), as a new revision.
pub async fn restore_revision(
    store: &ContentStore,
    actor: &Actor,
    revision_id: i64,
) -> Result<article::Model, EditError> {
    let db = store.db();
    let revision = article_revision::Entity::find_by_id(revision_id)
        .one(db)
        .await?
        .ok_or(EditError::NotFound("revision"))?;
    let Some(previous) = revision.previous_state.as_deref() else {
        return Err(EditError::invalid(
            "revisionId",
            "the creation of an article has no earlier state",
        ));
    };
    let previous: ArticleSnapshot = serde_json::from_str(previous)
        .map_err(|error| EditError::Database(sea_orm::DbErr::Custom(error.to_string())))?;
    let existing_tags: Vec<i64> = tag::Entity::find()
        .filter(tag::Column::Id.is_in(previous.tag_ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|tag| tag.id)
        .collect();
    // Likewise attachments deleted since, keeping the order of the others.
    let still_there: Vec<i64> = attachment::Entity::find()
        .select_only()
        .column(attachment::Column::Id)
        .filter(attachment::Column::Id.is_in(previous.attachment_ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    let existing_attachments: Vec<i64> = previous
        .attachment_ids
        .iter()
        .copied()
        .filter(|id| still_there.contains(id))
        .collect();
    transition(store, actor, revision.article_id, |_| {
        let columns = article::ActiveModel {
            title: Set(previous.title.clone()),
            lead: Set(previous.lead.clone()),
            body_html: Set(previous.body_html.clone()),
            body_text: Set(previous.body_text.clone()),
            headings_json: Set(previous.headings_json.clone()),
            byline: Set(previous.byline.clone()),
            section_id: Set(previous.section_id),
            gallery_id: Set(previous.gallery_id),
            ..Default::default()
        };
        Ok(Transition {
            columns,
            kind: RevisionKind::RevisionRestored,
            // Tags deleted since the revision cannot come back.
            tag_ids: Some(existing_tags),
            attachment_ids: Some(existing_attachments),
        })
    })
    .await
}

/// What one step of the life cycle changes.
struct Transition {
    columns: article::ActiveModel,
    kind: RevisionKind,
    /// Tags to put in place of the current ones, if the step changes them.
    tag_ids: Option<Vec<i64>>,
    /// Likewise the attachments, in order.
    attachment_ids: Option<Vec<i64>>,
}

impl Transition {
    fn new(columns: article::ActiveModel, kind: RevisionKind) -> Self {
        Self {
            columns,
            kind,
            tag_ids: None,
            attachment_ids: None,
        }
    }
}

/// One change of state, with its revision, in one transaction. `change` sees the
/// current row and says what to change.
async fn transition(
    store: &ContentStore,
    actor: &Actor,
    article_id: i64,
    change: impl FnOnce(&article::Model) -> Result<Transition, EditError>,
) -> Result<article::Model, EditError> {
    let transaction = crate::db::begin_write(store.db()).await?;
    let current = load_editable(&transaction, actor, article_id).await?;
    let before = ArticleSnapshot::of(&transaction, &current).await?;
    let Transition {
        mut columns,
        kind,
        tag_ids,
        attachment_ids,
    } = change(&current)?;
    columns.id = Set(current.id);
    let updated = save_new_version(&transaction, actor, columns, current.version).await?;
    if let Some(tag_ids) = tag_ids {
        replace_tags(&transaction, updated.id, &tag_ids).await?;
    }
    if let Some(attachment_ids) = attachment_ids {
        replace_article_attachments(&transaction, updated.id, &attachment_ids).await?;
    }
    let after = ArticleSnapshot::of(&transaction, &updated).await?;
    revisions::record(
        &transaction,
        updated.id,
        Some(actor.account_id),
        kind,
        Some(&before),
        &after,
    )
    .await?;
    store
        .commit(transaction, ContentChange::Article(updated.id))
        .await?;
    Ok(updated)
}

/// Publishes every scheduled article whose time has come; returns their ids. Each is
/// published in its own transaction with a revision by no account (the scheduler).
///
/// Several replicas run this at once against one database, and each due article must be
/// published exactly once (one revision, one change-register entry). So each
/// transaction takes one due article with a row lock: on PostgreSQL `FOR UPDATE SKIP
/// LOCKED`, so that a second scheduler passes over the article the first one holds and
/// takes the next; on SQLite the write transaction (`BEGIN IMMEDIATE`) already holds the
/// database's single write lock. The status and version conditions of the update are a
/// second guard against an editor's change made in between.
pub async fn publish_due(store: &ContentStore, now: DateTime<Utc>) -> Result<Vec<i64>, EditError> {
    let db = store.db();
    let mut published = Vec::new();
    loop {
        let transaction = crate::db::begin_write(db).await?;
        let mut due = article::Entity::find()
            .filter(article::Column::Status.eq(ArticleStatus::Scheduled))
            .filter(article::Column::PublishedAt.lte(now))
            .order_by_asc(article::Column::PublishedAt)
            .order_by_asc(article::Column::Id);
        if db.get_database_backend() == DbBackend::Postgres {
            due = due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
        }
        let Some(current) = due.one(&transaction).await? else {
            break;
        };
        let before = ArticleSnapshot::of(&transaction, &current).await?;
        let result = article::Entity::update_many()
            .set(article::ActiveModel {
                status: Set(ArticleStatus::Published),
                version: Set(current.version + 1),
                updated_at: Set(now),
                ..Default::default()
            })
            .filter(article::Column::Id.eq(current.id))
            .filter(article::Column::Status.eq(ArticleStatus::Scheduled))
            .filter(article::Column::Version.eq(current.version))
            .exec(&transaction)
            .await?;
        if result.rows_affected == 0 {
            // Cannot happen under the lock; stop rather than take the same row again.
            break;
        }
        let Some(updated) = article::Entity::find_by_id(current.id)
            .one(&transaction)
            .await?
        else {
            break;
        };
        let after = ArticleSnapshot::of(&transaction, &updated).await?;
        revisions::record(
            &transaction,
            updated.id,
            None,
            RevisionKind::Published,
            Some(&before),
            &after,
        )
        .await?;
        store
            .commit(transaction, ContentChange::Article(updated.id))
            .await?;
        published.push(updated.id);
    }
    Ok(published)
}
