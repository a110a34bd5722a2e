//! The regional consortium's provider feed: a documented CSV format, read
//! all or nothing. Every problem names its line and column; one bad row
//! means nothing is imported.
//!
//! The feed has this header, in this order (UTF-8, comma-separated, fields
//! quoted per RFC 4180 when they hold commas, quotes or line breaks):
//!
//! ```text
//! provider_ref,legal_name,companies_house_number,charity_number,provider_type,for_profit,legal_form,framework,lot,tier,accreditation,accredited_until,weekly_rate_pence
//! ```
//!
//! - `provider_ref`: the consortium's id for the provider, unique in the file.
//! - `companies_house_number`: empty or 8 letters and digits; `charity_number`: empty or 6 to 8 digits.
//! - `provider_type`: PR1 to PR5; `for_profit`: `yes` or `no`; `legal_form`: a
//!   [`LegalForm`] code such as `company-limited-by-guarantee`.
//! - `framework`, `lot`, `tier`: empty when the provider is not on a framework; `tier` is 1 to 9.
//! - `accreditation`: accredited, conditional, expired, not-accredited or suspended;
//!   `accredited_until`: an ISO date (YYYY-MM-DD), or empty.
//! - `weekly_rate_pence`: the framework's core weekly rate in pence, above zero; required
//!   when `framework` is given, otherwise empty.

use std::collections::HashSet;
use std::str::FromStr;

use serde::Serialize;
use time::Date;

use crate::accreditation::Status;
use crate::register::LegalForm;
use crate::ProviderType;

/// The feed's columns, in order.
pub const FEED_COLUMNS: [&str; 13] = [
    "provider_ref",
    "legal_name",
    "companies_house_number",
    "charity_number",
    "provider_type",
    "for_profit",
    "legal_form",
    "framework",
    "lot",
    "tier",
    "accreditation",
    "accredited_until",
    "weekly_rate_pence",
];

/// A problem at a place in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{unit} {line}, column {column}: {message}")]
pub struct FeedError {
    /// `line` in CSV files; `item` (1-based position in the array) in JSON.
    pub unit: &'static str,
    pub line: usize,
    pub column: String,
    pub message: String,
}

impl FeedError {
    pub fn at(line: usize, column: &str, message: impl Into<String>) -> FeedError {
        FeedError {
            unit: "line",
            line,
            column: column.to_owned(),
            message: message.into(),
        }
    }

    /// A problem with the file as a whole (reported at line 1).
    pub fn whole_file(message: impl Into<String>) -> FeedError {
        FeedError::at(1, "-", message)
    }
}

/// One provider as the consortium describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeedProvider {
    pub provider_ref: String,
    pub legal_name: String,
    pub companies_house_number: Option<String>,
    pub charity_number: Option<String>,
    pub provider_type: ProviderType,
    pub for_profit: bool,
    pub legal_form: LegalForm,
    /// (framework, lot, tier) when on a framework.
    pub framework: Option<(String, String, u8)>,
    pub accreditation: Status,
    pub accredited_until: Option<Date>,
    pub weekly_rate_pence: Option<i64>,
}

/// Splits CSV text into records of fields, with each record's line number.
pub fn records(text: &str) -> Result<Vec<(usize, Vec<String>)>, FeedError> {
    let mut out = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let (mut line, mut record_line) = (1usize, 1usize);
    let mut chars = text.strip_prefix('\u{feff}').unwrap_or(text).chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => {
                if c == '\n' {
                    line += 1;
                }
                field.push(c);
            }
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => fields.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                fields.push(std::mem::take(&mut field));
                out.push((record_line, std::mem::take(&mut fields)));
                line += 1;
                record_line = line;
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err(FeedError::at(record_line, "-", "a quoted field is not closed"));
    }
    if !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        out.push((record_line, fields));
    }
    Ok(out.into_iter().filter(|(_, f)| !(f.len() == 1 && f[0].trim().is_empty())).collect())
}

struct Row<'a> {
    unit: &'static str,
    line: usize,
    fields: &'a [String],
    errors: &'a mut Vec<FeedError>,
}

impl Row<'_> {
    fn text(&self, column: usize) -> &str {
        self.fields.get(column).map(|f| f.trim()).unwrap_or_default()
    }

    fn fail(&mut self, column: usize, message: impl Into<String>) {
        self.errors.push(FeedError {
            unit: self.unit,
            line: self.line,
            column: FEED_COLUMNS[column].to_owned(),
            message: message.into(),
        });
    }

    fn optional(&self, column: usize) -> Option<String> {
        Some(self.text(column).to_owned()).filter(|t| !t.is_empty())
    }

    fn parsed<T: FromStr>(&mut self, column: usize, message: &str) -> Option<T> {
        let parsed = self.text(column).parse().ok();
        if parsed.is_none() {
            self.fail(column, format!("{message}, not '{}'", self.text(column)));
        }
        parsed
    }
}

fn accreditation(code: &str) -> Option<Status> {
    Status::ALL.into_iter().find(|s| s.code() == code)
}

fn provider(row: &mut Row<'_>) -> Option<FeedProvider> {
    let provider_ref = row.text(0).to_owned();
    if provider_ref.is_empty() {
        row.fail(0, "give the consortium's provider reference");
    }
    let legal_name = row.text(1).to_owned();
    if legal_name.is_empty() {
        row.fail(1, "give the provider's legal name");
    }
    let companies_house_number = row.optional(2);
    if companies_house_number
        .as_ref()
        .is_some_and(|n| n.len() != 8 || !n.chars().all(|c| c.is_ascii_alphanumeric()))
    {
        row.fail(2, "a Companies House number has 8 letters and digits");
    }
    let charity_number = row.optional(3);
    if charity_number
        .as_ref()
        .is_some_and(|n| !(6..=8).contains(&n.len()) || !n.chars().all(|c| c.is_ascii_digit()))
    {
        row.fail(3, "a charity number has 6 to 8 digits");
    }
    let provider_type = row.parsed::<ProviderType>(4, "expected PR1 to PR5");
    if provider_type == Some(ProviderType::Parent) {
        row.fail(4, "PR0 (a parent) is not a provider");
    }
    let for_profit = match row.text(5) {
        "yes" => Some(true),
        "no" => Some(false),
        other => {
            let message = format!("expected yes or no, not '{other}'");
            row.fail(5, message);
            None
        }
    };
    let legal_form = row.text(6).parse::<LegalForm>().ok();
    if legal_form.is_none() {
        let codes: Vec<&str> = LegalForm::ALL.iter().map(|f| f.code()).collect();
        let message = format!("expected one of {}, not '{}'", codes.join(", "), row.text(6));
        row.fail(6, message);
    }
    let framework = match row.optional(7) {
        None => None,
        Some(name) => {
            let lot = row.text(8).to_owned();
            let tier = row.parsed::<u8>(9, "expected a tier from 1 to 9").filter(|t| (1..=9).contains(t));
            if tier.is_none() && row.text(9).parse::<u8>().is_ok() {
                row.fail(9, "expected a tier from 1 to 9");
            }
            tier.map(|tier| (name, lot, tier))
        }
    };
    let status = accreditation(row.text(10));
    if status.is_none() {
        let message = format!(
            "expected accredited, conditional, expired, not-accredited or suspended, not '{}'",
            row.text(10)
        );
        row.fail(10, message);
    }
    let accredited_until = match row.optional(11) {
        None => None,
        Some(text) => {
            let parsed = kernel::dates::parse_iso_date(&text).ok();
            if parsed.is_none() {
                row.fail(11, format!("expected a date as YYYY-MM-DD, not '{text}'"));
            }
            parsed
        }
    };
    let weekly_rate_pence = match row.optional(12) {
        None => None,
        Some(_) => row.parsed::<i64>(12, "expected whole pence"),
    };
    if weekly_rate_pence.is_some_and(|p| p <= 0) {
        row.fail(12, "expected a weekly rate above zero, in whole pence");
    } else if framework.is_some() && row.optional(12).is_none() {
        // A place on a lot without its rate would be dropped on import.
        row.fail(12, "a provider on a framework needs its weekly rate");
    }
    Some(FeedProvider {
        provider_ref,
        legal_name,
        companies_house_number,
        charity_number,
        provider_type: provider_type?,
        for_profit: for_profit?,
        legal_form: legal_form?,
        framework,
        accreditation: status?,
        accredited_until,
        weekly_rate_pence,
    })
}

/// Reads one provider from its fields in [`FEED_COLUMNS`] order, adding
/// any problems to `errors`.
pub(crate) fn provider_from_fields(
    unit: &'static str,
    line: usize,
    fields: &[String],
    errors: &mut Vec<FeedError>,
) -> Option<FeedProvider> {
    provider(&mut Row {
        unit,
        line,
        fields,
        errors,
    })
}

/// Reads a whole feed: every provider, or every problem (nothing partial).
pub fn read_feed(text: &str) -> Result<Vec<FeedProvider>, Vec<FeedError>> {
    let records = records(text).map_err(|e| vec![e])?;
    let Some(((_, header), rows)) = records.split_first() else {
        return Err(vec![FeedError::whole_file("the file is empty; expected a header line")]);
    };
    let found: Vec<&str> = header.iter().map(|h| h.trim()).collect();
    if found != FEED_COLUMNS {
        return Err(vec![FeedError::whole_file(format!(
            "the header must be {}",
            FEED_COLUMNS.join(",")
        ))]);
    }
    let mut errors = Vec::new();
    let mut providers = Vec::new();
    let mut seen = HashSet::new();
    for (line, fields) in rows {
        if fields.len() != FEED_COLUMNS.len() {
            errors.push(FeedError::at(
                *line,
                "-",
                format!("expected {} fields, found {}", FEED_COLUMNS.len(), fields.len()),
            ));
            continue;
        }
        let mut row = Row {
            unit: "line",
            line: *line,
            fields,
            errors: &mut errors,
        };
        if let Some(provider) = provider(&mut row) {
            if !seen.insert(provider.provider_ref.clone()) {
                row.fail(0, format!("provider reference '{}' appears twice", provider.provider_ref));
            }
            providers.push(provider);
        }
    }
    if errors.is_empty() {
        Ok(providers)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn feed(rows: &[&str]) -> String {
        let mut text = FEED_COLUMNS.join(",");
        for row in rows {
            text.push_str("\r\n");
            text.push_str(row);
        }
        text
    }

    const GOOD: &str =
        "4C-001,\"Brightwater Care, Ltd\",01234567,,PR4,yes,company-limited-by-shares,4Cs Residential,Lot 1,2,accredited,2027-03-31,520000";

    #[test]
    fn a_good_feed_reads_every_field() {
        let providers = read_feed(&feed(&[
            GOOD,
            "4C-002,Hope Trust,,1098765,PR5,no,charitable-incorporated-organisation,,,,conditional,,",
        ]))
        .unwrap();
        assert_eq!(providers.len(), 2);
        let first = &providers[0];
        assert_eq!(first.legal_name, "Brightwater Care, Ltd");
        assert_eq!(first.framework, Some(("4Cs Residential".into(), "Lot 1".into(), 2)));
        assert_eq!(first.accredited_until, Some(date!(2027 - 03 - 31)));
        assert_eq!(first.weekly_rate_pence, Some(520_000));
        assert!(first.for_profit);
        assert_eq!(providers[1].charity_number.as_deref(), Some("1098765"));
        assert_eq!(providers[1].framework, None);
        assert_eq!(providers[1].accreditation, Status::Conditional);
    }

    #[test]
    fn every_problem_names_its_line_and_column_and_nothing_is_read() {
        let errors = read_feed(&feed(&[
            GOOD,
            "4C-003,,123,abc,PR9,maybe,company-limited-by-shares,Frame,Lot,12,great,31/03/2027,lots",
            GOOD,
            "too,few",
        ]))
        .unwrap_err();
        let places: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.column.as_str())).collect();
        assert_eq!(
            places,
            vec![
                (3, "legal_name"),
                (3, "companies_house_number"),
                (3, "charity_number"),
                (3, "provider_type"),
                (3, "for_profit"),
                (3, "tier"),
                (3, "accreditation"),
                (3, "accredited_until"),
                (3, "weekly_rate_pence"),
                (4, "provider_ref"),
                (5, "-"),
            ]
        );
        assert_eq!(errors[0].to_string(), "line 3, column legal_name: give the provider's legal name");
    }

    #[test]
    fn a_framework_place_needs_a_rate_above_zero() {
        let negative = GOOD.replace(",520000", ",-500");
        let missing = GOOD.replace(",520000", ",").replace("4C-001", "4C-002");
        let errors = read_feed(&feed(&[&negative, &missing])).unwrap_err();
        let places: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.column.as_str())).collect();
        assert_eq!(places, vec![(2, "weekly_rate_pence"), (3, "weekly_rate_pence")]);
        assert!(errors[1].message.contains("needs its weekly rate"), "{}", errors[1]);
    }

    #[test]
    fn headers_quotes_and_empty_files_are_checked() {
        assert!(read_feed("").unwrap_err()[0].message.contains("empty"));
        assert!(read_feed("name,type\r\nA,PR4").unwrap_err()[0]
            .message
            .contains("the header must be"));
        let unclosed = read_feed(&feed(&["4C-9,\"Open quote,01234567"])).unwrap_err();
        assert_eq!(unclosed[0].message, "a quoted field is not closed");
        let records = records("a,\"b \"\"quoted\"\"\nline\",c\n\nd,e,f\n").unwrap();
        assert_eq!(records[0], (1, vec!["a".into(), "b \"quoted\"\nline".into(), "c".into()]));
        assert_eq!(
            records[1].0, 4,
            "line numbers count the line break inside quotes and skip blank lines"
        );
    }
}
