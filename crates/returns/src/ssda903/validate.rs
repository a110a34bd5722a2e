//! Running a year's rule pack over a return, with last year's return and
//! the lookups when given, and the report of what failed.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

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
    let mut runnable = Vec::new();
    let mut skipped = Vec::new();
    for rule in rules::pack(ret.year) {
        match missing(rule, ret, previous, lookups) {
            Some(why) => skipped.push((rule.code, why)),
            None => runnable.push(rule),
        }
    }
    let threads = if ret.episodes.len() > rules::PARALLEL_FROM {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
    } else {
        1
    };
    // Each thread takes the next rule not yet taken, so a thread that drew
    // heavy rules is not left working while another waits; the findings
    // keep the pack's order whatever the threads.
    let next = AtomicUsize::new(0);
    let run = || -> Vec<(usize, Vec<(TableKind, usize)>)> {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(rule) = runnable.get(i) else { return done };
            let mut flags = Flags::default();
            (rule.check)(&ctx, &mut flags);
            done.push((i, flags.into_rows()));
        }
    };
    let mut results = if threads > 1 {
        std::thread::scope(|scope| {
            let handles: Vec<_> = (1..threads).map(|_| scope.spawn(run)).collect();
            let mut all = run();
            for handle in handles {
                all.extend(handle.join().expect("a rule does not panic"));
            }
            all
        })
    } else {
        run()
    };
    results.sort_by_key(|(i, _)| *i);
    let findings = results
        .into_iter()
        .filter(|(_, rows)| !rows.is_empty())
        .map(|(i, rows)| Finding {
            code: runnable[i].code,
            message: runnable[i].message,
            rows,
        })
        .collect();
    Report {
        findings,
        ran: runnable.iter().map(|r| r.code).collect(),
        skipped,
    }
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
