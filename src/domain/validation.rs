//! Field errors: what `parse` functions return for bad input. They carry a code, never a
//! sentence, so the browser renders them in the user's language and the server's answer
//! stays language-neutral.
//!
//! ```
//! use qudao::domain::validation::{FieldError, FieldErrorCode};
//! let e = FieldError::new("name", FieldErrorCode::Required);
//! assert_eq!(e.field, "name");
//! ```
use serde::{Deserialize, Serialize};

/// Why a field was refused. Each code has one translation per locale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldErrorCode {
    /// Nothing was entered where something is needed.
    Required,
    /// Longer than the field allows (`max` characters).
    TooLong { max: u32 },
    /// Shorter than the field needs (`min` characters).
    TooShort { min: u32 },
    /// A login may hold letters, digits and `. _ -`, or be a mobile number.
    InvalidLogin,
    /// Not a phone number we can dial.
    InvalidPhone,
    /// Not one of owner / manager / rep.
    InvalidRole,
    /// Control characters or other text that cannot be shown.
    InvalidText,
    /// Another employee of the company already uses this login.
    Taken,
    /// Not one of the offered choices (kind, type, status …).
    InvalidChoice,
    /// A customer code may not contain spaces or control characters.
    InvalidCode,
    /// A customer can only be served through a sub-distributor.
    ParentNotSubDistributor,
    /// The chosen parent is the customer itself or one of its own sub-customers.
    ParentCycle,
    /// Not a number (letters in a number column, two decimal points …).
    InvalidNumber,
    /// Money has at most two decimals (fen).
    TooManyDecimals,
    /// Beyond any sensible value for this field.
    TooLarge,
    /// A visit already holds as many photos as it may.
    TooManyPhotos { max: u32 },
    /// This field cannot be negative.
    Negative,
    /// Not a date (YYYY-MM-DD), or not a real day.
    InvalidDate,
    /// Only a terminal has a terminal type.
    OnlyForTerminals,
    /// Personal data may only be kept once the customer's consent is recorded.
    ConsentRequired,
    /// No customer of the company has this code.
    UnknownCustomer,
    /// No active employee of the company has this login.
    UnknownEmployee,
    /// A driver serves no customers: this employee still does (reassign them first).
    StillServesCustomers,
    /// Another customer of the company already has this code.
    DuplicateCode,
    /// The file is not a JPEG, PNG or WebP image.
    NotAnImage,
    /// A real date, but outside the accepted years (2000–2099).
    DateOutOfRange,
    /// The end of a period is before its start.
    EndBeforeStart,
    /// Units are counted in whole numbers.
    NotWhole,
    /// Zero is not a quantity here.
    Zero,
    /// A sale has amounts of zero or more, a return (negative quantity) of zero or less.
    SignMismatch,
    /// The price floor is above the list price.
    FloorAboveList,
    /// Under the product's floor (最低限价) without a manager's recorded reason.
    BelowFloor,
    /// This list already has a price of this product taking effect that day.
    PriceExists,
    /// The customer is closed (不再往来): it takes no new price or order.
    CustomerClosed,
    /// No product of the company has this SKU.
    UnknownProduct,
    /// The product is no longer sold (停售): it takes no new order.
    DiscontinuedProduct,
    /// No price list prices this product for this customer on this day.
    NoPrice,
    /// Only owners and managers set a price on an order; others take the list's.
    PriceNotEditable,
    /// The customer is dormant (休眠): reactivate it before it takes a new order.
    CustomerDormant,
    /// A threshold must be above 0 and at most 100 %.
    ThresholdOutOfRange,
    /// The A threshold must be below the B threshold.
    ThresholdOutOfOrder,
    /// No sales lines in the chosen period.
    NoSalesInPeriod,
    /// "In N of the last M periods" needs 1 ≤ N ≤ M.
    HitsOutOfRange,
    /// Another version of this tier's policy takes effect the same day.
    OverlappingVersion,
    /// A date that has not come yet.
    InFuture,
    /// The record cannot move to this status from where it stands.
    InvalidTransition,
    /// A penalty is recorded only when penalising.
    OnlyWhenPenalised,
    /// A classification compared with itself.
    SameClassification,
    /// The saved classification was made with another measure.
    MeasureMismatch,
    /// A tier may only be held to a stricter (shorter) limit than the standard.
    NotStricter,
    /// An objection is answered before it is resolved.
    AnswerFirst,
    /// A time before the one it follows (delivered before ordered, answered before raised).
    BeforeStart,
    /// Not a time of day (HH:MM).
    InvalidTime,
    /// Closing time not after opening time.
    CloseBeforeOpen,
    /// A sales document (单据编号) already in the ledger: imported before.
    DocumentImported,
    /// An identifier a spreadsheet stored as a number and rounded: more than 15
    /// significant digits, exponent form, or only its last digits differ from the
    /// stored value.
    RoundedNumber,
    /// Payment allocations that add up to more than the payment.
    OverPayment,
    /// More allocated to an invoice than it still owes (or an invoice not open).
    OverBalance,
}

/// One refused field of a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The input's name, as in the form (`login`, `name`, …).
    pub field: String,
    pub code: FieldErrorCode,
}

impl FieldError {
    pub fn new(field: &str, code: FieldErrorCode) -> Self {
        Self {
            field: field.to_owned(),
            code,
        }
    }
}

/// Names the field a value's problem belongs to: `parse(x).for_field("x")?`.
pub trait ForField<T> {
    fn for_field(self, field: &str) -> Result<T, FieldError>;
}

impl<T> ForField<T> for Result<T, FieldErrorCode> {
    fn for_field(self, field: &str) -> Result<T, FieldError> {
        match self {
            Ok(v) => Ok(v),
            Err(code) => Err(FieldError::new(field, code)),
        }
    }
}

/// The value of field `field`'s parse, or `None` with its problem recorded in `errors`:
/// how a form checks every field and reports every problem at once.
pub fn take<T>(
    errors: &mut Vec<FieldError>,
    field: &str,
    r: Result<T, FieldErrorCode>,
) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(code) => {
            errors.push(FieldError::new(field, code));
            None
        }
    }
}

/// The value of a part's parse (several fields at once), or `None` with its problems
/// recorded in `errors`.
pub fn take_all<T>(errors: &mut Vec<FieldError>, r: Result<T, Vec<FieldError>>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            errors.extend(e);
            None
        }
    }
}

/// Significant digits a spreadsheet keeps of a number (Excel, WPS, LibreOffice: IEEE
/// doubles shown to 15 digits).
pub const SPREADSHEET_DIGITS: usize = 15;

/// Whether an identifier's cell holds what a spreadsheet makes of a long number: the
/// exponent form it shows and saves (`9.15E+17`: a capital E and a signed exponent, so
/// codes such as `1E5` stay codes). A workbook's numeric cell of 16 digits or more is
/// read in that form too.
pub fn rounded_by_spreadsheet(v: &str) -> bool {
    let t = v.trim();
    let Some((mantissa, exponent)) = t.split_once('E') else {
        return false;
    };
    let Some(exponent) = exponent.strip_prefix(['+', '-']) else {
        return false;
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    !whole.is_empty()
        && digits(whole)
        && digits(fraction)
        && !exponent.is_empty()
        && digits(exponent)
}

/// How a workbook's number too long for a spreadsheet is read: as the spreadsheet shows
/// it (`9.15000000001324E+17`), which [`rounded_by_spreadsheet`] recognises.
pub fn spreadsheet_exponent_form(n: f64) -> String {
    let shown = format!("{n:E}");
    match shown.split_once('E') {
        Some((m, e)) if !e.starts_with('-') => format!("{m}E+{e}"),
        _ => shown,
    }
}

/// Whether `incoming` is `stored` with the digits past the 15th turned to zeros: what a
/// spreadsheet saves of a long number it held as a number (`915000000001324114` →
/// `915000000001324000`).
pub fn rounded_from(stored: &str, incoming: &str) -> bool {
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    stored != incoming
        && stored.len() == incoming.len()
        && stored.len() > SPREADSHEET_DIGITS
        && digits(stored)
        && digits(incoming)
        && stored[..SPREADSHEET_DIGITS] == incoming[..SPREADSHEET_DIGITS]
        && incoming[SPREADSHEET_DIGITS..].bytes().all(|b| b == b'0')
}

/// A percent as typed (`10`, `12.5`, `-5`, with or without `%`) in basis points: the one
/// percent reader of the app (thresholds, growth rules, budget shares, risk limits).
pub fn parse_percent_bp(raw: &str) -> Result<i64, FieldErrorCode> {
    let t = raw.trim().trim_end_matches(['%', '％']).trim();
    if t.is_empty() {
        return Err(FieldErrorCode::Required);
    }
    let (neg, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() && frac.is_empty()
        || !int.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return Err(FieldErrorCode::InvalidNumber);
    }
    if frac.len() > 2 {
        return Err(FieldErrorCode::TooManyDecimals);
    }
    let int: i64 = if int.is_empty() {
        0
    } else {
        int.parse().map_err(|_| FieldErrorCode::TooLarge)?
    };
    if int > 100_000 {
        return Err(FieldErrorCode::TooLarge);
    }
    let frac_bp: i64 = format!("{frac:0<2}").parse().unwrap_or(0);
    let bp = int * 100 + frac_bp;
    Ok(if neg { -bp } else { bp })
}

/// A whole number from 0 to `max` as typed (visits per month, days, periods); a refusal is
/// pushed to `errors` under `field`: required, negative, too large, not whole, not a number.
pub fn whole_count(field: &str, raw: &str, max: u32, errors: &mut Vec<FieldError>) -> Option<u32> {
    let t = raw.trim();
    if t.is_empty() {
        errors.push(FieldError::new(field, FieldErrorCode::Required));
        return None;
    }
    let code = match t.parse::<i64>() {
        Ok(v) if v < 0 => FieldErrorCode::Negative,
        Ok(v) if v > i64::from(max) => FieldErrorCode::TooLarge,
        Ok(v) => return u32::try_from(v).ok(),
        Err(_) if t.parse::<f64>().is_ok() => FieldErrorCode::NotWhole,
        Err(_) => FieldErrorCode::InvalidNumber,
    };
    errors.push(FieldError::new(field, code));
    None
}

/// Trims `raw` and checks it is printable text of at most `max` characters; `None` when
/// it is empty after trimming.
pub fn optional_text(raw: &str, max: u32) -> Result<Option<String>, FieldErrorCode> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.chars().any(char::is_control) {
        return Err(FieldErrorCode::InvalidText);
    }
    if t.chars().count() > max as usize {
        return Err(FieldErrorCode::TooLong { max });
    }
    Ok(Some(t.to_owned()))
}

/// Like [`optional_text`] but empty input is [`FieldErrorCode::Required`].
pub fn required_text(raw: &str, max: u32) -> Result<String, FieldErrorCode> {
    optional_text(raw, max)?.ok_or(FieldErrorCode::Required)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exponent_form_of_a_spreadsheet_is_seen_and_real_identifiers_are_not() {
        for v in [
            "9.15E+17",
            "1E+15",
            "9.15000000001324E+17",
            " 9.2E+17 ",
            "1.2E-05",
        ] {
            assert!(rounded_by_spreadsheet(v), "{v}");
        }
        for v in [
            "915000000001324114",
            "EP001",
            "E1",
            "1E",
            "SKU-1E5",
            "1.5E+X",
            "13800001234",
            "91500000MA5U1234X",
            "1E5",
            "20E3",
            "9.15e+17",
        ] {
            assert!(!rounded_by_spreadsheet(v), "{v}");
        }
    }

    #[test]
    fn a_long_number_saved_with_zeros_past_fifteen_digits_is_seen() {
        assert!(rounded_from("915000000001324114", "915000000001324000"));
        // a real change, a short number, letters, the same value: not rounding
        assert!(!rounded_from("915000000001324114", "915000000001324115"));
        assert!(!rounded_from("915000000001324114", "915000000001399000"));
        assert!(!rounded_from("13800001234", "13800001000"));
        assert!(!rounded_from("91500000MA5U12341X", "91500000MA5U12000"));
        assert!(!rounded_from("915000000001324000", "915000000001324000"));
    }

    proptest::proptest! {
        #[test]
        fn every_long_number_a_spreadsheet_rounds_is_refused(digits in "[1-9][0-9]{15,19}") {
            // what Excel keeps: 15 significant digits, the rest zeros; or its exponent form
            let kept = format!("{}{}", &digits[..15], "0".repeat(digits.len() - 15));
            proptest::prop_assert!(kept == digits || rounded_from(&digits, &kept));
            let number: f64 = digits.parse().unwrap_or_default();
            proptest::prop_assert!(number >= 1e15);
            let shown = spreadsheet_exponent_form(number);
            proptest::prop_assert!(rounded_by_spreadsheet(&shown), "{}", shown);
        }
    }

    #[test]
    fn text_is_trimmed_and_empty_becomes_none() {
        assert_eq!(optional_text("  重庆  ", 10), Ok(Some("重庆".to_owned())));
        assert_eq!(optional_text("   ", 10), Ok(None));
        assert_eq!(required_text(" ", 10), Err(FieldErrorCode::Required));
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        // four Chinese characters are twelve bytes but four characters
        assert!(optional_text("渝北区域", 4).is_ok());
        assert_eq!(
            optional_text("渝北区域外", 4),
            Err(FieldErrorCode::TooLong { max: 4 })
        );
    }

    #[test]
    fn control_characters_are_refused() {
        assert_eq!(
            optional_text("a\u{0}b", 10),
            Err(FieldErrorCode::InvalidText)
        );
    }
}
