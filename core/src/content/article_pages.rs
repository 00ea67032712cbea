//! Published articles read for their pages: each with its gallery and the ids of its
//! tags, in one statement, so that a page not yet in memory costs that statement and its
//! photos' (sections, tags and bylines are shared by many articles and found in the
//! entity cache).

use entities::{article, gallery};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DbErr, EntityTrait, FromQueryResult,
    QueryFilter, QuerySelect, QueryTrait,
};

use super::published_only;

/// A published article with what its page shows beside it.
#[derive(Clone, Debug)]
pub struct PublishedArticle {
    pub article: article::Model,
    pub gallery: Option<gallery::Model>,
    /// The ids of its tags, in no particular order.
    pub tag_ids: Vec<i64>,
}

/// The published article whose current slug is `slug`, or `None`. Former slugs are not
/// looked at: `content::article_by_slug` does that.
pub async fn by_current_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<Option<PublishedArticle>, DbErr> {
    let mut pages = read(db, article::Column::Slug.eq(slug)).await?;
    Ok(pages.pop())
}

/// The published articles among `ids`; ids of others are left out.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<Vec<PublishedArticle>, DbErr> {
    read(db, article::Column::Id.is_in(ids.iter().copied())).await
}

async fn read(
    db: &impl ConnectionTrait,
    condition: impl sea_orm::sea_query::IntoCondition,
) -> Result<Vec<PublishedArticle>, DbErr> {
    let backend = db.get_database_backend();
    let query = article::Entity::find()
        .filter(published_only())
        .filter(condition)
        .find_also_related(gallery::Entity)
        .expr_as(Expr::cust(tag_ids_of_the_article(backend)), TAG_IDS)
        .into_query();
    let rows = db.query_all(&query).await?;
    rows.iter()
        .map(|row| {
            // `find_also_related` names the columns of each side with these prefixes.
            Ok(PublishedArticle {
                article: article::Model::from_query_result(row, "A_")?,
                gallery: gallery::Model::from_query_result_optional(row, "B_")?,
                tag_ids: parse_ids(row.try_get::<Option<String>>("", TAG_IDS)?.as_deref()),
            })
        })
        .collect()
}

const TAG_IDS: &str = "tag_ids";

/// A subquery giving the article's tag ids as comma-separated text: the two databases
/// name the aggregate differently.
fn tag_ids_of_the_article(backend: DatabaseBackend) -> &'static str {
    match backend {
        DatabaseBackend::Postgres => {
            "(SELECT string_agg(CAST(article_tags.tag_id AS text), ',') FROM article_tags \
             WHERE article_tags.article_id = articles.id)"
        }
        _ => {
            "(SELECT group_concat(article_tags.tag_id, ',') FROM article_tags \
             WHERE article_tags.article_id = articles.id)"
        }
    }
}

fn parse_ids(text: Option<&str>) -> Vec<i64> {
    text.unwrap_or_default()
        .split(',')
        .filter_map(|id| id.trim().parse().ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::parse_ids;

    #[test]
    fn tag_ids_are_read_from_the_aggregate() {
        assert_eq!(parse_ids(Some("3,1,12")), [3, 1, 12]);
        assert!(parse_ids(None).is_empty());
        assert!(parse_ids(Some("")).is_empty());
    }
}
