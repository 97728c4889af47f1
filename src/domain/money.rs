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

/// Capital numerals (大写数字), which no stroke turns into another.
const CAPITAL_DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];

impl Money {
    /// The amount in capital numerals (大写金额) as a 送货单, an invoice or a cheque writes
    /// it, after the rules of the People's Bank (《支付结算办法》附一):
    /// `¥1409.50` → `壹仟肆佰零玖元伍角`, `¥6007.14` → `陆仟零柒元壹角肆分`,
    /// `¥325.04` → `叁佰贰拾伍元零肆分`, `¥1000` → `壹仟元整`, `¥0.30` → `叁角`.
    ///
    /// - Every run of zeros between two written digits is one `零`, whether it sits
    ///   inside a group, spans 万 or 亿, or falls on 元 or 角 (`¥1680.32` →
    ///   `壹仟陆佰捌拾元零叁角贰分`: for a zero on 万 or 元 the rules allow one `零` or
    ///   none; this always writes it, so one amount has one text).
    ///   Zeros at the end are not written.
    /// - `壹拾` keeps its `壹` (`¥10` → `壹拾元整`), as financial writing does.
    /// - `整` follows an amount that ends at 元 (none after 角 or 分); zero is `零元整`; a
    ///   return is `负…`.
    /// - Groups of four digits: 万, 亿, 万亿. `None` from 10¹⁶ yuan up (far beyond
    ///   [`MAX_FEN`]).
    pub fn to_capital(self) -> Option<String> {
        let fen = self.0.unsigned_abs();
        let yuan = fen / 100;
        if yuan >= 10_000_000_000_000_000 {
            return None;
        }
        let mut out = String::new();
        if self.0 < 0 {
            out.push('负');
        }
        // a zero met after the first written digit: written as one 零 before the next digit
        let mut started = false;
        let mut zero = false;
        let mut write = |out: &mut String, digit: u64, unit: &str| {
            if digit == 0 {
                zero |= started;
                return;
            }
            if zero {
                out.push('零');
                zero = false;
            }
            out.push(CAPITAL_DIGITS[digit as usize]);
            out.push_str(unit);
            started = true;
        };
        for (section, name) in [(3u32, "万亿"), (2, "亿"), (1, "万"), (0, "")] {
            let group = yuan / 10_000u64.pow(section) % 10_000;
            if group == 0 {
                // four zeros in a row: one 零 at most, written only before a later digit
                write(&mut out, 0, "");
                continue;
            }
            for (place, unit) in [(3u32, "仟"), (2, "佰"), (1, "拾"), (0, "")] {
                write(&mut out, group / 10u64.pow(place) % 10, unit);
            }
            out.push_str(name);
        }
        if yuan > 0 {
            out.push('元');
        }
        let (jiao, fen) = (fen / 10 % 10, fen % 10);
        write(&mut out, jiao, "角");
        write(&mut out, fen, "分");
        if fen == 0 && jiao == 0 {
            if yuan == 0 {
                out.push_str("零元");
            }
            out.push('整');
        }
        Some(out)
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
    #![expect(clippy::unwrap_used)]
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

    #[test]
    fn capital_numerals_follow_the_banks_examples() {
        for (fen, words) in [
            // the examples of 《支付结算办法》附一 (where they allow a form with 零, that one)
            (140_950, "壹仟肆佰零玖元伍角"),
            (600_714, "陆仟零柒元壹角肆分"),
            (1_640_902, "壹万陆仟肆佰零玖元零贰分"),
            (168_032, "壹仟陆佰捌拾元零叁角贰分"),
            (32_504, "叁佰贰拾伍元零肆分"),
            // its ¥107000.53 is written with one 零, on 万 or on 元; the rules let each be
            // written or left out, and this writes both (one amount, one text)
            (10_700_053, "壹拾万零柒仟元零伍角叁分"),
            // ends, zeros and groups
            (0, "零元整"),
            (1, "壹分"),
            (30, "叁角"),
            (35, "叁角伍分"),
            (105, "壹元零伍分"),
            (1_000, "壹拾元整"),
            (1_050, "壹拾元零伍角"),
            (100_000, "壹仟元整"),
            (1_000_000, "壹万元整"),
            (100_000_500, "壹佰万零伍元整"),
            (1_000_050_000, "壹仟万零伍佰元整"),
            (10_000_000_000, "壹亿元整"),
            (10_000_000_100, "壹亿零壹元整"),
            (10_001_000_000, "壹亿零壹万元整"),
            (12_345_678_901, "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元零壹分"),
            (MAX_FEN, "壹仟亿元整"),
            (100_000_000_000_000_000, "壹仟万亿元整"),
            (-8_850, "负捌拾捌元伍角"),
        ] {
            assert_eq!(Money(fen).to_capital().as_deref(), Some(words), "{fen}");
        }
        assert_eq!(
            Money(999_999_999_999_999_999).to_capital().as_deref(),
            Some("玖仟玖佰玖拾玖万亿玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分")
        );
        assert_eq!(Money(1_000_000_000_000_000_000).to_capital(), None);
        assert_eq!(Money(i64::MIN).to_capital(), None);
    }

    /// Reads capital numerals back into fen: the inverse a reader of a 送货单 applies,
    /// written independently of [`Money::to_capital`].
    fn read_capital(words: &str) -> Option<i64> {
        let (negative, words) = match words.strip_prefix('负') {
            Some(rest) => (true, rest),
            None => (false, words),
        };
        let chars: Vec<char> = words.chars().collect();
        let (mut total, mut group, mut digit) = (0i64, 0i64, 0i64);
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if let Some(d) = CAPITAL_DIGITS.iter().position(|x| *x == c) {
                digit = d as i64;
            } else {
                match c {
                    '拾' => group += digit * 10,
                    '佰' => group += digit * 100,
                    '仟' => group += digit * 1_000,
                    '万' if chars.get(i + 1) == Some(&'亿') => {
                        total += (group + digit) * 100_000_000_000_000;
                        i += 1;
                    }
                    '万' => total += (group + digit) * 1_000_000,
                    '亿' => total += (group + digit) * 10_000_000_000,
                    '元' => total += (group + digit) * 100,
                    '角' => total += digit * 10,
                    '分' => total += digit,
                    '整' => {}
                    _ => return None,
                }
                if !matches!(c, '拾' | '佰' | '仟') {
                    group = 0;
                }
                digit = 0;
            }
            i += 1;
        }
        Some(if negative { -total } else { total })
    }

    /// How many runs of zeros lie between written digits of `fen` (yuan, 角 and 分 as one
    /// string of digits): how many 零 its capital numerals hold.
    fn inner_zero_runs(fen: u64) -> usize {
        let digits = fen.to_string();
        let inner = digits.trim_start_matches('0').trim_end_matches('0');
        inner
            .split(|c| c != '0')
            .filter(|run| !run.is_empty())
            .count()
    }

    proptest! {
        /// Every run of zeros between written digits is one 零, and there is no other.
        #[test]
        fn capital_numerals_write_one_zero_per_gap(fen in 1i64..=MAX_FEN, shift in 0u32..8) {
            let fen = (fen / 10i64.pow(shift) * 10i64.pow(shift)).max(1);
            let words = Money(fen).to_capital().unwrap();
            prop_assert_eq!(words.matches('零').count(), inner_zero_runs(fen.unsigned_abs()), "{}", words);
        }

        /// A written amount reads back to the same fen, has no two 零 in a row, starts
        /// with a digit other than 零 (but for zero itself) and ends with 整 exactly when
        /// it ends at 元.
        #[test]
        fn capital_numerals_read_back(fen in -MAX_FEN..=MAX_FEN, shift in 0u32..6) {
            // amounts with many zeros as often as amounts without
            let fen = fen / 10i64.pow(shift) * 10i64.pow(shift);
            let words = Money(fen).to_capital().unwrap();
            prop_assert_eq!(read_capital(&words), Some(fen), "{}", words);
            prop_assert!(!words.contains("零零"), "{}", words);
            let body = words.trim_start_matches('负');
            prop_assert!(fen == 0 || !body.starts_with('零'), "{}", words);
            prop_assert_eq!(words.ends_with('整'), fen % 100 == 0, "{}", words);
            prop_assert!(!words.contains("零元") || fen == 0, "{}", words);
        }

        /// Whatever amount is stored, its text reads back to the same fen.
        #[test]
        fn formatting_round_trips(fen in -MAX_FEN..=MAX_FEN) {
            prop_assert_eq!(Money::parse_yuan(&Money(fen).to_yuan_string()), Ok(Money(fen)));
        }
    }
}
