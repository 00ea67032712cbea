//! Helpers for view statistics: sending beacons as a given reader, planting past days of
//! views, and reading what the database holds.

use chrono::{Days, NaiveDate};
use entities::{article, article_view_daily};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use crate::TestApp;

/// A browser's User-Agent with a reader number in it: each number is another reader.
pub fn reader_user_agent(reader: usize) -> String {
    format!(
        "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0 reader/{reader}"
    )
}

/// Today in the site's zone, as the server counts it.
pub fn site_today(app: &TestApp) -> NaiveDate {
    kronika_core::views::site_today(app.app.config().timezone)
}

/// `days` days before `day`.
pub fn days_before(day: NaiveDate, days: u64) -> NaiveDate {
    day.checked_sub_days(Days::new(days))
        .unwrap_or_else(|| panic!("{day} minus {days} days"))
}

impl TestApp {
    /// `POST /api/views/{article_id}` as a reader with this User-Agent; the status.
    pub async fn beacon(&self, article_id: i64, user_agent: &str) -> reqwest::StatusCode {
        self.beacon_with(&format!("{article_id}"), &[("user-agent", user_agent)])
            .await
    }

    /// `POST /api/views/{article_id}` with the given headers and an empty body.
    pub async fn beacon_with(
        &self,
        article_id: &str,
        headers: &[(&str, &str)],
    ) -> reqwest::StatusCode {
        let mut request = self
            .client
            .post(self.url(&format!("/api/views/{article_id}")));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|error| panic!("POST /api/views/{article_id} failed: {error}"));
        let status = response.status();
        let body = response.bytes().await.unwrap_or_default();
        assert!(body.is_empty(), "a beacon answers without a body");
        status
    }

    /// Writes the views counted so far at once, as the flusher would.
    pub async fn flush_views(&self) {
        self.app
            .flush_views()
            .await
            .unwrap_or_else(|error| panic!("flushing views failed: {error}"));
    }

    /// Plants `views` views of `article` on `day`, as if counted and flushed then. The
    /// article's total is left alone: only the daily series is planted.
    pub async fn plant_daily_views(&self, article: &article::Model, day: NaiveDate, views: i64) {
        article_view_daily::ActiveModel {
            article_id: Set(article.id),
            day: Set(day),
            views: Set(views),
        }
        .insert(self.db())
        .await
        .unwrap_or_else(|error| panic!("insert daily views: {error}"));
        self.app.content_changed();
    }

    /// The article's row as stored.
    pub async fn stored_article(&self, article_id: i64) -> article::Model {
        article::Entity::find_by_id(article_id)
            .one(self.db())
            .await
            .unwrap_or_else(|error| panic!("read article {article_id}: {error}"))
            .unwrap_or_else(|| panic!("article {article_id} is not stored"))
    }

    /// The stored daily views of an article, in day order.
    pub async fn stored_daily_views(&self, article_id: i64) -> Vec<(NaiveDate, i64)> {
        let mut rows: Vec<(NaiveDate, i64)> = article_view_daily::Entity::find()
            .filter(article_view_daily::Column::ArticleId.eq(article_id))
            .all(self.db())
            .await
            .unwrap_or_else(|error| panic!("read daily views: {error}"))
            .into_iter()
            .map(|row| (row.day, row.views))
            .collect();
        rows.sort_unstable();
        rows
    }
}

/// How many beacons `beacons_at_once` keeps in flight: enough to make the server count
/// concurrently, few enough to stay far from the process's file descriptor limit (the
/// server's and the client's sockets live in this one test process).
const BEACONS_IN_FLIGHT: usize = 32;

impl TestApp {
    /// Sends every (article id, User-Agent) beacon concurrently and checks that each was
    /// answered 204.
    pub async fn beacons_at_once(&self, beacons: Vec<(i64, String)>) {
        let in_flight = std::sync::Arc::new(tokio::sync::Semaphore::new(BEACONS_IN_FLIGHT));
        let mut sent = tokio::task::JoinSet::new();
        for (article_id, user_agent) in beacons {
            let client = self.client.clone();
            let url = self.url(&format!("/api/views/{article_id}"));
            let in_flight = std::sync::Arc::clone(&in_flight);
            sent.spawn(async move {
                let _permit = in_flight.acquire_owned().await;
                client
                    .post(&url)
                    .header("user-agent", user_agent)
                    .send()
                    .await
                    .map(|response| response.status())
            });
        }
        while let Some(outcome) = sent.join_next().await {
            match outcome {
                Ok(Ok(status)) => assert_eq!(status, reqwest::StatusCode::NO_CONTENT),
                Ok(Err(error)) => panic!("a beacon failed: {error}"),
                Err(error) => panic!("a beacon task failed: {error}"),
            }
        }
    }
}
