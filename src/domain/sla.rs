//! Service-level timers (Pillar 5): how long a ticket has left against its standard, on
//! the clock the standard names — around the clock, or only in working hours (working
//! days, not holidays, between opening and closing time, Beijing time). The server's
//! overdue job and the browser's countdown call the same [`status`].
//!
//! Times are local Beijing wall-clock times (`NaiveDateTime`); China has no daylight
//! saving, so local time is a plain offset from UTC.
//!
//! ```
//! use chrono::{NaiveDate, NaiveTime};
//! use qudao::domain::sla::{Calendar, Clock, Standard, Status, status};
//! let at = |d: u32, h: u32| NaiveDate::from_ymd_opt(2026, 3, d).unwrap().and_hms_opt(h, 0, 0).unwrap();
//! let cal = Calendar::office(NaiveTime::from_hms_opt(9, 0, 0).unwrap(), NaiveTime::from_hms_opt(18, 0, 0).unwrap());
//! // answered within 4 working hours; raised Friday 16:00 → due Monday 11:00
//! let std = Standard { minutes: 240, working_hours_only: true, due_soon_minutes: 60 };
//! let ticket = Clock { started: at(6, 16), pauses: vec![], done: None };
//! assert_eq!(status(&ticket, &std, &cal, at(9, 10)), Status::DueSoon { remaining_minutes: 60, due: at(9, 11) });
//! ```
use crate::domain::validation::{FieldError, FieldErrorCode, take};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// When the clock of a working-hours standard runs.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Calendar {
    /// Opening and closing time of a working day.
    pub open: Option<(NaiveTime, NaiveTime)>,
    /// Working weekdays (Monday … Saturday for many distributors).
    pub weekdays: Vec<Weekday>,
    /// Days off that would otherwise be working days (春节, 国庆 …).
    pub holidays: BTreeSet<NaiveDate>,
    /// Weekend days worked instead (调休).
    pub extra_workdays: BTreeSet<NaiveDate>,
}

impl Calendar {
    /// Monday to Friday, `open`–`close`, no holidays.
    pub fn office(open: NaiveTime, close: NaiveTime) -> Calendar {
        Calendar {
            open: Some((open, close)),
            weekdays: vec![
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ],
            holidays: BTreeSet::new(),
            extra_workdays: BTreeSet::new(),
        }
    }

    /// Whether `d` is a working day.
    pub fn works_on(&self, d: NaiveDate) -> bool {
        if self.extra_workdays.contains(&d) {
            return true;
        }
        self.weekdays.contains(&d.weekday()) && !self.holidays.contains(&d)
    }

    /// The working interval of day `d`, if it is a working day with hours.
    fn hours_of(&self, d: NaiveDate) -> Option<(NaiveDateTime, NaiveDateTime)> {
        let (open, close) = self.open?;
        (self.works_on(d) && open < close).then(|| (d.and_time(open), d.and_time(close)))
    }

    /// Working minutes in `[from, to)`.
    pub fn working_minutes(&self, from: NaiveDateTime, to: NaiveDateTime) -> i64 {
        if to <= from {
            return 0;
        }
        let mut total = 0;
        let mut day = from.date();
        while day <= to.date() {
            if let Some((o, c)) = self.hours_of(day) {
                let start = o.max(from);
                let end = c.min(to);
                if end > start {
                    total += (end - start).num_minutes();
                }
            }
            match day.succ_opt() {
                Some(d) => day = d,
                None => break,
            }
        }
        total
    }

    /// The moment `minutes` working minutes after `from` have passed; `None` if the
    /// calendar has no working time within ten years (a misconfigured calendar).
    pub fn add_working(&self, from: NaiveDateTime, minutes: i64) -> Option<NaiveDateTime> {
        let mut left = minutes.max(0);
        let mut day = from.date();
        for _ in 0..3660 {
            if let Some((o, c)) = self.hours_of(day) {
                let start = o.max(from);
                if c > start {
                    let available = (c - start).num_minutes();
                    if left <= available {
                        return Some(start + Duration::minutes(left));
                    }
                    left -= available;
                }
            }
            day = day.succ_opt()?;
        }
        None
    }
}

/// A day off or a day worked instead, with its name (`国庆节`, `国庆调休`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct WorkDay {
    pub day: NaiveDate,
    /// `true`: a holiday (no work); `false`: a weekend day worked (调休).
    pub holiday: bool,
    pub name: String,
}

/// The working calendar as the owner types it: `09:00`, `18:00`, weekdays as ISO digits
/// (`123456` = Monday to Saturday), and dated exceptions `(day, "holiday"|"workday", name)`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct CalendarInput {
    pub open: String,
    pub close: String,
    /// The digits of the working weekdays; a form posts one checkbox each (`["1","2"]`).
    #[serde(deserialize_with = "digits_or_list")]
    pub weekdays: String,
    pub days: Vec<(String, String, String)>,
}

/// Weekdays as the app sends them (`"123456"`) or as a form posts its checkboxes
/// (`["1", "2", …]`): one string of digits either way.
fn digits_or_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    struct Digits;
    impl<'de> serde::de::Visitor<'de> for Digits {
        type Value = String;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("weekday digits, as one string or a list")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_owned())
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<String, A::Error> {
            let mut out = String::new();
            while let Some(part) = seq.next_element::<String>()? {
                out.push_str(&part);
            }
            Ok(out)
        }
    }
    d.deserialize_any(Digits)
}

/// A checked working calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkCalendar {
    pub open: NaiveTime,
    pub close: NaiveTime,
    /// ISO weekday numbers, 1 = Monday … 7 = Sunday, ascending.
    pub weekdays: Vec<u8>,
    pub days: Vec<WorkDay>,
}

/// `HH:MM`, 24-hour clock.
pub fn parse_time_of_day(raw: &str) -> Result<NaiveTime, FieldErrorCode> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(FieldErrorCode::Required);
    }
    NaiveTime::parse_from_str(t, "%H:%M").map_err(|_| FieldErrorCode::InvalidTime)
}

impl WorkCalendar {
    /// Checks the calendar; every refused field is reported at once (a day's fields as
    /// `days.{i}.day` / `days.{i}.kind`).
    pub fn parse(input: &CalendarInput) -> Result<WorkCalendar, Vec<FieldError>> {
        let mut errors = Vec::new();
        let open = take(&mut errors, "open", parse_time_of_day(&input.open));
        let close = take(&mut errors, "close", parse_time_of_day(&input.close));
        if let (Some(o), Some(c)) = (open, close)
            && c <= o
        {
            errors.push(FieldError::new("close", FieldErrorCode::CloseBeforeOpen));
        }
        let mut weekdays = Vec::new();
        for ch in input
            .weekdays
            .chars()
            .filter(|c| !c.is_whitespace() && *c != ',')
        {
            match ch.to_digit(10) {
                Some(d @ 1..=7) => weekdays.push(d as u8),
                _ => {
                    errors.push(FieldError::new("weekdays", FieldErrorCode::InvalidChoice));
                    break;
                }
            }
        }
        weekdays.sort_unstable();
        weekdays.dedup();
        if weekdays.is_empty() && !errors.iter().any(|e| e.field == "weekdays") {
            errors.push(FieldError::new("weekdays", FieldErrorCode::Required));
        }
        let mut days: Vec<WorkDay> = Vec::new();
        for (i, (day, kind, name)) in input.days.iter().enumerate() {
            let parsed = NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d");
            let holiday = match kind.trim() {
                "holiday" => Some(true),
                "workday" => Some(false),
                _ => None,
            };
            match parsed {
                Err(_) if day.trim().is_empty() => errors.push(FieldError::new(
                    &format!("days.{i}.day"),
                    FieldErrorCode::Required,
                )),
                Err(_) => errors.push(FieldError::new(
                    &format!("days.{i}.day"),
                    FieldErrorCode::InvalidDate,
                )),
                Ok(d) if days.iter().any(|w| w.day == d) => errors.push(FieldError::new(
                    &format!("days.{i}.day"),
                    FieldErrorCode::DuplicateCode,
                )),
                Ok(d) => {
                    if let Some(holiday) = holiday {
                        days.push(WorkDay {
                            day: d,
                            holiday,
                            name: name.trim().chars().take(40).collect(),
                        });
                    }
                }
            }
            if holiday.is_none() {
                errors.push(FieldError::new(
                    &format!("days.{i}.kind"),
                    FieldErrorCode::InvalidChoice,
                ));
            }
        }
        days.sort();
        match (open, close) {
            (Some(open), Some(close)) if errors.is_empty() => Ok(WorkCalendar {
                open,
                close,
                weekdays,
                days,
            }),
            _ => Err(errors),
        }
    }

    /// The timer calendar.
    pub fn calendar(&self) -> Calendar {
        Calendar {
            open: Some((self.open, self.close)),
            weekdays: self
                .weekdays
                .iter()
                .filter_map(|d| Weekday::try_from(d.wrapping_sub(1)).ok())
                .collect(),
            holidays: self
                .days
                .iter()
                .filter(|d| d.holiday)
                .map(|d| d.day)
                .collect(),
            extra_workdays: self
                .days
                .iter()
                .filter(|d| !d.holiday)
                .map(|d| d.day)
                .collect(),
        }
    }

    /// The weekdays as stored: `123456`.
    pub fn weekday_digits(&self) -> String {
        self.weekdays.iter().map(|d| d.to_string()).collect()
    }
}

/// A quantified service standard: done within `minutes`, counted around the clock or in
/// working hours only; "due soon" within the last `due_soon_minutes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standard {
    pub minutes: i64,
    pub working_hours_only: bool,
    pub due_soon_minutes: i64,
}

/// A ticket's clock: started, paused meanwhile (waiting for the customer), done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    pub started: NaiveDateTime,
    /// `(from, to)`; an open pause has `to = None`.
    pub pauses: Vec<(NaiveDateTime, Option<NaiveDateTime>)>,
    pub done: Option<NaiveDateTime>,
}

/// Where a ticket stands against its standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    OnTrack {
        remaining_minutes: i64,
        due: NaiveDateTime,
    },
    DueSoon {
        remaining_minutes: i64,
        due: NaiveDateTime,
    },
    /// Past the deadline and not done; overdue in the standard's minutes (a working-hours
    /// ticket past its deadline overnight is breached, 0 minutes overdue until opening).
    Breached {
        overdue_minutes: i64,
        due: NaiveDateTime,
    },
    /// Done by the deadline (exactly at it counts as met).
    Met { spare_minutes: i64 },
    /// Done after the deadline.
    Late { overdue_minutes: i64 },
    /// Waiting (the clock stands still); what remained when it stopped.
    Paused { remaining_minutes: i64 },
}

/// Minutes on the standard's clock in `[from, to)`.
fn counted(std: &Standard, cal: &Calendar, from: NaiveDateTime, to: NaiveDateTime) -> i64 {
    if std.working_hours_only {
        cal.working_minutes(from, to)
    } else {
        (to - from).num_minutes().max(0)
    }
}

/// Minutes the clock has run from the start up to `at`, pauses left out.
fn used(t: &Clock, std: &Standard, cal: &Calendar, at: NaiveDateTime) -> i64 {
    let mut total = counted(std, cal, t.started, at);
    for (from, to) in &t.pauses {
        let from = (*from).max(t.started).min(at);
        let to = to.unwrap_or(at).min(at);
        total -= counted(std, cal, from, to.max(from));
    }
    total.max(0)
}

/// The moment the clock reaches the standard, pauses (closed ones) honoured.
pub fn deadline(t: &Clock, std: &Standard, cal: &Calendar) -> Option<NaiveDateTime> {
    let add = |from: NaiveDateTime, m: i64| {
        if std.working_hours_only {
            cal.add_working(from, m)
        } else {
            Some(from + Duration::minutes(m))
        }
    };
    // pauses before the deadline push it out, which may take in further pauses
    let mut extra = 0;
    for _ in 0..16 {
        let due = add(t.started, std.minutes + extra)?;
        let paused: i64 = t
            .pauses
            .iter()
            .map(|(from, to)| {
                let from = (*from).max(t.started).min(due);
                let to = to.unwrap_or(due).min(due);
                counted(std, cal, from, to.max(from))
            })
            .sum();
        if paused == extra {
            return Some(due);
        }
        extra = paused;
    }
    None
}

/// The status of ticket `t` against `std` at `now`. At exactly the deadline a ticket not
/// done is due (0 minutes left); after it, breached; done at or before it, met.
pub fn status(t: &Clock, std: &Standard, cal: &Calendar, now: NaiveDateTime) -> Status {
    let end = t.done.map_or(now, |d| d.min(now));
    let used_minutes = used(t, std, cal, end);
    let remaining = std.minutes - used_minutes;
    if t.done.is_some_and(|d| d <= now) {
        return if remaining >= 0 {
            Status::Met {
                spare_minutes: remaining,
            }
        } else {
            Status::Late {
                overdue_minutes: -remaining,
            }
        };
    }
    if t.pauses
        .iter()
        .any(|(from, to)| *from <= now && to.is_none())
        && remaining > 0
    {
        return Status::Paused {
            remaining_minutes: remaining,
        };
    }
    let due = if remaining > 0 {
        if std.working_hours_only {
            cal.add_working(now, remaining)
        } else {
            Some(now + Duration::minutes(remaining))
        }
    } else {
        deadline(t, std, cal)
    }
    .unwrap_or(now);
    if now > due {
        return Status::Breached {
            overdue_minutes: -remaining.min(0),
            due,
        };
    }
    if remaining <= std.due_soon_minutes {
        Status::DueSoon {
            remaining_minutes: remaining,
            due,
        }
    } else {
        Status::OnTrack {
            remaining_minutes: remaining,
            due,
        }
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]
    use super::*;
    use proptest::prelude::*;

    fn at(m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap()
    }

    fn cal() -> Calendar {
        let mut c = Calendar::office(
            NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            NaiveTime::from_hms_opt(18, 0, 0).unwrap(),
        );
        // 2026 Spring Festival: 02-16 … 02-20 off (Mon–Fri), 02-14 (Sat) worked
        for d in 16..=20 {
            c.holidays
                .insert(NaiveDate::from_ymd_opt(2026, 2, d).unwrap());
        }
        c.extra_workdays
            .insert(NaiveDate::from_ymd_opt(2026, 2, 14).unwrap());
        c
    }

    const FOUR_WORKING_HOURS: Standard = Standard {
        minutes: 240,
        working_hours_only: true,
        due_soon_minutes: 60,
    };
    const DAY_AROUND_THE_CLOCK: Standard = Standard {
        minutes: 1440,
        working_hours_only: false,
        due_soon_minutes: 120,
    };

    fn open(started: NaiveDateTime) -> Clock {
        Clock {
            started,
            pauses: vec![],
            done: None,
        }
    }

    #[test]
    fn working_hours_skip_nights_weekends_and_holidays() {
        let c = cal();
        // Friday 2026-02-13 17:00 + 4 h: 1 h Friday, Saturday 02-14 is a 调休 working day
        assert_eq!(c.add_working(at(2, 13, 17, 0), 240), Some(at(2, 14, 12, 0)));
        // Saturday 02-14 17:30 + 4 h: 30 min, then the festival week, back Monday 02-23
        assert_eq!(
            c.add_working(at(2, 14, 17, 30), 240),
            Some(at(2, 23, 12, 30))
        );
        // raised at night: the clock starts at opening
        assert_eq!(c.add_working(at(3, 3, 22, 0), 60), Some(at(3, 4, 10, 0)));
        assert_eq!(
            c.working_minutes(at(2, 13, 17, 0), at(2, 23, 10, 0)),
            60 + 540 + 60
        );
    }

    #[test]
    fn statuses_on_both_clocks_with_exact_boundaries() {
        let c = cal();
        let t = open(at(3, 3, 14, 0)); // Tuesday 14:00 → due 18:00
        assert_eq!(
            status(&t, &FOUR_WORKING_HOURS, &c, at(3, 3, 14, 30)),
            Status::OnTrack {
                remaining_minutes: 210,
                due: at(3, 3, 18, 0)
            }
        );
        assert_eq!(
            status(&t, &FOUR_WORKING_HOURS, &c, at(3, 3, 17, 0)),
            Status::DueSoon {
                remaining_minutes: 60,
                due: at(3, 3, 18, 0)
            }
        );
        // exactly at the deadline: due now; a minute later: breached
        assert_eq!(
            status(&t, &FOUR_WORKING_HOURS, &c, at(3, 3, 18, 0)),
            Status::DueSoon {
                remaining_minutes: 0,
                due: at(3, 3, 18, 0)
            }
        );
        assert_eq!(
            status(&t, &FOUR_WORKING_HOURS, &c, at(3, 3, 18, 1)),
            Status::Breached {
                overdue_minutes: 0,
                due: at(3, 3, 18, 0)
            }
        );
        // overnight the working clock stands still, but the deadline has passed
        assert_eq!(
            status(&t, &FOUR_WORKING_HOURS, &c, at(3, 4, 8, 0)),
            Status::Breached {
                overdue_minutes: 0,
                due: at(3, 3, 18, 0)
            }
        );
        assert_eq!(
            status(&t, &FOUR_WORKING_HOURS, &c, at(3, 4, 9, 30)),
            Status::Breached {
                overdue_minutes: 30,
                due: at(3, 3, 18, 0)
            }
        );
        // done exactly at the deadline is met; a minute after is late
        let done = Clock {
            done: Some(at(3, 3, 18, 0)),
            ..t.clone()
        };
        assert_eq!(
            status(&done, &FOUR_WORKING_HOURS, &c, at(3, 5, 9, 0)),
            Status::Met { spare_minutes: 0 }
        );
        let late = Clock {
            done: Some(at(3, 4, 9, 1)),
            ..t.clone()
        };
        assert_eq!(
            status(&late, &FOUR_WORKING_HOURS, &c, at(3, 5, 9, 0)),
            Status::Late { overdue_minutes: 1 }
        );
        // around the clock: a day is a day
        let t = open(at(3, 7, 20, 0));
        assert_eq!(
            status(&t, &DAY_AROUND_THE_CLOCK, &c, at(3, 8, 19, 0)),
            Status::DueSoon {
                remaining_minutes: 60,
                due: at(3, 8, 20, 0)
            }
        );
    }

    #[test]
    fn a_pause_stops_the_clock_and_resuming_continues_it() {
        let c = cal();
        let mut t = open(at(3, 3, 9, 0));
        t.pauses.push((at(3, 3, 10, 0), None)); // waiting for the customer from 10:00
        assert_eq!(
            status(&t, &FOUR_WORKING_HOURS, &c, at(3, 3, 16, 0)),
            Status::Paused {
                remaining_minutes: 180
            }
        );
        t.pauses[0].1 = Some(at(3, 3, 16, 0));
        assert_eq!(
            status(&t, &FOUR_WORKING_HOURS, &c, at(3, 3, 16, 0)),
            Status::OnTrack {
                remaining_minutes: 180,
                due: at(3, 4, 10, 0)
            }
        );
        // the deadline takes the pause into account: 1 h before it, 3 h after
        assert_eq!(deadline(&t, &FOUR_WORKING_HOURS, &c), Some(at(3, 4, 10, 0)));
        assert_eq!(
            status(&t, &FOUR_WORKING_HOURS, &c, at(3, 4, 11, 0)),
            Status::Breached {
                overdue_minutes: 60,
                due: at(3, 4, 10, 0)
            }
        );
    }

    #[test]
    fn a_calendar_is_typed_with_times_weekdays_and_named_days() {
        let input = CalendarInput {
            open: "08:30".into(),
            close: "17:30".into(),
            weekdays: "1,2,3,4,5,6".into(),
            days: vec![
                ("2026-10-01".into(), "holiday".into(), "国庆节".into()),
                ("2026-09-27".into(), "workday".into(), "国庆调休".into()),
            ],
        };
        let c = WorkCalendar::parse(&input).unwrap();
        assert_eq!(c.weekday_digits(), "123456");
        assert_eq!(c.days[0].name, "国庆调休");
        let cal = c.calendar();
        assert!(!cal.works_on(NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()));
        assert!(cal.works_on(NaiveDate::from_ymd_opt(2026, 9, 27).unwrap())); // a Sunday
        assert!(cal.works_on(NaiveDate::from_ymd_opt(2026, 10, 3).unwrap())); // a Saturday
        assert!(!cal.works_on(NaiveDate::from_ymd_opt(2026, 10, 4).unwrap()));
        let bad = CalendarInput {
            open: "9点".into(),
            close: "".into(),
            weekdays: "8".into(),
            days: vec![
                ("2026-13-01".into(), "holiday".into(), String::new()),
                ("2026-10-01".into(), "off".into(), String::new()),
            ],
        };
        let got: Vec<_> = WorkCalendar::parse(&bad)
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect();
        assert_eq!(
            got,
            vec![
                ("open".to_owned(), FieldErrorCode::InvalidTime),
                ("close".to_owned(), FieldErrorCode::Required),
                ("weekdays".to_owned(), FieldErrorCode::InvalidChoice),
                ("days.0.day".to_owned(), FieldErrorCode::InvalidDate),
                ("days.1.kind".to_owned(), FieldErrorCode::InvalidChoice),
            ]
        );
        let e = WorkCalendar::parse(&CalendarInput {
            open: "18:00".into(),
            close: "09:00".into(),
            weekdays: String::new(),
            days: Vec::new(),
        })
        .unwrap_err();
        assert_eq!(e[0].code, FieldErrorCode::CloseBeforeOpen);
        assert_eq!(e[1].code, FieldErrorCode::Required);
    }

    proptest! {
        /// While the clock runs, the time left never goes up.
        #[test]
        fn remaining_time_never_increases_while_running(start in 0i64..20_000, steps in proptest::collection::vec(0i64..2_000, 1..12), around in any::<bool>()) {
            let c = cal();
            let std = Standard { minutes: 600, working_hours_only: !around, due_soon_minutes: 60 };
            let t = open(at(2, 1, 0, 0) + Duration::minutes(start));
            let left = |s: Status| match s {
                Status::OnTrack { remaining_minutes, .. } | Status::DueSoon { remaining_minutes, .. } => remaining_minutes,
                Status::Breached { overdue_minutes, .. } => -overdue_minutes,
                other => panic!("{other:?}"),
            };
            let mut now = t.started;
            let mut last = left(status(&t, &std, &c, now));
            for s in steps {
                now += Duration::minutes(s);
                let l = left(status(&t, &std, &c, now));
                prop_assert!(l <= last, "{} then {} at {}", last, l, now);
                last = l;
            }
        }

        /// Breached exactly when the wall clock is past the deadline.
        #[test]
        fn breached_exactly_after_the_deadline(start in 0i64..20_000, later in 0i64..5_000, around in any::<bool>()) {
            let c = cal();
            let std = Standard { minutes: 300, working_hours_only: !around, due_soon_minutes: 60 };
            let t = open(at(2, 1, 0, 0) + Duration::minutes(start));
            let due = deadline(&t, &std, &c).unwrap();
            let now = t.started + Duration::minutes(later);
            let breached = matches!(status(&t, &std, &c, now), Status::Breached { .. });
            prop_assert_eq!(breached, now > due);
        }

        /// The deadline is exactly the standard's minutes of counted time after the start.
        #[test]
        fn the_due_time_is_the_standard_after_the_start(start in 0i64..20_000, minutes in 1i64..3_000) {
            let c = cal();
            let from = at(2, 1, 0, 0) + Duration::minutes(start);
            let due = c.add_working(from, minutes).unwrap();
            prop_assert_eq!(c.working_minutes(from, due), minutes);
        }
    }
}
