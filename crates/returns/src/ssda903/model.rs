//! The rows of a return, as read from a council's files or derived from
//! Hearth's records.
//!
//! Every cell keeps its text exactly as given (trimmed; blank is `None`), so
//! a file read and written again is the same file, and a rule can flag a
//! value that is not a code. Codes are upper-cased on reading, as the DfE's
//! tools do. Dates are parsed once, as dd/mm/yyyy, into a [`Day`].

use time::Date;

use super::tables::TableKind;
use super::year::CollectionYear;

/// A text cell: `None` when blank.
pub type Text = Option<String>;

/// A date cell: blank, a real date, or text that is not a dd/mm/yyyy date.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Day {
    raw: Option<String>,
    date: Option<Date>,
}

impl Day {
    pub fn blank() -> Day {
        Day::default()
    }

    pub fn from_raw(raw: Option<String>) -> Day {
        let date = raw.as_deref().and_then(parse_uk_date);
        Day { raw, date }
    }

    pub fn of(date: Date) -> Day {
        Day {
            raw: Some(format_uk_date(date)),
            date: Some(date),
        }
    }

    pub fn from_option(date: Option<Date>) -> Day {
        date.map(Day::of).unwrap_or_default()
    }

    /// The date, if the cell holds a real one.
    pub fn get(&self) -> Option<Date> {
        self.date
    }

    pub fn is_blank(&self) -> bool {
        self.raw.is_none()
    }

    /// Given but not a real dd/mm/yyyy date.
    pub fn is_invalid(&self) -> bool {
        self.raw.is_some() && self.date.is_none()
    }

    pub fn raw(&self) -> Option<&str> {
        self.raw.as_deref()
    }
}

/// dd/mm/yyyy (one- or two-digit day and month, four-digit year), as the
/// DfE's `%d/%m/%Y` reads it.
pub fn parse_uk_date(text: &str) -> Option<Date> {
    let mut parts = text.trim().splitn(3, '/');
    let day = number(parts.next()?, 1, 2)?;
    let month = number(parts.next()?, 1, 2)?;
    let year = number(parts.next()?, 4, 4)?;
    let month = time::Month::try_from(u8::try_from(month).ok()?).ok()?;
    Date::from_calendar_date(i32::try_from(year).ok()?, month, u8::try_from(day).ok()?).ok()
}

fn number(text: &str, min: usize, max: usize) -> Option<u32> {
    if text.len() < min || text.len() > max || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

pub fn format_uk_date(date: Date) -> String {
    format!("{:02}/{:02}/{:04}", date.day(), u8::from(date.month()), date.year())
}

/// How a cell is made from its text and turned back into it.
pub trait Cell: Sized {
    fn from_text(text: Option<String>) -> Self;
    fn text(&self) -> Option<&str>;
}

impl Cell for Text {
    fn from_text(text: Option<String>) -> Self {
        text
    }
    fn text(&self) -> Option<&str> {
        self.as_deref()
    }
}

impl Cell for Day {
    fn from_text(text: Option<String>) -> Self {
        Day::from_raw(text)
    }
    fn text(&self) -> Option<&str> {
        self.raw()
    }
}

/// A row of any table: made from and turned back into its cells in the
/// table's column order.
pub trait Row: Sized {
    const TABLE: TableKind;
    fn from_cells(line: u32, cells: Vec<Option<String>>) -> Self;
    fn cells(&self) -> Vec<Option<&str>>;
    fn child(&self) -> Option<&str>;
    fn line(&self) -> u32;
}

macro_rules! rows {
    ($( $(#[$doc:meta])* $name:ident ($kind:ident) { $( $field:ident : $ty:ty ),* $(,)? } )*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Default)]
        pub struct $name {
            /// The row's line in its file (the column names are line 1); 0
            /// for rows Hearth derived.
            pub line: u32,
            $( pub $field: $ty, )*
        }

        impl Row for $name {
            const TABLE: TableKind = TableKind::$kind;

            fn from_cells(line: u32, cells: Vec<Option<String>>) -> Self {
                let mut cells = cells.into_iter();
                $name { line, $( $field: <$ty as Cell>::from_text(cells.next().flatten()), )* }
            }

            fn cells(&self) -> Vec<Option<&str>> {
                vec![$( Cell::text(&self.$field), )*]
            }

            fn child(&self) -> Option<&str> {
                self.child.as_deref()
            }

            fn line(&self) -> u32 {
                self.line
            }
        }
    )*};
}

rows! {
    /// One child: identity and motherhood.
    Header (Header) { child: Text, sex: Text, dob: Day, ethnic: Text, upn: Text, mother: Text, mc_dob: Day }
    /// One episode of care.
    Episode (Episodes) {
        child: Text, decom: Day, rne: Text, ls: Text, cin: Text, place: Text, place_provider: Text,
        dec: Day, rec: Text, reason_place_change: Text, home_post: Text, pl_post: Text, urn: Text,
    }
    /// An unaccompanied asylum-seeking child, and when that status ceased.
    Uasc (Uasc) { child: Text, sex: Text, dob: Day, duc: Day }
    /// A statutory review and how the child took part.
    Review (Reviews) { child: Text, dob: Day, review: Day, review_code: Text }
    /// Outcomes for a child looked after continuously for twelve months.
    Oc2 (Oc2) {
        child: Text, dob: Day, sdq_score: Text, sdq_reason: Text, convicted: Text, health_check: Text,
        immunisations: Text, teeth_check: Text, health_assessment: Text, substance_misuse: Text,
        intervention_received: Text, intervention_offered: Text,
    }
    /// A care leaver around a birthday from the 17th to the 21st.
    Oc3 (Oc3) { child: Text, dob: Day, in_touch: Text, activ: Text, accom: Text }
    /// An adoption.
    Ad1 (Ad1) {
        child: Text, dob: Day, date_int: Day, date_match: Day, foster_care: Text, nb_adoptr: Text,
        sex_adoptr: Text, ls_adoptr: Text,
    }
    /// A decision that the child should be placed for adoption.
    PlacedAdoption (PlacedAdoption) {
        child: Text, dob: Day, date_placed: Day, date_placed_ceased: Day, reason_placed_ceased: Text,
    }
    /// Permanence before this period of care. DATE_PERM may use ZZ for
    /// unknown parts, so it stays text.
    PrevPerm (PrevPerm) { child: Text, dob: Day, prev_perm: Text, la_perm: Text, date_perm: Text }
    /// A spell missing or away without authorisation.
    Missing (Missing) { child: Text, dob: Day, missing: Text, mis_start: Day, mis_end: Day }
    /// A social worker's allocation.
    SwEpisode (SwEpisodes) { child: Text, dob: Day, sw_id: Text, sw_decom: Day, sw_dec: Day, sw_reason: Text }
    /// A deprivation of liberty order.
    Dolo (Dolo) { child: Text, dob: Day, dolo_start: Day, dolo_end: Day }
}

/// One year's return: every table, and which of them were supplied (a rule
/// that needs a table not supplied is skipped, not failed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Return {
    pub year: CollectionYear,
    pub supplied: Vec<TableKind>,
    pub header: Vec<Header>,
    pub episodes: Vec<Episode>,
    pub uasc: Vec<Uasc>,
    pub reviews: Vec<Review>,
    pub oc2: Vec<Oc2>,
    pub oc3: Vec<Oc3>,
    pub ad1: Vec<Ad1>,
    pub placed_adoption: Vec<PlacedAdoption>,
    pub prev_perm: Vec<PrevPerm>,
    pub missing: Vec<Missing>,
    pub sw_episodes: Vec<SwEpisode>,
    pub dolo: Vec<Dolo>,
}

impl Return {
    /// An empty return with nothing supplied.
    pub fn empty(year: CollectionYear) -> Return {
        Return {
            year,
            supplied: Vec::new(),
            header: Vec::new(),
            episodes: Vec::new(),
            uasc: Vec::new(),
            reviews: Vec::new(),
            oc2: Vec::new(),
            oc3: Vec::new(),
            ad1: Vec::new(),
            placed_adoption: Vec::new(),
            prev_perm: Vec::new(),
            missing: Vec::new(),
            sw_episodes: Vec::new(),
            dolo: Vec::new(),
        }
    }

    /// An empty return with every table of the year supplied (Hearth's own
    /// export always writes them all).
    pub fn complete(year: CollectionYear) -> Return {
        Return {
            supplied: TableKind::of_year(year).collect(),
            ..Return::empty(year)
        }
    }

    /// Adds another return's rows after this one's.
    pub fn append(&mut self, mut other: Return) {
        self.header.append(&mut other.header);
        self.episodes.append(&mut other.episodes);
        self.uasc.append(&mut other.uasc);
        self.reviews.append(&mut other.reviews);
        self.oc2.append(&mut other.oc2);
        self.oc3.append(&mut other.oc3);
        self.ad1.append(&mut other.ad1);
        self.placed_adoption.append(&mut other.placed_adoption);
        self.prev_perm.append(&mut other.prev_perm);
        self.missing.append(&mut other.missing);
        self.sw_episodes.append(&mut other.sw_episodes);
        self.dolo.append(&mut other.dolo);
    }

    pub fn has(&self, table: TableKind) -> bool {
        self.supplied.contains(&table)
    }

    /// Each table's cells in column order, for writing.
    pub fn table_cells(&self, table: TableKind) -> Vec<Vec<Option<&str>>> {
        fn all<R: Row>(rows: &[R]) -> Vec<Vec<Option<&str>>> {
            rows.iter().map(Row::cells).collect()
        }
        match table {
            TableKind::Header => all(&self.header),
            TableKind::Episodes => all(&self.episodes),
            TableKind::Uasc => all(&self.uasc),
            TableKind::Reviews => all(&self.reviews),
            TableKind::Oc2 => all(&self.oc2),
            TableKind::Oc3 => all(&self.oc3),
            TableKind::Ad1 => all(&self.ad1),
            TableKind::PlacedAdoption => all(&self.placed_adoption),
            TableKind::PrevPerm => all(&self.prev_perm),
            TableKind::Missing => all(&self.missing),
            TableKind::SwEpisodes => all(&self.sw_episodes),
            TableKind::Dolo => all(&self.dolo),
        }
    }

    /// How many rows a table has.
    pub fn len(&self, table: TableKind) -> usize {
        match table {
            TableKind::Header => self.header.len(),
            TableKind::Episodes => self.episodes.len(),
            TableKind::Uasc => self.uasc.len(),
            TableKind::Reviews => self.reviews.len(),
            TableKind::Oc2 => self.oc2.len(),
            TableKind::Oc3 => self.oc3.len(),
            TableKind::Ad1 => self.ad1.len(),
            TableKind::PlacedAdoption => self.placed_adoption.len(),
            TableKind::PrevPerm => self.prev_perm.len(),
            TableKind::Missing => self.missing.len(),
            TableKind::SwEpisodes => self.sw_episodes.len(),
            TableKind::Dolo => self.dolo.len(),
        }
    }

    /// The child id and file line of a table's row, for reports.
    pub fn locate(&self, table: TableKind, index: usize) -> (Option<&str>, u32) {
        fn at<R: Row>(rows: &[R], index: usize) -> (Option<&str>, u32) {
            rows.get(index).map(|r| (r.child(), r.line())).unwrap_or((None, 0))
        }
        match table {
            TableKind::Header => at(&self.header, index),
            TableKind::Episodes => at(&self.episodes, index),
            TableKind::Uasc => at(&self.uasc, index),
            TableKind::Reviews => at(&self.reviews, index),
            TableKind::Oc2 => at(&self.oc2, index),
            TableKind::Oc3 => at(&self.oc3, index),
            TableKind::Ad1 => at(&self.ad1, index),
            TableKind::PlacedAdoption => at(&self.placed_adoption, index),
            TableKind::PrevPerm => at(&self.prev_perm, index),
            TableKind::Missing => at(&self.missing, index),
            TableKind::SwEpisodes => at(&self.sw_episodes, index),
            TableKind::Dolo => at(&self.dolo, index),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn dates_are_day_first_and_strict() {
        assert_eq!(parse_uk_date("01/04/2025"), Some(date!(2025 - 04 - 01)));
        assert_eq!(parse_uk_date("1/4/2025"), Some(date!(2025 - 04 - 01)));
        assert_eq!(parse_uk_date("29/02/2024"), Some(date!(2024 - 02 - 29)));
        for bad in [
            "29/02/2025",
            "2025-04-01",
            "01/13/2025",
            "01/04/25",
            "aa/bb/cccc",
            "",
            "01/04/2025/1",
        ] {
            assert_eq!(parse_uk_date(bad), None, "{bad}");
        }
        assert_eq!(format_uk_date(date!(2025 - 04 - 01)), "01/04/2025");
    }

    #[test]
    fn a_row_gives_back_the_cells_it_was_made_from() {
        let cells = vec![Some("C1".to_owned()), Some("M".to_owned()), Some("31/02/2020".to_owned()), None];
        let row = Header::from_cells(2, cells);
        assert!(row.dob.is_invalid());
        assert_eq!(row.cells(), vec![Some("C1"), Some("M"), Some("31/02/2020"), None, None, None, None]);
    }
}
