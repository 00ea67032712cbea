//! `loadbench` measures how many GraphQL requests per second a server on
//! loopback answers, and how quickly, so that changes to Kronika's read path
//! can be judged by numbers rather than impressions. `loadbench run` drives a
//! closed-loop load over keep-alive HTTP/1.1 connections for a bounded time
//! and prints the throughput and latency percentiles, once for people and
//! once as a JSON line for scripts. `loadbench ceiling` serves a canned
//! response from a bare poem app, which shows the most any handler could
//! reach on the same machine and HTTP stack. `scripts/bench-read.sh` runs
//! both against the real server.

mod ceiling;
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

use crate::run::RunConfig;
use crate::target::{HttpMethod, RequestTemplate};

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
    /// Load URL for a bounded time and report throughput and latency.
    Run(RunArgs),
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
    /// The GraphQL endpoint, e.g. http://127.0.0.1:8080/graphql.
    #[arg(long)]
    url: String,
    /// A JSON request body: {"query": "..."}.
    #[arg(long)]
    body_file: PathBuf,
    #[arg(long, value_enum, default_value_t = HttpMethod::Post)]
    method: HttpMethod,
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
        Command::Run(args) => generator_runtime(args.threads)?.block_on(load(args)),
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

async fn load(args: RunArgs) -> Result<()> {
    let body = read_body(&args.body_file)?;
    let template = RequestTemplate::new(&args.url, args.method, body).await?;
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

fn seconds(value: f64, flag: &str) -> Result<Duration> {
    Duration::try_from_secs_f64(value)
        .with_context(|| format!("{flag} must be a non-negative number of seconds, got {value}"))
}
