//! An in-memory copy of the published content readers ask for: articles, their tags,
//! sections, bylines' accounts, galleries and their ordered photos.
//!
//! Readers' requests (no credentials) look here before the database, through the GraphQL
//! DataLoaders, so that any query shape about content read in the last moments is
//! answered without SQL. Editors' requests never use it: they see drafts and must see
//! every write at once.
//!
//! Three things keep it exact:
//!
//! - the one "content changed" signal (`change_signal`): a change drops exactly what it
//!   touched (an article's change its row and tags, a gallery's change the gallery and its
//!   photos, a taxonomy change every section and tag list), and on PostgreSQL other
//!   replicas' changes arrive through the same signal;
//! - a generation counter: a row read from the database while any change was heard is
//!   not stored, since it may predate the change (see [`EntityCache::begin_fill`]);
//! - a time to live, the safety net for what no signal announces (a view flush on
//!   another replica, an edit made straight in the database).
//!
//! What it holds is bounded by an estimate of the bytes it takes: the setting
//! `--entity-cache-mib`, 0 to switch it off.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use entities::{account, article, gallery, photo, section, tag};

use crate::change_signal::ChangeListener;
use crate::changes::ContentChange;
use crate::content::attachments::AttachmentSummary;

/// The default bound: 100,000 articles of the seed's size with their tags, galleries and
/// photos fit in it with room to spare.
pub const DEFAULT_BOUND_MIB: u64 = 256;

/// How long an entry lives even when no change is heard.
const TIME_TO_LIVE: Duration = Duration::from_secs(30);

/// Which part of the bound each kind may take, in percent. Articles are most of what is
/// read; the other kinds are small or shared by many articles.
const ARTICLES_SHARE: u64 = 70;
const GALLERY_PHOTOS_SHARE: u64 = 20;
const SMALL_KINDS_SHARE: u64 = 10;

/// The cache; cloning shares it. Switched off, every lookup misses and nothing is stored.
#[derive(Clone, Default)]
pub struct EntityCache {
    shelves: Option<Arc<Shelves>>,
}

/// The caches behind an [`EntityCache`], one per [`Kind`]; only this module reaches
/// inside.
pub struct Shelves {
    /// Published articles by id.
    articles: moka::sync::Cache<i64, Arc<article::Model>>,
    /// The article a slug (current or former) found, by slug. A slug names one article
    /// for as long as it lives (former slugs stay reserved), so a change need not drop
    /// it; a slug whose article is gone is looked up again (see `content::article_by_slug`).
    article_ids_by_slug: moka::sync::Cache<Arc<str>, i64>,
    /// The tags of each published article, by article id.
    article_tags: moka::sync::Cache<i64, Arc<Vec<tag::Model>>>,
    /// Tags by id: what an article's tag ids, read with its row, are made into.
    tags: moka::sync::Cache<i64, tag::Model>,
    sections: moka::sync::Cache<i64, section::Model>,
    accounts: moka::sync::Cache<i64, account::Model>,
    /// Galleries shown by published articles, by id.
    galleries: moka::sync::Cache<i64, gallery::Model>,
    /// The ordered photos of each such gallery, by gallery id.
    gallery_photos: moka::sync::Cache<i64, Arc<Vec<photo::Model>>>,
    /// The ordered attachments of each published article, without their text.
    article_attachments: moka::sync::Cache<i64, Arc<Vec<AttachmentSummary>>>,
    /// Counts the changes heard; see [`EntityCache::begin_fill`].
    generation: AtomicU64,
}

/// The values of one kind found in the cache, by key.
pub type Found<K> = HashMap<<K as Kind>::Key, <K as Kind>::Value>;

/// Taken before reading rows to store: proof of which changes the reader had heard of.
#[derive(Clone, Copy, Debug)]
pub struct Fill {
    generation: u64,
}

/// One kind of entry: how to reach its shelf.
pub trait Kind {
    type Key: Hash + Eq + Send + Sync + Clone + 'static;
    type Value: Clone + Send + Sync + 'static;
    fn shelf(shelves: &Shelves) -> &moka::sync::Cache<Self::Key, Self::Value>;
}

macro_rules! kind {
    ($(#[$doc:meta])* $name:ident, $key:ty, $value:ty, $field:ident) => {
        $(#[$doc])*
        pub struct $name;

        impl Kind for $name {
            type Key = $key;
            type Value = $value;
            fn shelf(shelves: &Shelves) -> &moka::sync::Cache<$key, $value> {
                &shelves.$field
            }
        }
    };
}

kind!(
    /// Published articles by id.
    Articles, i64, Arc<article::Model>, articles
);
kind!(
    /// Article ids by a slug that found them.
    ArticleIdsBySlug, Arc<str>, i64, article_ids_by_slug
);
kind!(
    /// The tags of each published article.
    ArticleTags, i64, Arc<Vec<tag::Model>>, article_tags
);
kind!(
    /// Tags by id.
    Tags, i64, tag::Model, tags
);
kind!(
    /// Sections by id.
    Sections, i64, section::Model, sections
);
kind!(
    /// Accounts (bylines' editors) by id.
    Accounts, i64, account::Model, accounts
);
kind!(
    /// Galleries of published articles by id.
    Galleries, i64, gallery::Model, galleries
);
kind!(
    /// The ordered photos of each gallery of a published article.
    GalleryPhotos, i64, Arc<Vec<photo::Model>>, gallery_photos
);

kind!(
    /// The ordered attachments of each published article.
    ArticleAttachments, i64, Arc<Vec<AttachmentSummary>>, article_attachments
);

impl EntityCache {
    /// A cache holding about `bound_mib` MiB at most; 0 switches it off.
    pub fn new(bound_mib: u64) -> Self {
        if bound_mib == 0 {
            return Self::off();
        }
        let bound = bound_mib * 1024 * 1024;
        let share = |percent: u64| bound / 100 * percent;
        let small = share(SMALL_KINDS_SHARE) / 5;
        Self {
            shelves: Some(Arc::new(Shelves {
                articles: shelf(share(ARTICLES_SHARE), |_, article: &Arc<article::Model>| {
                    article_bytes(article)
                }),
                article_ids_by_slug: shelf(small, |slug: &Arc<str>, _| slug.len() + 64),
                article_tags: shelf(small, |_, tags: &Arc<Vec<tag::Model>>| {
                    tags.iter().map(tag_bytes).sum::<usize>() + 64
                }),
                tags: shelf(small / 2, |_, tag| tag_bytes(tag)),
                sections: shelf(small / 2, |_, section| section_bytes(section)),
                accounts: shelf(small / 2, |_, account| account_bytes(account)),
                galleries: shelf(small, |_, gallery| gallery_bytes(gallery)),
                gallery_photos: shelf(
                    share(GALLERY_PHOTOS_SHARE),
                    |_, photos: &Arc<Vec<photo::Model>>| {
                        photos.iter().map(photo_bytes).sum::<usize>() + 64
                    },
                ),
                article_attachments: shelf(
                    small,
                    |_, attachments: &Arc<Vec<AttachmentSummary>>| {
                        attachments
                            .iter()
                            .map(AttachmentSummary::weight)
                            .sum::<usize>()
                            + 64
                    },
                ),
                generation: AtomicU64::new(0),
            })),
        }
    }

    /// A cache that holds nothing: every lookup misses.
    pub fn off() -> Self {
        Self { shelves: None }
    }

    pub fn is_on(&self) -> bool {
        self.shelves.is_some()
    }

    /// Call before reading rows that will be stored with [`EntityCache::store`]: if a
    /// change is heard in between, the rows may predate it and are not stored.
    pub fn begin_fill(&self) -> Fill {
        let generation = self
            .shelves
            .as_ref()
            .map_or(0, |shelves| shelves.generation.load(Ordering::Acquire));
        Fill { generation }
    }

    /// The stored value for `key`, if any.
    pub fn get<K: Kind, Q>(&self, key: &Q) -> Option<K::Value>
    where
        K::Key: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        K::shelf(self.shelves.as_deref()?).get(key)
    }

    /// The stored values among `keys`, and the keys that have none.
    pub fn get_many<K: Kind>(&self, keys: &[K::Key]) -> (Found<K>, Vec<K::Key>) {
        let mut found = HashMap::with_capacity(keys.len());
        let mut missing = Vec::new();
        for key in keys {
            match self.get::<K, K::Key>(key) {
                Some(value) => {
                    found.insert(key.clone(), value);
                }
                None => missing.push(key.clone()),
            }
        }
        (found, missing)
    }

    /// Stores values read after `fill` was taken, unless a change was heard since.
    pub fn store<K: Kind>(
        &self,
        fill: Fill,
        entries: impl IntoIterator<Item = (K::Key, K::Value)>,
    ) {
        let Some(shelves) = self.shelves.as_deref() else {
            return;
        };
        if !shelves.unchanged_since(fill) {
            return;
        }
        let shelf = K::shelf(shelves);
        let mut stored = Vec::new();
        for (key, value) in entries {
            shelf.insert(key.clone(), value);
            stored.push(key);
        }
        // A change may have come while storing, and its invalidation reached only the
        // entries stored before it: look again, and take back what may be stale.
        if !shelves.unchanged_since(fill) {
            for key in &stored {
                shelf.invalidate(key);
            }
        }
    }

    /// Entries held per kind, for the metrics and the tests.
    pub fn entry_counts(&self) -> Vec<(&'static str, u64)> {
        let Some(shelves) = self.shelves.as_deref() else {
            return Vec::new();
        };
        shelves.run_pending_tasks();
        vec![
            ("articles", shelves.articles.entry_count()),
            ("article_slugs", shelves.article_ids_by_slug.entry_count()),
            ("article_tags", shelves.article_tags.entry_count()),
            ("tags", shelves.tags.entry_count()),
            ("sections", shelves.sections.entry_count()),
            ("accounts", shelves.accounts.entry_count()),
            ("galleries", shelves.galleries.entry_count()),
            ("gallery_photos", shelves.gallery_photos.entry_count()),
            (
                "article_attachments",
                shelves.article_attachments.entry_count(),
            ),
        ]
    }

    /// The estimated bytes held, for the metrics and the benchmark.
    pub fn weighted_bytes(&self) -> u64 {
        let Some(shelves) = self.shelves.as_deref() else {
            return 0;
        };
        shelves.run_pending_tasks();
        shelves.articles.weighted_size()
            + shelves.article_ids_by_slug.weighted_size()
            + shelves.article_tags.weighted_size()
            + shelves.tags.weighted_size()
            + shelves.sections.weighted_size()
            + shelves.accounts.weighted_size()
            + shelves.galleries.weighted_size()
            + shelves.gallery_photos.weighted_size()
            + shelves.article_attachments.weighted_size()
    }
}

impl Shelves {
    fn unchanged_since(&self, fill: Fill) -> bool {
        self.generation.load(Ordering::Acquire) == fill.generation
    }

    fn run_pending_tasks(&self) {
        self.articles.run_pending_tasks();
        self.article_ids_by_slug.run_pending_tasks();
        self.article_tags.run_pending_tasks();
        self.tags.run_pending_tasks();
        self.sections.run_pending_tasks();
        self.accounts.run_pending_tasks();
        self.galleries.run_pending_tasks();
        self.gallery_photos.run_pending_tasks();
        self.article_attachments.run_pending_tasks();
    }

    fn forget(&self, change: ContentChange) {
        match change {
            ContentChange::Article(id) => {
                self.articles.invalidate(&id);
                self.article_tags.invalidate(&id);
                self.article_attachments.invalidate(&id);
            }
            ContentChange::Gallery(id) => {
                self.galleries.invalidate(&id);
                self.gallery_photos.invalidate(&id);
            }
            ContentChange::Taxonomy => {
                self.sections.invalidate_all();
                self.tags.invalidate_all();
                self.article_tags.invalidate_all();
            }
            ContentChange::Accounts => self.accounts.invalidate_all(),
            // Counts live in the article rows; which articles a flush touched is not
            // said (other replicas' flushes could not say it in one notice).
            ContentChange::ViewCounts => self.articles.invalidate_all(),
            ContentChange::SearchIndex => {}
            ContentChange::Everything => {
                self.articles.invalidate_all();
                self.article_ids_by_slug.invalidate_all();
                self.article_tags.invalidate_all();
                self.tags.invalidate_all();
                self.sections.invalidate_all();
                self.accounts.invalidate_all();
                self.galleries.invalidate_all();
                self.gallery_photos.invalidate_all();
                self.article_attachments.invalidate_all();
            }
        }
    }
}

impl ChangeListener for EntityCache {
    fn content_changed(&self, changes: &[ContentChange]) {
        let Some(shelves) = self.shelves.as_deref() else {
            return;
        };
        if changes
            .iter()
            .all(|change| *change == ContentChange::SearchIndex)
        {
            return;
        }
        // First the generation, so that a fill that read before the change and stores
        // after the invalidation below sees it and takes its entries back.
        shelves.generation.fetch_add(1, Ordering::AcqRel);
        for change in changes {
            shelves.forget(*change);
        }
    }
}

impl std::fmt::Debug for EntityCache {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("EntityCache")
            .field("on", &self.is_on())
            .finish_non_exhaustive()
    }
}

fn shelf<K, V>(
    max_bytes: u64,
    weigh: impl Fn(&K, &V) -> usize + Send + Sync + 'static,
) -> moka::sync::Cache<K, V>
where
    K: Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    moka::sync::Cache::builder()
        .max_capacity(max_bytes)
        .weigher(move |key, value| u32::try_from(weigh(key, value)).unwrap_or(u32::MAX))
        .time_to_live(TIME_TO_LIVE)
        .build()
}

/// Estimates of the heap a row takes: its text plus a fixed overhead per row for the
/// struct, the map entry and moka's bookkeeping.
const ROW_OVERHEAD: usize = 256;

fn article_bytes(article: &article::Model) -> usize {
    ROW_OVERHEAD
        + article.slug.len()
        + article.title.len()
        + article.lead.len()
        + article.body_html.len()
        + article.body_text.len()
        + article.headings_json.len()
        + article.byline.len()
}

fn tag_bytes(tag: &tag::Model) -> usize {
    ROW_OVERHEAD + tag.slug.len() + tag.name.len()
}

fn section_bytes(section: &section::Model) -> usize {
    ROW_OVERHEAD
        + section.slug.len()
        + section.name.len()
        + section.description.as_ref().map_or(0, String::len)
}

fn account_bytes(account: &account::Model) -> usize {
    ROW_OVERHEAD + account.email.len() + account.display_name.len()
}

fn gallery_bytes(gallery: &gallery::Model) -> usize {
    ROW_OVERHEAD
        + gallery.slug.len()
        + gallery.title.len()
        + gallery.description.as_ref().map_or(0, String::len)
}

fn photo_bytes(photo: &photo::Model) -> usize {
    ROW_OVERHEAD
        + photo.caption.len()
        + photo.alt.len()
        + photo.credit.len()
        + photo.search_text.len()
        + [
            &photo.content_hash,
            &photo.original_format,
            &photo.placeholder,
            &photo.blurhash,
            &photo.dominant_color,
            &photo.rendition_widths,
        ]
        .into_iter()
        .map(|text| text.as_ref().map_or(0, String::len))
        .sum::<usize>()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(id: i64, name: &str) -> section::Model {
        section::Model {
            id,
            slug: format!("dzial-{id}"),
            name: name.to_owned(),
            description: None,
            position: 0,
            created_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn a_read_that_raced_a_change_is_not_stored() {
        let cache = EntityCache::new(1);
        let fill = cache.begin_fill();
        // The change commits while the rows read before it are on their way.
        cache.content_changed(&[ContentChange::Taxonomy]);
        cache.store::<Sections>(fill, [(1, section(1, "Aktualności"))]);
        assert!(cache.get::<Sections, i64>(&1).is_none());

        let fill = cache.begin_fill();
        cache.store::<Sections>(fill, [(1, section(1, "Wiadomości"))]);
        assert_eq!(
            cache.get::<Sections, i64>(&1).map(|found| found.name),
            Some("Wiadomości".to_owned())
        );
    }

    #[test]
    fn a_change_drops_only_what_it_touched() {
        let cache = EntityCache::new(1);
        let fill = cache.begin_fill();
        cache.store::<Sections>(fill, [(1, section(1, "Aktualności"))]);
        cache.store::<ArticleIdsBySlug>(fill, [(Arc::from("sesja"), 7)]);
        cache.content_changed(&[ContentChange::Article(7), ContentChange::Gallery(3)]);
        assert!(cache.get::<Sections, i64>(&1).is_some());
        assert_eq!(cache.get::<ArticleIdsBySlug, str>("sesja"), Some(7));
        // The search index catching up changes no content: no generation is spent on it.
        let fill = cache.begin_fill();
        cache.content_changed(&[ContentChange::SearchIndex]);
        cache.store::<Sections>(fill, [(2, section(2, "Wydarzenia"))]);
        assert!(cache.get::<Sections, i64>(&2).is_some());

        cache.content_changed(&[ContentChange::Taxonomy]);
        assert!(cache.get::<Sections, i64>(&1).is_none());
        cache.content_changed(&[ContentChange::Everything]);
        assert!(cache.get::<ArticleIdsBySlug, str>("sesja").is_none());
    }

    #[test]
    fn switched_off_it_holds_nothing() {
        let cache = EntityCache::new(0);
        let fill = cache.begin_fill();
        cache.store::<Sections>(fill, [(1, section(1, "Aktualności"))]);
        assert!(cache.get::<Sections, i64>(&1).is_none());
        assert_eq!(cache.weighted_bytes(), 0);
    }
}
