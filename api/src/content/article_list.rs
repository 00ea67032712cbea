//! Filtered, ordered, keyset-paginated lists of published articles.

use chrono::{DateTime, Utc};
use entities::{article, article_tag, section, tag};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Value,
};

use super::cursor::{ArticleCursor, SortKey};
use super::published_only;

/// Which published articles a list holds. All filters combine with AND.
#[derive(Clone, Debug, Default)]
pub struct ArticleFilter {
    pub section_id: Option<i64>,
    pub section_slug: Option<String>,
    pub tag_slug: Option<String>,
    /// Inclusive lower bound on the publication time.
    pub published_after: Option<DateTime<Utc>>,
    /// Exclusive upper bound on the publication time.
    pub published_before: Option<DateTime<Utc>>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortField {
    #[default]
    PublishedAt,
    Title,
    Views,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortDirection {
    Asc,
    #[default]
    Desc,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ArticleOrder {
    pub field: SortField,
    pub direction: SortDirection,
}

/// Why a page could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ListError {
    #[error("the cursor belongs to another ordering of the list")]
    CursorOrderMismatch,
    #[error(transparent)]
    Database(#[from] DbErr),
}

impl ArticleOrder {
    fn column(self) -> article::Column {
        match self.field {
            SortField::PublishedAt => article::Column::PublishedAt,
            SortField::Title => article::Column::Title,
            SortField::Views => article::Column::ViewCount,
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
        let mut condition = published_only();
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
        if let Some(after) = self.published_after {
            condition = condition.add(article::Column::PublishedAt.gte(after));
        }
        if let Some(before) = self.published_before {
            condition = condition.add(article::Column::PublishedAt.lt(before));
        }
        condition
    }
}

/// One page of a list: up to `first` articles after `after`, and whether more follow.
#[derive(Debug)]
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
