//! `hearth serve`: migrate, then serve until Ctrl-C or SIGTERM.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use kernel::Clock;

use crate::cli::ServeArgs;
use crate::config::Settings;

pub async fn run(settings: &Settings, clock: Arc<dyn Clock>, args: ServeArgs) -> anyhow::Result<ExitCode> {
    let url = settings.database_url(args.db.database.as_deref())?;
    let store = store::Store::open(&url, clock.as_ref()).await?;
    let bind = args.bind.unwrap_or_else(|| settings.bind.clone());
    let state = web::AppState::new(store, clock, settings.calendar()?, settings.web_config()?);
    crate::jobs::spawn(
        state.clone(),
        settings.mailer(),
        settings.public_url.clone(),
        std::time::Duration::from_secs(60),
    );
    serve(state, &bind, &url.to_string()).await?;
    Ok(ExitCode::SUCCESS)
}

/// Binds `bind` and serves `state` until shutdown.
pub async fn serve(state: web::AppState, bind: &str, shown_url: &str) -> anyhow::Result<()> {
    let address: SocketAddr = bind
        .parse()
        .with_context(|| format!("'{bind}' is not an address to listen on (expected IP:PORT, like 127.0.0.1:8080)"))?;
    let listener = tokio::net::TcpListener::bind(address).await.map_err(|error| match error.kind() {
        std::io::ErrorKind::AddrInUse => {
            anyhow::anyhow!("cannot listen on {address}: the port is already in use (stop the other program or choose another with --bind)")
        }
        std::io::ErrorKind::PermissionDenied => {
            anyhow::anyhow!("cannot listen on {address}: permission denied (ports below 1024 need privileges)")
        }
        _ => anyhow::anyhow!("cannot listen on {address}: {error}"),
    })?;
    println!("Hearth is serving {shown_url} at http://{address}/ (press Ctrl-C to stop)");
    let app = web::app(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("the server stopped unexpectedly")?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
