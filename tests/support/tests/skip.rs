//! `skip` as `cargo test` shows it: this test binary runs its own ignored child tests, each
//! of which skips, as a separate process with and without `KRONIKA_REQUIRE_SERVICES=1`, and
//! reads what that process printed and how it ended.

use std::process::{Command, Output};

use test_support::{Service, skip};

#[test]
#[ignore = "a child of the tests below, run by them in a process of its own"]
fn child_skipping_for_want_of_postgres() {
    skip(Service::Postgres, "TEST_DATABASE_URL is not set");
}

#[test]
#[ignore = "a child of the tests below, run by them in a process of its own"]
fn child_skipping_for_want_of_meilisearch() {
    skip(Service::Meilisearch, "MEILISEARCH_URL is not set");
}

/// Runs one child test the way `cargo test` runs tests: output captured.
fn run_child(name: &str, require_services: Option<&str>) -> (Output, String) {
    let mut command = Command::new(
        std::env::current_exe().unwrap_or_else(|error| panic!("the test binary: {error}")),
    );
    command.args(["--ignored", "--exact", name]);
    match require_services {
        Some(value) => command.env(test_support::REQUIRE_SERVICES, value),
        None => command.env_remove(test_support::REQUIRE_SERVICES),
    };
    let output = command
        .output()
        .unwrap_or_else(|error| panic!("cannot run the child test {name}: {error}"));
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output, printed)
}

#[test]
fn a_skip_is_printed_even_though_libtest_captures_output() {
    let (output, printed) = run_child("child_skipping_for_want_of_postgres", None);
    assert!(output.status.success(), "{printed}");
    assert!(
        printed.contains(
            "SKIPPED child_skipping_for_want_of_postgres: needs PostgreSQL: TEST_DATABASE_URL is not set"
        ),
        "{printed}"
    );
}

#[test]
fn a_skip_fails_the_test_when_services_are_required() {
    let (output, printed) = run_child("child_skipping_for_want_of_postgres", Some("1"));
    assert!(!output.status.success(), "{printed}");
    assert!(
        printed.contains("KRONIKA_REQUIRE_SERVICES=1 forbids skipping"),
        "{printed}"
    );
    assert!(!printed.contains("SKIPPED"), "{printed}");
}

#[test]
fn meilisearch_may_be_skipped_even_when_services_are_required() {
    let (output, printed) = run_child("child_skipping_for_want_of_meilisearch", Some("1"));
    assert!(output.status.success(), "{printed}");
    assert!(
        printed.contains("SKIPPED child_skipping_for_want_of_meilisearch: needs Meilisearch"),
        "{printed}"
    );
}
