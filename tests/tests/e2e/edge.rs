//! The server's edge: CORS per origin, request ids, `/metrics`, per-address rate limits.

use kronika_api::Config;
use kronika_api::config::RateLimits;
use kronika_tests::{Backend, PASSWORD, TestApp, first_error_code};
use serde_json::{Value, json};

async fn spawn(configure: impl FnOnce(&mut Config)) -> TestApp {
    TestApp::spawn_with(Backend::Sqlite, configure)
        .await
        .unwrap_or_else(|| panic!("SQLite is always available"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_configured_origins_get_cors_headers() {
    let app = spawn(|config| config.cors_origins = vec!["https://www.example.pl".to_owned()]).await;
    let preflight = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/graphql"))
        .header("origin", "https://www.example.pl")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    assert!(preflight.status().is_success(), "{}", preflight.status());
    assert_eq!(
        preflight
            .headers()
            .get("access-control-allow-origin")
            .and_then(|value| value.to_str().ok()),
        Some("https://www.example.pl")
    );
    let stranger = app
        .client
        .post(app.url("/graphql"))
        .header("origin", "https://evil.example")
        .json(&json!({"query": "{ sections { slug } }"}))
        .send()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    assert!(
        stranger
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );

    let closed = spawn(|_| {}).await;
    let response = closed
        .client
        .post(closed.url("/graphql"))
        .header("origin", "https://www.example.pl")
        .json(&json!({"query": "{ sections { slug } }"}))
        .send()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    assert!(
        response
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_a_request_id_and_a_sane_given_one_is_kept() {
    let app = spawn(|_| {}).await;
    let request_id = |response: &reqwest::Response| {
        response
            .headers()
            .get("x-request-id")
            .and_then(|value| value.to_str().ok())
            .map(ToOwned::to_owned)
            .unwrap_or_else(|| panic!("no x-request-id"))
    };
    let first = app
        .client
        .get(app.url("/health"))
        .send()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    let second = app
        .client
        .get(app.url("/nowhere"))
        .send()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(second.status(), 404);
    assert_ne!(request_id(&first), request_id(&second));
    let given = app
        .client
        .get(app.url("/health"))
        .header("x-request-id", "edge-7f3a")
        .send()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(request_id(&given), "edge-7f3a");
    let odd = app
        .client
        .get(app.url("/health"))
        .header("x-request-id", "has spaces")
        .send()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    assert_ne!(request_id(&odd), "has spaces");
}

/// The value of the first sample line of `metric` whose labels contain all of `labels`.
fn sample(metrics: &str, metric: &str, labels: &[&str]) -> Option<f64> {
    metrics.lines().find_map(|line| {
        let rest = line.strip_prefix(metric)?;
        let (labels_part, value) = rest.rsplit_once(' ')?;
        let matches = (labels_part.is_empty() || labels_part.starts_with('{'))
            && labels.iter().all(|label| labels_part.contains(label));
        matches.then(|| value.parse().ok()).flatten()
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_operations_by_name_and_outcome_with_latencies() {
    let app = spawn(|_| {}).await;
    for _ in 0..3 {
        app.gql("query MetricsProbeRead { sections { slug } }")
            .await;
    }
    app.gql("query MetricsProbeBroken { sections { nope } }")
        .await;
    let author = app.editor("Anna Nowak").await;
    let section = app.section("Aktualności").await;
    let article = app.article("Czytany", &section, &author).create().await;
    app.beacon(article.id, "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0")
        .await;
    app.flush_views().await;

    let response = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(response.status(), 200);
    assert!(
        response
            .headers()
            .get("content-type")
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("text/plain")),
    );
    let text = response.text().await.unwrap_or_default();
    let requests = "kronika_graphql_requests_total";
    let read_ok = sample(
        &text,
        requests,
        &["operation=\"MetricsProbeRead\"", "outcome=\"ok\""],
    );
    let hits = sample(
        &text,
        requests,
        &["operation=\"MetricsProbeRead\"", "cache=\"hit\""],
    );
    let misses = sample(
        &text,
        requests,
        &["operation=\"MetricsProbeRead\"", "cache=\"miss\""],
    );
    assert_eq!(hits.unwrap_or(0.0) + misses.unwrap_or(0.0), 3.0, "{text}");
    assert!(read_ok.is_some(), "{text}");
    assert_eq!(
        sample(
            &text,
            requests,
            &["operation=\"MetricsProbeBroken\"", "outcome=\"rejected\""]
        ),
        Some(1.0),
        "a query that does not validate is a rejected request: {text}"
    );
    assert_eq!(
        sample(
            &text,
            "kronika_graphql_request_duration_seconds_count",
            &["operation=\"MetricsProbeRead\""]
        ),
        Some(3.0),
        "{text}"
    );
    assert!(
        sample(
            &text,
            "kronika_graphql_request_duration_seconds_bucket",
            &["operation=\"MetricsProbeRead\"", "le=\"0.005\""]
        )
        .is_some()
    );
    assert!(
        sample(&text, "kronika_db_pool_connections", &[]).is_some_and(|open| open >= 1.0),
        "{text}"
    );
    assert!(
        sample(&text, "kronika_db_pool_max_connections", &[]).is_some(),
        "{text}"
    );
    assert!(
        sample(&text, "kronika_view_flushes_total", &["outcome=\"ok\""])
            .is_some_and(|flushes| flushes >= 1.0),
        "{text}"
    );
    assert!(
        text.contains("kronika_view_flush_articles_bucket"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_can_be_switched_off() {
    let app = spawn(|config| config.metrics = false).await;
    let response = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(response.status(), 404);
}

fn tight_limits(config: &mut Config) {
    config.rate_limits = RateLimits {
        graphql_per_second: 3,
        view_beacons_per_second: 2,
        logins_per_minute: 2,
    };
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_over_its_graphql_rate_gets_429_with_retry_after() {
    let app = spawn(tight_limits).await;
    let mut statuses = Vec::new();
    let mut refused = None;
    for _ in 0..6 {
        let response = app
            .client
            .post(app.url("/graphql"))
            .json(&json!({"query": "{ sections { slug } }"}))
            .send()
            .await
            .unwrap_or_else(|error| panic!("{error}"));
        statuses.push(response.status().as_u16());
        if response.status() == 429 && refused.is_none() {
            let retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.parse::<u64>().ok());
            let body: Value = response.json().await.unwrap_or_default();
            refused = Some((retry_after, body));
        }
    }
    assert_eq!(&statuses[..3], &[200, 200, 200], "{statuses:?}");
    assert!(statuses[3..].contains(&429), "{statuses:?}");
    let (retry_after, body) = refused.unwrap_or_else(|| panic!("never refused"));
    assert!(
        retry_after.is_some_and(|seconds| seconds >= 1),
        "{retry_after:?}"
    );
    assert_eq!(first_error_code(&body), "RATE_LIMITED");
    // /health is not limited.
    let health = app
        .client
        .get(app.url("/health"))
        .send()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(health.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn view_beacons_over_the_rate_get_429_with_retry_after() {
    let app = spawn(tight_limits).await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(app.beacon(1, "Mozilla/5.0 Firefox/120.0").await.as_u16());
    }
    assert_eq!(&statuses[..2], &[204, 204], "{statuses:?}");
    assert!(statuses[2..].contains(&429), "{statuses:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_attempts_over_the_rate_get_429_with_retry_after() {
    let app = spawn(tight_limits).await;
    kronika_core::auth::accounts::add(
        app.db(),
        "ewa@example.org",
        "Ewa",
        kronika_core::domain::Role::Editor,
        PASSWORD,
    )
    .await
    .unwrap_or_else(|error| panic!("{error}"));
    let login = json!({
        "query": "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
        "variables": {"e": "ewa@example.org", "p": PASSWORD},
    });
    let mut last = None;
    for _ in 0..3 {
        let response = app
            .client
            .post(app.url("/graphql"))
            .json(&login)
            .send()
            .await
            .unwrap_or_else(|error| panic!("{error}"));
        last = Some(response);
    }
    let response = last.unwrap_or_else(|| panic!("no response"));
    assert_eq!(
        response.status(),
        429,
        "the third correct login within a minute is refused"
    );
    assert!(response.headers().get("retry-after").is_some());
    let body: Value = response.json().await.unwrap_or_default();
    assert_eq!(first_error_code(&body), "RATE_LIMITED");
    assert!(
        body["errors"][0]["extensions"]["retryAfterSeconds"]
            .as_u64()
            .is_some_and(|seconds| seconds >= 1)
    );
}

/// The outcome label comes from the errors' codes: an internal failure is `internal`
/// and an unreachable database `unavailable`, neither `rejected` nor `timeout`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_the_outcome_that_the_error_codes_say() {
    use sea_orm::ConnectionTrait;
    let app = spawn(|_| {}).await;
    app.db()
        .execute_unprepared("DROP TABLE sections")
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    let answer = app
        .gql("query MetricsOutcomeInternal { sections { slug } }")
        .await;
    assert_eq!(
        first_error_code(&answer),
        "INTERNAL_SERVER_ERROR",
        "{answer:#}"
    );
    let aliases: String = (0..31).map(|n| format!("a{n}: __typename ")).collect();
    // Refused before the document is read: counted under the name the request gives.
    let answer: Value = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({
            "query": format!("query MetricsOutcomeRefused {{ {aliases} }}"),
            "operationName": "MetricsOutcomeRefused",
        }))
        .send()
        .await
        .unwrap_or_else(|error| panic!("{error}"))
        .json()
        .await
        .unwrap_or_default();
    assert_eq!(first_error_code(&answer), "QUERY_TOO_COMPLEX", "{answer:#}");
    app.db()
        .close_by_ref()
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    let answer = app
        .gql("query MetricsOutcomeUnavailable { tags { slug } }")
        .await;
    assert_eq!(
        first_error_code(&answer),
        "DATABASE_UNAVAILABLE",
        "{answer:#}"
    );

    let text = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap_or_else(|error| panic!("{error}"))
        .text()
        .await
        .unwrap_or_default();
    let requests = "kronika_graphql_requests_total";
    assert_eq!(
        sample(
            &text,
            requests,
            &[
                "operation=\"MetricsOutcomeInternal\"",
                "outcome=\"internal\""
            ]
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            requests,
            &[
                "operation=\"MetricsOutcomeUnavailable\"",
                "outcome=\"unavailable\""
            ]
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            requests,
            &[
                "operation=\"MetricsOutcomeRefused\"",
                "outcome=\"rejected\""
            ]
        ),
        Some(1.0),
        "{text}"
    );
}
