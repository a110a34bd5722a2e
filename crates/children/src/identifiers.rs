//! National identifiers: NHS numbers and unique pupil numbers.

/// Why an identifier was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentifierError {
    #[error("an NHS number is 10 digits, like 943 476 5919")]
    NhsFormat,
    #[error("that NHS number's check digit is wrong; check it was copied correctly")]
    NhsCheckDigit,
    #[error("a UPN is a letter followed by 11 digits and a final digit or letter, like A123456789012, or UN1 to UN5 when unknown")]
    UpnFormat,
}

/// Checks an NHS number (spaces allowed) with its modulus 11 check digit,
/// returning the 10 digits.
pub fn parse_nhs_number(text: &str) -> Result<String, IdentifierError> {
    let digits: String = text.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    if digits.len() != 10 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(IdentifierError::NhsFormat);
    }
    let values: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
    let total: u32 = values[..9]
        .iter()
        .enumerate()
        .map(|(i, d)| d * (10 - u32::try_from(i).unwrap_or(0)))
        .sum();
    let check = 11 - (total % 11);
    let check = if check == 11 { 0 } else { check };
    if check == 10 || check != values[9] {
        return Err(IdentifierError::NhsCheckDigit);
    }
    Ok(digits)
}

/// Checks the shape of a unique pupil number, or an "unknown" code UN1–UN5.
pub fn parse_upn(text: &str) -> Result<String, IdentifierError> {
    let upn = text.trim().to_ascii_uppercase();
    if ["UN1", "UN2", "UN3", "UN4", "UN5"].contains(&upn.as_str()) {
        return Ok(upn);
    }
    let chars: Vec<char> = upn.chars().collect();
    let shaped = chars.len() == 13
        && chars[0].is_ascii_alphabetic()
        && chars[1..12].iter().all(char::is_ascii_digit)
        && chars[12].is_ascii_alphanumeric();
    if shaped {
        Ok(upn)
    } else {
        Err(IdentifierError::UpnFormat)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nhs_numbers_are_checked() {
        assert_eq!(parse_nhs_number("943 476 5919"), Ok("9434765919".into()));
        assert_eq!(parse_nhs_number("9434765918"), Err(IdentifierError::NhsCheckDigit));
        assert_eq!(parse_nhs_number("12345"), Err(IdentifierError::NhsFormat));
    }

    #[test]
    fn upns_are_checked() {
        assert!(parse_upn("a123456789012").is_ok());
        assert_eq!(parse_upn("UN4"), Ok("UN4".into()));
        assert!(parse_upn("123").is_err());
    }
}
