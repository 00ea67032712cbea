//! A page the server has today, GraphiQL at /graphql, through the whole harness: it
//! loads in Chromium, is photographed at both sizes, and axe audits it. GraphiQL is a
//! third party's interface, so its violations are reported, not failed on.

use kronika_tests::TestApp;
use kronika_tests::browser::Browser;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphiql_loads_is_photographed_and_audited() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::spawn_sqlite().await;
    assert!(app.app.config().graphiql, "test servers serve GraphiQL");

    browser.goto(&app.url("/graphql")).await;
    // The page's scripts replace the placeholder with the editor.
    browser.wait_for(".graphiql-container").await;
    assert_eq!(
        browser.client().title().await.unwrap_or_default(),
        "Kronika GraphiQL"
    );

    let paths = browser.screenshot("graphiql").await;
    for path in &paths {
        let size = std::fs::metadata(path).map(|file| file.len()).unwrap_or(0);
        assert!(
            size > 1_000,
            "{} is too small for a picture",
            path.display()
        );
    }

    let report = browser
        .axe_report()
        .await
        .unwrap_or_else(|error| panic!("the audit did not run on GraphiQL: {error}"));
    assert!(
        report.passes > 0,
        "axe checked nothing on GraphiQL: {report:?}"
    );
    eprintln!(
        "GraphiQL: {} violation(s), {} rule(s) passed, {} undecided\n{}",
        report.violations.len(),
        report.passes,
        report.incomplete,
        report.describe()
    );
    browser.close().await;
}
