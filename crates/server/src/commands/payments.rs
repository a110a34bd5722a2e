//! `hearth payments`: payment runs from the command line, for a payables
//! scheduler that releases approved runs overnight. The named person's
//! role is checked exactly as on the pages, and the release is the same
//! store command, so it is idempotent here too: a second release, or a
//! retry after the process died mid-release, is refused with the key
//! already used and pays nothing.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use authz::cap::ManageFinance;
use kernel::Clock;

use crate::cli::{PaymentsCommand, PaymentsReleaseArgs};
use crate::config::Settings;

pub async fn run(settings: &Settings, clock: Arc<dyn Clock>, command: PaymentsCommand) -> anyhow::Result<ExitCode> {
    match command {
        PaymentsCommand::List(args) => {
            let url = settings.database_url(args.database.as_deref())?;
            let store = store::Store::open(&url, clock.as_ref()).await?;
            for stored in store::payment_runs::list(&store).await? {
                let run = &stored.run;
                println!(
                    "{}\t{}\t{}..{}\t{}\t{} lines\t{}",
                    run.id,
                    run.cadence.code(),
                    run.period.first,
                    run.period.last,
                    run.state.code(),
                    stored.line_count,
                    finance::export::decimal(stored.total)
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        PaymentsCommand::Release(args) => release(settings, clock, args).await,
    }
}

/// Releases one approved run as the named finance officer.
async fn release(settings: &Settings, clock: Arc<dyn Clock>, args: PaymentsReleaseArgs) -> anyhow::Result<ExitCode> {
    let url = settings.database_url(args.db.database.as_deref())?;
    let store = store::Store::open(&url, clock.as_ref()).await?;
    let credentials = store::users::credentials(&store, &args.by)
        .await?
        .filter(|c| c.active)
        .with_context(|| format!("there is no active account named {}", args.by))?;
    let principal = store::users::principal(&store, credentials.id)
        .await?
        .with_context(|| format!("there is no active account named {}", args.by))?;
    let can = authz::authorize::<ManageFinance>(&principal)
        .map_err(|_| anyhow::anyhow!("{} may not release payment runs (finance officers only)", args.by))?;
    let mut cmd = store.begin(can.actor(), clock.as_ref()).await?;
    let released = store::payment_runs::release(&mut cmd, &can, args.run).await?;
    cmd.commit().await?;
    println!(
        "released run {} for {} with key {} ({} ledger entries)",
        args.run,
        finance::export::decimal(released.total),
        released.key,
        released.entries
    );
    Ok(ExitCode::SUCCESS)
}
