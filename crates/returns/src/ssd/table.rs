//! One SSD table read from its CSV file: columns found by name (any case,
//! extra columns ignored), cells read as text or dates, and every problem
//! named by file, line and column.

use std::collections::HashMap;

use time::{Date, Month};

use crate::ssda903::csv;

/// A problem in an SSD extract, said where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct SsdError {
    pub file: String,
    /// 1-based; 0 for the file (or the extract) as a whole.
    pub line: u32,
    pub column: Option<String>,
    pub message: String,
}

impl SsdError {
    pub(crate) fn whole(file: &str, message: impl Into<String>) -> SsdError {
        SsdError {
            file: file.to_owned(),
            line: 0,
            column: None,
            message: message.into(),
        }
    }

    fn describe(&self) -> String {
        let mut text = self.file.clone();
        if self.line > 0 {
            text.push_str(&format!(", line {}", self.line));
        }
        if let Some(column) = &self.column {
            text.push_str(&format!(", column {column}"));
        }
        format!("{text}: {}", self.message)
    }
}

/// A table's header and its data records.
#[derive(Debug)]
pub(crate) struct Table {
    pub file: String,
    columns: HashMap<String, usize>,
    records: Vec<(u32, Vec<String>)>,
}

impl Table {
    /// Reads `bytes` as the table in `file`, which must have every column
    /// in `required`.
    pub fn read(file: &str, bytes: &[u8], required: &[&str]) -> Result<Table, Vec<SsdError>> {
        let mut records = csv::records(file, bytes).map_err(|e| {
            vec![SsdError {
                file: e.file,
                line: e.line,
                column: e.column,
                message: e.message,
            }]
        })?;
        if records.is_empty() {
            return Err(vec![SsdError::whole(
                file,
                "the file is empty; it needs at least a line of column names",
            )]);
        }
        let (_, header) = records.remove(0);
        let columns: HashMap<String, usize> = header
            .iter()
            .enumerate()
            .map(|(i, name)| (name.trim().to_ascii_lowercase(), i))
            .collect();
        let missing: Vec<SsdError> = required
            .iter()
            .filter(|name| !columns.contains_key(**name))
            .map(|name| SsdError {
                file: file.to_owned(),
                line: 1,
                column: Some((*name).to_owned()),
                message: "this column is required but the file does not have it".to_owned(),
            })
            .collect();
        if !missing.is_empty() {
            return Err(missing);
        }
        Ok(Table {
            file: file.to_owned(),
            columns,
            records,
        })
    }

    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.records.iter().map(|(line, cells)| Row {
            table: self,
            line: *line,
            cells,
        })
    }
}

/// One data line of a table.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Row<'t> {
    table: &'t Table,
    pub line: u32,
    cells: &'t [String],
}

impl Row<'_> {
    pub fn error(&self, column: &str, message: impl Into<String>) -> SsdError {
        SsdError {
            file: self.table.file.clone(),
            line: self.line,
            column: Some(column.to_owned()),
            message: message.into(),
        }
    }

    /// The trimmed cell, or `None` when the column is absent or the cell is
    /// blank or SQL's `NULL`.
    pub fn text(&self, column: &str) -> Option<String> {
        let cell = self.cells.get(*self.table.columns.get(column)?)?.trim();
        (!cell.is_empty() && !cell.eq_ignore_ascii_case("null")).then(|| cell.to_owned())
    }

    pub fn required(&self, column: &str) -> Result<String, SsdError> {
        self.text(column).ok_or_else(|| self.error(column, "a value is required here"))
    }

    pub fn date(&self, column: &str) -> Result<Option<Date>, SsdError> {
        self.text(column)
            .map(|text| {
                parse_date(&text).ok_or_else(|| self.error(column, format!("'{text}' is not a date; use yyyy-mm-dd or dd/mm/yyyy")))
            })
            .transpose()
    }

    pub fn required_date(&self, column: &str) -> Result<Date, SsdError> {
        self.date(column)?.ok_or_else(|| self.error(column, "a date is required here"))
    }

    /// A Y/N flag; blank is `None`.
    pub fn flag(&self, column: &str) -> Result<Option<bool>, SsdError> {
        match self.text(column).map(|t| t.to_ascii_uppercase()).as_deref() {
            None => Ok(None),
            Some("Y" | "YES" | "1" | "TRUE") => Ok(Some(true)),
            Some("N" | "NO" | "0" | "FALSE") => Ok(Some(false)),
            Some(other) => Err(self.error(column, format!("'{other}' is not Y or N"))),
        }
    }
}

/// `yyyy-mm-dd` (with or without a time after it, as SQL Server writes
/// datetimes) or `dd/mm/yyyy`.
pub fn parse_date(text: &str) -> Option<Date> {
    let text = text.trim();
    let (year, month, day) = if let Some((d, rest)) = text.split_once('/') {
        let (m, y) = rest.split_once('/')?;
        let y = y.split_whitespace().next()?;
        (y, m, d)
    } else {
        let date = text.split([' ', 'T']).next()?;
        let mut parts = date.split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        (y, m, d)
    };
    if year.len() != 4 || !(1..=2).contains(&month.len()) || !(1..=2).contains(&day.len()) {
        return None;
    }
    let month = Month::try_from(month.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(year.parse().ok()?, month, day.parse().ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn dates_in_the_forms_ssd_extracts_use() {
        assert_eq!(parse_date("2024-03-05"), Some(date!(2024 - 03 - 05)));
        assert_eq!(parse_date("2024-03-05 00:00:00.000"), Some(date!(2024 - 03 - 05)));
        assert_eq!(parse_date("2024-03-05T10:00:00"), Some(date!(2024 - 03 - 05)));
        assert_eq!(parse_date("05/03/2024"), Some(date!(2024 - 03 - 05)));
        assert_eq!(parse_date("5/3/2024"), Some(date!(2024 - 03 - 05)));
        assert_eq!(parse_date("31/02/2024"), None);
        assert_eq!(parse_date("2024/03/05"), None);
        assert_eq!(parse_date("yesterday"), None);
    }

    #[test]
    fn columns_are_found_in_any_case_and_required_ones_named() {
        let table = Table::read("t.csv", b"A_ID,Extra\r\n1,x\r\n", &["a_id"]).unwrap();
        let row = table.rows().next().unwrap();
        assert_eq!(row.text("a_id").as_deref(), Some("1"));
        assert_eq!(row.line, 2);
        let errors = Table::read("t.csv", b"a_id\n1\n", &["a_id", "b_date"]).unwrap_err();
        assert_eq!(
            errors[0].to_string(),
            "t.csv, line 1, column b_date: this column is required but the file does not have it"
        );
    }
}
