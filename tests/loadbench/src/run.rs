//! Closed-loop load: each connection sends its next request as soon as the
//! previous response has been read, so the offered load adapts to the server
//! and latency is measured without a queue in front of it.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use memchr::memmem::Finder;
use tokio::net::TcpStream;
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep_until, timeout_at};

use crate::report::{RunReport, Tally};
use crate::target::RequestTemplate;

/// How long a worker waits before dialing again after a failed connect, so a
/// server that is down does not turn the generator into a busy loop.
const RECONNECT_PAUSE: Duration = Duration::from_millis(10);

/// What to run; the request itself lives in a [`RequestTemplate`].
#[derive(Debug, Clone)]
pub struct RunConfig {
    pub label: String,
    pub connections: usize,
    pub duration: Duration,
    pub warmup: Duration,
    /// A successful (2xx) body must contain this, so that a GraphQL error
    /// answered with status 200 is not counted as a success.
    pub expect_substring: Option<String>,
    /// A successful (2xx) body must not contain this; `"errors":` catches
    /// GraphQL errors that still come with partial data.
    pub reject_substring: Option<String>,
}

/// What happened to one request.
enum Outcome {
    Success,
    Status,
    Body,
    Transport,
    /// The server closed the idle connection; this is not a failed request,
    /// the worker simply dials again.
    Closed,
}

/// Runs the load and returns the merged figures. The whole run, warm-up
/// included, ends after `warmup + duration` even if the server stops
/// answering, because every wait is bounded by that deadline.
pub async fn run(template: Arc<RequestTemplate>, config: &RunConfig) -> Result<RunReport> {
    let mut reports = run_together(&[(template, config.clone())]).await?;
    reports.pop().context("one load gives one report")
}

/// Runs several loads at the same time, each with its own connections, all
/// starting together, and returns one report per load, in order. With equal
/// warm-ups and durations their windows coincide, which is what a mixed load
/// needs to say what each kind of request got while the others ran.
pub async fn run_together(loads: &[(Arc<RequestTemplate>, RunConfig)]) -> Result<Vec<RunReport>> {
    let start = Instant::now();
    let mut workers = JoinSet::new();
    for (index, (template, config)) in loads.iter().enumerate() {
        ensure!(config.connections > 0, "--connections must be at least 1");
        ensure!(!config.duration.is_zero(), "--duration must be positive");
        let measure_from = start + config.warmup;
        let until = measure_from + config.duration;
        let finder = |text: &Option<String>| {
            text.as_deref()
                .map(|s| Arc::new(Finder::new(s.as_bytes()).into_owned()))
        };
        let expect = finder(&config.expect_substring);
        let reject = finder(&config.reject_substring);
        for _ in 0..config.connections {
            let worker = Worker {
                template: Arc::clone(template),
                expect: expect.clone(),
                reject: reject.clone(),
                measure_from,
                until,
                tally: Tally::new()?,
            };
            workers.spawn(async move { (index, worker.run().await) });
        }
    }
    let mut totals = loads
        .iter()
        .map(|_| Tally::new())
        .collect::<Result<Vec<_>>>()?;
    while let Some(joined) = workers.join_next().await {
        let (index, tally) = joined.context("a load worker panicked")?;
        if let Some(total) = totals.get_mut(index) {
            total.merge(&tally)?;
        }
    }
    Ok(loads
        .iter()
        .zip(&totals)
        .map(|((_, config), total)| total.report(config))
        .collect())
}

/// One keep-alive connection's request loop.
struct Worker {
    template: Arc<RequestTemplate>,
    expect: Option<Arc<Finder<'static>>>,
    reject: Option<Arc<Finder<'static>>>,
    measure_from: Instant,
    until: Instant,
    tally: Tally,
}

impl Worker {
    async fn run(mut self) -> Tally {
        while Instant::now() < self.until {
            let mut sender = match timeout_at(self.until, connect(&self.template)).await {
                Err(_deadline) => break,
                Ok(Ok(sender)) => sender,
                Ok(Err(_)) => {
                    if Instant::now() >= self.measure_from {
                        self.tally.errors.transport += 1;
                    }
                    sleep_until((Instant::now() + RECONNECT_PAUSE).min(self.until)).await;
                    continue;
                }
            };
            // Back-to-back requests on this connection until it breaks or the
            // run ends; a request still in flight at the deadline is neither
            // a success nor an error, it is simply outside the window.
            loop {
                let sent = Instant::now();
                let exchange = self.exchange(&mut sender);
                let Ok(outcome) = timeout_at(self.until, exchange).await else {
                    return self.tally;
                };
                if matches!(outcome, Outcome::Success) {
                    self.tally.all_successes += 1;
                }
                if sent < self.measure_from {
                    if matches!(outcome, Outcome::Transport | Outcome::Closed) {
                        break;
                    }
                    continue;
                }
                match outcome {
                    Outcome::Success => {
                        let micros = u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX);
                        self.tally.latencies_us.saturating_record(micros);
                    }
                    Outcome::Status => self.tally.errors.status += 1,
                    Outcome::Body => self.tally.errors.body += 1,
                    Outcome::Transport => {
                        self.tally.errors.transport += 1;
                        break;
                    }
                    Outcome::Closed => break,
                }
            }
        }
        self.tally
    }

    /// Sends one request and reads the whole response body.
    async fn exchange(&self, sender: &mut SendRequest<Full<Bytes>>) -> Outcome {
        if sender.ready().await.is_err() {
            return Outcome::Closed;
        }
        let Ok(response) = sender.send_request(self.template.build()).await else {
            return Outcome::Transport;
        };
        let status = response.status();
        let Ok(collected) = response.into_body().collect().await else {
            return Outcome::Transport;
        };
        if !status.is_success() {
            return Outcome::Status;
        }
        if self.expect.is_none() && self.reject.is_none() {
            return Outcome::Success;
        }
        // Joining the frames may copy, so it is only done when a check needs
        // the body as one slice.
        let body = collected.to_bytes();
        let lacks_expected = self
            .expect
            .as_ref()
            .is_some_and(|f| f.find(&body).is_none());
        let has_rejected = self
            .reject
            .as_ref()
            .is_some_and(|f| f.find(&body).is_some());
        if lacks_expected || has_rejected {
            return Outcome::Body;
        }
        Outcome::Success
    }
}

/// Dials the server and starts the HTTP/1.1 connection driver.
async fn connect(template: &RequestTemplate) -> Result<SendRequest<Full<Bytes>>> {
    let stream = TcpStream::connect(template.addr).await?;
    // Requests are small and sent whole; Nagle's algorithm would only add
    // delay waiting for an acknowledgement.
    stream.set_nodelay(true)?;
    let (sender, connection) = http1::handshake(TokioIo::new(stream)).await?;
    // The driver's own error is redundant: the sender reports the same
    // failure on the next request, which is where it is counted.
    tokio::spawn(async move { connection.await.ok() });
    Ok(sender)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ceiling;
    use crate::target::{HttpMethod, Variation};

    const BODY: &str = r#"{"data":{"article":{"title":"Razem"}}}"#;

    /// The generator against the in-process ceiling: a short run must see
    /// traffic and no errors, with the substring check switched on.
    #[tokio::test]
    async fn loads_the_ceiling_without_errors() -> Result<()> {
        let (addr, serve) = ceiling::bind(([127, 0, 0, 1], 0).into(), Bytes::from(BODY)).await?;
        let server = tokio::spawn(serve);
        let url = format!("http://{addr}/graphql");
        let query = Bytes::from(r#"{"query":"{ article { title } }"}"#);
        // POST gets the full second; GET only needs to show that the server
        // accepts the encoded query string, so it stays short.
        for (method, duration) in [
            (HttpMethod::Post, Duration::from_secs(1)),
            (HttpMethod::Get, Duration::from_millis(300)),
        ] {
            let template = Arc::new(
                RequestTemplate::new(&url, method, query.clone(), Variation::default()).await?,
            );
            let config = RunConfig {
                label: format!("ceiling {method:?}"),
                connections: 4,
                duration,
                warmup: Duration::from_millis(200),
                expect_substring: Some(r#""data""#.into()),
                reject_substring: Some(r#""errors":"#.into()),
            };
            let report = run(template, &config).await?;
            assert!(report.requests > 0, "{method:?}: {}", report.human_line());
            assert_eq!(report.errors, 0, "{method:?}: {}", report.human_line());
            assert!(report.p50_ms <= report.max_ms);
        }
        server.abort();
        Ok(())
    }

    /// A body that lacks the expected text, or has the rejected text, must
    /// count as an error, not as a success.
    #[tokio::test]
    async fn counts_wrong_bodies_as_errors() -> Result<()> {
        let (addr, serve) = ceiling::bind(([127, 0, 0, 1], 0).into(), Bytes::from(BODY)).await?;
        let server = tokio::spawn(serve);
        let url = format!("http://{addr}/graphql");
        let template = Arc::new(
            RequestTemplate::new(
                &url,
                HttpMethod::Post,
                Bytes::from("{}"),
                Variation::default(),
            )
            .await?,
        );
        for (expect, reject) in [(Some(r#""errors""#), None), (None, Some(r#""data""#))] {
            let config = RunConfig {
                label: "mismatch".into(),
                connections: 2,
                duration: Duration::from_millis(200),
                warmup: Duration::ZERO,
                expect_substring: expect.map(Into::into),
                reject_substring: reject.map(Into::into),
            };
            let report = run(Arc::clone(&template), &config).await?;
            assert_eq!(report.requests, 0, "{}", report.human_line());
            assert!(report.error_counts.body > 0, "{}", report.human_line());
            assert_eq!(report.errors, report.error_counts.body);
        }
        server.abort();
        Ok(())
    }

    /// Article ids are used in turn, and with unique readers the User-Agent
    /// changes every time they come round, so no (reader, article) repeats.
    #[tokio::test]
    async fn variations_make_every_reader_and_article_pair_new() -> Result<()> {
        let variation = Variation {
            article_ids: vec!["7".into(), "9".into()],
            user_agent: Some("Browser/1.0".into()),
            unique_readers: true,
        };
        let template = RequestTemplate::new(
            "http://127.0.0.1:9/api/views/{article}",
            HttpMethod::Post,
            Bytes::new(),
            variation,
        )
        .await?;
        let sent: Vec<(String, String)> = (0..4)
            .map(|_| {
                let request = template.build();
                let user_agent = request
                    .headers()
                    .get("user-agent")
                    .and_then(|value| value.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                (request.uri().to_string(), user_agent)
            })
            .collect();
        let expected = [
            ("/api/views/7", "Browser/1.0 reader/0"),
            ("/api/views/9", "Browser/1.0 reader/0"),
            ("/api/views/7", "Browser/1.0 reader/1"),
            ("/api/views/9", "Browser/1.0 reader/1"),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(uri, agent)| ((*uri).to_owned(), (*agent).to_owned()))
            .collect();
        assert_eq!(sent, expected);
        Ok(())
    }

    /// Bodies go in turn, the marker becomes the request's number at the same
    /// length, and a header given replaces the JSON Content-Type.
    #[tokio::test]
    async fn bodies_go_in_turn_with_their_marker_numbered() -> Result<()> {
        let template = RequestTemplate::new(
            "http://127.0.0.1:9/graphql",
            HttpMethod::Post,
            Bytes::new(),
            Variation::default(),
        )
        .await?
        .with_bodies(vec![Bytes::from("a:####;"), Bytes::from("b:####;")])?
        .with_sequence_marker("####")?
        .with_header("content-type", "multipart/form-data; boundary=x")?;
        let mut sent = Vec::new();
        for _ in 0..3 {
            let request = template.build();
            let content_type = request.headers().get("content-type").cloned();
            assert_eq!(
                content_type.as_ref().and_then(|value| value.to_str().ok()),
                Some("multipart/form-data; boundary=x")
            );
            let body = request.into_body().collect().await?.to_bytes();
            sent.push(String::from_utf8_lossy(&body).into_owned());
        }
        assert_eq!(sent, ["a:0000;", "b:0001;", "a:0002;"]);
        let unmarked = RequestTemplate::new(
            "http://127.0.0.1:9/graphql",
            HttpMethod::Post,
            Bytes::from("no marker"),
            Variation::default(),
        )
        .await?
        .with_sequence_marker("####");
        assert!(unmarked.is_err());
        Ok(())
    }

    /// Two loads at once, each on its own connections, each with its report.
    #[tokio::test]
    async fn runs_loads_together_with_a_report_each() -> Result<()> {
        let (addr, serve) = ceiling::bind(([127, 0, 0, 1], 0).into(), Bytes::from(BODY)).await?;
        let server = tokio::spawn(serve);
        let url = format!("http://{addr}/graphql");
        let mut loads = Vec::new();
        for (label, connections) in [("first", 2), ("second", 1)] {
            let template = RequestTemplate::new(
                &url,
                HttpMethod::Post,
                Bytes::from(r#"{"query":"{ a }"}"#),
                Variation::default(),
            )
            .await?;
            let config = RunConfig {
                label: label.into(),
                connections,
                duration: Duration::from_millis(300),
                warmup: Duration::from_millis(100),
                expect_substring: Some(r#""data""#.into()),
                reject_substring: None,
            };
            loads.push((Arc::new(template), config));
        }
        let reports = run_together(&loads).await?;
        let labels: Vec<&str> = reports.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(labels, ["first", "second"]);
        for report in &reports {
            assert!(report.requests > 0, "{}", report.human_line());
            assert_eq!(report.errors, 0, "{}", report.human_line());
        }
        server.abort();
        Ok(())
    }

    #[tokio::test]
    async fn get_moves_the_query_into_the_url() -> Result<()> {
        let body = Bytes::from(r#"{"query":"{ a(x: \"b c\") }","variables":{"n":1}}"#);
        let template = RequestTemplate::new(
            "http://127.0.0.1:9/graphql",
            HttpMethod::Get,
            body,
            Variation::default(),
        )
        .await?;
        assert_eq!(
            template
                .target()
                .map(ToString::to_string)
                .unwrap_or_default(),
            "/graphql?query=%7B+a%28x%3A+%22b+c%22%29+%7D&variables=%7B%22n%22%3A1%7D"
        );
        Ok(())
    }
}
