//! Sections and tags: `sections`, `section(slug)`, `tags`, and their types.

use async_graphql::{Context, ID, Object};
use entities::{section, tag};
use kronika_core::content::taxonomy;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::connection::{ArticleConnection, ArticleOrderInput, PageRequest};
use super::error::ApiError;

#[derive(Default)]
pub struct SectionQueries;

#[Object]
impl SectionQueries {
    /// All sections in navigation order.
    async fn sections(&self, ctx: &Context<'_>) -> Result<Vec<Section>, ApiError> {
        let db = ctx.data_unchecked::<DatabaseConnection>();
        let sections = taxonomy::all_sections(db).await?;
        Ok(sections.into_iter().map(Section).collect())
    }

    /// One section by its slug, or null.
    async fn section(&self, ctx: &Context<'_>, slug: String) -> Result<Option<Section>, ApiError> {
        let db = ctx.data_unchecked::<DatabaseConnection>();
        let section = section::Entity::find()
            .filter(section::Column::Slug.eq(slug))
            .one(db)
            .await?;
        Ok(section.map(Section))
    }

    /// All tags by name.
    async fn tags(&self, ctx: &Context<'_>) -> Result<Vec<Tag>, ApiError> {
        let db = ctx.data_unchecked::<DatabaseConnection>();
        let tags = taxonomy::all_tags(db).await?;
        Ok(tags.into_iter().map(Tag).collect())
    }
}

pub struct Section(pub section::Model);

#[Object]
impl Section {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn slug(&self) -> &str {
        &self.0.slug
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// The section's published articles, newest first unless `orderBy` says otherwise.
    async fn articles(
        &self,
        first: Option<i32>,
        after: Option<String>,
        order_by: Option<ArticleOrderInput>,
    ) -> Result<ArticleConnection, ApiError> {
        let page = PageRequest::parse(first, after)?;
        Ok(ArticleConnection::of_section(
            self.0.id,
            order_by.unwrap_or_default().into(),
            page,
        ))
    }
}

pub struct Tag(pub tag::Model);

#[Object]
impl Tag {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn slug(&self) -> &str {
        &self.0.slug
    }

    async fn name(&self) -> &str {
        &self.0.name
    }
}
