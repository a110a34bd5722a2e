//! The SSDA903 return as the pages and the API use it: built from the
//! database for a year, validated against the year's rule pack (with last
//! year's return built the same way, so the continuity rules run), and each
//! flagged row traced back to its child and team.
//!
//! Nothing is stored: the return is made from the records every time, so
//! an error disappears from a child's record and from the dashboard as
//! soon as the data is put right.

use std::collections::{BTreeMap, HashMap};

use kernel::ChildId;
use returns::ssda903::{export, validate, CollectionYear, Lookups, Report, Return, TableKind};
use serde::Serialize;
use time::Date;

use crate::error::AppError;
use crate::AppState;

/// One year's return, its validation, and where each child belongs.
#[derive(Debug)]
pub struct Checked {
    pub year: CollectionYear,
    pub ret: Return,
    pub report: Report,
    children: HashMap<String, (ChildId, Option<String>)>,
}

/// One flagged row, traced to its child.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Flagged {
    pub code: &'static str,
    pub message: &'static str,
    /// The DfE's table name (Episodes, Header, ...).
    pub table: &'static str,
    /// The council's child id (CHILD).
    pub child: Option<String>,
    /// Hearth's id for the child, when the row names a child Hearth holds.
    #[schema(value_type = Option<i64>)]
    pub child_id: Option<i64>,
    pub team: Option<String>,
}

impl Checked {
    /// Every flagged row, rule by rule.
    pub fn flagged(&self) -> Vec<Flagged> {
        let mut out = Vec::new();
        for finding in &self.report.findings {
            for (table, index) in &finding.rows {
                let (child, _) = self.ret.locate(*table, *index);
                let known = child.and_then(|c| self.children.get(c));
                out.push(Flagged {
                    code: finding.code,
                    message: finding.message,
                    table: table.name(),
                    child: child.map(str::to_owned),
                    child_id: known.map(|(id, _)| id.get()),
                    team: known.and_then(|(_, team)| team.clone()),
                });
            }
        }
        out
    }

    /// Children with at least one error, by team ("No team" for none).
    pub fn by_team(&self) -> BTreeMap<String, (usize, usize)> {
        let mut children: BTreeMap<String, std::collections::BTreeSet<String>> = BTreeMap::new();
        let mut errors: BTreeMap<String, usize> = BTreeMap::new();
        for f in self.flagged() {
            let team = f.team.clone().unwrap_or_else(|| "No team".to_owned());
            *errors.entry(team.clone()).or_default() += 1;
            if let Some(child) = f.child {
                children.entry(team).or_default().insert(child);
            }
        }
        errors
            .into_iter()
            .map(|(team, n)| (team.clone(), (children.get(&team).map_or(0, |c| c.len()), n)))
            .collect()
    }
}

/// The collection year a day's work belongs to, within the years Hearth
/// has packs for.
pub fn current_year(today: Date) -> CollectionYear {
    let ending = CollectionYear::containing(today).clamp(CollectionYear::FIRST, CollectionYear::LAST);
    CollectionYear::new(ending).expect("clamped into the packs")
}

/// `?year=` as a collection year, or the current one.
pub fn year_from(text: Option<&str>, today: Date) -> Result<CollectionYear, AppError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(current_year(today)),
        Some(text) => CollectionYear::parse(text)
            .map_err(|_| AppError::invalid("year", "Choose a collection year by its end, such as 2026 for 2025-26")),
    }
}

/// What the rules need from outside the files. Hearth holds postcode
/// districts without their councils, so the in/out-of-area and distance
/// rules run only where the council's code and a postcode list are given
/// to `hearth returns ssda903 validate`; here they are reported as skipped.
fn lookups() -> Lookups {
    Lookups::default()
}

/// The whole return for `year`.
pub async fn check_year(state: &AppState, year: CollectionYear) -> Result<Checked, AppError> {
    check(state, year, None).await
}

/// One child's rows for `year`, validated.
pub async fn check_child(state: &AppState, year: CollectionYear, child: ChildId) -> Result<Checked, AppError> {
    check(state, year, Some(child)).await
}

async fn check(state: &AppState, year: CollectionYear, only: Option<ChildId>) -> Result<Checked, AppError> {
    let loaded = store::returns::facts(&state.store, only).await?;
    let children = loaded.iter().map(|c| (c.facts.child.clone(), (c.id, c.team.clone()))).collect();
    let facts: Vec<_> = loaded.into_iter().map(|c| c.facts).collect();
    let ret = export::build(year, &facts);
    let report = if year.ending() > CollectionYear::FIRST {
        let previous = export::build(year.previous(), &facts);
        validate(&ret, Some(&previous), &lookups())
    } else {
        validate(&ret, None, &lookups())
    };
    Ok(Checked {
        year,
        ret,
        report,
        children,
    })
}

/// A child's errors in the current year's return, for the record page.
pub async fn child_errors(state: &AppState, child: ChildId) -> Result<Vec<Flagged>, AppError> {
    let checked = check_child(state, current_year(state.clock.today()), child).await?;
    let mut flagged = checked.flagged();
    flagged.dedup_by(|a, b| a.code == b.code);
    Ok(flagged)
}

/// The table a file name names, for downloads.
pub fn table_for_file(year: CollectionYear, file: &str) -> Option<TableKind> {
    TableKind::of_year(year).find(|t| t.file_name() == file)
}
