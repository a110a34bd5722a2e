//! A council's historic returns read back into [`ChildFacts`], so Hearth
//! can start from the 903 files a council already has.
//!
//! [`to_facts`] takes one or more years' returns (say last year's and this
//! year's) and merges each child across them: the same row in two years is
//! one fact, and the later year's copy wins (an episode open on 31 March
//! last year and closed this year is one closed episode). The care history
//! is rebuilt from the episodes ([`history`]): an S episode starts a period
//! of care, a REC other than X1 ends it; legal statuses are runs of the same
//! LS, placements runs of the same PLACE, PLACE_PROVIDER, URN and PL_POST,
//! and an RNE of L, B or U (legal status) or P, B, T or U (placement) starts
//! a new one even when the codes stay the same, so the episodes derived
//! again are the rows read. Each rebuilt history must pass
//! [`children::care_history::validate`].
//!
//! All or nothing: every problem is reported, by file (the table's file
//! name), line and column, and no facts are returned if there is one.
//!
//! What cannot come back: a period of care that started before the earliest
//! year given starts, for Hearth, at its first episode in the files (so that
//! episode's RNE becomes S); PrevPerm rows for a child who started no period
//! in their year are kept with the child's latest period.

mod history;

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use time::Date;

use super::facts::{
    Adoption, AdoptionDecision, CareLeaverContact, ChildFacts, Dated, HealthOutcomes, MissingSpell, PreviousPermanence, WorkerSpell,
};
use super::model::{self, Day, Return};
use super::tables::TableKind;
use super::year::CollectionYear;

/// A value that cannot be stored, or a history that breaks the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub year: CollectionYear,
    pub table: TableKind,
    /// The table's file name; a caller that knows the real path may replace it.
    pub file: String,
    /// 1-based; 0 for the file as a whole.
    pub line: u32,
    pub column: Option<String>,
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        super::csv::write_located(f, &self.file, self.line, self.column.as_deref(), &self.message)
    }
}

impl std::error::Error for ImportError {}

/// Where a row came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Loc {
    pub year: CollectionYear,
    pub table: TableKind,
    pub line: u32,
}

/// The problems found so far.
#[derive(Debug, Default)]
pub(crate) struct Problems(pub Vec<ImportError>);

impl Problems {
    pub fn at(&mut self, loc: Loc, column: Option<&str>, message: impl Into<String>) {
        self.0.push(ImportError {
            year: loc.year,
            table: loc.table,
            file: loc.table.file_name().to_owned(),
            line: loc.line,
            column: column.map(str::to_owned),
            message: message.into(),
        });
    }

    /// A date the row cannot do without.
    fn date(&mut self, loc: Loc, column: &str, day: &Day) -> Option<Date> {
        match (day.get(), day.raw()) {
            (Some(date), _) => Some(date),
            (None, None) => {
                self.at(loc, Some(column), "is blank; a date is needed here");
                None
            }
            (None, Some(raw)) => {
                self.at(loc, Some(column), format!("\"{raw}\" is not a dd/mm/yyyy date"));
                None
            }
        }
    }

    /// A date that may be blank (an invalid one is reported and read as blank).
    fn optional_date(&mut self, loc: Loc, column: &str, day: &Day) -> Option<Date> {
        if let (None, Some(raw)) = (day.get(), day.raw()) {
            self.at(loc, Some(column), format!("\"{raw}\" is not a dd/mm/yyyy date"));
        }
        day.get()
    }

    /// Text the row cannot do without.
    fn text(&mut self, loc: Loc, column: &str, cell: &Option<String>) -> Option<String> {
        if cell.is_none() {
            self.at(loc, Some(column), "is blank; a value is needed here");
        }
        cell.clone()
    }

    /// A 0/1 flag.
    fn flag(&mut self, loc: Loc, column: &str, cell: &Option<String>) -> Option<bool> {
        match cell.as_deref() {
            None => None,
            Some("1") => Some(true),
            Some("0") => Some(false),
            Some(other) => {
                self.at(loc, Some(column), format!("\"{other}\" is not 0 or 1"));
                None
            }
        }
    }

    fn number(&mut self, loc: Loc, column: &str, cell: &Option<String>) -> Option<i64> {
        let text = cell.as_deref()?;
        let number = text.parse().ok();
        if number.is_none() {
            self.at(loc, Some(column), format!("\"{text}\" is not a whole number"));
        }
        number
    }
}

/// An episode row as merged across years.
#[derive(Debug, Clone)]
pub(crate) struct Ep {
    pub loc: Loc,
    pub decom: Date,
    pub dec: Option<Date>,
    pub row: model::Episode,
}

/// Everything gathered about one child before the history is rebuilt.
#[derive(Debug, Default)]
struct Gathered {
    first_seen: Option<Loc>,
    header: Option<Loc>,
    sex: Option<String>,
    dob: Option<Date>,
    ethnicity: Option<String>,
    upn: Option<String>,
    mother: Option<bool>,
    first_child_born_on: Option<Date>,
    uasc: bool,
    uasc_ceased: Option<Date>,
    episodes: BTreeMap<Date, Ep>,
    reviews: BTreeMap<(Date, Option<String>), usize>,
    health: BTreeMap<i32, HealthOutcomes>,
    care_leaver: BTreeMap<i32, CareLeaverContact>,
    adoption: Option<Adoption>,
    decisions: BTreeMap<Date, AdoptionDecision>,
    prev_perm: Vec<(Loc, PreviousPermanence)>,
    missing: BTreeMap<(Date, String), MissingSpell>,
    workers: BTreeMap<(Date, Option<String>), WorkerSpell>,
    dolos: BTreeMap<Date, Option<Date>>,
}

fn later<T>(slot: &mut Option<T>, value: Option<T>) {
    if value.is_some() {
        *slot = value;
    }
}

/// The children in `returns`, each merged across the years given.
pub fn to_facts(returns: &[Return]) -> Result<Vec<ChildFacts>, Vec<ImportError>> {
    let mut problems = Problems::default();
    let mut ordered: Vec<&Return> = returns.iter().collect();
    ordered.sort_by_key(|r| r.year);
    for pair in ordered.windows(2) {
        if pair[0].year == pair[1].year {
            let loc = Loc {
                year: pair[1].year,
                table: TableKind::Header,
                line: 0,
            };
            problems.at(loc, None, format!("{} is given twice; give each year once", pair[1].year));
        }
    }
    let mut children: BTreeMap<String, Gathered> = BTreeMap::new();
    for ret in &ordered {
        gather(ret, &mut children, &mut problems);
    }
    let codes = children::codes::CodeSets::standard();
    let mut out = Vec::with_capacity(children.len());
    for (child, gathered) in children {
        if let Some(facts) = finish(&child, gathered, &codes, &mut problems) {
            out.push(facts);
        }
    }
    if problems.0.is_empty() {
        Ok(out)
    } else {
        Err(problems.0)
    }
}

/// The child a row belongs to, noting where the child was first seen.
fn child_of<'a>(
    children: &'a mut BTreeMap<String, Gathered>,
    problems: &mut Problems,
    loc: Loc,
    child: &Option<String>,
) -> Option<&'a mut Gathered> {
    let Some(id) = child else {
        problems.at(loc, Some("CHILD"), "is blank; every row needs the child's id");
        return None;
    };
    let gathered = children.entry(id.clone()).or_default();
    gathered.first_seen.get_or_insert(loc);
    Some(gathered)
}

fn gather(ret: &Return, children: &mut BTreeMap<String, Gathered>, problems: &mut Problems) {
    let year = ret.year;
    let loc = |table: TableKind, line: u32| Loc { year, table, line };
    for h in &ret.header {
        let at = loc(TableKind::Header, h.line);
        let Some(g) = child_of(children, problems, at, &h.child) else {
            continue;
        };
        g.header = Some(at);
        let sex = problems.text(at, "SEX", &h.sex).map(|s| match (s.as_str(), year.ending() <= 2024) {
            ("1", true) => "M".to_owned(),
            ("2", true) => "F".to_owned(),
            _ => s,
        });
        later(&mut g.sex, sex);
        later(&mut g.dob, problems.date(at, "DOB", &h.dob));
        later(&mut g.ethnicity, h.ethnic.clone());
        later(&mut g.upn, h.upn.clone());
        later(&mut g.mother, problems.flag(at, "MOTHER", &h.mother));
        later(&mut g.first_child_born_on, problems.optional_date(at, "MC_DOB", &h.mc_dob));
    }
    for e in &ret.episodes {
        let at = loc(TableKind::Episodes, e.line);
        let Some(g) = child_of(children, problems, at, &e.child) else {
            continue;
        };
        let decom = problems.date(at, "DECOM", &e.decom);
        let dec = problems.optional_date(at, "DEC", &e.dec);
        let Some(decom) = decom else { continue };
        if let Some(other) = g.episodes.get(&decom).filter(|o| o.loc.year == year) {
            let message = format!("the child has another episode starting on the same day (line {})", other.loc.line);
            problems.at(at, Some("DECOM"), message);
            continue;
        }
        g.episodes.insert(
            decom,
            Ep {
                loc: at,
                decom,
                dec,
                row: e.clone(),
            },
        );
    }
    for u in &ret.uasc {
        let at = loc(TableKind::Uasc, u.line);
        let Some(g) = child_of(children, problems, at, &u.child) else {
            continue;
        };
        g.uasc = true;
        later(&mut g.uasc_ceased, problems.optional_date(at, "DUC", &u.duc));
    }
    let mut reviews: HashMap<(&str, Date, Option<String>), usize> = HashMap::new();
    for r in &ret.reviews {
        let at = loc(TableKind::Reviews, r.line);
        if child_of(children, problems, at, &r.child).is_none() {
            continue;
        }
        if let (Some(child), Some(on)) = (r.child.as_deref(), problems.date(at, "REVIEW", &r.review)) {
            *reviews.entry((child, on, r.review_code.clone())).or_default() += 1;
        }
    }
    for ((child, on, code), count) in reviews {
        if let Some(g) = children.get_mut(child) {
            let seen = g.reviews.entry((on, code)).or_default();
            *seen = (*seen).max(count);
        }
    }
    gather_outcomes(ret, children, problems);
    gather_events(ret, children, problems);
}

/// OC2, OC3 and AD1.
fn gather_outcomes(ret: &Return, children: &mut BTreeMap<String, Gathered>, problems: &mut Problems) {
    let year = ret.year;
    for r in &ret.oc2 {
        let at = Loc {
            year,
            table: TableKind::Oc2,
            line: r.line,
        };
        let Some(g) = child_of(children, problems, at, &r.child) else {
            continue;
        };
        let health = HealthOutcomes {
            sdq_score: problems.number(at, "SDQ_SCORE", &r.sdq_score),
            sdq_reason: r.sdq_reason.clone(),
            convicted: problems.flag(at, "CONVICTED", &r.convicted),
            health_check: problems.flag(at, "HEALTH_CHECK", &r.health_check),
            immunisations: problems.flag(at, "IMMUNISATIONS", &r.immunisations),
            teeth_check: problems.flag(at, "TEETH_CHECK", &r.teeth_check),
            health_assessment: problems.flag(at, "HEALTH_ASSESSMENT", &r.health_assessment),
            substance_misuse: problems.flag(at, "SUBSTANCE_MISUSE", &r.substance_misuse),
            intervention_received: problems.flag(at, "INTERVENTION_RECEIVED", &r.intervention_received),
            intervention_offered: problems.flag(at, "INTERVENTION_OFFERED", &r.intervention_offered),
        };
        // A row with nothing in it says nothing; the export writes it anyway.
        if health != HealthOutcomes::default() {
            g.health.insert(year.ending(), health);
        }
    }
    for r in &ret.oc3 {
        let at = Loc {
            year,
            table: TableKind::Oc3,
            line: r.line,
        };
        let Some(g) = child_of(children, problems, at, &r.child) else {
            continue;
        };
        let text = |cell: &Option<String>| cell.clone().unwrap_or_default();
        g.care_leaver.insert(
            year.ending(),
            CareLeaverContact {
                in_touch: text(&r.in_touch),
                activity: text(&r.activ),
                accommodation: text(&r.accom),
            },
        );
    }
    for r in &ret.ad1 {
        let at = Loc {
            year,
            table: TableKind::Ad1,
            line: r.line,
        };
        let Some(g) = child_of(children, problems, at, &r.child) else {
            continue;
        };
        g.adoption = Some(Adoption {
            should_be_placed_on: problems.optional_date(at, "DATE_INT", &r.date_int),
            matched_on: problems.optional_date(at, "DATE_MATCH", &r.date_match),
            by_foster_carer: problems.flag(at, "FOSTER_CARE", &r.foster_care),
            number_of_adopters: problems.number(at, "NB_ADOPTR", &r.nb_adoptr),
            adopter_sexes: r.sex_adoptr.clone(),
            adopter_status: r.ls_adoptr.clone(),
        });
    }
}

/// PlacedAdoption, PrevPerm, Missing, SWEpisodes and DoLo.
fn gather_events(ret: &Return, children: &mut BTreeMap<String, Gathered>, problems: &mut Problems) {
    let year = ret.year;
    let loc = |table: TableKind, line: u32| Loc { year, table, line };
    for r in &ret.placed_adoption {
        let at = loc(TableKind::PlacedAdoption, r.line);
        let Some(g) = child_of(children, problems, at, &r.child) else {
            continue;
        };
        let ceased_on = problems.optional_date(at, "DATE_PLACED_CEASED", &r.date_placed_ceased);
        if let Some(decided_on) = problems.date(at, "DATE_PLACED", &r.date_placed) {
            let decision = AdoptionDecision {
                decided_on,
                ceased_on,
                reason_ceased: r.reason_placed_ceased.clone(),
            };
            g.decisions.insert(decided_on, decision);
        }
    }
    for r in &ret.prev_perm {
        let at = loc(TableKind::PrevPerm, r.line);
        let Some(g) = child_of(children, problems, at, &r.child) else {
            continue;
        };
        if let Some(arrangement) = problems.text(at, "PREV_PERM", &r.prev_perm) {
            let permanence = PreviousPermanence {
                period_start: year.start(),
                arrangement,
                la_code: r.la_perm.clone(),
                date_text: r.date_perm.clone(),
            };
            g.prev_perm.push((at, permanence));
        }
    }
    for r in &ret.missing {
        let at = loc(TableKind::Missing, r.line);
        let Some(g) = child_of(children, problems, at, &r.child) else {
            continue;
        };
        let kind = problems.text(at, "MISSING", &r.missing);
        let end = problems.optional_date(at, "MIS_END", &r.mis_end);
        if let (Some(kind), Some(start)) = (kind, problems.date(at, "MIS_START", &r.mis_start)) {
            g.missing.insert((start, kind.clone()), MissingSpell { kind, start, end });
        }
    }
    for r in &ret.sw_episodes {
        let at = loc(TableKind::SwEpisodes, r.line);
        let Some(g) = child_of(children, problems, at, &r.child) else {
            continue;
        };
        let swe_number = match r.sw_id.as_deref() {
            None | Some("XX") => None,
            Some(id) => Some(id.strip_prefix("SW").unwrap_or(id).to_owned()),
        };
        let end = problems.optional_date(at, "SW_DEC", &r.sw_dec);
        if let Some(start) = problems.date(at, "SW_DECOM", &r.sw_decom) {
            let spell = WorkerSpell {
                swe_number: swe_number.clone(),
                start,
                end,
                reason: r.sw_reason.clone(),
            };
            g.workers.insert((start, swe_number), spell);
        }
    }
    for r in &ret.dolo {
        let at = loc(TableKind::Dolo, r.line);
        let Some(g) = child_of(children, problems, at, &r.child) else {
            continue;
        };
        let end = problems.optional_date(at, "DOLO_END", &r.dolo_end);
        if let Some(start) = problems.date(at, "DOLO_START", &r.dolo_start) {
            g.dolos.insert(start, end);
        }
    }
}

/// The child's facts, or `None` (with the problems recorded).
fn finish(child: &str, g: Gathered, codes: &children::codes::CodeSets, problems: &mut Problems) -> Option<ChildFacts> {
    let Some(header) = g.header else {
        if let Some(loc) = g.first_seen {
            let message = format!("child {child} has no row in the Header table of any year given");
            problems.at(loc, Some("CHILD"), message);
        }
        return None;
    };
    let (Some(sex), Some(dob)) = (g.sex, g.dob) else {
        // Already reported against the header's SEX or DOB.
        return None;
    };
    let episodes: Vec<Ep> = g.episodes.into_values().collect();
    let before = problems.0.len();
    let history = history::rebuild(&episodes, problems);
    if problems.0.len() == before {
        history::check(child, &history, &episodes, header, codes, problems);
    }
    let mut facts = ChildFacts::new(child, &sex, dob, g.ethnicity.as_deref().unwrap_or(""));
    facts.upn = g.upn;
    facts.mother = g.mother;
    facts.first_child_born_on = g.first_child_born_on;
    facts.uasc = g.uasc;
    facts.uasc_ceased = g.uasc_ceased;
    facts.home_postcodes = history::home_postcodes(&episodes);
    facts.previous_permanence = history::attach_permanence(child, &history, g.prev_perm, problems);
    facts.history = history;
    facts.reviews = g
        .reviews
        .into_iter()
        .flat_map(|((on, code), count)| std::iter::repeat_n((on, code), count))
        .collect();
    facts.health = g.health.into_iter().collect();
    facts.care_leaver = g.care_leaver.into_iter().collect();
    facts.adoption = g.adoption;
    facts.adoption_decisions = g.decisions.into_values().collect();
    facts.missing = g.missing.into_values().collect();
    facts.social_workers = g.workers.into_values().collect();
    facts.dolos = g.dolos.into_iter().map(|(start, end)| Dated { value: (), start, end }).collect();
    Some(facts)
}

#[cfg(test)]
mod tests;
