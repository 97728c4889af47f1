//! Staff development (Pillar 1, "employees are the first customer"): training records,
//! a skills matrix, and training hours per person per quarter. Groundwork for issue 6.
//!
//! Hours are kept in tenths (`1.5` hours is 15) so sums stay exact.
//!
//! ```
//! use chrono::NaiveDate;
//! use qudao::domain::development::{quarter_hours, TrainingInput, Training};
//! let day = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
//! let t = Training::parse(&TrainingInput {
//!     date: "2026-11-20".into(), topic: "陈列标准".into(), hours: "1.5".into(),
//!     trainer: "刘敏".into(), external: false,
//! }, day).unwrap();
//! assert_eq!(t.tenths, 15);
//! let sums = quarter_hours(&[("张伟", t.date, t.tenths), ("张伟", t.date, 5)]);
//! assert_eq!(sums[&("张伟", 2026, 4)], 20);
//! ```
use crate::domain::validation::{FieldError, FieldErrorCode, optional_text, required_text, take};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A training session as typed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct TrainingInput {
    /// `YYYY-MM-DD`
    pub date: String,
    pub topic: String,
    /// Hours with at most one decimal.
    pub hours: String,
    pub trainer: String,
    /// Given by someone outside the company.
    pub external: bool,
}

/// A checked training session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Training {
    pub date: NaiveDate,
    pub topic: String,
    /// Tenths of an hour.
    pub tenths: i64,
    pub trainer: Option<String>,
    pub external: bool,
}

/// Hours as typed (`2`, `1.5`) in tenths: more than 0, at most 24, one decimal.
pub fn parse_tenths(raw: &str) -> Result<i64, FieldErrorCode> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(FieldErrorCode::Required);
    }
    if t.starts_with('-') {
        return Err(FieldErrorCode::Negative);
    }
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    if int.is_empty() && frac.is_empty()
        || !int.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return Err(FieldErrorCode::InvalidNumber);
    }
    if frac.len() > 1 {
        return Err(FieldErrorCode::TooManyDecimals);
    }
    let int: i64 = if int.is_empty() {
        0
    } else {
        int.parse().map_err(|_| FieldErrorCode::TooLarge)?
    };
    if int > 24 {
        return Err(FieldErrorCode::TooLarge);
    }
    let tenths = int * 10 + frac.parse::<i64>().unwrap_or(0);
    match tenths {
        0 => Err(FieldErrorCode::Zero),
        t if t > 240 => Err(FieldErrorCode::TooLarge),
        t => Ok(t),
    }
}

impl Training {
    /// Checks a session; `today` bounds its date (a record of what happened).
    pub fn parse(input: &TrainingInput, today: NaiveDate) -> Result<Training, Vec<FieldError>> {
        let mut errors = Vec::new();
        let date = match crate::domain::sales::parse_order_date(&input.date) {
            Ok(d) if d > today => {
                errors.push(FieldError::new("date", FieldErrorCode::InFuture));
                None
            }
            Ok(d) => Some(d),
            Err(c) => {
                let c = if input.date.trim().is_empty() {
                    FieldErrorCode::Required
                } else {
                    c
                };
                errors.push(FieldError::new("date", c));
                None
            }
        };
        let topic = take(&mut errors, "topic", required_text(&input.topic, 80));
        let tenths = take(&mut errors, "hours", parse_tenths(&input.hours));
        let trainer = take(&mut errors, "trainer", optional_text(&input.trainer, 40));
        match (date, topic, tenths, trainer) {
            (Some(date), Some(topic), Some(tenths), Some(trainer)) if errors.is_empty() => {
                Ok(Training {
                    date,
                    topic,
                    tenths,
                    trainer,
                    external: input.external,
                })
            }
            _ => Err(errors),
        }
    }
}

/// A skill level of the matrix: 1 (learning) to 5 (can teach it).
pub fn parse_level(raw: &str) -> Result<u8, FieldErrorCode> {
    match raw.trim().parse::<i64>() {
        Ok(v) if (1..=5).contains(&v) => u8::try_from(v).map_err(|_| FieldErrorCode::TooLarge),
        Ok(v) if v < 1 => Err(FieldErrorCode::InvalidChoice),
        Ok(_) => Err(FieldErrorCode::TooLarge),
        Err(_) if raw.trim().is_empty() => Err(FieldErrorCode::Required),
        Err(_) => Err(FieldErrorCode::InvalidNumber),
    }
}

/// Training tenths per (person, year, quarter 1–4), summed exactly.
pub fn quarter_hours<K: Ord + Clone>(
    sessions: &[(K, NaiveDate, i64)],
) -> BTreeMap<(K, i32, u32), i64> {
    let mut out = BTreeMap::new();
    for (who, date, tenths) in sessions {
        *out.entry((who.clone(), date.year(), date.month0() / 3 + 1))
            .or_insert(0) += tenths;
    }
    out
}

/// Where an improvement suggestion stands: `new → accepted → done`, or `declined`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SuggestionStatus {
    New,
    Accepted,
    Done,
    Declined,
}

impl SuggestionStatus {
    pub const ALL: [SuggestionStatus; 4] = [
        SuggestionStatus::New,
        SuggestionStatus::Accepted,
        SuggestionStatus::Done,
        SuggestionStatus::Declined,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SuggestionStatus::New => "new",
            SuggestionStatus::Accepted => "accepted",
            SuggestionStatus::Done => "done",
            SuggestionStatus::Declined => "declined",
        }
    }

    pub fn parse(raw: &str) -> Result<SuggestionStatus, FieldErrorCode> {
        SuggestionStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == raw.trim())
            .ok_or(FieldErrorCode::InvalidChoice)
    }

    /// Whether a suggestion may move from `self` to `to`: forward only; done and
    /// declined are final.
    pub fn may_become(self, to: SuggestionStatus) -> bool {
        matches!(
            (self, to),
            (SuggestionStatus::New, SuggestionStatus::Accepted)
                | (SuggestionStatus::New, SuggestionStatus::Declined)
                | (SuggestionStatus::New, SuggestionStatus::Done)
                | (SuggestionStatus::Accepted, SuggestionStatus::Done)
                | (SuggestionStatus::Accepted, SuggestionStatus::Declined)
        )
    }
}

/// A suggestion's title (required, ≤ 80) and text (≤ 2000).
pub fn parse_suggestion(title: &str, body: &str) -> Result<(String, String), Vec<FieldError>> {
    let mut errors = Vec::new();
    let title = required_text(title, 80)
        .map_err(|c| errors.push(FieldError::new("title", c)))
        .unwrap_or_default();
    if body.trim().chars().count() > 2000 {
        errors.push(FieldError::new(
            "body",
            FieldErrorCode::TooLong { max: 2000 },
        ));
    }
    if errors.is_empty() {
        Ok((title, body.trim().to_owned()))
    } else {
        Err(errors)
    }
}

/// A skill's name for the matrix: required, at most 30 characters.
pub fn parse_skill(raw: &str) -> Result<String, FieldErrorCode> {
    required_text(raw, 30)
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    #[test]
    fn hours_are_exact_tenths() {
        assert_eq!(parse_tenths("2"), Ok(20));
        assert_eq!(parse_tenths("1.5"), Ok(15));
        assert_eq!(parse_tenths(".5"), Ok(5));
        assert_eq!(parse_tenths("0"), Err(FieldErrorCode::Zero));
        assert_eq!(parse_tenths("-1"), Err(FieldErrorCode::Negative));
        assert_eq!(parse_tenths("1.25"), Err(FieldErrorCode::TooManyDecimals));
        assert_eq!(parse_tenths("24.1"), Err(FieldErrorCode::TooLarge));
        assert_eq!(parse_tenths("两小时"), Err(FieldErrorCode::InvalidNumber));
    }

    #[test]
    fn a_training_record_reports_every_bad_field() {
        let bad = TrainingInput {
            date: "2026-12-01".into(),
            topic: " ".into(),
            hours: "0".into(),
            trainer: String::new(),
            external: true,
        };
        let got: Vec<_> = Training::parse(&bad, today())
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect();
        assert_eq!(
            got,
            vec![
                ("date".to_owned(), FieldErrorCode::InFuture),
                ("topic".to_owned(), FieldErrorCode::Required),
                ("hours".to_owned(), FieldErrorCode::Zero),
            ]
        );
    }

    #[test]
    fn levels_run_from_one_to_five() {
        assert_eq!(parse_level("3"), Ok(3));
        assert_eq!(parse_level("0"), Err(FieldErrorCode::InvalidChoice));
        assert_eq!(parse_level("6"), Err(FieldErrorCode::TooLarge));
        assert_eq!(parse_level(""), Err(FieldErrorCode::Required));
        assert_eq!(parse_level("高"), Err(FieldErrorCode::InvalidNumber));
    }

    #[test]
    fn suggestions_move_forward_and_end_done_or_declined() {
        use SuggestionStatus::*;
        assert!(New.may_become(Accepted));
        assert!(Accepted.may_become(Done));
        assert!(!Done.may_become(Accepted));
        assert!(!Declined.may_become(New));
        assert!(!Accepted.may_become(New));
        assert_eq!(SuggestionStatus::parse("done"), Ok(Done));
        assert!(parse_suggestion(" ", "").is_err());
        assert_eq!(
            parse_suggestion(" 早会改到八点 ", "").unwrap().0,
            "早会改到八点"
        );
        assert_eq!(parse_skill(""), Err(FieldErrorCode::Required));
    }

    proptest! {
        #[test]
        fn quarter_sums_keep_every_tenth(sessions in proptest::collection::vec((0u8..4, 0u32..730, 1i64..240), 0..40)) {
            let base = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
            let list: Vec<(u8, NaiveDate, i64)> = sessions
                .iter()
                .map(|(w, d, t)| (*w, base + chrono::Days::new(u64::from(*d)), *t))
                .collect();
            let sums = quarter_hours(&list);
            prop_assert_eq!(sums.values().sum::<i64>(), list.iter().map(|s| s.2).sum::<i64>());
            for (_, _, q) in sums.keys() {
                prop_assert!((1..=4).contains(q));
            }
        }
    }
}
