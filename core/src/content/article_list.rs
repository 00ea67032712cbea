//! Filtered, ordered, keyset-paginated lists of published articles.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entities::{article, article_tag, section, tag};
use sea_orm::sea_query::{Expr, ExprTrait, Query, WindowStatement};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, Iterable, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Value,
};

use super::cursor::{ArticleCursor, SortKey};
use super::title_terms::{self, TitleQueryError};
use super::{Audience, published_only};
use crate::domain::ArticleStatus;

/// Which articles a list holds. All filters combine with AND.
#[derive(Clone, Debug, Default)]
pub struct ArticleFilter {
    /// Whose list it is: readers never see more than published articles.
    pub audience: Audience,
    /// The statuses to list; empty means published articles only, as readers see them.
    pub statuses: Vec<ArticleStatus>,
    pub section_id: Option<i64>,
    pub section_slug: Option<String>,
    pub tag_slug: Option<String>,
    /// Articles entered by this account (the editors' "my drafts", the author filter).
    pub created_by: Option<i64>,
    /// Words the title must contain (the editors' finder).
    pub title_words: Option<String>,
    /// Inclusive lower bound on the publication time.
    pub published_after: Option<DateTime<Utc>>,
    /// Exclusive upper bound on the publication time.
    pub published_before: Option<DateTime<Utc>>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SortField {
    #[default]
    PublishedAt,
    Title,
    Views,
    /// Last change first (or last): how editors find their recent work.
    UpdatedAt,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SortDirection {
    Asc,
    #[default]
    Desc,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ArticleOrder {
    pub field: SortField,
    pub direction: SortDirection,
}

/// Why a page could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ListError {
    #[error("the cursor belongs to another ordering of the list")]
    CursorOrderMismatch,
    #[error(
        "drafts and deleted articles may have no publication date: order them by UPDATED_AT or TITLE"
    )]
    NoPublicationDateToOrderBy,
    #[error(transparent)]
    TitleWords(#[from] TitleQueryError),
    #[error(transparent)]
    Database(#[from] DbErr),
}

impl ArticleOrder {
    fn column(self) -> article::Column {
        match self.field {
            SortField::PublishedAt => article::Column::PublishedAt,
            SortField::Title => article::Column::Title,
            SortField::Views => article::Column::ViewCount,
            SortField::UpdatedAt => article::Column::UpdatedAt,
        }
    }

    /// The cursor that points just after `article` in this ordering.
    pub fn cursor_after(self, article: &article::Model) -> ArticleCursor {
        let key = match self.field {
            SortField::PublishedAt => {
                SortKey::PublishedAt(article.published_at.unwrap_or(article.created_at))
            }
            SortField::Title => SortKey::Title(article.title.clone()),
            SortField::Views => SortKey::Views(article.view_count),
            SortField::UpdatedAt => SortKey::UpdatedAt(article.updated_at),
        };
        ArticleCursor {
            key,
            id: article.id,
        }
    }

    /// `(sort value, id)` strictly after the cursor, in this ordering's direction.
    fn after(self, cursor: &ArticleCursor) -> Result<Condition, ListError> {
        let value: Value = match (&cursor.key, self.field) {
            (SortKey::PublishedAt(time), SortField::PublishedAt) => (*time).into(),
            (SortKey::Title(title), SortField::Title) => title.clone().into(),
            (SortKey::Views(views), SortField::Views) => (*views).into(),
            (SortKey::UpdatedAt(time), SortField::UpdatedAt) => (*time).into(),
            _ => return Err(ListError::CursorOrderMismatch),
        };
        let column = self.column();
        let (beyond_value, beyond_id) = match self.direction {
            SortDirection::Asc => (column.gt(value.clone()), article::Column::Id.gt(cursor.id)),
            SortDirection::Desc => (column.lt(value.clone()), article::Column::Id.lt(cursor.id)),
        };
        Ok(Condition::any()
            .add(beyond_value)
            .add(Condition::all().add(column.eq(value)).add(beyond_id)))
    }

    fn sea_order(self) -> Order {
        match self.direction {
            SortDirection::Asc => Order::Asc,
            SortDirection::Desc => Order::Desc,
        }
    }
}

impl ArticleFilter {
    fn condition(&self) -> Condition {
        // The audience's rule is a disjunction for authors (published, or their own), so it
        // is nested: adding the filters to it directly would OR them in.
        let mut condition = Condition::all().add(self.audience.condition());
        condition = if self.statuses.is_empty() {
            condition.add(published_only())
        } else if ArticleStatus::iter().all(|status| self.statuses.contains(&status)) {
            // Every status is no condition at all. Written as `status IN (…)` it would lead
            // the database to gather each status apart and sort them, instead of walking
            // the index of the list's order and stopping after a page.
            condition
        } else {
            condition.add(
                article::Column::Status.is_in(self.statuses.iter().map(|status| status.as_str())),
            )
        };
        if let Some(section_id) = self.section_id {
            condition = condition.add(article::Column::SectionId.eq(section_id));
        }
        if let Some(section_slug) = &self.section_slug {
            condition = condition.add(
                article::Column::SectionId.in_subquery(
                    Query::select()
                        .column(section::Column::Id)
                        .from(section::Entity)
                        .and_where(section::Column::Slug.eq(section_slug.as_str()))
                        .to_owned(),
                ),
            );
        }
        if let Some(tag_slug) = &self.tag_slug {
            condition = condition.add(
                article::Column::Id.in_subquery(
                    Query::select()
                        .column((article_tag::Entity, article_tag::Column::ArticleId))
                        .from(article_tag::Entity)
                        .inner_join(
                            tag::Entity,
                            Expr::col((tag::Entity, tag::Column::Id))
                                .equals((article_tag::Entity, article_tag::Column::TagId)),
                        )
                        .and_where(
                            Expr::col((tag::Entity, tag::Column::Slug)).eq(tag_slug.as_str()),
                        )
                        .to_owned(),
                ),
            );
        }
        if let Some(account_id) = self.created_by {
            condition = condition.add(article::Column::CreatedBy.eq(account_id));
        }
        if let Some(words) = &self.title_words {
            condition = condition.add(title_terms::title_has_words(words));
        }
        if let Some(after) = self.published_after {
            condition = condition.add(article::Column::PublishedAt.gte(after));
        }
        if let Some(before) = self.published_before {
            condition = condition.add(article::Column::PublishedAt.lt(before));
        }
        condition
    }
}

/// Refuses an ordering the filtered articles cannot be paged by: drafts and deleted
/// articles may lack the publication date, and keyset paging needs a value in every row.
pub fn check_order(filter: &ArticleFilter, order: ArticleOrder) -> Result<(), ListError> {
    let undated = filter
        .statuses
        .iter()
        .any(|status| matches!(status, ArticleStatus::Draft | ArticleStatus::Archived));
    if undated && order.field == SortField::PublishedAt {
        return Err(ListError::NoPublicationDateToOrderBy);
    }
    Ok(())
}

/// Refuses a filter no lookup can serve: more title words than [`title_terms`] takes.
pub fn check_filter(filter: &ArticleFilter) -> Result<(), ListError> {
    if let Some(words) = &filter.title_words {
        title_terms::check_query(words)?;
    }
    Ok(())
}

/// One page of a list: up to `first` articles after `after`, and whether more follow.
#[derive(Clone, Debug)]
pub struct ArticlePage {
    pub articles: Vec<article::Model>,
    pub has_next_page: bool,
}

/// Loads one page with a single statement: it asks for one row more than the page holds
/// to learn whether a next page exists.
pub async fn find_page(
    db: &impl ConnectionTrait,
    filter: &ArticleFilter,
    order: ArticleOrder,
    first: u64,
    after: Option<&ArticleCursor>,
) -> Result<ArticlePage, ListError> {
    check_order(filter, order)?;
    check_filter(filter)?;
    let mut condition = filter.condition();
    if let Some(cursor) = after {
        condition = condition.add(order.after(cursor)?);
    }
    let mut articles = article::Entity::find()
        .filter(condition)
        .order_by(order.column(), order.sea_order())
        .order_by(article::Column::Id, order.sea_order())
        .limit(first + 1)
        .all(db)
        .await?;
    let has_next_page = articles.len() as u64 > first;
    articles.truncate(usize::try_from(first).unwrap_or(usize::MAX));
    Ok(ArticlePage {
        articles,
        has_next_page,
    })
}

/// How many published articles match the filter, for `totalCount`.
pub async fn count(db: &impl ConnectionTrait, filter: &ArticleFilter) -> Result<u64, DbErr> {
    article::Entity::find()
        .filter(filter.condition())
        .count(db)
        .await
}

/// The first page of each of several sections, in one statement: the articles are ranked
/// inside their section with `ROW_NUMBER()` and only the first `first + 1` of each kept.
/// This is what lets `sections { articles(first: 5) }`, a typical front page, cost one
/// statement instead of one per section.
pub async fn first_pages_by_section(
    db: &impl ConnectionTrait,
    section_ids: &[i64],
    order: ArticleOrder,
    first: u64,
) -> Result<HashMap<i64, ArticlePage>, DbErr> {
    let mut window = WindowStatement::partition_by(article::Column::SectionId);
    window
        .order_by(order.column(), order.sea_order())
        .order_by(article::Column::Id, order.sea_order());
    let ranked = Query::select()
        .columns(article::Column::iter())
        .expr_window_as(Expr::cust("ROW_NUMBER()"), window, Ranked::RowNumber)
        .from(article::Entity)
        .cond_where(
            published_only().add(article::Column::SectionId.is_in(section_ids.iter().copied())),
        )
        .to_owned();
    let first_pages = Query::select()
        .columns(article::Column::iter())
        .from_subquery(ranked, Ranked::Table)
        .and_where(Expr::col(Ranked::RowNumber).lte(first + 1))
        .order_by(article::Column::SectionId, Order::Asc)
        .order_by(Ranked::RowNumber, Order::Asc)
        .to_owned();
    let statement = db.get_database_backend().build(&first_pages);
    let rows = article::Entity::find()
        .from_raw_sql(statement)
        .all(db)
        .await?;

    let mut pages: HashMap<i64, ArticlePage> = section_ids
        .iter()
        .map(|id| {
            let page = ArticlePage {
                articles: Vec::new(),
                has_next_page: false,
            };
            (*id, page)
        })
        .collect();
    let page_size = usize::try_from(first).unwrap_or(usize::MAX);
    for row in rows {
        let page = pages.entry(row.section_id).or_insert_with(|| ArticlePage {
            articles: Vec::new(),
            has_next_page: false,
        });
        if page.articles.len() < page_size {
            page.articles.push(row);
        } else {
            page.has_next_page = true;
        }
    }
    Ok(pages)
}

/// How many published articles each section has, in one statement.
pub async fn counts_by_section(
    db: &impl ConnectionTrait,
    section_ids: &[i64],
) -> Result<HashMap<i64, u64>, DbErr> {
    let counts: Vec<(i64, i64)> = article::Entity::find()
        .select_only()
        .column(article::Column::SectionId)
        .column_as(article::Column::Id.count(), "count")
        .filter(published_only())
        .filter(article::Column::SectionId.is_in(section_ids.iter().copied()))
        .group_by(article::Column::SectionId)
        .into_tuple()
        .all(db)
        .await?;
    let mut by_section: HashMap<i64, u64> = section_ids.iter().map(|id| (*id, 0)).collect();
    for (section_id, count) in counts {
        by_section.insert(section_id, u64::try_from(count).unwrap_or_default());
    }
    Ok(by_section)
}

/// Names used inside `first_pages_by_section`'s statement: the ranked subquery and the
/// rank of an article inside its section.
#[derive(sea_orm::DeriveIden, Clone, Copy)]
enum Ranked {
    Table,
    RowNumber,
}
