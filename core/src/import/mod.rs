//! Bringing an old site's articles in: the importers (`wordpress`, `html`) turn what they read
//! into [`ImportedArticle`]s, and [`write_article`] stores each one in its own transaction.
//!
//! Each article remembers where it came from (`article_sources`), so running an import
//! again updates what it imported before instead of duplicating it, and the addresses it
//! had (`article_paths`), which `articleByPath` answers for redirects. Published articles
//! are queued for the search index in the same transaction, like any edit.

pub mod html;
pub mod wordpress;

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use entities::{account, article, article_path, article_source, section, tag};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, QueryFilter, Set,
};

use crate::change_broadcast;
use crate::change_signal::ReplicaId;
use crate::changes::ContentChange;
use crate::content::write::{self, NewArticle, NewPhoto};
use crate::domain::{ArticleBody, ArticleStatus, Role, Slug};
use crate::editing::EditError;
use crate::editing::articles::{free_slug_for_title, replace_tags};
use crate::editing::photos::{PhotoServices, StoredOriginal, store_original};
use crate::editing::revisions::{self, ArticleSnapshot, RevisionKind};

/// The section of articles that came without one (WordPress's "Uncategorized").
const DEFAULT_SECTION: (&str, &str) = ("bez-kategorii", "Bez kategorii");
/// The account of articles whose author the source does not name.
const IMPORT_ACCOUNT: (&str, &str) = ("import@kronika.invalid", "Import");

/// What an importer read: the articles, what it passed over and why, and remarks.
#[derive(Debug, Default)]
pub struct Export {
    pub articles: Vec<ImportedArticle>,
    /// Items that are not articles (pages, menu items, list pages…), with the reason.
    pub skipped: Vec<(String, String)>,
    /// Photos named but not found, and such remarks.
    pub warnings: Vec<String>,
}

/// One article as an importer read it, before it is stored.
#[derive(Clone, Debug)]
pub struct ImportedArticle {
    /// The importer and the item's id there (`wordpress:<site>/?p=<id>`): a rerun finds the
    /// article it stored by this.
    pub source: String,
    /// Paths with query the article had on the old site.
    pub old_paths: Vec<String>,
    pub title: String,
    /// The slug it had, if any; else one is made from the title.
    pub slug: Option<String>,
    pub lead: String,
    /// HTML as the old site stored it; the body sanitiser cleans it.
    pub body_html: String,
    pub byline: String,
    pub author: Option<ImportedAuthor>,
    pub status: ArticleStatus,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub section: Option<ImportedTerm>,
    pub tags: Vec<ImportedTerm>,
    /// Photos for the article's gallery, cover first.
    pub photos: Vec<ImportedPhoto>,
    pub view_count: i64,
}

/// Who wrote an article: an account that cannot log in is made for each.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedAuthor {
    pub name: String,
    pub email: String,
}

/// A section or tag by its slug and name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedTerm {
    pub slug: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedPhoto {
    pub file: PathBuf,
    pub caption: String,
    pub alt: String,
    pub credit: String,
}

/// What happened to one article.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Created {
        article_id: i64,
    },
    Updated {
        article_id: i64,
    },
    /// `--dry-run`: what would have happened.
    WouldCreate,
    WouldUpdate,
}

/// Why one article could not be stored; the import goes on with the next.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    Invalid(String),
    #[error("photo {path}: {message}")]
    Photo { path: String, message: String },
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
}

impl From<EditError> for ImportError {
    fn from(error: EditError) -> Self {
        match error {
            EditError::Database(error) => Self::Database(error),
            other => Self::Invalid(other.to_string()),
        }
    }
}

/// The tally an import prints at its end.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub created: u64,
    pub updated: u64,
    /// What was not an article (pages, menu items, attachments…) and why.
    pub skipped: Vec<(String, String)>,
    /// Articles that could not be stored, and why.
    pub failed: Vec<(String, String)>,
    /// Photos named but not found, and such remarks.
    pub warnings: Vec<String>,
}

impl ImportSummary {
    pub fn record(&mut self, title: &str, outcome: Result<Outcome, ImportError>) {
        match outcome {
            Ok(Outcome::Created { .. } | Outcome::WouldCreate) => self.created += 1,
            Ok(Outcome::Updated { .. } | Outcome::WouldUpdate) => self.updated += 1,
            Err(error) => self.failed.push((title.to_owned(), error.to_string())),
        }
    }
}

/// Imports a WordPress export: every post in its own transaction, so a broken one is
/// reported and the rest go on. `progress(done, total)` hears of each post.
pub async fn wordpress(
    db: &DatabaseConnection,
    photos: &PhotoServices,
    file: &std::path::Path,
    uploads: Option<&std::path::Path>,
    dry_run: bool,
    progress: impl FnMut(u64, u64),
) -> Result<ImportSummary, wordpress::WxrError> {
    let export = wordpress::read(file, uploads, photos.zone)?;
    Ok(store_all(db, photos, export, dry_run, progress).await)
}

/// Imports the article pages of a mirrored old site as `profile` reads them, each in its
/// own transaction.
pub async fn html(
    db: &DatabaseConnection,
    photos: &PhotoServices,
    dir: &std::path::Path,
    profile: &std::path::Path,
    dry_run: bool,
    progress: impl FnMut(u64, u64),
) -> Result<ImportSummary, html::HtmlImportError> {
    let loaded = html::load_profile(profile)?;
    let export = html::read(dir, &loaded, profile, photos.zone)?;
    Ok(store_all(db, photos, export, dry_run, progress).await)
}

async fn store_all(
    db: &DatabaseConnection,
    photos: &PhotoServices,
    export: Export,
    dry_run: bool,
    mut progress: impl FnMut(u64, u64),
) -> ImportSummary {
    let mut summary = ImportSummary {
        skipped: export.skipped,
        warnings: export.warnings,
        ..ImportSummary::default()
    };
    let total = export.articles.len() as u64;
    for (done, article) in (1..).zip(&export.articles) {
        let outcome = write_article(db, photos, article, dry_run).await;
        summary.record(&article.title, outcome);
        progress(done, total);
    }
    summary
}

/// Stores one article in one transaction: created the first time its source is seen,
/// updated (text, dates, status, section, tags, views, old paths) on later runs. Photos
/// are processed only when the article is created; a rerun keeps its gallery. With
/// `dry_run` everything is checked and nothing is written.
pub async fn write_article(
    db: &DatabaseConnection,
    photos: &PhotoServices,
    item: &ImportedArticle,
    dry_run: bool,
) -> Result<Outcome, ImportError> {
    if item.title.trim().is_empty() {
        return Err(ImportError::Invalid("the item has no title".to_owned()));
    }
    let body = ArticleBody::from_untrusted_html(&item.body_html)
        .map_err(|error| ImportError::Invalid(format!("body: {error}")))?;
    let existing = article_source::Entity::find_by_id(item.source.clone())
        .one(db)
        .await?;
    if dry_run {
        for photo in &item.photos {
            std::fs::metadata(&photo.file).map_err(|error| ImportError::Photo {
                path: photo.file.display().to_string(),
                message: error.to_string(),
            })?;
        }
        return Ok(if existing.is_some() {
            Outcome::WouldUpdate
        } else {
            Outcome::WouldCreate
        });
    }
    // Photos are processed before the transaction (it takes a while) and only for a new
    // article; if the transaction fails, their files go again.
    let stored = match existing {
        Some(_) => Vec::new(),
        None => store_photos(db, photos, &item.photos).await?,
    };
    let transaction = crate::db::begin_write(db).await?;
    let written = match &existing {
        Some(source) => update(&transaction, item, body, source.article_id).await,
        None => create(&transaction, item, body, &stored).await,
    };
    let outcome = match written {
        Ok(outcome) => commit(transaction, outcome).await,
        Err(error) => Err(error),
    };
    if outcome.is_err() {
        for original in stored {
            original.0.discard(&photos.media).await;
        }
    }
    outcome
}

/// Commits one article's transaction. Servers on the same PostgreSQL database hear of
/// the article inside it (`change_broadcast`), so they stop answering from what they
/// cached of it and its lists the moment it commits.
async fn commit(
    transaction: DatabaseTransaction,
    outcome: Outcome,
) -> Result<Outcome, ImportError> {
    if let Outcome::Created { article_id } | Outcome::Updated { article_id } = outcome {
        change_broadcast::announce(
            &transaction,
            ReplicaId::fresh(),
            ContentChange::Article(article_id),
        )
        .await?;
    }
    transaction.commit().await?;
    Ok(outcome)
}

/// A photo stored with the words it goes with.
struct StoredPhoto(StoredOriginal, ImportedPhoto);

async fn store_photos(
    db: &DatabaseConnection,
    photos: &PhotoServices,
    wanted: &[ImportedPhoto],
) -> Result<Vec<StoredPhoto>, ImportError> {
    let mut stored = Vec::new();
    for photo in wanted {
        let outcome = match std::fs::read(&photo.file) {
            Ok(bytes) => store_original(db, photos, bytes.into())
                .await
                .map_err(|error| error.to_string()),
            Err(error) => Err(error.to_string()),
        };
        match outcome {
            Ok(original) => stored.push(StoredPhoto(original, photo.clone())),
            Err(message) => {
                for done in stored {
                    done.0.discard(&photos.media).await;
                }
                return Err(ImportError::Photo {
                    path: photo.file.display().to_string(),
                    message,
                });
            }
        }
    }
    Ok(stored)
}

async fn create(
    db: &impl ConnectionTrait,
    item: &ImportedArticle,
    body: ArticleBody,
    stored: &[StoredPhoto],
) -> Result<Outcome, ImportError> {
    let author = author_account(db, item.author.as_ref()).await?;
    let section_id = section_id(db, item.section.as_ref()).await?;
    let tag_ids = tag_ids(db, &item.tags).await?;
    let slug = free_slug_for_title(db, item.slug.as_deref().unwrap_or(&item.title), None).await?;
    let gallery_id = if stored.is_empty() {
        None
    } else {
        let photos: Vec<NewPhoto> = stored
            .iter()
            .map(|StoredPhoto(original, wanted)| NewPhoto {
                caption: wanted.caption.clone(),
                credit: wanted.credit.clone(),
                alt: wanted.alt.clone(),
                width: original.width,
                height: original.height,
                files: Some(original.files.clone()),
            })
            .collect();
        let gallery_slug = free_gallery_slug(db, &slug).await?;
        Some(
            write::insert_gallery(db, &gallery_slug, &item.title, &photos)
                .await?
                .id,
        )
    };
    let created = write::insert_article(
        db,
        NewArticle {
            slug,
            section_id,
            title: item.title.trim().to_owned(),
            lead: item.lead.trim().to_owned(),
            body,
            byline: item.byline.trim().to_owned(),
            created_by: author,
            status: item.status,
            published_at: item.published_at,
            created_at: item.created_at,
            updated_at: item.updated_at,
            gallery_id,
            tag_ids,
            view_count: item.view_count,
        },
    )
    .await?;
    let after = ArticleSnapshot::of(db, &created).await?;
    revisions::record(db, created.id, None, RevisionKind::Created, None, &after).await?;
    remember(db, item, created.id).await?;
    Ok(Outcome::Created {
        article_id: created.id,
    })
}

async fn update(
    db: &impl ConnectionTrait,
    item: &ImportedArticle,
    body: ArticleBody,
    article_id: i64,
) -> Result<Outcome, ImportError> {
    let current = article::Entity::find_by_id(article_id)
        .one(db)
        .await?
        .ok_or_else(|| ImportError::Invalid("its article was deleted".to_owned()))?;
    let before = ArticleSnapshot::of(db, &current).await?;
    let section_id = section_id(db, item.section.as_ref()).await?;
    let tag_ids = tag_ids(db, &item.tags).await?;
    let headings_json = body.headings_json();
    let version = current.version + 1;
    let mut changed: article::ActiveModel = current.into();
    changed.section_id = Set(section_id);
    changed.title = Set(item.title.trim().to_owned());
    changed.lead = Set(item.lead.trim().to_owned());
    changed.body_html = Set(body.html);
    changed.body_text = Set(body.text);
    changed.headings_json = Set(headings_json);
    changed.byline = Set(item.byline.trim().to_owned());
    changed.status = Set(item.status);
    changed.published_at = Set(item.published_at);
    changed.updated_at = Set(item.updated_at);
    changed.view_count = Set(item.view_count);
    changed.version = Set(version);
    let updated = changed.update(db).await?;
    crate::content::title_terms::replace(db, updated.id, &updated.title).await?;
    replace_tags(db, updated.id, &tag_ids).await?;
    let after = ArticleSnapshot::of(db, &updated).await?;
    // Nothing new since the last run: no revision, and no search update needed.
    if !before.changed_fields(&after).is_empty() {
        revisions::record(
            db,
            updated.id,
            None,
            RevisionKind::Updated,
            Some(&before),
            &after,
        )
        .await?;
    }
    remember(db, item, updated.id).await?;
    Ok(Outcome::Updated {
        article_id: updated.id,
    })
}

/// Records the source and the old paths (a path another article already has stays
/// with that one).
async fn remember(
    db: &impl ConnectionTrait,
    item: &ImportedArticle,
    article_id: i64,
) -> Result<(), ImportError> {
    if article_source::Entity::find_by_id(item.source.clone())
        .one(db)
        .await?
        .is_none()
    {
        article_source::ActiveModel {
            source: Set(item.source.clone()),
            article_id: Set(article_id),
            imported_at: Set(Utc::now()),
        }
        .insert(db)
        .await?;
    }
    for path in &item.old_paths {
        if article_path::Entity::find_by_id(path.clone())
            .one(db)
            .await?
            .is_none()
        {
            article_path::ActiveModel {
                path: Set(path.clone()),
                article_id: Set(article_id),
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}

/// The account of an author, made (without a password: it cannot log in) the first time.
async fn author_account(
    db: &impl ConnectionTrait,
    author: Option<&ImportedAuthor>,
) -> Result<i64, ImportError> {
    let (email, name) = match author {
        Some(author) if !author.email.trim().is_empty() => (
            author.email.trim().to_lowercase(),
            author.name.trim().to_owned(),
        ),
        _ => (IMPORT_ACCOUNT.0.to_owned(), IMPORT_ACCOUNT.1.to_owned()),
    };
    if let Some(found) = account::Entity::find()
        .filter(account::Column::Email.eq(&email))
        .one(db)
        .await?
    {
        return Ok(found.id);
    }
    let name = if name.is_empty() { email.clone() } else { name };
    Ok(write::insert_account(db, &email, &name, Role::Author, None)
        .await?
        .id)
}

async fn section_id(
    db: &impl ConnectionTrait,
    wanted: Option<&ImportedTerm>,
) -> Result<i64, ImportError> {
    let (slug, name) = match wanted {
        Some(term) => (term_slug(term)?, term.name.trim().to_owned()),
        None => (
            Slug::parse(DEFAULT_SECTION.0)
                .map_err(|error| ImportError::Invalid(error.to_string()))?,
            DEFAULT_SECTION.1.to_owned(),
        ),
    };
    if let Some(found) = section::Entity::find()
        .filter(section::Column::Slug.eq(slug.as_str()))
        .one(db)
        .await?
    {
        return Ok(found.id);
    }
    Ok(write::insert_section(db, &slug, &name, 0).await?.id)
}

async fn tag_ids(
    db: &impl ConnectionTrait,
    wanted: &[ImportedTerm],
) -> Result<Vec<i64>, ImportError> {
    let mut ids = Vec::new();
    for term in wanted {
        let slug = term_slug(term)?;
        let id = match tag::Entity::find()
            .filter(tag::Column::Slug.eq(slug.as_str()))
            .one(db)
            .await?
        {
            Some(found) => found.id,
            None => write::insert_tag(db, &slug, term.name.trim()).await?.id,
        };
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// The term's slug if it is a valid one, else one made from its name.
fn term_slug(term: &ImportedTerm) -> Result<Slug, ImportError> {
    Slug::parse(&term.slug)
        .or_else(|_| Slug::from_title(&term.name))
        .map_err(|error| ImportError::Invalid(format!("{}: {error}", term.name)))
}

async fn free_gallery_slug(db: &impl ConnectionTrait, base: &Slug) -> Result<Slug, ImportError> {
    use entities::gallery;
    for suffix in 1..1_000 {
        let candidate = if suffix == 1 {
            base.to_string()
        } else {
            format!("{base}-{suffix}")
        };
        let taken = gallery::Entity::find()
            .filter(gallery::Column::Slug.eq(candidate.as_str()))
            .one(db)
            .await?
            .is_some();
        if !taken {
            return Slug::parse(&candidate)
                .map_err(|error| ImportError::Invalid(error.to_string()));
        }
    }
    Err(ImportError::Invalid(format!(
        "no free gallery slug for {base}"
    )))
}
