//! A/B/C segmentation by the 80/20 rule, exactly as `SEGMENTATION.md` states it — the one
//! function the server, the command line and the browser call.
//!
//! Customers are ranked by total (descending; ties by code, byte-wise). Only positive
//! totals count towards the grand total `G`. A customer is **A** while the share of `G`
//! held by the customers *before* it is below `a`, **B** while below `b`, else **C**; a
//! customer with a total of zero or less is always C. All comparisons are in integers.
//!
//! ```
//! use qudao::domain::segmentation::{classify, Class, Thresholds};
//! let totals = [("c1".to_string(), 70), ("c2".to_string(), 20), ("c3".to_string(), 6), ("c4".to_string(), 4)];
//! let ranked = classify(&totals, Thresholds::DEFAULT);
//! let classes: Vec<Class> = ranked.iter().map(|r| r.class).collect();
//! // c2 crosses 80 % but the share before it is 70 %: still A
//! assert_eq!(classes, [Class::A, Class::A, Class::B, Class::C]);
//! ```
use crate::domain::validation::{FieldError, FieldErrorCode, ForField as _};
use serde::{Deserialize, Serialize};

/// A customer's tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Class {
    A,
    B,
    C,
}

impl Class {
    pub const ALL: [Class; 3] = [Class::A, Class::B, Class::C];

    /// `A`, `B`, `C`: the stored, exported, displayed and serialized form.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::A => "A",
            Class::B => "B",
            Class::C => "C",
        }
    }

    /// `A`, `B` or `C` as typed (either case, spaces around ignored).
    pub fn parse(raw: &str) -> Result<Class, FieldErrorCode> {
        match raw.trim() {
            "A" | "a" => Ok(Class::A),
            "B" | "b" => Ok(Class::B),
            "C" | "c" => Ok(Class::C),
            _ => Err(FieldErrorCode::InvalidChoice),
        }
    }

    /// A tier as a filter names it: `A`, `B`, `C`, or `none` for a customer not classified
    /// yet (`Ok(None)`). The customer list, the growth watch and the ticket board read it.
    pub fn parse_filter(raw: &str) -> Result<Option<Class>, FieldErrorCode> {
        match raw.trim() {
            "none" => Ok(None),
            t => Class::parse(t).map(Some),
        }
    }

    /// [`Class::parse_filter`]'s text for a tier or for "not classified".
    pub fn filter_text(tier: Option<Class>) -> &'static str {
        tier.map_or("none", Class::as_str)
    }
}

/// The A and B thresholds in basis points of the positive grand total (80 % = 8000), so
/// thresholds that are not whole percents stay exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thresholds {
    pub a_bp: u32,
    pub b_bp: u32,
}

/// Why thresholds were refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ThresholdError {
    /// Each must be above 0 and at most 100 %.
    OutOfRange,
    /// A must be below B.
    OutOfOrder,
}

impl Thresholds {
    /// 80 / 95.
    pub const DEFAULT: Thresholds = Thresholds {
        a_bp: 8000,
        b_bp: 9500,
    };

    /// [`Thresholds::DEFAULT`] as percents typed in a form or on the command line.
    pub const DEFAULT_A: &str = "80";
    pub const DEFAULT_B: &str = "95";

    /// `0 < a < b ≤ 100 %`.
    pub fn new(a_bp: u32, b_bp: u32) -> Result<Thresholds, ThresholdError> {
        if a_bp == 0 || b_bp == 0 || a_bp > 10_000 || b_bp > 10_000 {
            return Err(ThresholdError::OutOfRange);
        }
        if a_bp >= b_bp {
            return Err(ThresholdError::OutOfOrder);
        }
        Ok(Thresholds { a_bp, b_bp })
    }
}

impl Thresholds {
    /// Reads A and B as percents typed by people or given on the command line (`80`,
    /// `82.5`, `80%`), at most two decimals. Errors name the field (`a`, `b`).
    pub fn parse(a: &str, b: &str) -> Result<Thresholds, Vec<FieldError>> {
        let pa = percent_bp(a).for_field("a");
        let pb = percent_bp(b).for_field("b");
        match (pa, pb) {
            (Ok(a), Ok(b)) => Thresholds::new(a, b).map_err(|e| {
                vec![match e {
                    ThresholdError::OutOfRange => FieldError::new(
                        if a == 0 || a > 10_000 { "a" } else { "b" },
                        FieldErrorCode::ThresholdOutOfRange,
                    ),
                    ThresholdError::OutOfOrder => {
                        FieldError::new("b", FieldErrorCode::ThresholdOutOfOrder)
                    }
                }]
            }),
            (a, b) => Err([a.err(), b.err()].into_iter().flatten().collect()),
        }
    }

    /// As [`Thresholds::parse`], an empty field taking its default (80, 95).
    pub fn parse_or_default(a: &str, b: &str) -> Result<Thresholds, Vec<FieldError>> {
        fn or<'a>(s: &'a str, d: &'a str) -> &'a str {
            if s.trim().is_empty() { d } else { s }
        }
        Thresholds::parse(or(a, Self::DEFAULT_A), or(b, Self::DEFAULT_B))
    }

    /// `80`, `82.5`: the thresholds as percents, for display and the command line.
    pub fn percent_text(bp: u32) -> String {
        if bp.is_multiple_of(100) {
            (bp / 100).to_string()
        } else if bp.is_multiple_of(10) {
            format!("{}.{}", bp / 100, (bp % 100) / 10)
        } else {
            format!("{}.{:02}", bp / 100, bp % 100)
        }
    }
}

/// A threshold percent with at most two decimals, in basis points (`82.5` → 8250); no
/// sign, and anything beyond any percent is out of range.
fn percent_bp(raw: &str) -> Result<u32, FieldErrorCode> {
    if raw.trim().starts_with(['-', '+']) {
        return Err(FieldErrorCode::InvalidNumber);
    }
    match crate::domain::validation::parse_percent_bp(raw) {
        Ok(bp) if bp > 10_000 => Err(FieldErrorCode::ThresholdOutOfRange),
        Ok(bp) => u32::try_from(bp).map_err(|_| FieldErrorCode::ThresholdOutOfRange),
        Err(FieldErrorCode::TooLarge) => Err(FieldErrorCode::ThresholdOutOfRange),
        Err(c) => Err(c),
    }
}

/// One customer's place in a classification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ranked {
    pub code: String,
    /// Exact total of the measure (fen or units).
    pub total: i64,
    /// 1-based, unique.
    pub rank: u32,
    /// Σ pos up to and including this customer: `cum_share = cumulative / grand_total`.
    pub cumulative: i128,
    /// The positive grand total `G` (the same for every row); 0 means no share.
    pub grand_total: i128,
    pub class: Class,
}

impl Ranked {
    /// The cumulative share in basis points, rounded down (`None` when `G = 0`), for
    /// display only — classes never come from it.
    pub fn cum_share_bp(&self) -> Option<i64> {
        (self.grand_total > 0)
            .then(|| i64::try_from(self.cumulative * 10_000 / self.grand_total).unwrap_or(i64::MAX))
    }
}

/// The order of a classification: indices into `totals` by total descending, ties by
/// code compared byte-wise (`"B" < "a"`, `"10" < "9"`).
pub fn rank_order<S: AsRef<str>>(totals: &[(S, i64)]) -> Vec<usize> {
    let mut keyed: Vec<(i64, &str, usize)> = totals
        .iter()
        .enumerate()
        .map(|(i, (code, total))| (*total, code.as_ref(), i))
        .collect();
    sort_ranked(&mut keyed, |k| k.0, |k| k.1);
    keyed.into_iter().map(|k| k.2).collect()
}

/// Sorts `items` into rank order in place, given each one's total and code — the same
/// order as [`rank_order`], for callers that keep their rows compact (the total beside
/// the row, the code read only to break ties).
pub fn sort_ranked<T, F, G>(items: &mut [T], total: F, code: G)
where
    F: Fn(&T) -> i64,
    G: Fn(&T) -> &str,
{
    items.sort_unstable_by(|x, y| {
        total(y)
            .cmp(&total(x))
            .then_with(|| code(x).as_bytes().cmp(code(y).as_bytes()))
    });
}

/// Totals already in rank order, with what the rule needs precomputed, so that new
/// thresholds are applied in `O(log n)` — the browser calls [`Ranking::counts`] on every
/// movement of a dragged threshold line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ranking {
    /// Totals in rank order (descending).
    pub totals: Vec<i64>,
    /// `S_before` of each rank: Σ pos over the customers ranked before it.
    pub before: Vec<i128>,
    /// Σ total (not pos) over the customers ranked before each rank, plus the overall
    /// sum at the end (`len + 1` entries), for class totals.
    pub net_before: Vec<i128>,
    /// The positive grand total `G`.
    pub grand_total: i128,
}

/// How many customers fall in each class: the first `a` ranks are A, the next `b` B, the
/// rest C (classes are monotone along the ranking).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub a: usize,
    pub b: usize,
    pub c: usize,
}

/// Customers and the sum of their totals in one class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassSummary {
    pub customers: usize,
    pub total: i128,
}

impl Ranking {
    /// `totals` must be in rank order (see [`rank_order`]).
    pub fn new(totals: Vec<i64>) -> Ranking {
        let mut before = Vec::with_capacity(totals.len());
        let mut net_before = Vec::with_capacity(totals.len() + 1);
        let (mut pos_sum, mut net_sum) = (0i128, 0i128);
        for &t in &totals {
            before.push(pos_sum);
            net_before.push(net_sum);
            pos_sum += i128::from(t.max(0));
            net_sum += i128::from(t);
        }
        net_before.push(net_sum);
        Ranking {
            totals,
            before,
            net_before,
            grand_total: pos_sum,
        }
    }

    pub fn len(&self) -> usize {
        self.totals.len()
    }

    pub fn is_empty(&self) -> bool {
        self.totals.is_empty()
    }

    /// The rule of SEGMENTATION.md § Rule 6, in integers: a positive-total customer is A
    /// while `100·S_before < a·G`, B while `100·S_before < b·G`; everyone else is C.
    /// Both conditions hold on a prefix of the ranking, so each boundary is a binary search.
    pub fn counts(&self, t: Thresholds) -> Counts {
        let g = self.grand_total;
        if g == 0 {
            return Counts {
                a: 0,
                b: 0,
                c: self.len(),
            };
        }
        let positive = self.totals.partition_point(|&v| v > 0);
        let under =
            |bp: u32| self.before[..positive].partition_point(|&s| s * 10_000 < i128::from(bp) * g);
        let a = under(t.a_bp);
        let ab = under(t.b_bp);
        Counts {
            a,
            b: ab - a,
            c: self.len() - ab,
        }
    }

    /// The class of the customer at 0-based `index` in rank order.
    pub fn class_at(counts: Counts, index: usize) -> Class {
        if index < counts.a {
            Class::A
        } else if index < counts.a + counts.b {
            Class::B
        } else {
            Class::C
        }
    }

    /// `S_before + pos` of the customer at `index`: its cumulative share is this over `G`.
    pub fn cumulative(&self, index: usize) -> i128 {
        self.before[index] + i128::from(self.totals[index].max(0))
    }

    /// Customers and total of each class (A, B, C).
    pub fn summary(&self, counts: Counts) -> [ClassSummary; 3] {
        let sum = |from: usize, to: usize| self.net_before[to] - self.net_before[from];
        let ab = counts.a + counts.b;
        [
            ClassSummary {
                customers: counts.a,
                total: sum(0, counts.a),
            },
            ClassSummary {
                customers: counts.b,
                total: sum(counts.a, ab),
            },
            ClassSummary {
                customers: counts.c,
                total: sum(ab, self.len()),
            },
        ]
    }
}

/// Totals in rank order as they travel to the browser: the first as it is, then each as
/// how much less it is than the one before. Ranked totals fall, so the differences are
/// short, non-negative numbers — at 100 000 customers the page's payload is a few hundred
/// kilobytes of digits that compress to under a hundred, where the totals themselves
/// would be three times that. Any list of `i64` comes back exactly (the arithmetic wraps
/// both ways), in rank order or not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RankedTotals(pub Vec<i64>);

impl Serialize for RankedTotals {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut before = 0i64;
        s.collect_seq(self.0.iter().enumerate().map(|(i, &t)| {
            let d = if i == 0 { t } else { before.wrapping_sub(t) };
            before = t;
            d
        }))
    }
}

impl<'de> Deserialize<'de> for RankedTotals {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut totals = Vec::<i64>::deserialize(d)?;
        for i in 1..totals.len() {
            totals[i] = totals[i - 1].wrapping_sub(totals[i]);
        }
        Ok(RankedTotals(totals))
    }
}

/// Classifies customers given as (code, total). Codes are expected to be unique.
pub fn classify(totals: &[(String, i64)], t: Thresholds) -> Vec<Ranked> {
    let order = rank_order(totals);
    let ranking = Ranking::new(order.iter().map(|&i| totals[i].1).collect());
    let counts = ranking.counts(t);
    order
        .into_iter()
        .enumerate()
        .map(|(i, at)| Ranked {
            code: totals[at].0.clone(),
            total: totals[at].1,
            rank: u32::try_from(i + 1).unwrap_or(u32::MAX),
            cumulative: ranking.cumulative(i),
            grand_total: ranking.grand_total,
            class: Ranking::class_at(counts, i),
        })
        .collect()
}

/// Share `part / whole` in basis points, rounded down; `None` when `whole` is not positive.
pub fn share_bp(part: i128, whole: i128) -> Option<i64> {
    (whole > 0).then(|| i64::try_from(part * 10_000 / whole).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]
    use super::*;
    use Class::{A, B, C};
    use proptest::prelude::*;

    fn run(totals: &[(&str, i64)]) -> Vec<(String, Class)> {
        let owned: Vec<(String, i64)> = totals.iter().map(|(c, v)| ((*c).to_owned(), *v)).collect();
        let mut r: Vec<(String, Class)> = classify(&owned, Thresholds::DEFAULT)
            .into_iter()
            .map(|r| (r.code, r.class))
            .collect();
        r.sort();
        r
    }

    fn expect(pairs: &[(&str, Class)]) -> Vec<(String, Class)> {
        let mut v: Vec<(String, Class)> =
            pairs.iter().map(|(c, k)| ((*c).to_owned(), *k)).collect();
        v.sort();
        v
    }

    /// (code, total) in, (code, class) expected.
    type Vector<'a> = (&'a [(&'a str, i64)], &'a [(&'a str, Class)]);

    #[test]
    fn a_tier_filter_reads_a_tier_in_either_case_or_none_and_writes_it_back() {
        use crate::domain::validation::FieldErrorCode::InvalidChoice;
        for (raw, want) in [
            ("A", Ok(Some(A))),
            (" b ", Ok(Some(B))),
            ("c", Ok(Some(C))),
            ("none", Ok(None)),
            ("D", Err(InvalidChoice)),
            ("AB", Err(InvalidChoice)),
            ("", Err(InvalidChoice)),
        ] {
            assert_eq!(Class::parse_filter(raw), want, "{raw:?}");
        }
        for tier in [None, Some(A), Some(B), Some(C)] {
            assert_eq!(Class::parse_filter(Class::filter_text(tier)), Ok(tier));
        }
    }

    #[test]
    fn every_test_vector_of_the_spec() {
        let cases: [Vector<'_>; 10] = [
            (&[("c1", 100)], &[("c1", A)]),
            (&[("c1", 50), ("c2", 50)], &[("c1", A), ("c2", A)]),
            (
                &[("c1", 90), ("c2", 5), ("c3", 3), ("c4", 2)],
                &[("c1", A), ("c2", B), ("c3", C), ("c4", C)],
            ),
            (
                &[("c1", 80), ("c2", 15), ("c3", 5)],
                &[("c1", A), ("c2", B), ("c3", C)],
            ),
            (
                &[("c1", 70), ("c2", 20), ("c3", 6), ("c4", 4)],
                &[("c1", A), ("c2", A), ("c3", B), ("c4", C)],
            ),
            (
                &[("x", 90), ("b", 5), ("a", 5)],
                &[("x", A), ("a", B), ("b", C)],
            ),
            (
                &[("x", 90), ("b", 5), ("B", 5)],
                &[("x", A), ("B", B), ("b", C)],
            ),
            (
                &[("c1", 100), ("c2", 0), ("c3", -5), ("c4", 20)],
                &[("c1", A), ("c4", B), ("c2", C), ("c3", C)],
            ),
            (&[("c1", 0), ("c2", -1)], &[("c1", C), ("c2", C)]),
            // the float trap, in fen: 0.49, 0.19, 0.17
            (
                &[("c1", 49), ("c2", 19), ("c3", 17)],
                &[("c1", A), ("c2", A), ("c3", B)],
            ),
        ];
        for (totals, expected) in cases {
            assert_eq!(run(totals), expect(expected), "{totals:?}");
        }
    }

    #[test]
    fn ranks_are_unique_and_ties_go_by_code_bytes() {
        let r = classify(
            &[("10".into(), 5), ("9".into(), 5), ("a".into(), 5)],
            Thresholds::DEFAULT,
        );
        let codes: Vec<&str> = r.iter().map(|x| x.code.as_str()).collect();
        assert_eq!(codes, ["10", "9", "a"]);
        assert_eq!(r.iter().map(|x| x.rank).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(r[2].cum_share_bp(), Some(10_000));
    }

    #[test]
    fn thresholds_are_read_as_percents() {
        assert_eq!(Thresholds::parse("80", "95"), Ok(Thresholds::DEFAULT));
        assert_eq!(
            Thresholds::parse(Thresholds::DEFAULT_A, Thresholds::DEFAULT_B),
            Ok(Thresholds::DEFAULT)
        );
        assert_eq!(
            Thresholds::parse_or_default(" ", ""),
            Ok(Thresholds::DEFAULT)
        );
        assert_eq!(
            Thresholds::parse("82.5%", "97.25"),
            Ok(Thresholds {
                a_bp: 8250,
                b_bp: 9725
            })
        );
        let codes = |a: &str, b: &str| -> Vec<(String, FieldErrorCode)> {
            Thresholds::parse(a, b)
                .unwrap_err()
                .into_iter()
                .map(|e| (e.field, e.code))
                .collect()
        };
        assert_eq!(
            codes("95", "80"),
            [("b".into(), FieldErrorCode::ThresholdOutOfOrder)]
        );
        assert_eq!(
            codes("0", "80"),
            [("a".into(), FieldErrorCode::ThresholdOutOfRange)]
        );
        assert_eq!(
            codes("80", "100.5"),
            [("b".into(), FieldErrorCode::ThresholdOutOfRange)]
        );
        assert_eq!(
            codes("abc", "95.123"),
            [
                ("a".into(), FieldErrorCode::InvalidNumber),
                ("b".into(), FieldErrorCode::TooManyDecimals)
            ]
        );
        assert_eq!(
            codes("", "1000"),
            [
                ("a".into(), FieldErrorCode::Required),
                ("b".into(), FieldErrorCode::ThresholdOutOfRange)
            ]
        );
        assert_eq!(Thresholds::percent_text(8250), "82.5");
        assert_eq!(Thresholds::percent_text(9725), "97.25");
        assert_eq!(Thresholds::percent_text(8000), "80");
    }

    #[test]
    fn thresholds_must_be_ordered_and_in_range() {
        assert_eq!(Thresholds::new(8000, 9500), Ok(Thresholds::DEFAULT));
        assert_eq!(Thresholds::new(9500, 8000), Err(ThresholdError::OutOfOrder));
        assert_eq!(Thresholds::new(8000, 8000), Err(ThresholdError::OutOfOrder));
        assert_eq!(Thresholds::new(0, 9500), Err(ThresholdError::OutOfRange));
        assert_eq!(
            Thresholds::new(8000, 10_001),
            Err(ThresholdError::OutOfRange)
        );
    }

    #[test]
    fn ranked_totals_travel_as_falls_from_the_one_before() {
        let t = RankedTotals(vec![900, 500, 500, 20, 0, -7]);
        assert_eq!(serde_json::to_string(&t).unwrap(), "[900,400,0,480,20,7]");
        assert_eq!(RankedTotals::default(), serde_json::from_str("[]").unwrap());
    }

    proptest! {
        /// Whatever the totals (in order or not, at the ends of `i64`), they come back
        /// exactly; in rank order, no difference after the first is negative.
        #[test]
        fn ranked_totals_come_back_exactly(
            mut totals in proptest::collection::vec(
                prop_oneof![any::<i64>(), -1_000i64..1_000_000, Just(i64::MIN), Just(i64::MAX)],
                0..60,
            ),
            sorted in any::<bool>(),
        ) {
            if sorted {
                totals.sort_unstable_by(|x, y| y.cmp(x));
            }
            let wire = serde_json::to_value(RankedTotals(totals.clone())).unwrap();
            let back: RankedTotals = serde_json::from_value(wire.clone()).unwrap();
            prop_assert_eq!(&back.0, &totals);
            if sorted && totals.iter().all(|t| t.checked_abs().is_some_and(|a| a < i64::MAX / 2)) {
                prop_assert!(wire.as_array().unwrap().iter().skip(1).all(|d| d.as_i64().unwrap() >= 0));
            }
        }
    }

    fn population() -> impl Strategy<Value = Vec<(String, i64)>> {
        proptest::collection::btree_map("[a-zA-Z0-9]{1,4}", -1_000i64..1_000_000, 0..40)
            .prop_map(|m| m.into_iter().collect())
    }

    fn thresholds() -> impl Strategy<Value = Thresholds> {
        (1u32..10_000, 1u32..=10_000)
            .prop_filter_map("ordered", |(a, b)| Thresholds::new(a.min(b), a.max(b)).ok())
    }

    /// The rule written as SEGMENTATION.md states it, customer by customer, to check the
    /// binary-search boundaries of `Ranking::counts` against.
    fn by_the_letter(totals: &[(String, i64)], t: Thresholds) -> Vec<(String, Class)> {
        let mut order: Vec<&(String, i64)> = totals.iter().collect();
        order.sort_by(|x, y| {
            y.1.cmp(&x.1)
                .then_with(|| x.0.as_bytes().cmp(y.0.as_bytes()))
        });
        let g: i128 = order.iter().map(|(_, v)| i128::from((*v).max(0))).sum();
        let mut before = 0i128;
        let mut out = Vec::new();
        for (code, total) in order {
            let class = if *total <= 0 || g == 0 {
                C
            } else if 100 * before * 100 < i128::from(t.a_bp) * g {
                A
            } else if 100 * before * 100 < i128::from(t.b_bp) * g {
                B
            } else {
                C
            };
            before += i128::from((*total).max(0));
            out.push((code.clone(), class));
        }
        out
    }

    proptest! {
        #[test]
        fn binary_search_boundaries_agree_with_the_rule_customer_by_customer(totals in population(), t in thresholds()) {
            let fast: Vec<(String, Class)> = classify(&totals, t).into_iter().map(|r| (r.code, r.class)).collect();
            prop_assert_eq!(fast, by_the_letter(&totals, t));
        }

        #[test]
        fn class_summaries_add_up_to_the_population(totals in population(), t in thresholds()) {
            let order = rank_order(&totals);
            let ranking = Ranking::new(order.iter().map(|&i| totals[i].1).collect());
            let s = ranking.summary(ranking.counts(t));
            prop_assert_eq!(s.iter().map(|c| c.customers).sum::<usize>(), totals.len());
            prop_assert_eq!(s.iter().map(|c| c.total).sum::<i128>(), totals.iter().map(|(_, v)| i128::from(*v)).sum::<i128>());
        }

        /// The invariants SEGMENTATION.md lists: A non-empty when some total is positive;
        /// A holds at least a % of G and A ∪ B at least b %; classes never go back along
        /// the ranking; every customer gets exactly one class.
        #[test]
        fn classes_keep_the_spec_invariants(totals in population(), t in thresholds()) {
            let r = classify(&totals, t);
            prop_assert_eq!(r.len(), totals.len());
            let g: i128 = totals.iter().map(|(_, v)| i128::from((*v).max(0))).sum();
            let held = |k: &[Class]| -> i128 { r.iter().filter(|x| k.contains(&x.class)).map(|x| i128::from(x.total.max(0))).sum() };
            if g > 0 {
                prop_assert!(r.iter().any(|x| x.class == A));
                prop_assert!(held(&[A]) * 10_000 >= i128::from(t.a_bp) * g);
                prop_assert!(held(&[A, B]) * 10_000 >= i128::from(t.b_bp) * g);
            }
            for w in r.windows(2) {
                prop_assert!(w[0].class <= w[1].class, "{:?} then {:?}", w[0], w[1]);
                prop_assert!(w[0].total >= w[1].total);
                prop_assert_eq!(w[0].rank + 1, w[1].rank);
            }
            for x in &r {
                if x.total <= 0 {
                    prop_assert_eq!(x.class, C);
                }
            }
        }
    }
}
