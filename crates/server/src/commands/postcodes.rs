//! `hearth postcodes load FILE`: where postcode districts are, for the
//! distances placement search scores. The format is in docs/formats.md.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use kernel::Clock;

use crate::cli::PostcodesLoadArgs;
use crate::config::Settings;

/// `hearth postcodes load FILE`: the whole list, or every problem and nothing.
pub async fn load(settings: &Settings, clock: Arc<dyn Clock>, args: PostcodesLoadArgs) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&args.file).with_context(|| format!("could not read {}", args.file.display()))?;
    let districts = match matching::criteria::read_districts(&text) {
        Ok(districts) => districts,
        Err(problems) => {
            let first = problems.first().map(ToString::to_string).unwrap_or_default();
            anyhow::bail!(
                "{} has {} problem(s), nothing was loaded; the first: {first}",
                args.file.display(),
                problems.len()
            );
        }
    };
    let url = settings.database_url(args.db.database.as_deref())?;
    let store = store::Store::open(&url, clock.as_ref()).await?;
    let mut cmd = store.begin(authz::Actor::System, clock.as_ref()).await?;
    let loaded = store::search_candidates::load_locations(&mut cmd, &districts).await?;
    cmd.commit().await?;
    println!("loaded {loaded} postcode districts");
    Ok(ExitCode::SUCCESS)
}
