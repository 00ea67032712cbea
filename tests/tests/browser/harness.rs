//! The harness itself, on pages the tests write as `data:` URLs: that it finds fields
//! and buttons the way a person does, types and presses keys, sizes the viewport, takes
//! screenshots that are pictures of the page, and that axe reports what it should.

use std::path::Path;

use kronika_tests::browser::{Browser, DESKTOP, Key, PHONE, data_url};

/// A page that passes every rule the audit runs.
const CLEAN_PAGE: &str = r#"<!DOCTYPE html>
<html lang="pl">
<head><meta charset="utf-8"><title>Strona bez zarzutu</title></head>
<body><main><h1>Strona bez zarzutu</h1><p>Zwykły akapit.</p></main></body>
</html>"#;

/// The clean page with one image that has no alternative text.
const IMAGE_WITHOUT_ALT: &str = r#"<!DOCTYPE html>
<html lang="pl">
<head><meta charset="utf-8"><title>Obrazek bez opisu</title></head>
<body><main><h1>Obrazek bez opisu</h1>
<img id="bez-opisu" src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7" width="10" height="10">
</main></body>
</html>"#;

/// A form: a labelled field, a labelled select, and a button that copies both into an
/// output, so that what was typed and chosen shows on the page.
const FORM_PAGE: &str = r#"<!DOCTYPE html>
<html lang="pl">
<head><meta charset="utf-8"><title>Formularz</title></head>
<body><main><h1>Formularz</h1>
<label for="imie">Imię</label> <input id="imie" name="imie" value="do zastąpienia">
<label for="kolor">Kolor</label>
<select id="kolor"><option>czerwony</option><option>zielony</option></select>
<button type="button" id="pokaz">Pokaż</button>
<p id="wynik"></p>
<script>
document.getElementById("pokaz").addEventListener("click", () => {
  document.getElementById("wynik").textContent =
    document.getElementById("imie").value + " / " + document.getElementById("kolor").value;
});
</script>
</main></body>
</html>"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axe_reports_an_image_without_alternative_text() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    browser.goto(&data_url(IMAGE_WITHOUT_ALT)).await;

    let report = browser
        .axe_report()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    let image_alt = report
        .violations
        .iter()
        .find(|violation| violation.rule == "image-alt")
        .unwrap_or_else(|| panic!("axe missed the image: {report:?}"));
    assert_eq!(image_alt.impact, "critical");
    assert_eq!(image_alt.nodes.len(), 1);
    assert!(
        image_alt.nodes[0].target.join(" ").contains("#bez-opisu"),
        "{image_alt:?}"
    );
    assert!(image_alt.nodes[0].html.starts_with("<img"), "{image_alt:?}");

    let Err(error) = browser.axe_audit("obrazek bez opisu").await else {
        panic!("an image without alternative text passed the audit");
    };
    assert!(error.contains("obrazek bez opisu"), "{error}");
    assert!(error.contains("image-alt (critical)"), "{error}");
    assert!(error.contains("#bez-opisu"), "{error}");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axe_passes_a_clean_page() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    browser.goto(&data_url(CLEAN_PAGE)).await;

    let report = browser
        .axe_report()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    assert!(report.passes > 0, "axe checked nothing: {report:?}");
    browser
        .axe_audit("strona bez zarzutu")
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fields_are_filled_by_label_and_buttons_pressed_by_mouse_and_keyboard() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    browser.goto(&data_url(FORM_PAGE)).await;

    browser.fill("Imię", "Zażółć").await;
    browser.fill("Kolor", "zielony").await;
    browser.click_button("Pokaż").await;
    assert_eq!(browser.text_of("#wynik").await, "Zażółć / zielony");

    // From the field, Tab reaches the select, another Tab the button, and Enter presses it.
    browser.fill("Imię", "Gęślą").await;
    browser.press_keys(&Key::Tab.repeat(2)).await;
    let focused = browser.focused().await;
    assert_eq!(
        focused.attr("id").await.ok().flatten().as_deref(),
        Some("pokaz")
    );
    browser.press_keys(&Key::Enter).await;
    assert_eq!(browser.text_of("#wynik").await, "Gęślą / zielony");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn screenshots_are_pictures_at_both_sizes() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    browser.goto(&data_url(CLEAN_PAGE)).await;

    let paths = browser.screenshot("harness-strona-bez-zarzutu").await;

    assert_eq!(paths.len(), 2);
    for (path, (width, height)) in paths.iter().zip([DESKTOP, PHONE]) {
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or_default();
        assert_eq!(
            name,
            format!("harness-strona-bez-zarzutu-{width}x{height}.png")
        );
        assert_eq!(png_size(path), (width, height), "{}", path.display());
    }
    assert_eq!(browser.viewport().await, DESKTOP);
    browser.close().await;
}

/// The width and height a PNG file's header states, after checking that it is a PNG.
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.get(12..16) == Some(b"IHDR"),
        "{} is not a PNG",
        path.display()
    );
    let number =
        |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    (number(16), number(20))
}
