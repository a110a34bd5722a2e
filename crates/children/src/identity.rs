//! Identity values: the council's child id, names, and age on a date.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::Date;

/// The council's own id for a child (SSDA903 `CHILD`): up to 20 characters,
/// letters, digits and hyphens, never reused for another child.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LaChildId(String);

/// Why a child id was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LaChildIdError {
    #[error("enter the child's id")]
    Empty,
    #[error("the child's id must be 20 characters or fewer")]
    TooLong,
    #[error("the child's id can only contain letters, numbers and hyphens")]
    BadCharacter,
}

impl LaChildId {
    pub fn parse(text: &str) -> Result<LaChildId, LaChildIdError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(LaChildIdError::Empty);
        }
        if text.chars().count() > 20 {
            return Err(LaChildIdError::TooLong);
        }
        if !text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(LaChildIdError::BadCharacter);
        }
        Ok(LaChildId(text.to_ascii_uppercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for LaChildId {
    type Error = LaChildIdError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        LaChildId::parse(&value)
    }
}

impl From<LaChildId> for String {
    fn from(value: LaChildId) -> String {
        value.0
    }
}

impl fmt::Display for LaChildId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A child's recorded names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildName {
    pub given_names: String,
    pub family_name: String,
}

impl ChildName {
    /// "Family, Given" as used in lists sorted by surname.
    pub fn sortable(&self) -> String {
        format!("{}, {}", self.family_name, self.given_names)
    }

    pub fn full(&self) -> String {
        format!("{} {}", self.given_names, self.family_name)
    }
}

/// Age in whole years on `on`; a child born on 29 February has their birthday
/// on 28 February in non-leap years, as in UK law for majority.
pub fn age_on(date_of_birth: Date, on: Date) -> i32 {
    let mut age = on.year() - date_of_birth.year();
    let birthday_this_year = birthday_in(date_of_birth, on.year());
    if on < birthday_this_year {
        age -= 1;
    }
    age.max(0)
}

fn birthday_in(date_of_birth: Date, year: i32) -> Date {
    Date::from_calendar_date(year, date_of_birth.month(), date_of_birth.day())
        .or_else(|_| Date::from_calendar_date(year, date_of_birth.month(), 28))
        .unwrap_or(date_of_birth)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn child_ids_are_checked() {
        assert_eq!(LaChildId::parse(" ab-12 ").unwrap().as_str(), "AB-12");
        assert_eq!(LaChildId::parse(""), Err(LaChildIdError::Empty));
        assert_eq!(LaChildId::parse(&"X".repeat(21)), Err(LaChildIdError::TooLong));
        assert_eq!(LaChildId::parse("A B"), Err(LaChildIdError::BadCharacter));
        assert!(LaChildId::parse(&"X".repeat(20)).is_ok());
    }

    #[test]
    fn age_counts_whole_years() {
        assert_eq!(age_on(date!(2010 - 05 - 10), date!(2026 - 05 - 09)), 15);
        assert_eq!(age_on(date!(2010 - 05 - 10), date!(2026 - 05 - 10)), 16);
    }

    #[test]
    fn leap_day_birthdays_fall_on_28_february() {
        assert_eq!(age_on(date!(2008 - 02 - 29), date!(2026 - 02 - 27)), 17);
        assert_eq!(age_on(date!(2008 - 02 - 29), date!(2026 - 02 - 28)), 18);
        assert_eq!(age_on(date!(2008 - 02 - 29), date!(2028 - 02 - 29)), 20);
    }
}
