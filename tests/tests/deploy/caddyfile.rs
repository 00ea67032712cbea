//! The balancer's `deploy/Caddyfile`: Caddy itself validates it (`caddy validate`, which
//! parses and provisions the configuration without connecting to the upstreams), and the
//! compose tests read its upstreams and health check.

use std::process::Command;

use crate::repository;

/// Where the Caddyfile is, relative to the repository.
pub const PATH: &str = "deploy/Caddyfile";

/// The Caddyfile's lines without comments, enough to read the few settings the compose
/// checks need; Caddy's own parser is the judge of everything else.
pub struct Caddyfile {
    lines: Vec<String>,
}

impl Caddyfile {
    pub fn read() -> Self {
        let lines = repository::read(PATH)
            .lines()
            .map(|line| line.split('#').next().unwrap_or_default().trim().to_owned())
            .filter(|line| !line.is_empty())
            .collect();
        Self { lines }
    }

    /// The `host:port` upstreams of every `reverse_proxy` directive.
    pub fn upstreams(&self) -> Vec<String> {
        self.lines
            .iter()
            .filter_map(|line| line.strip_prefix("reverse_proxy "))
            .flat_map(|arguments| {
                arguments
                    .split_whitespace()
                    .take_while(|word| *word != "{")
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// The value of a one-value subdirective such as `health_uri /ready`.
    pub fn setting(&self, name: &str) -> Option<String> {
        self.lines.iter().find_map(|line| {
            let mut words = line.split_whitespace();
            (words.next() == Some(name))
                .then(|| words.next().map(str::to_owned))
                .flatten()
        })
    }
}

/// Runs `caddy` with `arguments` in the repository, or says why it could not: `None`
/// when there is no `caddy` here and the run does not require it (printing SKIPPED);
/// with `KRONIKA_REQUIRE_SERVICES=1` (CI) a missing `caddy` fails the test.
fn caddy(arguments: &[&str]) -> Option<std::process::Output> {
    match Command::new("caddy")
        .args(arguments)
        .current_dir(repository::root())
        .output()
    {
        Ok(output) => Some(output),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let required =
                std::env::var("KRONIKA_REQUIRE_SERVICES").is_ok_and(|value| value == "1");
            assert!(
                !required,
                "caddy is not installed and KRONIKA_REQUIRE_SERVICES=1 (apt-get install caddy)"
            );
            // Written to the stream itself: libtest captures what eprintln! writes and
            // shows it only for failing tests, which would hide the skip.
            let line = format!(
                "SKIPPED: caddy is not installed; `apt-get install caddy` to validate {PATH}\n"
            );
            let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
            None
        }
        Err(error) => panic!("cannot run caddy: {error}"),
    }
}

#[test]
fn caddy_accepts_the_balancer_configuration() {
    let Some(output) = caddy(&["validate", "--config", PATH, "--adapter", "caddyfile"]) else {
        return;
    };
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "caddy validate refused {PATH}:\n{log}{}",
        String::from_utf8_lossy(&output.stdout)
    );
    // A warning means Caddy read something other than what was meant (a directive that
    // does nothing, a file not in Caddy's format); only the one about plain HTTP, which
    // is on purpose, may remain.
    let warnings: Vec<&str> = log
        .lines()
        .filter(|line| line.contains("\"level\":\"warn\""))
        .filter(|line| !line.contains("automatic HTTPS is completely disabled"))
        .collect();
    assert!(
        warnings.is_empty(),
        "caddy warns about {PATH}:\n{}",
        warnings.join("\n")
    );
}

#[test]
fn the_balancer_configuration_is_as_caddy_fmt_writes_it() {
    let Some(output) = caddy(&["fmt", PATH]) else {
        return;
    };
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        repository::read(PATH),
        "run `caddy fmt --overwrite {PATH}`"
    );
}

#[test]
fn the_reader_finds_upstreams_and_settings() {
    let caddyfile = Caddyfile {
        lines: ["reverse_proxy a:1 b:2 {", "health_uri /ready", "}"]
            .map(str::to_owned)
            .to_vec(),
    };
    assert_eq!(caddyfile.upstreams(), ["a:1", "b:2"]);
    assert_eq!(caddyfile.setting("health_uri").as_deref(), Some("/ready"));
    assert_eq!(caddyfile.setting("health_interval"), None);
}
