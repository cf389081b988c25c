//! `xiangqin-endpoint`: the server. See the library for the routes.
//!
//! Prints exactly one line on stdout once listening (tests and scripts parse it):
//! `乡亲 Xiangqin is listening on http://ADDR/ — open it in a browser`. Logs go to stderr
//! (`RUST_LOG` filters them). Stops gracefully on SIGTERM or Ctrl-C.
use clap::Parser;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;
use xiangqin_endpoint::crypto::{self, KeySource};
use xiangqin_endpoint::{app, db, operator, serve, AppState, BoxError, Command, Config, KeyAction};

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let config = Config::parse();
    match run(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("cannot run: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> Result<(), BoxError> {
    let pool = db::connect(&config.database_url)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    // Review tokens and the audit log hold no personal data: those commands need no data key.
    let needs_key = matches!(
        config.command,
        None | Some(Command::Key {
            action: KeyAction::Rotate { .. }
        })
    );
    if !needs_key {
        if let Some(command) = &config.command {
            let done = operator::run(&pool, command, None).await;
            pool.close().await;
            return done;
        }
    }
    let stored_check = db::stored_key_check(&pool).await?;
    let (key, source) = crypto::load(
        config.data_key_file.as_deref(),
        &config.database_url,
        stored_check.as_deref(),
    )?;
    match &source {
        KeySource::Created(path) => tracing::warn!(
            path = %path.display(),
            key = key.id(),
            "created the data key beside the database: keep a copy apart from the database and its backups (README.md, \"Personal data\")"
        ),
        KeySource::Given(path) | KeySource::Beside(path) => {
            tracing::info!(path = %path.display(), key = key.id(), "data key")
        }
        KeySource::Ephemeral => {
            tracing::info!("in-memory database: a data key for this process only")
        }
    }
    if let Some(command) = &config.command {
        let done = operator::run(&pool, command, Some(&key)).await;
        pool.close().await;
        return done;
    }
    let state = AppState::new(pool.clone(), config.static_dir.clone(), key)
        .await?
        .configured(&config);
    if let Some(days) = config.retention_days {
        xiangqin_endpoint::erase_expired(&pool, days).await?;
        // Then once an hour: a declaration closed today is erased within the hour its
        // retention ends.
        let pool = pool.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
            every.tick().await;
            loop {
                every.tick().await;
                if let Err(e) = xiangqin_endpoint::erase_expired(&pool, days).await {
                    tracing::error!("cannot erase after the retention: {e}");
                }
            }
        });
    }
    if !state.has_index_html() {
        tracing::warn!(
            static_dir = %config.static_dir.display(),
            "no index.html in the static folder: serving the API only (build the app with trunk first)"
        );
    }
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let addr = listener.local_addr()?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "乡亲 Xiangqin is listening on http://{addr}/ — open it in a browser"
        )?;
        out.flush()?;
    }
    // On SIGTERM: stop accepting and finish the open requests, but for no longer than the grace
    // (a connection that never finishes its request must not hold the stop).
    let (stopping_tx, stopping_rx) = tokio::sync::oneshot::channel::<()>();
    let server = serve::serve(listener, app(state), config.serve_limits(), async move {
        shutdown_signal().await;
        let _ = stopping_tx.send(());
    });
    let grace = std::time::Duration::from_secs(config.shutdown_grace);
    tokio::select! {
        () = server => {}
        _ = async move {
            if stopping_rx.await.is_ok() {
                tokio::time::sleep(grace).await;
            } else {
                std::future::pending::<()>().await;
            }
        } => {
            tracing::warn!(grace_secs = config.shutdown_grace, "requests still open after the grace: stopping anyway");
        }
    }
    // Declarations already handed to the writer are committed before the pool closes.
    tracing::info!("stopping: closing the database");
    pool.close().await;
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutdown signal received: finishing open requests");
}
