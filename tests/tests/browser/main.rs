//! The browser tests: a real headless Chromium (through chromedriver) against the real
//! server on an ephemeral port, audited with axe-core. A binary of its own, so that
//! `cargo test -p kronika-tests --test browser` runs exactly these. Its tests take turns
//! with one Chromium at a time (`kronika_tests::browser`), and say SKIPPED on a machine
//! without Chromium, chromedriver or axe-core.

mod editing;
mod graphiql;
mod harness;
mod login;
mod photos;
mod safety;
mod screens;
mod writing;
