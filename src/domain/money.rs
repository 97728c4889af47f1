//! Money is integer fen (分): 1 yuan = 100 fen. Amounts are typed in yuan with at most two
//! decimals and shown the same way; nothing that is summed or compared is a float.
//!
//! ```
//! use qudao::domain::money::Money;
//! assert_eq!(Money::parse_yuan("1,234.5"), Ok(Money(123_450)));
//! assert_eq!(Money(123_450).to_yuan_string(), "1234.50");
//! ```
use crate::domain::validation::FieldErrorCode;
use serde::{Deserialize, Serialize};

/// An amount of CNY in fen.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Money(pub i64);

/// Largest amount accepted from input: one hundred billion yuan, far beyond any customer,
/// small enough that sums of millions of lines cannot overflow `i64`.
pub const MAX_FEN: i64 = 10_000_000_000_000;

impl Money {
    /// Parses yuan as people type them: `1234`, `1234.5`, `1,234.50`, `¥1234`, `-12.30`
    /// (thousands separators and a currency sign are ignored, at most two decimals).
    pub fn parse_yuan(raw: &str) -> Result<Money, FieldErrorCode> {
        let t: String = raw
            .trim()
            .trim_start_matches(['¥', '￥'])
            .trim_end_matches('元')
            .chars()
            .filter(|c| *c != ',' && *c != '，' && !c.is_whitespace())
            .collect();
        if t.is_empty() {
            return Err(FieldErrorCode::Required);
        }
        let (negative, body) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t.as_str()),
        };
        let (whole, frac) = match body.split_once('.') {
            Some((w, f)) => (w, f),
            None => (body, ""),
        };
        let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if whole.is_empty() && frac.is_empty() || !digits(whole) || !digits(frac) {
            return Err(FieldErrorCode::InvalidNumber);
        }
        if frac.len() > 2 {
            return Err(FieldErrorCode::TooManyDecimals);
        }
        if whole.len() > 13 {
            return Err(FieldErrorCode::TooLarge);
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| FieldErrorCode::InvalidNumber)?
        };
        let mut cents: i64 = if frac.is_empty() {
            0
        } else {
            frac.parse().map_err(|_| FieldErrorCode::InvalidNumber)?
        };
        if frac.len() == 1 {
            cents *= 10;
        }
        let fen = whole
            .checked_mul(100)
            .and_then(|f| f.checked_add(cents))
            .filter(|f| *f <= MAX_FEN)
            .ok_or(FieldErrorCode::TooLarge)?;
        Ok(Money(if negative { -fen } else { fen }))
    }

    /// `1,234.50`: for reading on screen (thousands grouped); never parsed back.
    pub fn to_display_string(self) -> String {
        let canonical = self.to_yuan_string();
        let (sign, rest) = match canonical.strip_prefix('-') {
            Some(r) => ("-", r),
            None => ("", canonical.as_str()),
        };
        let (whole, frac) = rest.split_once('.').unwrap_or((rest, "00"));
        format!("{sign}{}.{frac}", group_thousands(whole))
    }

    /// `1234.50`, `-0.05`: the canonical text, which [`Money::parse_yuan`] reads back.
    pub fn to_yuan_string(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

/// `1234567` → `1,234,567`.
pub fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn yuan_are_read_as_people_write_them() {
        assert_eq!(Money::parse_yuan("12"), Ok(Money(1200)));
        assert_eq!(Money::parse_yuan("12.3"), Ok(Money(1230)));
        assert_eq!(Money::parse_yuan("¥1,000.05"), Ok(Money(100_005)));
        assert_eq!(Money::parse_yuan("5000元"), Ok(Money(500_000)));
        assert_eq!(Money::parse_yuan("-0.5"), Ok(Money(-50)));
        assert_eq!(Money::parse_yuan(".5"), Ok(Money(50)));
    }

    #[test]
    fn amounts_on_screen_group_thousands() {
        assert_eq!(Money(2_437_645_897).to_display_string(), "24,376,458.97");
        assert_eq!(Money(-123_456).to_display_string(), "-1,234.56");
        assert_eq!(Money(5).to_display_string(), "0.05");
        assert_eq!(Money(100_000).to_display_string(), "1,000.00");
        assert_eq!(group_thousands("123456"), "123,456");
    }

    #[test]
    fn bad_amounts_say_why() {
        assert_eq!(Money::parse_yuan(""), Err(FieldErrorCode::Required));
        assert_eq!(
            Money::parse_yuan("12.345"),
            Err(FieldErrorCode::TooManyDecimals)
        );
        assert_eq!(
            Money::parse_yuan("十二"),
            Err(FieldErrorCode::InvalidNumber)
        );
        assert_eq!(
            Money::parse_yuan("1.2.3"),
            Err(FieldErrorCode::InvalidNumber)
        );
        assert_eq!(Money::parse_yuan("."), Err(FieldErrorCode::InvalidNumber));
        assert_eq!(
            Money::parse_yuan("99999999999999999"),
            Err(FieldErrorCode::TooLarge)
        );
    }

    proptest! {
        /// Whatever amount is stored, its text reads back to the same fen.
        #[test]
        fn formatting_round_trips(fen in -MAX_FEN..=MAX_FEN) {
            prop_assert_eq!(Money::parse_yuan(&Money(fen).to_yuan_string()), Ok(Money(fen)));
        }
    }
}
