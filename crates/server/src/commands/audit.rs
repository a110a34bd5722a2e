//! `hearth audit verify`.

use std::process::ExitCode;

use crate::cli::AuditCommand;
use crate::config::Settings;

pub async fn run(settings: &Settings, command: AuditCommand) -> anyhow::Result<ExitCode> {
    match command {
        AuditCommand::Verify(args) => {
            let url = settings.database_url(args.database.as_deref())?;
            let store = store::Store::connect(&url).await?;
            match store::audit::verify(&store).await? {
                Ok(head) => {
                    println!("audit trail intact: {} events, head hash {}", head.seq, head.hash);
                    Ok(ExitCode::SUCCESS)
                }
                Err(broken) => {
                    eprintln!("audit trail BROKEN at event {}: {broken}", broken.first_bad_event());
                    Ok(ExitCode::FAILURE)
                }
            }
        }
    }
}
