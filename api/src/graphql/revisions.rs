//! Revisions for editors and the public change register for readers.

use async_graphql::{Context, Enum, ID, Object};
use chrono::{DateTime, FixedOffset};
use entities::article_revision;

use super::error::ApiError;
use super::loaders::Loaders;
use super::time::SiteTimeZone;
use kronika_core::editing::revisions::{self, ChangedField};

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "ArticleField")]
pub enum ArticleFieldValue {
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

impl From<ChangedField> for ArticleFieldValue {
    fn from(field: ChangedField) -> Self {
        match field {
            ChangedField::Title => Self::Title,
            ChangedField::Slug => Self::Slug,
            ChangedField::Lead => Self::Lead,
            ChangedField::Body => Self::Body,
            ChangedField::Byline => Self::Byline,
            ChangedField::Section => Self::Section,
            ChangedField::Tags => Self::Tags,
            ChangedField::Gallery => Self::Gallery,
            ChangedField::Attachments => Self::Attachments,
            ChangedField::Status => Self::Status,
            ChangedField::PublishedAt => Self::PublishedAt,
        }
    }
}

async fn editor_name(
    ctx: &Context<'_>,
    account_id: Option<i64>,
) -> Result<Option<String>, ApiError> {
    let Some(account_id) = account_id else {
        return Ok(None);
    };
    let loaders = ctx.data_unchecked::<Loaders>();
    let account = loaders.account(account_id).await?;
    Ok(account.map(|account| account.display_name))
}

/// One change of an article, for editors.
pub struct Revision(pub article_revision::Model);

#[Object]
impl Revision {
    /// Pass to `restoreRevision` to put back the content from before this change.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn at(&self, ctx: &Context<'_>) -> DateTime<FixedOffset> {
        ctx.data_unchecked::<SiteTimeZone>()
            .present(self.0.created_at)
    }

    /// Who made the change; null when the scheduler published on time.
    async fn editor_name(&self, ctx: &Context<'_>) -> Result<Option<String>, ApiError> {
        editor_name(ctx, self.0.account_id).await
    }

    /// CREATED, UPDATED, PUBLISHED, SCHEDULED, UNPUBLISHED, ARCHIVED, RESTORED or
    /// REVISION_RESTORED.
    async fn kind(&self) -> &str {
        &self.0.kind
    }

    async fn changed_fields(&self) -> Vec<ArticleFieldValue> {
        revisions::changed_fields_of(&self.0)
            .into_iter()
            .map(Into::into)
            .collect()
    }

    /// The article as it was before this change, as JSON; null for its creation.
    async fn previous_state(&self) -> Option<&str> {
        self.0.previous_state.as_deref()
    }
}

/// One entry of the public change register.
pub struct ChangeLogEntry(pub article_revision::Model);

#[Object]
impl ChangeLogEntry {
    async fn at(&self, ctx: &Context<'_>) -> DateTime<FixedOffset> {
        ctx.data_unchecked::<SiteTimeZone>()
            .present(self.0.created_at)
    }

    /// Who made the change; null when the scheduler published on time.
    async fn editor_name(&self, ctx: &Context<'_>) -> Result<Option<String>, ApiError> {
        editor_name(ctx, self.0.account_id).await
    }

    /// What changed, in Polish: "Publikacja", "Zmieniono: tytuł, treść", …
    async fn description(&self) -> String {
        revisions::describe(&self.0)
    }

    async fn changed_fields(&self) -> Vec<ArticleFieldValue> {
        revisions::changed_fields_of(&self.0)
            .into_iter()
            .map(Into::into)
            .collect()
    }
}
