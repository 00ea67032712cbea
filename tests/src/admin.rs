//! An editor's browser without the browser: the editors' application driven over HTTP,
//! with its session cookie and the CSRF token of the last page, as a browser sends them.
//! The Chromium tests (tests/tests/browser) cover what needs JavaScript and rendering;
//! these cover the rules of every request fast, on both databases.

use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap};
use scraper::{Html, Selector};

use crate::TestApp;
use crate::fixtures::PASSWORD;
use kronika_core::auth::accounts;
use kronika_core::domain::Role;

/// One page as the server answered it.
#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    /// Where a redirect points.
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
    }

    /// The texts of the elements matching a CSS selector.
    pub fn texts(&self, selector: &str) -> Vec<String> {
        let selector =
            Selector::parse(selector).unwrap_or_else(|_| panic!("bad selector {selector}"));
        Html::parse_document(&self.body)
            .select(&selector)
            .map(|element| element.text().collect::<String>().trim().to_owned())
            .collect()
    }

    /// The value of an attribute of the first element matching a selector.
    pub fn attribute(&self, selector: &str, attribute: &str) -> Option<String> {
        let selector =
            Selector::parse(selector).unwrap_or_else(|_| panic!("bad selector {selector}"));
        Html::parse_document(&self.body)
            .select(&selector)
            .next()
            .and_then(|element| element.value().attr(attribute).map(ToOwned::to_owned))
    }

    /// The CSRF token of the page's forms.
    pub fn csrf(&self) -> Option<String> {
        self.attribute(r#"input[name="_csrf"]"#, "value")
    }
}

/// A browser of one editor: the session cookie and the CSRF token it last saw.
pub struct EditorBrowser<'app> {
    app: &'app TestApp,
    client: reqwest::Client,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
    /// The `Origin` the browser sends with a POST: the server's own by default.
    pub origin: String,
}

impl<'app> EditorBrowser<'app> {
    pub fn new(app: &'app TestApp) -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_else(|error| panic!("HTTP client: {error}"));
        Self {
            app,
            client,
            cookie: None,
            csrf: None,
            origin: format!("http://{}", app.address),
        }
    }

    /// Creates an account with `role` and logs in through the login form.
    pub async fn logged_in_as(app: &'app TestApp, name: &str, role: Role) -> (Self, i64) {
        let email = format!("{}@example.org", name.to_lowercase().replace(' ', "."));
        let account = accounts::add(app.db(), &email, name, role, PASSWORD)
            .await
            .unwrap_or_else(|error| panic!("add account: {error}"));
        let mut browser = Self::new(app);
        let answer = browser.log_in(&email, PASSWORD).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
        // The dashboard gives the first CSRF token.
        let dashboard = browser.get("/admin/").await;
        assert_eq!(dashboard.status, StatusCode::OK, "{}", dashboard.body);
        (browser, account.id)
    }

    /// Posts the login form; keeps the session cookie it sets.
    pub async fn log_in(&mut self, email: &str, password: &str) -> Page {
        let page = self
            .post_raw("/admin/login", &[("email", email), ("password", password)])
            .await;
        if let Some(cookie) = page
            .headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .find(|value| value.starts_with("kronika_session="))
        {
            let pair = cookie.split(';').next().unwrap_or_default();
            self.cookie = Some(pair.to_owned()).filter(|pair| pair != "kronika_session=");
        }
        page
    }

    /// GETs a page with the session cookie; remembers its CSRF token.
    pub async fn get(&mut self, path: &str) -> Page {
        let mut request = self.client.get(self.app.url(path));
        if let Some(cookie) = &self.cookie {
            request = request.header(header::COOKIE, cookie);
        }
        let page = Self::read(request.send().await).await;
        if let Some(token) = page.csrf() {
            self.csrf = Some(token);
        }
        page
    }

    /// POSTs a form as the page's own form would: with the cookie, the CSRF token of
    /// the last page and the server's origin.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.csrf.clone().unwrap_or_default();
        let mut all: Vec<(&str, &str)> = vec![("_csrf", token.as_str())];
        all.extend_from_slice(fields);
        let page = self.post_raw(path, &all).await;
        if let Some(token) = page.csrf() {
            self.csrf = Some(token);
        }
        page
    }

    /// POSTs exactly these fields (no CSRF token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let mut request = self
            .client
            .post(self.app.url(path))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ORIGIN, &self.origin)
            .body(body);
        if let Some(cookie) = &self.cookie {
            request = request.header(header::COOKIE, cookie);
        }
        Self::read(request.send().await).await
    }

    /// POSTs a multipart form as the upload form sends it: the CSRF token of the last
    /// page as its first field, then `fields`, then each `(file name, bytes)` as `files`.
    pub async fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        files: Vec<(String, Vec<u8>)>,
    ) -> Page {
        let token = self.csrf.clone().unwrap_or_default();
        let mut all: Vec<(&str, &str)> = vec![("_csrf", token.as_str())];
        all.extend_from_slice(fields);
        let page = self.post_multipart_raw(path, &all, files, &[]).await;
        if let Some(token) = page.csrf() {
            self.csrf = Some(token);
        }
        page
    }

    /// POSTs exactly these multipart fields and files with these extra headers (no CSRF
    /// token added): what `upload.js` sends, or a forgery.
    pub async fn post_multipart_raw(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        files: Vec<(String, Vec<u8>)>,
        headers: &[(&str, &str)],
    ) -> Page {
        let mut form = reqwest::multipart::Form::new();
        for (name, value) in fields {
            form = form.text(name.to_string(), value.to_string());
        }
        for (file_name, bytes) in files {
            form = form.part(
                "files",
                reqwest::multipart::Part::bytes(bytes).file_name(file_name),
            );
        }
        let mut request = self
            .client
            .post(self.app.url(path))
            .header(header::ORIGIN, &self.origin)
            .multipart(form);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(cookie) = &self.cookie {
            request = request.header(header::COOKIE, cookie);
        }
        Self::read(request.send().await).await
    }

    async fn read(sent: reqwest::Result<reqwest::Response>) -> Page {
        let response = sent.unwrap_or_else(|error| panic!("request failed: {error}"));
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.text().await.unwrap_or_default();
        Page {
            status,
            headers,
            body,
        }
    }
}
