//! `hearth demo`: a fresh synthetic county on SQLite, then serve it.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use kernel::Clock;

use crate::cli::DemoArgs;
use crate::config::Settings;

pub async fn run(settings: &Settings, clock: Arc<dyn Clock>, args: DemoArgs) -> anyhow::Result<ExitCode> {
    let url = store::DatabaseUrl::Sqlite(args.database.clone());
    remove_previous(&args.database)?;
    let store = store::Store::open(&url, clock.as_ref()).await?;
    let options = demo::Options {
        children: args.children,
        seed: args.seed,
        today: clock.today(),
        demo_accounts: true,
        casework: true,
    };
    println!(
        "Building the demo county ({} children, seed {}) in {url} ...",
        args.children, args.seed
    );
    let county = demo::plan(&options);
    let password = args.demo_password.clone();
    let hash = tokio::task::spawn_blocking(move || store::passwords::hash(&password)).await?;
    let report = demo::load(&store, clock.as_ref(), &county, &hash).await?;
    println!(
        "Created {} teams, {} users, {} providers, {} children and {} placements.",
        report.teams, report.users, report.providers, report.children, report.placements
    );
    println!("Demo accounts (password: the --demo-password value, default \"demo\"):");
    for (username, role) in &report.demo_accounts {
        println!("  {username:<24} {role}");
    }
    let mut config = settings.web_config()?;
    config.demo_accounts = report.demo_accounts.clone();
    config.controls.decisions_from = Some(demo::go_live(options.today));
    let state = web::AppState::new(store, clock, settings.calendar()?, config);
    let pass = web::assurance_pass::run_pass(&state).await?;
    println!("The controls library found {} exceptions.", pass.exceptions);
    if let Some(assurance) = report.assurance {
        let clerk = store::users::principal(&state.store, assurance.clerk)
            .await?
            .context("the demo's committee clerk has no account")?;
        let can = authz::authorize::<authz::cap::ClerkCommittees>(&clerk).map_err(|e| anyhow::anyhow!("{e}"))?;
        web::generate_committee_pack(&state, &can, assurance.november_meeting)
            .await
            .map_err(|e| anyhow::anyhow!("committee pack: {e:?}"))?;
        println!("The November committee pack is ready (Committees).");
    }
    if args.no_serve {
        return Ok(ExitCode::SUCCESS);
    }
    let bind = args.bind.unwrap_or_else(|| settings.bind.clone());
    crate::jobs::spawn(
        state.clone(),
        settings.mailer(),
        settings.public_url.clone(),
        std::time::Duration::from_secs(60),
    );
    super::serve::serve(state, &bind, &url.to_string()).await?;
    Ok(ExitCode::SUCCESS)
}

/// The demo always starts from nothing, so the same seed gives the same county.
fn remove_previous(path: &std::path::Path) -> anyhow::Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let file = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
        if file.exists() {
            std::fs::remove_file(&file).with_context(|| format!("removing the previous demo database {}", file.display()))?;
        }
    }
    Ok(())
}
