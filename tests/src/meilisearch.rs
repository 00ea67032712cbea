//! Meilisearch for the end-to-end tests: the shared server `MEILISEARCH_URL` names, with
//! an index of its own for every test server ([`shared_server`]), or a private process of
//! one test's own that a fault test stops and starts ([`PrivateMeilisearch`]).
//!
//! Both are skipped, loudly, on a machine without Meilisearch: it is in no package registry
//! (docs/meilisearch.md says how to build it), so CI on a fresh machine has none.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use kronika_api::config::{SearchEngineConfig, Secret};

use crate::private_postgres::free_loopback_port;
use crate::{Service, meilisearch_from_env, skip, unique_name, wait_until};

/// Where `.ci/run` and docs/meilisearch.md put the binary when `MEILISEARCH_BIN` is unset.
const DEFAULT_BINARY: &str = "/opt/meilisearch/meilisearch";

/// The search setting of a test server on the Meilisearch of `MEILISEARCH_URL`, with an
/// index no other server uses (tests run in parallel on one shared server), or `None`
/// after saying through [`skip`] that the variable is not set.
#[track_caller]
pub fn shared_server() -> Option<SearchEngineConfig> {
    let (url, api_key) = meilisearch_from_env()?;
    Some(config(&url, api_key.as_deref(), &unique_name("e2e")))
}

fn config(url: &str, api_key: Option<&str>, index: &str) -> SearchEngineConfig {
    SearchEngineConfig::Meilisearch {
        url: url
            .parse()
            .unwrap_or_else(|_| panic!("not a Meilisearch URL: {url}")),
        api_key: api_key.map(Secret::new),
        index: index
            .parse()
            .unwrap_or_else(|_| panic!("not an index name: {index}")),
        rerank_depth: search_index::DEFAULT_RERANK_DEPTH,
    }
}

/// A Meilisearch process of one test's own, on a free loopback port with its database in
/// a temporary directory. [`PrivateMeilisearch::kill`] stops it the hard way (as a crash
/// or an OOM kill would) and [`PrivateMeilisearch::start_again`] brings it back on the
/// same port and database. Dropping it kills the process and deletes its files.
pub struct PrivateMeilisearch {
    binary: PathBuf,
    port: u16,
    master_key: String,
    dir: tempfile::TempDir,
    process: Option<Child>,
}

impl PrivateMeilisearch {
    /// Starts the binary of `MEILISEARCH_BIN` (or `/opt/meilisearch/meilisearch`) and waits
    /// until it answers, or returns `None` after saying through [`skip`] that it is missing.
    pub async fn start() -> Option<Self> {
        let binary = std::env::var_os("MEILISEARCH_BIN")
            .map_or_else(|| PathBuf::from(DEFAULT_BINARY), PathBuf::from);
        if !binary.is_file() {
            skip(
                Service::Meilisearch,
                &format!(
                    "no Meilisearch binary at {} (set MEILISEARCH_BIN; docs/meilisearch.md says how to build it)",
                    binary.display()
                ),
            );
            return None;
        }
        let mut server = Self {
            binary,
            port: free_loopback_port(),
            master_key: unique_name("test-key"),
            dir: tempfile::tempdir().unwrap_or_else(|error| panic!("temp dir: {error}")),
            process: None,
        };
        server.start_again().await;
        Some(server)
    }

    /// The search setting of a server using index `index` here.
    pub fn config(&self, index: &str) -> SearchEngineConfig {
        config(&self.url(), Some(&self.master_key), index)
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Kills the process (SIGKILL: no chance to finish what it was doing) and waits for it.
    pub fn kill(&mut self) {
        if let Some(mut process) = self.process.take() {
            let _ = process.kill();
            let _ = process.wait();
        }
    }

    /// Starts the process on the same port and database, and waits until it answers.
    pub async fn start_again(&mut self) {
        assert!(self.process.is_none(), "Meilisearch is already running");
        let log = std::fs::File::create(self.dir.path().join("meilisearch.log"))
            .unwrap_or_else(|error| panic!("log file: {error}"));
        let process = Command::new(&self.binary)
            .arg("--http-addr")
            .arg(format!("127.0.0.1:{}", self.port))
            .arg("--master-key")
            .arg(&self.master_key)
            .arg("--no-analytics")
            .arg("--db-path")
            .arg(self.dir.path().join("data.ms"))
            .arg("--dump-dir")
            .arg(self.dir.path().join("dumps"))
            .arg("--snapshot-dir")
            .arg(self.dir.path().join("snapshots"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {}: {error}", self.binary.display()));
        self.process = Some(process);
        let health = format!("{}/health", self.url());
        let client = reqwest::Client::new();
        wait_until("the private Meilisearch answers", async || {
            client
                .get(&health)
                .timeout(Duration::from_secs(1))
                .send()
                .await
                .is_ok_and(|response| response.status().is_success())
        })
        .await;
    }
}

impl Drop for PrivateMeilisearch {
    fn drop(&mut self) {
        self.kill();
    }
}
