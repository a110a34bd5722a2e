//! `hearth import ssda903 DIR`: a council's historic SSDA903 files as new
//! children.
//!
//! DIR holds one year's CSV files (the year from --year, or DIR's own name
//! when that is a year), or one folder per year named by the year's end
//! (DIR/2025, DIR/2026), read as those years and merged. Everything is read
//! (`returns::ssda903::csv`) and converted (`returns::ssda903::import`)
//! before the database is opened; then one command writes it all
//! (`store::returns_import`). Any problem is printed by file, line and
//! column, the command exits 1, and nothing is written.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{bail, Context};
use authz::cap::RecordChildren;
use authz::{Actor, Can};
use kernel::Clock;
use returns::ssda903::{csv, import, CollectionYear, Return, TableKind};
use store::StoreError;

use crate::cli::ImportSsda903Args;
use crate::config::Settings;

pub async fn run(settings: &Settings, clock: Arc<dyn Clock>, args: ImportSsda903Args) -> anyhow::Result<ExitCode> {
    let year = args.year.as_deref().map(CollectionYear::parse).transpose()?;
    let folders = year_folders(&args.dir, year)?;
    let mut problems: Vec<String> = Vec::new();
    let mut returns: Vec<Return> = Vec::new();
    // Which file held each year's table, so problems name the real file.
    let mut names: HashMap<(CollectionYear, TableKind), String> = HashMap::new();
    for (year, folder, prefix) in &folders {
        let files = read_csvs(folder, prefix)?;
        for (name, bytes) in &files {
            if let Some(table) = table_of(name, bytes) {
                names.insert((*year, table), name.clone());
            }
        }
        match csv::read_return(*year, &files) {
            Ok(ret) => returns.push(ret),
            Err(errors) => problems.extend(errors.iter().map(ToString::to_string)),
        }
    }
    if !problems.is_empty() {
        return Ok(refuse(&args.dir, &problems));
    }
    let facts = match import::to_facts(&returns) {
        Ok(facts) => facts,
        Err(errors) => {
            let problems: Vec<String> = errors
                .into_iter()
                .map(|mut e| {
                    if let Some(name) = names.get(&(e.year, e.table)) {
                        e.file.clone_from(name);
                    }
                    e.to_string()
                })
                .collect();
            return Ok(refuse(&args.dir, &problems));
        }
    };
    let url = settings.database_url(args.db.database.as_deref())?;
    let store = store::Store::open(&url, clock.as_ref()).await?;
    // The operator has shell access to the server: the command line acts as
    // Hearth itself, and the audit trail records it as `system`.
    let mut cmd = store.begin(Actor::System, clock.as_ref()).await?;
    let summary = match store::returns_import::save(&mut cmd, &Can::<RecordChildren>::system(), &facts, "ssda903").await {
        Ok(summary) => summary,
        Err(StoreError::Rejected(problems)) => return Ok(refuse(&args.dir, &problems)),
        Err(other) => return Err(other.into()),
    };
    cmd.commit().await?;
    let years: Vec<String> = folders.iter().map(|(y, _, _)| y.to_string()).collect();
    println!("Imported SSDA903 {} from {}:", years.join(" and "), args.dir.display());
    for (kind, count) in summary.kinds() {
        println!("  {count} {kind}");
    }
    Ok(ExitCode::SUCCESS)
}

fn refuse(dir: &Path, problems: &[String]) -> ExitCode {
    eprintln!("{} cannot be imported; nothing was written:", dir.display());
    for problem in problems {
        eprintln!("  {problem}");
    }
    ExitCode::from(1)
}

/// The year a folder name gives: 2026 (or 2025-26).
fn year_named(path: &Path) -> Option<CollectionYear> {
    let name = path.file_name()?.to_str()?;
    name.starts_with("20").then(|| CollectionYear::parse(name).ok()).flatten()
}

/// (year, folder, prefix for file names) for each year to read.
fn year_folders(dir: &Path, year: Option<CollectionYear>) -> anyhow::Result<Vec<(CollectionYear, PathBuf, String)>> {
    let mut years = Vec::new();
    let entries = std::fs::read_dir(dir).with_context(|| format!("could not read the folder {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            if let Some(y) = year_named(&path) {
                let prefix = format!("{}/", path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default());
                years.push((y, path, prefix));
            }
        }
    }
    years.sort_by_key(|(y, _, _)| *y);
    if !years.is_empty() {
        if year.is_some() {
            bail!(
                "{} has a folder per year, which names the years; give --year only for a folder of files",
                dir.display()
            );
        }
        return Ok(years);
    }
    let Some(year) = year.or_else(|| year_named(dir)) else {
        bail!(
            "give the collection year of the files in {} with --year (2026 is 2025-26), or put each year's files in a folder named by the year",
            dir.display()
        );
    };
    Ok(vec![(year, dir.to_path_buf(), String::new())])
}

/// Every .csv file in `dir`, named `prefix` + file name.
fn read_csvs(dir: &Path, prefix: &str) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("could not read the folder {}", dir.display()))? {
        let path = entry?.path();
        if path.is_file() && path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let bytes = std::fs::read(&path).with_context(|| format!("could not read {}", path.display()))?;
            files.push((format!("{prefix}{name}"), bytes));
        }
    }
    files.sort();
    if files.is_empty() {
        bail!("{} has no .csv files", dir.display());
    }
    Ok(files)
}

/// The table a file's first line names, if any.
fn table_of(name: &str, bytes: &[u8]) -> Option<TableKind> {
    let first = bytes.split(|b| *b == b'\n').next()?;
    let records = csv::records(name, first).ok()?;
    let (_, columns) = records.first()?;
    TableKind::recognise(columns)
}
