//! One end-to-end test binary: every test starts the real server on an ephemeral port
//! and talks to it over HTTP. One binary links once and runs its tests in parallel.

mod auth;
mod change_register;
mod change_signal;
mod database_restart;
mod edge;
mod errors;
mod galleries;
mod hardening;
mod http;
mod http_caching;
mod lifecycle;
mod lists;
mod media_access;
mod migrations;
mod n_plus_one;
mod permissions;
mod persisted_queries;
mod photos_hostile;
mod photos_s3;
mod photos_serving;
mod photos_upload;
mod query_budget;
mod reads;
mod replica_lock;
mod response_cache;
mod scheduler_replicas;
mod search;
mod search_outage;
mod seed;
mod shutdown;
mod title_search;
mod views_counting;
mod views_reading;
mod views_replicas;
mod visibility;
