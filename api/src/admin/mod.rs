//! Redakcja, the editors' web application under `/admin/`: server-rendered HTML (maud)
//! with small JavaScript modules that enhance working forms.
//!
//! It is an edge beside GraphQL: it reads and changes content only through the core's
//! services, which check the role themselves, so that what a role cannot do is refused
//! here exactly as in the API. A browser session is a cookie; every change carries the
//! session's CSRF token and must come from our own pages (`session`).

pub mod assets;
pub mod chart;
pub mod format;
pub mod forms;
pub mod images;
pub mod layout;
pub mod page;
mod screens;
pub mod session;
pub mod setup_link;

use std::net::IpAddr;
use std::sync::Arc;

use poem::{EndpointExt, Route, get, post};

use crate::rate_limit::RateLimiter;
use kronika_core::auth::LoginThrottle;
use kronika_core::editing::photos::PhotoServices;
use kronika_core::store::ContentStore;
use search_index::SearchBackend;
pub use setup_link::SetupLink;

/// What the application's handlers share.
#[derive(Clone)]
pub struct AdminState {
    pub store: ContentStore,
    pub login_throttle: LoginThrottle,
    pub login_rate_limit: RateLimiter,
    pub photos: PhotoServices,
    /// The largest photo file accepted, in bytes (`KRONIKA_UPLOAD_MAX_BYTES`).
    pub upload_max_bytes: usize,
    /// Dates and times are shown in this zone.
    pub time_zone: chrono_tz::Tz,
    /// Believe `X-Forwarded-For` and `X-Forwarded-Proto` (see `http::client_address`).
    pub trust_proxy: bool,
    /// The first run's link to create the first administrator.
    pub setup_link: SetupLink,
    /// The search engine, whose health and lag the dashboard reports.
    pub search: Arc<dyn SearchBackend>,
}

impl AdminState {
    pub fn client_address(&self, request: &poem::Request) -> IpAddr {
        crate::http::client_address(request, self.trust_proxy)
    }
}

/// The routes under `/admin`.
pub fn routes(state: AdminState) -> impl poem::Endpoint + use<> {
    use screens::{account, administration, stats};
    use screens::{articles, dashboard, editor, galleries, history, login, photos, preview, setup};
    Route::new()
        .at("/", get(dashboard::show))
        .at("/articles", get(articles::list))
        .at("/articles/new", get(editor::new_form).post(editor::create))
        .at("/articles/:id", get(editor::edit_form).post(editor::update))
        .at("/articles/:id/preview", get(preview::show))
        .at("/articles/:id/history", get(history::show))
        .at(
            "/articles/:id/history/:revision/restore",
            post(history::restore),
        )
        .at("/api/sanitize", post(editor::sanitize))
        .at("/photos", get(photos::library))
        .at("/photos/upload", post(photos::upload))
        .at("/photos/:id", get(photos::show).post(photos::save))
        .at("/photos/:id/delete", post(photos::delete))
        .at("/galleries", get(galleries::list))
        .at(
            "/galleries/new",
            get(galleries::new_form).post(galleries::create),
        )
        .at("/galleries/:id", get(galleries::show).post(galleries::save))
        .at("/galleries/:id/order", post(galleries::order))
        .at("/galleries/:id/cover", post(galleries::cover))
        .at("/galleries/:id/remove", post(galleries::remove))
        .at("/galleries/:id/add", post(galleries::add))
        .at("/login", get(login::form).post(login::submit))
        .at("/logout", post(login::logout))
        .at("/setup/:token", get(setup::form).post(setup::submit))
        .at("/assets/:file", get(assets::serve))
        // Administracja, Statystyki, Moje konto and the password-reset link.
        .at("/administration", get(administration::overview))
        .at(
            "/administration/accounts",
            get(administration::accounts_list).post(administration::account_create),
        )
        .at(
            "/administration/accounts/:id",
            post(administration::account_change),
        )
        .at(
            "/administration/taxonomy",
            get(administration::taxonomy_list),
        )
        .at(
            "/administration/:kind",
            post(administration::taxonomy_create),
        )
        .at(
            "/administration/:kind/:id",
            post(administration::taxonomy_change),
        )
        .at(
            "/administration/tokens",
            get(administration::tokens_list).post(administration::token_create),
        )
        .at(
            "/administration/tokens/:id/revoke",
            post(administration::token_revoke),
        )
        .at("/stats", get(stats::show))
        .at("/account", get(account::form).post(account::submit))
        .at(
            "/reset/:token",
            get(account::reset_form).post(account::reset_submit),
        )
        .data(state)
}
