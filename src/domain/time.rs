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

// The same for moments sent as JSON: chrono's serde reads them with its general parser
// (RFC 3339, then RFC 2822), ~25 KB of wasm in the first load for the one `DateTime` the
// first load ever reads (a profile edit's conflict, `HistoryEntry::at`).

/// `at` as RFC 3339 in UTC, exactly as chrono's serde writes it (`2026-11-27T01:30:00Z`,
/// with 3, 6 or 9 digits of fraction when there is one), for years 0–9999.
pub fn utc_text(at: DateTime<Utc>) -> String {
    let t = at.naive_utc();
    let nanos = t.nanosecond();
    // chrono keeps a leap second as a nanosecond count past 1e9
    let (second, nanos) = if nanos >= 1_000_000_000 {
        (t.second() + 1, nanos - 1_000_000_000)
    } else {
        (t.second(), nanos)
    };
    let fraction = if nanos == 0 {
        String::new()
    } else if nanos % 1_000_000 == 0 {
        format!(".{:03}", nanos / 1_000_000)
    } else if nanos % 1_000 == 0 {
        format!(".{:06}", nanos / 1_000)
    } else {
        format!(".{nanos:09}")
    };
    format!(
        "{}T{:02}:{:02}:{second:02}{fraction}Z",
        t.date(),
        t.hour(),
        t.minute()
    )
}

/// An RFC 3339 moment (`2026-11-27T09:30:00+08:00`, `…Z`, a fraction of any length) as
/// UTC; `None` when the text is not one.
pub fn parse_utc(text: &str) -> Option<DateTime<Utc>> {
    let b = text.as_bytes();
    let num = |from: usize, len: usize| -> Option<u32> {
        let digits = b.get(from..from + len)?;
        digits.iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let sep = |at: usize, c: &[u8]| b.get(at).is_some_and(|x| c.contains(x));
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(i32::try_from(num(0, 4)?).ok()?, num(5, 2)?, num(8, 2)?)?;
    let mut i = 19;
    let mut nanos = 0u32;
    if sep(i, b".") {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            if i - start < 9 {
                nanos = nanos * 10 + u32::from(b[i] - b'0');
            }
            i += 1;
        }
        if i == start {
            return None;
        }
        nanos *= 10u32.pow(u32::try_from(9usize.saturating_sub(i - start)).ok()?);
    }
    let offset = match b.get(i)? {
        b'Z' | b'z' if i + 1 == b.len() => 0,
        sign @ (b'+' | b'-') if sep(i + 3, b":") && i + 6 == b.len() => {
            let (hours, minutes) = (num(i + 1, 2)?, num(i + 4, 2)?);
            if minutes > 59 {
                return None;
            }
            let secs = i32::try_from(hours * 3600 + minutes * 60).ok()?;
            if *sign == b'-' { -secs } else { secs }
        }
        _ => return None,
    };
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    // 60: a leap second, as chrono reads it
    let time = if second == 60 {
        NaiveTime::from_hms_nano_opt(hour, minute, 59, nanos.checked_add(1_000_000_000)?)?
    } else {
        NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?
    };
    let local = date.and_time(time);
    Some(
        FixedOffset::east_opt(offset)?
            .from_local_datetime(&local)
            .single()?
            .to_utc(),
    )
}

/// `#[serde(with = "crate::domain::time::utc_serde")]`: a `DateTime<Utc>` written and read
/// as chrono's serde does, with [`utc_text`] and [`parse_utc`].
pub mod utc_serde {
    use chrono::{DateTime, Utc};

    pub fn serialize<S: serde::Serializer>(at: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::utc_text(*at))
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        super::parse_utc(&text)
            .ok_or_else(|| serde::de::Error::custom("not an RFC 3339 date and time"))
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// A moment is written as chrono's serde writes it and read back the same, from
        /// any offset and fraction chrono's RFC 3339 parser reads.
        #[test]
        fn moments_are_written_and_read_as_chrono_does(
            secs in -62_135_596_800i64..253_402_300_799,
            nanos in prop_oneof![Just(0u32), (0u32..1000).prop_map(|m| m * 1_000_000), (0u32..1_000_000).prop_map(|u| u * 1000), 0u32..1_000_000_000],
            offset_min in -1439i32..1440,
        ) {
            let at = DateTime::<Utc>::from_timestamp(secs, nanos).unwrap();
            let text = utc_text(at);
            prop_assert_eq!(&serde_json::to_string(&at).unwrap(), &format!("\"{text}\""));
            prop_assert_eq!(parse_utc(&text), Some(at));
            let shifted = at.with_timezone(&FixedOffset::east_opt(offset_min * 60).unwrap());
            for text in [shifted.to_rfc3339(), shifted.to_rfc3339_opts(chrono::SecondsFormat::Millis, false)] {
                let chrono = DateTime::parse_from_rfc3339(&text).ok().map(|t| t.to_utc());
                if chrono.is_some() {
                    prop_assert_eq!(parse_utc(&text), chrono, "{}", text);
                }
            }
        }

        /// Whatever the text, the reader answers (never panics) and never accepts what
        /// chrono refuses.
        #[test]
        fn a_text_that_is_not_a_moment_is_none(text in "[0-9T:.+Zz -]{0,40}") {
            if let Some(at) = parse_utc(&text) {
                prop_assert_eq!(Some(at), DateTime::parse_from_rfc3339(&text).ok().map(|t| t.to_utc()));
            }
        }

        /// Every offset chrono reads is read the same, and none it refuses is read.
        #[test]
        fn offsets_are_read_as_chrono_reads_them(hours in 0u32..100, minutes in 0u32..100, minus: bool) {
            let text = format!("2026-11-27T09:30:00{}{hours:02}:{minutes:02}", if minus { '-' } else { '+' });
            prop_assert_eq!(parse_utc(&text), DateTime::parse_from_rfc3339(&text).ok().map(|t| t.to_utc()), "{}", text);
        }

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
