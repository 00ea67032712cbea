//! DataLoaders: every relation field asks one of these, which batches the keys of all
//! parents in a request into one statement per relation.
//!
//! Loaders are created per request, so their caches never serve one reader's data to
//! another or outlive a change.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, Loader};
use entities::{account, gallery, photo, section, tag};
use sea_orm::{DatabaseConnection, DbErr};

use crate::content::relations;

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

batch_loader!(
    /// Sections by id.
    SectionLoader, section::Model, relations::sections_by_id
);
batch_loader!(
    /// Editor accounts by id.
    AccountLoader, account::Model, relations::accounts_by_id
);
batch_loader!(
    /// Galleries by id.
    GalleryLoader, gallery::Model, relations::galleries_by_id
);
batch_loader!(
    /// The tags of each article, by article id.
    ArticleTagsLoader, Vec<tag::Model>, relations::tags_by_article
);
batch_loader!(
    /// The ordered photos of each gallery, by gallery id.
    GalleryPhotosLoader, Vec<photo::Model>, relations::photos_by_gallery
);

/// All loaders of one request.
pub struct Loaders {
    pub sections: DataLoader<SectionLoader>,
    pub accounts: DataLoader<AccountLoader>,
    pub galleries: DataLoader<GalleryLoader>,
    pub article_tags: DataLoader<ArticleTagsLoader>,
    pub gallery_photos: DataLoader<GalleryPhotosLoader>,
}

impl Loaders {
    pub fn new(db: &DatabaseConnection) -> Self {
        Self {
            sections: DataLoader::new(SectionLoader(db.clone()), tokio::spawn),
            accounts: DataLoader::new(AccountLoader(db.clone()), tokio::spawn),
            galleries: DataLoader::new(GalleryLoader(db.clone()), tokio::spawn),
            article_tags: DataLoader::new(ArticleTagsLoader(db.clone()), tokio::spawn),
            gallery_photos: DataLoader::new(GalleryPhotosLoader(db.clone()), tokio::spawn),
        }
    }
}
