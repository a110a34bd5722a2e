//! Reading typed values from form text, with messages that name the field.

use time::Date;

use crate::error::FieldError;

/// Accepts 27/3/2012, 27-03-2012 or 2012-03-27 (what date inputs send).
pub fn parse_date(text: &str) -> Option<Date> {
    let text = text.trim();
    if let Ok(date) = kernel::dates::parse_iso_date(text) {
        return Some(date);
    }
    let parts: Vec<&str> = text.split(['/', '-', '.', ' ']).filter(|p| !p.is_empty()).collect();
    let [day, month, year] = parts.as_slice() else {
        return None;
    };
    let month = time::Month::try_from(month.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(year.parse().ok()?, month, day.parse().ok()?).ok()
}

/// A required date field.
pub fn required_date(field: &str, label: &str, text: &str, errors: &mut Vec<FieldError>) -> Option<Date> {
    let date = parse_date(text);
    if date.is_none() {
        errors.push(FieldError::new(
            field,
            format!("Enter {label} as a real date, for example 27/3/2026"),
        ));
    }
    date
}

/// A required choice from a code set valid on `on`.
pub fn required_code(
    codes: &children::codes::CodeSets,
    set: &str,
    field: &str,
    label: &str,
    text: &str,
    on: Date,
    errors: &mut Vec<FieldError>,
) -> String {
    let code = text.trim().to_owned();
    if code.is_empty() {
        errors.push(FieldError::new(field, format!("Select {label}")));
    } else if let Err(message) = codes.check(set, &code, on) {
        errors.push(FieldError::new(field, message));
    }
    code
}

#[cfg(test)]
mod tests {
    use super::parse_date;
    use time::macros::date;

    #[test]
    fn dates_in_uk_and_iso_forms() {
        assert_eq!(parse_date("27/3/2012"), Some(date!(2012 - 03 - 27)));
        assert_eq!(parse_date("27-03-2012"), Some(date!(2012 - 03 - 27)));
        assert_eq!(parse_date("2012-03-27"), Some(date!(2012 - 03 - 27)));
        assert_eq!(parse_date("31/2/2012"), None);
        assert_eq!(parse_date("soon"), None);
    }
}
