//! Writing and publishing an article in a real Chromium: rich text from the toolbar, a
//! fragment pasted from Word cleaned by the server's sanitiser, saving, publishing with
//! the keyboard alone, the preview and the history. Every screen passes axe-core and is
//! photographed at both sizes.

use fantoccini::Locator;
use fantoccini::key::Key;
use kronika_core::auth::accounts;
use kronika_core::domain::Role;
use kronika_tests::browser::Browser;
use kronika_tests::{PASSWORD, TestApp};
use serde_json::json;

const EMAIL: &str = "redaktorka@example.org";

/// What Word puts on the clipboard for a heading, a paragraph with bold text and a list:
/// its styles, classes, conditional comments and `o:p` elements must not survive.
const WORD_FRAGMENT: &str = r#"<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><style>p.MsoNormal{mso-style-parent:"";}</style></head><body><!--[if gte mso 9]><xml><o:OfficeDocumentSettings/></xml><![endif]--><h2 style="mso-outline-level:2">Wyniki naboru</h2><p class="MsoNormal" style="margin:0cm;font-family:Calibri">Do programu zgłosiło się <b style="mso-bidi-font-weight:normal">dwanaście</b> organizacji.<o:p></o:p></p><ul><li class="MsoListParagraph">Stowarzyszenie „Razem”</li></ul></body></html>"#;

async fn audit_and_photograph(browser: &Browser, name: &str) {
    browser
        .axe_audit(name)
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    browser.screenshot(name).await;
    browser
        .reflows_on_a_phone(name)
        .await
        .unwrap_or_else(|error| panic!("{error}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_editor_writes_pastes_from_word_and_publishes_with_the_keyboard() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn_sqlite().await;
    accounts::add(app.db(), EMAIL, "Anna Redaktorka", Role::Editor, PASSWORD)
        .await
        .unwrap_or_else(|error| panic!("add account: {error}"));
    app.section("Aktualności").await;
    app.tag("Kultura").await;

    browser.sign_in(&app, EMAIL).await;

    browser.goto(&app.url("/admin/articles/new")).await;
    browser.wait_for("#tresc-edytor").await;
    browser
        .fill("Tytuł", "Partnerstwo lokalne podsumowało rok")
        .await;
    // The address follows the title as it is typed.
    let slug: String = browser
        .client()
        .execute("return document.getElementById('adres').value", vec![])
        .await
        .ok()
        .and_then(|value| value.as_str().map(ToOwned::to_owned))
        .unwrap_or_default();
    assert_eq!(slug, "partnerstwo-lokalne-podsumowalo-rok");
    browser.fill("Wstęp", "Spotkanie partnerów w Łodzi.").await;
    browser.fill("Dział", "Aktualności").await;

    let area = browser.wait_for("#tresc-edytor").await;
    area.send_keys("Pierwszy akapit napisany w edytorze.")
        .await
        .unwrap_or_else(|error| panic!("type into Treść: {error}"));
    // Paste a Word fragment: the server's sanitiser decides what stays.
    browser
        .client()
        .execute(
            "const data = new DataTransfer(); data.setData('text/html', arguments[0]);\
             data.setData('text/plain', 'Wyniki naboru');\
             const area = document.getElementById('tresc-edytor'); area.focus();\
             const range = document.createRange(); range.selectNodeContents(area); range.collapse(false);\
             const selection = window.getSelection(); selection.removeAllRanges(); selection.addRange(range);\
             area.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));",
            vec![json!(WORD_FRAGMENT)],
        )
        .await
        .unwrap_or_else(|error| panic!("paste: {error}"));
    let heading = browser.text_of("#tresc-edytor h2").await;
    assert_eq!(heading.trim(), "Wyniki naboru");
    let pasted: String = browser
        .client()
        .execute(
            "return document.getElementById('tresc-edytor').innerHTML",
            vec![],
        )
        .await
        .ok()
        .and_then(|value| value.as_str().map(ToOwned::to_owned))
        .unwrap_or_default();
    assert!(pasted.contains("dwanaście"), "{pasted}");
    for residue in ["mso", "MsoNormal", "o:p", "style=", "Calibri"] {
        assert!(
            !pasted.contains(residue),
            "{residue} survived the paste: {pasted}"
        );
    }
    audit_and_photograph(&browser, "edytor-nowy-artykul").await;

    browser.click_button("Zapisz").await;
    let notice = browser.text_of(".notice").await;
    assert!(notice.starts_with("Utworzono szkic"), "{notice}");
    audit_and_photograph(&browser, "edytor-artykulu").await;

    // Publish with the keyboard alone: Tab to the button, press Enter.
    browser
        .client()
        .execute("document.getElementById('tytul').focus()", vec![])
        .await
        .unwrap_or_else(|error| panic!("focus: {error}"));
    let mut reached = false;
    for _ in 0..80 {
        browser.press_keys(&char::from(Key::Tab).to_string()).await;
        let focused = browser.focused().await.text().await.unwrap_or_default();
        if focused.trim() == "Opublikuj teraz" {
            reached = true;
            break;
        }
    }
    assert!(reached, "Opublikuj teraz cannot be reached with Tab");
    browser
        .press_keys(&char::from(Key::Enter).to_string())
        .await;
    browser.notice_starting_with("Opublikowano").await;
    let read = app
        .gql("{ article(slug: \"partnerstwo-lokalne-podsumowalo-rok\") { status body } }")
        .await;
    assert_eq!(read["data"]["article"]["status"], "PUBLISHED", "{read}");
    let body = read["data"]["article"]["body"].as_str().unwrap_or_default();
    assert!(body.contains("<h2") && body.contains("dwanaście"), "{body}");

    let article_path = browser.current_url().await;
    let article_path = article_path
        .split('?')
        .next()
        .unwrap_or_default()
        .to_owned();
    browser.goto(&format!("{article_path}/preview")).await;
    browser.wait_for(".metryczka").await;
    audit_and_photograph(&browser, "podglad").await;
    browser.goto(&format!("{article_path}/history")).await;
    browser.wait_for("table").await;
    audit_and_photograph(&browser, "historia").await;
    browser.goto(&app.url("/admin/articles")).await;
    browser.wait_for("table").await;
    audit_and_photograph(&browser, "artykuly").await;
    browser.goto(&app.url("/admin/")).await;
    browser
        .client()
        .find(Locator::Css(".dashboard-grid"))
        .await
        .unwrap_or_else(|error| panic!("dashboard: {error}"));
    audit_and_photograph(&browser, "pulpit-z-artykulem").await;
    browser.close().await;
}
