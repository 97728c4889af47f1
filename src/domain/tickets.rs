//! Service standards and the tickets measured against them (Pillar 5: "standards that can
//! be copied"). Groundwork for issue 6; the timers themselves are [`crate::domain::sla`].
//!
//! - A **standard** is a quantified promise — deliver within N hours of the order, answer
//!   an objection within N hours, resolve it within N hours — optionally stricter for a
//!   tier, counted around the clock or in working hours only.
//! - An **objection** moves `open → answered → resolved → closed`; it cannot be resolved
//!   before it was answered, and no step is dated before the one it follows.
//! - A **delivery** cannot be delivered before it was ordered.
//!
//! ```
//! use qudao::domain::segmentation::Class;
//! use qudao::domain::tickets::{StandardInput, ServiceStandard};
//! let s = ServiceStandard::parse(&StandardInput {
//!     kind: "first_answer".into(), hours: "4".into(), tier_a_hours: "2".into(),
//!     working_hours_only: true, ..StandardInput::default()
//! }).unwrap();
//! assert_eq!(s.for_tier(Some(Class::A)).minutes, 120);
//! assert_eq!(s.for_tier(Some(Class::C)).minutes, 240);
//! ```
use crate::domain::segmentation::Class;
use crate::domain::sla::{Clock, Standard, Status};
use crate::domain::validation::{FieldError, FieldErrorCode, required_text, take};
use chrono::{Datelike, NaiveDateTime, Timelike};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a standard measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StandardKind {
    /// From the order to the delivery.
    Delivery,
    /// From an objection raised to its first answer.
    FirstAnswer,
    /// From an objection raised to its resolution.
    Resolution,
}

impl StandardKind {
    pub const ALL: [StandardKind; 3] = [
        StandardKind::Delivery,
        StandardKind::FirstAnswer,
        StandardKind::Resolution,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StandardKind::Delivery => "delivery",
            StandardKind::FirstAnswer => "first_answer",
            StandardKind::Resolution => "resolution",
        }
    }

    pub fn parse(raw: &str) -> Result<StandardKind, FieldErrorCode> {
        StandardKind::ALL
            .into_iter()
            .find(|k| k.as_str() == raw.trim())
            .ok_or(FieldErrorCode::InvalidChoice)
    }
}

/// A standard as typed: hours with at most two decimals (`0.5` is 30 minutes); the tier
/// fields are optional and, when given, must be stricter than the general one.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct StandardInput {
    pub kind: String,
    pub hours: String,
    pub tier_a_hours: String,
    pub tier_b_hours: String,
    pub tier_c_hours: String,
    pub working_hours_only: bool,
}

/// A checked standard; durations in minutes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceStandard {
    pub kind: StandardKind,
    pub minutes: i64,
    /// A, B, C: a stricter limit for the tier, if any.
    pub tier_minutes: [Option<i64>; 3],
    pub working_hours_only: bool,
}

/// Hours as typed, in minutes: more than 0, at most 30 days, two decimals at most.
pub fn parse_hours(raw: &str) -> Result<i64, FieldErrorCode> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(FieldErrorCode::Required);
    }
    let (neg, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
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
    if neg {
        return Err(FieldErrorCode::Negative);
    }
    let int: i64 = if int.is_empty() {
        0
    } else {
        int.parse().map_err(|_| FieldErrorCode::TooLarge)?
    };
    let hundredths = int
        .checked_mul(100)
        .and_then(|h| h.checked_add(format!("{frac:0<2}").parse::<i64>().unwrap_or(0)))
        .ok_or(FieldErrorCode::TooLarge)?;
    // hundredths of an hour → minutes, rounded to the nearest minute
    let minutes = (hundredths * 60 + 50) / 100;
    if minutes == 0 {
        return Err(FieldErrorCode::Zero);
    }
    if minutes > 30 * 24 * 60 {
        return Err(FieldErrorCode::TooLarge);
    }
    Ok(minutes)
}

impl ServiceStandard {
    /// Checks a standard; every refused field is reported at once.
    pub fn parse(input: &StandardInput) -> Result<ServiceStandard, Vec<FieldError>> {
        let mut errors = Vec::new();
        let kind = take(&mut errors, "kind", StandardKind::parse(&input.kind));
        let minutes = take(&mut errors, "hours", parse_hours(&input.hours));
        let mut tier_minutes = [None; 3];
        for (i, (field, raw)) in [
            ("tier_a_hours", &input.tier_a_hours),
            ("tier_b_hours", &input.tier_b_hours),
            ("tier_c_hours", &input.tier_c_hours),
        ]
        .into_iter()
        .enumerate()
        {
            if raw.trim().is_empty() {
                continue;
            }
            match parse_hours(raw) {
                Ok(m) if minutes.is_some_and(|base| m > base) => {
                    errors.push(FieldError::new(field, FieldErrorCode::NotStricter))
                }
                Ok(m) => tier_minutes[i] = Some(m),
                Err(c) => errors.push(FieldError::new(field, c)),
            }
        }
        match (kind, minutes) {
            (Some(kind), Some(minutes)) if errors.is_empty() => Ok(ServiceStandard {
                kind,
                minutes,
                tier_minutes,
                working_hours_only: input.working_hours_only,
            }),
            _ => Err(errors),
        }
    }

    /// The timer standard for a customer of `tier` (unclassified: the general one). "Due
    /// soon" starts at a quarter of the allowed time, at least 15 minutes.
    pub fn for_tier(&self, tier: Option<Class>) -> Standard {
        let minutes = tier
            .and_then(|t| self.tier_minutes[t as usize])
            .unwrap_or(self.minutes);
        Standard {
            minutes,
            working_hours_only: self.working_hours_only,
            due_soon_minutes: (minutes / 4).max(15).min(minutes),
        }
    }
}

/// Where an objection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ObjectionStatus {
    Open,
    Answered,
    Resolved,
    Closed,
}

/// An objection's milestones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Objection {
    pub opened: NaiveDateTime,
    pub answered: Option<NaiveDateTime>,
    pub resolved: Option<NaiveDateTime>,
    pub closed: Option<NaiveDateTime>,
}

impl Objection {
    pub fn status(&self) -> ObjectionStatus {
        if self.closed.is_some() {
            ObjectionStatus::Closed
        } else if self.resolved.is_some() {
            ObjectionStatus::Resolved
        } else if self.answered.is_some() {
            ObjectionStatus::Answered
        } else {
            ObjectionStatus::Open
        }
    }

    /// The objection after moving to `to` at `at`: one step forward at a time, never
    /// dated before the step it follows. Resolving an objection nobody answered is
    /// refused (the customer hears back first).
    pub fn advance(&self, to: ObjectionStatus, at: NaiveDateTime) -> Result<Objection, FieldError> {
        let previous = match self.status() {
            ObjectionStatus::Open => self.opened,
            ObjectionStatus::Answered => self.answered.unwrap_or(self.opened),
            ObjectionStatus::Resolved => self.resolved.unwrap_or(self.opened),
            ObjectionStatus::Closed => {
                return Err(FieldError::new("status", FieldErrorCode::InvalidTransition));
            }
        };
        let mut next = *self;
        match (self.status(), to) {
            (ObjectionStatus::Open, ObjectionStatus::Answered) => next.answered = Some(at),
            (ObjectionStatus::Answered, ObjectionStatus::Resolved) => next.resolved = Some(at),
            (ObjectionStatus::Resolved, ObjectionStatus::Closed) => next.closed = Some(at),
            (ObjectionStatus::Open, ObjectionStatus::Resolved) => {
                return Err(FieldError::new("status", FieldErrorCode::AnswerFirst));
            }
            _ => return Err(FieldError::new("status", FieldErrorCode::InvalidTransition)),
        }
        if at < previous {
            return Err(FieldError::new("at", FieldErrorCode::BeforeStart));
        }
        Ok(next)
    }
}

/// Checks a delivery's times: delivered no earlier than ordered.
pub fn check_delivery(
    ordered: NaiveDateTime,
    delivered: Option<NaiveDateTime>,
) -> Result<(), FieldError> {
    match delivered {
        Some(d) if d < ordered => Err(FieldError::new("delivered_at", FieldErrorCode::BeforeStart)),
        _ => Ok(()),
    }
}

/// What an objection is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ObjectionCategory {
    Quality,
    Price,
    Delivery,
    Display,
    Service,
    Other,
}

impl ObjectionCategory {
    pub const ALL: [ObjectionCategory; 6] = [
        ObjectionCategory::Quality,
        ObjectionCategory::Price,
        ObjectionCategory::Delivery,
        ObjectionCategory::Display,
        ObjectionCategory::Service,
        ObjectionCategory::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ObjectionCategory::Quality => "quality",
            ObjectionCategory::Price => "price",
            ObjectionCategory::Delivery => "delivery",
            ObjectionCategory::Display => "display",
            ObjectionCategory::Service => "service",
            ObjectionCategory::Other => "other",
        }
    }

    pub fn parse(raw: &str) -> Result<ObjectionCategory, FieldErrorCode> {
        match raw.trim() {
            "" => Err(FieldErrorCode::Required),
            t => ObjectionCategory::ALL
                .into_iter()
                .find(|c| c.as_str() == t)
                .ok_or(FieldErrorCode::InvalidChoice),
        }
    }
}

impl ObjectionStatus {
    pub const ALL: [ObjectionStatus; 4] = [
        ObjectionStatus::Open,
        ObjectionStatus::Answered,
        ObjectionStatus::Resolved,
        ObjectionStatus::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ObjectionStatus::Open => "open",
            ObjectionStatus::Answered => "answered",
            ObjectionStatus::Resolved => "resolved",
            ObjectionStatus::Closed => "closed",
        }
    }

    pub fn parse(raw: &str) -> Result<ObjectionStatus, FieldErrorCode> {
        ObjectionStatus::ALL
            .into_iter()
            .find(|c| c.as_str() == raw.trim())
            .ok_or(FieldErrorCode::InvalidChoice)
    }
}

/// A Beijing wall-clock minute as typed: `2026-11-27T09:30` (what a `datetime-local`
/// input sends) or `2026-11-27 09:30`.
pub fn parse_local_minute(raw: &str) -> Result<NaiveDateTime, FieldErrorCode> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(FieldErrorCode::Required);
    }
    let parsed = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
        .into_iter()
        .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
        .ok_or(FieldErrorCode::InvalidDate)?;
    if !(2000..=2099).contains(&parsed.year()) {
        return Err(FieldErrorCode::DateOutOfRange);
    }
    Ok(parsed.with_second(0).unwrap_or(parsed))
}

/// An optional moment that may not lie in the future (a minute's grace for clocks that
/// disagree); empty means `now`.
pub fn moment_not_future(raw: &str, now: NaiveDateTime) -> Result<NaiveDateTime, FieldErrorCode> {
    if raw.trim().is_empty() {
        return Ok(now);
    }
    let at = parse_local_minute(raw)?;
    if at > now + chrono::Duration::minutes(1) {
        return Err(FieldErrorCode::InFuture);
    }
    Ok(at)
}

/// Text that may run over several lines (a description), required, at most `max`.
fn required_note(raw: &str, max: u32) -> Result<String, FieldErrorCode> {
    let t = raw.trim();
    if t.is_empty() {
        Err(FieldErrorCode::Required)
    } else if t.chars().count() > max as usize {
        Err(FieldErrorCode::TooLong { max })
    } else {
        Ok(t.to_owned())
    }
}

/// An objection as typed in the form. `opened_at` empty: now; `assignee` empty: nobody yet.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ObjectionInput {
    /// The customer's code.
    pub customer: String,
    pub category: String,
    pub description: String,
    /// An employee id.
    pub assignee: String,
    pub opened_at: String,
    /// A UUID minted by the tablet for a record made offline (empty: the server mints
    /// one); a record sent twice is stored once.
    #[serde(default)]
    pub client_id: String,
}

/// A checked new objection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewObjection {
    pub customer_code: String,
    pub category: ObjectionCategory,
    pub description: String,
    pub assignee: Option<String>,
    pub opened_at: NaiveDateTime,
}

impl NewObjection {
    /// Checks the form at Beijing time `now`; every refused field is reported at once.
    pub fn parse(
        input: &ObjectionInput,
        now: NaiveDateTime,
    ) -> Result<NewObjection, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut check = |field: &str, problem: Option<&FieldErrorCode>| {
            if let Some(c) = problem {
                errors.push(FieldError::new(field, *c));
            }
        };
        let customer = required_text(&input.customer, 40);
        check("customer", customer.as_ref().err());
        let category = ObjectionCategory::parse(&input.category);
        check("category", category.as_ref().err());
        let description = required_note(&input.description, 2000);
        check("description", description.as_ref().err());
        let opened = moment_not_future(&input.opened_at, now);
        check("opened_at", opened.as_ref().err());
        match (customer, category, description, opened) {
            (Ok(customer_code), Ok(category), Ok(description), Ok(opened_at)) => Ok(NewObjection {
                customer_code,
                category,
                description,
                assignee: Some(input.assignee.trim().to_owned()).filter(|a| !a.is_empty()),
                opened_at,
            }),
            _ => Err(errors),
        }
    }
}

/// A delivery ticket as typed. `promised_at` and `driver` may be empty.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct DeliveryInput {
    pub customer: String,
    /// The order's number (from the ERP or the order book).
    pub order_ref: String,
    pub ordered_at: String,
    pub promised_at: String,
    /// An employee id.
    pub driver: String,
}

/// A checked new delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDelivery {
    pub customer_code: String,
    pub order_ref: String,
    pub ordered_at: NaiveDateTime,
    pub promised_at: Option<NaiveDateTime>,
    pub driver: Option<String>,
}

impl NewDelivery {
    /// Checks the form at Beijing time `now`: ordered not in the future, promised not
    /// before the order.
    pub fn parse(
        input: &DeliveryInput,
        now: NaiveDateTime,
    ) -> Result<NewDelivery, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut note = |field: &str, problem: Option<&FieldErrorCode>| {
            if let Some(c) = problem {
                errors.push(FieldError::new(field, *c));
            }
        };
        let customer = required_text(&input.customer, 40);
        note("customer", customer.as_ref().err());
        let order_ref = required_text(&input.order_ref, 40);
        note("order_ref", order_ref.as_ref().err());
        let ordered = if input.ordered_at.trim().is_empty() {
            Err(FieldErrorCode::Required)
        } else {
            moment_not_future(&input.ordered_at, now)
        };
        note("ordered_at", ordered.as_ref().err());
        let promised = if input.promised_at.trim().is_empty() {
            Ok(None)
        } else {
            match (parse_local_minute(&input.promised_at), &ordered) {
                (Ok(p), Ok(o)) if p < *o => Err(FieldErrorCode::BeforeStart),
                (Ok(p), _) => Ok(Some(p)),
                (Err(c), _) => Err(c),
            }
        };
        note("promised_at", promised.as_ref().err());
        match (customer, order_ref, ordered, promised) {
            (Ok(customer_code), Ok(order_ref), Ok(ordered_at), Ok(promised_at)) => {
                Ok(NewDelivery {
                    customer_code,
                    order_ref,
                    ordered_at,
                    promised_at,
                    driver: Some(input.driver.trim().to_owned()).filter(|d| !d.is_empty()),
                })
            }
            _ => Err(errors),
        }
    }
}

/// The two timers of an objection — to the first answer and to the resolution — both
/// from the moment it was raised, both standing still while it waits for the customer.
pub fn objection_clocks(
    o: &Objection,
    pauses: &[(NaiveDateTime, Option<NaiveDateTime>)],
) -> (Clock, Clock) {
    let clock = |done| Clock {
        started: o.opened,
        pauses: pauses.to_vec(),
        done,
    };
    (clock(o.answered), clock(o.resolved))
}

/// The standard an objection is waiting on: the first answer, then the resolution.
pub fn pending_standard(o: &Objection) -> Option<StandardKind> {
    match o.status() {
        ObjectionStatus::Open => Some(StandardKind::FirstAnswer),
        ObjectionStatus::Answered => Some(StandardKind::Resolution),
        ObjectionStatus::Resolved | ObjectionStatus::Closed => None,
    }
}

/// The board's order: breached first (longest overdue first), then due soon and on track
/// by time left, paused after them, finished last.
pub fn urgency(s: &Status) -> (u8, i64) {
    match *s {
        Status::Breached {
            overdue_minutes, ..
        } => (0, -overdue_minutes),
        Status::DueSoon {
            remaining_minutes, ..
        } => (1, remaining_minutes),
        Status::OnTrack {
            remaining_minutes, ..
        } => (2, remaining_minutes),
        Status::Paused { remaining_minutes } => (3, remaining_minutes),
        Status::Met { .. } | Status::Late { .. } => (4, 0),
    }
}

/// Met, measured: how many tickets kept their standard out of those that are decided
/// (met, late, or already breached). Running tickets are not measured yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Tally {
    pub met: u32,
    pub measured: u32,
}

impl Tally {
    /// The share met in permille, rounded down; `None` when nothing was measured.
    pub fn permille(self) -> Option<u32> {
        (self.measured > 0).then(|| {
            u32::try_from(u64::from(self.met) * 1000 / u64::from(self.measured)).unwrap_or(1000)
        })
    }

    fn add(&mut self, met: bool) {
        self.measured += 1;
        if met {
            self.met += 1;
        }
    }
}

/// Whether a status counts for compliance, and as kept (`true`) or missed.
pub fn outcome(s: &Status) -> Option<bool> {
    match s {
        Status::Met { .. } => Some(true),
        Status::Late { .. } | Status::Breached { .. } => Some(false),
        Status::OnTrack { .. } | Status::DueSoon { .. } | Status::Paused { .. } => None,
    }
}

/// Compliance per key (rep, standard, month …) from each ticket's status.
pub fn compliance<K: Ord>(items: impl IntoIterator<Item = (K, Status)>) -> BTreeMap<K, Tally> {
    tally(
        items
            .into_iter()
            .filter_map(|(k, s)| outcome(&s).map(|met| (k, met))),
    )
}

/// Compliance per key from each measured ticket's outcome (kept or missed).
pub fn tally<K: Ord>(items: impl IntoIterator<Item = (K, bool)>) -> BTreeMap<K, Tally> {
    let mut out: BTreeMap<K, Tally> = BTreeMap::new();
    for (k, met) in items {
        out.entry(k).or_default().add(met);
    }
    out
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used)]
    use super::*;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    fn at(d: u32, h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 3, d)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
    }

    #[test]
    fn hours_become_minutes_and_zero_or_negative_is_refused() {
        assert_eq!(parse_hours("24"), Ok(1_440));
        assert_eq!(parse_hours("0.5"), Ok(30));
        assert_eq!(parse_hours(".25"), Ok(15));
        assert_eq!(parse_hours("1.01"), Ok(61));
        assert_eq!(parse_hours("0"), Err(FieldErrorCode::Zero));
        assert_eq!(parse_hours("0.001"), Err(FieldErrorCode::TooManyDecimals));
        assert_eq!(parse_hours("-4"), Err(FieldErrorCode::Negative));
        assert_eq!(parse_hours("4h"), Err(FieldErrorCode::InvalidNumber));
        assert_eq!(parse_hours(" "), Err(FieldErrorCode::Required));
        assert_eq!(parse_hours("721"), Err(FieldErrorCode::TooLarge));
        assert_eq!(
            parse_hours("99999999999999999999"),
            Err(FieldErrorCode::TooLarge)
        );
    }

    #[test]
    fn a_tier_may_only_be_held_to_a_stricter_limit() {
        let input = StandardInput {
            kind: "resolution".into(),
            hours: "48".into(),
            tier_a_hours: "24".into(),
            tier_b_hours: "72".into(),
            tier_c_hours: "x".into(),
            working_hours_only: false,
        };
        let e = ServiceStandard::parse(&input).unwrap_err();
        let got: Vec<_> = e.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            got,
            vec![
                ("tier_b_hours", FieldErrorCode::NotStricter),
                ("tier_c_hours", FieldErrorCode::InvalidNumber),
            ]
        );
        let ok = ServiceStandard::parse(&StandardInput {
            tier_b_hours: String::new(),
            tier_c_hours: String::new(),
            ..input
        })
        .unwrap();
        assert_eq!(ok.for_tier(Some(Class::A)).minutes, 1_440);
        assert_eq!(ok.for_tier(Some(Class::B)).minutes, 2_880);
        assert_eq!(ok.for_tier(None).minutes, 2_880);
        assert_eq!(ok.for_tier(None).due_soon_minutes, 720);
        let e = ServiceStandard::parse(&StandardInput {
            kind: "visit".into(),
            hours: "-1".into(),
            ..StandardInput::default()
        })
        .unwrap_err();
        assert_eq!(e.len(), 2);
    }

    #[test]
    fn an_objection_is_answered_before_it_is_resolved_and_never_back_dated() {
        let o = Objection {
            opened: at(2, 9, 0),
            answered: None,
            resolved: None,
            closed: None,
        };
        assert_eq!(
            o.advance(ObjectionStatus::Resolved, at(2, 10, 0))
                .unwrap_err()
                .code,
            FieldErrorCode::AnswerFirst
        );
        assert_eq!(
            o.advance(ObjectionStatus::Answered, at(2, 8, 59))
                .unwrap_err()
                .code,
            FieldErrorCode::BeforeStart
        );
        let a = o.advance(ObjectionStatus::Answered, at(2, 9, 30)).unwrap();
        assert_eq!(a.status(), ObjectionStatus::Answered);
        assert_eq!(
            a.advance(ObjectionStatus::Resolved, at(2, 9, 29))
                .unwrap_err()
                .code,
            FieldErrorCode::BeforeStart
        );
        let r = a.advance(ObjectionStatus::Resolved, at(3, 11, 0)).unwrap();
        let c = r.advance(ObjectionStatus::Closed, at(3, 11, 0)).unwrap();
        assert_eq!(c.status(), ObjectionStatus::Closed);
        assert_eq!(
            c.advance(ObjectionStatus::Open, at(4, 9, 0))
                .unwrap_err()
                .code,
            FieldErrorCode::InvalidTransition
        );
        assert_eq!(
            a.advance(ObjectionStatus::Open, at(4, 9, 0))
                .unwrap_err()
                .code,
            FieldErrorCode::InvalidTransition
        );
    }

    #[test]
    fn a_delivery_is_not_delivered_before_its_order() {
        assert!(check_delivery(at(2, 9, 0), Some(at(2, 8, 0))).is_err());
        assert!(check_delivery(at(2, 9, 0), Some(at(2, 9, 0))).is_ok());
        assert!(check_delivery(at(2, 9, 0), None).is_ok());
    }

    #[test]
    fn moments_are_typed_as_local_minutes() {
        assert_eq!(parse_local_minute("2026-03-02T09:30"), Ok(at(2, 9, 30)));
        assert_eq!(parse_local_minute("2026-03-02 09:30"), Ok(at(2, 9, 30)));
        assert_eq!(parse_local_minute("2026-03-02T09:30:45"), Ok(at(2, 9, 30)));
        assert_eq!(parse_local_minute(""), Err(FieldErrorCode::Required));
        assert_eq!(
            parse_local_minute("明天上午"),
            Err(FieldErrorCode::InvalidDate)
        );
        assert_eq!(
            parse_local_minute("2026-02-30T09:00"),
            Err(FieldErrorCode::InvalidDate)
        );
        assert_eq!(
            parse_local_minute("1999-12-31T09:00"),
            Err(FieldErrorCode::DateOutOfRange)
        );
    }

    #[test]
    fn an_objection_form_reports_every_bad_field_and_defaults_to_now() {
        let now = at(5, 10, 0);
        let bad = ObjectionInput {
            customer: " ".into(),
            category: "taste".into(),
            description: "".into(),
            assignee: "".into(),
            opened_at: "2026-03-05T10:30".into(),
            client_id: String::new(),
        };
        let got: Vec<_> = NewObjection::parse(&bad, now)
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect();
        assert_eq!(
            got,
            vec![
                ("customer".to_owned(), FieldErrorCode::Required),
                ("category".to_owned(), FieldErrorCode::InvalidChoice),
                ("description".to_owned(), FieldErrorCode::Required),
                ("opened_at".to_owned(), FieldErrorCode::InFuture),
            ]
        );
        let ok = NewObjection::parse(
            &ObjectionInput {
                customer: "C001".into(),
                category: "quality".into(),
                description: "三箱破损\n要求换货".into(),
                ..ObjectionInput::default()
            },
            now,
        )
        .unwrap();
        assert_eq!(ok.opened_at, now);
        assert_eq!(ok.category, ObjectionCategory::Quality);
        assert_eq!(ok.assignee, None);
    }

    #[test]
    fn a_delivery_form_needs_an_order_and_a_promise_after_it() {
        let now = at(5, 10, 0);
        let e = NewDelivery::parse(
            &DeliveryInput {
                customer: "C001".into(),
                order_ref: "".into(),
                ordered_at: "2026-03-05T09:00".into(),
                promised_at: "2026-03-05T08:00".into(),
                driver: "".into(),
            },
            now,
        )
        .unwrap_err();
        let got: Vec<_> = e.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            got,
            vec![
                ("order_ref", FieldErrorCode::Required),
                ("promised_at", FieldErrorCode::BeforeStart)
            ]
        );
        let e = NewDelivery::parse(&DeliveryInput::default(), now).unwrap_err();
        assert!(
            e.iter()
                .any(|e| e.field == "ordered_at" && e.code == FieldErrorCode::Required)
        );
        let ok = NewDelivery::parse(
            &DeliveryInput {
                customer: "C001".into(),
                order_ref: "SO-1".into(),
                ordered_at: "2026-03-05T09:00".into(),
                promised_at: "2026-03-06T09:00".into(),
                driver: " e1 ".into(),
            },
            now,
        )
        .unwrap();
        assert_eq!(ok.promised_at, Some(at(6, 9, 0)));
        assert_eq!(ok.driver.as_deref(), Some("e1"));
    }

    #[test]
    fn the_board_puts_the_longest_breached_first_and_finished_last() {
        let due = at(5, 10, 0);
        let mut list = [
            Status::OnTrack {
                remaining_minutes: 300,
                due,
            },
            Status::Met { spare_minutes: 5 },
            Status::Breached {
                overdue_minutes: 10,
                due,
            },
            Status::Paused {
                remaining_minutes: 1,
            },
            Status::DueSoon {
                remaining_minutes: 20,
                due,
            },
            Status::Breached {
                overdue_minutes: 90,
                due,
            },
        ];
        list.sort_by_key(urgency);
        assert_eq!(
            list[0],
            Status::Breached {
                overdue_minutes: 90,
                due
            }
        );
        assert_eq!(
            list[1],
            Status::Breached {
                overdue_minutes: 10,
                due
            }
        );
        assert_eq!(
            list[2],
            Status::DueSoon {
                remaining_minutes: 20,
                due
            }
        );
        assert_eq!(list[5], Status::Met { spare_minutes: 5 });
    }

    #[test]
    fn compliance_counts_decided_tickets_only() {
        let due = at(5, 10, 0);
        let t = compliance(vec![
            ("张伟", Status::Met { spare_minutes: 0 }),
            ("张伟", Status::Late { overdue_minutes: 5 }),
            (
                "张伟",
                Status::Breached {
                    overdue_minutes: 1,
                    due,
                },
            ),
            (
                "张伟",
                Status::OnTrack {
                    remaining_minutes: 9,
                    due,
                },
            ),
            ("李娜", Status::Met { spare_minutes: 10 }),
            (
                "王芳",
                Status::Paused {
                    remaining_minutes: 10,
                },
            ),
        ]);
        assert_eq!(
            t["张伟"],
            Tally {
                met: 1,
                measured: 3
            }
        );
        assert_eq!(t["张伟"].permille(), Some(333));
        assert_eq!(t["李娜"].permille(), Some(1000));
        assert!(!t.contains_key("王芳"));
        assert_eq!(Tally::default().permille(), None);
    }

    #[test]
    fn an_objection_waits_on_its_answer_then_its_resolution() {
        let o = Objection {
            opened: at(2, 9, 0),
            answered: None,
            resolved: None,
            closed: None,
        };
        assert_eq!(pending_standard(&o), Some(StandardKind::FirstAnswer));
        let a = o.advance(ObjectionStatus::Answered, at(2, 10, 0)).unwrap();
        assert_eq!(pending_standard(&a), Some(StandardKind::Resolution));
        let (first, resolution) = objection_clocks(&a, &[]);
        assert_eq!(first.done, Some(at(2, 10, 0)));
        assert_eq!(resolution.done, None);
        let r = a.advance(ObjectionStatus::Resolved, at(2, 11, 0)).unwrap();
        assert_eq!(pending_standard(&r), None);
    }

    proptest! {
        #[test]
        fn milestones_stay_in_order_whatever_is_tried(steps in proptest::collection::vec((0usize..4, 0i64..600), 0..12)) {
            let all = [ObjectionStatus::Open, ObjectionStatus::Answered, ObjectionStatus::Resolved, ObjectionStatus::Closed];
            let mut o = Objection { opened: at(2, 9, 0), answered: None, resolved: None, closed: None };
            for (to, minutes) in steps {
                if let Ok(next) = o.advance(all[to], at(2, 9, 0) + chrono::Duration::minutes(minutes)) {
                    o = next;
                }
                let times: Vec<NaiveDateTime> = [Some(o.opened), o.answered, o.resolved, o.closed].into_iter().flatten().collect();
                prop_assert!(times.windows(2).all(|w| w[0] <= w[1]));
                // no later milestone without the earlier ones
                prop_assert!(o.resolved.is_none() || o.answered.is_some());
                prop_assert!(o.closed.is_none() || o.resolved.is_some());
            }
        }

        #[test]
        fn compliance_never_counts_more_met_than_measured(kinds in proptest::collection::vec(0u8..6, 0..50)) {
            let due = at(5, 10, 0);
            let list: Vec<(u8, Status)> = kinds.iter().map(|k| (k % 2, match k {
                0 => Status::Met { spare_minutes: 1 },
                1 => Status::Late { overdue_minutes: 1 },
                2 => Status::Breached { overdue_minutes: 1, due },
                3 => Status::OnTrack { remaining_minutes: 100, due },
                4 => Status::DueSoon { remaining_minutes: 1, due },
                _ => Status::Paused { remaining_minutes: 1 },
            })).collect();
            let decided = list.iter().filter(|(_, s)| outcome(s).is_some()).count();
            let t = compliance(list);
            prop_assert_eq!(t.values().map(|t| t.measured as usize).sum::<usize>(), decided);
            for v in t.values() {
                prop_assert!(v.met <= v.measured);
                prop_assert!(v.permille().is_some_and(|p| p <= 1000));
            }
        }

        #[test]
        fn a_tier_limit_is_never_looser_than_the_standard(base in 1i64..2_000, tier in 1i64..2_000) {
            let input = StandardInput {
                kind: "delivery".into(),
                hours: format!("{}.{:02}", base / 100, base % 100),
                tier_a_hours: format!("{}.{:02}", tier / 100, tier % 100),
                ..StandardInput::default()
            };
            if let Ok(s) = ServiceStandard::parse(&input) {
                prop_assert!(s.for_tier(Some(Class::A)).minutes <= s.for_tier(None).minutes);
            }
        }
    }
}
