//! Table downloads for list pages: one builder, written as CSV or XLSX.
//!
//! A list page's download handler fills a [`Table`] row by row (the first
//! row is the header) and answers with [`Table::into_download`] in the
//! [`Format`] the person asked for with `?format=csv` or `?format=xlsx`
//! (CSV when absent; a path ending `.csv`, kept for links already shared,
//! is always CSV).
//!
//! CSV cells are quoted per RFC 4180, and any cell a spreadsheet would
//! treat as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage
//! return) is prefixed with an apostrophe, so an exported name cannot run
//! code in Excel. XLSX cells are always written as strings, never as
//! formulas, so they need no guard and keep their exact text; the header
//! row is bold and frozen, with an autofilter and column widths fitted to
//! the text. A spreadsheet cell holds at most 32,767 characters: longer
//! text (an audit event's record, say) is cut there in XLSX, and is whole
//! in CSV.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format as CellFormat, Workbook, XlsxError};

use crate::error::AppError;

/// The media type of an XLSX workbook.
pub const XLSX_CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The most characters a spreadsheet cell holds.
const MAX_CELL_CHARS: usize = 32_767;

/// The rows a worksheet holds, the header included.
const MAX_ROWS: usize = 1_048_576;

/// The file format of a download.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Csv,
    Xlsx,
}

impl Format {
    /// `csv` or `xlsx`, as in the query and the file name.
    pub fn code(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    /// Reads `?format=`; an unknown value is a mistake to report, not CSV.
    pub fn from_query(query: Option<&str>) -> Result<Format, AppError> {
        let value = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .find(|(key, _)| key == "format")
            .map(|(_, value)| value.into_owned());
        match value.as_deref().map(str::trim) {
            None | Some("") | Some("csv") => Ok(Format::Csv),
            Some("xlsx") => Ok(Format::Xlsx),
            Some(_) => Err(AppError::invalid("format", "Choose a download format: csv or xlsx")),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Format {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Format, AppError> {
        if parts.uri.path().ends_with(".csv") {
            return Ok(Format::Csv);
        }
        Format::from_query(parts.uri.query())
    }
}

/// The two download links of a list page, keeping its filters: rendered
/// by `templates/downloads.html` as "Download CSV" and "Download XLSX".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Downloads {
    /// What is downloaded, for screen readers: "these children".
    pub what: String,
    pub csv: String,
    pub xlsx: String,
}

impl Downloads {
    /// Links to `path` with the page's filter `query` (already encoded,
    /// possibly empty) and `format=`.
    pub fn new(what: &str, path: &str, query: &str) -> Downloads {
        let link = |format: Format| {
            let query = query.trim_start_matches(['?', '&']);
            if query.is_empty() {
                format!("{path}?format={}", format.code())
            } else {
                format!("{path}?{query}&format={}", format.code())
            }
        };
        Downloads {
            what: what.to_owned(),
            csv: link(Format::Csv),
            xlsx: link(Format::Xlsx),
        }
    }
}

/// A table to download, built row by row; the first row is the header.
#[derive(Debug, Default)]
pub struct Table {
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn row<I, S>(&mut self, cells: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.rows.push(cells.into_iter().map(|c| c.as_ref().to_owned()).collect());
    }

    /// The table as CSV text.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        for row in &self.rows {
            let cells: Vec<String> = row.iter().map(|c| escape(c)).collect();
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
        }
        out
    }

    /// The table as an XLSX workbook of one sheet named `sheet`.
    pub fn to_xlsx(&self, sheet: &str) -> Result<Vec<u8>, XlsxError> {
        let mut book = Workbook::new();
        let worksheet = book.add_worksheet();
        worksheet.set_name(sheet_name(sheet))?;
        let bold = CellFormat::new().set_bold();
        let columns = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let mut widths = vec![8usize; columns];
        for (r, row) in self.rows.iter().enumerate() {
            let r = u32::try_from(r).map_err(|_| XlsxError::RowColumnLimitError)?;
            for (c, cell) in row.iter().enumerate() {
                let c = u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)?;
                let text = clip(cell);
                if r == 0 {
                    worksheet.write_string_with_format(r, c, text, &bold)?;
                } else {
                    worksheet.write_string(r, c, text)?;
                }
                let longest = text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
                let width = &mut widths[usize::from(c)];
                *width = (*width).max(longest + 2).min(60);
            }
        }
        for (c, width) in widths.iter().enumerate() {
            let c = u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)?;
            worksheet.set_column_width(c, u32::try_from(*width).unwrap_or(60))?;
        }
        if columns > 0 && !self.rows.is_empty() {
            let last_row = u32::try_from(self.rows.len() - 1).map_err(|_| XlsxError::RowColumnLimitError)?;
            let last_col = u16::try_from(columns - 1).map_err(|_| XlsxError::RowColumnLimitError)?;
            worksheet.set_freeze_panes(1, 0)?;
            worksheet.autofilter(0, 0, last_row, last_col)?;
        }
        book.save_to_buffer()
    }

    /// A download named `stem` with the format's extension.
    pub fn into_download(self, stem: &str, format: Format) -> Result<Response, AppError> {
        let filename = format!("{stem}.{}", format.code());
        let disposition = format!("attachment; filename=\"{filename}\"");
        match format {
            Format::Csv => Ok((
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                self.to_csv(),
            )
                .into_response()),
            Format::Xlsx => {
                if self.rows.len() > MAX_ROWS {
                    return Err(AppError::invalid(
                        "format",
                        "This list is longer than a spreadsheet holds; narrow it with the filters or download it as CSV",
                    ));
                }
                let bytes = self
                    .to_xlsx(stem)
                    .map_err(|e| AppError::Internal(format!("writing {filename}: {e}")))?;
                Ok((
                    [
                        (header::CONTENT_TYPE, XLSX_CONTENT_TYPE.to_owned()),
                        (header::CONTENT_DISPOSITION, disposition),
                    ],
                    bytes,
                )
                    .into_response())
            }
        }
    }
}

/// A worksheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(stem: &str) -> String {
    let cleaned: String = stem
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .take(31)
        .collect();
    let cleaned = cleaned.trim_matches('\'').to_owned();
    if cleaned.is_empty() {
        "Sheet1".to_owned()
    } else {
        cleaned
    }
}

/// The text cut to what a cell holds, at a character boundary.
fn clip(text: &str) -> &str {
    match text.char_indices().nth(MAX_CELL_CHARS) {
        Some((at, _)) => &text[..at],
        None => text,
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
    use std::io::Read;

    use super::*;

    fn table() -> Table {
        let mut table = Table::default();
        table.row(["name", "note"]);
        table.row(["a", "b,c"]);
        table.row(["say \"hi\"", "=SUM(A1)"]);
        table.row(["-1", "@cmd"]);
        table
    }

    #[test]
    fn csv_quotes_and_guards_cells() {
        assert_eq!(
            table().to_csv(),
            "name,note\r\na,\"b,c\"\r\n\"say \"\"hi\"\"\",'=SUM(A1)\r\n'-1,'@cmd\r\n"
        );
    }

    #[test]
    fn xlsx_is_a_workbook_of_strings_with_a_bold_frozen_filtered_header() {
        let bytes = table().to_xlsx("children").unwrap();
        assert!(bytes.starts_with(b"PK\x03\x04"));
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut read = |name: &str| {
            let mut text = String::new();
            archive.by_name(name).unwrap().read_to_string(&mut text).unwrap();
            text
        };
        let strings = read("xl/sharedStrings.xml");
        for text in ["name", "note", "b,c", "=SUM(A1)", "@cmd"] {
            assert!(strings.contains(&format!(">{text}<")), "{text} in {strings}");
        }
        let sheet = read("xl/worksheets/sheet1.xml");
        assert!(!sheet.contains("<f>"), "no formulas: {sheet}");
        assert!(sheet.contains("<autoFilter ref=\"A1:B4\""), "{sheet}");
        assert!(sheet.contains("state=\"frozen\""), "{sheet}");
        assert!(sheet.contains("<col "), "{sheet}");
        let styles = read("xl/styles.xml");
        assert!(styles.contains("<b/>"), "{styles}");
        assert!(read("xl/workbook.xml").contains("name=\"children\""));
    }

    #[test]
    fn format_comes_from_the_query() {
        assert_eq!(Format::from_query(None).unwrap(), Format::Csv);
        assert_eq!(Format::from_query(Some("q=x&format=xlsx")).unwrap(), Format::Xlsx);
        assert_eq!(Format::from_query(Some("format=csv")).unwrap(), Format::Csv);
        assert!(Format::from_query(Some("format=pdf")).is_err());
    }

    #[test]
    fn download_links_keep_the_filters() {
        let links = Downloads::new("these", "/agreements/export", "q=a+b&ending=soon");
        assert_eq!(links.csv, "/agreements/export?q=a+b&ending=soon&format=csv");
        assert_eq!(links.xlsx, "/agreements/export?q=a+b&ending=soon&format=xlsx");
        assert_eq!(Downloads::new("these", "/panels/export", "").xlsx, "/panels/export?format=xlsx");
    }

    #[test]
    fn sheet_names_and_long_cells_fit_excel() {
        assert_eq!(sheet_name("a/b"), "a-b");
        assert_eq!(sheet_name(&"x".repeat(40)).len(), 31);
        let long = "é".repeat(MAX_CELL_CHARS + 5);
        assert_eq!(clip(&long).chars().count(), MAX_CELL_CHARS);
    }
}
