//! The twelve SSDA903 tables: their exact column sets (names, case and
//! count must match; order is free on reading, fixed on writing), file names
//! and the years that have them.
//!
//! A table is recognised by its column set, not its file name, as the DfE's
//! tools do: an extra or missing column makes a file unrecognisable.

use std::collections::BTreeSet;
use std::fmt;

use super::year::CollectionYear;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TableKind {
    Header,
    Episodes,
    Uasc,
    Reviews,
    Oc2,
    Oc3,
    Ad1,
    PlacedAdoption,
    PrevPerm,
    Missing,
    SwEpisodes,
    Dolo,
}

impl TableKind {
    pub const ALL: [TableKind; 12] = [
        TableKind::Header,
        TableKind::Episodes,
        TableKind::Uasc,
        TableKind::Reviews,
        TableKind::Oc2,
        TableKind::Oc3,
        TableKind::Ad1,
        TableKind::PlacedAdoption,
        TableKind::PrevPerm,
        TableKind::Missing,
        TableKind::SwEpisodes,
        TableKind::Dolo,
    ];

    /// The DfE's name for the table.
    pub fn name(self) -> &'static str {
        match self {
            TableKind::Header => "Header",
            TableKind::Episodes => "Episodes",
            TableKind::Uasc => "UASC",
            TableKind::Reviews => "Reviews",
            TableKind::Oc2 => "OC2",
            TableKind::Oc3 => "OC3",
            TableKind::Ad1 => "AD1",
            TableKind::PlacedAdoption => "PlacedAdoption",
            TableKind::PrevPerm => "PrevPerm",
            TableKind::Missing => "Missing",
            TableKind::SwEpisodes => "SWEpisodes",
            TableKind::Dolo => "DoLo",
        }
    }

    /// The file name Hearth writes (the one the DfE's fixtures use).
    pub fn file_name(self) -> &'static str {
        match self {
            TableKind::Header => "header.csv",
            TableKind::Episodes => "episodes.csv",
            TableKind::Uasc => "uasc.csv",
            TableKind::Reviews => "reviews.csv",
            TableKind::Oc2 => "oc2.csv",
            TableKind::Oc3 => "oc3.csv",
            TableKind::Ad1 => "ad1.csv",
            TableKind::PlacedAdoption => "placed_for_adoption.csv",
            TableKind::PrevPerm => "previous_permanence.csv",
            TableKind::Missing => "missing.csv",
            TableKind::SwEpisodes => "sw_episodes.csv",
            TableKind::Dolo => "DoLo.csv",
        }
    }

    /// The columns, in the order Hearth writes them.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            TableKind::Header => &["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
            TableKind::Episodes => &[
                "CHILD",
                "DECOM",
                "RNE",
                "LS",
                "CIN",
                "PLACE",
                "PLACE_PROVIDER",
                "DEC",
                "REC",
                "REASON_PLACE_CHANGE",
                "HOME_POST",
                "PL_POST",
                "URN",
            ],
            TableKind::Uasc => &["CHILD", "SEX", "DOB", "DUC"],
            TableKind::Reviews => &["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
            TableKind::Oc2 => &[
                "CHILD",
                "DOB",
                "SDQ_SCORE",
                "SDQ_REASON",
                "CONVICTED",
                "HEALTH_CHECK",
                "IMMUNISATIONS",
                "TEETH_CHECK",
                "HEALTH_ASSESSMENT",
                "SUBSTANCE_MISUSE",
                "INTERVENTION_RECEIVED",
                "INTERVENTION_OFFERED",
            ],
            TableKind::Oc3 => &["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"],
            TableKind::Ad1 => &[
                "CHILD",
                "DOB",
                "DATE_INT",
                "DATE_MATCH",
                "FOSTER_CARE",
                "NB_ADOPTR",
                "SEX_ADOPTR",
                "LS_ADOPTR",
            ],
            TableKind::PlacedAdoption => &["CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"],
            TableKind::PrevPerm => &["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"],
            TableKind::Missing => &["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
            TableKind::SwEpisodes => &["CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"],
            TableKind::Dolo => &["CHILD", "DOB", "DOLO_START", "DOLO_END"],
        }
    }

    /// Whether the year's return has this table: social-worker episodes from
    /// 2023-24, deprivation of liberty orders from 2026-27.
    pub fn in_year(self, year: CollectionYear) -> bool {
        match self {
            TableKind::SwEpisodes => year.ending() >= 2024,
            TableKind::Dolo => year.ending() >= 2027,
            _ => true,
        }
    }

    /// The tables of a year, in order.
    pub fn of_year(year: CollectionYear) -> impl Iterator<Item = TableKind> {
        TableKind::ALL.into_iter().filter(move |t| t.in_year(year))
    }

    /// The table whose column set is exactly `columns` (any order).
    pub fn recognise<S: AsRef<str>>(columns: &[S]) -> Option<TableKind> {
        let given: BTreeSet<&str> = columns.iter().map(|c| c.as_ref().trim()).collect();
        if given.len() != columns.len() {
            return None;
        }
        TableKind::ALL
            .into_iter()
            .find(|t| t.columns().len() == given.len() && t.columns().iter().all(|c| given.contains(c)))
    }
}

impl fmt::Display for TableKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_is_recognised_by_its_columns_in_any_order() {
        for table in TableKind::ALL {
            let mut columns: Vec<&str> = table.columns().to_vec();
            columns.reverse();
            assert_eq!(TableKind::recognise(&columns), Some(table));
        }
    }

    #[test]
    fn an_extra_or_missing_column_is_not_a_table() {
        let mut columns = TableKind::Header.columns().to_vec();
        columns.push("UASC");
        assert_eq!(TableKind::recognise(&columns), None);
        assert_eq!(TableKind::recognise(&["CHILD", "SEX"]), None);
        assert_eq!(
            TableKind::recognise(&["child", "sex", "dob", "ethnic", "upn", "mother", "mc_dob"]),
            None
        );
    }

    #[test]
    fn social_worker_episodes_and_dolo_come_with_their_years() {
        let y = |e| CollectionYear::new(e).unwrap();
        assert!(!TableKind::SwEpisodes.in_year(y(2023)));
        assert!(TableKind::SwEpisodes.in_year(y(2024)));
        assert!(!TableKind::Dolo.in_year(y(2026)));
        assert!(TableKind::Dolo.in_year(y(2027)));
        assert_eq!(TableKind::of_year(y(2026)).count(), 11);
    }
}
