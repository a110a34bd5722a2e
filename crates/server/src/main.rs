//! `hearth`: the one binary. It parses the command line, loads
//! configuration, opens the database chosen by its URL, and runs a command.
//!
//! Failures print one line, `error: ...`, and exit non-zero; no panics or
//! backtraces reach the operator.

mod cli;
mod commands;
mod config;
mod jobs;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    init_tracing(cli.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(code) => code,
        Err(error) => {
            // One line: the top-level message and its causes, joined.
            let chain: Vec<String> = error.chain().map(ToString::to_string).collect();
            eprintln!("error: {}", chain.join(": "));
            ExitCode::FAILURE
        }
    }
}

/// Logs go to stderr. They carry ids and counts, never names or other
/// personal data: handlers and the store log by kind only.
fn init_tracing(verbose: bool) {
    let default = if verbose { "info,hearth=debug" } else { "warn" };
    let filter = tracing_subscriber::EnvFilter::try_from_env("HEARTH_LOG").unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
