//! Creating content rows. The demo loader and the test fixtures use these today; the
//! editors' mutations build on them.

use chrono::{DateTime, Utc};
use entities::{account, article, article_tag, gallery, gallery_photo, photo, section, tag};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};

use crate::domain::{ArticleBody, ArticleStatus, Role, Slug};

/// Creates an account; `password_hash` is an argon2id PHC string, or `None` for an
/// account that cannot log in (such as the demo content's editor).
pub async fn insert_account(
    db: &impl ConnectionTrait,
    email: &str,
    display_name: &str,
    role: Role,
    password_hash: Option<String>,
) -> Result<account::Model, DbErr> {
    account::ActiveModel {
        // Logins look addresses up in lower case.
        email: Set(email.trim().to_lowercase()),
        display_name: Set(display_name.to_owned()),
        role: Set(role.as_str().to_owned()),
        created_at: Set(Utc::now()),
        password_hash: Set(password_hash),
        disabled_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
}

pub async fn insert_section(
    db: &impl ConnectionTrait,
    slug: &Slug,
    name: &str,
    position: i32,
) -> Result<section::Model, DbErr> {
    section::ActiveModel {
        slug: Set(slug.to_string()),
        name: Set(name.to_owned()),
        description: Set(None),
        position: Set(position),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
}

pub async fn insert_tag(
    db: &impl ConnectionTrait,
    slug: &Slug,
    name: &str,
) -> Result<tag::Model, DbErr> {
    tag::ActiveModel {
        slug: Set(slug.to_string()),
        name: Set(name.to_owned()),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// A photo's descriptive metadata, and its stored files if it has them.
#[derive(Clone, Debug)]
pub struct NewPhoto {
    pub caption: String,
    pub credit: String,
    pub alt: String,
    pub width: i32,
    pub height: i32,
    pub files: Option<PhotoFiles>,
}

/// What the upload pipeline stored for a photo (see `editing::photos`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhotoFiles {
    pub content_hash: String,
    pub original_format: String,
    pub original_bytes: i64,
    pub taken_at: Option<DateTime<Utc>>,
    pub placeholder: String,
    pub blurhash: String,
    pub dominant_color: String,
    /// Ascending, comma-separated.
    pub rendition_widths: String,
}

impl PhotoFiles {
    /// Sets the file columns of a photo row.
    pub fn apply(&self, row: &mut photo::ActiveModel) {
        row.content_hash = Set(Some(self.content_hash.clone()));
        row.original_format = Set(Some(self.original_format.clone()));
        row.original_bytes = Set(Some(self.original_bytes));
        row.taken_at = Set(self.taken_at);
        row.placeholder = Set(Some(self.placeholder.clone()));
        row.blurhash = Set(Some(self.blurhash.clone()));
        row.dominant_color = Set(Some(self.dominant_color.clone()));
        row.rendition_widths = Set(Some(self.rendition_widths.clone()));
    }
}

/// Creates a gallery holding `photos` in the given order.
pub async fn insert_gallery(
    db: &impl ConnectionTrait,
    slug: &Slug,
    title: &str,
    photos: &[NewPhoto],
) -> Result<gallery::Model, DbErr> {
    let now = Utc::now();
    let gallery = gallery::ActiveModel {
        slug: Set(slug.to_string()),
        title: Set(title.to_owned()),
        description: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    for (position, new_photo) in (0..).zip(photos) {
        let mut row = photo::ActiveModel {
            caption: Set(new_photo.caption.clone()),
            credit: Set(new_photo.credit.clone()),
            alt: Set(new_photo.alt.clone()),
            search_text: Set(super::photo_library::photo_search_text(
                &new_photo.caption,
                &new_photo.credit,
            )),
            width: Set(new_photo.width),
            height: Set(new_photo.height),
            created_at: Set(now),
            updated_at: Set(Some(now)),
            ..Default::default()
        };
        if let Some(files) = &new_photo.files {
            files.apply(&mut row);
        }
        let photo = row.insert(db).await?;
        gallery_photo::ActiveModel {
            gallery_id: Set(gallery.id),
            photo_id: Set(photo.id),
            position: Set(position),
        }
        .insert(db)
        .await?;
    }
    Ok(gallery)
}

/// Everything needed to store an article. The body is already sanitised by its type.
#[derive(Clone, Debug)]
pub struct NewArticle {
    pub slug: Slug,
    pub section_id: i64,
    pub title: String,
    pub lead: String,
    pub body: ArticleBody,
    pub byline: String,
    pub created_by: i64,
    pub status: ArticleStatus,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub gallery_id: Option<i64>,
    pub tag_ids: Vec<i64>,
    pub view_count: i64,
}

/// Stores an article with its tags and title terms, and queues a published one for the search index.
/// Run it inside a transaction so all of it lands together.
pub async fn insert_article(
    db: &impl ConnectionTrait,
    new: NewArticle,
) -> Result<article::Model, DbErr> {
    let headings_json = new.body.headings_json();
    let article = article::ActiveModel {
        slug: Set(new.slug.to_string()),
        section_id: Set(new.section_id),
        title: Set(new.title),
        lead: Set(new.lead),
        body_html: Set(new.body.html),
        body_text: Set(new.body.text),
        headings_json: Set(headings_json),
        byline: Set(new.byline),
        created_by: Set(new.created_by),
        updated_by: Set(None),
        status: Set(new.status),
        published_at: Set(new.published_at),
        created_at: Set(new.created_at),
        updated_at: Set(new.updated_at),
        gallery_id: Set(new.gallery_id),
        view_count: Set(new.view_count),
        version: Set(1),
        ..Default::default()
    }
    .insert(db)
    .await?;
    super::title_terms::replace(db, article.id, &article.title).await?;
    for tag_id in new.tag_ids {
        article_tag::ActiveModel {
            article_id: Set(article.id),
            tag_id: Set(tag_id),
        }
        .insert(db)
        .await?;
    }
    if new.status == ArticleStatus::Published {
        crate::search::outbox::enqueue(db, article.id, crate::search::outbox::Operation::Upsert)
            .await?;
    }
    Ok(article)
}
