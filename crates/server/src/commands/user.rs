//! `hearth user add`.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{bail, Context};
use authz::cap::ManageUsers;
use authz::{Actor, Can, Role};
use kernel::Clock;
use store::users::NewUser;

use crate::cli::{UserAddArgs, UserCommand};
use crate::config::Settings;

pub async fn run(settings: &Settings, clock: Arc<dyn Clock>, command: UserCommand) -> anyhow::Result<ExitCode> {
    match command {
        UserCommand::Add(args) => add(settings, clock, args).await,
    }
}

async fn add(settings: &Settings, clock: Arc<dyn Clock>, args: UserAddArgs) -> anyhow::Result<ExitCode> {
    // Check everything the operator typed before touching the database.
    let roles = args.roles.iter().map(|r| r.parse::<Role>()).collect::<Result<Vec<_>, _>>()?;
    let username = store::users::normalise_username(&args.username)?;
    let url = settings.database_url(args.db.database.as_deref())?;
    let password = read_password()?;
    store::passwords::check_policy(&username, &password)?;
    let store = store::Store::open(&url, clock.as_ref()).await?;

    // The operator has shell access to the server: the command line acts as
    // Hearth itself, and the audit trail records it as `system`.
    let can = Can::<ManageUsers>::system();
    let mut cmd = store.begin(Actor::System, clock.as_ref()).await?;
    let mut teams = Vec::new();
    for name in &args.teams {
        let team = match store::teams::find_by_name(&store, name).await? {
            Some(team) => team,
            None => store::teams::create(&mut cmd, &can, name).await?,
        };
        teams.push(team.id);
    }
    let hash = tokio::task::spawn_blocking(move || store::passwords::hash(&password)).await?;
    let user = store::users::create(
        &mut cmd,
        &can,
        NewUser {
            display_name: args.name.unwrap_or_else(|| username.clone()),
            username,
            email: None,
            password_hash: hash,
            roles,
            teams,
        },
    )
    .await?;
    cmd.commit().await?;
    println!(
        "created user {} (id {}) with roles: {}",
        user.username,
        user.id,
        user.roles.iter().map(|r| r.code()).collect::<Vec<_>>().join(", ")
    );
    Ok(ExitCode::SUCCESS)
}

/// The password comes from HEARTH_NEW_PASSWORD or one line of standard
/// input, never from a flag (flags show up in process lists and shell history).
fn read_password() -> anyhow::Result<String> {
    if let Ok(password) = std::env::var("HEARTH_NEW_PASSWORD") {
        return Ok(password);
    }
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("Password for the new account (input is shown; prefer HEARTH_NEW_PASSWORD): ");
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        bail!("no password given: set HEARTH_NEW_PASSWORD or pipe it on standard input");
    }
    Ok(password)
}
