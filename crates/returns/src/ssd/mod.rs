//! The Standard Safeguarding Dataset (SSD) extract, read for import.
//!
//! An extract is a folder of CSV files, one per SSD table, named after the
//! table (`ssd_person.csv`, ...). [`read_extract`] reads the eight tables
//! Hearth imports (persons, legal statuses, looked-after episodes and
//! placements, reviews, visits, professionals and involvements) plus the
//! optional `ssd_immigration_status.csv` for the UASC flag, finds columns
//! by name in any case, ignores other columns and files, and maps rows to
//! plain values. Reading is all or nothing: every problem is returned,
//! each naming its file, line and column.
//!
//! [`history`] turns a person's episodes, legal statuses and placements into
//! Hearth's care history intervals, each with the `source_ref` it is stored
//! under (`ssd:<table>:<id>`), so a re-run updates instead of duplicating.

pub mod history;
mod map;
mod table;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashSet};

use time::Date;

pub use history::{histories, SourcedHistory};
pub use table::{parse_date, SsdError};

/// The reference an imported row is stored under: `ssd:<table>:<id>`, the
/// table named without its `ssd_` prefix.
pub fn source_ref(table: &str, id: &str) -> String {
    format!("ssd:{table}:{id}")
}

/// A person (the child) from `ssd_person`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// `pers_person_id`, as given; Hearth's council child id is its upper-case form.
    pub id: String,
    pub la_child_id: String,
    pub legacy_id: Option<String>,
    pub forename: String,
    pub surname: String,
    /// M, F or U.
    pub sex: String,
    /// Hearth's gender-identity code, from the SSD's 00/01/02/09.
    pub gender_identity: String,
    /// DfE code; NOBT when blank.
    pub ethnicity: String,
    /// `pers_dob`, or the expected date of birth for an unborn child.
    pub date_of_birth: Date,
    /// UPN, or UN1-UN5 when unknown.
    pub upn: Option<String>,
    pub nhs_number: Option<String>,
    /// From `ssd_immigration_status` (a status naming UASC): `None` when the
    /// extract has no such file, so the flag is left as it is.
    pub uasc: Option<Uasc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Uasc {
    pub is_uasc: bool,
    pub ceased: Option<Date>,
}

/// A legal status from `ssd_legal_status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegalStatusRow {
    pub id: String,
    pub person_id: String,
    pub code: String,
    pub start: Date,
    pub end: Option<Date>,
}

/// A looked-after episode from `ssd_cla_episodes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Episode {
    pub id: String,
    pub person_id: String,
    /// The whole period of care (`clae_cla_id`), which reviews refer to.
    pub cla_id: Option<String>,
    pub start: Date,
    /// RNE: reason for new episode.
    pub reason_new: Option<String>,
    /// CIN category of need (N1-N8).
    pub category_of_need: String,
    pub end: Option<Date>,
    /// REC: X1 when only the episode ended and the period went on.
    pub reason_ceased: Option<String>,
}

/// A placement from `ssd_cla_placement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacementRow {
    pub id: String,
    pub person_id: String,
    /// SSDA903 PLACE.
    pub place: String,
    /// PR0-PR5.
    pub provider_type: String,
    pub urn: Option<String>,
    pub postcode: Option<String>,
    pub start: Date,
    pub end: Option<Date>,
    pub change_reason: Option<String>,
}

/// A looked-after review from `ssd_cla_reviews`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub id: String,
    pub person_id: String,
    /// `None` for a review not yet held.
    pub date: Option<Date>,
    /// PN0-PN7.
    pub participation: Option<String>,
    pub cancelled: bool,
}

/// A statutory visit from `ssd_cla_visits`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    pub id: String,
    pub person_id: String,
    pub date: Date,
    pub seen: Option<bool>,
    pub seen_alone: Option<bool>,
}

/// A worker from `ssd_professionals`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Professional {
    pub id: String,
    pub name: String,
    /// Social Work England number without its `SW` prefix.
    pub swe_number: Option<String>,
    pub job_title: Option<String>,
}

/// A worker's or team's involvement with a child, from `ssd_involvements`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Involvement {
    pub id: String,
    pub professional_id: String,
    pub person_id: String,
    pub role: Option<String>,
    pub team: Option<String>,
    pub start: Date,
    pub end: Option<Date>,
    /// SW_REASON code (MANAGE, FCONTA, ...).
    pub change_reason: Option<String>,
}

/// Everything Hearth imports from one extract.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extract {
    pub persons: Vec<Person>,
    pub legal_statuses: Vec<LegalStatusRow>,
    pub episodes: Vec<Episode>,
    pub placements: Vec<PlacementRow>,
    pub reviews: Vec<Review>,
    pub visits: Vec<Visit>,
    pub professionals: Vec<Professional>,
    pub involvements: Vec<Involvement>,
    /// Legal statuses that are not looked-after ones (the SSD also keeps
    /// orders such as SGOs), left out of the care history.
    pub skipped_legal_statuses: usize,
}

/// The tables an extract must have, by file name.
pub const TABLES: [&str; 8] = [
    "ssd_person",
    "ssd_legal_status",
    "ssd_cla_episodes",
    "ssd_cla_placement",
    "ssd_cla_reviews",
    "ssd_cla_visits",
    "ssd_professionals",
    "ssd_involvements",
];

/// The optional table that gives the UASC flag.
pub const IMMIGRATION: &str = "ssd_immigration_status";

/// Reads an extract from its files as (file name, bytes); other files are
/// ignored. Every problem, or the whole extract.
pub fn read_extract(files: &[(String, Vec<u8>)]) -> Result<Extract, Vec<SsdError>> {
    let find = |table: &str| {
        files.iter().find(|(name, _)| {
            let name = name.rsplit(['/', '\\']).next().unwrap_or(name);
            name.eq_ignore_ascii_case(&format!("{table}.csv"))
        })
    };
    let mut errors = Vec::new();
    let mut tables = BTreeMap::new();
    for table in TABLES {
        match find(table) {
            None => errors.push(SsdError::whole(
                &format!("{table}.csv"),
                "the extract has no such file; every table Hearth imports must be present, even if empty",
            )),
            Some((_, bytes)) => match table::Table::read(&format!("{table}.csv"), bytes, map::required_columns(table)) {
                Ok(t) => {
                    tables.insert(table, t);
                }
                Err(mut e) => errors.append(&mut e),
            },
        }
    }
    let immigration = match find(IMMIGRATION) {
        None => None,
        Some((_, bytes)) => match table::Table::read(&format!("{IMMIGRATION}.csv"), bytes, map::required_columns(IMMIGRATION)) {
            Ok(t) => Some(t),
            Err(mut e) => {
                errors.append(&mut e);
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let extract = map::map_tables(&tables, immigration.as_ref(), &mut errors);
    check_keys(&extract, &mut errors);
    if errors.is_empty() {
        Ok(extract)
    } else {
        Err(errors)
    }
}

/// Row ids are unique within their table.
fn check_keys(extract: &Extract, errors: &mut Vec<SsdError>) {
    fn unique<'a>(file: &str, ids: impl Iterator<Item = &'a String>, errors: &mut Vec<SsdError>) {
        let mut seen = HashSet::new();
        for id in ids {
            if !seen.insert(id) {
                errors.push(SsdError::whole(file, format!("the id '{id}' appears on more than one row")));
            }
        }
    }
    unique("ssd_person.csv", extract.persons.iter().map(|p| &p.id), errors);
    unique("ssd_legal_status.csv", extract.legal_statuses.iter().map(|r| &r.id), errors);
    unique("ssd_cla_episodes.csv", extract.episodes.iter().map(|r| &r.id), errors);
    unique("ssd_cla_placement.csv", extract.placements.iter().map(|r| &r.id), errors);
    unique("ssd_cla_reviews.csv", extract.reviews.iter().map(|r| &r.id), errors);
    unique("ssd_cla_visits.csv", extract.visits.iter().map(|r| &r.id), errors);
    unique("ssd_professionals.csv", extract.professionals.iter().map(|r| &r.id), errors);
    unique("ssd_involvements.csv", extract.involvements.iter().map(|r| &r.id), errors);
    let mut la_ids = HashSet::new();
    for person in &extract.persons {
        if !la_ids.insert(&person.la_child_id) {
            errors.push(SsdError::whole(
                "ssd_person.csv",
                format!("the person ids '{}' differ only in case; Hearth's child ids ignore case", person.id),
            ));
        }
    }
}
