//! Running a year's rule pack over a return, with last year's return and
//! the lookups when given, and the report of what failed.

use std::collections::BTreeMap;

use time::Date;

use super::codes::Codes;
use super::model::Return;
use super::rules::{self, Ctx, Flags, Need};
use super::tables::TableKind;

/// Where a postcode is: British National Grid metres, and the upper-tier
/// local authority (E10000016, or SCO/WAL/NIR outside England).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostcodePlace {
    pub easting: i64,
    pub northing: i64,
    pub la: String,
}

/// Postcodes by their text without spaces. A full postcode is looked up
/// first, then its outward code (the district), because councils often hold
/// district centroids only.
#[derive(Debug, Clone, Default)]
pub struct PostcodeIndex {
    places: BTreeMap<String, PostcodePlace>,
}

impl PostcodeIndex {
    pub fn insert(&mut self, postcode: &str, place: PostcodePlace) {
        self.places.insert(squash(postcode), place);
    }

    pub fn find(&self, postcode: &str) -> Option<&PostcodePlace> {
        let key = squash(postcode);
        self.places.get(&key).or_else(|| {
            // The outward code is everything but the last three characters.
            let outward = key.get(..key.len().checked_sub(3)?)?;
            self.places.get(outward)
        })
    }

    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }
}

fn squash(postcode: &str) -> String {
    postcode
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// A registered provider as Ofsted lists it, for the URN rules.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OfstedProvider {
    /// The PLACE codes the setting is registered for.
    pub placement_codes: Vec<String>,
    /// The PLACE_PROVIDER code the setting's owner has (PR1-PR5).
    pub provider_code: Option<String>,
    pub deregistered: Option<Date>,
    pub postcode: Option<String>,
    /// The UTLA the setting is in.
    pub la: Option<String>,
}

/// Everything outside the files that some rules need. A rule whose lookup
/// is missing is skipped, as the DfE's tool skips it, and the report says so.
#[derive(Debug, Clone, Default)]
pub struct Lookups {
    /// The returning council's UTLA code (E10000016).
    pub la: Option<String>,
    pub postcodes: Option<PostcodeIndex>,
    /// Ofsted's providers by URN.
    pub providers: Option<BTreeMap<String, OfstedProvider>>,
}

/// One rule that failed and the rows it flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: &'static str,
    pub message: &'static str,
    /// (table, index into that table's rows), in the order flagged.
    pub rows: Vec<(TableKind, usize)>,
}

/// The outcome of a validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub findings: Vec<Finding>,
    /// Rules of the pack that ran.
    pub ran: Vec<&'static str>,
    /// Rules of the pack skipped, and why (a table or lookup not given).
    pub skipped: Vec<(&'static str, String)>,
}

impl Report {
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }

    /// How many rows are flagged in all.
    pub fn flagged_rows(&self) -> usize {
        self.findings.iter().map(|f| f.rows.len()).sum()
    }
}

/// Runs every rule of the return's year.
pub fn validate(ret: &Return, previous: Option<&Return>, lookups: &Lookups) -> Report {
    let codes = Codes::for_year(ret.year);
    let ctx = Ctx::new(ret, previous, lookups, &codes);
    let mut findings = Vec::new();
    let mut ran = Vec::new();
    let mut skipped = Vec::new();
    for rule in rules::pack(ret.year) {
        if let Some(why) = missing(rule, ret, previous, lookups) {
            skipped.push((rule.code, why));
            continue;
        }
        ran.push(rule.code);
        let mut flags = Flags::default();
        (rule.check)(&ctx, &mut flags);
        let rows = flags.into_rows();
        if !rows.is_empty() {
            findings.push(Finding {
                code: rule.code,
                message: rule.message,
                rows,
            });
        }
    }
    Report { findings, ran, skipped }
}

fn missing(rule: &rules::Rule, ret: &Return, previous: Option<&Return>, lookups: &Lookups) -> Option<String> {
    if let Some(table) = rule.tables.iter().find(|t| !ret.has(**t)) {
        return Some(format!("no {table} file"));
    }
    if !rule.previous.is_empty() {
        let Some(previous) = previous else {
            return Some("no previous year's return".to_owned());
        };
        if let Some(table) = rule.previous.iter().find(|t| !previous.has(**t)) {
            return Some(format!("no previous year's {table} file"));
        }
    }
    match rule.needs {
        Need::Nothing => None,
        Need::LocalAuthority if lookups.la.is_none() => Some("no local authority code".to_owned()),
        Need::Postcodes if lookups.postcodes.is_none() => Some("no postcode list".to_owned()),
        Need::Providers if lookups.providers.is_none() => Some("no Ofsted provider list".to_owned()),
        _ => None,
    }
}
