//! The SSDA903 validator's target, and the sectioned input the SSDA903
//! targets read.
//!
//! Input is text in sections, each opened by a line `== <name>`:
//!
//! ```text
//! year 2026            optional, before any section; 2026 when absent
//! == episodes          rows of this year's Episodes table (no column line:
//! C1,10/01/2024,S,...  the target writes it, so every mutation reaches the
//! == prev header       rules); `prev <table>` is last year's return
//! == postcodes         postcode,easting,northing,la rows
//! == providers         urn,placement codes (space-separated),provider code,
//!                      deregistered (dd/mm/yyyy),postcode,la rows
//! ```
//!
//! Tables are named as the DfE names them (Header, Episodes, UASC, Reviews,
//! OC2, OC3, AD1, PlacedAdoption, PrevPerm, Missing, SWEpisodes, DoLo), in
//! any case; other sections are ignored. Lines before the first section
//! form a section named `input.csv`. The read_return target reads the same
//! sections as whole files, named as given, with their own column lines.
//!
//! Every table that reads is validated, first as the CLI does without
//! lookups (`validate(&ret, None, &Lookups::default())`), then with last
//! year's return and lookups built from the input, so the rules needing
//! them run too. A finding must only flag rows that exist, and every rule
//! of the year's pack must either run or be skipped.

use std::collections::BTreeMap;

use returns::ssda903::csv::{read_return, read_table, records};
use returns::ssda903::model::parse_uk_date;
use returns::ssda903::rules;
use returns::ssda903::validate::{OfstedProvider, PostcodeIndex, PostcodePlace};
use returns::ssda903::{CollectionYear, Lookups, Report, Return, TableKind};

/// The council the lookups are for.
pub const LA: &str = "E10000016";

/// One section of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub name: String,
    pub body: Vec<u8>,
}

/// The input, split into its sections.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Input {
    pub year: Option<CollectionYear>,
    pub sections: Vec<Section>,
}

/// Splits input into its year line and sections (see the module docs).
pub fn sections(data: &[u8]) -> Input {
    let mut input = Input::default();
    for line in data.split_inclusive(|b| *b == b'\n') {
        if let Some(name) = line.strip_prefix(b"== ") {
            input.sections.push(Section {
                name: String::from_utf8_lossy(name).trim().to_owned(),
                body: Vec::new(),
            });
            continue;
        }
        if input.sections.is_empty() && input.year.is_none() {
            if let Some(year) = line.strip_prefix(b"year ") {
                input.year = Some(CollectionYear::parse(&String::from_utf8_lossy(year)).unwrap_or_else(|_| default_year()));
                continue;
            }
        }
        if input.sections.is_empty() {
            input.sections.push(Section {
                name: "input.csv".to_owned(),
                body: Vec::new(),
            });
        }
        if let Some(section) = input.sections.last_mut() {
            section.body.extend_from_slice(line);
        }
    }
    input
}

fn default_year() -> CollectionYear {
    CollectionYear::new(2026).expect("2026 is a collection year")
}

/// The returns and lookups in sectioned input.
#[derive(Debug)]
pub struct Returns {
    /// This year's tables that read (the first of each).
    pub ret: Return,
    /// Last year's, when the input has `prev` sections.
    pub previous: Option<Return>,
    pub lookups: Lookups,
}

/// Reads the input's returns and lookups (see the module docs).
pub fn returns(data: &[u8]) -> Returns {
    let input = sections(data);
    let year = input.year.unwrap_or_else(default_year);
    let last_year = CollectionYear::new(year.ending() - 1).unwrap_or(year);
    let (mut this, mut prev) = (Vec::new(), Vec::new());
    let (mut postcodes, mut providers) = (Vec::new(), Vec::new());
    for section in input.sections {
        let name = section.name.to_ascii_lowercase();
        match name.as_str() {
            "postcodes" => postcodes.extend(section.body),
            "providers" => providers.extend(section.body),
            _ => {
                let (files, table) = match name.strip_prefix("prev ") {
                    Some(table) => (&mut prev, table),
                    None => (&mut this, name.as_str()),
                };
                if let Some(table) = TableKind::ALL.into_iter().find(|t| t.name().eq_ignore_ascii_case(table.trim())) {
                    let mut bytes = table.columns().join(",").into_bytes();
                    bytes.push(b'\n');
                    bytes.extend(section.body);
                    files.push((table.file_name().to_owned(), bytes));
                }
            }
        }
    }
    Returns {
        ret: readable(year, &this),
        previous: (!prev.is_empty()).then(|| readable(last_year, &prev)),
        lookups: Lookups {
            la: Some(LA.to_owned()),
            postcodes: Some(postcode_index(&postcodes)),
            providers: Some(provider_list(&providers)),
        },
    }
}

/// Validates whatever the input's tables read as (see the module docs).
pub fn validate(data: &[u8]) -> bool {
    let Returns { ret, previous, lookups } = returns(data);
    let report = returns::ssda903::validate(&ret, None, &Lookups::default());
    check(&ret, &report);
    let report = returns::ssda903::validate(&ret, previous.as_ref(), &lookups);
    check(&ret, &report);
    !ret.supplied.is_empty()
}

/// A council's historic returns read back into facts
/// (`returns::ssda903::import::to_facts`): last year's (if given) and this
/// year's.
pub fn import(data: &[u8]) -> bool {
    let Returns { ret, previous, .. } = returns(data);
    let years: Vec<Return> = previous.into_iter().chain([ret]).collect();
    returns::ssda903::import::to_facts(&years).is_ok()
}

/// The return made of the files that read as tables (the first of each).
fn readable(year: CollectionYear, files: &[(String, Vec<u8>)]) -> Return {
    let mut seen = Vec::new();
    let mut good = Vec::new();
    for (name, bytes) in files {
        if let Ok(file) = read_table(name, bytes) {
            if !seen.contains(&file.table) {
                seen.push(file.table);
                good.push((name.clone(), bytes.clone()));
            }
        }
    }
    match read_return(year, &good) {
        Ok(ret) => ret,
        Err(e) => panic!("each file read as a different table, but read_return refused them: {e:?}"),
    }
}

fn check(ret: &Return, report: &Report) {
    for finding in &report.findings {
        for (table, index) in &finding.rows {
            assert!(
                *index < ret.len(*table),
                "rule {} flags row {index} of {table}, which has {} rows",
                finding.code,
                ret.len(*table)
            );
            let _ = ret.locate(*table, *index);
        }
    }
    let pack = rules::pack(ret.year).count();
    assert_eq!(
        report.ran.len() + report.skipped.len(),
        pack,
        "every rule of the pack must run or be skipped, once"
    );
}

/// postcode,easting,northing,la rows, as `hearth returns validate
/// --postcodes` reads them; rows that do not read are left out.
fn postcode_index(bytes: &[u8]) -> PostcodeIndex {
    let mut index = PostcodeIndex::default();
    for (_, fields) in records("postcodes", bytes).unwrap_or_default() {
        let [postcode, easting, northing, la] = fields.as_slice() else {
            continue;
        };
        if let (Ok(easting), Ok(northing)) = (easting.trim().parse(), northing.trim().parse()) {
            let la = la.trim().to_owned();
            index.insert(postcode, PostcodePlace { easting, northing, la });
        }
    }
    index
}

/// urn,codes,provider code,deregistered,postcode,la rows.
fn provider_list(bytes: &[u8]) -> BTreeMap<String, OfstedProvider> {
    let blank = |text: &str| (!text.trim().is_empty()).then(|| text.trim().to_owned());
    let mut list = BTreeMap::new();
    for (_, fields) in records("providers", bytes).unwrap_or_default() {
        let [urn, codes, provider, deregistered, postcode, la] = fields.as_slice() else {
            continue;
        };
        let provider = OfstedProvider {
            placement_codes: codes.split_whitespace().map(str::to_owned).collect(),
            provider_code: blank(provider),
            deregistered: parse_uk_date(deregistered),
            postcode: blank(postcode),
            la: blank(la),
        };
        list.insert(urn.trim().to_owned(), provider);
    }
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_split_on_their_marker_lines() {
        let input = sections(b"year 2025/26\nstray\n== Episodes\nC1,x\n== prev header\r\nC2\n");
        assert_eq!(input.year, Some(default_year()));
        let names: Vec<&str> = input.sections.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["input.csv", "Episodes", "prev header"]);
        assert_eq!(input.sections[1].body, b"C1,x\n");
        assert_eq!(input.sections[2].body, b"C2\n");
    }
}
