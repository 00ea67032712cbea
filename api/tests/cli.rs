//! The `kronika` binary as a user meets it: help, bad flags, bad configuration.

use std::process::Command;

fn kronika(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_kronika"))
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("KRONIKA_LISTEN")
        .env_remove("KRONIKA_DATA_DIR")
        .env_remove("KRONIKA_SEARCH")
        .env_remove("MEILISEARCH_URL")
        .output()
        .unwrap_or_else(|error| panic!("cannot run kronika: {error}"))
}

/// A fresh data directory, deleted when the first value is dropped, and its path.
fn temp_data_dir() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap_or_else(|error| panic!("{error}"));
    let path = dir.path().to_string_lossy().into_owned();
    (dir, path)
}

#[test]
fn help_lists_every_subcommand_flag_and_environment_variable() {
    let output = kronika(&["--help"]);
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for expected in [
        "serve",
        "migrate",
        "user",
        "KRONIKA_PASSWORD",
        "KRONIKA_SCHEDULER_SECONDS",
        "--listen",
        "--data-dir",
        "--database-url",
        "--timezone",
        "--demo-content",
        "--view-flush-seconds",
        "--trust-proxy",
        "KRONIKA_LISTEN",
        "KRONIKA_DATA_DIR",
        "DATABASE_URL",
        "KRONIKA_TIMEZONE",
        "KRONIKA_DEMO_CONTENT",
        "KRONIKA_RESPONSE_CACHE_SECONDS",
        "KRONIKA_VIEW_FLUSH_SECONDS",
        "KRONIKA_TRUST_PROXY",
        "KRONIKA_UPLOAD_MAX_BYTES",
        "KRONIKA_UPLOAD_MAX_PIXELS",
        "KRONIKA_IMAGE_WORKERS",
        "KRONIKA_STORAGE",
        "KRONIKA_S3_BUCKET",
        "KRONIKA_S3_ENDPOINT",
        "AWS_SECRET_ACCESS_KEY",
        "KRONIKA_MEDIA_URL",
        "RUST_LOG",
        "analyze",
        "reindex",
        "KRONIKA_SEARCH",
        "MEILISEARCH_URL",
        "MEILISEARCH_API_KEY",
        "KRONIKA_SEARCH_RETRY_MAX_SECONDS",
        "MEILISEARCH_INDEX",
        "MEILISEARCH_RERANK_DEPTH",
        "export",
        "import",
        "KRONIKA_SITE_URL",
        "KRONIKA_SITE_NAME",
    ] {
        assert!(
            help.contains(expected),
            "--help does not mention {expected}:\n{help}"
        );
    }
}

#[test]
fn an_unknown_flag_ends_with_a_message_and_a_non_zero_exit() {
    let output = kronika(&["--lisen", "127.0.0.1:1"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--lisen"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn bad_configuration_values_are_refused_before_anything_starts() {
    for (args, mentioned) in [
        (vec!["--listen", "not-an-address"], "--listen"),
        (
            vec!["--database-url", "mysql://localhost/kronika"],
            "DATABASE_URL",
        ),
        (vec!["--timezone", "Europe/Atlantis"], "--timezone"),
        (vec!["--demo-content", "maybe"], "--demo-content"),
        (vec!["--view-flush-seconds", "0"], "--view-flush-seconds"),
        (vec!["--trust-proxy", "sometimes"], "--trust-proxy"),
        (vec!["--upload-max-bytes", "0"], "--upload-max-bytes"),
        (vec!["--storage", "ftp"], "--storage"),
        (
            vec!["--meilisearch-rerank-depth", "201"],
            "--meilisearch-rerank-depth",
        ),
    ] {
        let output = kronika(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(mentioned), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn a_data_directory_that_cannot_be_created_is_a_clear_error() {
    let blocker = tempfile::NamedTempFile::new().unwrap_or_else(|error| panic!("{error}"));
    let data_dir = blocker.path().join("data");
    let data_dir = data_dir.to_string_lossy();
    let output = kronika(&["--data-dir", &data_dir, "migrate"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("kronika: error:"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn s3_storage_without_a_bucket_stops_the_start_and_never_prints_the_secret() {
    let (_dir, data_dir) = temp_data_dir();
    let output = Command::new(env!("CARGO_BIN_EXE_kronika"))
        .args([
            "--data-dir",
            &data_dir,
            "--listen",
            "127.0.0.1:0",
            "--storage",
            "s3",
        ])
        .env_remove("DATABASE_URL")
        .env_remove("KRONIKA_S3_BUCKET")
        .env("KRONIKA_DEMO_CONTENT", "false")
        .env("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMIsecret")
        .output()
        .unwrap_or_else(|error| panic!("cannot run kronika: {error}"));
    assert_eq!(
        output.status.code(),
        Some(2),
        "a configuration error exits 2"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stderr.contains("KRONIKA_S3_BUCKET"), "{stderr}");
    assert!(
        !std::path::Path::new(&data_dir)
            .join("kronika.sqlite3")
            .exists(),
        "refused before the database was created"
    );
    assert!(!stderr.contains("wJalrXUtnFEMIsecret") && !stdout.contains("wJalrXUtnFEMIsecret"));
}

#[test]
fn migrate_prepares_an_empty_database_and_can_run_again() {
    let (_dir, data_dir) = temp_data_dir();
    for _ in 0..2 {
        let output = kronika(&["--data-dir", &data_dir, "migrate"]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert!(
        std::path::Path::new(&data_dir)
            .join("kronika.sqlite3")
            .exists()
    );
}

fn kronika_with_password(args: &[&str], password: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_kronika"))
        .args(args)
        .env_remove("DATABASE_URL")
        .env("KRONIKA_PASSWORD", password)
        .output()
        .unwrap_or_else(|error| panic!("cannot run kronika: {error}"))
}

#[test]
fn accounts_are_added_listed_and_disabled_from_the_command_line() {
    let (_dir, data_dir) = temp_data_dir();
    let add = [
        "--data-dir",
        &data_dir,
        "user",
        "add",
        "--email",
        "Ewa@Example.org",
        "--name",
        "Ewa Redaktor",
        "--role",
        "editor",
    ];
    let output = kronika_with_password(&add, "a long enough password");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let again = kronika_with_password(&add, "a long enough password");
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));

    let short = kronika_with_password(
        &[
            "--data-dir",
            &data_dir,
            "user",
            "add",
            "--email",
            "b@example.org",
            "--name",
            "B",
            "--role",
            "author",
        ],
        "short",
    );
    assert_eq!(short.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least"));

    let list = kronika(&["--data-dir", &data_dir, "user", "list"]);
    let listed = String::from_utf8_lossy(&list.stdout);
    assert!(
        listed.contains("ewa@example.org\tEwa Redaktor\tEDITOR\tactive"),
        "{listed}"
    );
    assert!(!listed.contains("b@example.org"));

    let disable = kronika(&[
        "--data-dir",
        &data_dir,
        "user",
        "disable",
        "--email",
        "ewa@example.org",
    ]);
    assert!(
        disable.status.success(),
        "{}",
        String::from_utf8_lossy(&disable.stderr)
    );
    let list = kronika(&["--data-dir", &data_dir, "user", "list"]);
    assert!(String::from_utf8_lossy(&list.stdout).contains("\tdisabled"));

    let bad_role = kronika(&[
        "--data-dir",
        &data_dir,
        "user",
        "add",
        "--email",
        "c@example.org",
        "--name",
        "C",
        "--role",
        "root",
    ]);
    assert_eq!(bad_role.status.code(), Some(2));
}

#[test]
fn help_lists_the_production_settings() {
    let output = kronika(&["--help"]);
    let help = String::from_utf8_lossy(&output.stdout);
    for expected in [
        "KRONIKA_MAX_QUERY_DEPTH",
        "KRONIKA_MAX_QUERY_COMPLEXITY",
        "KRONIKA_MAX_QUERY_ALIASES",
        "KRONIKA_MAX_BATCH",
        "KRONIKA_MAX_BODY_BYTES",
        "KRONIKA_REQUEST_TIMEOUT_SECONDS",
        "KRONIKA_INTROSPECTION",
        "KRONIKA_GRAPHIQL",
        "KRONIKA_PERSISTED_QUERIES",
        "KRONIKA_QUERY_ALLOW_LIST",
        "KRONIKA_CORS_ORIGINS",
        "KRONIKA_RATE_LIMIT_GRAPHQL",
        "KRONIKA_RATE_LIMIT_VIEWS",
        "KRONIKA_RATE_LIMIT_LOGINS",
        "KRONIKA_WEBHOOK_URL",
        "KRONIKA_WEBHOOK_SECRET",
        "KRONIKA_METRICS",
        "KRONIKA_LOG_FORMAT",
    ] {
        assert!(
            help.contains(expected),
            "--help does not mention {expected}:\n{help}"
        );
    }
}

#[test]
fn production_settings_that_cannot_work_are_refused_without_printing_secrets() {
    let secret = "hunter2-but-longer";
    for (args, mentioned) in [
        (
            vec!["--webhook-url", "https://cdn.example/purge"],
            "KRONIKA_WEBHOOK_SECRET",
        ),
        (vec!["--webhook-secret", secret], "KRONIKA_WEBHOOK_URL"),
        (
            vec!["--webhook-url", "cdn.example", "--webhook-secret", secret],
            "KRONIKA_WEBHOOK_URL",
        ),
        (
            vec!["--cors-origins", "https://ok.example,not an origin"],
            "KRONIKA_CORS_ORIGINS",
        ),
        (vec!["--max-query-depth", "0"], "KRONIKA_MAX_QUERY_DEPTH"),
        (vec!["--log-format", "xml"], "--log-format"),
    ] {
        let output = kronika(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(mentioned), "{args:?}: {stderr}");
        assert!(!stderr.contains(secret), "the secret was printed: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

/// `KRONIKA_LOG_FORMAT=json` writes one JSON object per line, and the line of a request
/// carries the request id that the response returned.
#[tokio::test]
async fn json_logs_carry_the_request_id() {
    let (_dir, data_dir) = temp_data_dir();
    let mut server = RunningServer::start(&data_dir, &["--demo-content", "false"]).await;
    let response = server
        .client
        .get(server.url("/health"))
        .header("x-request-id", "cli-log-test-42")
        .send()
        .await
        .unwrap_or_else(|error| panic!("GET /health: {error}"));
    assert_eq!(
        response
            .headers()
            .get("x-request-id")
            .and_then(|value| value.to_str().ok()),
        Some("cli-log-test-42"),
        "{:?}",
        response.headers()
    );
    let request_line = loop {
        let line = server.next_log_line().await;
        if line["fields"]["message"] == "request" {
            break line;
        }
    };
    assert_eq!(
        request_line["span"]["request_id"], "cli-log-test-42",
        "{request_line}"
    );
    assert_eq!(request_line["fields"]["path"], "/health", "{request_line}");
}

#[test]
fn healthcheck_fails_when_nothing_listens() {
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|error| panic!("{error}"));
    let address = free
        .local_addr()
        .unwrap_or_else(|error| panic!("{error}"))
        .to_string();
    drop(free);
    let output = kronika(&["healthcheck", "--listen", &address]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot reach"));
}

#[test]
fn analyze_prints_token_lemmas_and_folded_form_per_word() {
    let output = kronika(&["analyze", "Partnerstwa lokalnego w Łodzi"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<Vec<&str>> = stdout
        .lines()
        .map(|line| line.split('\t').collect())
        .collect();
    assert_eq!(lines.len(), 4, "{stdout}");
    assert!(lines.iter().all(|columns| columns.len() == 3), "{stdout}");
    assert_eq!(lines[0][0], "partnerstwa");
    assert!(
        lines[0][1].split(',').any(|lemma| lemma == "partnerstwo"),
        "{stdout}"
    );
    assert!(
        lines[1][1].split(',').any(|lemma| lemma == "lokalny"),
        "{stdout}"
    );
    assert_eq!(lines[3][0], "łodzi");
    assert_eq!(lines[3][2], "lodzi");
}

#[test]
fn meilisearch_without_an_address_is_refused_before_anything_starts() {
    let (_dir, data_dir) = temp_data_dir();
    let output = Command::new(env!("CARGO_BIN_EXE_kronika"))
        .args([
            "--data-dir",
            &data_dir,
            "--search",
            "meilisearch",
            "migrate",
        ])
        .env_remove("MEILISEARCH_URL")
        .env("MEILISEARCH_API_KEY", "topsecretkey")
        .output()
        .unwrap_or_else(|error| panic!("cannot run kronika: {error}"));
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("MEILISEARCH_URL"), "{stderr}");
    assert!(!stderr.contains("topsecretkey"), "{stderr}");
    let output = kronika(&["--meilisearch-url", "localhost:7700", "migrate"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn reindex_builds_an_embedded_index_in_the_data_directory() {
    let (_dir, data_dir) = temp_data_dir();
    let output = kronika(&["--data-dir", &data_dir, "reindex"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("indexed 0 published articles"), "{stdout}");
    assert!(std::path::Path::new(&data_dir).join("search").is_dir());
}

/// A `kronika serve` of its own data directory (SQLite, embedded search) on a port the
/// system chose (`--listen 127.0.0.1:0`), answering once this returns: the address is the
/// one the server logs when it listens, which it does after binding. Killed when dropped.
struct RunningServer {
    process: std::process::Child,
    address: String,
    /// The server's log lines (JSON), read by a thread of its own so that the pipe never
    /// fills and stalls the server.
    log: tokio::sync::mpsc::UnboundedReceiver<String>,
    client: reqwest::Client,
}

impl RunningServer {
    async fn start(data_dir: &str, more_args: &[&str]) -> Self {
        let mut process = Command::new(env!("CARGO_BIN_EXE_kronika"))
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir", data_dir])
            .args(more_args)
            .env_remove("DATABASE_URL")
            .env_remove("KRONIKA_SEARCH")
            .env_remove("MEILISEARCH_URL")
            // JSON, so that the address is read as a field rather than out of a sentence;
            // the listening line and the request lines are logged at `info`.
            .env("KRONIKA_LOG_FORMAT", "json")
            .env("RUST_LOG", "info")
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot run kronika: {error}"));
        let stdout = process.stdout.take().unwrap_or_else(|| panic!("no stdout"));
        let (lines, log) = tokio::sync::mpsc::unbounded_channel();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .unwrap_or_else(|error| panic!("HTTP client: {error}"));
        let mut server = RunningServer {
            process,
            address: String::new(),
            log,
            client,
        };
        server.address = loop {
            let line = server.next_log_line().await;
            if let Some(address) = line["fields"]["address"].as_str() {
                break address.to_owned();
            }
        };
        server
    }

    /// The next line of the server's log, which must be one JSON object.
    async fn next_log_line(&mut self) -> serde_json::Value {
        let line = tokio::time::timeout(std::time::Duration::from_secs(60), self.log.recv())
            .await
            .unwrap_or_else(|_| panic!("kronika logged nothing for a minute"))
            .unwrap_or_else(|| panic!("kronika ended its log"));
        serde_json::from_str(&line).unwrap_or_else(|error| panic!("not JSON ({error}): {line}"))
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// The body of a GraphQL POST, which must be JSON.
    async fn post_graphql(&self, query: &str) -> serde_json::Value {
        self.client
            .post(self.url("/graphql"))
            .json(&serde_json::json!({ "query": query }))
            .send()
            .await
            .unwrap_or_else(|error| panic!("POST /graphql: {error}"))
            .json()
            .await
            .unwrap_or_else(|error| panic!("POST /graphql did not answer JSON: {error}"))
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// The running server holds the embedded index's writer; `kronika reindex` then asks the
/// server to rebuild it and waits, and searches keep answering throughout.
#[tokio::test]
async fn reindex_while_the_server_runs_is_done_by_the_server() {
    let (_dir, data_dir) = temp_data_dir();
    let server = RunningServer::start(&data_dir, &[]).await;
    let search = r#"{ search(query: "partnerstwa lokalnego") { totalHits } }"#;
    let mut before = None;
    // The demo content reaches the index through the outbox shortly after the start.
    test_support::wait_until("the demo content becomes searchable", async || {
        before = total_hits(&server.post_graphql(search).await).filter(|&hits| hits > 0);
        before.is_some()
    })
    .await;

    // `kronika reindex` waits for the server, so it runs off the test's async thread.
    let reindex_data_dir = data_dir.clone();
    let output =
        tokio::task::spawn_blocking(move || kronika(&["--data-dir", &reindex_data_dir, "reindex"]))
            .await
            .unwrap_or_else(|error| panic!("kronika reindex: {error}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("the server rebuilt the search index"),
        "{stdout}"
    );
    assert_eq!(
        total_hits(&server.post_graphql(search).await),
        before,
        "the rebuilt index does not hold the same articles"
    );
    let generations: Vec<_> = std::fs::read_dir(std::path::Path::new(&data_dir).join("search"))
        .unwrap_or_else(|error| panic!("{error}"))
        .flatten()
        .filter(|entry| entry.path().is_dir())
        .collect();
    assert_eq!(generations.len(), 1, "the old generation was not removed");
}

/// `totalHits` of a search response.
fn total_hits(response: &serde_json::Value) -> Option<u64> {
    response["data"]["search"]["totalHits"].as_u64()
}

#[test]
fn a_broken_allow_list_exits_2_naming_the_variable_before_anything_starts() {
    let (_dir, data_dir) = temp_data_dir();
    let list = std::path::Path::new(&data_dir).join("queries.json");
    std::fs::write(&list, "[\"{ sections { name } }\",").unwrap_or_else(|error| panic!("{error}"));
    let output = Command::new(env!("CARGO_BIN_EXE_kronika"))
        .args(["--data-dir", &data_dir, "--listen", "127.0.0.1:0"])
        .env_remove("DATABASE_URL")
        .env("KRONIKA_QUERY_ALLOW_LIST", &list)
        .output()
        .unwrap_or_else(|error| panic!("cannot run kronika: {error}"));
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("KRONIKA_QUERY_ALLOW_LIST"), "{stderr}");
    assert!(
        !std::path::Path::new(&data_dir)
            .join("kronika.sqlite3")
            .exists(),
        "refused before the database was created"
    );
}

/// A loopback port nobody listens on right now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .unwrap_or_else(|error| panic!("no free port: {error}"))
}

#[test]
fn a_sigterm_while_the_server_starts_stops_it_gracefully() {
    use std::time::{Duration, Instant};
    let (dir, data_dir) = temp_data_dir();
    let log_path = dir.path().join("server.log");
    let log = std::fs::File::create(&log_path).unwrap_or_else(|error| panic!("{error}"));
    let mut server = Command::new(env!("CARGO_BIN_EXE_kronika"))
        .args(["serve", "--listen", &format!("127.0.0.1:{}", free_port())])
        .args(["--data-dir", &data_dir])
        .env_remove("DATABASE_URL")
        .env_remove("KRONIKA_SEARCH")
        .env_remove("MEILISEARCH_URL")
        .stdout(std::process::Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap_or_else(|error| panic!("cannot start kronika: {error}"));
    let read_log = || std::fs::read_to_string(&log_path).unwrap_or_default();
    // The database appears while the server starts (migrations, demo content): an
    // orchestrator stopping a replica it has just started sends SIGTERM about then, or
    // right after the first health check. Either way the stop must be graceful.
    let database = dir.path().join("kronika.sqlite3");
    let started = Instant::now();
    while !database.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no database after 60 s:\n{}",
            read_log()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let sent = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap_or_else(|error| panic!("cannot run kill: {error}"));
    assert!(sent.success());
    let stopping = Instant::now();
    let status = loop {
        if let Some(status) = server.try_wait().unwrap_or_else(|error| panic!("{error}")) {
            break status;
        }
        assert!(
            stopping.elapsed() < Duration::from_secs(60),
            "still running 60 s after SIGTERM:\n{}",
            read_log()
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(
        status.success(),
        "a SIGTERM must stop the server gracefully, with exit code 0; got {status:?}:\n{}",
        read_log()
    );
}

#[test]
fn an_export_moves_into_a_fresh_data_directory_once_and_its_accounts_get_passwords() {
    let (_old_dir, old_data_dir) = temp_data_dir();
    let (_new_dir, new_data_dir) = temp_data_dir();
    let (_exports, exports) = temp_data_dir();
    let export_dir = format!("{exports}/eksport");
    let stderr =
        |output: &std::process::Output| String::from_utf8_lossy(&output.stderr).into_owned();
    let stdout =
        |output: &std::process::Output| String::from_utf8_lossy(&output.stdout).into_owned();
    let added = kronika_with_password(
        &[
            "--data-dir",
            &old_data_dir,
            "user",
            "add",
            "--email",
            "ewa@example.org",
            "--name",
            "Ewa Redaktor",
            "--role",
            "editor",
        ],
        "a long enough password",
    );
    assert!(added.status.success(), "{}", stderr(&added));

    let exported = kronika(&["--data-dir", &old_data_dir, "export", &export_dir]);
    assert!(exported.status.success(), "{}", stderr(&exported));
    assert!(
        stdout(&exported).contains("accounts: 1"),
        "{}",
        stdout(&exported)
    );
    let again = kronika(&["--data-dir", &old_data_dir, "export", &export_dir]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("not empty"), "{}", stderr(&again));

    let imported = kronika(&[
        "--data-dir",
        &new_data_dir,
        "import",
        "kronika",
        &export_dir,
    ]);
    assert!(imported.status.success(), "{}", stderr(&imported));
    assert!(
        stdout(&imported).contains("set-password"),
        "{}",
        stdout(&imported)
    );
    let twice = kronika(&[
        "--data-dir",
        &new_data_dir,
        "import",
        "kronika",
        &export_dir,
    ]);
    assert_eq!(twice.status.code(), Some(1));
    assert!(
        stderr(&twice).contains("already holds accounts"),
        "{}",
        stderr(&twice)
    );
    let not_an_export = kronika(&[
        "--data-dir",
        &new_data_dir,
        "import",
        "kronika",
        &old_data_dir,
    ]);
    assert_eq!(not_an_export.status.code(), Some(1));
    assert!(
        stderr(&not_an_export).contains("manifest.json"),
        "{}",
        stderr(&not_an_export)
    );

    let listed = kronika(&["--data-dir", &new_data_dir, "user", "list"]);
    assert!(
        stdout(&listed).contains("ewa@example.org"),
        "{}",
        stdout(&listed)
    );
    let unknown = kronika_with_password(
        &[
            "--data-dir",
            &new_data_dir,
            "user",
            "set-password",
            "--email",
            "nikt@example.org",
        ],
        "a long enough password",
    );
    assert_eq!(unknown.status.code(), Some(1));
    let set = kronika_with_password(
        &[
            "--data-dir",
            &new_data_dir,
            "user",
            "set-password",
            "--email",
            "Ewa@Example.org",
        ],
        "another long password",
    );
    assert!(set.status.success(), "{}", stderr(&set));
    assert!(stdout(&set).contains("ewa@example.org"), "{}", stdout(&set));
}

#[test]
fn a_wordpress_export_is_checked_by_a_dry_run_and_then_imported() {
    let (_dir, data_dir) = temp_data_dir();
    let export = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/wordpress/a11y-theme-unit-test-data.xml"
    );
    let stdout =
        |output: &std::process::Output| String::from_utf8_lossy(&output.stdout).into_owned();
    let dry = kronika(&[
        "--data-dir",
        &data_dir,
        "import",
        "wordpress",
        export,
        "--dry-run",
    ]);
    assert!(
        dry.status.success(),
        "{}",
        String::from_utf8_lossy(&dry.stderr)
    );
    assert!(
        stdout(&dry).contains("would create: 47, would update: 0, skipped: 68, failed: 0"),
        "{}",
        stdout(&dry)
    );
    assert!(stdout(&dry).contains("nothing was written"));
    let real = kronika(&["--data-dir", &data_dir, "import", "wordpress", export]);
    assert!(
        real.status.success(),
        "{}",
        String::from_utf8_lossy(&real.stderr)
    );
    assert!(
        stdout(&real).contains("created: 47, updated: 0, skipped: 68, failed: 0"),
        "{}",
        stdout(&real)
    );
    assert!(
        stdout(&real).contains("skipped  About The Tests: a page"),
        "{}",
        stdout(&real)
    );
    let missing = kronika(&[
        "--data-dir",
        &data_dir,
        "import",
        "wordpress",
        "/nie/ma/takiego.xml",
    ]);
    assert_eq!(missing.status.code(), Some(1));
}

#[test]
fn old_html_pages_are_imported_with_a_profile_and_a_bad_profile_is_refused() {
    let (_dir, data_dir) = temp_data_dir();
    let site = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/html/site");
    let profile = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/import-profile.toml");
    let stdout =
        |output: &std::process::Output| String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr =
        |output: &std::process::Output| String::from_utf8_lossy(&output.stderr).into_owned();
    let imported = kronika(&[
        "--data-dir",
        &data_dir,
        "import",
        "html",
        site,
        "--profile",
        profile,
    ]);
    assert!(imported.status.success(), "{}", stderr(&imported));
    assert!(
        stdout(&imported).contains("created: 3, updated: 0, skipped: 1, failed: 0"),
        "{}",
        stdout(&imported)
    );
    let (_profiles, profiles) = temp_data_dir();
    let bad = format!("{profiles}/bad.toml");
    std::fs::write(
        &bad,
        "[selectors]\ntitle = \"h1[\"\n[words]\ndate_format = \"%Y\"\n",
    )
    .unwrap_or_else(|error| panic!("{error}"));
    let refused = kronika(&[
        "--data-dir",
        &data_dir,
        "import",
        "html",
        site,
        "--profile",
        &bad,
    ]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("selector"),
        "{}",
        stderr(&refused)
    );
}
