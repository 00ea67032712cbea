//! Builders for test content. Most fixtures are written with the same functions the demo
//! loader uses (`kronika_core::content::write`), and each tells the app that content
//! changed, as every write path must. [`section_id`] and [`create_article`] go through the
//! GraphQL mutations instead, for tests about what an editor's write sets off (revisions,
//! the search outbox, the scheduler).

use chrono::{DateTime, Duration, TimeZone, Utc};
use entities::{account, article, gallery, section, tag};
use kronika_core::auth::accounts;
use kronika_core::content::write::{self, NewArticle, NewPhoto};
use kronika_core::domain::{ArticleBody, ArticleStatus, Role, Slug};
use serde_json::{Value, json};

use crate::TestApp;

/// The `createArticle` mutation, answering with the fields the life-cycle tests check.
pub const CREATE_ARTICLE: &str = r#"mutation($input: CreateArticleInput!) {
  createArticle(input: $input) { article { id slug status version byline createdBy { name } body } }
}"#;

/// Creates the section "Aktualności" through `createSection` and returns its id.
pub async fn section_id(app: &TestApp, admin: &Session) -> Value {
    let data = app
        .data_as(
            admin,
            r#"mutation { createSection(input: {name: "Aktualności"}) { section { id } } }"#,
            json!({}),
        )
        .await;
    data["createSection"]["section"]["id"].clone()
}

/// Creates a draft titled `title` in `section` through `createArticle`, as `session`, and
/// returns the article as [`CREATE_ARTICLE`] answers it.
pub async fn create_article(
    app: &TestApp,
    session: &Session,
    section: &Value,
    title: &str,
) -> Value {
    let data = app
        .data_as(
            session,
            CREATE_ARTICLE,
            json!({"input": {"sectionId": section, "title": title, "body": "<p>Treść.</p>"}}),
        )
        .await;
    data["createArticle"]["article"].clone()
}

/// A fixed instant the fixtures count from, so dates in assertions are predictable.
pub fn base_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 1, 1, 12, 0, 0)
        .single()
        .unwrap_or_else(|| panic!("valid date"))
}

fn slug(value: &str) -> Slug {
    Slug::from_title(value).unwrap_or_else(|error| panic!("{value}: {error}"))
}

/// The password of every account the fixtures create.
pub const PASSWORD: &str = "correct horse battery staple";

/// A logged-in account.
#[derive(Clone, Debug)]
pub struct Session {
    pub account_id: i64,
    pub email: String,
    pub token: String,
}

impl TestApp {
    /// Creates an account with `role` and logs it in through the `login` mutation.
    pub async fn login_as(&self, name: &str, role: Role) -> Session {
        let email = format!("{}@example.org", slug(name));
        let account = accounts::add(self.db(), &email, name, role, PASSWORD)
            .await
            .unwrap_or_else(|error| panic!("add account: {error}"));
        let data = self
            .data(
                "mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }",
                json!({"email": email, "password": PASSWORD}),
            )
            .await;
        let token = data["login"]["token"]
            .as_str()
            .unwrap_or_else(|| panic!("no token in {data}"))
            .to_owned();
        Session {
            account_id: account.id,
            email,
            token,
        }
    }

    /// POSTs a GraphQL request with `Authorization: Bearer <token>`.
    pub async fn gql_as(&self, session: &Session, query: &str, variables: Value) -> Value {
        self.gql_with_token(&session.token, query, variables).await
    }

    pub async fn gql_with_token(&self, token: &str, query: &str, variables: Value) -> Value {
        self.client
            .post(self.url("/graphql"))
            .bearer_auth(token)
            .json(&json!({"query": query, "variables": variables}))
            .send()
            .await
            .unwrap_or_else(|error| panic!("POST /graphql failed: {error}"))
            .json()
            .await
            .unwrap_or_else(|error| panic!("POST /graphql did not answer JSON: {error}"))
    }

    /// Like `gql_as`, for a request that must succeed; returns its `data`.
    pub async fn data_as(&self, session: &Session, query: &str, variables: Value) -> Value {
        let response = self.gql_as(session, query, variables).await;
        assert!(
            response.get("errors").is_none(),
            "unexpected errors: {response:#}"
        );
        response["data"].clone()
    }

    pub async fn editor(&self, name: &str) -> account::Model {
        let email = format!("{}@example.org", slug(name));
        let account = write::insert_account(self.db(), &email, name, Role::Editor, None)
            .await
            .unwrap_or_else(|error| panic!("insert account: {error}"));
        self.app.content_changed();
        account
    }

    pub async fn section(&self, name: &str) -> section::Model {
        let section = write::insert_section(self.db(), &slug(name), name, 0)
            .await
            .unwrap_or_else(|error| panic!("insert section: {error}"));
        self.app.content_changed();
        section
    }

    pub async fn tag(&self, name: &str) -> tag::Model {
        let tag = write::insert_tag(self.db(), &slug(name), name)
            .await
            .unwrap_or_else(|error| panic!("insert tag: {error}"));
        self.app.content_changed();
        tag
    }

    /// A gallery with `photo_count` photos captioned "<title> 1", "<title> 2", …
    pub async fn gallery(&self, title: &str, photo_count: usize) -> gallery::Model {
        let photos: Vec<NewPhoto> = (1..=photo_count)
            .map(|number| NewPhoto {
                caption: format!("{title} {number}"),
                credit: "fot. Test".to_owned(),
                alt: format!("Zdjęcie {number}"),
                width: 1600,
                height: 900,
                files: None,
            })
            .collect();
        let gallery = write::insert_gallery(self.db(), &slug(title), title, &photos)
            .await
            .unwrap_or_else(|error| panic!("insert gallery: {error}"));
        self.app.content_changed();
        gallery
    }

    /// Starts an article in `section` by `author`; published at `base_time()` unless set.
    pub fn article<'app>(
        &'app self,
        title: &str,
        section: &section::Model,
        author: &account::Model,
    ) -> ArticleBuilder<'app> {
        ArticleBuilder {
            app: self,
            title: title.to_owned(),
            section_id: section.id,
            created_by: author.id,
            status: ArticleStatus::Published,
            published_at: Some(base_time()),
            tag_ids: Vec::new(),
            gallery_id: None,
            view_count: 0,
            body: "<h2>Wstęp</h2><p>Treść artykułu.</p>".to_owned(),
        }
    }
}

#[derive(Debug)]
pub struct ArticleBuilder<'app> {
    app: &'app TestApp,
    title: String,
    section_id: i64,
    created_by: i64,
    status: ArticleStatus,
    published_at: Option<DateTime<Utc>>,
    tag_ids: Vec<i64>,
    gallery_id: Option<i64>,
    view_count: i64,
    body: String,
}

impl ArticleBuilder<'_> {
    /// Published `hours` after `base_time()`.
    pub fn published_hours_after_base(mut self, hours: i64) -> Self {
        self.published_at = Some(base_time() + Duration::hours(hours));
        self
    }

    pub fn status(mut self, status: ArticleStatus) -> Self {
        self.status = status;
        self.published_at = match status {
            ArticleStatus::Published => self.published_at,
            // Scheduled for the future, or the server's scheduler would rightly publish it
            // while the test runs.
            ArticleStatus::Scheduled => Some(Utc::now() + Duration::days(365)),
            ArticleStatus::Draft | ArticleStatus::Archived => None,
        };
        self
    }

    pub fn tags(mut self, tags: &[&tag::Model]) -> Self {
        self.tag_ids = tags.iter().map(|tag| tag.id).collect();
        self
    }

    pub fn gallery(mut self, gallery: &gallery::Model) -> Self {
        self.gallery_id = Some(gallery.id);
        self
    }

    pub fn views(mut self, views: i64) -> Self {
        self.view_count = views;
        self
    }

    pub fn body(mut self, html: &str) -> Self {
        self.body = html.to_owned();
        self
    }

    pub async fn create(self) -> article::Model {
        let created_at = self.published_at.unwrap_or_else(base_time);
        let new = NewArticle {
            slug: slug(&self.title),
            section_id: self.section_id,
            title: self.title,
            lead: "Lead.".to_owned(),
            body: ArticleBody::from_untrusted_html(&self.body)
                .unwrap_or_else(|error| panic!("body: {error}")),
            byline: "oprac. test".to_owned(),
            created_by: self.created_by,
            status: self.status,
            published_at: self.published_at,
            created_at,
            updated_at: created_at,
            gallery_id: self.gallery_id,
            tag_ids: self.tag_ids,
            view_count: self.view_count,
        };
        let article = write::insert_article(self.app.db(), new)
            .await
            .unwrap_or_else(|error| panic!("insert article: {error}"));
        self.app.app.content_changed();
        article
    }
}
