//! Growth comparisons (同比 / 环比 / 历史同期) and the support-candidate rule of the growth
//! watch (Pillar 4: "lift B and C").
//!
//! Growth is exact: basis points of the base, rounded toward minus infinity, computed in
//! integers. A base of zero (or below — a month of returns) has no growth rate: a customer
//! that bought nothing a year ago and buys now is **new**, not "infinitely" grown.
//!
//! ```
//! use qudao::domain::growth::{Growth, growth};
//! assert_eq!(growth(120, 100), Growth::Pct(2_000)); // +20 %
//! assert_eq!(growth(50, 0), Growth::New);
//! assert_eq!(growth(0, 0), Growth::Flat);
//! ```
//!
//! Periods are windows of whole months (`month number = year·12 + month − 1`, as the
//! rollups store them): a month, a quarter or a year, shifted back by their own length
//! (the previous period, 环比) or by twelve months (the same period last year, 同比).
use crate::domain::sales::{Period, month_start};
use crate::domain::validation::{FieldError, FieldErrorCode, parse_percent_bp, take, whole_count};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The change from a base to a current value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Growth {
    /// Nothing then, nothing now.
    Flat,
    /// Nothing (or less) then, something now: there is no rate.
    New,
    /// Basis points of the base: `+2000` is +20 %, `-10000` is everything lost.
    Pct(i64),
}

/// The growth from `base` to `current`.
pub fn growth(current: i64, base: i64) -> Growth {
    if base <= 0 {
        if current > 0 {
            Growth::New
        } else {
            Growth::Flat
        }
    } else {
        let diff = i128::from(current) - i128::from(base);
        let bp = (diff * 10_000).div_euclid(i128::from(base));
        Growth::Pct(i64::try_from(bp).unwrap_or(i64::MAX))
    }
}

impl Growth {
    /// The rate, when there is one.
    pub fn bp(self) -> Option<i64> {
        match self {
            Growth::Pct(bp) => Some(bp),
            _ => None,
        }
    }

    /// A sort key: rates in order, "new" above every rate, "flat" below.
    pub fn sort_key(self) -> i64 {
        match self {
            Growth::Flat => i64::MIN,
            Growth::New => i64::MAX,
            Growth::Pct(bp) => bp,
        }
    }

    /// `+12.3%`, `-100.0%`; "new" and "flat" are words the page translates.
    pub fn percent_text(self) -> Option<String> {
        self.bp().map(|bp| {
            let sign = if bp > 0 {
                "+"
            } else if bp < 0 {
                "-"
            } else {
                ""
            };
            let a = bp.unsigned_abs();
            format!("{sign}{}.{}%", a / 100, (a % 100) / 10)
        })
    }
}

/// Month, quarter or year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum PeriodKind {
    #[default]
    Month,
    Quarter,
    Year,
}

impl PeriodKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Year => "year",
        }
    }

    pub fn parse(raw: &str) -> Result<PeriodKind, FieldErrorCode> {
        match raw.trim() {
            "month" => Ok(PeriodKind::Month),
            "quarter" => Ok(PeriodKind::Quarter),
            "year" => Ok(PeriodKind::Year),
            _ => Err(FieldErrorCode::InvalidChoice),
        }
    }

    /// Months in one period.
    pub fn months(self) -> i32 {
        match self {
            PeriodKind::Month => 1,
            PeriodKind::Quarter => 3,
            PeriodKind::Year => 12,
        }
    }
}

/// Whole months `[first, first + len)`, by month number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Window {
    pub first: i32,
    pub len: i32,
}

fn month_number(year: i32, month: u32) -> i32 {
    year * 12 + i32::try_from(month).unwrap_or(1) - 1
}

impl Window {
    /// The period of `kind` that contains `day`.
    pub fn containing(kind: PeriodKind, day: NaiveDate) -> Window {
        let m = month_number(day.year(), day.month());
        let len = kind.months();
        Window {
            first: m - m.rem_euclid(len),
            len,
        }
    }

    /// The period named by `anchor`: `2026-10` (month), `2026-Q3` (quarter), `2026`
    /// (year); years 2000–2099.
    pub fn parse(kind: PeriodKind, anchor: &str) -> Result<Window, FieldErrorCode> {
        let a = anchor.trim();
        let (year, month) = match kind {
            PeriodKind::Month => {
                let (y, m) = a.split_once('-').ok_or(FieldErrorCode::InvalidDate)?;
                (
                    y.parse::<i32>(),
                    m.parse::<u32>().ok().filter(|m| (1..=12).contains(m)),
                )
            }
            PeriodKind::Quarter => {
                let (y, q) = a
                    .split_once("-Q")
                    .or_else(|| a.split_once("-q"))
                    .ok_or(FieldErrorCode::InvalidDate)?;
                let q = q.parse::<u32>().ok().filter(|q| (1..=4).contains(q));
                (y.parse::<i32>(), q.map(|q| (q - 1) * 3 + 1))
            }
            PeriodKind::Year => (a.parse::<i32>(), Some(1)),
        };
        let (Ok(year), Some(month)) = (year, month) else {
            return Err(FieldErrorCode::InvalidDate);
        };
        if !(2000..=2099).contains(&year) {
            return Err(FieldErrorCode::DateOutOfRange);
        }
        Ok(Window {
            first: month_number(year, month),
            len: kind.months(),
        })
    }

    /// Months inclusive, as `(first, last)`.
    pub fn months(self) -> (i32, i32) {
        (self.first, self.first + self.len - 1)
    }

    /// The window `months` earlier.
    pub fn back(self, months: i32) -> Window {
        Window {
            first: self.first - months,
            len: self.len,
        }
    }

    /// The previous period of the same kind (环比).
    pub fn previous(self) -> Window {
        self.back(self.len)
    }

    /// The same period a year before (同比).
    pub fn last_year(self) -> Window {
        self.back(12)
    }

    /// The calendar dates of the window.
    pub fn period(self) -> Option<Period> {
        let from = month_start(self.first)?;
        let to = month_start(self.first + self.len)?.pred_opt()?;
        Some(Period { from, to })
    }

    /// The anchor text [`Window::parse`] reads back.
    pub fn anchor(self) -> String {
        let year = self.first.div_euclid(12);
        let month = self.first.rem_euclid(12) + 1;
        match self.len {
            12 => format!("{year}"),
            3 => format!("{year}-Q{}", (month - 1) / 3 + 1),
            _ => format!("{year}-{month:02}"),
        }
    }
}

/// When a B or C customer is a **support candidate**: its growth over the same period a
/// year before reached `min_growth_bp` in at least `hits` of the last `of_last` periods,
/// and it ordered in each of the last `ordering_months` months (loyal, not a one-off).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateRule {
    pub min_growth_bp: i64,
    pub hits: u32,
    pub of_last: u32,
    pub ordering_months: u32,
}

impl Default for CandidateRule {
    /// +10 % year on year in 3 of the last 4 periods, orders in each of the last 6 months.
    fn default() -> Self {
        CandidateRule {
            min_growth_bp: 1_000,
            hits: 3,
            of_last: 4,
            ordering_months: 6,
        }
    }
}

/// Why a customer is a candidate, to show beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateReason {
    /// Periods (of the last `of_last`) whose growth reached the minimum.
    pub hits: u32,
    pub of_last: u32,
    pub min_growth_bp: i64,
    pub ordering_months: u32,
}

impl CandidateRule {
    /// The rule as typed on the page; every refused field is reported.
    pub fn parse(
        min_growth: &str,
        hits: &str,
        of_last: &str,
        ordering_months: &str,
    ) -> Result<CandidateRule, Vec<FieldError>> {
        let mut errors = Vec::new();
        let min = take(&mut errors, "min_growth", parse_percent_bp(min_growth));
        let h = whole_count("hits", hits, 24, &mut errors);
        let of = whole_count("of_last", of_last, 24, &mut errors);
        let om = whole_count("ordering_months", ordering_months, 36, &mut errors);
        if let Some(0) = of {
            errors.push(FieldError::new("of_last", FieldErrorCode::Zero));
        }
        if let (Some(h), Some(of)) = (h, of)
            && (h == 0 || h > of)
        {
            errors.push(FieldError::new("hits", FieldErrorCode::HitsOutOfRange));
        }
        match (min, h, of, om) {
            (Some(min_growth_bp), Some(hits), Some(of_last), Some(ordering_months))
                if errors.is_empty() =>
            {
                Ok(CandidateRule {
                    min_growth_bp,
                    hits,
                    of_last,
                    ordering_months,
                })
            }
            _ => Err(errors),
        }
    }

    /// Applies the rule. `growths` holds the year-on-year growth of the last periods,
    /// newest last (only the last `of_last` count); `ordered` whether the customer
    /// ordered in each of the last months, newest last (only the last
    /// `ordering_months` count; fewer known months than needed is a "no").
    pub fn check(&self, growths: &[Growth], ordered: &[bool]) -> Option<CandidateReason> {
        let n = self.of_last as usize;
        let recent = &growths[growths.len().saturating_sub(n)..];
        let hits = recent
            .iter()
            .filter(|g| g.bp().is_some_and(|bp| bp >= self.min_growth_bp))
            .count();
        let om = self.ordering_months as usize;
        let loyal = ordered.len() >= om && ordered[ordered.len() - om..].iter().all(|o| *o);
        (hits >= self.hits as usize && loyal).then_some(CandidateReason {
            hits: u32::try_from(hits).unwrap_or(u32::MAX),
            of_last: self.of_last,
            min_growth_bp: self.min_growth_bp,
            ordering_months: self.ordering_months,
        })
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn growth_is_exact_and_rounds_down() {
        assert_eq!(growth(110, 100), Growth::Pct(1_000));
        assert_eq!(growth(90, 100), Growth::Pct(-1_000));
        assert_eq!(growth(0, 100), Growth::Pct(-10_000));
        assert_eq!(growth(-20, 100), Growth::Pct(-12_000));
        // 1/3 of a basis point is floored: +33.33 % of 3 is 1 → 3333 bp
        assert_eq!(growth(4, 3), Growth::Pct(3_333));
        assert_eq!(growth(2, 3), Growth::Pct(-3_334));
    }

    #[test]
    fn growth_from_nothing_is_new_not_infinite() {
        assert_eq!(growth(1, 0), Growth::New);
        assert_eq!(growth(5, -3), Growth::New);
        assert_eq!(growth(0, 0), Growth::Flat);
        assert_eq!(growth(-5, 0), Growth::Flat);
        assert_eq!(Growth::New.bp(), None);
        assert_eq!(Growth::Pct(1234).percent_text().unwrap(), "+12.3%");
        assert_eq!(Growth::Pct(-10_000).percent_text().unwrap(), "-100.0%");
    }

    #[test]
    fn windows_name_months_quarters_and_years() {
        let m = Window::parse(PeriodKind::Month, "2026-10").unwrap();
        assert_eq!(m.period().unwrap().from.to_string(), "2026-10-01");
        assert_eq!(m.period().unwrap().to.to_string(), "2026-10-31");
        assert_eq!(m.previous().anchor(), "2026-09");
        assert_eq!(m.last_year().anchor(), "2025-10");
        let jan = Window::parse(PeriodKind::Month, "2026-01").unwrap();
        assert_eq!(jan.previous().anchor(), "2025-12");
        let q = Window::parse(PeriodKind::Quarter, "2026-Q1").unwrap();
        assert_eq!(q.previous().anchor(), "2025-Q4");
        assert_eq!(q.period().unwrap().to.to_string(), "2026-03-31");
        let y = Window::parse(PeriodKind::Year, "2025").unwrap();
        assert_eq!(y.previous().anchor(), "2024");
        assert_eq!(y.period().unwrap().to.to_string(), "2025-12-31");
        let day = NaiveDate::from_ymd_opt(2026, 8, 15).unwrap();
        assert_eq!(
            Window::containing(PeriodKind::Quarter, day).anchor(),
            "2026-Q3"
        );
        assert_eq!(
            Window::parse(PeriodKind::Month, "2026-13"),
            Err(FieldErrorCode::InvalidDate)
        );
        assert_eq!(
            Window::parse(PeriodKind::Year, "1999"),
            Err(FieldErrorCode::DateOutOfRange)
        );
        assert_eq!(
            Window::parse(PeriodKind::Quarter, "2026-Q5"),
            Err(FieldErrorCode::InvalidDate)
        );
    }

    #[test]
    fn the_candidate_rule_needs_growth_in_enough_periods_and_orders_every_month() {
        let rule = CandidateRule::default();
        let g = |v: &[i64]| v.iter().map(|&b| Growth::Pct(b)).collect::<Vec<_>>();
        let every = [true; 6];
        // 3 of the last 4 at +10 % or more
        let r = rule
            .check(&g(&[-500, 1_200, 1_000, 900, 1_500]), &every)
            .unwrap();
        assert_eq!(r.hits, 3);
        // only 2 of the last 4 (the old +50 % is outside the window)
        assert!(
            rule.check(&g(&[5_000, 1_200, 999, 1_000, 900]), &every)
                .is_none()
        );
        // a month without orders
        let gap = [true, true, false, true, true, true];
        assert!(
            rule.check(&g(&[1_000, 1_000, 1_000, 1_000]), &gap)
                .is_none()
        );
        // not enough known months
        assert!(
            rule.check(&g(&[1_000, 1_000, 1_000, 1_000]), &[true; 5])
                .is_none()
        );
        // "new" is not growth: no base to grow from
        let news = [Growth::New, Growth::New, Growth::New, Growth::New];
        assert!(rule.check(&news, &every).is_none());
    }

    #[test]
    fn rule_fields_are_checked_together() {
        assert_eq!(
            CandidateRule::parse("10", "3", "4", "6").unwrap(),
            CandidateRule::default()
        );
        assert_eq!(
            CandidateRule::parse("12.5%", "1", "1", "0")
                .unwrap()
                .min_growth_bp,
            1_250
        );
        let e = CandidateRule::parse("abc", "5", "4", "-1").unwrap_err();
        let fields: Vec<_> = e.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            fields,
            vec![
                ("min_growth", FieldErrorCode::InvalidNumber),
                ("ordering_months", FieldErrorCode::Negative),
                ("hits", FieldErrorCode::HitsOutOfRange),
            ]
        );
        let e = CandidateRule::parse("10", "0", "0", "1.5").unwrap_err();
        assert!(
            e.iter()
                .any(|e| e.field == "of_last" && e.code == FieldErrorCode::Zero)
        );
        assert!(
            e.iter()
                .any(|e| e.field == "ordering_months" && e.code == FieldErrorCode::NotWhole)
        );
    }

    proptest! {
        #[test]
        fn growth_never_overstates(cur in -1_000_000i64..1_000_000, base in 1i64..1_000_000) {
            let bp = growth(cur, base).bp().unwrap();
            // base·(1 + bp/10000) ≤ cur < base·(1 + (bp+1)/10000)
            let lo = i128::from(base) * (10_000 + i128::from(bp));
            let hi = i128::from(base) * (10_000 + i128::from(bp) + 1);
            prop_assert!(lo <= i128::from(cur) * 10_000 && i128::from(cur) * 10_000 < hi);
        }

        #[test]
        fn a_stricter_rule_never_adds_candidates(
            gs in proptest::collection::vec(-3_000i64..3_000, 1..8),
            ordered in proptest::collection::vec(any::<bool>(), 0..12),
            min in -2_000i64..2_000, extra in 0i64..2_000, hits in 1u32..4,
        ) {
            let growths: Vec<Growth> = gs.iter().map(|&b| Growth::Pct(b)).collect();
            let loose = CandidateRule { min_growth_bp: min, hits, of_last: 4, ordering_months: 3 };
            let strict = CandidateRule { min_growth_bp: min + extra, ..loose };
            let more_hits = CandidateRule { hits: hits + 1, ..loose };
            if strict.check(&growths, &ordered).is_some() || more_hits.check(&growths, &ordered).is_some() {
                prop_assert!(loose.check(&growths, &ordered).is_some());
            }
        }

        #[test]
        fn windows_step_back_by_whole_periods(y in 2001i32..2099, m in 1u32..=12) {
            for kind in [PeriodKind::Month, PeriodKind::Quarter, PeriodKind::Year] {
                let w = Window::containing(kind, NaiveDate::from_ymd_opt(y, m, 1).unwrap());
                let p = w.period().unwrap();
                let prev = w.previous().period().unwrap();
                prop_assert_eq!(prev.to.succ_opt().unwrap(), p.from);
                prop_assert_eq!(Window::parse(kind, &w.anchor()).unwrap(), w);
            }
        }
    }
}
