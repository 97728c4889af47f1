//! The distributor's clock: Beijing time (Asia/Shanghai, UTC+8, no daylight saving). Pure
//! conversions of a moment the caller supplies — "today" is the date of `now` in Beijing.
//!
//! ```
//! use qudao::domain::time::beijing_date;
//! let late = chrono::DateTime::parse_from_rfc3339("2026-11-26T17:30:00Z").unwrap().to_utc();
//! assert_eq!(beijing_date(late).to_string(), "2026-11-27");
//! ```
use chrono::{
    DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc,
};

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
    date_minute_text(to_beijing(at))
}

// The texts below are what the pages show. They are written out rather than left to
// chrono's `format("%…")`: its format-string parser and formatter are ~11 KB of wasm in
// the first load. Each equals chrono's text for years 0–9999 (tested below).

/// `2026-11-27 09:30`
pub fn date_minute_text(t: NaiveDateTime) -> String {
    format!("{} {}", t.date(), hour_minute_text(t.time()))
}

/// `2026-11-27T09:30`, the value of a `datetime-local` input.
pub fn input_minute_text(t: NaiveDateTime) -> String {
    format!("{}T{}", t.date(), hour_minute_text(t.time()))
}

/// `11-27 09:30`
pub fn month_day_minute_text(t: NaiveDateTime) -> String {
    format!(
        "{} {}",
        month_day_text(t.date()),
        hour_minute_text(t.time())
    )
}

/// `11-27`
pub fn month_day_text(d: NaiveDate) -> String {
    format!("{:02}-{:02}", d.month(), d.day())
}

/// `2026-11`
pub fn year_month_text(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

/// `09:30`
pub fn hour_minute_text(t: NaiveTime) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
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

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The page texts are chrono's, for every minute of years 0–9999.
        #[test]
        fn the_texts_are_chronos(days in 0i64..3_652_059, minute in 0u32..1440, second in 0u32..60) {
            let d = NaiveDate::from_ymd_opt(0, 1, 1).unwrap() + chrono::Days::new(days as u64);
            let t = d.and_hms_opt(minute / 60, minute % 60, second).unwrap();
            prop_assert_eq!(date_minute_text(t), t.format("%Y-%m-%d %H:%M").to_string());
            prop_assert_eq!(input_minute_text(t), t.format("%Y-%m-%dT%H:%M").to_string());
            prop_assert_eq!(month_day_minute_text(t), t.format("%m-%d %H:%M").to_string());
            prop_assert_eq!(month_day_text(d), d.format("%m-%d").to_string());
            prop_assert_eq!(year_month_text(d), d.format("%Y-%m").to_string());
            prop_assert_eq!(hour_minute_text(t.time()), t.format("%H:%M").to_string());
            prop_assert_eq!(d.to_string(), d.format("%Y-%m-%d").to_string());
        }
    }

    #[test]
    fn a_moment_reads_in_beijing_time() {
        let late = DateTime::parse_from_rfc3339("2026-11-26T17:30:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(beijing_minute(late), "2026-11-27 01:30");
    }
}
