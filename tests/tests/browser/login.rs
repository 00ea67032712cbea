//! Signing in to the editors' application: the form at /admin/login, a wrong password
//! answered with an error summary, and the right one landing on the dashboard. Both
//! pages pass the accessibility audit and are photographed.

use kronika_core::auth::accounts;
use kronika_core::domain::Role;
use kronika_tests::browser::Browser;
use kronika_tests::{PASSWORD, TestApp};

const EMAIL: &str = "redaktorka@example.org";

/// The links of the main navigation every editor sees (administrators see one more).
const NAVIGATION: [&str; 5] = ["Pulpit", "Artykuły", "Zdjęcia", "Galerie", "Statystyki"];

async fn app_with_an_editor() -> TestApp {
    let app = TestApp::spawn_sqlite().await;
    accounts::add(app.db(), EMAIL, "Anna Redaktorka", Role::Editor, PASSWORD)
        .await
        .unwrap_or_else(|error| panic!("add account: {error}"));
    app
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_summarised_and_the_right_one_opens_the_dashboard() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = app_with_an_editor().await;

    browser.goto(&app.url("/admin/login")).await;
    browser.wait_for("form").await;
    browser
        .axe_audit("logowanie")
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    browser.screenshot("logowanie").await;

    browser.fill("E-mail", EMAIL).await;
    browser.fill("Hasło", "nie to hasło").await;
    browser.click_button("Zaloguj się").await;
    let summary = browser.text_of(ERROR_SUMMARY).await;
    assert!(!summary.trim().is_empty(), "the error summary is empty");
    assert!(
        browser.current_url().await.contains("/admin/login"),
        "a wrong password left the login page for {}",
        browser.current_url().await
    );
    browser
        .axe_audit("logowanie z błędem")
        .await
        .unwrap_or_else(|error| panic!("{error}"));

    browser.fill("E-mail", EMAIL).await;
    browser.fill("Hasło", PASSWORD).await;
    browser.click_button("Zaloguj się").await;
    browser.wait_for("nav").await;
    let links = browser.texts_of("nav a").await;
    for link in NAVIGATION {
        assert!(
            links.iter().any(|text| text.trim() == link),
            "the navigation lacks {link:?}: {links:?}"
        );
    }
    assert!(
        !links.iter().any(|text| text.trim() == "Administracja"),
        "an editor sees Administracja: {links:?}"
    );
    browser
        .axe_audit("pulpit")
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    browser.screenshot("pulpit").await;
    browser.close().await;
}

/// The error summary at the top of a form that failed (the GOV.UK pattern).
const ERROR_SUMMARY: &str = ".error-summary";
