//! Articles: the `Article` type and the `article` / `articles` queries.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::{DateTime, FixedOffset};
use entities::article;
use sea_orm::DatabaseConnection;

use super::attachment::Attachment;
use super::connection::{ArticleConnection, ArticleFilterInput, ArticleOrderInput, PageRequest};
use super::date::Date;
use super::error::ApiError;
use super::gallery::Gallery;
use super::loaders::{DailyViewsKey, Loaders, keep_published};
use super::revisions::{ChangeLogEntry, Revision};
use super::section::{Section, Tag};
use super::time::SiteTimeZone;
use super::viewer::{uses, viewer};
use super::views::{DailyViews, fill_series, series_range};
use kronika_core::changes::CacheTag;
use kronika_core::content::{self, Audience, article_list, article_pages};
use kronika_core::domain;
use kronika_core::editing::revisions as revision_store;
use kronika_core::entity_cache as cached;
use kronika_core::views::site_today;

#[derive(Default)]
pub struct ArticleQueries;

#[Object]
impl ArticleQueries {
    /// One article, by `slug` or by `id` (give exactly one); null when none matches.
    /// Readers see published articles only; editors see every article, authors also
    /// their own. A slug the article had before a rename still finds it: compare `slug`
    /// with the one asked for to redirect.
    async fn article(
        &self,
        ctx: &Context<'_>,
        slug: Option<String>,
        id: Option<ID>,
    ) -> Result<Option<Article>, ApiError> {
        let db = ctx.data_unchecked::<DatabaseConnection>();
        let audience = Audience::of(
            viewer(ctx)
                .actor()
                .map(|actor| (actor.account_id, actor.role)),
        );
        let loaders = ctx.data_unchecked::<Loaders>();
        let found = match (slug, id) {
            (Some(slug), None) if audience == Audience::Public => {
                published_article_by_slug(db, loaders, &slug).await?
            }
            (Some(slug), None) => content::article_by_slug(db, &slug, audience)
                .await?
                .map(Arc::new),
            (None, Some(id)) => match parse_id(&id) {
                Some(id) if audience == Audience::Public => loaders.published_article(id).await?,
                Some(id) => content::article_by_id(db, id, audience)
                    .await?
                    .map(Arc::new),
                None => None,
            },
            _ => {
                return Err(ApiError::bad_input(
                    "slug",
                    "give exactly one of `slug` and `id`",
                ));
            }
        };
        uses(
            ctx,
            found
                .as_ref()
                .map_or(CacheTag::Lists, |article| CacheTag::Article(article.id)),
        );
        Ok(found.map(Article))
    }

    /// The article an address of the old site showed, for a frontend to answer it with a
    /// permanent redirect to the article's new address. Imports record those addresses;
    /// `path` is the old path with its query (`/?p=12`) or the whole old URL. Null when no
    /// article had it, or the one that did is not visible to the caller.
    async fn article_by_path(
        &self,
        ctx: &Context<'_>,
        path: String,
    ) -> Result<Option<Article>, ApiError> {
        let db = ctx.data_unchecked::<DatabaseConnection>();
        let audience = Audience::of(
            viewer(ctx)
                .actor()
                .map(|actor| (actor.account_id, actor.role)),
        );
        let found = content::article_by_path(db, &path, audience).await?;
        uses(
            ctx,
            found
                .as_ref()
                .map_or(CacheTag::Lists, |article| CacheTag::Article(article.id)),
        );
        Ok(found.map(Article::from))
    }

    /// Published articles, newest first unless `orderBy` says otherwise. With
    /// `filter.status`, editors list drafts and other statuses too (authors their own).
    async fn articles(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 0 to 100; default 20.")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
        filter: Option<ArticleFilterInput>,
        order_by: Option<ArticleOrderInput>,
    ) -> Result<ArticleConnection, ApiError> {
        let page = PageRequest::parse(first, after)?;
        let audience = Audience::of(
            viewer(ctx)
                .actor()
                .map(|actor| (actor.account_id, actor.role)),
        );
        let filter = filter.unwrap_or_default().into_filter(audience);
        let order = order_by.unwrap_or_default().into();
        article_list::check_order(&filter, order)
            .map_err(|error| ApiError::bad_input("orderBy", error.to_string()))?;
        article_list::check_filter(&filter)
            .map_err(|error| ApiError::bad_input("filter.titleWords", error.to_string()))?;
        Ok(ArticleConnection::new(filter, order, page))
    }
}

/// A published article by a slug it has or had, for readers: from the entity cache when
/// it holds the slug and the article, else from the database, and then kept there.
async fn published_article_by_slug(
    db: &DatabaseConnection,
    loaders: &Loaders,
    slug: &str,
) -> Result<Option<Arc<article::Model>>, ApiError> {
    let cache = &loaders.cache;
    if let Some(id) = cache.get::<cached::ArticleIdsBySlug, str>(slug)
        && let Some(article) = loaders.published_article(id).await?
    {
        return Ok(Some(article));
    }
    // Not cached, or the article the slug found is no longer published: the slug may
    // now name a newer article (a deleted article's slug is free again). Read with its
    // gallery and tags, so that its page costs one statement more (its photos).
    let fill = cache.begin_fill();
    let found = match article_pages::by_current_slug(db, slug).await? {
        Some(page) => keep_published(cache, fill, vec![page]).pop(),
        None => match content::former_slug_owner(db, slug).await? {
            Some(id) => loaders.published_article(id).await?,
            None => None,
        },
    };
    if let Some(found) = &found {
        cache.store::<cached::ArticleIdsBySlug>(fill, [(Arc::from(slug), found.id)]);
    }
    Ok(found)
}

/// Ids are decimal strings; anything else matches nothing.
pub fn parse_id(id: &ID) -> Option<i64> {
    id.parse().ok()
}

/// Where an article is in its life cycle.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "ArticleStatus")]
pub enum ArticleStatusValue {
    Draft,
    Scheduled,
    Published,
    Archived,
}

impl From<ArticleStatusValue> for domain::ArticleStatus {
    fn from(status: ArticleStatusValue) -> Self {
        match status {
            ArticleStatusValue::Draft => Self::Draft,
            ArticleStatusValue::Scheduled => Self::Scheduled,
            ArticleStatusValue::Published => Self::Published,
            ArticleStatusValue::Archived => Self::Archived,
        }
    }
}

impl From<domain::ArticleStatus> for ArticleStatusValue {
    fn from(status: domain::ArticleStatus) -> Self {
        match status {
            domain::ArticleStatus::Draft => Self::Draft,
            domain::ArticleStatus::Scheduled => Self::Scheduled,
            domain::ArticleStatus::Published => Self::Published,
            domain::ArticleStatus::Archived => Self::Archived,
        }
    }
}

/// An entry of an article's table of contents.
#[derive(SimpleObject)]
pub struct Heading {
    /// 2, 3 or 4, as in `h2`–`h4`.
    level: u8,
    text: String,
    /// The `id` of the heading in `body`, for `#anchor` links.
    anchor: String,
}

/// The person who entered or changed an article (an editor account; its e-mail address
/// is never public).
pub struct Editor(entities::account::Model);

#[Object]
impl Editor {
    async fn name(&self) -> &str {
        &self.0.display_name
    }
}

pub struct Article(pub Arc<article::Model>);

impl From<article::Model> for Article {
    fn from(article: article::Model) -> Self {
        Self(Arc::new(article))
    }
}

#[Object]
impl Article {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn slug(&self) -> &str {
        &self.0.slug
    }

    async fn title(&self) -> &str {
        &self.0.title
    }

    /// Plain text shown under the title.
    async fn lead(&self) -> &str {
        &self.0.lead
    }

    /// Sanitised HTML: headings h2–h4 (with `id` anchors), paragraphs, lists, links,
    /// emphasis, quotes, tables and figures. Safe to insert into a page as it is.
    async fn body(&self) -> &str {
        &self.0.body_html
    }

    /// The body as plain text, one paragraph per block, separated by blank lines.
    async fn body_text(&self) -> &str {
        &self.0.body_text
    }

    /// The table of contents: the body's h2–h4 headings in order.
    async fn headings(&self) -> Result<Vec<Heading>, ApiError> {
        let headings: Vec<domain::Heading> =
            serde_json::from_str(&self.0.headings_json).map_err(ApiError::internal)?;
        Ok(headings
            .into_iter()
            .map(|heading| Heading {
                level: heading.level,
                text: heading.text,
                anchor: heading.anchor,
            })
            .collect())
    }

    /// Who prepared the text, as printed ("oprac. WKZ"); free text, not an account.
    async fn byline(&self) -> &str {
        &self.0.byline
    }

    async fn status(&self) -> ArticleStatusValue {
        self.0.status.into()
    }

    /// Increases with every change; send it back as `expectedVersion` when updating.
    async fn version(&self) -> i32 {
        self.0.version
    }

    async fn published_at(&self, ctx: &Context<'_>) -> Option<DateTime<FixedOffset>> {
        let zone = ctx.data_unchecked::<SiteTimeZone>();
        self.0.published_at.map(|time| zone.present(time))
    }

    async fn updated_at(&self, ctx: &Context<'_>) -> DateTime<FixedOffset> {
        ctx.data_unchecked::<SiteTimeZone>()
            .present(self.0.updated_at)
    }

    async fn created_at(&self, ctx: &Context<'_>) -> DateTime<FixedOffset> {
        ctx.data_unchecked::<SiteTimeZone>()
            .present(self.0.created_at)
    }

    /// How many times readers have viewed the article: each reader once a day, bots not
    /// at all. Views reach it with each flush, every few seconds.
    async fn view_count(&self) -> i64 {
        self.0.view_count
    }

    /// Views per calendar day in the site's time zone, every day from `from` to `to`
    /// (both included, at most 366 days) with zero for days without views. `to` defaults
    /// to today and `from` to 29 days before `to`.
    async fn views_by_day(
        &self,
        ctx: &Context<'_>,
        from: Option<Date>,
        to: Option<Date>,
    ) -> Result<Vec<DailyViews>, ApiError> {
        let today = site_today(ctx.data_unchecked::<SiteTimeZone>().0);
        let (from, to) = series_range(today, from, to)?;
        let loaders = ctx.data_unchecked::<Loaders>();
        let key = DailyViewsKey {
            article_id: self.0.id,
            from,
            to,
        };
        let days_with_views = loaders.daily_views.load_one(key).await?;
        Ok(fill_series(
            from,
            to,
            days_with_views.as_deref().unwrap_or_default(),
        ))
    }

    async fn section(&self, ctx: &Context<'_>) -> Result<Section, ApiError> {
        let loaders = ctx.data_unchecked::<Loaders>();
        let section = loaders.section(self.0.section_id).await?;
        section
            .map(Section)
            .ok_or_else(|| ApiError::missing_row("sections", self.0.section_id))
    }

    async fn tags(&self, ctx: &Context<'_>) -> Result<Vec<Tag>, ApiError> {
        let loaders = ctx.data_unchecked::<Loaders>();
        let tags = loaders.tags_of_article(self.0.id).await?;
        Ok(tags
            .map(|tags| tags.iter().cloned().map(Tag).collect())
            .unwrap_or_default())
    }

    /// The documents published with the article, in the order the editors set.
    async fn attachments(&self, ctx: &Context<'_>) -> Result<Vec<Attachment>, ApiError> {
        let loaders = ctx.data_unchecked::<Loaders>();
        let attachments = loaders.attachments_of_article(self.0.id).await?;
        Ok(attachments
            .map(|attachments| attachments.iter().cloned().map(Attachment).collect())
            .unwrap_or_default())
    }

    async fn gallery(&self, ctx: &Context<'_>) -> Result<Option<Gallery>, ApiError> {
        let Some(gallery_id) = self.0.gallery_id else {
            return Ok(None);
        };
        uses(ctx, CacheTag::Gallery(gallery_id));
        let loaders = ctx.data_unchecked::<Loaders>();
        let gallery = loaders.gallery(gallery_id).await?;
        Ok(gallery.map(Gallery))
    }

    /// The editor who entered the article.
    async fn created_by(&self, ctx: &Context<'_>) -> Result<Editor, ApiError> {
        let loaders = ctx.data_unchecked::<Loaders>();
        let account = loaders.account(self.0.created_by).await?;
        account
            .map(Editor)
            .ok_or_else(|| ApiError::missing_row("accounts", self.0.created_by))
    }

    /// Every change of the article, oldest first. Editors see all articles' history,
    /// authors their own; readers get `FORBIDDEN`.
    async fn revisions(&self, ctx: &Context<'_>) -> Result<Vec<Revision>, ApiError> {
        let Some(actor) = viewer(ctx).actor() else {
            return Err(ApiError::Forbidden(
                "the revision history is for editors".to_owned(),
            ));
        };
        if !actor.role.sees_all_articles() && actor.account_id != self.0.created_by {
            return Err(ApiError::Forbidden(
                "authors see the history of their own articles".to_owned(),
            ));
        }
        let db = ctx.data_unchecked::<DatabaseConnection>();
        let revisions = revision_store::of_article(db, self.0.id, false).await?;
        Ok(revisions.into_iter().map(Revision).collect())
    }

    /// The public change register: publication and every later change, oldest first,
    /// with who made it. The history of a draft is not part of it.
    async fn change_log(&self, ctx: &Context<'_>) -> Result<Vec<ChangeLogEntry>, ApiError> {
        let db = ctx.data_unchecked::<DatabaseConnection>();
        let revisions = revision_store::of_article(db, self.0.id, true).await?;
        Ok(revisions.into_iter().map(ChangeLogEntry).collect())
    }

    /// The editor who changed the article last, if anyone did.
    async fn updated_by(&self, ctx: &Context<'_>) -> Result<Option<Editor>, ApiError> {
        let Some(account_id) = self.0.updated_by else {
            return Ok(None);
        };
        let loaders = ctx.data_unchecked::<Loaders>();
        let account = loaders.account(account_id).await?;
        Ok(account.map(Editor))
    }
}
