//! Managing by tier (Pillar 4): how customers move between two classifications, and the
//! policy each tier gets.
//!
//! **Transitions** (SEGMENTATION.md § Transitions). Between a first and a second
//! classification every customer lands in one cell `(from, to)`: `from` is its class in
//! the first or `new` if it was not in it (no lines in that period), `to` its class in the
//! second or `lost`. A cell carries the customers and the sum of their totals in the
//! second classification — for `lost`, in the first.
//!
//! ```
//! use qudao::domain::segmentation::Class;
//! use qudao::domain::tier::{Dest, Origin, transitions};
//! let first = [("c1", Class::A, 90), ("c2", Class::B, 10)];
//! let second = [("c1", Class::B, 40), ("c3", Class::A, 60)];
//! let (matrix, _) = transitions(&first, &second);
//! assert_eq!(matrix.cell(Origin::A, Dest::B).customers, 1);   // c1 slipped, now 40
//! assert_eq!(matrix.cell(Origin::B, Dest::Lost).total, 10);   // c2 stopped ordering
//! assert_eq!(matrix.cell(Origin::New, Dest::A).total, 60);    // c3 is new
//! ```
//!
//! **Policies.** Per tier the owner sets the visit frequency, the support types, the
//! promotion budget share and credit terms. Policies are versions with an effective date:
//! the version in force on a day is the latest one that took effect on or before it; two
//! versions of one tier never take effect on the same day.
use crate::domain::growth::Growth;
use crate::domain::money::Money;
use crate::domain::segmentation::Class;
use crate::domain::validation::{FieldError, FieldErrorCode, optional_text, take, whole_count};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where a customer comes from: its class in the first classification, or new.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Origin {
    A,
    B,
    C,
    New,
}

/// Where a customer goes: its class in the second classification, or lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Dest {
    A,
    B,
    C,
    Lost,
}

impl Origin {
    pub const ALL: [Origin; 4] = [Origin::A, Origin::B, Origin::C, Origin::New];

    pub fn as_str(self) -> &'static str {
        match self {
            Origin::A => "A",
            Origin::B => "B",
            Origin::C => "C",
            Origin::New => "new",
        }
    }

    pub fn parse(raw: &str) -> Result<Origin, FieldErrorCode> {
        Origin::ALL
            .into_iter()
            .find(|f| f.as_str() == raw.trim())
            .ok_or(FieldErrorCode::InvalidChoice)
    }

    fn of(c: Class) -> Origin {
        match c {
            Class::A => Origin::A,
            Class::B => Origin::B,
            Class::C => Origin::C,
        }
    }

    fn rank(self) -> Option<u8> {
        match self {
            Origin::A => Some(0),
            Origin::B => Some(1),
            Origin::C => Some(2),
            Origin::New => None,
        }
    }
}

impl Dest {
    pub const ALL: [Dest; 4] = [Dest::A, Dest::B, Dest::C, Dest::Lost];

    pub fn as_str(self) -> &'static str {
        match self {
            Dest::A => "A",
            Dest::B => "B",
            Dest::C => "C",
            Dest::Lost => "lost",
        }
    }

    pub fn parse(raw: &str) -> Result<Dest, FieldErrorCode> {
        Dest::ALL
            .into_iter()
            .find(|f| f.as_str() == raw.trim())
            .ok_or(FieldErrorCode::InvalidChoice)
    }

    fn of(c: Class) -> Dest {
        match c {
            Class::A => Dest::A,
            Class::B => Dest::B,
            Class::C => Dest::C,
        }
    }

    fn rank(self) -> Option<u8> {
        match self {
            Dest::A => Some(0),
            Dest::B => Some(1),
            Dest::C => Some(2),
            Dest::Lost => None,
        }
    }
}

/// Which way a customer went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Movement {
    Up,
    Same,
    Down,
    New,
    Lost,
}

/// The direction of a cell: up (C→B, B→A, C→A), down, same, new or lost.
pub fn movement(from: Origin, to: Dest) -> Movement {
    match (from.rank(), to.rank()) {
        (None, _) => Movement::New,
        (_, None) => Movement::Lost,
        (Some(f), Some(t)) if t < f => Movement::Up,
        (Some(f), Some(t)) if t > f => Movement::Down,
        _ => Movement::Same,
    }
}

/// The customers of one cell and their total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Cell {
    pub customers: u64,
    /// Fen or units; summed exactly.
    pub total: i64,
}

/// Customers per `(from, to)`, rows `A, B, C, new`, columns `A, B, C, lost`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Matrix {
    pub cells: [[Cell; 4]; 4],
}

impl Matrix {
    pub fn cell(&self, from: Origin, to: Dest) -> Cell {
        self.cells[from as usize][to as usize]
    }

    fn add(&mut self, from: Origin, to: Dest, total: i64) {
        let c = &mut self.cells[from as usize][to as usize];
        c.customers += 1;
        c.total = c.total.saturating_add(total);
    }

    /// Customers on the left (first classification, plus new).
    pub fn from_total(&self, from: Origin) -> Cell {
        Dest::ALL.iter().fold(Cell::default(), |acc, &t| {
            let c = self.cell(from, t);
            Cell {
                customers: acc.customers + c.customers,
                total: acc.total.saturating_add(c.total),
            }
        })
    }

    /// Customers on the right (second classification, plus lost).
    pub fn to_total(&self, to: Dest) -> Cell {
        Origin::ALL.iter().fold(Cell::default(), |acc, &f| {
            let c = self.cell(f, to);
            Cell {
                customers: acc.customers + c.customers,
                total: acc.total.saturating_add(c.total),
            }
        })
    }
}

/// One customer's move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move<K> {
    pub key: K,
    pub from: Origin,
    pub to: Dest,
    /// Its total in the second classification (in the first, when lost).
    pub total: i64,
}

/// The transition matrix between two classifications given as `(customer, class,
/// total)`, and every customer's move (ordered by key). A customer listed twice in one
/// classification counts once (its last entry).
pub fn transitions<K: Ord + Clone>(
    first: &[(K, Class, i64)],
    second: &[(K, Class, i64)],
) -> (Matrix, Vec<Move<K>>) {
    type Sides = (Option<(Class, i64)>, Option<(Class, i64)>);
    let mut both: BTreeMap<K, Sides> = BTreeMap::new();
    for (k, c, t) in first {
        both.entry(k.clone()).or_default().0 = Some((*c, *t));
    }
    for (k, c, t) in second {
        both.entry(k.clone()).or_default().1 = Some((*c, *t));
    }
    let mut m = Matrix::default();
    let mut moves = Vec::with_capacity(both.len());
    for (key, (old, new)) in both {
        let (from, to, total) = match (old, new) {
            (Some((o, _)), Some((n, t))) => (Origin::of(o), Dest::of(n), t),
            (None, Some((n, t))) => (Origin::New, Dest::of(n), t),
            (Some((o, t)), None) => (Origin::of(o), Dest::Lost, t),
            (None, None) => continue,
        };
        m.add(from, to, total);
        moves.push(Move {
            key,
            from,
            to,
            total,
        });
    }
    (m, moves)
}

/// An A customer is **at risk** when its year-on-year growth fell by `limit_bp` or more
/// (`2000`: down 20 % or worse).
pub fn at_risk(class: Class, yoy: Growth, limit_bp: i64) -> bool {
    class == Class::A && yoy.bp().is_some_and(|bp| bp <= -limit_bp)
}

/// A B or C customer is **rising** when it grows at least as fast as the tier above it
/// does as a whole (and grows at all): it behaves like the class it may join.
pub fn rising(class: Class, yoy: Growth, tier_above: Growth) -> bool {
    class != Class::A
        && match (yoy.bp(), tier_above.bp()) {
            (Some(own), Some(above)) => own > 0 && own >= above,
            (Some(own), None) => own > 0 && tier_above == Growth::Flat,
            _ => false,
        }
}

/// The support a tier may receive (the article's checklist).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum SupportType {
    /// 咨询与管理支持
    Consulting,
    /// 管理支持
    Management,
    /// 区域扩展
    TerritoryExtension,
    /// 独家品类
    ExclusiveCategories,
    /// 终端促销费用（不做返利）
    TerminalPromotion,
    /// 知识支持
    Knowledge,
    /// 物料支持
    Material,
    /// 分销协助
    Distribution,
    /// 陈列 / 赠品 / 抽奖支持
    DisplayGiftLottery,
}

impl SupportType {
    pub const ALL: [SupportType; 9] = [
        SupportType::Consulting,
        SupportType::Management,
        SupportType::TerritoryExtension,
        SupportType::ExclusiveCategories,
        SupportType::TerminalPromotion,
        SupportType::Knowledge,
        SupportType::Material,
        SupportType::Distribution,
        SupportType::DisplayGiftLottery,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SupportType::Consulting => "consulting",
            SupportType::Management => "management",
            SupportType::TerritoryExtension => "territory_extension",
            SupportType::ExclusiveCategories => "exclusive_categories",
            SupportType::TerminalPromotion => "terminal_promotion",
            SupportType::Knowledge => "knowledge",
            SupportType::Material => "material",
            SupportType::Distribution => "distribution",
            SupportType::DisplayGiftLottery => "display_gift_lottery",
        }
    }

    pub fn parse(raw: &str) -> Result<SupportType, FieldErrorCode> {
        SupportType::ALL
            .into_iter()
            .find(|s| s.as_str() == raw.trim())
            .ok_or(FieldErrorCode::InvalidChoice)
    }
}

/// A policy version as typed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct TierPolicyInput {
    /// `A`, `B`, `C`.
    pub tier: String,
    /// `YYYY-MM-DD`.
    pub effective_from: String,
    pub visits_per_month: String,
    pub supports: Vec<String>,
    /// Percent of the promotion budget, e.g. `60` or `12.5`.
    pub budget_share: String,
    /// Yuan.
    pub credit_limit: String,
    pub credit_days: String,
    pub notes: String,
}

/// A checked policy version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierPolicy {
    pub tier: Class,
    pub effective_from: NaiveDate,
    pub visits_per_month: u32,
    pub supports: Vec<SupportType>,
    pub budget_share_bp: u32,
    pub credit_limit: Money,
    pub credit_days: u32,
    pub notes: Option<String>,
}

impl TierPolicy {
    /// Checks a version; every refused field is reported at once.
    pub fn parse(input: &TierPolicyInput) -> Result<TierPolicy, Vec<FieldError>> {
        let mut errors = Vec::new();
        let tier = take(&mut errors, "tier", Class::parse(&input.tier));
        let effective_from = crate::domain::sales::parse_order_date(&input.effective_from)
            .map_err(|c| {
                errors.push(FieldError::new(
                    "effective_from",
                    if input.effective_from.trim().is_empty() {
                        FieldErrorCode::Required
                    } else {
                        c
                    },
                ))
            })
            .ok();
        let visits = whole_count("visits_per_month", &input.visits_per_month, 31, &mut errors);
        let mut supports = Vec::new();
        for s in &input.supports {
            match SupportType::parse(s) {
                Ok(t) if !supports.contains(&t) => supports.push(t),
                Ok(_) => {}
                Err(c) => errors.push(FieldError::new("supports", c)),
            }
        }
        supports.sort();
        let share = match crate::domain::validation::parse_percent_bp(&input.budget_share) {
            Ok(bp) if bp < 0 => {
                errors.push(FieldError::new("budget_share", FieldErrorCode::Negative));
                None
            }
            Ok(bp) if bp > 10_000 => {
                errors.push(FieldError::new("budget_share", FieldErrorCode::TooLarge));
                None
            }
            Ok(bp) => u32::try_from(bp).ok(),
            Err(c) => {
                errors.push(FieldError::new("budget_share", c));
                None
            }
        };
        let credit_limit = if input.credit_limit.trim().is_empty() {
            Some(Money(0))
        } else {
            match Money::parse_yuan(&input.credit_limit) {
                Ok(m) if m.0 < 0 => {
                    errors.push(FieldError::new("credit_limit", FieldErrorCode::Negative));
                    None
                }
                Ok(m) => Some(m),
                Err(c) => {
                    errors.push(FieldError::new("credit_limit", c));
                    None
                }
            }
        };
        let credit_days = if input.credit_days.trim().is_empty() {
            Some(0)
        } else {
            whole_count("credit_days", &input.credit_days, 365, &mut errors)
        };
        let notes = take(&mut errors, "notes", optional_text(&input.notes, 500)).flatten();
        match (
            tier,
            effective_from,
            visits,
            share,
            credit_limit,
            credit_days,
        ) {
            (Some(tier), Some(effective_from), Some(v), Some(s), Some(cl), Some(cd))
                if errors.is_empty() =>
            {
                Ok(TierPolicy {
                    tier,
                    effective_from,
                    visits_per_month: v,
                    supports,
                    budget_share_bp: s,
                    credit_limit: cl,
                    credit_days: cd,
                    notes,
                })
            }
            _ => Err(errors),
        }
    }
}

/// Why a new version cannot join the existing ones: another version of the same tier
/// takes effect the same day.
pub fn check_new_version(
    existing: &[(Class, NaiveDate)],
    tier: Class,
    effective_from: NaiveDate,
) -> Result<(), FieldError> {
    if existing.contains(&(tier, effective_from)) {
        Err(FieldError::new(
            "effective_from",
            FieldErrorCode::OverlappingVersion,
        ))
    } else {
        Ok(())
    }
}

/// The version in force for `tier` on `day`: the latest that took effect on or before
/// it. `versions` holds `(tier, effective_from, item)` in any order.
pub fn in_force<T>(versions: &[(Class, NaiveDate, T)], tier: Class, day: NaiveDate) -> Option<&T> {
    versions
        .iter()
        .filter(|(t, from, _)| *t == tier && *from <= day)
        .max_by_key(|(_, from, _)| *from)
        .map(|(_, _, item)| item)
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn hand_computed_matrix_with_new_and_lost() {
        // first: c1 A 500, c2 A 300, c3 B 100, c4 C 50, c5 C 0
        // second: c1 A 600, c2 B 200, c3 A 400, c5 C 10, c6 B 120, c7 C 5
        let first = [
            ("c1", Class::A, 500),
            ("c2", Class::A, 300),
            ("c3", Class::B, 100),
            ("c4", Class::C, 50),
            ("c5", Class::C, 0),
        ];
        let second = [
            ("c1", Class::A, 600),
            ("c2", Class::B, 200),
            ("c3", Class::A, 400),
            ("c5", Class::C, 10),
            ("c6", Class::B, 120),
            ("c7", Class::C, 5),
        ];
        let (m, moves) = transitions(&first, &second);
        let cell = |f, t| {
            let c = m.cell(f, t);
            (c.customers, c.total)
        };
        assert_eq!(cell(Origin::A, Dest::A), (1, 600));
        assert_eq!(cell(Origin::A, Dest::B), (1, 200));
        assert_eq!(cell(Origin::B, Dest::A), (1, 400));
        assert_eq!(cell(Origin::C, Dest::Lost), (1, 50)); // lost: its total in the first
        assert_eq!(cell(Origin::C, Dest::C), (1, 10));
        assert_eq!(cell(Origin::New, Dest::B), (1, 120));
        assert_eq!(cell(Origin::New, Dest::C), (1, 5));
        assert_eq!(cell(Origin::New, Dest::Lost), (0, 0));
        assert_eq!(m.from_total(Origin::A).customers, 2);
        assert_eq!(
            m.to_total(Dest::A),
            Cell {
                customers: 2,
                total: 1000
            }
        );
        assert_eq!(m.to_total(Dest::Lost).customers, 1);
        assert_eq!(moves.len(), 7);
        let c3 = moves.iter().find(|m| m.key == "c3").unwrap();
        assert_eq!(movement(c3.from, c3.to), Movement::Up);
        assert_eq!(movement(Origin::A, Dest::B), Movement::Down);
        assert_eq!(movement(Origin::C, Dest::C), Movement::Same);
        assert_eq!(movement(Origin::New, Dest::A), Movement::New);
        assert_eq!(movement(Origin::B, Dest::Lost), Movement::Lost);
    }

    #[test]
    fn a_classification_compared_with_itself_moves_nobody() {
        let one = [("x", Class::A, 9), ("y", Class::C, 1)];
        let (m, _) = transitions(&one, &one);
        assert_eq!(m.cell(Origin::A, Dest::A).customers, 1);
        assert_eq!(m.cell(Origin::C, Dest::C).customers, 1);
        assert_eq!(
            m.to_total(Dest::Lost).customers + m.from_total(Origin::New).customers,
            0
        );
    }

    #[test]
    fn at_risk_and_rising() {
        assert!(at_risk(Class::A, Growth::Pct(-2_000), 2_000));
        assert!(!at_risk(Class::A, Growth::Pct(-1_999), 2_000));
        assert!(!at_risk(Class::B, Growth::Pct(-9_000), 2_000));
        assert!(!at_risk(Class::A, Growth::New, 2_000));
        assert!(rising(Class::B, Growth::Pct(1_500), Growth::Pct(1_500)));
        assert!(!rising(Class::B, Growth::Pct(1_499), Growth::Pct(1_500)));
        // the tier above shrinks: growing at all is rising, shrinking less is not
        assert!(rising(Class::C, Growth::Pct(100), Growth::Pct(-500)));
        assert!(!rising(Class::C, Growth::Pct(-100), Growth::Pct(-500)));
        assert!(!rising(Class::C, Growth::New, Growth::Pct(100)));
        assert!(!rising(Class::A, Growth::Pct(9_000), Growth::Pct(0)));
    }

    fn input() -> TierPolicyInput {
        TierPolicyInput {
            tier: "A".into(),
            effective_from: "2026-01-01".into(),
            visits_per_month: "4".into(),
            supports: vec![
                "consulting".into(),
                "terminal_promotion".into(),
                "consulting".into(),
            ],
            budget_share: "60".into(),
            credit_limit: "200000".into(),
            credit_days: "30".into(),
            notes: String::new(),
        }
    }

    #[test]
    fn a_policy_parses_and_refuses_every_bad_field() {
        let p = TierPolicy::parse(&input()).unwrap();
        assert_eq!(p.tier, Class::A);
        assert_eq!(p.budget_share_bp, 6_000);
        assert_eq!(p.credit_limit, Money(20_000_000));
        assert_eq!(
            p.supports,
            vec![SupportType::Consulting, SupportType::TerminalPromotion]
        );
        let bad = TierPolicyInput {
            tier: "D".into(),
            effective_from: "2026-02-30".into(),
            visits_per_month: "2.5".into(),
            supports: vec!["rebates".into()],
            budget_share: "-5".into(),
            credit_limit: "-1".into(),
            credit_days: "400".into(),
            notes: String::new(),
        };
        let e = TierPolicy::parse(&bad).unwrap_err();
        let got: Vec<_> = e.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            got,
            vec![
                ("tier", FieldErrorCode::InvalidChoice),
                ("effective_from", FieldErrorCode::InvalidDate),
                ("visits_per_month", FieldErrorCode::NotWhole),
                ("supports", FieldErrorCode::InvalidChoice),
                ("budget_share", FieldErrorCode::Negative),
                ("credit_limit", FieldErrorCode::Negative),
                ("credit_days", FieldErrorCode::TooLarge),
            ]
        );
        let over = TierPolicyInput {
            budget_share: "100.5".into(),
            ..input()
        };
        assert_eq!(
            TierPolicy::parse(&over).unwrap_err()[0].code,
            FieldErrorCode::TooLarge
        );
    }

    #[test]
    fn versions_take_effect_on_their_date_and_never_twice_a_day() {
        let v = [
            (Class::A, d("2026-01-01"), "a1"),
            (Class::A, d("2026-07-01"), "a2"),
            (Class::B, d("2026-03-01"), "b1"),
        ];
        assert_eq!(in_force(&v, Class::A, d("2025-12-31")), None);
        assert_eq!(in_force(&v, Class::A, d("2026-01-01")), Some(&"a1"));
        assert_eq!(in_force(&v, Class::A, d("2026-06-30")), Some(&"a1"));
        assert_eq!(in_force(&v, Class::A, d("2026-07-01")), Some(&"a2"));
        assert_eq!(in_force(&v, Class::B, d("2026-12-01")), Some(&"b1"));
        assert_eq!(in_force(&v, Class::C, d("2026-12-01")), None);
        let existing: Vec<_> = v.iter().map(|(t, f, _)| (*t, *f)).collect();
        assert_eq!(
            check_new_version(&existing, Class::A, d("2026-07-01"))
                .unwrap_err()
                .code,
            FieldErrorCode::OverlappingVersion
        );
        assert!(check_new_version(&existing, Class::B, d("2026-07-01")).is_ok());
    }

    fn class_of(i: u8) -> Class {
        match i % 3 {
            0 => Class::A,
            1 => Class::B,
            _ => Class::C,
        }
    }

    proptest! {
        #[test]
        fn every_customer_lands_in_exactly_one_cell(
            first in proptest::collection::btree_map(0u16..60, (0u8..3, -50i64..500), 0..40),
            second in proptest::collection::btree_map(0u16..60, (0u8..3, -50i64..500), 0..40),
        ) {
            let a: Vec<_> = first.iter().map(|(k, (c, t))| (*k, class_of(*c), *t)).collect();
            let b: Vec<_> = second.iter().map(|(k, (c, t))| (*k, class_of(*c), *t)).collect();
            let (m, moves) = transitions(&a, &b);
            let union: std::collections::BTreeSet<_> = first.keys().chain(second.keys()).collect();
            prop_assert_eq!(moves.len(), union.len());
            let all: u64 = Origin::ALL.iter().map(|&f| m.from_total(f).customers).sum();
            prop_assert_eq!(all, union.len() as u64);
            // the left column (without new) is the first classification, the right
            // (without lost) the second, class by class
            for (f, t, c) in [(Origin::A, Dest::A, Class::A), (Origin::B, Dest::B, Class::B), (Origin::C, Dest::C, Class::C)] {
                prop_assert_eq!(m.from_total(f).customers, a.iter().filter(|x| x.1 == c).count() as u64);
                prop_assert_eq!(m.to_total(t).customers, b.iter().filter(|x| x.1 == c).count() as u64);
                prop_assert_eq!(m.to_total(t).total, b.iter().filter(|x| x.1 == c).map(|x| x.2).sum::<i64>());
            }
            prop_assert_eq!(m.cell(Origin::New, Dest::Lost).customers, 0);
        }

        #[test]
        fn the_version_in_force_is_the_latest_started(
            days in proptest::collection::btree_set(0i64..400, 1..8), probe in 0i64..400,
        ) {
            let base = d("2026-01-01");
            let v: Vec<_> = days.iter().map(|&x| (Class::B, base + chrono::Days::new(x as u64), x)).collect();
            let on = base + chrono::Days::new(probe as u64);
            let expected = days.iter().copied().filter(|&x| x <= probe).max();
            prop_assert_eq!(in_force(&v, Class::B, on).copied(), expected);
        }
    }
}
