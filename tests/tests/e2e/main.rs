//! One end-to-end test binary: every test starts the real server on an ephemeral port
//! and talks to it over HTTP. One binary links once and runs its tests in parallel.

mod auth;
mod change_register;
mod errors;
mod http;
mod lifecycle;
mod lists;
mod migrations;
mod n_plus_one;
mod permissions;
mod reads;
mod response_cache;
mod search;
mod seed;
mod views_counting;
mod views_reading;
mod views_replicas;
mod visibility;
