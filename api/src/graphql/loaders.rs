//! DataLoaders: every relation field asks one of these, which batches the keys of all
//! parents in a request into one statement per relation.
//!
//! Loaders are created per request, so their own caches never serve one reader's data to
//! another or outlive a change. Readers' requests (no credentials) read through the
//! shared entity cache (`kronika_core::entity_cache`), which content changes keep exact.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, Loader};
use chrono::NaiveDate;
use entities::{account, article, gallery, photo, section, tag};
use sea_orm::{DatabaseConnection, DbErr};

use kronika_core::content::article_list::{self, ArticleOrder, ArticlePage};
use kronika_core::content::attachments::{self, AttachmentSummary};
use kronika_core::content::views as view_statistics;
use kronika_core::content::{Audience, article_pages, photo_library, relations};
use kronika_core::entity_cache::{self as cached, EntityCache, Fill, Kind};

macro_rules! batch_loader {
    ($(#[$doc:meta])* $name:ident, $value:ty, $query:path) => {
        $(#[$doc])*
        pub struct $name(DatabaseConnection);

        impl Loader<i64> for $name {
            type Value = $value;
            type Error = Arc<DbErr>;

            async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
                $query(&self.0, keys).await.map_err(Arc::new)
            }
        }
    };
}

/// A loader that reads through the entity cache: the database and the cache (switched off
/// for editors' requests).
macro_rules! cached_loader {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        pub struct $name {
            db: DatabaseConnection,
            cache: EntityCache,
        }

        impl From<(DatabaseConnection, EntityCache)> for $name {
            fn from((db, cache): (DatabaseConnection, EntityCache)) -> Self {
                Self { db, cache }
            }
        }
    };
}

/// Like `batch_loader!`, for rows readers' requests find in the entity cache first: the
/// keys it lacks are read with one statement and stored. Editors' requests get a loader
/// whose cache is off, so they always read the database.
macro_rules! cached_batch_loader {
    ($(#[$doc:meta])* $name:ident, $kind:ty, $query:path) => {
        cached_loader!($(#[$doc])* $name);

        impl Loader<i64> for $name {
            type Value = <$kind as Kind>::Value;
            type Error = Arc<DbErr>;

            async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
                let (mut found, missing) = self.cache.get_many::<$kind>(keys);
                if missing.is_empty() {
                    return Ok(found);
                }
                let fill = self.cache.begin_fill();
                let read: HashMap<i64, Self::Value> = $query(&self.db, &missing)
                    .await
                    .map_err(Arc::new)?
                    .into_iter()
                    .map(|(key, value)| (key, value.into()))
                    .collect();
                self.cache
                    .store::<$kind>(fill, read.iter().map(|(key, value)| (*key, value.clone())));
                found.extend(read);
                Ok(found)
            }
        }
    };
}

cached_batch_loader!(
    /// Sections by id.
    SectionLoader, cached::Sections, relations::sections_by_id
);
cached_batch_loader!(
    /// Editor accounts by id, without their password hashes.
    AccountLoader, cached::Accounts, relations::public_accounts_by_id
);
cached_batch_loader!(
    /// Galleries by id.
    GalleryLoader, cached::Galleries, relations::galleries_by_id
);
cached_loader!(
    /// The tags of each article, by article id. What it reads it keeps twice: as each
    /// article's list, and each tag by id (which `keep_published` makes lists from).
    ArticleTagsLoader
);

impl Loader<i64> for ArticleTagsLoader {
    type Value = Arc<Vec<tag::Model>>;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let (mut found, missing) = self.cache.get_many::<cached::ArticleTags>(keys);
        if missing.is_empty() {
            return Ok(found);
        }
        let fill = self.cache.begin_fill();
        let read = relations::tags_by_article(&self.db, &missing)
            .await
            .map_err(Arc::new)?;
        for (article_id, tags) in read {
            self.cache
                .store::<cached::Tags>(fill, tags.iter().map(|tag| (tag.id, tag.clone())));
            let tags = Arc::new(tags);
            self.cache
                .store::<cached::ArticleTags>(fill, [(article_id, tags.clone())]);
            found.insert(article_id, tags);
        }
        Ok(found)
    }
}
cached_batch_loader!(
    /// The ordered photos of each gallery, by gallery id.
    GalleryPhotosLoader, cached::GalleryPhotos, relations::photos_by_gallery
);
cached_batch_loader!(
    /// The ordered attachments of each article, by article id.
    ArticleAttachmentsLoader, cached::ArticleAttachments, attachments::attachments_of_articles
);

cached_loader!(
    /// Published articles by id (the article query, search hits); unpublished ones are
    /// absent. Each is read with its gallery and tag ids in one statement, and what was
    /// read beside it is kept too, so that its page needs only its photos.
    PublishedArticleLoader
);

impl Loader<i64> for PublishedArticleLoader {
    type Value = Arc<article::Model>;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let (mut found, missing) = self.cache.get_many::<cached::Articles>(keys);
        if missing.is_empty() {
            return Ok(found);
        }
        let fill = self.cache.begin_fill();
        let read = article_pages::by_ids(&self.db, &missing)
            .await
            .map_err(Arc::new)?;
        found.extend(
            keep_published(&self.cache, fill, read)
                .into_iter()
                .map(|article| (article.id, article)),
        );
        Ok(found)
    }
}

/// Stores published articles read with their relations, and what came with them: the
/// gallery, and the tags when every one of them is known (tags are few and shared, so
/// they almost always are). Returns the articles.
pub fn keep_published(
    cache: &EntityCache,
    fill: Fill,
    read: Vec<article_pages::PublishedArticle>,
) -> Vec<Arc<article::Model>> {
    let mut articles = Vec::with_capacity(read.len());
    for page in read {
        let article = Arc::new(page.article);
        if let Some(gallery) = page.gallery {
            cache.store::<cached::Galleries>(fill, [(gallery.id, gallery)]);
        }
        let tags: Option<Vec<tag::Model>> = page
            .tag_ids
            .iter()
            .map(|id| cache.get::<cached::Tags, i64>(id))
            .collect();
        if let Some(mut tags) = tags {
            relations::sort_tags(&mut tags);
            cache.store::<cached::ArticleTags>(fill, [(article.id, Arc::new(tags))]);
        }
        cache.store::<cached::Articles>(fill, [(article.id, article.clone())]);
        articles.push(article);
    }
    articles
}

batch_loader!(
    /// The number of published articles of each section, by section id.
    SectionArticleCountLoader, u64, article_list::counts_by_section
);

/// Which first page of a section's articles a field asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SectionPageKey {
    pub section_id: i64,
    pub order: ArticleOrder,
    pub first: u64,
}

/// The first page of articles of each section. Fields that ask for the same ordering and
/// page size share one statement, however many sections they cover.
pub struct SectionFirstPageLoader(DatabaseConnection);

impl Loader<SectionPageKey> for SectionFirstPageLoader {
    type Value = ArticlePage;
    type Error = Arc<DbErr>;

    async fn load(
        &self,
        keys: &[SectionPageKey],
    ) -> Result<HashMap<SectionPageKey, ArticlePage>, Self::Error> {
        let mut sections_by_shape: HashMap<(ArticleOrder, u64), Vec<i64>> = HashMap::new();
        for key in keys {
            sections_by_shape
                .entry((key.order, key.first))
                .or_default()
                .push(key.section_id);
        }
        let mut pages = HashMap::new();
        for ((order, first), section_ids) in sections_by_shape {
            let by_section =
                article_list::first_pages_by_section(&self.0, &section_ids, order, first)
                    .await
                    .map_err(Arc::new)?;
            for (section_id, page) in by_section {
                let key = SectionPageKey {
                    section_id,
                    order,
                    first,
                };
                pages.insert(key, page);
            }
        }
        Ok(pages)
    }
}

/// Which days of an article's view series a field asks for (both ends included).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DailyViewsKey {
    pub article_id: i64,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// The days with views of each article within a range, in day order. Fields that ask
/// for the same range share one statement, however many articles they cover.
pub struct DailyViewsLoader(DatabaseConnection);

impl Loader<DailyViewsKey> for DailyViewsLoader {
    type Value = Vec<(NaiveDate, i64)>;
    type Error = Arc<DbErr>;

    async fn load(
        &self,
        keys: &[DailyViewsKey],
    ) -> Result<HashMap<DailyViewsKey, Self::Value>, Self::Error> {
        let mut articles_by_range: HashMap<(NaiveDate, NaiveDate), Vec<i64>> = HashMap::new();
        for key in keys {
            articles_by_range
                .entry((key.from, key.to))
                .or_default()
                .push(key.article_id);
        }
        let mut series = HashMap::new();
        for ((from, to), article_ids) in articles_by_range {
            let mut by_article = view_statistics::daily_views(&self.0, &article_ids, from, to)
                .await
                .map_err(Arc::new)?;
            for article_id in article_ids {
                let days = by_article.remove(&article_id).unwrap_or_default();
                series.insert(
                    DailyViewsKey {
                        article_id,
                        from,
                        to,
                    },
                    days,
                );
            }
        }
        Ok(series)
    }
}

/// Which photo's galleries a field asks for, and for whose eyes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PhotoGalleriesKey {
    pub photo_id: i64,
    pub audience: Audience,
}

/// The galleries holding each photo, as the audience may see them. One statement per
/// audience, however many photos (a request has one audience).
pub struct PhotoGalleriesLoader(DatabaseConnection);

impl Loader<PhotoGalleriesKey> for PhotoGalleriesLoader {
    type Value = Vec<gallery::Model>;
    type Error = Arc<DbErr>;

    async fn load(
        &self,
        keys: &[PhotoGalleriesKey],
    ) -> Result<HashMap<PhotoGalleriesKey, Self::Value>, Self::Error> {
        let mut photos_by_audience: HashMap<Audience, Vec<i64>> = HashMap::new();
        for key in keys {
            photos_by_audience
                .entry(key.audience)
                .or_default()
                .push(key.photo_id);
        }
        let mut galleries = HashMap::new();
        for (audience, photo_ids) in photos_by_audience {
            let mut by_photo = photo_library::galleries_using_photos(&self.0, &photo_ids, audience)
                .await
                .map_err(Arc::new)?;
            for photo_id in photo_ids {
                let key = PhotoGalleriesKey { photo_id, audience };
                galleries.insert(key, by_photo.remove(&photo_id).unwrap_or_default());
            }
        }
        Ok(galleries)
    }
}

/// All loaders of one request, and the entity cache they read through (off for
/// editors' requests).
pub struct Loaders {
    pub cache: EntityCache,
    pub sections: DataLoader<SectionLoader>,
    pub section_first_pages: DataLoader<SectionFirstPageLoader>,
    pub section_article_counts: DataLoader<SectionArticleCountLoader>,
    pub accounts: DataLoader<AccountLoader>,
    pub galleries: DataLoader<GalleryLoader>,
    pub article_tags: DataLoader<ArticleTagsLoader>,
    pub gallery_photos: DataLoader<GalleryPhotosLoader>,
    pub daily_views: DataLoader<DailyViewsLoader>,
    pub published_articles: DataLoader<PublishedArticleLoader>,
    pub photo_galleries: DataLoader<PhotoGalleriesLoader>,
    pub article_attachments: DataLoader<ArticleAttachmentsLoader>,
}

/// Looks up `id` in the entity cache, and only when it is not there asks `loader`. A
/// DataLoader waits a moment to gather the keys of a whole level of the query into one
/// statement; a value already in memory must not wait for that (on a page of several
/// levels those moments were most of a cached request's time).
async fn from_memory_or_batched<K, L>(
    cache: &EntityCache,
    loader: &DataLoader<L>,
    id: i64,
) -> Result<Option<K::Value>, Arc<DbErr>>
where
    K: Kind<Key = i64>,
    L: Loader<i64, Value = K::Value, Error = Arc<DbErr>>,
{
    if let Some(found) = cache.get::<K, i64>(&id) {
        return Ok(Some(found));
    }
    loader.load_one(id).await
}

impl Loaders {
    pub async fn section(&self, id: i64) -> Result<Option<section::Model>, Arc<DbErr>> {
        from_memory_or_batched::<cached::Sections, _>(&self.cache, &self.sections, id).await
    }

    pub async fn account(&self, id: i64) -> Result<Option<account::Model>, Arc<DbErr>> {
        from_memory_or_batched::<cached::Accounts, _>(&self.cache, &self.accounts, id).await
    }

    pub async fn gallery(&self, id: i64) -> Result<Option<gallery::Model>, Arc<DbErr>> {
        from_memory_or_batched::<cached::Galleries, _>(&self.cache, &self.galleries, id).await
    }

    pub async fn tags_of_article(
        &self,
        article_id: i64,
    ) -> Result<Option<Arc<Vec<tag::Model>>>, Arc<DbErr>> {
        from_memory_or_batched::<cached::ArticleTags, _>(
            &self.cache,
            &self.article_tags,
            article_id,
        )
        .await
    }

    pub async fn photos_of_gallery(
        &self,
        gallery_id: i64,
    ) -> Result<Option<Arc<Vec<photo::Model>>>, Arc<DbErr>> {
        from_memory_or_batched::<cached::GalleryPhotos, _>(
            &self.cache,
            &self.gallery_photos,
            gallery_id,
        )
        .await
    }

    pub async fn attachments_of_article(
        &self,
        article_id: i64,
    ) -> Result<Option<Arc<Vec<AttachmentSummary>>>, Arc<DbErr>> {
        from_memory_or_batched::<cached::ArticleAttachments, _>(
            &self.cache,
            &self.article_attachments,
            article_id,
        )
        .await
    }

    pub async fn published_article(
        &self,
        id: i64,
    ) -> Result<Option<Arc<article::Model>>, Arc<DbErr>> {
        from_memory_or_batched::<cached::Articles, _>(&self.cache, &self.published_articles, id)
            .await
    }

    pub fn new(db: &DatabaseConnection, cache: EntityCache) -> Self {
        let cached = |db: &DatabaseConnection| (db.clone(), cache.clone());
        Self {
            sections: DataLoader::new(SectionLoader::from(cached(db)), tokio::spawn),
            section_first_pages: DataLoader::new(SectionFirstPageLoader(db.clone()), tokio::spawn),
            section_article_counts: DataLoader::new(
                SectionArticleCountLoader(db.clone()),
                tokio::spawn,
            ),
            accounts: DataLoader::new(AccountLoader::from(cached(db)), tokio::spawn),
            galleries: DataLoader::new(GalleryLoader::from(cached(db)), tokio::spawn),
            article_tags: DataLoader::new(ArticleTagsLoader::from(cached(db)), tokio::spawn),
            gallery_photos: DataLoader::new(GalleryPhotosLoader::from(cached(db)), tokio::spawn),
            daily_views: DataLoader::new(DailyViewsLoader(db.clone()), tokio::spawn),
            published_articles: DataLoader::new(
                PublishedArticleLoader::from(cached(db)),
                tokio::spawn,
            ),
            photo_galleries: DataLoader::new(PhotoGalleriesLoader(db.clone()), tokio::spawn),
            article_attachments: DataLoader::new(
                ArticleAttachmentsLoader::from(cached(db)),
                tokio::spawn,
            ),
            cache,
        }
    }
}
