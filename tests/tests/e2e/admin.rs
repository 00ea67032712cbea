//! The editors' application over HTTP: sessions, CSRF, roles, escaping, and the article
//! workflow through its forms, on both databases. (Rendering and JavaScript are tested in
//! a real Chromium by tests/tests/browser.)

use kronika_core::domain::{ArticleStatus, Role};
use kronika_tests::admin::EditorBrowser;
use kronika_tests::{PASSWORD, TestApp, on_both_databases};
use reqwest::StatusCode;
use reqwest::header;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

on_both_databases!(
    the_login_form_signs_in_with_a_cookie_only_scripts_cannot_read,
    a_wrong_password_is_refused_with_a_summary_and_keeps_the_address,
    pages_need_a_session_and_send_the_browser_to_login_and_back,
    logging_out_ends_the_session_on_the_server,
    a_change_without_the_session_token_or_from_another_site_is_refused,
    a_browser_session_is_not_a_bearer_token,
    an_editor_writes_saves_and_publishes_through_the_forms,
    an_author_sees_no_publish_button_and_a_forged_publish_is_refused,
    markup_typed_into_any_field_is_shown_as_text,
    two_editors_saving_the_same_version_meet_a_conflict_and_choose_per_field,
    a_revision_is_restored_from_the_history,
    publishing_is_refused_while_a_gallery_photo_has_no_alternative_text,
    the_first_run_link_creates_one_administrator_once,
    assets_are_immutable_and_pages_carry_a_strict_policy,
);

async fn the_login_form_signs_in_with_a_cookie_only_scripts_cannot_read(app: TestApp) {
    let mut browser = EditorBrowser::new(&app);
    let form = browser.get("/admin/login").await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(form.texts("label"), ["E-mail", "Hasło"]);
    assert_eq!(form.texts("button[type=submit]"), ["Zaloguj się"]);
    assert_eq!(form.attribute("html", "lang").as_deref(), Some("pl"));

    let (mut editor, _) = EditorBrowser::logged_in_as(&app, "Ewa Redaktor", Role::Editor).await;
    let answer = editor.log_in("ewa.redaktor@example.org", PASSWORD).await;
    let cookie = answer
        .headers
        .get(header::SET_COOKIE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP gets no Secure cookie: {cookie}"
    );
    let dashboard = editor.get("/admin/").await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert_eq!(
        dashboard.texts("nav.nav ul a"),
        ["Pulpit", "Artykuły", "Zdjęcia", "Galerie", "Statystyki"],
        "an editor has no Administracja"
    );
    let (mut admin, _) = EditorBrowser::logged_in_as(&app, "Adam Admin", Role::Admin).await;
    let dashboard = admin.get("/admin/").await;
    assert!(
        dashboard
            .texts("nav.nav ul a")
            .contains(&"Administracja".to_owned())
    );
}

async fn a_wrong_password_is_refused_with_a_summary_and_keeps_the_address(app: TestApp) {
    let _ = EditorBrowser::logged_in_as(&app, "Ewa Redaktor", Role::Editor).await;
    let mut stranger = EditorBrowser::new(&app);
    let answer = stranger
        .log_in("ewa.redaktor@example.org", "not the password")
        .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert!(stranger.cookie.is_none());
    assert_eq!(
        answer.texts(".error-summary h2"),
        ["Popraw błędy w formularzu"]
    );
    assert_eq!(
        answer.attribute("input#email", "value").as_deref(),
        Some("ewa.redaktor@example.org")
    );
    assert_eq!(
        answer.attribute(".error-summary a", "href").as_deref(),
        Some("#email")
    );
}

async fn pages_need_a_session_and_send_the_browser_to_login_and_back(app: TestApp) {
    let mut stranger = EditorBrowser::new(&app);
    for path in ["/admin/", "/admin/articles", "/admin/articles/new"] {
        let answer = stranger.get(path).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{path}");
        assert!(
            answer.location().starts_with("/admin/login?next="),
            "{path}"
        );
    }
    let _ = EditorBrowser::logged_in_as(&app, "Ewa Redaktor", Role::Editor).await;
    let back = stranger
        .post_raw(
            "/admin/login",
            &[
                ("email", "ewa.redaktor@example.org"),
                ("password", PASSWORD),
                ("next", "/admin/articles?status=DRAFT"),
            ],
        )
        .await;
    assert_eq!(back.location(), "/admin/articles?status=DRAFT");
    let elsewhere = stranger
        .post_raw(
            "/admin/login",
            &[
                ("email", "ewa.redaktor@example.org"),
                ("password", PASSWORD),
                ("next", "https://evil.example/"),
            ],
        )
        .await;
    assert_eq!(elsewhere.location(), "/admin/");
}

async fn logging_out_ends_the_session_on_the_server(app: TestApp) {
    let (mut editor, _) = EditorBrowser::logged_in_as(&app, "Ewa Redaktor", Role::Editor).await;
    let stolen_cookie = editor.cookie.clone();
    let answer = editor.post("/admin/logout", &[]).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert!(answer.location().starts_with("/admin/login"));
    // A copy of the cookie kept elsewhere opens nothing any more.
    let mut thief = EditorBrowser::new(&app);
    thief.cookie = stolen_cookie;
    assert_eq!(thief.get("/admin/").await.status, StatusCode::SEE_OTHER);
}

async fn a_change_without_the_session_token_or_from_another_site_is_refused(app: TestApp) {
    let (mut editor, _) = EditorBrowser::logged_in_as(&app, "Ewa Redaktor", Role::Editor).await;
    let section = app.section("Aktualności").await;
    let section_id = section.id.to_string();
    let fields = [
        ("title", "Podrobiony artykuł"),
        ("section", section_id.as_str()),
        ("action", "save"),
    ];
    // No token at all.
    let answer = editor.post_raw("/admin/articles/new", &fields).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    // Another session's token.
    let (other, _) = EditorBrowser::logged_in_as(&app, "Olga Inna", Role::Editor).await;
    let mut with_other_token = fields.to_vec();
    let other_token = other.csrf.clone().unwrap_or_default();
    with_other_token.push(("_csrf", other_token.as_str()));
    let answer = editor
        .post_raw("/admin/articles/new", &with_other_token)
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    // The right token, but sent by a page of another site (a cross-site form post).
    editor.origin = "https://evil.example".to_owned();
    let answer = editor.post("/admin/articles/new", &fields).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert!(answer.body.contains("Nie wykonano zmiany"));
    // Nothing was created.
    let listed = app
        .data_as(
            &app.login_as("Szef", Role::Admin).await,
            "{ articles(filter: {status: [DRAFT]}, orderBy: {field: UPDATED_AT}) { totalCount } }",
            serde_json::json!({}),
        )
        .await;
    assert_eq!(listed["articles"]["totalCount"], 0);
}

async fn a_browser_session_is_not_a_bearer_token(app: TestApp) {
    let (editor, _) = EditorBrowser::logged_in_as(&app, "Ewa Redaktor", Role::Editor).await;
    let token = editor
        .cookie
        .as_deref()
        .and_then(|cookie| cookie.strip_prefix("kronika_session="))
        .unwrap_or_default()
        .to_owned();
    let answer = app
        .gql_with_token(&token, "{ viewer { name } }", serde_json::json!({}))
        .await;
    assert!(answer["data"]["viewer"].is_null(), "{answer}");
}

async fn an_editor_writes_saves_and_publishes_through_the_forms(app: TestApp) {
    let (mut editor, _) = EditorBrowser::logged_in_as(&app, "Ewa Redaktor", Role::Editor).await;
    let section = app.section("Aktualności").await;
    let tag = app.tag("Kultura").await;
    let form = editor.get("/admin/articles/new").await;
    assert_eq!(form.status, StatusCode::OK);
    let labels = form.texts("label");
    for label in ["Tytuł", "Wstęp", "Treść", "Dział", "Autor", "Adres"] {
        assert!(
            labels
                .iter()
                .any(|text| text == label || text.starts_with(&format!("{label} ("))),
            "no field {label} among {labels:?}"
        );
    }
    assert_eq!(form.texts("legend"), ["Tagi"]);
    let section_id = section.id.to_string();
    let tag_id = tag.id.to_string();
    let created = editor
        .post(
            "/admin/articles/new",
            &[
                ("title", "Razem dla wspólnej sprawy"),
                ("section", &section_id),
                ("lead", "Partnerstwo lokalne podsumowało rok."),
                ("body", "<h2>Spotkanie</h2><p>W <b>sobotę</b> spotkali się partnerzy.</p><p style=\"color:red\" onclick=\"x()\">Drugi akapit</p>"),
                ("tag", &tag_id),
                ("byline", "oprac. WKZ"),
                ("slug", ""),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let location = created.location().to_owned();
    assert!(location.ends_with("?ok=utworzono"), "{location}");
    let edit = editor.get(&location).await;
    assert!(
        edit.texts(".notice")
            .iter()
            .any(|text| text.starts_with("Utworzono szkic"))
    );
    assert_eq!(
        edit.attribute("input#adres", "value").as_deref(),
        Some("razem-dla-wspolnej-sprawy")
    );
    let body = edit.texts("textarea#tresc").join("");
    assert!(
        body.contains("<b>sobotę</b>") || body.contains("<strong>sobotę</strong>"),
        "{body}"
    );
    assert!(
        !body.contains("onclick") && !body.contains("style="),
        "sanitised: {body}"
    );
    let version = edit
        .attribute(r#"input[name="version"]"#, "value")
        .unwrap_or_default();
    let path = location.split('?').next().unwrap_or_default().to_owned();

    let published = editor
        .post(
            &path,
            &[
                ("version", &version),
                ("title", "Razem dla wspólnej sprawy"),
                ("section", &section_id),
                ("lead", "Partnerstwo lokalne podsumowało rok."),
                ("body", &body),
                ("tag", &tag_id),
                ("byline", "oprac. WKZ"),
                ("slug", "razem-dla-wspolnej-sprawy"),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.body
    );
    assert!(published.location().ends_with("?ok=opublikowano"));
    let read = app
        .gql("{ article(slug: \"razem-dla-wspolnej-sprawy\") { title byline status tags { name } } }")
        .await;
    assert_eq!(read["data"]["article"]["status"], "PUBLISHED", "{read}");
    assert_eq!(read["data"]["article"]["byline"], "oprac. WKZ");
    assert_eq!(read["data"]["article"]["tags"][0]["name"], "Kultura");

    let preview = editor.get(&format!("{path}/preview")).await;
    assert_eq!(preview.status, StatusCode::OK);
    assert_eq!(preview.texts("article h1"), ["Razem dla wspólnej sprawy"]);
    assert!(
        preview
            .texts(".metryczka dd")
            .contains(&"oprac. WKZ".to_owned())
    );

    let list = editor.get("/admin/articles?status=PUBLISHED&q=razem").await;
    assert_eq!(list.texts("td.title-cell a"), ["Razem dla wspólnej sprawy"]);
    let none = editor.get("/admin/articles?status=DRAFT").await;
    assert!(none.texts("td.title-cell a").is_empty());
}

async fn an_author_sees_no_publish_button_and_a_forged_publish_is_refused(app: TestApp) {
    let (mut author, _) = EditorBrowser::logged_in_as(&app, "Adam Autor", Role::Author).await;
    let section = app.section("Aktualności").await;
    let section_id = section.id.to_string();
    let created = author
        .post(
            "/admin/articles/new",
            &[
                ("title", "Szkic autora"),
                ("section", &section_id),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let path = created
        .location()
        .split('?')
        .next()
        .unwrap_or_default()
        .to_owned();
    let edit = author.get(&path).await;
    let buttons = edit.texts("button");
    assert!(buttons.contains(&"Zapisz".to_owned()));
    assert!(
        !buttons
            .iter()
            .any(|text| text.starts_with("Opublikuj") || text.starts_with("Zaplanuj")),
        "{buttons:?}"
    );
    let version = edit
        .attribute(r#"input[name="version"]"#, "value")
        .unwrap_or_default();
    let forged = author
        .post(
            &path,
            &[
                ("version", &version),
                ("title", "Szkic autora"),
                ("section", &section_id),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let id: i64 = path
        .rsplit('/')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_default();
    let stored =
        kronika_core::content::article_by_id(app.db(), id, kronika_core::content::Audience::Staff)
            .await
            .ok()
            .flatten()
            .map(|article| article.status);
    assert_eq!(stored, Some(ArticleStatus::Draft));
}

async fn markup_typed_into_any_field_is_shown_as_text(app: TestApp) {
    let (mut editor, _) = EditorBrowser::logged_in_as(&app, "Ewa Redaktor", Role::Editor).await;
    let section = app.section("Aktualności").await;
    let section_id = section.id.to_string();
    let vector = r#"<script>alert(1)</script><img src=x onerror=alert(2)>"#;
    let created = editor
        .post(
            "/admin/articles/new",
            &[
                ("title", vector),
                ("section", &section_id),
                ("lead", vector),
                ("byline", vector),
                ("body", vector),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let path = created
        .location()
        .split('?')
        .next()
        .unwrap_or_default()
        .to_owned();
    for page_path in [
        path.clone(),
        format!("{path}/preview"),
        format!("{path}/history"),
        "/admin/articles".to_owned(),
        "/admin/".to_owned(),
    ] {
        let page = editor.get(&page_path).await;
        assert_eq!(page.status, StatusCode::OK, "{page_path}");
        // Shown as text, the vector becomes no element: no inline script, no handler.
        assert!(
            page.texts("script").iter().all(String::is_empty),
            "{page_path} runs a script"
        );
        assert!(
            page.texts("[onerror]").is_empty(),
            "{page_path} keeps the handler"
        );
        assert!(
            page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{page_path} hides the title"
        );
    }
}

async fn two_editors_saving_the_same_version_meet_a_conflict_and_choose_per_field(app: TestApp) {
    let (mut ewa, _) = EditorBrowser::logged_in_as(&app, "Ewa Redaktor", Role::Editor).await;
    let (mut jan, _) = EditorBrowser::logged_in_as(&app, "Jan Redaktor", Role::Editor).await;
    let section = app.section("Aktualności").await;
    let section_id = section.id.to_string();
    let created = ewa
        .post(
            "/admin/articles/new",
            &[
                ("title", "Wspólny tytuł"),
                ("section", &section_id),
                ("lead", "Pierwszy wstęp"),
                ("action", "save"),
            ],
        )
        .await;
    let path = created
        .location()
        .split('?')
        .next()
        .unwrap_or_default()
        .to_owned();
    let version = ewa
        .get(&path)
        .await
        .attribute(r#"input[name="version"]"#, "value")
        .unwrap_or_default();
    let _ = jan.get(&path).await;
    let first = jan
        .post(
            &path,
            &[
                ("version", &version),
                ("title", "Tytuł Jana"),
                ("section", &section_id),
                ("lead", "Pierwszy wstęp"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let second = ewa
        .post(
            &path,
            &[
                ("version", &version),
                ("title", "Wspólny tytuł"),
                ("section", &section_id),
                ("lead", "Wstęp Ewy"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(second.status, StatusCode::CONFLICT, "{}", second.body);
    assert_eq!(second.texts("fieldset legend"), ["Tytuł", "Wstęp"]);
    assert!(second.body.contains("Jan Redaktor"));
    // Nothing was overwritten: Jan's title stands.
    let stored = ewa.get(&path).await;
    assert_eq!(
        stored.attribute("input#tytul", "value").as_deref(),
        Some("Tytuł Jana")
    );
    // Ewa keeps Jan's title and her lead.
    let mut fields: Vec<(String, String)> = Vec::new();
    for name in ["version", "action"] {
        let value = second
            .attribute(&format!(r#"input[name="{name}"]"#), "value")
            .unwrap_or_default();
        fields.push((name.to_owned(), value));
    }
    for side in ["mine", "theirs"] {
        for field in [
            "title", "lead", "body", "byline", "slug", "section", "gallery",
        ] {
            let name = format!("{side}_{field}");
            let value = second
                .attribute(&format!(r#"input[name="{name}"]"#), "value")
                .unwrap_or_default();
            fields.push((name, value));
        }
    }
    fields.push(("wybor_title".to_owned(), "zapisana".to_owned()));
    fields.push(("wybor_lead".to_owned(), "moja".to_owned()));
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let resolved = ewa.post(&path, &borrowed).await;
    assert_eq!(resolved.status, StatusCode::SEE_OTHER, "{}", resolved.body);
    let merged = ewa.get(&path).await;
    assert_eq!(
        merged.attribute("input#tytul", "value").as_deref(),
        Some("Tytuł Jana")
    );
    assert_eq!(merged.texts("textarea#wstep"), ["Wstęp Ewy"]);
}

async fn a_revision_is_restored_from_the_history(app: TestApp) {
    let (mut editor, _) = EditorBrowser::logged_in_as(&app, "Ewa Redaktor", Role::Editor).await;
    let section = app.section("Aktualności").await;
    let section_id = section.id.to_string();
    let created = editor
        .post(
            "/admin/articles/new",
            &[
                ("title", "Pierwszy tytuł"),
                ("section", &section_id),
                ("action", "save"),
            ],
        )
        .await;
    let path = created
        .location()
        .split('?')
        .next()
        .unwrap_or_default()
        .to_owned();
    let version = editor
        .get(&path)
        .await
        .attribute(r#"input[name="version"]"#, "value")
        .unwrap_or_default();
    let saved = editor
        .post(
            &path,
            &[
                ("version", &version),
                ("title", "Drugi tytuł"),
                ("section", &section_id),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let history = editor.get(&format!("{path}/history")).await;
    assert_eq!(history.status, StatusCode::OK);
    let restore = history
        .attribute(r#"form[action$="/restore"]"#, "action")
        .unwrap_or_default();
    let compared = editor
        .get(&format!(
            "{path}/history?z={}&do=obecna",
            restore.split('/').nth(5).unwrap_or_default()
        ))
        .await;
    assert!(
        compared
            .texts(".diff-table td")
            .contains(&"Pierwszy tytuł".to_owned()),
        "{:?}",
        compared.texts(".diff-table td")
    );
    let restored = editor.post(&restore, &[]).await;
    assert_eq!(restored.status, StatusCode::SEE_OTHER, "{}", restored.body);
    let now = editor.get(&path).await;
    assert_eq!(
        now.attribute("input#tytul", "value").as_deref(),
        Some("Pierwszy tytuł")
    );
}

async fn publishing_is_refused_while_a_gallery_photo_has_no_alternative_text(app: TestApp) {
    let (mut editor, _) = EditorBrowser::logged_in_as(&app, "Ewa Redaktor", Role::Editor).await;
    let section = app.section("Aktualności").await;
    let gallery = app.gallery("Spotkanie", 2).await;
    let photo_ids = kronika_core::editing::galleries::photo_ids(app.db(), gallery.id)
        .await
        .unwrap_or_default();
    // An older photo, uploaded before alternative text was asked for.
    entities::photo::Entity::update_many()
        .col_expr(
            entities::photo::Column::Alt,
            sea_orm::sea_query::Expr::value(""),
        )
        .filter(entities::photo::Column::Id.eq(photo_ids[1]))
        .exec(app.db())
        .await
        .unwrap_or_else(|error| panic!("clear alt: {error}"));
    let section_id = section.id.to_string();
    let gallery_id = gallery.id.to_string();
    let created = editor
        .post(
            "/admin/articles/new",
            &[
                ("title", "Z galerią"),
                ("section", &section_id),
                ("gallery", &gallery_id),
                ("action", "save"),
            ],
        )
        .await;
    let path = created
        .location()
        .split('?')
        .next()
        .unwrap_or_default()
        .to_owned();
    let version = editor
        .get(&path)
        .await
        .attribute(r#"input[name="version"]"#, "value")
        .unwrap_or_default();
    let refused = editor
        .post(
            &path,
            &[
                ("version", &version),
                ("title", "Z galerią"),
                ("section", &section_id),
                ("gallery", &gallery_id),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(
        refused
            .texts(".error-summary a")
            .iter()
            .any(|text| text.contains("tekstu alternatywnego"))
    );
}

async fn the_first_run_link_creates_one_administrator_once(app: TestApp) {
    let path = app
        .app
        .setup_path()
        .unwrap_or_else(|| panic!("a fresh database offers the setup link"));
    let mut browser = EditorBrowser::new(&app);
    let form = browser.get(&path).await;
    assert_eq!(form.status, StatusCode::OK);
    let short = browser
        .post_raw(
            &path,
            &[
                ("name", "Anna Admin"),
                ("email", "anna@example.org"),
                ("password", "krotkie"),
                ("password_again", "krotkie"),
            ],
        )
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        short.attribute("input#email", "value").as_deref(),
        Some("anna@example.org")
    );
    let created = browser
        .post_raw(
            &path,
            &[
                ("name", "Anna Admin"),
                ("email", "anna@example.org"),
                ("password", PASSWORD),
                ("password_again", PASSWORD),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    assert!(created.headers.get(header::SET_COOKIE).is_some());
    let again = browser
        .post_raw(
            &path,
            &[
                ("name", "Drugi"),
                ("email", "drugi@example.org"),
                ("password", PASSWORD),
                ("password_again", PASSWORD),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert!(app.app.setup_path().is_none());
    let mut anna = EditorBrowser::new(&app);
    let answer = anna.log_in("anna@example.org", PASSWORD).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert!(
        anna.get("/admin/")
            .await
            .texts("nav.nav ul a")
            .contains(&"Administracja".to_owned())
    );
}

async fn assets_are_immutable_and_pages_carry_a_strict_policy(app: TestApp) {
    let mut browser = EditorBrowser::new(&app);
    let login = browser.get("/admin/login").await;
    let policy = login
        .headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"),
        "{policy}"
    );
    assert_eq!(
        login
            .headers
            .get(header::CACHE_CONTROL)
            .and_then(|value| value.to_str().ok()),
        Some("no-store")
    );
    let css = login
        .attribute(r#"link[rel="stylesheet"]"#, "href")
        .unwrap_or_default();
    assert!(
        css.starts_with("/admin/assets/admin.") && css.ends_with(".css"),
        "{css}"
    );
    let asset = browser.get(&css).await;
    assert_eq!(asset.status, StatusCode::OK);
    assert_eq!(
        asset
            .headers
            .get(header::CACHE_CONTROL)
            .and_then(|value| value.to_str().ok()),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(
        browser.get("/admin/assets/admin.css").await.status,
        StatusCode::NOT_FOUND
    );
}
