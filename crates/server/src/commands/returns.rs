//! `hearth returns ssda903`: write the year's SSDA903 files from the
//! database, or validate any folder of them (Hearth's or a council's).

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{bail, Context};
use kernel::Clock;
use returns::ssda903::validate::{PostcodeIndex, PostcodePlace};
use returns::ssda903::{csv, export, validate, CollectionYear, Lookups, Report, Return, TableKind};

use crate::cli::{ReturnsCommand, Ssda903Action, Ssda903Args, Ssda903ValidateArgs};
use crate::config::Settings;

pub async fn run(settings: &Settings, clock: Arc<dyn Clock>, command: ReturnsCommand) -> anyhow::Result<ExitCode> {
    match command {
        ReturnsCommand::Ssda903(Ssda903Args {
            action: Some(Ssda903Action::Validate(args)),
            ..
        }) => validate_folder(&args),
        ReturnsCommand::Ssda903(args) => write_return(settings, clock, args).await,
    }
}

async fn write_return(settings: &Settings, clock: Arc<dyn Clock>, args: Ssda903Args) -> anyhow::Result<ExitCode> {
    let (Some(year), Some(out)) = (args.year, args.out) else {
        bail!("give the year and a folder: hearth returns ssda903 --year 2026 --out DIR (or: hearth returns ssda903 validate DIR)");
    };
    let year = CollectionYear::parse(&year)?;
    let url = settings.database_url(args.db.database.as_deref())?;
    let store = store::Store::open(&url, clock.as_ref()).await?;
    let facts: Vec<_> = store::returns::facts(&store, None).await?.into_iter().map(|c| c.facts).collect();
    let ret = export::build(year, &facts);
    std::fs::create_dir_all(&out).with_context(|| format!("could not create {}", out.display()))?;
    for table in TableKind::of_year(year) {
        let path = out.join(table.file_name());
        std::fs::write(&path, csv::write_table(&ret, table)).with_context(|| format!("could not write {}", path.display()))?;
    }
    println!(
        "SSDA903 {year}: wrote {} tables to {} ({} children, {} episodes). Check them with: hearth returns ssda903 validate {}",
        TableKind::of_year(year).count(),
        out.display(),
        ret.header.len(),
        ret.episodes.len(),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn validate_folder(args: &Ssda903ValidateArgs) -> anyhow::Result<ExitCode> {
    let year = match &args.year {
        Some(year) => Some(CollectionYear::parse(year)?),
        None => None,
    };
    let current = read_folder(&args.dir, year)?;
    let previous = match &args.prev {
        Some(dir) => Some(read_folder(dir, Some(current.year.previous()))?),
        None => None,
    };
    let lookups = Lookups {
        la: args.la.clone(),
        postcodes: args.postcodes.as_deref().map(read_postcodes).transpose()?,
        providers: None,
    };
    let report = validate(&current, previous.as_ref(), &lookups);
    print_report(&current, &report);
    Ok(if report.is_clean() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// Every .csv file in `dir`, read as a return of `year` (or of the year of
/// the latest date in the files).
fn read_folder(dir: &Path, year: Option<CollectionYear>) -> anyhow::Result<Return> {
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
    if files.is_empty() {
        bail!("{} has no .csv files", dir.display());
    }
    let guess = CollectionYear::new(CollectionYear::LAST)?;
    let read = |year| {
        csv::read_return(year, &files).map_err(|problems| {
            let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
            anyhow::anyhow!("{} could not be read:\n  {}", dir.display(), lines.join("\n  "))
        })
    };
    let mut ret = read(year.unwrap_or(guess))?;
    if year.is_none() {
        let latest = ret.episodes.iter().flat_map(|e| [e.decom.get(), e.dec.get()]).flatten().max();
        let Some(latest) = latest else {
            bail!(
                "{}: give --year; the files have no episode dates to tell the year from",
                dir.display()
            );
        };
        ret = read(
            CollectionYear::new(CollectionYear::containing(latest))
                .context("the episodes' dates are outside the years Hearth has rules for; give --year")?,
        )?;
    }
    Ok(ret)
}

/// postcode,easting,northing,la with a header line.
fn read_postcodes(path: &Path) -> anyhow::Result<PostcodeIndex> {
    let bytes = std::fs::read(path).with_context(|| format!("could not read {}", path.display()))?;
    let name = path.display().to_string();
    let records = csv::records(&name, &bytes).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut index = PostcodeIndex::default();
    for (line, fields) in records.into_iter().skip(1) {
        let [postcode, easting, northing, la] = fields.as_slice() else {
            bail!("{name}, line {line}: expected postcode,easting,northing,la");
        };
        let number = |text: &str, column: &str| {
            text.trim()
                .parse::<i64>()
                .with_context(|| format!("{name}, line {line}, column {column}: not a whole number of metres"))
        };
        index.insert(
            postcode,
            PostcodePlace {
                easting: number(easting, "easting")?,
                northing: number(northing, "northing")?,
                la: la.trim().to_owned(),
            },
        );
    }
    Ok(index)
}

fn print_report(ret: &Return, report: &Report) {
    println!(
        "SSDA903 {}: {} children, {} episodes; {} rules ran, {} skipped.",
        ret.year,
        ret.header.len(),
        ret.episodes.len(),
        report.ran.len(),
        report.skipped.len()
    );
    for (code, why) in &report.skipped {
        println!("skipped {code}: {why}");
    }
    for finding in &report.findings {
        println!("FAIL {} {} ({} rows)", finding.code, finding.message, finding.rows.len());
        for (table, index) in &finding.rows {
            let (child, line) = ret.locate(*table, *index);
            println!("    {} line {line} (child {})", table.file_name(), child.unwrap_or("blank"));
        }
    }
    if report.is_clean() {
        println!("No errors.");
    } else {
        println!("{} rules failed on {} rows.", report.findings.len(), report.flagged_rows());
    }
}
