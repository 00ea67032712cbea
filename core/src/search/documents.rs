//! Search documents built from the database, which stays the source of truth. Only
//! published articles become documents; anything else is absent from the index.

use std::collections::HashMap;

use entities::{article, article_attachment, attachment};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use search_index::{AttachedDocument, SearchDocument, TaxonomyRef};

use crate::content::{published_only, relations};

/// The documents of those of `article_ids` that are published now, by id. An id missing
/// from the answer must be deleted from the index. Five statements, however many ids.
pub async fn published_documents(
    db: &impl ConnectionTrait,
    article_ids: &[i64],
) -> Result<HashMap<i64, SearchDocument>, DbErr> {
    let articles = article::Entity::find()
        .filter(published_only())
        .filter(article::Column::Id.is_in(article_ids.iter().copied()))
        .all(db)
        .await?;
    let documents = documents_of(db, articles).await?;
    Ok(documents
        .into_iter()
        .map(|document| (document.id, document))
        .collect())
}

/// One page of every published article in id order, after `after_id`, for a rebuild.
pub async fn published_page(
    db: &impl ConnectionTrait,
    after_id: i64,
    limit: u64,
) -> Result<Vec<SearchDocument>, DbErr> {
    let articles = article::Entity::find()
        .filter(published_only())
        .filter(article::Column::Id.gt(after_id))
        .order_by_asc(article::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    documents_of(db, articles).await
}

async fn documents_of(
    db: &impl ConnectionTrait,
    articles: Vec<article::Model>,
) -> Result<Vec<SearchDocument>, DbErr> {
    if articles.is_empty() {
        return Ok(Vec::new());
    }
    let mut section_ids: Vec<i64> = articles.iter().map(|article| article.section_id).collect();
    section_ids.sort_unstable();
    section_ids.dedup();
    let mut gallery_ids: Vec<i64> = articles
        .iter()
        .filter_map(|article| article.gallery_id)
        .collect();
    gallery_ids.sort_unstable();
    gallery_ids.dedup();
    let article_ids: Vec<i64> = articles.iter().map(|article| article.id).collect();

    let sections = relations::sections_by_id(db, &section_ids).await?;
    let mut tags = relations::tags_by_article(db, &article_ids).await?;
    let mut attached = attached_documents(db, &article_ids).await?;
    let photos = if gallery_ids.is_empty() {
        HashMap::new()
    } else {
        relations::photos_by_gallery(db, &gallery_ids).await?
    };

    let mut documents = Vec::with_capacity(articles.len());
    for article in articles {
        let Some(section) = sections.get(&article.section_id) else {
            return Err(DbErr::RecordNotFound(format!(
                "section {} of article {}",
                article.section_id, article.id
            )));
        };
        // Only published articles get here, and publishing always sets the date.
        let Some(published_at) = article.published_at else {
            return Err(DbErr::Custom(format!(
                "published article {} has no publication date",
                article.id
            )));
        };
        let tags = tags
            .remove(&article.id)
            .unwrap_or_default()
            .into_iter()
            .map(|tag| TaxonomyRef {
                slug: tag.slug,
                name: tag.name,
            })
            .collect();
        let photo_captions = article
            .gallery_id
            .and_then(|gallery_id| photos.get(&gallery_id))
            .map(|photos| {
                photos
                    .iter()
                    .map(|photo| photo.caption.clone())
                    .filter(|caption| !caption.trim().is_empty())
                    .collect()
            })
            .unwrap_or_default();
        documents.push(SearchDocument {
            id: article.id,
            slug: article.slug,
            title: article.title,
            lead: article.lead,
            body: article.body_text,
            section: TaxonomyRef {
                slug: section.slug.clone(),
                name: section.name.clone(),
            },
            tags,
            published_at,
            view_count: article.view_count,
            photo_captions,
            attachments: attached.remove(&article.id).unwrap_or_default(),
        });
    }
    Ok(documents)
}

/// The titles and texts of the attachments of each of `article_ids`, in each article's
/// order. Attachments without text are still searchable by their titles.
async fn attached_documents(
    db: &impl ConnectionTrait,
    article_ids: &[i64],
) -> Result<HashMap<i64, Vec<AttachedDocument>>, DbErr> {
    let rows: Vec<(i64, String, String)> = attachment::Entity::find()
        .select_only()
        .column(article_attachment::Column::ArticleId)
        .column(attachment::Column::Title)
        .column(attachment::Column::Text)
        .join(
            sea_orm::JoinType::InnerJoin,
            sea_orm::RelationTrait::def(&attachment::Relation::ArticleAttachment),
        )
        .filter(article_attachment::Column::ArticleId.is_in(article_ids.iter().copied()))
        .order_by_asc(article_attachment::Column::ArticleId)
        .order_by_asc(article_attachment::Column::Position)
        .into_tuple()
        .all(db)
        .await?;
    let mut by_article: HashMap<i64, Vec<AttachedDocument>> = HashMap::new();
    for (article_id, title, text) in rows {
        by_article
            .entry(article_id)
            .or_default()
            .push(AttachedDocument { title, text });
    }
    Ok(by_article)
}
