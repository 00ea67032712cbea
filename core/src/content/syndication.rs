//! What feeds and sitemaps show: the newest published articles of the site, a section or
//! a tag, every published article's address in pages, and the last two days' news.
//!
//! Only published articles, and only the photos of their galleries (which are public
//! exactly then), ever leave through here; the HTTP layer turns them into XML.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use entities::{article, gallery_photo, photo, section, tag};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, RelationTrait,
};

use crate::editing::photos::widths_of;

use super::article_list::{self, ArticleFilter, ArticleOrder, ListError};
use super::{published_only, relations};

/// How many articles a feed carries.
pub const FEED_LENGTH: u64 = 50;
/// The most addresses one sitemap page may list (the sitemaps.org limit).
pub const SITEMAP_PAGE_SIZE: u64 = 50_000;
/// The most articles a Google News sitemap may list.
pub const NEWS_SITEMAP_LIMIT: u64 = 1_000;
/// Gallery ids per statement when the photos of a sitemap page are loaded: far below the
/// bound-parameter limits of SQLite (32,766) and PostgreSQL (65,535).
const GALLERY_IDS_PER_STATEMENT: usize = 5_000;

/// Which articles a feed follows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FeedScope {
    Site,
    Section(String),
    Tag(String),
}

/// A feed's articles, newest first, with what each item shows.
#[derive(Clone, Debug)]
pub struct Feed {
    /// The section or tag the feed follows; `None` for the whole site.
    pub topic: Option<FeedTopic>,
    pub items: Vec<FeedItem>,
}

/// The section or tag a feed follows, by name and slug.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedTopic {
    pub slug: String,
    pub name: String,
}

#[derive(Clone, Debug)]
pub struct FeedItem {
    pub article: article::Model,
    pub section: Option<section::Model>,
    pub tags: Vec<tag::Model>,
    /// The cover of the article's gallery (its first photo unless another was chosen).
    pub cover: Option<photo::Model>,
}

/// The newest published articles of `scope`, or `None` when the section or tag does not
/// exist (a feed of nothing would hide a mistyped address).
pub async fn feed(db: &impl ConnectionTrait, scope: &FeedScope) -> Result<Option<Feed>, DbErr> {
    let mut filter = ArticleFilter::default();
    let topic = match scope {
        FeedScope::Site => None,
        FeedScope::Section(slug) => {
            let Some(found) = section::Entity::find()
                .filter(section::Column::Slug.eq(slug.as_str()))
                .one(db)
                .await?
            else {
                return Ok(None);
            };
            filter.section_id = Some(found.id);
            Some(FeedTopic {
                slug: found.slug,
                name: found.name,
            })
        }
        FeedScope::Tag(slug) => {
            let Some(found) = tag::Entity::find()
                .filter(tag::Column::Slug.eq(slug.as_str()))
                .one(db)
                .await?
            else {
                return Ok(None);
            };
            filter.tag_slug = Some(found.slug.clone());
            Some(FeedTopic {
                slug: found.slug,
                name: found.name,
            })
        }
    };
    let page = article_list::find_page(db, &filter, ArticleOrder::default(), FEED_LENGTH, None)
        .await
        .map_err(|error| match error {
            ListError::Database(error) => error,
            // The default order and a filter without title words cannot be refused.
            other => DbErr::Custom(other.to_string()),
        })?;
    let articles = page.articles;
    let ids: Vec<i64> = articles.iter().map(|article| article.id).collect();
    let section_ids: Vec<i64> = articles.iter().map(|article| article.section_id).collect();
    let gallery_ids: Vec<i64> = articles.iter().filter_map(|a| a.gallery_id).collect();
    let sections = relations::sections_by_id(db, &section_ids).await?;
    let mut tags = relations::tags_by_article(db, &ids).await?;
    let (galleries, photos) = if gallery_ids.is_empty() {
        (HashMap::new(), HashMap::new())
    } else {
        (
            relations::galleries_by_id(db, &gallery_ids).await?,
            relations::photos_by_gallery(db, &gallery_ids).await?,
        )
    };
    // The gallery's chosen cover, else its first photo.
    let cover_of = |gallery_id: i64| {
        let photos = photos.get(&gallery_id)?;
        let chosen = galleries
            .get(&gallery_id)
            .and_then(|gallery| gallery.cover_photo_id);
        chosen
            .and_then(|id| photos.iter().find(|photo| photo.id == id))
            .or_else(|| photos.first())
            .cloned()
    };
    let items = articles
        .into_iter()
        .map(|article| FeedItem {
            section: sections.get(&article.section_id).cloned(),
            tags: tags.remove(&article.id).unwrap_or_default(),
            cover: article.gallery_id.and_then(cover_of),
            article,
        })
        .collect();
    Ok(Some(Feed { topic, items }))
}

/// One page of the sitemap as its index lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SitemapPageSummary {
    /// Counted from 1.
    pub number: u64,
    /// The latest change of an article on the page.
    pub last_modified: Option<DateTime<Utc>>,
}

/// The sitemap's pages: published articles by id, `SITEMAP_PAGE_SIZE` to a page. A site
/// without articles still has one (empty) page, so the index is never empty.
pub async fn sitemap_pages(db: &impl ConnectionTrait) -> Result<Vec<SitemapPageSummary>, DbErr> {
    let published = article::Entity::find()
        .filter(published_only())
        .count(db)
        .await?;
    let pages = published.div_ceil(SITEMAP_PAGE_SIZE).max(1);
    let mut summaries = Vec::new();
    for number in 1..=pages {
        let last_modified: Option<DateTime<Utc>> = page_of_articles(number)
            .select_only()
            .column(article::Column::UpdatedAt)
            .into_tuple::<DateTime<Utc>>()
            .all(db)
            .await?
            .into_iter()
            .max();
        summaries.push(SitemapPageSummary {
            number,
            last_modified,
        });
    }
    Ok(summaries)
}

/// The published articles on page `number` of the sitemap: ordered by id, so a page keeps
/// its articles as new ones are published (they land on the last page).
fn page_of_articles(number: u64) -> sea_orm::Select<article::Entity> {
    article::Entity::find()
        .filter(published_only())
        .order_by_asc(article::Column::Id)
        .offset(number.saturating_sub(1).saturating_mul(SITEMAP_PAGE_SIZE))
        .limit(SITEMAP_PAGE_SIZE)
}

/// One address of the sitemap.
#[derive(Clone, Debug)]
pub struct SitemapEntry {
    pub slug: String,
    pub last_modified: DateTime<Utc>,
    /// The photos of the article's gallery, in gallery order; one list per gallery,
    /// shared by every article that shows it.
    pub photos: Arc<[SitemapPhoto]>,
}

/// A photo as a sitemap names it: where its renditions are, nothing more (a page lists
/// up to 50,000 articles, and whole photo rows, inline placeholders included, made a
/// page's render take hundreds of megabytes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SitemapPhoto {
    pub content_hash: String,
    pub widths: Vec<u32>,
}

/// The entries of page `number` (from 1); empty beyond the last page.
pub async fn sitemap_page(
    db: &impl ConnectionTrait,
    number: u64,
) -> Result<Vec<SitemapEntry>, DbErr> {
    let rows: Vec<(String, DateTime<Utc>, Option<i64>)> = page_of_articles(number)
        .select_only()
        .column(article::Column::Slug)
        .column(article::Column::UpdatedAt)
        .column(article::Column::GalleryId)
        .into_tuple()
        .all(db)
        .await?;
    let mut gallery_ids: Vec<i64> = rows.iter().filter_map(|(_, _, gallery)| *gallery).collect();
    gallery_ids.sort_unstable();
    gallery_ids.dedup();
    let mut photos: HashMap<i64, Arc<[SitemapPhoto]>> = HashMap::new();
    for chunk in gallery_ids.chunks(GALLERY_IDS_PER_STATEMENT) {
        photos.extend(sitemap_photos_by_gallery(db, chunk).await?);
    }
    let no_photos: Arc<[SitemapPhoto]> = Arc::from(Vec::new());
    Ok(rows
        .into_iter()
        .map(|(slug, last_modified, gallery)| SitemapEntry {
            slug,
            last_modified,
            photos: gallery
                .and_then(|gallery| photos.get(&gallery).cloned())
                .unwrap_or_else(|| no_photos.clone()),
        })
        .collect())
}

/// The stored photos of each gallery in gallery order, as sitemaps name them.
async fn sitemap_photos_by_gallery(
    db: &impl ConnectionTrait,
    gallery_ids: &[i64],
) -> Result<HashMap<i64, Arc<[SitemapPhoto]>>, DbErr> {
    let rows: Vec<(i64, String, Option<String>)> = gallery_photo::Entity::find()
        .select_only()
        .column(gallery_photo::Column::GalleryId)
        .column(photo::Column::ContentHash)
        .column(photo::Column::RenditionWidths)
        .join(JoinType::InnerJoin, gallery_photo::Relation::Photo.def())
        .filter(gallery_photo::Column::GalleryId.is_in(gallery_ids.iter().copied()))
        .filter(photo::Column::ContentHash.is_not_null())
        .order_by_asc(gallery_photo::Column::GalleryId)
        .order_by_asc(gallery_photo::Column::Position)
        .into_tuple()
        .all(db)
        .await?;
    let mut by_gallery: HashMap<i64, Vec<SitemapPhoto>> = HashMap::new();
    for (gallery_id, content_hash, widths) in rows {
        by_gallery
            .entry(gallery_id)
            .or_default()
            .push(SitemapPhoto {
                content_hash,
                widths: widths_of(widths.as_deref()),
            });
    }
    Ok(by_gallery
        .into_iter()
        .map(|(gallery_id, photos)| (gallery_id, Arc::from(photos)))
        .collect())
}

/// Articles published since `since`, newest first, at most `NEWS_SITEMAP_LIMIT`: what a
/// Google News sitemap lists (the last two days).
pub async fn news_since(
    db: &impl ConnectionTrait,
    since: DateTime<Utc>,
) -> Result<Vec<article::Model>, DbErr> {
    article::Entity::find()
        .filter(published_only())
        .filter(article::Column::PublishedAt.gte(since))
        .order_by_desc(article::Column::PublishedAt)
        .order_by_desc(article::Column::Id)
        .limit(NEWS_SITEMAP_LIMIT)
        .all(db)
        .await
}
