//! Checks of the production files that need no Docker: the `Dockerfile`, `compose.yaml`
//! and the balancer's `deploy/Caddyfile`, read from the repository and held against the
//! code they deploy. No Docker engine runs where these tests run, so they cannot prove
//! that the image builds or that the stack starts; they prove that every path, service,
//! dependency, health check and setting the files name exists and fits together.

mod caddyfile;
mod compose;
mod dockerfile;
mod repository;
