//! Which article ids may be counted: a small in-memory cache in front of the database.
//!
//! Counting must not wait for the database on every view, yet only published articles
//! count. The answer for an id is cached: "published" for a minute, "not published" for a
//! few seconds, so that an article published by another server process is counted soon.
//! Changes made through this process call [`PublishedArticles::content_changed`], which
//! forgets every answer at once. A lookup that started before such a change does not
//! store its (possibly stale) answer, by the same generation check the response cache
//! uses.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sea_orm::{DatabaseConnection, DbErr};

use crate::content;

/// How long "this id is published" is believed.
const PUBLISHED_TIME_TO_LIVE: Duration = Duration::from_secs(60);
/// How long "this id is not published (or does not exist)" is believed.
const NOT_PUBLISHED_TIME_TO_LIVE: Duration = Duration::from_secs(5);
/// The most ids remembered; beyond it the least used are forgotten.
const MAX_REMEMBERED_IDS: u64 = 200_000;

#[derive(Clone)]
pub struct PublishedArticles {
    db: DatabaseConnection,
    answers: moka::sync::Cache<i64, bool>,
    generation: Arc<AtomicU64>,
}

impl PublishedArticles {
    pub fn new(db: DatabaseConnection) -> Self {
        let answers = moka::sync::Cache::builder()
            .max_capacity(MAX_REMEMBERED_IDS)
            .expire_after(AnswerExpiry)
            .build();
        Self {
            db,
            answers,
            generation: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Whether the article exists and is published; asks the database only when the
    /// answer is not in memory.
    pub async fn is_published(&self, article_id: i64) -> Result<bool, DbErr> {
        if let Some(published) = self.answers.get(&article_id) {
            return Ok(published);
        }
        let generation = self.generation.load(Ordering::Acquire);
        let published = content::views::is_published(&self.db, article_id).await?;
        if generation == self.generation.load(Ordering::Acquire) {
            self.answers.insert(article_id, published);
        }
        Ok(published)
    }

    /// Forgets every answer; call after a committed content change.
    pub fn content_changed(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.answers.invalidate_all();
    }
}

struct AnswerExpiry;

impl moka::Expiry<i64, bool> for AnswerExpiry {
    fn expire_after_create(
        &self,
        _article_id: &i64,
        published: &bool,
        _created_at: Instant,
    ) -> Option<Duration> {
        Some(if *published {
            PUBLISHED_TIME_TO_LIVE
        } else {
            NOT_PUBLISHED_TIME_TO_LIVE
        })
    }
}
