//! Money in whole pence.
//!
//! Floats cannot represent most pence exactly, and a payment run that is out
//! by a penny fails reconciliation, so money is an `i64` count of pence with
//! checked arithmetic. Division (pro-rata, apportioning) rounds half away
//! from zero, and [`Money::allocate`] splits an amount so the parts add up
//! exactly.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An amount of money in pence; negative amounts are credits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Money(i64);

/// Arithmetic that would not fit in 64 bits of pence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("the amount is too large to hold")]
    Overflow,
    #[error("cannot divide money by zero")]
    DivideByZero,
}

/// Why typed text is not an amount.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyParseError {
    #[error("enter an amount")]
    Empty,
    #[error("enter an amount in pounds and pence, like 1250.00")]
    NotANumber,
    #[error("enter no more than 2 decimal places (pence)")]
    TooManyDecimals,
    #[error("the amount is too large")]
    TooLarge,
}

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_pence(pence: i64) -> Money {
        Money(pence)
    }

    /// Whole pounds; saturates rather than wrapping for absurd inputs.
    pub const fn from_pounds(pounds: i64) -> Money {
        Money(pounds.saturating_mul(100))
    }

    pub const fn pence(self) -> i64 {
        self.0
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.0.checked_add(other.0).map(Money).ok_or(MoneyError::Overflow)
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.0.checked_sub(other.0).map(Money).ok_or(MoneyError::Overflow)
    }

    pub fn checked_mul(self, factor: i64) -> Result<Money, MoneyError> {
        self.0.checked_mul(factor).map(Money).ok_or(MoneyError::Overflow)
    }

    pub fn checked_neg(self) -> Result<Money, MoneyError> {
        self.0.checked_neg().map(Money).ok_or(MoneyError::Overflow)
    }

    /// Adds up amounts, failing rather than wrapping.
    pub fn sum(amounts: impl IntoIterator<Item = Money>) -> Result<Money, MoneyError> {
        amounts.into_iter().try_fold(Money::ZERO, Money::checked_add)
    }

    /// `self × numerator ÷ denominator`, rounded half away from zero; for
    /// example a weekly rate for 3 days is `weekly.apportion(3, 7)`.
    pub fn apportion(self, numerator: i64, denominator: i64) -> Result<Money, MoneyError> {
        if denominator == 0 {
            return Err(MoneyError::DivideByZero);
        }
        let product = i128::from(self.0) * i128::from(numerator);
        let denominator = i128::from(denominator);
        let quotient = product / denominator;
        let remainder = product % denominator;
        // Round half away from zero: compare twice the remainder with the divisor.
        let rounded = if 2 * remainder.abs() >= denominator.abs() {
            quotient + if (product < 0) != (denominator < 0) { -1 } else { 1 }
        } else {
            quotient
        };
        i64::try_from(rounded).map(Money).map_err(|_| MoneyError::Overflow)
    }

    /// Splits `self` in proportion to `weights` so the parts sum exactly to
    /// `self` (largest remainder first). All-zero weights give all-zero parts
    /// except the first, which takes the whole amount.
    pub fn allocate(self, weights: &[u64]) -> Vec<Money> {
        if weights.is_empty() {
            return Vec::new();
        }
        let total: u128 = weights.iter().map(|w| u128::from(*w)).sum();
        if total == 0 {
            let mut parts = vec![Money::ZERO; weights.len()];
            parts[0] = self;
            return parts;
        }
        let amount = i128::from(self.0);
        let magnitude = amount.unsigned_abs();
        let sign: i128 = if amount < 0 { -1 } else { 1 };
        let mut parts: Vec<u128> = weights.iter().map(|w| magnitude * u128::from(*w) / total).collect();
        let mut remainders: Vec<(u128, usize)> = weights
            .iter()
            .enumerate()
            .map(|(i, w)| ((magnitude * u128::from(*w)) % total, i))
            .collect();
        remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let shortfall = magnitude - parts.iter().sum::<u128>();
        for (_, index) in remainders.into_iter().take(usize::try_from(shortfall).unwrap_or(usize::MAX)) {
            parts[index] += 1;
        }
        parts
            .into_iter()
            .map(|p| Money(i64::try_from(sign * i128::try_from(p).unwrap_or(0)).unwrap_or(0)))
            .collect()
    }

    /// Parses "1234", "1234.5", "£1,234.56" or "-12.30" into pence.
    pub fn parse(text: &str) -> Result<Money, MoneyParseError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(MoneyParseError::Empty);
        }
        let (negative, rest) = match text.strip_prefix('-') {
            Some(rest) => (true, rest.trim_start()),
            None => (false, text),
        };
        let rest = rest.strip_prefix('£').unwrap_or(rest);
        let (pounds_text, pence_text) = match rest.split_once('.') {
            Some((pounds, pence)) => (pounds, Some(pence)),
            None => (rest, None),
        };
        let pounds_digits = strip_thousands_commas(pounds_text).ok_or(MoneyParseError::NotANumber)?;
        if pounds_digits.is_empty() && pence_text.is_none() {
            return Err(MoneyParseError::NotANumber);
        }
        let pounds: i64 = if pounds_digits.is_empty() {
            0
        } else {
            pounds_digits.parse().map_err(|_| MoneyParseError::TooLarge)?
        };
        let pence: i64 = match pence_text {
            None => 0,
            Some(p) if p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()) => return Err(MoneyParseError::NotANumber),
            Some(p) if p.len() > 2 => return Err(MoneyParseError::TooManyDecimals),
            Some(p) if p.len() == 1 => p.parse::<i64>().map_err(|_| MoneyParseError::NotANumber)? * 10,
            Some(p) => p.parse().map_err(|_| MoneyParseError::NotANumber)?,
        };
        let total = pounds
            .checked_mul(100)
            .and_then(|p| p.checked_add(pence))
            .ok_or(MoneyParseError::TooLarge)?;
        Ok(Money(if negative { -total } else { total }))
    }
}

/// "1,234" → "1234"; commas must separate groups of exactly three digits.
fn strip_thousands_commas(text: &str) -> Option<String> {
    if !text.chars().all(|c| c.is_ascii_digit() || c == ',') {
        return None;
    }
    if !text.contains(',') {
        return Some(text.to_owned());
    }
    let groups: Vec<&str> = text.split(',').collect();
    let first_ok = !groups[0].is_empty() && groups[0].len() <= 3;
    let rest_ok = groups[1..].iter().all(|g| g.len() == 3);
    (first_ok && rest_ok).then(|| groups.concat())
}

impl fmt::Display for Money {
    /// `£1,234.56`, or `-£1,234.56` for credits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let magnitude = self.0.unsigned_abs();
        let pounds = (magnitude / 100).to_string();
        let mut grouped = String::with_capacity(pounds.len() + pounds.len() / 3);
        for (index, digit) in pounds.chars().enumerate() {
            if index > 0 && (pounds.len() - index).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        let sign = if self.0 < 0 { "-" } else { "" };
        write!(f, "{sign}£{grouped}.{:02}", magnitude % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn displays_in_pounds_with_grouping() {
        assert_eq!(Money::from_pence(123_456).to_string(), "£1,234.56");
        assert_eq!(Money::from_pence(-5).to_string(), "-£0.05");
        assert_eq!(Money::ZERO.to_string(), "£0.00");
        assert_eq!(Money::from_pounds(1_000_000).to_string(), "£1,000,000.00");
    }

    #[test]
    fn parses_what_people_type() {
        assert_eq!(Money::parse("1234"), Ok(Money::from_pence(123_400)));
        assert_eq!(Money::parse("1234.5"), Ok(Money::from_pence(123_450)));
        assert_eq!(Money::parse(" £1,234.56 "), Ok(Money::from_pence(123_456)));
        assert_eq!(Money::parse("-12.30"), Ok(Money::from_pence(-1_230)));
        assert_eq!(Money::parse(".5"), Ok(Money::from_pence(50)));
        assert_eq!(Money::parse(""), Err(MoneyParseError::Empty));
        assert_eq!(Money::parse("12.345"), Err(MoneyParseError::TooManyDecimals));
        assert_eq!(Money::parse("12a"), Err(MoneyParseError::NotANumber));
        assert_eq!(Money::parse("1,23"), Err(MoneyParseError::NotANumber));
        assert_eq!(Money::parse("99999999999999999999"), Err(MoneyParseError::TooLarge));
    }

    #[test]
    fn apportion_rounds_half_away_from_zero() {
        let weekly = Money::from_pence(100_000);
        assert_eq!(weekly.apportion(3, 7), Ok(Money::from_pence(42_857)));
        assert_eq!(Money::from_pence(5).apportion(1, 2), Ok(Money::from_pence(3)));
        assert_eq!(Money::from_pence(-5).apportion(1, 2), Ok(Money::from_pence(-3)));
        assert_eq!(weekly.apportion(1, 0), Err(MoneyError::DivideByZero));
    }

    #[test]
    fn overflow_is_an_error_not_a_wrap() {
        assert_eq!(
            Money::from_pence(i64::MAX).checked_add(Money::from_pence(1)),
            Err(MoneyError::Overflow)
        );
        assert_eq!(
            Money::sum([Money::from_pence(i64::MAX), Money::from_pence(1)]),
            Err(MoneyError::Overflow)
        );
    }

    proptest! {
        #[test]
        fn allocation_sums_exactly(pence in -10_000_000i64..10_000_000, weights in proptest::collection::vec(0u64..1000, 1..8)) {
            let parts = Money::from_pence(pence).allocate(&weights);
            prop_assert_eq!(parts.len(), weights.len());
            prop_assert_eq!(Money::sum(parts).unwrap(), Money::from_pence(pence));
        }

        #[test]
        fn display_then_parse_round_trips(pence in -1_000_000_000i64..1_000_000_000) {
            let money = Money::from_pence(pence);
            prop_assert_eq!(Money::parse(&money.to_string()), Ok(money));
        }

        #[test]
        fn apportioning_whole_is_identity(pence in -1_000_000_000i64..1_000_000_000, days in 1i64..400) {
            prop_assert_eq!(Money::from_pence(pence).apportion(days, days), Ok(Money::from_pence(pence)));
        }
    }
}
