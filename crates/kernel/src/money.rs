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

    /// Whole pounds, for constants and amounts already known to be sane;
    /// saturates rather than wrapping for absurd inputs. Use
    /// [`Money::checked_from_pounds`] for figures from outside (configuration).
    pub const fn from_pounds(pounds: i64) -> Money {
        Money(pounds.saturating_mul(100))
    }

    /// Whole pounds, failing rather than saturating.
    pub fn checked_from_pounds(pounds: i64) -> Result<Money, MoneyError> {
        pounds.checked_mul(100).map(Money).ok_or(MoneyError::Overflow)
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

    /// Parses what people type: "1234", "1234.5", "£1,234.56" or "-12.30"
    /// (surrounding whitespace ignored) into pence. Commas must group
    /// thousands; more than two decimal places is refused rather than
    /// rounded, because silently dropping a fraction of a penny would hide a
    /// typing mistake.
    pub fn parse(text: &str) -> Result<Money, MoneyParseError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(MoneyParseError::Empty);
        }
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let unsigned = unsigned.strip_prefix('£').unwrap_or(unsigned);
        let (pounds_text, pence_text) = match unsigned.split_once('.') {
            Some((pounds, pence)) => (pounds, Some(pence)),
            None => (unsigned, None),
        };
        let pounds_digits = strip_thousands_commas(pounds_text).ok_or(MoneyParseError::NotANumber)?;
        if pounds_digits.is_empty() && pence_text.is_none() {
            return Err(MoneyParseError::NotANumber);
        }
        let pence = match pence_text {
            None => 0,
            Some(digits) if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) => return Err(MoneyParseError::NotANumber),
            Some(digits) if digits.len() > 2 => return Err(MoneyParseError::TooManyDecimals),
            // "12.5" means 12 pounds 50, not 12 pounds 5.
            Some(digits) => parse_digits(&format!("{digits:0<2}")).ok_or(MoneyParseError::NotANumber)?,
        };
        let pounds = if pounds_digits.is_empty() {
            0
        } else {
            // The text is all digits here, so the only failure is size.
            parse_digits(&pounds_digits).ok_or(MoneyParseError::TooLarge)?
        };
        // Work in i128 so the most negative amount, whose magnitude does not
        // fit in an i64, still parses.
        let magnitude = pounds.checked_mul(100).and_then(|p| p.checked_add(pence));
        let signed = magnitude.map(|m| if negative { -m } else { m });
        signed
            .and_then(|pence| i64::try_from(pence).ok())
            .map(Money)
            .ok_or(MoneyParseError::TooLarge)
    }
}

/// Parses a non-empty run of ASCII digits; `None` if too long for i128.
fn parse_digits(digits: &str) -> Option<i128> {
    digits.parse().ok()
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

    fn pence(p: i64) -> Money {
        Money::from_pence(p)
    }

    #[test]
    fn displays_in_pounds_with_grouping() {
        assert_eq!(pence(123_456).to_string(), "£1,234.56");
        assert_eq!(pence(-123_456).to_string(), "-£1,234.56");
        assert_eq!(pence(-5).to_string(), "-£0.05");
        assert_eq!(Money::ZERO.to_string(), "£0.00");
        assert_eq!(pence(99_999).to_string(), "£999.99");
        assert_eq!(Money::from_pounds(1_000_000).to_string(), "£1,000,000.00");
        assert_eq!(pence(i64::MIN).to_string(), "-£92,233,720,368,547,758.08");
    }

    #[test]
    fn parses_what_people_type() {
        assert_eq!(Money::parse("1234"), Ok(pence(123_400)));
        assert_eq!(Money::parse("1234.5"), Ok(pence(123_450)));
        assert_eq!(Money::parse("1234.05"), Ok(pence(123_405)));
        assert_eq!(Money::parse(" £1,234.56 "), Ok(pence(123_456)));
        assert_eq!(Money::parse("-12.30"), Ok(pence(-1_230)));
        assert_eq!(Money::parse("-£1,234.56"), Ok(pence(-123_456)));
        assert_eq!(Money::parse("1,000,000"), Ok(Money::from_pounds(1_000_000)));
        assert_eq!(Money::parse(".5"), Ok(pence(50)));
        assert_eq!(Money::parse("0"), Ok(Money::ZERO));
    }

    #[test]
    fn refuses_what_is_not_an_amount() {
        assert_eq!(Money::parse(""), Err(MoneyParseError::Empty));
        assert_eq!(Money::parse("   "), Err(MoneyParseError::Empty));
        assert_eq!(Money::parse("12.345"), Err(MoneyParseError::TooManyDecimals));
        assert_eq!(Money::parse("£1,234.567"), Err(MoneyParseError::TooManyDecimals));
        for text in [
            "12a", "abc", "£", "-", "12.", ".", "1.2.3", "+5", "1 234", "£-5", "--5", "5p", "1e3", "12.3a",
        ] {
            assert_eq!(Money::parse(text), Err(MoneyParseError::NotANumber), "{text:?}");
        }
        for misplaced in ["1,23", "1,2345", ",123", "1234,567", "1,,234", "1,234,", "12,34.50", "1,234.5,6"] {
            assert_eq!(Money::parse(misplaced), Err(MoneyParseError::NotANumber), "{misplaced:?}");
        }
        assert_eq!(Money::parse("99999999999999999999"), Err(MoneyParseError::TooLarge));
        assert_eq!(Money::parse("92233720368547758.08"), Err(MoneyParseError::TooLarge));
        assert_eq!(
            MoneyParseError::NotANumber.to_string(),
            "enter an amount in pounds and pence, like 1250.00"
        );
    }

    #[test]
    fn the_extremes_parse() {
        assert_eq!(Money::parse("92,233,720,368,547,758.07"), Ok(pence(i64::MAX)));
        assert_eq!(Money::parse("-92233720368547758.08"), Ok(pence(i64::MIN)));
    }

    #[test]
    fn apportion_rounds_half_away_from_zero() {
        let weekly = pence(100_000);
        assert_eq!(weekly.apportion(3, 7), Ok(pence(42_857)));
        assert_eq!(weekly.apportion(4, 7), Ok(pence(57_143)));
        assert_eq!(pence(5).apportion(1, 2), Ok(pence(3)));
        assert_eq!(pence(-5).apportion(1, 2), Ok(pence(-3)));
        assert_eq!(pence(5).apportion(-1, 2), Ok(pence(-3)));
        assert_eq!(pence(5).apportion(1, -2), Ok(pence(-3)));
        assert_eq!(pence(7).apportion(1, 3), Ok(pence(2)));
        assert_eq!(weekly.apportion(1, 0), Err(MoneyError::DivideByZero));
        assert_eq!(pence(i64::MAX).apportion(2, 1), Err(MoneyError::Overflow));
        // The intermediate product exceeds i64 but the result fits.
        assert_eq!(pence(i64::MAX).apportion(365, 365), Ok(pence(i64::MAX)));
    }

    #[test]
    fn allocate_gives_leftover_pence_to_the_largest_remainders() {
        assert_eq!(pence(100).allocate(&[1, 1, 1]), vec![pence(34), pence(33), pence(33)]);
        assert_eq!(pence(-100).allocate(&[1, 1, 1]), vec![pence(-34), pence(-33), pence(-33)]);
        assert_eq!(pence(10).allocate(&[1, 2]), vec![pence(3), pence(7)]);
        assert_eq!(pence(5).allocate(&[0, 1]), vec![pence(0), pence(5)]);
        assert_eq!(pence(5).allocate(&[0, 0]), vec![pence(5), pence(0)]);
        assert_eq!(pence(5).allocate(&[]), Vec::<Money>::new());
        let extreme = pence(i64::MIN).allocate(&[u64::MAX, u64::MAX]);
        assert_eq!(Money::sum(extreme), Ok(pence(i64::MIN)));
    }

    #[test]
    fn overflow_is_an_error_not_a_wrap() {
        assert_eq!(pence(i64::MAX).checked_add(pence(1)), Err(MoneyError::Overflow));
        assert_eq!(pence(i64::MIN).checked_sub(pence(1)), Err(MoneyError::Overflow));
        assert_eq!(pence(i64::MAX / 2 + 1).checked_mul(2), Err(MoneyError::Overflow));
        assert_eq!(pence(i64::MIN).checked_neg(), Err(MoneyError::Overflow));
        assert_eq!(Money::sum([pence(i64::MAX), pence(1)]), Err(MoneyError::Overflow));
        assert_eq!(pence(250).checked_mul(-3), Ok(pence(-750)));
        assert_eq!(pence(250).checked_neg(), Ok(pence(-250)));
        assert_eq!(Money::sum([pence(1), pence(2), pence(-4)]), Ok(pence(-1)));
        assert_eq!(Money::sum([]), Ok(Money::ZERO));
        assert_eq!(Money::checked_from_pounds(12), Ok(pence(1_200)));
        assert_eq!(Money::checked_from_pounds(i64::MAX), Err(MoneyError::Overflow));
    }

    proptest! {
        #[test]
        fn allocation_sums_exactly_and_each_part_is_within_a_penny(
            amount in any::<i64>(),
            weights in proptest::collection::vec(0u64..1000, 1..8),
        ) {
            let parts = Money::from_pence(amount).allocate(&weights);
            prop_assert_eq!(parts.len(), weights.len());
            prop_assert_eq!(Money::sum(parts.iter().copied()), Ok(Money::from_pence(amount)));
            let total: i128 = weights.iter().map(|w| i128::from(*w)).sum();
            if total > 0 {
                for (part, weight) in parts.iter().zip(&weights) {
                    // |part × total − amount × weight| < total, i.e. within 1p of the exact share.
                    let error = i128::from(part.pence()) * total - i128::from(amount) * i128::from(*weight);
                    prop_assert!(error.abs() < total);
                }
            }
        }

        #[test]
        fn display_then_parse_round_trips(amount in any::<i64>()) {
            let money = Money::from_pence(amount);
            prop_assert_eq!(Money::parse(&money.to_string()), Ok(money));
        }

        #[test]
        fn apportion_is_the_nearest_penny(amount in any::<i64>(), numerator in 0i64..1000, denominator in 1i64..1000) {
            let exact_times_denominator = i128::from(amount) * i128::from(numerator);
            match Money::from_pence(amount).apportion(numerator, denominator) {
                Ok(result) => {
                    let error = i128::from(result.pence()) * i128::from(denominator) - exact_times_denominator;
                    let twice_error = 2 * error.abs();
                    prop_assert!(twice_error <= i128::from(denominator));
                    // On an exact half, the result is the one further from zero.
                    if twice_error == i128::from(denominator) {
                        prop_assert!(error.signum() == exact_times_denominator.signum());
                    }
                }
                Err(error) => {
                    prop_assert_eq!(error, MoneyError::Overflow);
                    prop_assert!(exact_times_denominator.abs() / i128::from(denominator) >= i128::from(i64::MAX));
                }
            }
        }

        #[test]
        fn apportioning_whole_is_identity(amount in any::<i64>(), days in 1i64..400) {
            prop_assert_eq!(Money::from_pence(amount).apportion(days, days), Ok(Money::from_pence(amount)));
        }
    }
}
