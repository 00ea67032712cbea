//! The `kronika` command: see `kronika --help`.

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use kronika_api::App;
use kronika_api::cli::{Cli, Command, ImportCommand, LogFormat, UserCommand};
use kronika_core::auth::accounts;
use kronika_core::search::rebuild::ServerRebuild;
use kronika_core::{db, search};
use search_index::SearchError;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.common.log_format);
    if let Some(Command::Analyze { text }) = &cli.command {
        analyze(&text.join(" "));
        return ExitCode::SUCCESS;
    }
    let config = match cli.config() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("kronika: error: {error}");
            return ExitCode::from(2);
        }
    };
    let outcome = match cli.command {
        Some(Command::Migrate) => migrate(config).await.map(|_| ()),
        Some(Command::Healthcheck) => healthcheck(config.listen),
        Some(Command::User(command)) => user(config, command).await,
        Some(Command::Reindex) => reindex(config).await,
        Some(Command::Export { dir }) => export(config, &dir).await,
        Some(Command::Import(ImportCommand::Kronika { dir })) => import_kronika(config, &dir).await,
        Some(Command::Import(ImportCommand::Wordpress {
            file,
            uploads,
            dry_run,
        })) => import_wordpress(config, &file, uploads.as_deref(), dry_run).await,
        Some(Command::Import(ImportCommand::Html {
            dir,
            profile,
            dry_run,
        })) => import_html(config, &dir, &profile, dry_run).await,
        Some(Command::Analyze { .. }) => Ok(()),
        Some(Command::Serve) | None => serve(config).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("kronika: error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Text lines for people, or one JSON object per line for a log collector; either way
/// the request id of the request being served is on every line logged while serving it.
fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    match format {
        LogFormat::Text => tracing_subscriber::fmt().with_env_filter(filter).init(),
        LogFormat::Json => tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .with_env_filter(filter)
            .init(),
    }
}

async fn serve(config: kronika_api::Config) -> Result<(), String> {
    // Before anything else: a stop asked for while the server starts is honoured once it
    // serves, gracefully.
    let stop = shutdown_signal();
    let app = App::build(config)
        .await
        .map_err(|error| error.to_string())?;
    let listener = app.bind().await.map_err(|error| error.to_string())?;
    tracing::info!(
        address = %listener.local_address(),
        database = %app.config().effective_database_url(),
        "Kronika listening on http://{}/graphql",
        listener.local_address()
    );
    if let Some(path) = app.setup_path() {
        // The first run: the one way in, until it is used or the server restarts.
        tracing::warn!(
            "No account exists yet. Open http://{}{path} to create the first administrator \
             (the link works once, until the server restarts).",
            reachable_address(listener.local_address())
        );
    }
    app.serve(listener, stop)
        .await
        .map_err(|error| error.to_string())
}

async fn migrate(config: kronika_api::Config) -> Result<sea_orm::DatabaseConnection, String> {
    let url = config.effective_database_url();
    std::fs::create_dir_all(&config.data_dir).map_err(|error| error.to_string())?;
    let connection = db::connect(&url, &db::StatementCounter::default())
        .await
        .map_err(|error| format!("cannot open the database {url}: {error}"))?;
    db::migrate(&connection)
        .await
        .map_err(|error| format!("cannot migrate the database {url}: {error}"))?;
    tracing::info!(database = %url, "migrations applied");
    Ok(connection)
}

/// The address to reach a server on from this machine: one listening on all addresses
/// (0.0.0.0) is reached on the loopback address.
fn reachable_address(listen: std::net::SocketAddr) -> std::net::SocketAddr {
    let mut address = listen;
    if address.ip().is_unspecified() {
        address.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    address
}

/// One `GET /health` over a plain TCP connection, with a short timeout.
fn healthcheck(listen: std::net::SocketAddr) -> Result<(), String> {
    use std::io::{Read, Write};

    let address = reachable_address(listen);
    let timeout = std::time::Duration::from_secs(3);
    let mut stream = std::net::TcpStream::connect_timeout(&address, timeout)
        .map_err(|error| format!("cannot reach {address}: {error}"))?;
    stream
        .set_read_timeout(Some(timeout))
        .map_err(|error| error.to_string())?;
    write!(
        stream,
        "GET /health HTTP/1.1\r\nhost: {address}\r\nconnection: close\r\n\r\n"
    )
    .map_err(|error| format!("cannot ask {address}: {error}"))?;
    let mut status_line = [0_u8; 12];
    stream
        .read_exact(&mut status_line)
        .map_err(|error| format!("no answer from {address}: {error}"))?;
    if status_line.ends_with(b" 200") {
        Ok(())
    } else {
        Err(format!(
            "{address} answered {}",
            String::from_utf8_lossy(&status_line)
        ))
    }
}

async fn user(config: kronika_api::Config, command: UserCommand) -> Result<(), String> {
    let db = migrate(config).await?;
    match command {
        UserCommand::Add { email, name, role } => {
            let password = read_password()?;
            let account = accounts::add(&db, &email, &name, role, &password)
                .await
                .map_err(|error| error.to_string())?;
            println!(
                "created {} <{}> as {}",
                account.display_name, account.email, account.role
            );
        }
        UserCommand::List => {
            for account in accounts::list(&db)
                .await
                .map_err(|error| error.to_string())?
            {
                let state = if account.disabled_at.is_some() {
                    "disabled"
                } else {
                    "active"
                };
                println!(
                    "{}\t{}\t{}\t{}\t{state}",
                    account.id, account.email, account.display_name, account.role
                );
            }
        }
        UserCommand::Disable { email } => {
            let account = accounts::disable(&db, &email)
                .await
                .map_err(|error| error.to_string())?;
            println!("disabled {} and revoked its tokens", account.email);
        }
        UserCommand::SetPassword { email } => {
            let password = read_password()?;
            let account = accounts::set_password(&db, &email, &password)
                .await
                .map_err(|error| error.to_string())?;
            println!(
                "set the password of {} and ended its sessions",
                account.email
            );
        }
    }
    Ok(())
}

/// KRONIKA_PASSWORD, or else the first line of standard input.
fn read_password() -> Result<String, String> {
    if let Ok(password) = std::env::var("KRONIKA_PASSWORD") {
        return Ok(password);
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|error| format!("cannot read the password: {error}"))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

async fn export(config: kronika_api::Config, dir: &std::path::Path) -> Result<(), String> {
    let url = config.effective_database_url();
    let db = db::connect(&url, &db::StatementCounter::default())
        .await
        .map_err(|error| format!("cannot open the database {url}: {error}"))?;
    let media = kronika_core::storage::MediaStore::open(&config.storage, &config.data_dir)
        .map_err(|error| error.to_string())?;
    let manifest = kronika_core::transfer::export::export(&db, &media, dir)
        .await
        .map_err(|error| error.to_string())?;
    println!("exported into {}:", dir.display());
    for (table, rows) in &manifest.tables {
        println!("  {table}: {rows}");
    }
    println!("  media files: {}", manifest.media_files);
    for missing in &manifest.missing_media {
        eprintln!("warning: the storage has no {missing}, which the database names");
    }
    Ok(())
}

async fn import_kronika(config: kronika_api::Config, dir: &std::path::Path) -> Result<(), String> {
    let media = kronika_core::storage::MediaStore::open(&config.storage, &config.data_dir)
        .map_err(|error| error.to_string())?;
    let db = migrate(config).await?;
    let manifest = kronika_core::transfer::import::import(&db, &media, dir)
        .await
        .map_err(|error| error.to_string())?;
    println!("imported {}:", dir.display());
    for (table, rows) in &manifest.tables {
        println!("  {table}: {rows}");
    }
    println!("  media files: {}", manifest.media_files);
    println!(
        "Accounts come without passwords: give them one with `kronika user set-password --email E`. \
         The search index is rebuilt when the server starts."
    );
    Ok(())
}

async fn import_wordpress(
    config: kronika_api::Config,
    file: &std::path::Path,
    uploads: Option<&std::path::Path>,
    dry_run: bool,
) -> Result<(), String> {
    let (db, photos) = import_services(config).await?;
    let bar = progress_bar();
    let summary =
        kronika_core::import::wordpress(&db, &photos, file, uploads, dry_run, |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        })
        .await
        .map_err(|error| error.to_string())?;
    bar.finish_and_clear();
    report(&summary, dry_run)
}

async fn import_html(
    config: kronika_api::Config,
    dir: &std::path::Path,
    profile: &std::path::Path,
    dry_run: bool,
) -> Result<(), String> {
    let (db, photos) = import_services(config).await?;
    let bar = progress_bar();
    let summary = kronika_core::import::html(&db, &photos, dir, profile, dry_run, |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })
    .await
    .map_err(|error| error.to_string())?;
    bar.finish_and_clear();
    report(&summary, dry_run)
}

/// The migrated database and the photo pipeline an import writes with.
async fn import_services(
    config: kronika_api::Config,
) -> Result<
    (
        sea_orm::DatabaseConnection,
        kronika_core::editing::photos::PhotoServices,
    ),
    String,
> {
    let photos = kronika_core::editing::photos::PhotoServices {
        media: kronika_core::storage::MediaStore::open(&config.storage, &config.data_dir)
            .map_err(|error| error.to_string())?,
        pipeline: kronika_core::images::ImagePipeline::new(
            config.image_workers,
            config.upload_max_pixels,
            config.timezone,
        ),
        zone: config.timezone,
    };
    let db = migrate(config).await?;
    Ok((db, photos))
}

/// A bar on a terminal; nothing when the output goes to a file or a pipe.
fn progress_bar() -> indicatif::ProgressBar {
    indicatif::ProgressBar::new(0).with_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    )
}

/// Prints the summary; an error when any article failed, so scripts notice.
fn report(summary: &kronika_core::import::ImportSummary, dry_run: bool) -> Result<(), String> {
    print_summary(summary, dry_run);
    if summary.failed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} articles could not be imported",
            summary.failed.len()
        ))
    }
}

fn print_summary(summary: &kronika_core::import::ImportSummary, dry_run: bool) {
    let (created, updated) = if dry_run {
        ("would create", "would update")
    } else {
        ("created", "updated")
    };
    println!(
        "{created}: {}, {updated}: {}, skipped: {}, failed: {}",
        summary.created,
        summary.updated,
        summary.skipped.len(),
        summary.failed.len()
    );
    for (title, reason) in &summary.skipped {
        println!("skipped  {title}: {reason}");
    }
    for warning in &summary.warnings {
        println!("warning  {warning}");
    }
    for (title, reason) in &summary.failed {
        println!("failed   {title}: {reason}");
    }
    if dry_run {
        println!("--dry-run: nothing was written");
    }
}

/// One line per word: `token<TAB>lemma1,lemma2<TAB>folded`, what the index stores for it.
fn analyze(text: &str) {
    let analyzer = search_index::Analyzer::polish();
    let mut lines = String::new();
    for token in analyzer.analyze(text) {
        lines.push_str(&format!(
            "{}\t{}\t{}\n",
            token.text,
            token.lemmas.join(","),
            token.folded
        ));
    }
    print!("{lines}");
}

/// Rebuilds the search index beside the live one and swaps them. When a running server
/// holds the embedded index, the server is asked to do it and this waits for the outcome.
async fn reindex(config: kronika_api::Config) -> Result<(), String> {
    let db = migrate(config.clone()).await?;
    let engine = match kronika_api::search_engine::open(&config).await {
        Ok(engine) => engine,
        Err(SearchError::Locked(_)) => return reindex_through_server(&db).await,
        Err(error) => return Err(format!("cannot open the search index: {error}")),
    };
    let report = search::rebuild::rebuild(&db, engine.as_ref())
        .await
        .map_err(|error| format!("the rebuild failed, the old index stays live: {error}"))?;
    println!(
        "indexed {} published articles; {} changed during the rebuild were queued again",
        report.indexed, report.requeued
    );
    Ok(())
}

async fn reindex_through_server(db: &sea_orm::DatabaseConnection) -> Result<(), String> {
    let database = |error: sea_orm::DbErr| format!("database: {error}");
    let request = search::outbox::enqueue_rebuild(db)
        .await
        .map_err(database)?;
    println!("a running server holds the search index; it was asked to rebuild it, waiting…");
    match search::rebuild::wait_for_server(db, request, Duration::from_millis(500))
        .await
        .map_err(database)?
    {
        ServerRebuild::Done => {
            println!("the server rebuilt the search index");
            Ok(())
        }
        ServerRebuild::Failed(error) => Err(format!(
            "the server's rebuild failed, the old index stays live and the server will try again: {error}"
        )),
    }
}

/// Listens for Ctrl-C and SIGTERM from the moment it is called, and completes on whichever
/// comes first. The handlers are installed here, not when the serving loop first polls
/// the future: until then a SIGTERM (an orchestrator stopping a replica that is still
/// migrating or loading demo content) killed the process instead of stopping it.
fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send {
    #[cfg(unix)]
    let (interrupt, terminate) = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        )
    };
    async move {
        #[cfg(unix)]
        tokio::select! {
            () = next_signal(interrupt, "Ctrl-C") => {}
            () = next_signal(terminate, "SIGTERM") => {}
        }
        #[cfg(not(unix))]
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
        tracing::info!("shutting down");
    }
}

/// Completes when the signal arrives; never, if it could not be listened for.
#[cfg(unix)]
async fn next_signal(signal: std::io::Result<tokio::signal::unix::Signal>, name: &str) {
    match signal {
        Ok(mut signal) => {
            signal.recv().await;
        }
        Err(error) => {
            tracing::error!(%error, "cannot listen for {name}");
            std::future::pending::<()>().await;
        }
    }
}
