//! Administracja, Moje konto, the password-reset link and Statystyki of the editors'
//! application, through their forms over HTTP, on both databases.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{Duration, Utc};
use kronika_core::auth::accounts;
use kronika_core::content::taxonomy;
use kronika_core::domain::{ArticleStatus, Role};
use kronika_tests::admin::{EditorBrowser, Page};
use kronika_tests::views::{days_before, site_today};
use kronika_tests::{Backend, PASSWORD, TestApp, on_both_databases};
use reqwest::StatusCode;
use reqwest::header;
use sea_orm::{ActiveModelTrait, Set};
use search_index::{
    IndexRebuild, SearchBackend, SearchDocument, SearchError, SearchQuery, SearchResults,
};
use serde_json::json;

on_both_databases!(
    an_administrator_adds_an_account_whose_owner_sets_a_password_and_logs_in,
    a_reset_link_is_shown_once_and_works_once,
    administration_refuses_an_editor_and_a_forged_change_changes_nothing,
    the_last_administrator_and_a_taken_address_are_refused_in_polish,
    sections_and_tags_are_created_renamed_and_deleted,
    changing_ones_password_needs_the_current_one,
    an_api_token_is_shown_once_and_works_until_revoked,
    the_statistics_chart_the_days_of_an_article_and_rank_the_most_read,
    the_dashboard_ranks_the_most_read_and_warns_when_search_lags,
);

const NEW_PASSWORD: &str = "nowe hasło do redakcji";

/// The path of the one-time reset link on a page, if it shows one.
fn reset_link(page: &Page) -> Option<String> {
    page.attribute("a#reset-link", "href")
}

/// The id of the account with this e-mail address.
async fn account_id(app: &TestApp, email: &str) -> i64 {
    accounts::list(app.db())
        .await
        .unwrap_or_else(|error| panic!("list accounts: {error}"))
        .into_iter()
        .find(|account| account.email == email)
        .unwrap_or_else(|| panic!("no account {email}"))
        .id
}

/// Adds an account through the form and issues its reset link; the link's path.
async fn add_account_with_link(
    admin: &mut EditorBrowser<'_>,
    app: &TestApp,
    email: &str,
) -> String {
    admin.get("/admin/administration/accounts").await;
    let added = admin
        .post(
            "/admin/administration/accounts",
            &[
                ("name", "Nowa Autorka"),
                ("email", email),
                ("role", "AUTHOR"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let id = account_id(app, email).await;
    admin.get(added.location()).await;
    let issued = admin
        .post(
            &format!("/admin/administration/accounts/{id}"),
            &[("action", "reset")],
        )
        .await;
    assert_eq!(issued.status, StatusCode::OK, "{}", issued.body);
    reset_link(&issued).unwrap_or_else(|| panic!("no reset link shown: {}", issued.body))
}

async fn an_administrator_adds_an_account_whose_owner_sets_a_password_and_logs_in(app: TestApp) {
    let (mut admin, _) = EditorBrowser::logged_in_as(&app, "Anna Admin", Role::Admin).await;
    let overview = admin.get("/admin/administration").await;
    assert_eq!(overview.status, StatusCode::OK);
    let form = admin.get("/admin/administration/accounts").await;
    assert!(
        form.texts("label").contains(&"Imię i nazwisko".to_owned()),
        "{:?}",
        form.texts("label")
    );
    let link = add_account_with_link(&mut admin, &app, "nowa@example.org").await;
    let list = admin.get("/admin/administration/accounts").await;
    let rows = list.texts("tbody tr");
    let row = rows
        .iter()
        .find(|row| row.contains("nowa@example.org"))
        .unwrap_or_else(|| panic!("the new account is not listed: {rows:?}"));
    assert!(row.contains("Czeka na ustawienie hasła"), "{row}");

    let owner = EditorBrowser::new(&app);
    let set = owner
        .post_raw(
            &link,
            &[("password", NEW_PASSWORD), ("password_again", NEW_PASSWORD)],
        )
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.body);
    assert_eq!(set.location(), "/admin/");
    let mut fresh = EditorBrowser::new(&app);
    let logged_in = fresh.log_in("nowa@example.org", NEW_PASSWORD).await;
    assert_eq!(
        logged_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        logged_in.body
    );
    let dashboard = fresh.get("/admin/").await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert_eq!(dashboard.texts(".account-role"), ["Autor"]);
}

async fn a_reset_link_is_shown_once_and_works_once(app: TestApp) {
    let (mut admin, _) = EditorBrowser::logged_in_as(&app, "Anna Admin", Role::Admin).await;
    let link = add_account_with_link(&mut admin, &app, "nowa@example.org").await;
    assert!(link.starts_with("/admin/reset/"), "{link}");
    let again = admin.get("/admin/administration/accounts").await;
    assert_eq!(
        reset_link(&again),
        None,
        "the link is shown only on the page that made it"
    );
    let token = link.trim_start_matches("/admin/reset/");
    assert!(!again.body.contains(token), "the token never shows again");

    let mut owner = EditorBrowser::new(&app);
    let form = owner.get(&link).await;
    assert_eq!(form.status, StatusCode::OK);
    let mismatch = owner
        .post_raw(
            &link,
            &[
                ("password", NEW_PASSWORD),
                ("password_again", "coś innego niż hasło"),
            ],
        )
        .await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        mismatch.attribute(".error-summary a", "href").as_deref(),
        Some("#haslo2")
    );
    let mut foreign = EditorBrowser::new(&app);
    foreign.origin = "https://evil.example".to_owned();
    let forged = foreign
        .post_raw(
            &link,
            &[
                ("password", "hasło napastnika!!"),
                ("password_again", "hasło napastnika!!"),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let set = owner
        .post_raw(
            &link,
            &[("password", NEW_PASSWORD), ("password_again", NEW_PASSWORD)],
        )
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.body);
    let cookie = set
        .headers
        .get(header::SET_COOKIE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    assert!(
        cookie.starts_with("kronika_session="),
        "the owner is logged in: {cookie}"
    );
    let spent = EditorBrowser::new(&app)
        .post_raw(
            &link,
            &[
                ("password", "jeszcze inne hasło"),
                ("password_again", "jeszcze inne hasło"),
            ],
        )
        .await;
    assert_eq!(spent.status, StatusCode::NOT_FOUND);
    assert_eq!(spent.texts("h1"), ["Ten link jest nieważny"]);
    let mut fresh = EditorBrowser::new(&app);
    assert_eq!(
        fresh
            .log_in("nowa@example.org", "jeszcze inne hasło")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        fresh.log_in("nowa@example.org", NEW_PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

async fn administration_refuses_an_editor_and_a_forged_change_changes_nothing(app: TestApp) {
    let (mut editor, _) = EditorBrowser::logged_in_as(&app, "Ewa Redaktor", Role::Editor).await;
    for path in [
        "/admin/administration",
        "/admin/administration/accounts",
        "/admin/administration/taxonomy",
        "/admin/administration/tokens",
    ] {
        let refused = editor.get(path).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{path}");
        assert!(
            !refused
                .texts("nav.nav ul a")
                .contains(&"Administracja".to_owned())
        );
    }
    // The editor's own genuine session token does not make an editor an administrator.
    editor.get("/admin/").await;
    let refused = editor
        .post(
            "/admin/administration/accounts",
            &[
                ("name", "Intruz"),
                ("email", "intruz@example.org"),
                ("role", "ADMIN"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let refused = editor
        .post(
            "/admin/administration/sections",
            &[("name", "Dział intruza")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let refused = editor
        .post(
            "/admin/administration/tokens",
            &[("name", "Klucz intruza"), ("role", "ADMIN"), ("days", "30")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // An administrator's browser made to post from another site, or without the token.
    let (mut admin, _) = EditorBrowser::logged_in_as(&app, "Anna Admin", Role::Admin).await;
    let without_token = admin
        .post_raw(
            "/admin/administration/accounts",
            &[
                ("name", "Intruz"),
                ("email", "intruz@example.org"),
                ("role", "ADMIN"),
            ],
        )
        .await;
    assert_eq!(without_token.status, StatusCode::FORBIDDEN);
    admin.origin = "https://evil.example".to_owned();
    let cross_site = admin
        .post(
            "/admin/administration/accounts",
            &[
                ("name", "Intruz"),
                ("email", "intruz@example.org"),
                ("role", "ADMIN"),
            ],
        )
        .await;
    assert_eq!(cross_site.status, StatusCode::FORBIDDEN);

    let emails: Vec<String> = accounts::list(app.db())
        .await
        .unwrap_or_else(|error| panic!("list accounts: {error}"))
        .into_iter()
        .map(|account| account.email)
        .collect();
    assert_eq!(
        emails,
        ["ewa.redaktor@example.org", "anna.admin@example.org"]
    );
    let sections = taxonomy::all_sections(app.db())
        .await
        .unwrap_or_else(|error| panic!("sections: {error}"));
    assert!(sections.is_empty(), "{sections:?}");
    let admin_id = account_id(&app, "anna.admin@example.org").await;
    let actor = kronika_core::auth::Actor {
        account_id: admin_id,
        role: Role::Admin,
        token_id: 0,
    };
    let tokens = accounts::list_api_tokens(app.db(), &actor)
        .await
        .unwrap_or_else(|error| panic!("tokens: {error}"));
    assert!(tokens.is_empty());
}

async fn the_last_administrator_and_a_taken_address_are_refused_in_polish(app: TestApp) {
    let (mut admin, admin_id) = EditorBrowser::logged_in_as(&app, "Anna Admin", Role::Admin).await;
    admin.get("/admin/administration/accounts").await;
    let demoted = admin
        .post(
            &format!("/admin/administration/accounts/{admin_id}"),
            &[("action", "role"), ("role", "EDITOR")],
        )
        .await;
    assert_eq!(demoted.status, StatusCode::CONFLICT);
    assert!(
        demoted.texts(".error-summary li")[0].contains("ostatni aktywny administrator"),
        "{:?}",
        demoted.texts(".error-summary li")
    );
    let taken = admin
        .post(
            "/admin/administration/accounts",
            &[
                ("name", "Druga Anna"),
                ("email", "Anna.Admin@example.org"),
                ("role", "EDITOR"),
            ],
        )
        .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        taken.texts(".error-summary li"),
        ["Konto z tym adresem e-mail już istnieje"]
    );
    assert_eq!(
        taken.attribute("input#imie", "value").as_deref(),
        Some("Druga Anna")
    );
    let disabled_self = admin
        .post(
            &format!("/admin/administration/accounts/{admin_id}"),
            &[("action", "disable")],
        )
        .await;
    assert_eq!(disabled_self.status, StatusCode::CONFLICT);
    assert_eq!(
        disabled_self.texts(".error-summary li"),
        ["Nie możesz wyłączyć własnego konta."]
    );

    // Another account is disabled, can no longer log in, and is enabled again.
    let (_, editor_id) = EditorBrowser::logged_in_as(&app, "Ewa Redaktor", Role::Editor).await;
    let disabled = admin
        .post(
            &format!("/admin/administration/accounts/{editor_id}"),
            &[("action", "disable")],
        )
        .await;
    assert_eq!(disabled.status, StatusCode::SEE_OTHER, "{}", disabled.body);
    let mut editor = EditorBrowser::new(&app);
    assert_eq!(
        editor
            .log_in("ewa.redaktor@example.org", PASSWORD)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let list = admin.get(disabled.location()).await;
    assert_eq!(
        list.texts(".notice"),
        ["Wyłączono konto. Jego sesje i klucze API przestały działać."]
    );
    let no_link = admin
        .post(
            &format!("/admin/administration/accounts/{editor_id}"),
            &[("action", "reset")],
        )
        .await;
    assert_eq!(no_link.status, StatusCode::CONFLICT);
    assert_eq!(reset_link(&no_link), None);
    let enabled = admin
        .post(
            &format!("/admin/administration/accounts/{editor_id}"),
            &[("action", "enable")],
        )
        .await;
    assert_eq!(enabled.status, StatusCode::SEE_OTHER);
    assert_eq!(
        editor
            .log_in("ewa.redaktor@example.org", PASSWORD)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

async fn sections_and_tags_are_created_renamed_and_deleted(app: TestApp) {
    let (mut admin, _) = EditorBrowser::logged_in_as(&app, "Anna Admin", Role::Admin).await;
    admin.get("/admin/administration/taxonomy").await;
    let created = admin
        .post("/admin/administration/sections", &[("name", "Kultura")])
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let created = admin
        .post("/admin/administration/tags", &[("name", "Teatr")])
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let empty = admin
        .post("/admin/administration/tags", &[("name", "  ")])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        empty.attribute(".error-summary a", "href").as_deref(),
        Some("#nowy-tag")
    );
    let twice = admin
        .post("/admin/administration/sections", &[("name", "Kultura")])
        .await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);

    let sections = taxonomy::all_sections(app.db()).await.unwrap_or_default();
    let [section] = sections.as_slice() else {
        panic!("{sections:?}")
    };
    let renamed = admin
        .post(
            &format!("/admin/administration/sections/{}", section.id),
            &[("action", "rename"), ("name", "Kultura i sztuka")],
        )
        .await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER);
    let page = admin.get(renamed.location()).await;
    assert_eq!(page.texts(".notice"), ["Zmieniono nazwę działu."]);
    assert_eq!(
        page.attribute(&format!("input#sections-{}", section.id), "value")
            .as_deref(),
        Some("Kultura i sztuka")
    );

    let author = app.editor("Jan Autor").await;
    let section = taxonomy::all_sections(app.db())
        .await
        .unwrap_or_default()
        .remove(0);
    let article = app
        .article("Premiera", &section, &author)
        .status(ArticleStatus::Archived)
        .create()
        .await;
    let refused = admin
        .post(
            &format!("/admin/administration/sections/{}", section.id),
            &[("action", "delete")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.texts(".error-summary li")[0].starts_with("Nie można usunąć działu"));
    let _ = article;

    let tags = taxonomy::all_tags(app.db()).await.unwrap_or_default();
    let [tag] = tags.as_slice() else {
        panic!("{tags:?}")
    };
    let deleted = admin
        .post(
            &format!("/admin/administration/tags/{}", tag.id),
            &[("action", "delete")],
        )
        .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    assert!(
        taxonomy::all_tags(app.db())
            .await
            .unwrap_or_default()
            .is_empty()
    );
}

async fn changing_ones_password_needs_the_current_one(app: TestApp) {
    let (mut editor, _) = EditorBrowser::logged_in_as(&app, "Ewa Redaktor", Role::Editor).await;
    let form = editor.get("/admin/account").await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(
        form.texts("label"),
        ["Obecne hasło", "Nowe hasło", "Powtórz nowe hasło"]
    );
    let wrong = editor
        .post(
            "/admin/account",
            &[
                ("current_password", "nie to hasło"),
                ("new_password", NEW_PASSWORD),
                ("new_password_again", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        wrong.texts(".error-summary li"),
        ["Obecne hasło jest nieprawidłowe"]
    );
    let short = editor
        .post(
            "/admin/account",
            &[
                ("current_password", PASSWORD),
                ("new_password", "krótkie"),
                ("new_password_again", "krótkie"),
            ],
        )
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        short.attribute(".error-summary a", "href").as_deref(),
        Some("#nowe-haslo")
    );
    let mut other = EditorBrowser::new(&app);
    assert_eq!(
        other
            .log_in("ewa.redaktor@example.org", NEW_PASSWORD)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );

    let changed = editor
        .post(
            "/admin/account",
            &[
                ("current_password", PASSWORD),
                ("new_password", NEW_PASSWORD),
                ("new_password_again", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    let page = editor.get(changed.location()).await;
    assert_eq!(
        page.status,
        StatusCode::OK,
        "the session that changed it stays"
    );
    assert_eq!(page.texts(".notice"), ["Zmieniono hasło."]);
    assert_eq!(
        other
            .log_in("ewa.redaktor@example.org", PASSWORD)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        other
            .log_in("ewa.redaktor@example.org", NEW_PASSWORD)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

async fn an_api_token_is_shown_once_and_works_until_revoked(app: TestApp) {
    let (mut admin, _) = EditorBrowser::logged_in_as(&app, "Anna Admin", Role::Admin).await;
    admin.get("/admin/administration/tokens").await;
    let no_name = admin
        .post(
            "/admin/administration/tokens",
            &[("name", ""), ("role", "EDITOR"), ("days", "30")],
        )
        .await;
    assert_eq!(no_name.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(no_name.texts(".error-summary li"), ["Nazwij klucz"]);
    let created = admin
        .post(
            "/admin/administration/tokens",
            &[("name", "Import BIP"), ("role", "EDITOR"), ("days", "30")],
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let [token] = created
        .texts("code#api-token")
        .try_into()
        .unwrap_or_else(|texts| panic!("{texts:?}"));
    let viewer = app
        .gql_with_token(&token, "{ viewer { role } }", json!({}))
        .await;
    assert_eq!(viewer["data"]["viewer"]["role"], "EDITOR", "{viewer:#}");

    let list = admin.get("/admin/administration/tokens").await;
    assert!(list.texts("code#api-token").is_empty());
    assert!(!list.body.contains(&token), "the token is shown once");
    let rows = list.texts("tbody tr");
    assert!(
        rows[0].contains("Import BIP") && rows[0].contains("Aktywny"),
        "{rows:?}"
    );
    let action = list
        .attribute("tbody form", "action")
        .unwrap_or_else(|| panic!("no revoke form: {}", list.body));
    let revoked = admin.post(&action, &[]).await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    let list = admin.get(revoked.location()).await;
    assert!(list.texts("tbody tr")[0].contains("Unieważniony"));
    let viewer = app
        .gql_with_token(&token, "{ viewer { role } }", json!({}))
        .await;
    assert!(viewer["data"]["viewer"].is_null(), "{viewer:#}");
}

async fn the_statistics_chart_the_days_of_an_article_and_rank_the_most_read(app: TestApp) {
    let news = app.section("Wiadomości").await;
    let sport = app.section("Sport").await;
    let author = app.editor("Jan Autor").await;
    let read = app
        .article("Nowy most otwarty", &news, &author)
        .views(12)
        .create()
        .await;
    let other = app
        .article("Mecz derbowy", &sport, &author)
        .views(2)
        .create()
        .await;
    let today = site_today(&app);
    app.plant_daily_views(&read, today, 7).await;
    app.plant_daily_views(&read, days_before(today, 2), 5).await;
    app.plant_daily_views(&other, today, 2).await;

    let (mut editor, _) = EditorBrowser::logged_in_as(&app, "Ewa Redaktor", Role::Editor).await;
    let stats = editor
        .get(&format!("/admin/stats?artykul={}&dni=30", read.id))
        .await;
    assert_eq!(stats.status, StatusCode::OK, "{}", stats.body);
    assert!(
        stats
            .attribute("#wykres-dzienny svg[role=img]", "aria-labelledby")
            .is_some(),
        "{}",
        stats.body
    );
    let daily_rows = stats.texts("#wykres-dzienny details table tbody tr");
    assert_eq!(daily_rows.len(), 30, "{daily_rows:?}");
    let views: Vec<String> = stats.texts("#wykres-dzienny details table tbody td");
    assert_eq!(views.last().map(String::as_str), Some("7"));
    assert_eq!(
        views.iter().filter(|cell| cell.as_str() != "0").count(),
        2,
        "{views:?}"
    );
    assert_eq!(
        stats.attribute("#statystyki-artykul option[selected]", "value"),
        Some(read.id.to_string()),
        "the most read are offered in the select"
    );

    let ranking = editor
        .get(&format!("/admin/stats?dzial={}&okres=7", news.id))
        .await;
    assert_eq!(ranking.status, StatusCode::OK);
    assert_eq!(
        ranking.texts("#wykres-ranking details table tbody th"),
        ["Nowy most otwarty"]
    );
    let everything = editor.get("/admin/stats?okres=30").await;
    assert_eq!(
        everything.texts("#wykres-ranking details table tbody th"),
        ["Nowy most otwarty", "Mecz derbowy"]
    );
    let unknown = editor.get("/admin/stats?artykul=999999").await;
    assert_eq!(unknown.status, StatusCode::OK);
    assert!(unknown.body.contains("Nie ma artykułu o tym numerze"));
}

async fn the_dashboard_ranks_the_most_read_and_warns_when_search_lags(app: TestApp) {
    let news = app.section("Wiadomości").await;
    let author = app.editor("Jan Autor").await;
    let first = app
        .article("Nowy most otwarty", &news, &author)
        .create()
        .await;
    let second = app.article("Remont szkoły", &news, &author).create().await;
    let old = app.article("Stare wieści", &news, &author).create().await;
    let today = site_today(&app);
    app.plant_daily_views(&first, today, 9).await;
    app.plant_daily_views(&second, days_before(today, 6), 4)
        .await;
    app.plant_daily_views(&old, days_before(today, 7), 50).await;

    let (mut editor, _) = EditorBrowser::logged_in_as(&app, "Ewa Redaktor", Role::Editor).await;
    let dashboard = editor.get("/admin/").await;
    assert_eq!(
        dashboard.texts("#najczesciej-czytane details table tbody th"),
        ["Nowy most otwarty", "Remont szkoły"],
        "seven days, today included"
    );
    assert!(
        dashboard.texts(".warning[role=alert]").is_empty(),
        "{}",
        dashboard.body
    );

    // A change the indexer will not try for a day, written five minutes ago.
    entities::search_outbox::ActiveModel {
        article_id: Set(first.id),
        operation: Set("UPSERT".to_owned()),
        enqueued_at: Set(Utc::now() - Duration::minutes(5)),
        attempts: Set(3),
        next_attempt_at: Set(Utc::now() + Duration::days(1)),
        last_error: Set(Some("connection refused".to_owned())),
        ..Default::default()
    }
    .insert(app.db())
    .await
    .unwrap_or_else(|error| panic!("insert an outbox row: {error}"));
    let dashboard = editor.get("/admin/").await;
    let warnings = dashboard.texts(".warning[role=alert] p");
    assert_eq!(warnings.len(), 1, "{}", dashboard.body);
    assert!(
        warnings[0].starts_with("Wyszukiwarka nie nadąża"),
        "{warnings:?}"
    );
}

/// A search engine that never answers.
struct DownEngine;

#[async_trait]
impl SearchBackend for DownEngine {
    async fn apply_settings(&self) -> Result<(), SearchError> {
        Err(down())
    }
    async fn upsert(&self, _: &[SearchDocument]) -> Result<(), SearchError> {
        Err(down())
    }
    async fn delete(&self, _: &[i64]) -> Result<(), SearchError> {
        Err(down())
    }
    async fn search(&self, _: &SearchQuery) -> Result<SearchResults, SearchError> {
        Err(down())
    }
    async fn health(&self) -> Result<(), SearchError> {
        Err(down())
    }
    async fn start_rebuild(&self) -> Result<Box<dyn IndexRebuild>, SearchError> {
        Err(down())
    }
}

fn down() -> SearchError {
    SearchError::Unavailable("connection refused (the test's engine is down)".to_owned())
}

on_both_databases!(starts_its_own_server; the_dashboard_warns_when_the_search_engine_is_down);

async fn the_dashboard_warns_when_the_search_engine_is_down(backend: Backend) {
    let Some(app) = TestApp::spawn_with_search_engine(backend, Arc::new(DownEngine), |_| {}).await
    else {
        return;
    };
    let (mut editor, _) = EditorBrowser::logged_in_as(&app, "Ewa Redaktor", Role::Editor).await;
    let dashboard = editor.get("/admin/").await;
    assert_eq!(
        dashboard.status,
        StatusCode::OK,
        "content works without search"
    );
    let warnings = dashboard.texts(".warning[role=alert] p");
    assert_eq!(warnings.len(), 1, "{}", dashboard.body);
    assert!(
        warnings[0].starts_with("Wyszukiwarka jest niedostępna"),
        "{warnings:?}"
    );
}
