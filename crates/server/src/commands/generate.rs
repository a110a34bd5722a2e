//! `hearth generate`: synthetic data at any scale, for benchmarks.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use kernel::Clock;

use crate::cli::GenerateArgs;
use crate::config::Settings;

pub async fn run(settings: &Settings, clock: Arc<dyn Clock>, args: GenerateArgs) -> anyhow::Result<ExitCode> {
    let url = settings.database_url(args.db.database.as_deref())?;
    let store = store::Store::open(&url, clock.as_ref()).await?;
    let started = Instant::now();
    let county = demo::plan(&demo::Options {
        children: args.children,
        seed: args.seed,
        today: clock.today(),
        demo_accounts: false,
        casework: false,
    });
    // Generated staff get an unusable password: this data is for measuring,
    // not for signing in.
    let report = demo::load(&store, clock.as_ref(), &county, store::passwords::dummy_hash()).await?;
    println!(
        "Generated {} children, {} placements, {} providers and {} users in {url} in {:.1} s.",
        report.children,
        report.placements,
        report.providers,
        report.users,
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
