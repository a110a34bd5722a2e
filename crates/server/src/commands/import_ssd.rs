//! `hearth import ssd DIR`: load a Standard Safeguarding Dataset extract.
//!
//! The folder's CSV files are read and checked first (`returns::ssd`); any
//! problem is printed by file, line and column and nothing is touched.
//! Then one command imports the extract (`store::ssd_import`), recorded in
//! the audit trail as `system` with the counts, and the counts are printed.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use authz::cap::{ManageUsers, RecordChildren};
use authz::{Actor, Can};
use kernel::Clock;
use store::ssd_import::SsdSummary;
use store::StoreError;

use crate::cli::ImportSsdArgs;
use crate::config::Settings;

pub async fn run(settings: &Settings, clock: Arc<dyn Clock>, args: ImportSsdArgs) -> anyhow::Result<ExitCode> {
    let files = read_folder(&args.dir)?;
    let extract = match returns::ssd::read_extract(&files) {
        Ok(extract) => extract,
        Err(problems) => {
            eprintln!("{} cannot be imported; nothing was changed:", args.dir.display());
            for problem in &problems {
                eprintln!("  {problem}");
            }
            return Ok(ExitCode::from(1));
        }
    };
    let url = settings.database_url(args.db.database.as_deref())?;
    let store = store::Store::open(&url, clock.as_ref()).await?;
    // The operator has shell access to the server: the command line acts as
    // Hearth itself, and the audit trail records it as `system`.
    let mut cmd = store.begin(Actor::System, clock.as_ref()).await?;
    let imported = store::ssd_import::import(
        &mut cmd,
        &Can::<RecordChildren>::system(),
        &Can::<ManageUsers>::system(),
        &extract,
        &children::codes::CodeSets::standard(),
    )
    .await;
    let summary = match imported {
        Ok(summary) => summary,
        Err(StoreError::Rejected(problems)) => {
            eprintln!("{} cannot be imported; nothing was changed:", args.dir.display());
            for problem in &problems {
                eprintln!("  {problem}");
            }
            return Ok(ExitCode::from(1));
        }
        Err(other) => return Err(other.into()),
    };
    cmd.commit().await?;
    print_summary(&args.dir, &summary);
    Ok(ExitCode::SUCCESS)
}

/// Every file in `dir` (the extract picks the tables it knows by name).
fn read_folder(dir: &Path) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    let entries = std::fs::read_dir(dir).with_context(|| format!("could not read the folder {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            files.push((
                name,
                std::fs::read(&path).with_context(|| format!("could not read {}", path.display()))?,
            ));
        }
    }
    files.sort();
    Ok(files)
}

fn print_summary(dir: &Path, summary: &SsdSummary) {
    println!("Imported the SSD extract in {}:", dir.display());
    println!(
        "  {:<16} {:>8} {:>8} {:>9} {:>8}",
        "", "inserted", "updated", "unchanged", "deleted"
    );
    for (kind, counts) in summary.kinds() {
        println!(
            "  {kind:<16} {:>8} {:>8} {:>9} {:>8}",
            counts.inserted, counts.updated, counts.unchanged, counts.deleted
        );
    }
    if summary.skipped_legal_statuses > 0 {
        println!(
            "  Left out {} legal status row(s) that are not looked-after statuses (such as special guardianship orders).",
            summary.skipped_legal_statuses
        );
    }
}
