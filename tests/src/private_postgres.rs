//! A PostgreSQL cluster of one test's own, for fault tests that stop and start the
//! database under a running server. The shared server of `TEST_DATABASE_URL` serves the
//! other tests, which run in parallel, so it must never go away under them.
//!
//! The cluster lives in a temporary directory (data, Unix socket, log) and listens on a
//! free loopback port. PostgreSQL refuses to run as root, so when the tests run as root
//! its programs run as the `postgres` account through `runuser`.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::{Service, skip};

/// A running private cluster; dropping it stops the server and deletes its files.
#[derive(Debug)]
pub struct PrivatePostgres {
    /// The directory of `initdb` and `pg_ctl`.
    bin: PathBuf,
    /// Holds `data/`, the socket and `postgres.log`.
    dir: tempfile::TempDir,
    port: u16,
    /// Run the programs as the `postgres` account (the tests run as root).
    as_postgres_account: bool,
}

impl PrivatePostgres {
    /// Creates a cluster and starts it, or returns `None` after saying through [`skip`]
    /// why not when this machine has no PostgreSQL programs (or, as root, no `postgres`
    /// account).
    pub async fn start() -> Option<Self> {
        let started = tokio::task::spawn_blocking(Self::start_blocking)
            .await
            .unwrap_or_else(|error| panic!("starting the private cluster panicked: {error}"));
        match started {
            Ok(cluster) => Some(cluster),
            Err(reason) => {
                // Said here, on the test's own thread, so that the line names the test.
                skip(Service::PrivatePostgresCluster, reason);
                None
            }
        }
    }

    /// The running cluster, or why this machine cannot run one.
    fn start_blocking() -> Result<Self, &'static str> {
        let Some(bin) = find_bin_dir() else {
            return Err(
                "no initdb and pg_ctl found (pg_config --bindir, /usr/lib/postgresql/*/bin)",
            );
        };
        let as_postgres_account = running_as_root();
        if as_postgres_account && !account_exists("postgres") {
            return Err("running as root and there is no `postgres` account to run PostgreSQL as");
        }
        let dir = tempfile::tempdir().unwrap_or_else(|error| panic!("temp dir: {error}"));
        if as_postgres_account {
            run_checked(Command::new("chown").arg("postgres:").arg(dir.path()));
        }
        let cluster = Self {
            bin,
            port: free_loopback_port(),
            dir,
            as_postgres_account,
        };
        // No fsync while creating: the files are thrown away with the test. The server
        // itself runs with the default durability, since the test checks what survives
        // a restart.
        let data = cluster.data_dir();
        let mut initdb = cluster.command("initdb");
        initdb
            .arg("--pgdata")
            .arg(&data)
            .args(["--auth=trust", "--username=postgres", "--encoding=UTF8"])
            .args(["--locale=C", "--no-sync", "--no-instructions"]);
        run_checked(&mut initdb);
        cluster.start_server();
        Ok(cluster)
    }

    /// The URL of the cluster's `postgres` database.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Stops the server as an operator's restart does (`pg_ctl stop -m fast`): open
    /// sessions are ended, transactions in flight rolled back, and the server waits
    /// for nothing.
    pub async fn stop(&self) {
        let mut stop = self.pg_ctl();
        stop.args(["stop", "--mode=fast", "--wait"]);
        run_checked_off_thread(stop).await;
    }

    /// Starts the stopped server again on the same port and data directory.
    pub async fn start_again(&self) {
        let start = self.start_command();
        run_checked_off_thread(start).await;
    }

    fn start_server(&self) {
        run_checked(&mut self.start_command());
    }

    fn start_command(&self) -> Command {
        let mut start = self.pg_ctl();
        // Loopback only; the socket goes into the cluster's directory rather than
        // /var/run/postgresql, which the shared server owns.
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {}",
            self.port,
            self.dir.path().display()
        );
        start
            .arg("--log")
            .arg(self.dir.path().join("postgres.log"))
            .args(["--wait", "--timeout=60", "-o", &options, "start"]);
        start
    }

    fn pg_ctl(&self) -> Command {
        let mut pg_ctl = self.command("pg_ctl");
        pg_ctl.arg("--pgdata").arg(self.data_dir());
        pg_ctl
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn command(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        if self.as_postgres_account {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            Command::new(program)
        }
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        // Stopped before the directory goes; the server may already be down.
        let _ = self
            .pg_ctl()
            .args(["stop", "--mode=immediate", "--wait"])
            .output();
    }
}

/// `pg_config --bindir`, else the newest `/usr/lib/postgresql/<version>/bin` (Debian).
fn find_bin_dir() -> Option<PathBuf> {
    let from_pg_config = Command::new("pg_config")
        .arg("--bindir")
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| PathBuf::from(String::from_utf8_lossy(&output.stdout).trim()));
    let mut debian: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .collect();
    debian.sort_by_key(|(version, _)| std::cmp::Reverse(*version));
    from_pg_config
        .into_iter()
        .chain(debian.into_iter().map(|(_, dir)| dir))
        .find(|dir| has_programs(dir))
}

fn has_programs(dir: &Path) -> bool {
    ["initdb", "pg_ctl", "postgres"]
        .iter()
        .all(|program| dir.join(program).is_file())
}

/// `/proc/self` belongs to the process's effective user.
fn running_as_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|metadata| metadata.uid() == 0)
}

fn account_exists(name: &str) -> bool {
    Command::new("id")
        .arg(name)
        .output()
        .is_ok_and(|output| output.status.success())
}

/// A port nobody listens on now. Another process could take it before PostgreSQL
/// does, which on a test machine's loopback is unlikely enough.
/// A loopback port nothing listens on now (the OS's pick, released for the caller).
pub(crate) fn free_loopback_port() -> u16 {
    std::net::TcpListener::bind(("127.0.0.1", 0))
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .unwrap_or_else(|error| panic!("no free loopback port: {error}"))
}

fn run_checked(command: &mut Command) -> Output {
    let output = command
        .output()
        .unwrap_or_else(|error| panic!("cannot run {command:?}: {error}"));
    assert!(
        output.status.success(),
        "{command:?} failed ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// `pg_ctl` waits for the server, so it runs on a blocking thread while the test's
/// load keeps the async workers busy.
async fn run_checked_off_thread(mut command: Command) {
    tokio::task::spawn_blocking(move || {
        run_checked(&mut command);
    })
    .await
    .unwrap_or_else(|error| panic!("pg_ctl panicked: {error}"));
}
