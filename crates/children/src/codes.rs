//! Code sets as versioned reference data.
//!
//! The DfE changes codes between collection years (SEX 1/2 became M/F/U in
//! 2024-25; placement codes H5 and Z1 were retired, K3 and Z11–Z14 added),
//! so codes live in `data/code-sets.tsv` with the years they apply to, not
//! in enums. A code is checked against the collection year of the date it
//! describes.

use std::collections::BTreeMap;

use time::{Date, Month};

const DATA: &str = include_str!("../data/code-sets.tsv");

/// One code and the years it is valid in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    pub code: String,
    pub label: String,
    /// First collection year (inclusive), if limited.
    pub from_year: Option<i32>,
    /// Last collection year (inclusive), if limited.
    pub to_year: Option<i32>,
}

impl Code {
    pub fn valid_in(&self, year: i32) -> bool {
        self.from_year.is_none_or(|from| year >= from) && self.to_year.is_none_or(|to| year <= to)
    }
}

/// All code sets, by name.
#[derive(Debug, Clone)]
pub struct CodeSets {
    sets: BTreeMap<String, Vec<Code>>,
}

/// The collection year a date falls in: the year ending 31 March.
pub fn collection_year(date: Date) -> i32 {
    if date.month() >= Month::April {
        date.year() + 1
    } else {
        date.year()
    }
}

impl CodeSets {
    /// The code sets shipped with Hearth.
    pub fn standard() -> CodeSets {
        let mut sets: BTreeMap<String, Vec<Code>> = BTreeMap::new();
        for line in DATA.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')) {
            let fields: Vec<&str> = line.split('\t').collect();
            if fields.len() < 5 {
                continue;
            }
            sets.entry(fields[0].to_owned()).or_default().push(Code {
                code: fields[1].to_owned(),
                label: fields[2].to_owned(),
                from_year: fields[3].parse().ok(),
                to_year: fields[4].parse().ok(),
            });
        }
        CodeSets { sets }
    }

    /// Codes of `set` valid in the collection year of `on`.
    pub fn current(&self, set: &str, on: Date) -> Vec<&Code> {
        let year = collection_year(on);
        self.sets
            .get(set)
            .map(|codes| codes.iter().filter(|c| c.valid_in(year)).collect())
            .unwrap_or_default()
    }

    /// Whether `code` is in `set` and valid on `on`.
    pub fn is_valid(&self, set: &str, code: &str, on: Date) -> bool {
        let year = collection_year(on);
        self.sets
            .get(set)
            .is_some_and(|codes| codes.iter().any(|c| c.code == code && c.valid_in(year)))
    }

    /// The label for `code`, whatever its years, or the code itself.
    pub fn label<'a>(&'a self, set: &str, code: &'a str) -> &'a str {
        self.sets
            .get(set)
            .and_then(|codes| codes.iter().find(|c| c.code == code))
            .map_or(code, |c| c.label.as_str())
    }

    /// Checks a code, naming the set and year in the message.
    pub fn check(&self, set: &str, code: &str, on: Date) -> Result<(), String> {
        if self.is_valid(set, code, on) {
            Ok(())
        } else {
            let year = collection_year(on);
            Err(format!(
                "'{code}' is not a {} code in {}-{:02}",
                set.replace('-', " "),
                year - 1,
                year % 100
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn sex_codes_changed_in_2024_25() {
        let codes = CodeSets::standard();
        assert!(codes.is_valid("sex", "1", date!(2024 - 03 - 31)));
        assert!(!codes.is_valid("sex", "1", date!(2024 - 04 - 01)));
        assert!(codes.is_valid("sex", "M", date!(2024 - 04 - 01)));
        assert!(!codes.is_valid("sex", "M", date!(2023 - 06 - 01)));
    }

    #[test]
    fn placement_codes_follow_their_years() {
        let codes = CodeSets::standard();
        assert!(codes.is_valid("place", "K3", date!(2026 - 11 - 22)));
        assert!(!codes.is_valid("place", "H5", date!(2026 - 11 - 22)));
        assert!(codes.is_valid("place", "H5", date!(2024 - 11 - 22)));
        assert!(codes.is_valid("place", "Z13", date!(2026 - 01 - 01)));
        assert!(!codes.is_valid("place", "Z13", date!(2025 - 01 - 01)));
        assert_eq!(
            codes.check("place", "Z1", date!(2026 - 11 - 22)).unwrap_err(),
            "'Z1' is not a place code in 2026-27"
        );
    }

    #[test]
    fn every_legal_status_in_the_brief_is_present() {
        let codes = CodeSets::standard();
        for code in ["C1", "C2", "D1", "E1", "V2", "V3", "V4", "L1", "L2", "L3", "J1", "J2", "J3"] {
            assert!(codes.is_valid("legal-status", code, date!(2026 - 11 - 22)), "{code}");
        }
        assert_eq!(codes.current("ethnicity", date!(2026 - 11 - 22)).len(), 20);
        assert_eq!(codes.label("ethnicity", "CHNE"), "Chinese");
    }
}
