//! The handbook (手册, Pillar 5: "standards that can be copied"): the company's service
//! standards, working calendar, tier policies, visit procedure and channel rules compiled
//! into one numbered edition. Publishing makes a new edition; an edition never changes.
//! Each employee acknowledges the edition in force; the owner sees who has not.
//!
//! ```
//! use qudao::domain::handbook::{Draft, unacknowledged, next_number};
//! assert_eq!(next_number(None), 1);
//! assert_eq!(next_number(Some(3)), 4);
//! let staff = ["张伟", "李娜", "王芳"];
//! assert_eq!(unacknowledged(&staff, &["李娜"]), vec!["张伟", "王芳"]);
//! assert!(Draft::parse("", " ", "").is_err()); // nothing to publish
//! ```
use crate::domain::segmentation::Class;
use crate::domain::sla::WorkCalendar;
use crate::domain::tickets::ServiceStandard;
use crate::domain::tier::SupportType;
use crate::domain::validation::{FieldError, FieldErrorCode};
use serde::{Deserialize, Serialize};

/// The owner's own chapters, as typed.
///
/// Unlike the office's other inputs it passes over a field it does not have: every
/// published edition keeps its draft as JSON, and an edition published by an earlier
/// version of the app must still open after a chapter is renamed or retired.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Draft {
    pub foreword: String,
    pub visit_procedure: String,
    pub channel_rules: String,
}

const MAX_CHAPTER: u32 = 20_000;

impl Draft {
    /// Trims each chapter; each at most 20 000 characters. A draft with no text at all
    /// is refused (`foreword: Required`) — a handbook needs at least one written chapter.
    pub fn parse(
        foreword: &str,
        visit_procedure: &str,
        channel_rules: &str,
    ) -> Result<Draft, Vec<FieldError>> {
        let mut errors = Vec::new();
        for (field, text) in [
            ("foreword", foreword),
            ("visit_procedure", visit_procedure),
            ("channel_rules", channel_rules),
        ] {
            if text.trim().chars().count() > MAX_CHAPTER as usize {
                errors.push(FieldError::new(
                    field,
                    FieldErrorCode::TooLong { max: MAX_CHAPTER },
                ));
            }
        }
        let draft = Draft {
            foreword: foreword.trim().to_owned(),
            visit_procedure: visit_procedure.trim().to_owned(),
            channel_rules: channel_rules.trim().to_owned(),
        };
        if draft.is_empty() && errors.is_empty() {
            errors.push(FieldError::new("foreword", FieldErrorCode::Required));
        }
        if errors.is_empty() {
            Ok(draft)
        } else {
            Err(errors)
        }
    }

    pub fn is_empty(&self) -> bool {
        self.foreword.is_empty() && self.visit_procedure.is_empty() && self.channel_rules.is_empty()
    }
}

/// A tier's policy as the handbook prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyChapter {
    pub tier: Class,
    pub effective_from: String,
    pub visits_per_month: u32,
    pub supports: Vec<SupportType>,
    pub budget_share_bp: u32,
    /// Fen.
    pub credit_limit: i64,
    pub credit_days: u32,
    pub notes: Option<String>,
}

/// One compiled edition: what every employee reads and acknowledges.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handbook {
    pub company: String,
    pub draft: Draft,
    pub standards: Vec<ServiceStandard>,
    pub calendar: Option<WorkCalendar>,
    pub policies: Vec<PolicyChapter>,
}

impl Handbook {
    /// The chapters that differ from `previous`, by name (`foreword`, `standards`,
    /// `calendar`, `policies`, `visit_procedure`, `channel_rules`), for "what changed".
    pub fn changed_since(&self, previous: &Handbook) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.draft.foreword != previous.draft.foreword {
            out.push("foreword");
        }
        if self.standards != previous.standards {
            out.push("standards");
        }
        if self.calendar != previous.calendar {
            out.push("calendar");
        }
        if self.policies != previous.policies {
            out.push("policies");
        }
        if self.draft.visit_procedure != previous.draft.visit_procedure {
            out.push("visit_procedure");
        }
        if self.draft.channel_rules != previous.draft.channel_rules {
            out.push("channel_rules");
        }
        out
    }
}

/// The number the next edition gets.
pub fn next_number(latest: Option<i64>) -> i64 {
    latest.unwrap_or(0).max(0) + 1
}

/// Who of `staff` has not acknowledged, in the order of `staff`.
pub fn unacknowledged<K: PartialEq + Clone>(staff: &[K], acknowledged: &[K]) -> Vec<K> {
    staff
        .iter()
        .filter(|s| !acknowledged.contains(s))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    fn book(foreword: &str, minutes: i64) -> Handbook {
        Handbook {
            company: "示范".into(),
            draft: Draft {
                foreword: foreword.into(),
                ..Draft::default()
            },
            standards: vec![ServiceStandard {
                kind: crate::domain::tickets::StandardKind::Delivery,
                minutes,
                tier_minutes: [None; 3],
                working_hours_only: false,
            }],
            calendar: None,
            policies: Vec::new(),
        }
    }

    #[test]
    fn a_draft_needs_some_text_and_no_chapter_is_endless() {
        let e = Draft::parse(" ", "", "\n").unwrap_err();
        assert_eq!(e[0].code, FieldErrorCode::Required);
        let long = "字".repeat(20_001);
        let e = Draft::parse("", &long, "").unwrap_err();
        assert_eq!(
            (e[0].field.as_str(), e[0].code),
            ("visit_procedure", FieldErrorCode::TooLong { max: 20_000 })
        );
        let d = Draft::parse("  前言 ", "", "不得窜货").unwrap();
        assert_eq!(d.foreword, "前言");
        assert_eq!(d.channel_rules, "不得窜货");
    }

    #[test]
    fn changes_name_exactly_the_chapters_that_differ() {
        let a = book("前言", 1_440);
        assert!(a.changed_since(&a).is_empty());
        assert_eq!(book("前言", 720).changed_since(&a), vec!["standards"]);
        assert_eq!(
            book("新前言", 720).changed_since(&a),
            vec!["foreword", "standards"]
        );
    }

    #[test]
    fn editions_count_up_from_one() {
        assert_eq!(next_number(None), 1);
        assert_eq!(next_number(Some(1)), 2);
        assert_eq!(next_number(Some(-5)), 1);
    }

    proptest! {
        #[test]
        fn everyone_is_either_acknowledged_or_listed(staff in proptest::collection::vec(0u8..30, 0..20), acks in proptest::collection::vec(0u8..30, 0..20)) {
            let missing = unacknowledged(&staff, &acks);
            for s in &staff {
                prop_assert_eq!(acks.contains(s), !missing.contains(s));
            }
            prop_assert!(missing.len() <= staff.len());
        }
    }
}
