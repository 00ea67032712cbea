//! `loadbench` measures how many GraphQL requests per second a server on
//! loopback answers, and how quickly, so that changes to Kronika's read path
//! can be judged by numbers rather than impressions. `loadbench run` drives a
//! closed-loop load over keep-alive HTTP/1.1 connections for a bounded time
//! and prints the throughput and latency percentiles, once for people and
//! once as a JSON line for scripts. `loadbench ceiling` serves a canned
//! response from a bare poem app, which shows the most any handler could
//! reach on the same machine and HTTP stack; `loadbench graphql-floor` answers the
//! article query through async-graphql from memory, which shows what the GraphQL
//! stack itself costs. `scripts/bench-read.sh` runs
//! both against the real server; `scripts/bench-views.sh` drives the view
//! beacon with a URL per article and a new reader per round of articles.
//! `loadbench mixed` runs several kinds of request at once from a plan and
//! samples the server's memory, for `scripts/bench-mixed.sh`.

mod ceiling;
mod graphql_floor;
mod mixed;
mod pick;
mod report;
mod run;
mod target;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use bytes::Bytes;
use clap::{Args, Parser, Subcommand};

use crate::pick::Pick;
use crate::run::RunConfig;
use crate::target::{HttpMethod, RequestTemplate, Variation};

#[derive(Debug, Parser)]
#[command(
    name = "loadbench",
    about = "Load generator and ceiling server for GraphQL benchmarks"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve FILE's bytes on GET and POST /graphql until killed.
    Ceiling(CeilingArgs),
    /// Answer the article query through async-graphql from the article in FILE (a saved
    /// response of the server), with no database, cache or extension, until killed.
    GraphqlFloor(CeilingArgs),
    /// Load URL for a bounded time and report throughput and latency.
    Run(RunArgs),
    /// Run several kinds of request at once, as a JSON plan describes them,
    /// and report each kind and the server's memory.
    Mixed(MixedArgs),
}

#[derive(Debug, Args)]
struct MixedArgs {
    /// The plan: {"kinds": [{"name", "connections", "url", "body_files", ...}]}
    /// (see src/mixed.rs).
    #[arg(long)]
    plan: PathBuf,
    /// Measured seconds, after the warm-up.
    #[arg(long, default_value_t = 60.0)]
    duration: f64,
    /// Seconds of load before measuring.
    #[arg(long, default_value_t = 5.0)]
    warmup: f64,
    /// The server's process id: its resident memory is sampled every second.
    #[arg(long)]
    server_pid: Option<u32>,
    /// Generator threads, as for `run`.
    #[arg(long, default_value_t = 1)]
    threads: usize,
}

#[derive(Debug, Args)]
struct CeilingArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// The response body, typically a real response saved from the server.
    #[arg(long)]
    body_file: PathBuf,
}

#[derive(Debug, Args)]
struct RunArgs {
    /// The GraphQL endpoint, e.g. http://127.0.0.1:8080/graphql, or any
    /// URL; with --article-ids-file it holds {article}, e.g.
    /// http://127.0.0.1:8080/api/views/{article}.
    #[arg(long)]
    url: String,
    /// A JSON request body: {"query": "..."}; an empty body when unset.
    #[arg(long, conflicts_with = "bodies_file")]
    body_file: Option<PathBuf>,
    /// Request bodies, one JSON document per line (e.g. the same query for 100,000
    /// different slugs); each request sends one, chosen as --pick says.
    #[arg(long)]
    bodies_file: Option<PathBuf>,
    /// How requests choose among --bodies-file's bodies: Zipf (s = 1) makes the first
    /// line the most requested, as a site's most read article.
    #[arg(long, value_enum, default_value_t = Pick::InTurn, requires = "bodies_file")]
    pick: Pick,
    /// A file with one value per line for the URL's {article}; requests use
    /// them in turn.
    #[arg(long)]
    article_ids_file: Option<PathBuf>,
    /// The User-Agent header of every request; none when unset.
    #[arg(long)]
    user_agent: Option<String>,
    /// Append " reader/N" to the User-Agent, N growing each time the article
    /// ids come round: every (reader, article) pair is then new, as if each
    /// request came from another reader.
    #[arg(long, requires = "user_agent")]
    unique_readers: bool,
    #[arg(long, value_enum, default_value_t = HttpMethod::Post)]
    method: HttpMethod,
    /// An extra header, "Name: value" (repeatable), e.g. a session cookie for the
    /// editors' application.
    #[arg(long = "header")]
    headers: Vec<String>,
    /// Concurrent keep-alive connections, each with one request in flight.
    #[arg(long, default_value_t = 16)]
    connections: usize,
    /// Measured seconds, after the warm-up.
    #[arg(long, default_value_t = 10.0)]
    duration: f64,
    /// Seconds of load before measuring, so connections, caches and the
    /// allocator settle first.
    #[arg(long, default_value_t = 2.0)]
    warmup: f64,
    /// Name of the run in the output; defaults to the URL.
    #[arg(long)]
    label: Option<String>,
    /// Count a 2xx response whose body lacks this text as an error.
    #[arg(long)]
    expect_substring: Option<String>,
    /// Count a 2xx response whose body contains this text as an error.
    #[arg(long)]
    reject_substring: Option<String>,
    /// Generator threads. The generator shares the machine's cores with the
    /// server under test, so every cycle it spends is taken from the server
    /// and the figures are conservative; one thread keeps that share small.
    #[arg(long, default_value_t = 1)]
    threads: usize,
}

fn main() -> Result<()> {
    match Cli::parse().command {
        // The ceiling stands in for the real server, so it gets the same
        // multi-threaded runtime with one worker per core.
        Command::Ceiling(args) => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?
            .block_on(serve_ceiling(args)),
        Command::GraphqlFloor(args) => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?
            .block_on(serve_graphql_floor(args)),
        Command::Run(args) => generator_runtime(args.threads)?.block_on(load(args)),
        Command::Mixed(args) => {
            generator_runtime(args.threads)?.block_on(mixed::mixed(mixed::MixedArgs {
                plan: &args.plan,
                duration: seconds(args.duration, "--duration")?,
                warmup: seconds(args.warmup, "--warmup")?,
                server_pid: args.server_pid,
            }))
        }
    }
}

/// A single-threaded runtime by default: it needs no work stealing or
/// cross-thread wake-ups, and it caps the generator at one core so the
/// server under test keeps the rest.
fn generator_runtime(threads: usize) -> Result<tokio::runtime::Runtime> {
    let runtime = if threads <= 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .enable_all()
            .build()?
    };
    Ok(runtime)
}

async fn serve_ceiling(args: CeilingArgs) -> Result<()> {
    let body = read_body(&args.body_file)?;
    let (addr, serve) = ceiling::bind(args.listen, body).await?;
    // Scripts wait for this line before they start loading the server.
    println!("listening on {addr}");
    serve.await.context("the ceiling server failed")
}

async fn serve_graphql_floor(args: CeilingArgs) -> Result<()> {
    let response = read_body(&args.body_file)?;
    let (addr, serve) = graphql_floor::bind(args.listen, &response).await?;
    println!("listening on {addr}");
    serve.await.context("the GraphQL floor server failed")
}

async fn load(args: RunArgs) -> Result<()> {
    let body = match &args.body_file {
        Some(path) => read_body(path)?,
        None => Bytes::new(),
    };
    let article_ids = match &args.article_ids_file {
        Some(path) => read_lines(path)?,
        None => Vec::new(),
    };
    let variation = Variation {
        article_ids,
        user_agent: args.user_agent,
        unique_readers: args.unique_readers,
    };
    let mut template = RequestTemplate::new(&args.url, args.method, body, variation).await?;
    if let Some(path) = &args.bodies_file {
        let bodies = read_lines(path)?.into_iter().map(Bytes::from).collect();
        template = template.with_bodies_picked(bodies, args.pick)?;
    }
    for header in &args.headers {
        let (name, value) = header
            .split_once(':')
            .with_context(|| format!("--header needs \"Name: value\", got {header:?}"))?;
        template = template.with_header(name.trim(), value.trim())?;
    }
    let config = RunConfig {
        label: args.label.unwrap_or_else(|| args.url.clone()),
        connections: args.connections,
        duration: seconds(args.duration, "--duration")?,
        warmup: seconds(args.warmup, "--warmup")?,
        expect_substring: args.expect_substring,
        reject_substring: args.reject_substring,
    };
    let report = run::run(Arc::new(template), &config).await?;
    println!("{}", report.human_line());
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}

fn read_body(path: &Path) -> Result<Bytes> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(Bytes::from(bytes))
}

/// The non-empty lines of a file, trimmed.
fn read_lines(path: &Path) -> Result<Vec<String>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let lines: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(ToOwned::to_owned)
        .collect();
    anyhow::ensure!(!lines.is_empty(), "{} has no values", path.display());
    Ok(lines)
}

fn seconds(value: f64, flag: &str) -> Result<Duration> {
    Duration::try_from_secs_f64(value)
        .with_context(|| format!("{flag} must be a non-negative number of seconds, got {value}"))
}
