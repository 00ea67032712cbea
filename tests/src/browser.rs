//! A real Chromium for the browser tests of the editors' application, driven through
//! Debian's chromedriver with fantoccini, and audited with axe-core.
//!
//! [`Browser::start`] starts a chromedriver of its own on a free loopback port and opens
//! one headless Chromium session with a fresh profile; dropping the [`Browser`] kills the
//! driver and with it the browser. Only one browser runs at a time in a test process (the
//! machines have two cores, and a Chromium per test would starve the servers under test):
//! `start` waits for its turn.
//!
//! Without Chromium, chromedriver or axe-core, `start` says through [`skip`] that the test
//! did not run and returns `None`; with `KRONIKA_REQUIRE_SERVICES=1` (CI, whose `.ci/run`
//! installs all three) that fails the test instead.
//!
//! The helpers find things the way a person does: a field by the text of its label, a
//! button by its words. A helper that cannot do what it is asked fails the test with what
//! the page showed instead.

use std::fmt;
use std::fs;
use std::net::{Ipv4Addr, TcpListener};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::{Element, ElementRef};
use fantoccini::wd::Capabilities;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use tokio::sync::{Semaphore, SemaphorePermit};

pub use fantoccini::key::Key;

use crate::{Service, skip};

/// The two sizes every screen is photographed at: a laptop and a phone.
pub const DESKTOP: (u32, u32) = (1280, 800);
pub const PHONE: (u32, u32) = (390, 844);

/// How long a helper waits for an element to appear after a navigation or a click: a
/// bound on waiting, never a timed assertion.
const ELEMENT_WAIT: Duration = Duration::from_secs(20);

/// How often and how many times `start` asks a starting chromedriver whether it is ready.
const DRIVER_POLL_EVERY: Duration = Duration::from_millis(100);
const DRIVER_POLL_ROUNDS: usize = 300;

/// The rule sets of the audit: WCAG 2.0 and 2.1 at levels A and AA (what the 2019 act
/// requires of a public body), and axe's best practices.
const AXE_RULE_TAGS: [&str; 5] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];

/// The WebDriver key under which a script's element comes back.
const WEBDRIVER_ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// One browser at a time per test process; see the module's documentation.
static BROWSER_TURN: Semaphore = Semaphore::const_new(1);

/// A headless Chromium session with its own chromedriver and profile.
pub struct Browser {
    client: Client,
    axe_core: String,
    // Dropped after the client: killing the driver ends the browser it started.
    driver: Driver,
    _profile: tempfile::TempDir,
    _turn: SemaphorePermit<'static>,
}

impl fmt::Debug for Browser {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Browser")
            .field("driver_port", &self.driver.port)
            .finish_non_exhaustive()
    }
}

/// What a machine needs for browser tests, found, or the service that is missing and why.
struct Programs {
    chromium: PathBuf,
    chromedriver: PathBuf,
    axe_core: PathBuf,
}

impl Programs {
    fn find() -> Result<Self, (Service, String)> {
        let chromium = path_from_env("CHROMIUM", "/usr/bin/chromium");
        let chromedriver = path_from_env("CHROMEDRIVER", "/usr/bin/chromedriver");
        let axe_core = path_from_env(
            "AXE_CORE_JS",
            &workspace_root()
                .join("tests/browser/node_modules/axe-core/axe.min.js")
                .to_string_lossy(),
        );
        for (program, variable) in [(&chromium, "CHROMIUM"), (&chromedriver, "CHROMEDRIVER")] {
            if !program.is_file() {
                return Err((
                    Service::Chromium,
                    format!(
                        "{} does not exist (apt-get install chromium chromium-driver, or set \
                         {variable})",
                        program.display()
                    ),
                ));
            }
        }
        if !axe_core.is_file() {
            return Err((
                Service::AxeCore,
                format!(
                    "{} does not exist (npm ci --prefix tests/browser, or set AXE_CORE_JS)",
                    axe_core.display()
                ),
            ));
        }
        Ok(Self {
            chromium,
            chromedriver,
            axe_core,
        })
    }
}

fn path_from_env(variable: &str, default: &str) -> PathBuf {
    std::env::var_os(variable)
        .filter(|value| !value.is_empty())
        .map_or_else(|| PathBuf::from(default), PathBuf::from)
}

/// The workspace's root: the parent of this crate's directory.
fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// Where screenshots go: `target/screenshots` of the workspace, or of `CARGO_TARGET_DIR`
/// when it is set (relative to the workspace's root, as cargo reads it there).
pub fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .filter(|value| !value.is_empty())
        .map_or_else(|| PathBuf::from("target"), PathBuf::from);
    workspace_root().join(target).join("screenshots")
}

/// A chromedriver process, killed on drop.
struct Driver {
    process: Child,
    port: u16,
    log: PathBuf,
}

impl Driver {
    fn spawn(chromedriver: &Path, directory: &Path) -> Self {
        let port = free_loopback_port();
        let log = directory.join("chromedriver.log");
        let log_file = fs::File::create(&log)
            .unwrap_or_else(|error| panic!("cannot create {}: {error}", log.display()));
        let log_file_for_stderr = log_file
            .try_clone()
            .unwrap_or_else(|error| panic!("cannot share {}: {error}", log.display()));
        let process = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            // A group of its own, which the Chromium it starts joins: see `Drop`.
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(log_file)
            .stderr(log_file_for_stderr)
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {}: {error}", chromedriver.display()));
        Self { process, port, log }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Waits until the driver answers that it is ready, failing the test with its log
    /// when it exits or never does.
    async fn wait_until_ready(&mut self) {
        let status_url = format!("{}/status", self.url());
        let http = reqwest::Client::new();
        for _ in 0..DRIVER_POLL_ROUNDS {
            if let Ok(Some(exit)) = self.process.try_wait() {
                panic!(
                    "chromedriver exited at start ({exit}):\n{}",
                    self.log_text()
                );
            }
            let ready = match http.get(&status_url).send().await {
                Ok(response) => response
                    .json::<Value>()
                    .await
                    .is_ok_and(|status| status["value"]["ready"] == json!(true)),
                Err(_) => false,
            };
            if ready {
                return;
            }
            tokio::time::sleep(DRIVER_POLL_EVERY).await;
        }
        panic!(
            "chromedriver never became ready on port {}:\n{}",
            self.port,
            self.log_text()
        );
    }

    fn log_text(&self) -> String {
        fs::read_to_string(&self.log)
            .unwrap_or_else(|error| format!("(no log at {}: {error})", self.log.display()))
    }
}

impl Drop for Driver {
    /// Kills the driver's whole process group: Chromium outlives a killed chromedriver,
    /// and a test that failed before `Browser::close` must not leave one running. The
    /// `kill` program does it, since this workspace forbids the unsafe call to libc.
    fn drop(&mut self) {
        let group = format!("-{}", self.process.id());
        let killed = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        if !killed {
            let _ = self.process.kill();
        }
        let _ = self.process.wait();
    }
}

/// A port nobody listens on at this moment. Another process could take it before
/// chromedriver binds it; chromedriver then exits at start and the test says so.
fn free_loopback_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .unwrap_or_else(|error| panic!("no free loopback port: {error}"))
}

/// What axe-core found on a page: every violated rule, and how many rules passed or
/// could not decide, which shows that the audit looked at something.
#[derive(Clone, Debug, Default)]
pub struct AxeReport {
    pub violations: Vec<AxeViolation>,
    pub passes: usize,
    pub incomplete: usize,
}

/// One violated axe rule and the elements that violate it.
#[derive(Clone, Debug)]
pub struct AxeViolation {
    pub rule: String,
    pub impact: String,
    pub help: String,
    pub help_url: String,
    pub nodes: Vec<AxeNode>,
}

/// One element that violates a rule: its CSS selectors (one per frame) and its HTML.
#[derive(Clone, Debug)]
pub struct AxeNode {
    pub target: Vec<String>,
    pub html: String,
}

impl AxeReport {
    fn from_json(report: &Value) -> Result<Self, String> {
        let texts = |value: &Value| -> String { value.as_str().unwrap_or_default().to_owned() };
        let violations = report["violations"]
            .as_array()
            .ok_or_else(|| format!("axe answered without violations: {report}"))?
            .iter()
            .map(|violation| AxeViolation {
                rule: texts(&violation["id"]),
                impact: texts(&violation["impact"]),
                help: texts(&violation["help"]),
                help_url: texts(&violation["helpUrl"]),
                nodes: violation["nodes"]
                    .as_array()
                    .map(|nodes| {
                        nodes
                            .iter()
                            .map(|node| AxeNode {
                                target: node["target"]
                                    .as_array()
                                    .map(|targets| {
                                        targets
                                            .iter()
                                            .map(|target| match target.as_str() {
                                                Some(selector) => selector.to_owned(),
                                                // A selector list into a shadow root.
                                                None => target.to_string(),
                                            })
                                            .collect()
                                    })
                                    .unwrap_or_default(),
                                html: texts(&node["html"]),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            })
            .collect();
        let count = |key: &str| -> Result<usize, String> {
            report[key]
                .as_u64()
                .and_then(|count| usize::try_from(count).ok())
                .ok_or_else(|| format!("axe answered without a count of {key}: {report}"))
        };
        Ok(Self {
            violations,
            passes: count("passes")?,
            incomplete: count("incomplete")?,
        })
    }

    /// The violations as a list a person can act on: rule, impact, what to do, and each
    /// element by its selector and HTML.
    pub fn describe(&self) -> String {
        let mut text = String::new();
        for violation in &self.violations {
            text.push_str(&format!(
                "- {} ({}): {} [{}]\n",
                violation.rule, violation.impact, violation.help, violation.help_url
            ));
            for node in &violation.nodes {
                text.push_str(&format!(
                    "    at {}\n       {}\n",
                    node.target.join(" >> "),
                    node.html
                ));
            }
        }
        text
    }
}

/// Runs axe on the whole document and answers with only what [`AxeReport`] reads, so
/// that a page with thousands of passing elements does not travel back whole.
const AXE_RUN_SCRIPT: &str = r#"
const [tags, done] = arguments;
if (typeof window.axe === "undefined") {
    done({ error: "axe-core is not on the page" });
    return;
}
window.axe
    .run(document, { runOnly: tags, resultTypes: ["violations"] })
    .then((results) => done({
        violations: results.violations.map((violation) => ({
            id: violation.id,
            impact: violation.impact,
            help: violation.help,
            helpUrl: violation.helpUrl,
            nodes: violation.nodes.map((node) => ({ target: node.target, html: node.html })),
        })),
        passes: results.passes.length,
        incomplete: results.incomplete.length,
    }))
    .catch((error) => done({ error: String(error && error.stack || error) }));
"#;

/// Finds the form control labelled by the label whose visible text is `arguments[0]`,
/// through the label's `for`; or answers what it found instead.
const FIELD_BY_LABEL_SCRIPT: &str = r#"
const wanted = arguments[0];
const normalise = (text) => text.replace(/\s+/g, " ").trim();
const labels = Array.from(document.querySelectorAll("label"));
const label = labels.find((candidate) => normalise(candidate.innerText) === wanted);
if (!label) {
    return { error: "no label reads " + JSON.stringify(wanted) + "; the labels are "
        + JSON.stringify(labels.map((candidate) => normalise(candidate.innerText))) };
}
if (!label.htmlFor) {
    return { error: "the label " + JSON.stringify(wanted) + " has no for attribute" };
}
const field = document.getElementById(label.htmlFor);
if (!field || !["INPUT", "TEXTAREA", "SELECT"].includes(field.tagName)) {
    return { error: "the label " + JSON.stringify(wanted) + " is for #" + label.htmlFor
        + ", which is not an input, textarea or select" };
}
return { element: field, tag: field.tagName };
"#;

/// Finds the button whose visible text (or value, for an input) is `arguments[0]`.
const BUTTON_BY_TEXT_SCRIPT: &str = r#"
const wanted = arguments[0];
const normalise = (text) => text.replace(/\s+/g, " ").trim();
const buttons = Array.from(document.querySelectorAll(
    "button, input[type=submit], input[type=button], input[type=reset]"));
const words = (button) => normalise(button.tagName === "INPUT" ? button.value : button.innerText);
const matching = buttons.filter((button) => words(button) === wanted);
if (matching.length === 0) {
    return { error: "no button reads " + JSON.stringify(wanted) + "; the buttons are "
        + JSON.stringify(buttons.map(words)) };
}
if (matching.length > 1) {
    return { error: matching.length + " buttons read " + JSON.stringify(wanted) };
}
return { element: matching[0] };
"#;

impl Browser {
    /// A fresh headless Chromium at the desktop size, once no other test of this process
    /// has one; `None` (after saying so through [`skip`]) when the machine lacks
    /// Chromium, chromedriver or axe-core.
    pub async fn start() -> Option<Self> {
        let programs = match Programs::find() {
            Ok(programs) => programs,
            Err((service, reason)) => {
                skip(service, &reason);
                return None;
            }
        };
        let axe_core = fs::read_to_string(&programs.axe_core)
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", programs.axe_core.display()));
        let turn = BROWSER_TURN
            .acquire()
            .await
            .unwrap_or_else(|error| panic!("the browser turn is never closed: {error}"));
        let profile = tempfile::tempdir().unwrap_or_else(|error| panic!("temp dir: {error}"));
        let user_data_dir = profile.path().join("chromium");
        let mut driver = Driver::spawn(&programs.chromedriver, profile.path());
        driver.wait_until_ready().await;

        let mut capabilities = Capabilities::new();
        capabilities.insert(
            "goog:chromeOptions".to_owned(),
            json!({
                "binary": programs.chromium,
                "args": [
                    "--headless",
                    // Tests run as root in a container, where Chromium's sandbox cannot
                    // start; the pages are our own.
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    // Nothing leaves the machine: no updates, sync or background fetches.
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    // /dev/shm is small in containers; Chromium crashes tabs when it fills.
                    "--disable-dev-shm-usage",
                    format!("--user-data-dir={}", user_data_dir.display()),
                    "--lang=pl",
                ],
            }),
        );
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&driver.url())
            .await
            .unwrap_or_else(|error| {
                panic!(
                    "chromedriver could not open a Chromium session: {error}\n{}",
                    driver.log_text()
                )
            });
        let browser = Self {
            client,
            axe_core,
            driver,
            _profile: profile,
            _turn: turn,
        };
        browser.set_viewport(DESKTOP.0, DESKTOP.1).await;
        Some(browser)
    }

    /// Ends the session, letting Chromium shut down cleanly, and the driver with it.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }

    /// The fantoccini client, for what the helpers do not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Opens `url` and waits until it has loaded.
    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|error| panic!("cannot open {url}: {error}"));
    }

    /// The address of the page shown now.
    pub async fn current_url(&self) -> String {
        self.client
            .current_url()
            .await
            .map(String::from)
            .unwrap_or_else(|error| panic!("no current URL: {error}"))
    }

    /// Types `value` into the input or textarea labelled `label` (replacing what it held),
    /// or chooses the option shown as `value` in the select labelled `label`.
    pub async fn fill(&self, label: &str, value: &str) {
        let (field, found) = self
            .element_by_script(FIELD_BY_LABEL_SCRIPT, label)
            .await
            .unwrap_or_else(|error| panic!("cannot fill {label:?}: {error}"));
        let result = if found["tag"] == json!("SELECT") {
            field.select_by_label(value).await
        } else {
            match field.clear().await {
                Ok(()) => field.send_keys(value).await,
                Err(error) => Err(error),
            }
        };
        result.unwrap_or_else(|error| panic!("cannot fill {label:?} with {value:?}: {error}"));
    }

    /// Signs in to `app` through its login form as `email`, with the tests'
    /// [`crate::PASSWORD`], and waits for the signed-in navigation.
    pub async fn sign_in(&self, app: &crate::TestApp, email: &str) {
        self.goto(&app.url("/admin/login")).await;
        self.fill("E-mail", email).await;
        self.fill("Hasło", crate::PASSWORD).await;
        self.click_button("Zaloguj się").await;
        self.wait_for("nav").await;
    }

    /// Clicks the one button whose visible text is `text`.
    pub async fn click_button(&self, text: &str) {
        let (button, _) = self
            .element_by_script(BUTTON_BY_TEXT_SCRIPT, text)
            .await
            .unwrap_or_else(|error| panic!("cannot click {text:?}: {error}"));
        button
            .click()
            .await
            .unwrap_or_else(|error| panic!("cannot click {text:?}: {error}"));
    }

    /// Clicks the button `text` that submits a form and waits until the next page has
    /// loaded: until then the old page's elements would answer the test's next question.
    pub async fn submit_with(&self, text: &str) {
        self.client
            .execute("window.kronikaPageBeforeSubmit = true", vec![])
            .await
            .unwrap_or_else(|error| panic!("cannot mark the page: {error}"));
        self.click_button(text).await;
        for _ in 0..200 {
            let loaded = self
                .client
                .execute(
                    "return window.kronikaPageBeforeSubmit !== true && document.readyState === 'complete'",
                    vec![],
                )
                .await
                .ok()
                .and_then(|value| value.as_bool())
                .unwrap_or(false);
            if loaded {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("pressing {text:?} led to no new page within ten seconds");
    }

    /// The visible text of the first element matching `css`, waiting for it to appear.
    pub async fn text_of(&self, css: &str) -> String {
        self.wait_for(css)
            .await
            .text()
            .await
            .unwrap_or_else(|error| panic!("no text in {css}: {error}"))
    }

    /// The text of the page's notice once it starts with `prefix`, waiting (boundedly)
    /// for it: an action on a page that already shows a notice replaces that notice
    /// when the server answers, and reading it at once may read the previous one.
    pub async fn notice_starting_with(&self, prefix: &str) -> String {
        let deadline = std::time::Instant::now() + ELEMENT_WAIT;
        loop {
            // Missing or gone stale while a new page loads: not there yet.
            let notice = match self.client.find(Locator::Css(".notice")).await {
                Ok(element) => element.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if notice.starts_with(prefix) {
                return notice;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the notice never started with {prefix:?}; it reads {notice:?}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// The visible texts of every element matching `css` now (none is not an error).
    pub async fn texts_of(&self, css: &str) -> Vec<String> {
        let elements = self
            .client
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_else(|error| panic!("cannot look for {css}: {error}"));
        let mut texts = Vec::with_capacity(elements.len());
        for element in elements {
            texts.push(
                element
                    .text()
                    .await
                    .unwrap_or_else(|error| panic!("no text in {css}: {error}")),
            );
        }
        texts
    }

    /// The first element matching `css`, waiting (boundedly) for it to appear.
    pub async fn wait_for(&self, css: &str) -> Element {
        match self
            .client
            .wait()
            .at_most(ELEMENT_WAIT)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => element,
            Err(error) => panic!(
                "{css} never appeared on {}: {error}\nthe page reads:\n{}",
                self.current_url().await,
                self.text_of_body().await
            ),
        }
    }

    async fn text_of_body(&self) -> String {
        match self.client.find(Locator::Css("body")).await {
            Ok(body) => body.text().await.unwrap_or_default(),
            Err(error) => format!("(no body: {error})"),
        }
    }

    /// Presses keys on the keyboard, one after the other, wherever the focus is: text, and
    /// [`Key`]s as WebDriver key codes (`&Key::Tab.repeat(2)`, `&(Key::Enter + "")`).
    pub async fn press_keys(&self, keys: &str) {
        let mut actions = KeyActions::new("keyboard".to_owned());
        for key in keys.chars() {
            actions = actions
                .then(KeyAction::Down { value: key })
                .then(KeyAction::Up { value: key });
        }
        self.client
            .perform_actions(actions)
            .await
            .unwrap_or_else(|error| panic!("cannot press {keys:?}: {error}"));
    }

    /// The element that has the keyboard focus.
    pub async fn focused(&self) -> Element {
        self.client
            .active_element()
            .await
            .unwrap_or_else(|error| panic!("no focused element: {error}"))
    }

    /// Makes the page's viewport (what `innerWidth` and `innerHeight` measure) exactly
    /// `width` × `height`, by sizing the window and then correcting by the browser's frame.
    pub async fn set_viewport(&self, width: u32, height: u32) {
        self.set_window_size(width, height).await;
        let (inner_width, inner_height) = self.viewport().await;
        if (inner_width, inner_height) != (width, height) {
            let corrected = |wanted: u32, inner: u32| (2 * wanted).saturating_sub(inner);
            self.set_window_size(
                corrected(width, inner_width),
                corrected(height, inner_height),
            )
            .await;
        }
        let viewport = self.viewport().await;
        assert_eq!(
            viewport,
            (width, height),
            "the viewport did not take the size asked for"
        );
    }

    async fn set_window_size(&self, width: u32, height: u32) {
        self.client
            .set_window_size(width, height)
            .await
            .unwrap_or_else(|error| panic!("cannot size the window {width}×{height}: {error}"));
    }

    /// The viewport's size now.
    pub async fn viewport(&self) -> (u32, u32) {
        let size = self
            .client
            .execute("return [window.innerWidth, window.innerHeight];", vec![])
            .await
            .unwrap_or_else(|error| panic!("cannot measure the viewport: {error}"));
        let dimension = |index: usize| {
            size[index]
                .as_u64()
                .and_then(|value| u32::try_from(value).ok())
                .unwrap_or_else(|| panic!("not a viewport size: {size}"))
        };
        (dimension(0), dimension(1))
    }

    /// Whether the page fits a 390 px phone without scrolling sideways (WCAG 1.4.10); the
    /// Err names the page's width and what sticks out. Leaves the desktop size.
    pub async fn reflows_on_a_phone(&self, context: &str) -> Result<(), String> {
        self.set_viewport(PHONE.0, PHONE.1).await;
        let overflowing = self
            .client
            .execute(WIDER_THAN_THE_PHONE, vec![])
            .await
            .unwrap_or_else(|error| panic!("cannot measure {context}: {error}"));
        self.set_viewport(DESKTOP.0, DESKTOP.1).await;
        match overflowing.as_array() {
            Some(found) if !found.is_empty() => Err(format!(
                "{context} scrolls sideways at {} px (WCAG 1.4.10): {overflowing}",
                PHONE.0
            )),
            _ => Ok(()),
        }
    }

    /// Saves the page as `<name>-1280x800.png` and `<name>-390x844.png` in
    /// [`screenshot_dir`], and leaves the viewport at the desktop size. Answers the paths.
    pub async fn screenshot(&self, name: &str) -> Vec<PathBuf> {
        let directory = screenshot_dir();
        fs::create_dir_all(&directory)
            .unwrap_or_else(|error| panic!("cannot create {}: {error}", directory.display()));
        let mut paths = Vec::with_capacity(2);
        for (width, height) in [DESKTOP, PHONE] {
            self.set_viewport(width, height).await;
            let png = self
                .client
                .screenshot()
                .await
                .unwrap_or_else(|error| panic!("cannot take a screenshot of {name}: {error}"));
            let path = directory.join(format!("{name}-{width}x{height}.png"));
            fs::write(&path, png)
                .unwrap_or_else(|error| panic!("cannot write {}: {error}", path.display()));
            paths.push(path);
        }
        self.set_viewport(DESKTOP.0, DESKTOP.1).await;
        paths
    }

    /// Audits the page shown now with axe-core (WCAG 2.1 A and AA and best practices) and
    /// answers what it found; `Err` when the audit itself could not run.
    pub async fn axe_report(&self) -> Result<AxeReport, String> {
        self.client
            .execute(&self.axe_core, vec![])
            .await
            .map_err(|error| format!("cannot load axe-core into the page: {error}"))?;
        // Large pages take axe a few seconds; the default script timeout is 30 s.
        let report = self
            .client
            .execute_async(AXE_RUN_SCRIPT, vec![json!(AXE_RULE_TAGS)])
            .await
            .map_err(|error| format!("axe-core did not finish: {error}"))?;
        if let Some(error) = report.get("error") {
            return Err(format!("axe-core failed: {error}"));
        }
        AxeReport::from_json(&report)
    }

    /// Audits the page shown now and answers `Err` with a readable list of every
    /// violation (or with why the audit could not run); `context` names the page in it.
    pub async fn axe_audit(&self, context: &str) -> Result<(), String> {
        let report = self
            .axe_report()
            .await
            .map_err(|error| format!("{context}: {error}"))?;
        if report.violations.is_empty() && report.passes == 0 {
            return Err(format!("{context}: axe checked nothing on the page"));
        }
        if report.violations.is_empty() {
            return Ok(());
        }
        Err(format!(
            "{context} ({}): {} accessibility violation(s):\n{}",
            self.current_url().await,
            report.violations.len(),
            report.describe()
        ))
    }

    /// Runs a script that answers `{element, …}` or `{error}` with `argument`, and
    /// answers the element and the whole answer.
    async fn element_by_script(
        &self,
        script: &str,
        argument: &str,
    ) -> Result<(Element, Value), String> {
        let found = self
            .client
            .execute(script, vec![json!(argument)])
            .await
            .map_err(|error| error.to_string())?;
        if let Some(error) = found.get("error").and_then(Value::as_str) {
            return Err(error.to_owned());
        }
        let element_id = found["element"][WEBDRIVER_ELEMENT_KEY]
            .as_str()
            .ok_or_else(|| format!("the script answered no element: {found}"))?;
        let element =
            Element::from_element_id(self.client.clone(), ElementRef::from(element_id.to_owned()));
        Ok((element, found))
    }
}

/// A `data:` URL of an HTML document, for pages a test writes itself.
pub fn data_url(html: &str) -> String {
    let mut url = String::from("data:text/html;charset=utf-8,");
    for byte in html.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            url.push(char::from(byte));
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    url
}

/// The page's width when wider than the screen, and the elements that stick out of it,
/// except inside a box that scrolls by itself (a wide data table may, WCAG 1.4.10 allows it).
const WIDER_THAN_THE_PHONE: &str = r#"
    const width = document.documentElement.clientWidth;
    const scrollsItself = (element) => {
        for (let up = element.parentElement; up; up = up.parentElement) {
            if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(up).overflowX)) return true;
        }
        return false;
    };
    if (document.documentElement.scrollWidth <= width) return [];
    return [`page ${document.documentElement.scrollWidth} > ${width}`, ...document.querySelectorAll('body *')]
        .filter((element) => typeof element === 'string' || (element.getBoundingClientRect().right > width + 1 && !scrollsItself(element)))
        .slice(0, 8)
        .map((element) => typeof element === 'string' ? element : element.tagName.toLowerCase() + (element.className ? '.' + element.className : '') + ' ' + Math.round(element.getBoundingClientRect().right));
"#;
