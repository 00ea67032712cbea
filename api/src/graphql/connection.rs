//! The `ArticleConnection`: a cursor-paginated list of articles with its total.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use super::article::{Article, ArticleStatusValue};
use super::error::ApiError;
use super::loaders::{Loaders, SectionPageKey};
use super::viewer::uses;
use tokio::sync::OnceCell;

use kronika_core::changes::CacheTag;
use kronika_core::content::Audience;
use kronika_core::content::article_list::{
    self, ArticleFilter, ArticleOrder, ArticlePage, ListError, SortDirection, SortField,
};
use kronika_core::content::cursor::ArticleCursor;
use kronika_core::domain::ArticleStatus;

/// The page size when `first` is absent; the query budget counts pages at it too.
pub(crate) const DEFAULT_PAGE_SIZE: u64 = 20;
/// The largest page; larger ones are refused before any work.
pub(crate) const MAX_PAGE_SIZE: u64 = 100;

/// Which published articles to list. All given conditions must hold.
#[derive(InputObject, Default)]
#[graphql(name = "ArticleFilter")]
pub struct ArticleFilterInput {
    /// Slug of the section.
    section: Option<String>,
    /// Slug of a tag the article carries.
    tag: Option<String>,
    /// Published at or after this time.
    published_after: Option<DateTime<Utc>>,
    /// Published before this time.
    published_before: Option<DateTime<Utc>>,
    /// Statuses to list (default: published only). Editors see every article of these
    /// statuses, authors their own; readers only ever see published ones.
    status: Option<Vec<ArticleStatusValue>>,
    /// Words the title has, in any inflected form and with or without Polish letters
    /// ("partnerstwo lodz" finds "Partnerstwa w Łodzi"); every word must match, the last
    /// one also as the beginning of a word. Drafts are found too, by those who may see
    /// them.
    title_words: Option<String>,
}

impl ArticleFilterInput {
    pub fn into_filter(self, audience: Audience) -> ArticleFilter {
        ArticleFilter {
            audience,
            statuses: self
                .status
                .unwrap_or_default()
                .into_iter()
                .map(ArticleStatus::from)
                .collect(),
            section_id: None,
            section_slug: self.section,
            tag_slug: self.tag,
            created_by: None,
            title_words: self.title_words,
            published_after: self.published_after,
            published_before: self.published_before,
        }
    }
}

#[derive(Enum, Clone, Copy, PartialEq, Eq, Default)]
pub enum ArticleOrderField {
    #[default]
    PublishedAt,
    Title,
    Views,
    UpdatedAt,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrderDirection {
    Asc,
    #[default]
    Desc,
}

/// How to order a list of articles; ties are broken by id in the same direction.
#[derive(InputObject, Default)]
#[graphql(name = "ArticleOrder")]
pub struct ArticleOrderInput {
    field: ArticleOrderField,
    #[graphql(default)]
    direction: OrderDirection,
}

impl From<ArticleOrderInput> for ArticleOrder {
    fn from(input: ArticleOrderInput) -> Self {
        Self {
            field: match input.field {
                ArticleOrderField::PublishedAt => SortField::PublishedAt,
                ArticleOrderField::Title => SortField::Title,
                ArticleOrderField::Views => SortField::Views,
                ArticleOrderField::UpdatedAt => SortField::UpdatedAt,
            },
            direction: match input.direction {
                OrderDirection::Asc => SortDirection::Asc,
                OrderDirection::Desc => SortDirection::Desc,
            },
        }
    }
}

/// A list's `first`, checked: the default when left out, 0 to `MAX_PAGE_SIZE` else.
pub(crate) fn page_size(first: Option<i32>) -> Result<u64, ApiError> {
    match first {
        None => Ok(DEFAULT_PAGE_SIZE),
        Some(first) => u64::try_from(first)
            .ok()
            .filter(|first| *first <= MAX_PAGE_SIZE)
            .ok_or_else(|| {
                ApiError::bad_input("first", format!("`first` must be 0 to {MAX_PAGE_SIZE}"))
            }),
    }
}

/// `first` and `after`, checked.
#[derive(Debug)]
pub struct PageRequest {
    first: u64,
    after: Option<ArticleCursor>,
}

impl PageRequest {
    pub fn parse(first: Option<i32>, after: Option<String>) -> Result<Self, ApiError> {
        let first = page_size(first)?;
        let after = after
            .map(|cursor| ArticleCursor::decode(&cursor))
            .transpose()
            .map_err(|error| ApiError::bad_input("after", error.to_string()))?;
        Ok(Self { first, after })
    }
}

/// A page of articles. Fields are computed only when asked for: the page costs one
/// select, loaded once however many of `edges`, `nodes` and `pageInfo` are selected, and
/// `totalCount` one count statement.
pub struct ArticleConnection {
    filter: ArticleFilter,
    order: ArticleOrder,
    page: PageRequest,
    /// Set for the first page of one section's list, which a DataLoader batches with the
    /// first pages of the other sections in the same request.
    first_page_of_section: Option<i64>,
    loaded: OnceCell<ArticlePage>,
}

impl ArticleConnection {
    pub fn new(filter: ArticleFilter, order: ArticleOrder, page: PageRequest) -> Self {
        Self {
            filter,
            order,
            page,
            first_page_of_section: None,
            loaded: OnceCell::new(),
        }
    }

    /// The articles of one section; the first page goes through the section DataLoader.
    pub fn of_section(section_id: i64, order: ArticleOrder, page: PageRequest) -> Self {
        let first_page_of_section = page.after.is_none().then_some(section_id);
        let filter = ArticleFilter {
            section_id: Some(section_id),
            ..ArticleFilter::default()
        };
        Self {
            first_page_of_section,
            ..Self::new(filter, order, page)
        }
    }

    async fn load(&self, ctx: &Context<'_>) -> Result<&ArticlePage, ApiError> {
        uses(ctx, CacheTag::Lists);
        self.loaded
            .get_or_try_init(|| async {
                if let Some(section_id) = self.first_page_of_section {
                    let key = SectionPageKey {
                        section_id,
                        order: self.order,
                        first: self.page.first,
                    };
                    let loaders = ctx.data_unchecked::<Loaders>();
                    let page = loaders.section_first_pages.load_one(key).await?;
                    return Ok(page.unwrap_or(ArticlePage {
                        articles: Vec::new(),
                        has_next_page: false,
                    }));
                }
                let db = ctx.data_unchecked::<DatabaseConnection>();
                article_list::find_page(
                    db,
                    &self.filter,
                    self.order,
                    self.page.first,
                    self.page.after.as_ref(),
                )
                .await
                .map_err(|error| match error {
                    ListError::CursorOrderMismatch => {
                        ApiError::bad_input("after", error.to_string())
                    }
                    ListError::NoPublicationDateToOrderBy => {
                        ApiError::bad_input("orderBy", error.to_string())
                    }
                    ListError::TitleWords(error) => {
                        ApiError::bad_input("filter.titleWords", error.to_string())
                    }
                    ListError::Database(error) => ApiError::from(error),
                })
            })
            .await
    }

    fn edges_of(&self, page: &ArticlePage) -> Vec<ArticleEdge> {
        page.articles
            .iter()
            .map(|article| ArticleEdge {
                cursor: self.order.cursor_after(article).encode(),
                node: Article::from(article.clone()),
            })
            .collect()
    }
}

#[Object]
impl ArticleConnection {
    async fn edges(&self, ctx: &Context<'_>) -> Result<Vec<ArticleEdge>, ApiError> {
        Ok(self.edges_of(self.load(ctx).await?))
    }

    /// The articles of the page, for clients that need no cursor per item.
    async fn nodes(&self, ctx: &Context<'_>) -> Result<Vec<Article>, ApiError> {
        let page = self.load(ctx).await?;
        Ok(page.articles.iter().cloned().map(Article::from).collect())
    }

    async fn page_info(&self, ctx: &Context<'_>) -> Result<PageInfo, ApiError> {
        let page = self.load(ctx).await?;
        let cursor_of =
            |article: &entities::article::Model| self.order.cursor_after(article).encode();
        Ok(PageInfo {
            has_next_page: page.has_next_page,
            has_previous_page: self.page.after.is_some(),
            start_cursor: page.articles.first().map(cursor_of),
            end_cursor: page.articles.last().map(cursor_of),
        })
    }

    /// How many published articles match the filter, across all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> Result<u64, ApiError> {
        if let Some(section_id) = self.first_page_of_section {
            let loaders = ctx.data_unchecked::<Loaders>();
            let count = loaders.section_article_counts.load_one(section_id).await?;
            return Ok(count.unwrap_or_default());
        }
        let db = ctx.data_unchecked::<DatabaseConnection>();
        Ok(article_list::count(db, &self.filter).await?)
    }
}

#[derive(SimpleObject)]
pub struct ArticleEdge {
    /// Pass as `after` to get the articles that follow this one.
    cursor: String,
    node: Article,
}

#[derive(SimpleObject)]
pub struct PageInfo {
    pub(crate) has_next_page: bool,
    /// True when this page was asked for with `after`.
    pub(crate) has_previous_page: bool,
    pub(crate) start_cursor: Option<String>,
    pub(crate) end_cursor: Option<String>,
}
