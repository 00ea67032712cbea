//! Editing beyond the first draft, in a real Chromium: scheduling a publication, meeting
//! another editor's save and choosing field by field, and an author whose forged publish
//! button the server refuses. Each screen is audited with axe-core.

use kronika_core::domain::Role;
use kronika_tests::browser::Browser;
use kronika_tests::{Session, TestApp};
use serde_json::{Value, json};

const READ: &str = "query($id: ID!) { article(id: $id) { title lead status version publishedAt } }";

/// A draft written through GraphQL by `session`; its id.
async fn draft(app: &TestApp, session: &Session, title: &str) -> String {
    let section = app.section("Aktualności").await;
    let created = app
        .data_as(
            session,
            "mutation($input: CreateArticleInput!) { createArticle(input: $input) { article { id } } }",
            json!({"input": {"title": title, "sectionId": section.id.to_string(), "lead": "Pierwszy wstęp.", "body": "<p>Treść.</p>"}}),
        )
        .await;
    created["createArticle"]["article"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn read(app: &TestApp, session: &Session, id: &str) -> Value {
    app.data_as(session, READ, json!({"id": id})).await["article"].clone()
}

async fn audit(browser: &Browser, name: &str) {
    browser
        .axe_audit(name)
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    browser.screenshot(name).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_editor_schedules_a_publication_and_finds_it_on_the_dashboard() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn_sqlite().await;
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let id = draft(&app, &editor, "Nabór wniosków rusza w styczniu").await;
    browser.sign_in(&app, &editor.email).await;

    browser
        .goto(&app.url(&format!("/admin/articles/{id}")))
        .await;
    browser.wait_for("#termin").await;
    // Chromium's date-time picker takes keys in an order that depends on the locale, so
    // the value is set as the picker would leave it.
    browser
        .client()
        .execute(
            "const field = document.getElementById('termin'); field.value = '2030-01-15T09:30';\
             field.dispatchEvent(new Event('input', {bubbles: true}));",
            vec![],
        )
        .await
        .unwrap_or_else(|error| panic!("set the date: {error}"));
    browser.click_button("Zaplanuj publikację").await;
    let notice = browser.text_of(".notice").await;
    assert!(
        notice.starts_with("Zaplanowano publikację na 15 stycznia 2030"),
        "{notice}"
    );
    audit(&browser, "edytor-zaplanowany").await;

    let stored = read(&app, &editor, &id).await;
    assert_eq!(stored["status"], "SCHEDULED", "{stored:#}");
    let at = stored["publishedAt"].as_str().unwrap_or_default();
    assert!(at.starts_with("2030-01-15T09:30:00"), "{stored:#}");
    // Not public before its time.
    let public = app.gql_with(READ, json!({"id": id})).await;
    assert!(public["data"]["article"].is_null(), "{public:#}");

    browser.goto(&app.url("/admin/")).await;
    let scheduled = browser
        .text_of("section[aria-labelledby=zaplanowane]")
        .await;
    assert!(
        scheduled.contains("Nabór wniosków rusza w styczniu"),
        "{scheduled}"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_editor_meets_another_save_and_keeps_a_field_from_each() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn_sqlite().await;
    let ewa = app.login_as("Ewa Redaktor", Role::Editor).await;
    let jan = app.login_as("Jan Redaktor", Role::Editor).await;
    let id = draft(&app, &ewa, "Wspólny tytuł").await;
    browser.sign_in(&app, &ewa.email).await;

    // Ewa opens the article; Jan saves a new title through GraphQL while she types.
    browser
        .goto(&app.url(&format!("/admin/articles/{id}")))
        .await;
    browser.wait_for("#tresc-edytor").await;
    let version = read(&app, &jan, &id).await["version"].clone();
    app.data_as(
        &jan,
        "mutation($id: ID!, $input: UpdateArticleInput!, $version: Int!) { updateArticle(id: $id, input: $input, expectedVersion: $version) { article { version } } }",
        json!({"id": id, "input": {"title": "Tytuł Jana"}, "version": version}),
    )
    .await;
    browser.fill("Tytuł", "Tytuł Ewy").await;
    browser.fill("Wstęp", "Wstęp Ewy.").await;
    browser.submit_with("Zapisz").await;

    let heading = browser.text_of("main h1").await;
    assert_eq!(heading, "Ktoś zapisał ten artykuł przed Tobą");
    let warning = browser.text_of("[role=alert]").await;
    assert!(warning.contains("Jan Redaktor"), "{warning}");
    let fields = browser.texts_of("fieldset legend").await;
    assert_eq!(fields, ["Tytuł", "Wstęp"]);
    audit(&browser, "konflikt-zmian").await;
    // Nothing was overwritten while she decides.
    assert_eq!(read(&app, &ewa, &id).await["title"], "Tytuł Jana");

    // Jan's title, Ewa's lead: the radio buttons are chosen by their labels.
    browser
        .client()
        .find(fantoccini::Locator::Css("label[for=wybor-title-zapisana]"))
        .await
        .unwrap_or_else(|error| panic!("the label of Jan's title: {error}"))
        .click()
        .await
        .unwrap_or_else(|error| panic!("choose Jan's title: {error}"));
    browser.submit_with("Zapisz wybrane wersje").await;
    browser.notice_starting_with("Zapisano").await;
    let stored = read(&app, &ewa, &id).await;
    assert_eq!(stored["title"], "Tytuł Jana", "{stored:#}");
    assert_eq!(stored["lead"], "Wstęp Ewy.", "{stored:#}");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_author_has_no_publish_button_and_a_forged_one_is_refused() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn_sqlite().await;
    let author = app.login_as("Jan Autor", Role::Author).await;
    let id = draft(&app, &author, "Tekst autora").await;
    browser.sign_in(&app, &author.email).await;

    browser
        .goto(&app.url(&format!("/admin/articles/{id}")))
        .await;
    browser.wait_for("#tresc-edytor").await;
    let buttons = browser.texts_of("#publikacja button").await;
    assert!(buttons.contains(&"Zapisz".to_owned()), "{buttons:?}");
    // Archiving is left: an author may withdraw a draft of their own.
    for missing in [
        "Opublikuj teraz",
        "Zaplanuj publikację",
        "Cofnij publikację",
    ] {
        assert!(
            !buttons.iter().any(|button| button == missing),
            "an author sees {missing}: {buttons:?}"
        );
    }
    audit(&browser, "edytor-autora").await;

    // The page is the author's to change: a button added by hand still meets the server.
    browser
        .client()
        .execute(
            "const button = document.createElement('button'); button.type = 'submit';\
             button.name = 'action'; button.value = 'publish'; button.id = 'podrobiony';\
             button.textContent = 'Opublikuj teraz';\
             document.querySelector('#publikacja .button-row').append(button);",
            vec![],
        )
        .await
        .unwrap_or_else(|error| panic!("forge the button: {error}"));
    browser.submit_with("Opublikuj teraz").await;
    assert_eq!(browser.text_of("main h1").await, "Brak uprawnień");
    assert_eq!(read(&app, &author, &id).await["status"], "DRAFT");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_earlier_state_is_restored_from_the_history() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn_sqlite().await;
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let id = draft(&app, &editor, "Pierwszy tytuł").await;
    browser.sign_in(&app, &editor.email).await;

    browser
        .goto(&app.url(&format!("/admin/articles/{id}")))
        .await;
    browser.wait_for("#tresc-edytor").await;
    browser.fill("Tytuł", "Drugi tytuł").await;
    browser.submit_with("Zapisz").await;
    assert_eq!(read(&app, &editor, &id).await["title"], "Drugi tytuł");

    browser
        .goto(&app.url(&format!("/admin/articles/{id}/history")))
        .await;
    browser.wait_for("table").await;
    browser
        .click_button("Przywróć stan sprzed tej zmiany")
        .await;
    // Restoring asks first, naming what will happen.
    let question = browser
        .client()
        .get_alert_text()
        .await
        .unwrap_or_else(|error| panic!("no confirmation was asked: {error}"));
    assert!(question.starts_with("Przywrócić treść"), "{question}");
    browser
        .client()
        .accept_alert()
        .await
        .unwrap_or_else(|error| panic!("confirm: {error}"));
    let notice = browser.text_of(".notice").await;
    assert_eq!(notice, "Przywrócono wybraną wersję.");
    assert_eq!(read(&app, &editor, &id).await["title"], "Pierwszy tytuł");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publishing_waits_for_the_alternative_text_the_check_points_to() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn_sqlite().await;
    let editor = app.login_as("Ewa Redaktor", Role::Editor).await;
    let section = app.section("Aktualności").await;
    // A photo in the body without alternative text, as older content has.
    let photo = app
        .upload_fixture(
            &editor,
            "real/imaging--orientation_1.jpg",
            json!({"caption": "Sala obrad", "credit": "Jan Kowalski"}),
        )
        .await;
    let source = photo["url"]
        .as_str()
        .unwrap_or("/media/zdjecie.jpg")
        .to_owned();
    let created = app
        .data_as(
            &editor,
            "mutation($input: CreateArticleInput!) { createArticle(input: $input) { article { id } } }",
            json!({"input": {"title": "Sesja rady", "sectionId": section.id.to_string(),
                "body": format!("<p>Obrady.</p><p><img src=\"{source}\"></p>")}}),
        )
        .await;
    let id = created["createArticle"]["article"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    browser.sign_in(&app, &editor.email).await;

    browser
        .goto(&app.url(&format!("/admin/articles/{id}")))
        .await;
    browser.wait_for("#tresc-edytor").await;
    browser.submit_with("Opublikuj teraz").await;
    let summary = browser.text_of(".error-summary").await;
    assert!(summary.contains("tekstu alternatywnego"), "{summary}");
    // Not audited: the editor shows the article's own image without alternative text,
    // which axe rightly flags; that image is what this check is about.
    browser
        .screenshot("publikacja-bez-tekstu-alternatywnego")
        .await;
    // A photo in the body, at its own size, must not widen the page.
    browser
        .reflows_on_a_phone("publikacja-bez-tekstu-alternatywnego")
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(read(&app, &editor, &id).await["status"], "DRAFT");
    // The summary links to the place, and the link moves the focus there.
    browser
        .client()
        .find(fantoccini::Locator::Css(".error-summary a"))
        .await
        .unwrap_or_else(|error| panic!("the summary's link: {error}"))
        .click()
        .await
        .unwrap_or_else(|error| panic!("follow the summary's link: {error}"));
    let hash = browser.current_url().await;
    assert!(hash.contains('#'), "{hash}");
    browser.close().await;
}
