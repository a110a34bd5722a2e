//! CSV downloads for list pages.
//!
//! Cells are quoted per RFC 4180, and any cell a spreadsheet would treat as
//! a formula (starting with `=`, `+`, `-`, `@`, tab or carriage return) is
//! prefixed with an apostrophe, so an exported name cannot run code in Excel.

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// Builds a CSV file row by row.
#[derive(Debug, Default)]
pub struct CsvWriter {
    out: String,
}

impl CsvWriter {
    pub fn row<I, S>(&mut self, cells: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut first = true;
        for cell in cells {
            if !first {
                self.out.push(',');
            }
            first = false;
            self.out.push_str(&escape(cell.as_ref()));
        }
        self.out.push_str("\r\n");
    }

    /// A download response named `filename`.
    pub fn into_download(self, filename: &str) -> Response {
        (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
            ],
            self.out,
        )
            .into_response()
    }
}

fn escape(cell: &str) -> String {
    let guarded = if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_guards_cells() {
        let mut csv = CsvWriter::default();
        csv.row(["a", "b,c", "say \"hi\"", "=SUM(A1)", "-1"]);
        assert_eq!(csv.out, "a,\"b,c\",\"say \"\"hi\"\"\",'=SUM(A1),'-1\r\n");
    }
}
