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
use crate::domain::sla::Standard;
use crate::domain::validation::{FieldError, FieldErrorCode};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

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
        let kind = StandardKind::parse(&input.kind)
            .map_err(|c| errors.push(FieldError::new("kind", c)))
            .ok();
        let minutes = parse_hours(&input.hours)
            .map_err(|c| errors.push(FieldError::new("hours", c)))
            .ok();
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
