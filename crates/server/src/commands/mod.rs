//! One module per command; [`run`] dispatches.

mod audit;
mod demo;
mod generate;
mod import_ssd;
mod import_ssda903;
mod payments;
mod postcodes;
mod returns;
mod serve;
mod user;

use std::process::ExitCode;
use std::sync::Arc;

use kernel::{Clock, SystemClock};

use crate::cli::{Cli, Command};
use crate::config::Settings;

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let settings = Settings::load(cli.config.as_deref())?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    match cli.command {
        Command::Serve(args) => serve::run(&settings, clock, args).await,
        Command::Migrate(args) => {
            let url = settings.database_url(args.database.as_deref())?;
            let store = store::Store::connect(&url).await?;
            let report = store::migrate::run(&store, clock.as_ref()).await?;
            if report.applied.is_empty() {
                println!("{url} is up to date at migration {}", report.current);
            } else {
                for (version, name) in &report.applied {
                    println!("applied migration {version} ({name})");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::User(command) => user::run(&settings, clock, command).await,
        Command::Audit(command) => audit::run(&settings, command).await,
        Command::Demo(args) => demo::run(&settings, clock, args).await,
        Command::Generate(args) => generate::run(&settings, clock, args).await,
        Command::Jobs(crate::cli::JobsCommand::Run(args)) => {
            let url = settings.database_url(args.database.as_deref())?;
            let store = store::Store::open(&url, clock.as_ref()).await?;
            let state = web::AppState::new(store, clock, settings.calendar()?, settings.web_config()?);
            let report = crate::jobs::run_once(&state, &settings.mailer(), &settings.public_url).await?;
            let controls = report.control_exceptions.map_or_else(
                || "controls ran within the hour".to_owned(),
                |n| format!("controls found {n} exceptions"),
            );
            println!(
                "emailed {} notifications; chased {} emergency placements; raised {} alerts (commissioning, audit actions); {controls}",
                report.emailed, report.chased, report.alerted
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Postcodes(crate::cli::PostcodesCommand::Load(args)) => postcodes::load(&settings, clock, args).await,
        Command::Payments(command) => payments::run(&settings, clock, command).await,
        Command::Returns(command) => returns::run(&settings, clock, command).await,
        Command::Import(crate::cli::ImportCommand::Ssd(args)) => import_ssd::run(&settings, clock, args).await,
        Command::Import(crate::cli::ImportCommand::Ssda903(args)) => import_ssda903::run(&settings, clock, args).await,
    }
}
