//! Revisions: the state of an article before each change, and the public change
//! register built from them.

use chrono::{DateTime, Utc};
use entities::{article, article_revision, article_tag};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};
use serde::{Deserialize, Serialize};

use crate::search::outbox::Operation;

/// What a change did to an article.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RevisionKind {
    Created,
    Updated,
    Published,
    Scheduled,
    Unpublished,
    Archived,
    Restored,
    RevisionRestored,
}

impl RevisionKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Created => "CREATED",
            Self::Updated => "UPDATED",
            Self::Published => "PUBLISHED",
            Self::Scheduled => "SCHEDULED",
            Self::Unpublished => "UNPUBLISHED",
            Self::Archived => "ARCHIVED",
            Self::Restored => "RESTORED",
            Self::RevisionRestored => "REVISION_RESTORED",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [
            Self::Created,
            Self::Updated,
            Self::Published,
            Self::Scheduled,
            Self::Unpublished,
            Self::Archived,
            Self::Restored,
            Self::RevisionRestored,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == value)
    }
}

/// A field of an article that a change touched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ChangedField {
    Title,
    Slug,
    Lead,
    Body,
    Byline,
    Section,
    Tags,
    Gallery,
    Attachments,
    Status,
    PublishedAt,
}

impl ChangedField {
    /// The Polish name readers see in the change register.
    pub const fn polish_name(self) -> &'static str {
        match self {
            Self::Title => "tytuł",
            Self::Slug => "adres",
            Self::Lead => "wstęp",
            Self::Body => "treść",
            Self::Byline => "autor opracowania",
            Self::Section => "dział",
            Self::Tags => "tagi",
            Self::Gallery => "galeria",
            Self::Attachments => "załączniki",
            Self::Status => "status",
            Self::PublishedAt => "data publikacji",
        }
    }
}

/// Everything an editor can change, as stored in a revision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleSnapshot {
    pub slug: String,
    pub title: String,
    pub lead: String,
    pub body_html: String,
    pub body_text: String,
    pub headings_json: String,
    pub byline: String,
    pub section_id: i64,
    pub gallery_id: Option<i64>,
    pub tag_ids: Vec<i64>,
    /// In the article's order. Revisions written before attachments existed have none.
    #[serde(default)]
    pub attachment_ids: Vec<i64>,
    pub status: String,
    pub published_at: Option<DateTime<Utc>>,
}

impl ArticleSnapshot {
    pub async fn of(db: &impl ConnectionTrait, article: &article::Model) -> Result<Self, DbErr> {
        let mut tag_ids: Vec<i64> = article_tag::Entity::find()
            .filter(article_tag::Column::ArticleId.eq(article.id))
            .all(db)
            .await?
            .into_iter()
            .map(|link| link.tag_id)
            .collect();
        tag_ids.sort_unstable();
        Ok(Self {
            slug: article.slug.clone(),
            title: article.title.clone(),
            lead: article.lead.clone(),
            body_html: article.body_html.clone(),
            body_text: article.body_text.clone(),
            headings_json: article.headings_json.clone(),
            byline: article.byline.clone(),
            section_id: article.section_id,
            gallery_id: article.gallery_id,
            tag_ids,
            attachment_ids: super::attachments::attachment_ids_of(db, article.id).await?,
            status: article.status.as_str().to_owned(),
            published_at: article.published_at,
        })
    }

    /// The fields that differ between two states, in a fixed order.
    pub fn changed_fields(&self, after: &Self) -> Vec<ChangedField> {
        let mut changed = Vec::new();
        let mut note = |differs: bool, field| {
            if differs {
                changed.push(field);
            }
        };
        note(self.title != after.title, ChangedField::Title);
        note(self.slug != after.slug, ChangedField::Slug);
        note(self.lead != after.lead, ChangedField::Lead);
        note(self.body_html != after.body_html, ChangedField::Body);
        note(self.byline != after.byline, ChangedField::Byline);
        note(self.section_id != after.section_id, ChangedField::Section);
        note(self.tag_ids != after.tag_ids, ChangedField::Tags);
        note(self.gallery_id != after.gallery_id, ChangedField::Gallery);
        note(
            self.attachment_ids != after.attachment_ids,
            ChangedField::Attachments,
        );
        note(self.status != after.status, ChangedField::Status);
        note(
            self.published_at != after.published_at,
            ChangedField::PublishedAt,
        );
        changed
    }
}

/// Stores one revision, and, when the change is visible to readers, tells the search
/// index through the outbox. `before` is `None` for a creation.
pub async fn record(
    db: &impl ConnectionTrait,
    article_id: i64,
    account_id: Option<i64>,
    kind: RevisionKind,
    before: Option<&ArticleSnapshot>,
    after: &ArticleSnapshot,
) -> Result<article_revision::Model, DbErr> {
    let changed = before.map_or_else(Vec::new, |before| before.changed_fields(after));
    let published = crate::domain::ArticleStatus::Published.as_str();
    let was_public = before.is_some_and(|before| before.status == published);
    let public = was_public || after.status == published;
    // What readers can see changed, so the search index must hear of it, in this same
    // transaction. A change that readers never saw (a draft edited) cannot affect it.
    if public {
        crate::search::outbox::enqueue(db, article_id, Operation::for_status(&after.status))
            .await?;
    }
    article_revision::ActiveModel {
        article_id: Set(article_id),
        account_id: Set(account_id),
        created_at: Set(Utc::now()),
        kind: Set(kind.as_str().to_owned()),
        changed_fields: Set(to_json(&changed)?),
        previous_state: Set(before.map(to_json).transpose()?),
        public: Set(public),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Serialising our own plain structs cannot fail; the error type is kept honest anyway.
fn to_json<T: Serialize>(value: &T) -> Result<String, DbErr> {
    serde_json::to_string(value).map_err(|error| DbErr::Custom(error.to_string()))
}

/// All revisions of an article, oldest first.
pub async fn of_article(
    db: &impl ConnectionTrait,
    article_id: i64,
    public_only: bool,
) -> Result<Vec<article_revision::Model>, DbErr> {
    let mut query = article_revision::Entity::find()
        .filter(article_revision::Column::ArticleId.eq(article_id))
        .order_by_asc(article_revision::Column::Id);
    if public_only {
        query = query.filter(article_revision::Column::Public.eq(true));
    }
    query.all(db).await
}

/// The changed fields stored with a revision.
pub fn changed_fields_of(revision: &article_revision::Model) -> Vec<ChangedField> {
    serde_json::from_str(&revision.changed_fields).unwrap_or_default()
}

/// A short Polish description of a revision for the public change register.
pub fn describe(revision: &article_revision::Model) -> String {
    match RevisionKind::parse(&revision.kind) {
        Some(RevisionKind::Published) => "Publikacja".to_owned(),
        Some(RevisionKind::Unpublished) => "Wycofanie publikacji".to_owned(),
        Some(RevisionKind::Archived) => "Usunięcie".to_owned(),
        Some(RevisionKind::RevisionRestored) => "Przywrócenie wcześniejszej wersji".to_owned(),
        _ => {
            let names: Vec<&str> = changed_fields_of(revision)
                .into_iter()
                .map(ChangedField::polish_name)
                .collect();
            if names.is_empty() {
                "Zmiana".to_owned()
            } else {
                format!("Zmieniono: {}", names.join(", "))
            }
        }
    }
}
