//! What an attacker and a first-time operator would try, in a real Chromium: the first-run
//! link creating the first administrator, a form on another site posting into the
//! application with the editor's cookie in the same browser, and markup typed into every
//! field of an article that must stay text in the editor, the preview and the lists.

use kronika_core::domain::Role;
use kronika_tests::browser::{Browser, data_url};
use kronika_tests::{PASSWORD, TestApp};
use serde_json::{Value, json};

/// Markup that would run script if any page put it into the DOM as HTML. Each vector
/// flips `window.xss` so that the test can ask the page whether anything ran (the CSP
/// would also stop inline handlers; the escaping must hold without it).
const VECTORS: [&str; 3] = [
    r#"<img src=x onerror="window.xss=1">"#,
    r#"<script>window.xss=1</script>"#,
    r#""><svg onload="window.xss=1">"#,
];

async fn xss_ran(browser: &Browser) -> Value {
    browser
        .client()
        .execute(
            "return window.xss === undefined ? null : window.xss",
            vec![],
        )
        .await
        .unwrap_or_else(|error| panic!("ask the page: {error}"))
}

async fn article_count(app: &TestApp, session: &kronika_tests::Session) -> Value {
    app.data_as(
        session,
        "{ articles(first: 50, filter: {status: [DRAFT, PUBLISHED]}, orderBy: {field: UPDATED_AT, direction: DESC}) { totalCount } }",
        json!({}),
    )
    .await["articles"]["totalCount"]
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_run_link_makes_the_first_administrator_in_the_browser() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn_sqlite().await;
    let path = app
        .app
        .setup_path()
        .unwrap_or_else(|| panic!("a fresh database offers the setup link"));
    browser.goto(&app.url(&path)).await;
    browser.wait_for("form").await;
    browser
        .axe_audit("pierwsze-uruchomienie")
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    browser.screenshot("pierwsze-uruchomienie").await;

    browser
        .fill("Imię i nazwisko", "Anna Administratorka")
        .await;
    browser.fill("E-mail", "anna@example.org").await;
    browser.fill("Hasło", PASSWORD).await;
    browser
        .fill("Powtórz hasło", "inne hasło niż to pierwsze")
        .await;
    browser.submit_with("Utwórz konto i zaloguj").await;
    // A mistake keeps what was typed and says what is wrong, at the top and at the field.
    let summary = browser.text_of(".error-summary").await;
    assert!(summary.contains("Hasła"), "{summary}");
    let kept: Value = browser
        .client()
        .execute("return document.getElementById('email').value", vec![])
        .await
        .unwrap_or_else(|error| panic!("read the e-mail field: {error}"));
    assert_eq!(kept, "anna@example.org");

    browser.fill("Hasło", PASSWORD).await;
    browser.fill("Powtórz hasło", PASSWORD).await;
    browser.submit_with("Utwórz konto i zaloguj").await;
    let navigation = browser.texts_of("nav.nav ul a").await;
    assert!(
        navigation.contains(&"Administracja".to_owned()),
        "{navigation:?}"
    );
    // The link was for one use.
    assert!(app.app.setup_path().is_none());
    browser.goto(&app.url(&path)).await;
    assert_eq!(browser.text_of("h1").await, "Ten link jest nieważny");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_on_another_site_cannot_act_for_a_signed_in_editor() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn_sqlite().await;
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let section = app.section("Aktualności").await;
    browser.sign_in(&app, &editor.email).await;
    let before = article_count(&app, &editor).await;

    // The attacker's page, in the same browser that holds the editor's session cookie,
    // posts a new article to the application when the editor opens it.
    let attack = format!(
        r#"<!DOCTYPE html><html lang="pl"><head><meta charset="utf-8"><title>Ciekawostki</title></head>
<body><form id="f" method="post" action="{}">
<input name="title" value="Podrzucony artykuł"><input name="section" value="{}">
<input name="action" value="save"></form>
<script>document.getElementById('f').submit()</script></body></html>"#,
        app.url("/admin/articles/new"),
        section.id
    );
    browser.goto(&data_url(&attack)).await;
    // Whatever the application answered has loaded once the address is its own.
    for _ in 0..100 {
        if browser.current_url().await.starts_with(&app.url("/")) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let heading = browser.text_of("h1").await;
    assert!(
        ["Nie wykonano zmiany", "Zaloguj się do redakcji"].contains(&heading.as_str()),
        "the forged form got {heading:?} at {}",
        browser.current_url().await
    );
    assert_eq!(article_count(&app, &editor).await, before);
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn markup_in_every_field_stays_text_in_the_editor_the_preview_and_the_lists() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn_sqlite().await;
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let section = app.section("Aktualności").await;
    let mut ids = Vec::new();
    for (number, vector) in VECTORS.iter().enumerate() {
        let created = app
            .data_as(
                &editor,
                "mutation($input: CreateArticleInput!) { createArticle(input: $input) { article { id } } }",
                json!({"input": {
                    "title": format!("Tytuł {number} {vector}"),
                    "sectionId": section.id.to_string(),
                    "lead": format!("Wstęp {vector}"),
                    "body": format!("<p>Treść {vector}</p>"),
                    "byline": format!("Autor {vector}"),
                }}),
            )
            .await;
        ids.push(
            created["createArticle"]["article"]["id"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        );
    }
    browser.sign_in(&app, &editor.email).await;

    let mut pages = vec![
        ("/admin/".to_owned(), ".dashboard-grid"),
        ("/admin/articles".to_owned(), "table"),
        ("/admin/articles?q=tytul".to_owned(), "table"),
    ];
    for id in &ids {
        pages.push((format!("/admin/articles/{id}"), "#tresc-edytor"));
        pages.push((format!("/admin/articles/{id}/preview"), ".metryczka"));
        pages.push((format!("/admin/articles/{id}/history"), "table"));
    }
    for (path, ready) in &pages {
        browser.goto(&app.url(path)).await;
        browser.wait_for(ready).await;
        // Give an injected image's error handler time to fire, were there one.
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        assert!(xss_ran(&browser).await.is_null(), "script ran on {path}");
        // The body is HTML by design and its sanitiser may keep a harmless `<img src=x>`;
        // what must never reach the DOM is a handler or a script.
        let injected = browser
            .texts_of("main [onerror], main [onload], main script")
            .await;
        assert!(injected.is_empty(), "markup became elements on {path}");
    }
    // And the title is shown as typed, as text.
    browser
        .goto(&app.url(&format!("/admin/articles/{}", ids[0])))
        .await;
    let title: Value = browser
        .client()
        .execute("return document.getElementById('tytul').value", vec![])
        .await
        .unwrap_or_else(|error| panic!("read the title: {error}"));
    assert_eq!(title, format!("Tytuł 0 {}", VECTORS[0]));
    browser.close().await;
}
