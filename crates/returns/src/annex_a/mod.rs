//! Ofsted's Annex A (the ILACS inspection data lists) for the lists Hearth
//! holds the data for: list 8 (children in care), list 9 (care leavers)
//! and list 10 (adoption). Lists 1 to 7 (contacts, early help, referrals,
//! assessments, section 47 enquiries, children in need, child protection)
//! and list 11 (adopters) are kept in the council's case management
//! system, not in Hearth, so they are not produced here.
//!
//! Each list is a sheet with Ofsted's column headings, in Ofsted's order
//! (as in the template's schema, see `shared/reference/data-standards.md`
//! §5), and one row of cell text per child: dates dd/mm/yyyy, answers with
//! Ofsted's letters ("a) Yes"). A column Hearth does not record (a
//! dental check date, the IRO's last contact, the permanence plan, the
//! placement's local authority) is left blank, never guessed.
//!
//! Who is on each list, as Ofsted asks, for an inspection starting on the
//! as-at date:
//! - list 8: every child looked after on the as-at date, and every child
//!   who ceased to be looked after in the window before it (six months in
//!   Ofsted's guidance; the caller passes the window's first day). Short
//!   breaks (V3, V4) are left out. Counts "in the last 12 months" look
//!   back 12 months from the as-at date whatever the window.
//! - list 9: young people entitled to leaving-care services on the as-at
//!   date, derived from the care history (see [`leavers`]).
//! - list 10: children with a decision that they should be placed for
//!   adoption who, in the 12 months before the as-at date, were adopted,
//!   had the decision reversed, or are still waiting.
//!
//! Pure: facts in, rows out. The store loads the facts; the web crate
//! writes the workbook.

mod codes;
mod leavers;
mod list8;
#[cfg(test)]
mod tests;

use time::Date;

pub use crate::ssda903::facts::ChildFacts;
pub use leavers::{list_10, list_9};
pub use list8::list_8;

/// One Annex A list: its number, title and Ofsted's column headings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListDef {
    pub number: u8,
    pub title: &'static str,
    pub headings: &'static [&'static str],
}

impl ListDef {
    /// The worksheet name: "List 8".
    pub fn sheet_name(&self) -> String {
        format!("List {}", self.number)
    }
}

const COMMON: [&str; 5] = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"];

/// List 8: children in care.
pub const LIST_8: ListDef = ListDef {
    number: 8,
    title: "Children in care",
    headings: &[
        COMMON[0],
        COMMON[1],
        COMMON[2],
        COMMON[3],
        COMMON[4],
        "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
        "Does the Child have a Disability",
        "Date Started to be Looked After",
        "Child's Category of Need",
        "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)",
        "Start date of current legal status",
        "Child's Legal Status",
        "Date of Latest Statutory Review",
        "Date of Last Social Work Visit",
        "What is the permanence plan for this child?",
        "Date of Last IRO Visit / Contact to the Child",
        "Date of Last Health Assessment",
        "Date of Last Dental Check",
        "Number of Placements in the Last 12 months",
        "Date Ceased to be Looked After",
        "Reason Ceased to be Looked After",
        "Start Date of Most Recent Placement",
        "Placement Type",
        "Placement Provider",
        "Placement postcode",
        "URN of Placement",
        "Placement Location",
        "LA of Placement",
        "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months",
        "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months",
        "Was the child offered a Return Interview after their last missing episode (Y/N)?",
        "Did the child accept a Return Interview after their last missing episode (Y/N)?",
        "Allocated Team",
        "Allocated Worker",
    ],
};

/// List 9: care leavers.
pub const LIST_9: ListDef = ListDef {
    number: 9,
    title: "Care leavers",
    headings: &[
        COMMON[0],
        COMMON[1],
        COMMON[2],
        COMMON[3],
        COMMON[4],
        "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)",
        "Does the Child have a Disability",
        "Allocated Team",
        "Allocated Worker",
        "Allocated Personal Advisor",
        "Eligibility Category",
        "Latest Pathway Plan Review Date",
        "LA in Touch",
        "Latest Date of Contact",
        "Type of Accommodation",
        "Suitability of Accommodation",
        "Activity Status",
    ],
};

/// List 10: adoption.
pub const LIST_10: ListDef = ListDef {
    number: 10,
    title: "Adoption",
    headings: &[
        COMMON[0],
        "Family identifier",
        COMMON[1],
        COMMON[2],
        COMMON[3],
        COMMON[4],
        "Does the Child have a Disability",
        "Date the Child Entered Care",
        "Date of Decision that Child Should be Placed for Adoption",
        "Date of Placement Order",
        "Date of Matching Child and Prospective Adopters",
        "Date Placed for Adoption",
        "Date of Adoption Order",
        "Date of Decision that Child Should No Longer be Placed for Adoption",
        "Reason Why Child No Longer Placed for Adoption",
        "Date the child was placed for fostering in FFA or concurrent planning placement",
    ],
};

/// The lists Hearth produces, in order.
pub const LISTS: [ListDef; 3] = [LIST_8, LIST_9, LIST_10];

/// What Annex A needs about a child beyond the SSDA903 facts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChildExtra {
    /// Disability codes as recorded (NONE for none); empty when nothing is
    /// recorded, which Annex A calls "unknown".
    pub disabilities: Vec<String>,
    pub team: Option<String>,
    pub worker: Option<String>,
    /// Statutory visits by the social worker.
    pub visits: Vec<Date>,
    pub health_assessments: Vec<Date>,
}

impl ChildExtra {
    fn disability(&self) -> String {
        if self.disabilities.is_empty() {
            return codes::yes_no_unknown(None);
        }
        codes::yes_no(self.disabilities.iter().any(|d| d != "NONE"))
    }
}

/// One child's facts with the extra, as the lists take them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Child {
    pub facts: ChildFacts,
    pub extra: ChildExtra,
}

/// The rows of each list Hearth produces, with its definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct List {
    pub def: ListDef,
    pub rows: Vec<Vec<String>>,
}

/// Every list for an inspection starting on `as_at`, list 8's window
/// starting on `window_start`.
pub fn lists(children: &[Child], as_at: Date, window_start: Date) -> Vec<List> {
    vec![
        List {
            def: LIST_8,
            rows: list_8(children, as_at, window_start),
        },
        List {
            def: LIST_9,
            rows: list_9(children, as_at),
        },
        List {
            def: LIST_10,
            rows: list_10(children, as_at),
        },
    ]
}

/// The first day of the default list 8 window: six months before `as_at`.
pub fn default_window_start(as_at: Date) -> Date {
    months_before(as_at, 6)
}

/// `date` less `months` calendar months, clamped to the month's end.
pub fn months_before(date: Date, months: u32) -> Date {
    let zero_based = i64::from(date.year()) * 12 + i64::from(date.month() as u8) - 1 - i64::from(months);
    let year = i32::try_from(zero_based.div_euclid(12)).unwrap_or(date.year());
    let month = u8::try_from(zero_based.rem_euclid(12) + 1).unwrap_or(1);
    let month = time::Month::try_from(month).unwrap_or(time::Month::January);
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).unwrap_or(date)
}

/// dd/mm/yyyy.
fn uk(date: Date) -> String {
    kernel::dates::format_uk_date(date)
}

fn uk_opt(date: Option<Date>) -> String {
    date.map(uk).unwrap_or_default()
}

/// The five columns every child list starts with.
fn common(facts: &ChildFacts, as_at: Date) -> [String; 5] {
    let age = if facts.dob > as_at {
        -1
    } else {
        children::identity::age_on(facts.dob, as_at)
    };
    [
        facts.child.clone(),
        codes::gender(&facts.sex),
        codes::ethnicity(&facts.ethnicity),
        uk(facts.dob),
        age.to_string(),
    ]
}

/// The latest of `dates` on or before `as_at` and on or after `from`.
fn latest_between(dates: impl IntoIterator<Item = Date>, from: Date, as_at: Date) -> Option<Date> {
    dates.into_iter().filter(|d| *d >= from && *d <= as_at).max()
}
