//! The distributor's clock: Beijing time (Asia/Shanghai, UTC+8, no daylight saving). Pure
//! conversions of a moment the caller supplies — "today" is the date of `now` in Beijing.
//!
//! ```
//! use qudao::domain::time::beijing_date;
//! let late = chrono::DateTime::parse_from_rfc3339("2026-11-26T17:30:00Z").unwrap().to_utc();
//! assert_eq!(beijing_date(late).to_string(), "2026-11-27");
//! ```
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// UTC+8.
pub const BEIJING: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

/// The calendar date of `at` in Beijing.
pub fn beijing_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&BEIJING).date_naive()
}

/// `at` as people read it: `2026-11-27 09:30`, Beijing time.
pub fn beijing_minute(at: DateTime<Utc>) -> String {
    at.with_timezone(&BEIJING)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// `at` as a Beijing wall-clock time (what the SLA timers count in).
pub fn to_beijing(at: DateTime<Utc>) -> NaiveDateTime {
    at.with_timezone(&BEIJING).naive_local()
}

/// A Beijing wall-clock time as a moment (UTC+8 has no gaps or repeats).
pub fn from_beijing(local: NaiveDateTime) -> DateTime<Utc> {
    BEIJING
        .from_local_datetime(&local)
        .single()
        .map_or_else(|| local.and_utc(), |t| t.to_utc())
}
