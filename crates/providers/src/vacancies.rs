//! Providers' vacancies, imported as CSV: read all or nothing, every
//! problem naming its line and column.
//!
//! Header, in this order (UTF-8, comma-separated, RFC 4180 quoting):
//!
//! ```text
//! registration_number,recorded_on,places,note
//! ```
//!
//! - `registration_number`: the setting's Ofsted URN or CIW service number,
//!   as held on the register.
//! - `recorded_on`: the date the provider gave the figure (YYYY-MM-DD).
//! - `places`: vacancies on that date, 0 to 500.
//! - `note`: free text (ages, sharing), may be empty.

use serde::Serialize;
use time::Date;

use crate::exchange::{records, FeedError};

pub const VACANCY_COLUMNS: [&str; 4] = ["registration_number", "recorded_on", "places", "note"];

/// One vacancy line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VacancyLine {
    pub line: usize,
    pub registration_number: String,
    pub recorded_on: Date,
    pub places: u32,
    pub note: String,
}

/// Reads the file; `known` says whether a registration number is on the
/// register, and `today` refuses dates in the future.
pub fn read_vacancies(text: &str, known: impl Fn(&str) -> bool, today: Date) -> Result<Vec<VacancyLine>, Vec<FeedError>> {
    let records = records(text).map_err(|e| vec![e])?;
    let Some(((_, header), rows)) = records.split_first() else {
        return Err(vec![FeedError::whole_file("the file is empty; expected a header line")]);
    };
    if header.iter().map(|h| h.trim()).collect::<Vec<_>>() != VACANCY_COLUMNS {
        return Err(vec![FeedError::whole_file(format!(
            "the header must be {}",
            VACANCY_COLUMNS.join(",")
        ))]);
    }
    let mut errors = Vec::new();
    let mut lines = Vec::new();
    for (line, fields) in rows {
        let fail = |errors: &mut Vec<FeedError>, column: usize, message: String| {
            errors.push(FeedError::at(*line, VACANCY_COLUMNS[column], message));
        };
        if fields.len() != VACANCY_COLUMNS.len() {
            errors.push(FeedError::at(
                *line,
                "-",
                format!("expected {} fields, found {}", VACANCY_COLUMNS.len(), fields.len()),
            ));
            continue;
        }
        let number = fields[0].trim().to_owned();
        if !known(&number) {
            fail(&mut errors, 0, format!("no setting on the register has the number '{number}'"));
        }
        let recorded_on = kernel::dates::parse_iso_date(fields[1].trim()).ok();
        match recorded_on {
            None => fail(&mut errors, 1, format!("expected a date as YYYY-MM-DD, not '{}'", fields[1].trim())),
            Some(on) if on > today => fail(&mut errors, 1, "the date cannot be in the future".to_owned()),
            Some(_) => {}
        }
        let places = fields[2].trim().parse::<u32>().ok().filter(|p| *p <= 500);
        if places.is_none() {
            fail(
                &mut errors,
                2,
                format!("expected a whole number from 0 to 500, not '{}'", fields[2].trim()),
            );
        }
        if let (Some(recorded_on), Some(places)) = (recorded_on, places) {
            lines.push(VacancyLine {
                line: *line,
                registration_number: number,
                recorded_on,
                places,
                note: fields[3].trim().to_owned(),
            });
        }
    }
    if errors.is_empty() {
        Ok(lines)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 22);

    fn known(n: &str) -> bool {
        n == "SC123456" || n == "SIN-00012345-ABCD"
    }

    #[test]
    fn a_good_file_reads_every_line() {
        let text = "registration_number,recorded_on,places,note\nSC123456,2026-11-20,2,\"boys, 12-16\"\nSIN-00012345-ABCD,2026-11-21,0,\n";
        let lines = read_vacancies(text, known, TODAY).unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].note, "boys, 12-16");
        assert_eq!(lines[1].places, 0);
    }

    #[test]
    fn any_bad_line_refuses_the_whole_file_naming_line_and_column() {
        let text =
            "registration_number,recorded_on,places,note\nSC123456,2026-11-20,2,\nSC999999,2027-01-01,many,\nSC123456,20/11/2026,1,\n";
        let errors = read_vacancies(text, known, TODAY).unwrap_err();
        let places: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            places,
            [
                "line 3, column registration_number: no setting on the register has the number 'SC999999'",
                "line 3, column recorded_on: the date cannot be in the future",
                "line 3, column places: expected a whole number from 0 to 500, not 'many'",
                "line 4, column recorded_on: expected a date as YYYY-MM-DD, not '20/11/2026'",
            ]
        );
        assert!(read_vacancies("urn,places\n", known, TODAY).unwrap_err()[0]
            .message
            .contains("header"));
    }
}
