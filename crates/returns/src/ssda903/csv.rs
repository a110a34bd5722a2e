//! The CSV form of the tables: UTF-8 (a byte-order mark is fine), a first
//! line of column names, one row per line, RFC 4180 quoting.
//!
//! Reading is all or nothing: every problem is reported, by file, line and
//! column, and no table is returned if there is one. Cell values are not
//! judged here (a bad code or date is the rules' business); only what stops
//! a file being read as a table is.

use std::fmt;

use super::model::{self, Return, Row};
use super::tables::TableKind;
use super::year::CollectionYear;

/// A problem reading a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvError {
    pub file: String,
    /// 1-based; 0 for the file as a whole.
    pub line: u32,
    pub column: Option<String>,
    pub message: String,
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_located(f, &self.file, self.line, self.column.as_deref(), &self.message)
    }
}

/// "file, line N, column C: message", leaving out what is not known: the
/// one way every reader of the return's files names a problem.
pub(crate) fn write_located(f: &mut fmt::Formatter<'_>, file: &str, line: u32, column: Option<&str>, message: &str) -> fmt::Result {
    write!(f, "{file}")?;
    if line > 0 {
        write!(f, ", line {line}")?;
    }
    if let Some(column) = column {
        write!(f, ", column {column}")?;
    }
    write!(f, ": {message}")
}

/// A file's records, each with the line it starts on.
pub fn records(file: &str, bytes: &[u8]) -> Result<Vec<(u32, Vec<String>)>, CsvError> {
    let whole = |message: &str| CsvError {
        file: file.to_owned(),
        line: 0,
        column: None,
        message: message.to_owned(),
    };
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(whole("the file is UTF-16; save it as UTF-8 CSV"));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() + 1;
        CsvError {
            file: file.to_owned(),
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: None,
            message: "the file is not UTF-8; save it as UTF-8 CSV".to_owned(),
        }
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    parse(text).map_err(|line| CsvError {
        file: file.to_owned(),
        line,
        column: None,
        message: "a quoted value is not closed".to_owned(),
    })
}

/// RFC 4180: fields split by commas, quotes around fields holding commas,
/// quotes or line breaks, doubled quotes inside. Blank lines are skipped.
/// On an unclosed quote, the line it opened on.
fn parse(text: &str) -> Result<Vec<(u32, Vec<String>)>, u32> {
    let mut out = Vec::new();
    let mut line: u32 = 1;
    let mut chars = text.chars().peekable();
    while chars.peek().is_some() {
        let start_line = line;
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        loop {
            match chars.next() {
                None if quoted => return Err(start_line),
                None => break,
                Some('"') if quoted => {
                    if chars.peek() == Some(&'"') {
                        chars.next();
                        field.push('"');
                    } else {
                        quoted = false;
                    }
                }
                Some('"') if field.is_empty() => quoted = true,
                Some(c) if quoted => {
                    if c == '\n' {
                        line += 1;
                    }
                    field.push(c);
                }
                Some(',') => fields.push(std::mem::take(&mut field)),
                Some('\r') if chars.peek() == Some(&'\n') => {}
                Some('\n') => {
                    line += 1;
                    break;
                }
                Some(c) => field.push(c),
            }
        }
        fields.push(field);
        if !(fields.len() == 1 && fields[0].trim().is_empty()) {
            out.push((start_line, fields));
        }
    }
    Ok(out)
}

/// One file read as a table: which table, and its rows' cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableFile {
    pub table: TableKind,
    pub rows: Vec<(u32, Vec<Option<String>>)>,
}

/// Reads a file as whichever table its columns say it is. Cells are
/// trimmed and upper-cased; blank cells are `None`.
pub fn read_table(file: &str, bytes: &[u8]) -> Result<TableFile, Vec<CsvError>> {
    let mut records = records(file, bytes).map_err(|e| vec![e])?.into_iter();
    let Some((_, names)) = records.next() else {
        return Err(vec![CsvError {
            file: file.to_owned(),
            line: 1,
            column: None,
            message: "the file is empty; the first line must name the columns".to_owned(),
        }]);
    };
    let Some(table) = TableKind::recognise(&names) else {
        return Err(vec![CsvError {
            file: file.to_owned(),
            line: 1,
            column: None,
            message: format!(
                "the columns ({}) are not those of any SSDA903 table; each table's columns are listed in docs/formats.md",
                names.join(", ")
            ),
        }]);
    };
    // Where each of the table's columns sits in this file.
    let positions: Vec<usize> = table
        .columns()
        .iter()
        .map(|c| {
            names
                .iter()
                .position(|n| n.trim() == *c)
                .expect("recognised columns are all present")
        })
        .collect();
    let mut problems = Vec::new();
    let mut rows = Vec::with_capacity(records.len());
    for (line, fields) in records {
        if fields.len() != names.len() {
            problems.push(CsvError {
                file: file.to_owned(),
                line,
                column: None,
                message: format!("the row has {} values but the file has {} columns", fields.len(), names.len()),
            });
            continue;
        }
        let cells = positions.iter().map(|&p| cell(&fields[p])).collect();
        rows.push((line, cells));
    }
    if problems.is_empty() {
        Ok(TableFile { table, rows })
    } else {
        Err(problems)
    }
}

fn cell(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_uppercase())
}

/// Reads a year's files into a return. A table given twice is an error
/// (the DfE's tool silently keeps the later one; we say so instead).
pub fn read_return(year: CollectionYear, files: &[(String, Vec<u8>)]) -> Result<Return, Vec<CsvError>> {
    let mut ret = Return::empty(year);
    let mut problems = Vec::new();
    let mut seen: Vec<(TableKind, &str)> = Vec::new();
    for (name, bytes) in files {
        match read_table(name, bytes) {
            Ok(file) => {
                if let Some((_, first)) = seen.iter().find(|(t, _)| *t == file.table) {
                    problems.push(CsvError {
                        file: name.clone(),
                        line: 1,
                        column: None,
                        message: format!("{} is already given by {first}; give each table once", file.table),
                    });
                    continue;
                }
                seen.push((file.table, name));
                add(&mut ret, file);
            }
            Err(mut errors) => problems.append(&mut errors),
        }
    }
    if problems.is_empty() {
        Ok(ret)
    } else {
        Err(problems)
    }
}

fn add(ret: &mut Return, file: TableFile) {
    fn rows<R: Row>(file: TableFile) -> Vec<R> {
        file.rows.into_iter().map(|(line, cells)| R::from_cells(line, cells)).collect()
    }
    ret.supplied.push(file.table);
    match file.table {
        TableKind::Header => ret.header = rows(file),
        TableKind::Episodes => ret.episodes = rows(file),
        TableKind::Uasc => ret.uasc = rows(file),
        TableKind::Reviews => ret.reviews = rows(file),
        TableKind::Oc2 => ret.oc2 = rows(file),
        TableKind::Oc3 => ret.oc3 = rows(file),
        TableKind::Ad1 => ret.ad1 = rows(file),
        TableKind::PlacedAdoption => ret.placed_adoption = rows(file),
        TableKind::PrevPerm => ret.prev_perm = rows(file),
        TableKind::Missing => ret.missing = rows(file),
        TableKind::SwEpisodes => ret.sw_episodes = rows(file),
        TableKind::Dolo => ret.dolo = rows(file),
    }
}

/// A table as CSV text: the column names, then the rows, CRLF line ends as
/// RFC 4180 says, quoted only where needed.
pub fn write_table(ret: &Return, table: TableKind) -> String {
    let mut out = String::new();
    push_line(&mut out, table.columns().iter().map(|c| Some(*c)));
    for cells in ret.table_cells(table) {
        push_line(&mut out, cells.into_iter());
    }
    out
}

fn push_line<'a>(out: &mut String, cells: impl Iterator<Item = Option<&'a str>>) {
    for (index, cell) in cells.enumerate() {
        if index > 0 {
            out.push(',');
        }
        let text = cell.unwrap_or("");
        if text.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&text.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(text);
        }
    }
    out.push_str("\r\n");
}

/// dd/mm/yyyy, re-exported for callers writing their own rows.
pub use model::format_uk_date;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_keep_commas_quotes_and_line_breaks() {
        let got = parse("a,\"b,c\",\"d\"\"e\"\r\n\"f\ng\",h\n\nlast").unwrap();
        assert_eq!(got[0], (1, vec!["a".into(), "b,c".into(), "d\"e".into()]));
        assert_eq!(got[1], (2, vec!["f\ng".into(), "h".into()]));
        assert_eq!(got[2], (5, vec!["last".into()]));
        assert_eq!(parse("a,\"open\nb"), Err(1));
    }

    #[test]
    fn a_table_is_read_whatever_its_column_order_and_written_in_the_dfe_order() {
        let text = "\u{feff}DUC,CHILD,SEX,DOB\r\n,c1,m,01/02/2010\r\n";
        let file = read_table("uasc.csv", text.as_bytes()).unwrap();
        assert_eq!(file.table, TableKind::Uasc);
        assert_eq!(
            file.rows[0].1,
            vec![Some("C1".into()), Some("M".into()), Some("01/02/2010".into()), None]
        );
        let year = CollectionYear::new(2026).unwrap();
        let ret = read_return(year, &[("uasc.csv".into(), text.as_bytes().to_vec())]).unwrap();
        assert_eq!(write_table(&ret, TableKind::Uasc), "CHILD,SEX,DOB,DUC\r\nC1,M,01/02/2010,\r\n");
    }

    #[test]
    fn problems_name_the_file_and_line() {
        let bad = read_table("x.csv", b"CHILD,SEX\n1,2\n").unwrap_err();
        assert_eq!(bad[0].line, 1);
        assert!(
            bad[0].to_string().starts_with("x.csv, line 1: the columns (CHILD, SEX)"),
            "{}",
            bad[0]
        );
        let short = read_table("u.csv", b"CHILD,SEX,DOB,DUC\nC1,M\n").unwrap_err();
        assert_eq!(
            short[0].to_string(),
            "u.csv, line 2: the row has 2 values but the file has 4 columns"
        );
        let utf16 = read_table("w.csv", &[0xFF, 0xFE, b'C', 0]).unwrap_err();
        assert!(utf16[0].message.contains("UTF-8"));
    }

    #[test]
    fn a_table_given_twice_is_refused() {
        let year = CollectionYear::new(2026).unwrap();
        let file = b"CHILD,SEX,DOB,DUC\n".to_vec();
        let err = read_return(year, &[("a.csv".into(), file.clone()), ("b.csv".into(), file)]).unwrap_err();
        assert_eq!(err[0].file, "b.csv");
    }
}
