//! Files of the repository and what the `kronika` code reads, for the deployment checks.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The repository's root directory (the tests crate lives in `tests/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap_or_else(|| panic!("the tests crate has a parent directory"))
        .to_path_buf()
}

/// A file of the repository as text.
pub fn read(relative_path: &str) -> String {
    let path = root().join(relative_path);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

/// The workspace members listed in the root `Cargo.toml`.
pub fn workspace_members() -> Vec<String> {
    let manifest = read("Cargo.toml");
    let members_line = manifest
        .lines()
        .find(|line| line.trim_start().starts_with("members"))
        .unwrap_or_else(|| panic!("the root Cargo.toml has no `members = [...]` line"));
    let list = members_line
        .split_once('[')
        .and_then(|(_, rest)| rest.split_once(']'))
        .map(|(list, _)| list)
        .unwrap_or_else(|| panic!("cannot read the members list: {members_line}"));
    list.split(',')
        .map(|member| member.trim().trim_matches('"').to_owned())
        .filter(|member| !member.is_empty())
        .collect()
}

/// The Rust sources of the crates the `kronika` binary is made of: `api`, and `core`
/// once the core crate exists.
fn kronika_sources() -> Vec<PathBuf> {
    let mut sources = Vec::new();
    for crate_directory in ["api/src", "core/src"] {
        let directory = root().join(crate_directory);
        if directory.is_dir() {
            collect_rust_files(&directory, &mut sources);
        }
    }
    assert!(!sources.is_empty(), "no sources of kronika found");
    sources
}

fn collect_rust_files(directory: &Path, files: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(directory)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", directory.display()));
    for entry in entries {
        let path = entry
            .unwrap_or_else(|error| panic!("cannot list {}: {error}", directory.display()))
            .path();
        if path.is_dir() {
            collect_rust_files(&path, files);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            files.push(path);
        }
    }
}

/// Every environment variable `kronika` reads: the `env = "…"` of its clap arguments,
/// the names it passes to `std::env::var`, and `RUST_LOG` when the log filter is taken
/// from the environment.
pub fn environment_variables_kronika_reads() -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for source in kronika_sources() {
        let text = std::fs::read_to_string(&source)
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", source.display()));
        for marker in ["env = \"", "env::var(\""] {
            for (position, _) in text.match_indices(marker) {
                let rest = &text[position + marker.len()..];
                if let Some((name, _)) = rest.split_once('"') {
                    names.insert(name.to_owned());
                }
            }
        }
        if text.contains("EnvFilter::try_from_default_env") {
            names.insert("RUST_LOG".to_owned());
        }
    }
    names
}

/// Whether the `kronika` command line has the subcommand `name` (clap names a variant
/// `Healthcheck` as `healthcheck`).
pub fn kronika_has_subcommand(name: &str) -> bool {
    let cli = read("api/src/cli.rs");
    let variants = cli
        .split_once("pub enum Command {")
        .and_then(|(_, rest)| rest.split_once("\n}"))
        .map(|(body, _)| body)
        .unwrap_or_else(|| panic!("api/src/cli.rs has no `pub enum Command`"));
    variants.lines().any(|line| {
        let line = line.trim();
        let variant = line
            .split(|character: char| !character.is_alphanumeric())
            .next()
            .unwrap_or_default();
        !line.starts_with("//") && !variant.is_empty() && variant.to_lowercase() == name
    })
}

/// Whether `kronika` answers HTTP GET at `path` (a route of `api/src/http/mod.rs`).
pub fn kronika_has_route(path: &str) -> bool {
    read("api/src/http/mod.rs").contains(&format!(".at(\"{path}\""))
}

/// The patterns of `.dockerignore` (comments and blank lines left out).
pub fn docker_ignore_patterns() -> Vec<String> {
    read(".dockerignore")
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// Whether `.dockerignore` leaves `relative_path` out of the build context. Only the
/// forms this repository uses are understood: a plain path (that path and everything
/// under it) and `**/name` (a file or directory of that name anywhere); a pattern with
/// other wildcards is not matched here, so it must not be written for a path the
/// Dockerfile needs.
pub fn docker_ignores(relative_path: &str) -> bool {
    let path = relative_path.trim_start_matches("./").trim_end_matches('/');
    docker_ignore_patterns().iter().any(|pattern| {
        if let Some(name) = pattern.strip_prefix("**/") {
            !name.contains(['*', '?', '[']) && path.split('/').any(|component| component == name)
        } else if pattern.contains(['*', '?', '[']) {
            false
        } else {
            let pattern = pattern.trim_start_matches('/').trim_end_matches('/');
            path == pattern || path.starts_with(&format!("{pattern}/"))
        }
    })
}
