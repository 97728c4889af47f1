//! Receivables (应收) and collections (回款): every delivered order is an invoice with an
//! amount, a day it was issued and a day it falls due (issued + the customer's credit
//! days). A payment is **allocated** to invoices — oldest due first unless the user picks
//! them — never more to an invoice than its balance; what is left of a payment stays as
//! the customer's **unallocated credit**, never lost. **Aging** puts each open balance in
//! a bucket by how many days past due it is on a day: not yet due or 0–30, 31–60, 61–90,
//! over 90; the buckets add up to the open balance.
//!
//! ```
//! use chrono::NaiveDate;
//! use qudao::domain::money::Money;
//! use qudao::domain::receivables::{Open, allocate_oldest_first, aging};
//! let day = |d| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
//! let open = [
//!     Open { invoice: 1, due: day("2026-01-31"), balance: Money(30_000) },
//!     Open { invoice: 2, due: day("2026-03-31"), balance: Money(50_000) },
//! ];
//! // 500 yuan pays the January invoice whole, then 200 of March's
//! let a = allocate_oldest_first(&open, Money(50_000));
//! assert_eq!(a.to_invoices, vec![(1, Money(30_000)), (2, Money(20_000))]);
//! assert_eq!(a.unallocated, Money(0));
//! // on 15 April the January invoice is 74 days past due, March's 15
//! let b = aging(&open, day("2026-04-15"));
//! assert_eq!((b.days_0_30, b.days_61_90), (Money(50_000), Money(30_000)));
//! ```
use crate::domain::money::Money;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// An invoice with something still to pay. `invoice` is the caller's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Open<K> {
    pub invoice: K,
    pub due: NaiveDate,
    /// What is still owed, fen (more than zero for an open invoice).
    pub balance: Money,
}

/// How a payment is spread: `(invoice, amount)` in the order paid, and what is left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation<K> {
    pub to_invoices: Vec<(K, Money)>,
    /// Kept as the customer's credit (预收), to allocate later.
    pub unallocated: Money,
}

/// Spreads `amount` over `open` invoices, the earliest due first (then in the order
/// given), never more to one than its balance. A zero or negative amount allocates
/// nothing; invoices without a positive balance take nothing.
pub fn allocate_oldest_first<K: Copy>(open: &[Open<K>], amount: Money) -> Allocation<K> {
    let mut order: Vec<&Open<K>> = open.iter().collect();
    // stable: invoices due the same day keep the order they came in
    order.sort_by_key(|o| o.due);
    let mut left = amount.0.max(0);
    let mut to_invoices = Vec::new();
    for o in order {
        if left == 0 {
            break;
        }
        let take = left.min(o.balance.0.max(0));
        if take > 0 {
            to_invoices.push((o.invoice, Money(take)));
            left -= take;
        }
    }
    Allocation {
        to_invoices,
        unallocated: Money(left),
    }
}

/// Open balances by days past due on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Aging {
    /// Not yet due, or at most 30 days past due.
    pub days_0_30: Money,
    pub days_31_60: Money,
    pub days_61_90: Money,
    pub over_90: Money,
}

impl Aging {
    /// Everything still owed.
    pub fn total(&self) -> Money {
        Money(self.days_0_30.0 + self.days_31_60.0 + self.days_61_90.0 + self.over_90.0)
    }

    /// What is more than 30 days past due (the dashboard's overdue figure).
    pub fn past_30(&self) -> Money {
        Money(self.days_31_60.0 + self.days_61_90.0 + self.over_90.0)
    }

    /// Adds another customer's (or rep's) aging to this one.
    pub fn add(&mut self, other: &Aging) {
        self.days_0_30.0 += other.days_0_30.0;
        self.days_31_60.0 += other.days_31_60.0;
        self.days_61_90.0 += other.days_61_90.0;
        self.over_90.0 += other.over_90.0;
    }
}

/// The aging of `open` balances on `day`.
pub fn aging<K>(open: &[Open<K>], day: NaiveDate) -> Aging {
    let mut a = Aging::default();
    for o in open {
        let late = (day - o.due).num_days();
        let bucket = match late {
            ..=30 => &mut a.days_0_30,
            31..=60 => &mut a.days_31_60,
            61..=90 => &mut a.days_61_90,
            _ => &mut a.over_90,
        };
        bucket.0 += o.balance.0;
    }
    a
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn open(raw: &[(i64, i64)]) -> Vec<Open<usize>> {
        raw.iter()
            .enumerate()
            .map(|(i, (due, balance))| Open {
                invoice: i,
                due: day("2026-01-01") + chrono::Days::new(*due as u64),
                balance: Money(*balance),
            })
            .collect()
    }

    #[test]
    fn buckets_change_on_their_boundary_days() {
        let o = open(&[(0, 100)]); // due 2026-01-01
        for (on, bucket) in [
            ("2025-12-01", 0), // not yet due
            ("2026-01-31", 0), // 30 days late
            ("2026-02-01", 1), // 31
            ("2026-03-02", 1), // 60
            ("2026-03-03", 2), // 61
            ("2026-04-01", 2), // 90
            ("2026-04-02", 3), // 91
        ] {
            let a = aging(&o, day(on));
            let got = [a.days_0_30, a.days_31_60, a.days_61_90, a.over_90];
            let mut want = [Money(0); 4];
            want[bucket] = Money(100);
            assert_eq!(got, want, "{on}");
        }
    }

    #[test]
    fn a_payment_larger_than_what_is_open_keeps_the_rest_as_credit() {
        let o = open(&[(30, 20_000), (0, 10_000)]);
        let a = allocate_oldest_first(&o, Money(45_000));
        // the earlier due first, though listed second
        assert_eq!(a.to_invoices, vec![(1, Money(10_000)), (0, Money(20_000))]);
        assert_eq!(a.unallocated, Money(15_000));
        assert_eq!(
            allocate_oldest_first(&o, Money(0)),
            Allocation {
                to_invoices: vec![],
                unallocated: Money(0)
            }
        );
    }

    proptest! {
        /// A payment is spread without loss: what goes to invoices plus what is kept as
        /// credit is the payment; no invoice takes more than its balance; an invoice is
        /// paid only once every invoice due before it is paid whole.
        #[test]
        fn payments_never_allocate_more_than_a_balance_nor_lose_anything(
            raw in prop::collection::vec((0i64..120, 1i64..100_000), 0..12),
            amount in 0i64..1_000_000,
        ) {
            let o = open(&raw);
            let a = allocate_oldest_first(&o, Money(amount));
            let paid: i64 = a.to_invoices.iter().map(|(_, m)| m.0).sum();
            prop_assert_eq!(paid + a.unallocated.0, amount);
            let owed: i64 = o.iter().map(|x| x.balance.0).sum();
            prop_assert_eq!(a.unallocated.0, (amount - owed).max(0));
            for (k, m) in &a.to_invoices {
                prop_assert!(m.0 > 0 && m.0 <= o[*k].balance.0);
            }
            // an invoice takes something only once every invoice due before it is paid
            // whole, and credit is kept only once every invoice is
            let got = |k: usize| a.to_invoices.iter().find(|(i, _)| *i == k).map_or(0, |(_, m)| m.0);
            for x in &o {
                if got(x.invoice) > 0 {
                    for y in o.iter().filter(|y| y.due < x.due) {
                        prop_assert_eq!(got(y.invoice), y.balance.0);
                    }
                }
                if a.unallocated.0 > 0 {
                    prop_assert_eq!(got(x.invoice), x.balance.0);
                }
            }
        }

        /// The buckets add up to the open balance, and a balance moves only to older
        /// buckets as days pass.
        #[test]
        fn aging_buckets_sum_to_the_balance_and_only_grow_older(
            raw in prop::collection::vec((0i64..200, 1i64..100_000), 0..12),
            on in 0i64..300,
            later in 0i64..60,
        ) {
            let o = open(&raw);
            let d = day("2026-01-01") + chrono::Days::new(on as u64);
            let a = aging(&o, d);
            prop_assert_eq!(a.total().0, o.iter().map(|x| x.balance.0).sum::<i64>());
            let b = aging(&o, d + chrono::Days::new(later as u64));
            prop_assert!(b.days_0_30 <= a.days_0_30);
            prop_assert!(b.over_90 >= a.over_90);
            prop_assert!(b.past_30() >= a.past_30());
            let mut sum = Aging::default();
            sum.add(&a);
            sum.add(&b);
            prop_assert_eq!(sum.total().0, a.total().0 + b.total().0);
        }
    }
}
