//! The `kronika` command line: subcommands, flags and the environment variables behind them.
//!
//! Precedence is flag > environment variable > default, which clap applies for us. A bad
//! value ends the program with clap's message and exit code 2, before anything starts.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::{Config, DatabaseUrl, MeilisearchUrl, SearchEngineConfig, Secret};
use crate::domain::Role;

const AFTER_HELP: &str = "\
Environment variables (each flag above also names its variable):
  DATABASE_URL        database to use, e.g. postgres://user@host/db; when unset, SQLite
                      at <data-dir>/kronika.sqlite3
  KRONIKA_LISTEN      address to listen on (default 127.0.0.1:8080)
  KRONIKA_DATA_DIR    data directory (default ./data)
  KRONIKA_TIMEZONE    the site's time zone for timestamps (default Europe/Warsaw)
  KRONIKA_DEMO_CONTENT
                      load demo content into an empty database (default true)
  KRONIKA_PASSWORD    the password for `kronika user add` (else read from standard input)
  KRONIKA_SCHEDULER_SECONDS
                      how often scheduled articles are checked for publication (default 10)
  KRONIKA_RESPONSE_CACHE_SECONDS
                      seconds an anonymous query's response is replayed from memory;
                      0 turns the cache off (default 5)
  KRONIKA_VIEW_FLUSH_SECONDS
                      seconds between writes of counted views to the database; a
                      crash loses at most this much counting (default 5)
  KRONIKA_TRUST_PROXY take readers' addresses from the last X-Forwarded-For entry;
                      only behind one reverse proxy that sets it (default false)
  KRONIKA_SEARCH      search engine: embedded (tantivy under <data-dir>/search) or
                      meilisearch (default: meilisearch when MEILISEARCH_URL is set,
                      else embedded)
  MEILISEARCH_URL     Meilisearch server, e.g. http://127.0.0.1:7700
  MEILISEARCH_API_KEY Meilisearch API key (never printed)
  KRONIKA_SEARCH_RETRY_MAX_SECONDS
                      longest pause between retries to a failing search engine; the
                      pause doubles from 1 s up to it (default 300)
  RUST_LOG            log filter, e.g. info or kronika_api=debug (default info)

With no subcommand, `kronika` runs `serve`.";

/// Kronika: a GraphQL content hub for articles, galleries and Polish search.
#[derive(Debug, Parser)]
#[command(name = "kronika", version, about, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(flatten)]
    pub common: CommonArgs,
    /// The flags of `serve`, accepted without the subcommand too, since it is the default.
    /// `migrate` accepts and ignores them, so one set of variables serves both.
    #[command(flatten)]
    pub serve: ServeArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (migrates the database first).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage editor accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Print what the Polish search analyser makes of a text: one line per word,
    /// `token<TAB>lemma1,lemma2<TAB>folded`.
    Analyze {
        /// The text to analyse (several arguments are joined with spaces).
        #[arg(required = true, num_args = 1..)]
        text: Vec<String>,
    },
    /// Rebuild the search index from the database: a new index is built beside the live
    /// one, which keeps answering searches, and then takes its place.
    Reindex,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account. The password comes from KRONIKA_PASSWORD, or else from the
    /// first line of standard input.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// admin, editor or author.
        #[arg(long)]
        role: Role,
    },
    /// List every account.
    List,
    /// Disable an account and revoke its tokens.
    Disable {
        #[arg(long)]
        email: String,
    },
}

/// Settings every subcommand needs.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Directory for the SQLite database and media files.
    #[arg(
        long,
        env = "KRONIKA_DATA_DIR",
        default_value = "./data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// Database URL (sqlite:… or postgres://…); SQLite in the data directory when unset.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<DatabaseUrl>,
    /// The site's time zone, used for timestamps in the API.
    #[arg(
        long,
        env = "KRONIKA_TIMEZONE",
        default_value = "Europe/Warsaw",
        global = true
    )]
    pub timezone: chrono_tz::Tz,
    /// Search engine: embedded or meilisearch.
    #[arg(long, env = "KRONIKA_SEARCH", global = true, value_enum)]
    pub search: Option<SearchEngineChoice>,
    /// Meilisearch server address, e.g. http://127.0.0.1:7700.
    #[arg(long, env = "MEILISEARCH_URL", global = true)]
    pub meilisearch_url: Option<MeilisearchUrl>,
    /// Meilisearch API key.
    #[arg(
        long,
        env = "MEILISEARCH_API_KEY",
        global = true,
        hide_env_values = true
    )]
    pub meilisearch_api_key: Option<Secret>,
    /// Longest pause, in seconds, between delivery attempts to a failing search engine.
    #[arg(
        long,
        env = "KRONIKA_SEARCH_RETRY_MAX_SECONDS",
        default_value_t = 300,
        value_parser = clap::value_parser!(u64).range(1..),
        global = true
    )]
    pub search_retry_max_seconds: u64,
}

/// The values of `KRONIKA_SEARCH`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SearchEngineChoice {
    Embedded,
    Meilisearch,
}

/// A combination of settings that each parse but do not fit together.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("KRONIKA_SEARCH=meilisearch needs MEILISEARCH_URL (--meilisearch-url)")]
    MeilisearchWithoutUrl,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(
        long,
        env = "KRONIKA_LISTEN",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub listen: SocketAddr,
    /// Load demo content when the database is empty.
    #[arg(
        long,
        env = "KRONIKA_DEMO_CONTENT",
        default_value_t = true,
        global = true,
        action = clap::ArgAction::Set
    )]
    pub demo_content: bool,
    /// Seconds an anonymous query's response may be served from memory; 0 turns the
    /// response cache off.
    #[arg(
        long,
        env = "KRONIKA_RESPONSE_CACHE_SECONDS",
        default_value_t = 5,
        global = true
    )]
    pub response_cache_seconds: u64,
    /// Seconds between checks for scheduled articles that are due.
    #[arg(long, env = "KRONIKA_SCHEDULER_SECONDS", default_value_t = 10, global = true, value_parser = clap::value_parser!(u64).range(1..))]
    pub scheduler_seconds: u64,
    /// Seconds between writes of counted views to the database (1 or more). A crash loses
    /// at most the views of one interval; a graceful stop writes them all.
    #[arg(
        long,
        env = "KRONIKA_VIEW_FLUSH_SECONDS",
        default_value_t = 5,
        value_parser = clap::value_parser!(u64).range(1..),
        global = true
    )]
    pub view_flush_seconds: u64,
    /// Take a reader's address from the last X-Forwarded-For entry instead of the
    /// connection, for counting views. Turn on only behind one reverse proxy that sets the
    /// header; without one, any client could pose as many readers.
    #[arg(
        long,
        env = "KRONIKA_TRUST_PROXY",
        default_value_t = false,
        global = true,
        action = clap::ArgAction::Set
    )]
    pub trust_proxy: bool,
}

impl Cli {
    /// The typed configuration for the chosen subcommand, or why the settings do not fit
    /// together.
    pub fn config(&self) -> Result<Config, ConfigError> {
        let serve = &self.serve;
        let common = &self.common;
        let mut config = Config::new(self.common.data_dir.clone());
        config.database_url = self.common.database_url.clone();
        config.timezone = self.common.timezone;
        config.listen = serve.listen;
        config.demo_content = serve.demo_content;
        config.response_cache_ttl = std::time::Duration::from_secs(serve.response_cache_seconds);
        config.scheduler_interval = std::time::Duration::from_secs(serve.scheduler_seconds);
        config.view_flush_interval = std::time::Duration::from_secs(serve.view_flush_seconds);
        config.trust_proxy = serve.trust_proxy;
        config.search_retry_max_delay =
            std::time::Duration::from_secs(common.search_retry_max_seconds);
        let choice = common
            .search
            .unwrap_or(if common.meilisearch_url.is_some() {
                SearchEngineChoice::Meilisearch
            } else {
                SearchEngineChoice::Embedded
            });
        config.search = match (choice, &common.meilisearch_url) {
            (SearchEngineChoice::Embedded, _) => SearchEngineConfig::Embedded,
            (SearchEngineChoice::Meilisearch, Some(url)) => SearchEngineConfig::Meilisearch {
                url: url.clone(),
                api_key: common.meilisearch_api_key.clone(),
            },
            (SearchEngineChoice::Meilisearch, None) => {
                return Err(ConfigError::MeilisearchWithoutUrl);
            }
        };
        Ok(config)
    }
}
