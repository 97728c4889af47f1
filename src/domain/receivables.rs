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
use crate::domain::validation::{FieldError, FieldErrorCode, optional_text};
use chrono::{Datelike as _, NaiveDate};
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

/// Credit control at confirmation: what the customer would owe with this order against
/// their limit, and what is already past its credit days. Confirming is refused while
/// [`CreditCheck::blocked`], unless a manager releases it with a reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CreditCheck {
    /// The customer's own limit, else their tier policy's; none: no limit.
    pub limit: Option<Money>,
    /// Open invoices.
    pub open: Money,
    /// The customer's unallocated credit (预收): it pays what comes next.
    #[serde(default)]
    pub credit: Money,
    /// Orders confirmed and not yet delivered (owed once delivered).
    pub pending: Money,
    /// This order.
    pub order: Money,
    /// Open balances already past their due day, less the customer's credit.
    pub overdue: Money,
}

impl CreditCheck {
    /// What the customer would owe: open + pending + this order − credit (at least 0).
    pub fn exposure(&self) -> Money {
        Money(
            self.open
                .0
                .saturating_add(self.pending.0)
                .saturating_add(self.order.0)
                .saturating_sub(self.credit.0)
                .max(0),
        )
    }

    pub fn over_limit(&self) -> bool {
        self.limit.is_some_and(|l| self.exposure() > l)
    }

    pub fn blocked(&self) -> bool {
        self.over_limit() || self.overdue.0 > 0
    }

    /// The largest order that passes the limit (none: no limit): the limit plus the
    /// customer's credit, less what is open and pending (at least 0).
    pub fn headroom(&self) -> Option<Money> {
        self.limit.map(|l| {
            Money(
                l.0.saturating_add(self.credit.0)
                    .saturating_sub(self.open.0)
                    .saturating_sub(self.pending.0)
                    .saturating_sub(self.order.0)
                    .max(0),
            )
        })
    }
}

/// What credit control reads about a customer (fen): open invoices, the part past its
/// due day, unallocated credit, confirmed orders not yet delivered, and the customer's
/// own limit (0 = cash only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Exposure {
    pub open: i64,
    pub overdue: i64,
    pub credit: i64,
    pub pending: i64,
    pub own_limit: Option<i64>,
}

impl Exposure {
    /// Credit control for an order of `order`: the customer's own limit, else their
    /// tier policy's `policy_limit` (0 there is "not set": its blank field stores 0);
    /// credit kept covers what is past due first. The office's confirmation and the
    /// tablet's status read the same rule.
    pub fn check(&self, policy_limit: Option<i64>, order: Money) -> CreditCheck {
        let limit = self
            .own_limit
            .or(policy_limit.filter(|l| *l > 0))
            .map(Money);
        CreditCheck {
            limit,
            open: Money(self.open),
            credit: Money(self.credit),
            pending: Money(self.pending),
            order,
            overdue: Money((self.overdue - self.credit).max(0)),
        }
    }
}

/// How a customer paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    Cash,
    /// 银行转账
    Transfer,
    Wechat,
    Alipay,
}

impl PaymentMethod {
    pub const ALL: [PaymentMethod; 4] = [
        PaymentMethod::Cash,
        PaymentMethod::Transfer,
        PaymentMethod::Wechat,
        PaymentMethod::Alipay,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Cash => "cash",
            PaymentMethod::Transfer => "transfer",
            PaymentMethod::Wechat => "wechat",
            PaymentMethod::Alipay => "alipay",
        }
    }

    pub fn parse(raw: &str) -> Option<PaymentMethod> {
        Self::ALL.into_iter().find(|m| m.as_str() == raw.trim())
    }

    /// WeChat and Alipay payments are known by their transaction number: it is asked
    /// for, and one number is one payment.
    pub fn needs_reference(self) -> bool {
        matches!(self, PaymentMethod::Wechat | PaymentMethod::Alipay)
    }
}

/// The longest transaction number kept.
pub const MAX_REFERENCE: u32 = 64;
/// The longest note on a payment.
pub const MAX_NOTE: u32 = 200;

/// A payment as typed (回款登记). `allocations` empty: oldest due first.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PaymentInput {
    /// The form's own key (a UUID the server handed out with the form): sent twice,
    /// stored once.
    pub key: String,
    pub customer_code: String,
    pub paid_on: String,
    pub method: String,
    #[serde(default)]
    pub reference: String,
    pub amount: String,
    #[serde(default)]
    pub note: String,
    /// By hand: so much to this invoice (its id), blank amounts skipped.
    #[serde(default)]
    pub allocations: Vec<AllocationInput>,
}

/// So much of the payment to one invoice.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AllocationInput {
    pub invoice: String,
    #[serde(default)]
    pub amount: String,
}

/// A payment whose every field passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentFields {
    pub paid_on: NaiveDate,
    pub method: PaymentMethod,
    pub reference: Option<String>,
    pub amount: Money,
    pub note: Option<String>,
    /// `(invoice as typed, amount)`, in the order given; empty: oldest due first.
    pub by_hand: Vec<(String, Money)>,
}

impl PaymentFields {
    /// Checks a typed payment on `today` (Beijing): a date not in the future, a known
    /// method, the reference where the method needs one, an amount above zero, hand
    /// allocations each above zero and together no more than the payment. Errors name
    /// fields as `paid_on`, `method`, `reference`, `amount`, `note` and
    /// `allocations.<n>.amount`.
    pub fn parse(input: &PaymentInput, today: NaiveDate) -> Result<PaymentFields, Vec<FieldError>> {
        let mut errors = Vec::new();
        let paid_on = match input.paid_on.trim() {
            "" => Some(today),
            raw => match crate::domain::profile::parse_date(raw) {
                Ok(d) if d > today => {
                    errors.push(FieldError::new("paid_on", FieldErrorCode::InFuture));
                    None
                }
                Ok(d) if d.year() < 2000 => {
                    errors.push(FieldError::new("paid_on", FieldErrorCode::DateOutOfRange));
                    None
                }
                Ok(d) => Some(d),
                Err(code) => {
                    errors.push(FieldError::new("paid_on", code));
                    None
                }
            },
        };
        let method = PaymentMethod::parse(&input.method);
        if method.is_none() {
            errors.push(FieldError::new("method", FieldErrorCode::InvalidChoice));
        }
        let reference = match optional_text(&input.reference, MAX_REFERENCE) {
            Ok(r) => r,
            Err(code) => {
                errors.push(FieldError::new("reference", code));
                None
            }
        };
        if reference.is_none()
            && input.reference.trim().is_empty()
            && method.is_some_and(PaymentMethod::needs_reference)
        {
            errors.push(FieldError::new("reference", FieldErrorCode::Required));
        }
        let amount = positive_yuan(&input.amount).map_err(|code| FieldError::new("amount", code));
        let amount = match amount {
            Ok(m) => Some(m),
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let note = match optional_text(&input.note, MAX_NOTE) {
            Ok(n) => n,
            Err(code) => {
                errors.push(FieldError::new("note", code));
                None
            }
        };
        let mut by_hand = Vec::new();
        let mut total = 0i64;
        for (i, a) in input.allocations.iter().enumerate() {
            if a.amount.trim().is_empty() {
                continue;
            }
            match positive_yuan(&a.amount) {
                Ok(m) => {
                    total = total.saturating_add(m.0);
                    by_hand.push((a.invoice.trim().to_owned(), m));
                }
                Err(code) => errors.push(FieldError::new(&format!("allocations.{i}.amount"), code)),
            }
        }
        if let Some(a) = amount
            && total > a.0
        {
            errors.push(FieldError::new("amount", FieldErrorCode::OverPayment));
        }
        match (paid_on, method, amount) {
            (Some(paid_on), Some(method), Some(amount)) if errors.is_empty() => Ok(PaymentFields {
                paid_on,
                method,
                reference,
                amount,
                note,
                by_hand,
            }),
            _ => Err(errors),
        }
    }
}

/// Yuan above zero, at most [`crate::domain::money::MAX_FEN`].
fn positive_yuan(raw: &str) -> Result<Money, FieldErrorCode> {
    let m = Money::parse_yuan(raw)?;
    if m.0 < 0 {
        Err(FieldErrorCode::Negative)
    } else if m.0 == 0 {
        Err(FieldErrorCode::Zero)
    } else if m.0 > crate::domain::money::MAX_FEN {
        Err(FieldErrorCode::TooLarge)
    } else {
        Ok(m)
    }
}

/// Spreads a payment as the user chose: `chosen` amounts to invoices of `open` (by
/// key), each no more than the invoice's balance; the rest of `amount` is kept as
/// credit. Answers the index in `chosen` of the first amount that is too much (or whose
/// invoice is not open).
pub fn allocate_by_hand<K: Copy + PartialEq>(
    open: &[Open<K>],
    chosen: &[(K, Money)],
    amount: Money,
) -> Result<Allocation<K>, usize> {
    let mut left = amount.0;
    let mut to_invoices: Vec<(K, Money)> = Vec::new();
    for (i, (k, m)) in chosen.iter().enumerate() {
        let balance = open
            .iter()
            .find(|o| o.invoice == *k)
            .map_or(0, |o| o.balance.0);
        let already: i64 = to_invoices
            .iter()
            .filter(|(x, _)| x == k)
            .map(|(_, m)| m.0)
            .sum();
        if m.0 <= 0 || m.0 > balance - already || m.0 > left {
            return Err(i);
        }
        left -= m.0;
        to_invoices.push((*k, *m));
    }
    Ok(Allocation {
        to_invoices,
        unallocated: Money(left),
    })
}

/// The day an invoice issued on `issued` falls due with `credit_days` of credit.
pub fn due_on(issued: NaiveDate, credit_days: u32) -> NaiveDate {
    issued
        .checked_add_days(chrono::Days::new(u64::from(credit_days)))
        .unwrap_or(issued)
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

    fn typed(f: impl FnOnce(&mut PaymentInput)) -> Result<PaymentFields, Vec<FieldError>> {
        let mut p = PaymentInput {
            key: "k".into(),
            customer_code: "C1".into(),
            paid_on: "2026-03-01".into(),
            method: "cash".into(),
            amount: "1,200.50".into(),
            ..PaymentInput::default()
        };
        f(&mut p);
        PaymentFields::parse(&p, day("2026-03-10"))
    }

    #[test]
    fn a_typed_payment_is_checked_field_by_field() {
        let ok = typed(|_| ()).unwrap();
        assert_eq!(
            (ok.amount, ok.method, ok.paid_on),
            (Money(120_050), PaymentMethod::Cash, day("2026-03-01"))
        );
        assert_eq!(
            typed(|p| p.paid_on = String::new()).unwrap().paid_on,
            day("2026-03-10")
        );
        // a blank hand allocation is no allocation
        let blank = typed(|p| {
            p.allocations = vec![AllocationInput {
                invoice: "x".into(),
                amount: " ".into(),
            }]
        });
        assert!(blank.unwrap().by_hand.is_empty());
        let code = |f: fn(&mut PaymentInput)| {
            typed(f)
                .unwrap_err()
                .into_iter()
                .map(|e| (e.field, e.code))
                .collect::<Vec<_>>()
        };
        use FieldErrorCode as C;
        type Case = (fn(&mut PaymentInput), &'static str, FieldErrorCode);
        let cases: [Case; 10] = [
            (|p| p.paid_on = "2026-03-11".into(), "paid_on", C::InFuture),
            (
                |p| p.paid_on = "1999-12-31".into(),
                "paid_on",
                C::DateOutOfRange,
            ),
            (|p| p.paid_on = "3月".into(), "paid_on", C::InvalidDate),
            (|p| p.method = "cheque".into(), "method", C::InvalidChoice),
            (|p| p.method = "wechat".into(), "reference", C::Required),
            (|p| p.amount = "0".into(), "amount", C::Zero),
            (|p| p.amount = "-1".into(), "amount", C::Negative),
            (
                |p| p.amount = "99999999999999".into(),
                "amount",
                C::TooLarge,
            ),
            (
                |p| {
                    p.allocations = vec![AllocationInput {
                        invoice: "a".into(),
                        amount: "0".into(),
                    }]
                },
                "allocations.0.amount",
                C::Zero,
            ),
            (
                |p| {
                    p.allocations = vec![AllocationInput {
                        invoice: "a".into(),
                        amount: "2000".into(),
                    }]
                },
                "amount",
                C::OverPayment,
            ),
        ];
        for (f, field, c) in cases {
            assert!(
                code(f).contains(&(field.to_owned(), c)),
                "{field} {c:?}: {:?}",
                code(f)
            );
        }
    }

    #[test]
    fn credit_blocks_past_the_limit_or_with_anything_overdue() {
        let c = |limit: Option<i64>, open, pending, order, overdue| CreditCheck {
            limit: limit.map(Money),
            open: Money(open),
            credit: Money(0),
            pending: Money(pending),
            order: Money(order),
            overdue: Money(overdue),
        };
        // exactly at the limit is allowed; a fen more is not
        assert!(!c(Some(1_000), 400, 300, 300, 0).blocked());
        assert!(c(Some(1_000), 400, 300, 301, 0).blocked());
        assert_eq!(c(Some(1_000), 400, 300, 301, 0).exposure(), Money(1_001));
        // no limit: only what is overdue blocks
        assert!(!c(None, 9_999_999, 0, 1, 0).blocked());
        assert!(c(None, 0, 0, 1, 1).blocked());
        assert!(c(Some(1_000_000), 100, 0, 1, 50).blocked());
        assert!(!c(Some(1_000_000), 100, 0, 1, 50).over_limit());
        // money paid in advance counts for the customer
        let prepaid = CreditCheck {
            credit: Money(10_000),
            ..c(Some(5_000), 0, 0, 8_000, 0)
        };
        assert_eq!(prepaid.exposure(), Money(0));
        assert!(!prepaid.blocked());
    }

    #[test]
    fn the_limit_is_the_customers_own_else_the_policys_and_credit_covers_the_overdue_first() {
        let e = Exposure {
            open: 30_000,
            overdue: 12_000,
            credit: 5_000,
            pending: 10_000,
            own_limit: None,
        };
        // no own limit: the policy's; its 0 is "not set"
        assert_eq!(e.check(Some(50_000), Money(0)).limit, Some(Money(50_000)));
        assert_eq!(e.check(Some(0), Money(0)).limit, None);
        assert_eq!(e.check(None, Money(0)).limit, None);
        // an own limit wins, and its 0 is "cash only"
        let own = Exposure {
            own_limit: Some(0),
            ..e
        };
        assert_eq!(own.check(Some(50_000), Money(0)).limit, Some(Money(0)));
        assert!(own.check(Some(50_000), Money(0)).over_limit());
        // credit covers what is past due first, never below zero
        assert_eq!(e.check(None, Money(0)).overdue, Money(7_000));
        let prepaid = Exposure {
            credit: 20_000,
            ..e
        };
        assert_eq!(prepaid.check(None, Money(0)).overdue, Money(0));
        // headroom: the limit less open + pending − credit (at least 0); none without one
        let c = Exposure { overdue: 0, ..e }.check(Some(50_000), Money(0));
        assert_eq!(
            c.headroom(),
            Some(Money(50_000 - (30_000 + 10_000 - 5_000)))
        );
        assert!(!c.blocked());
        assert_eq!(own.check(None, Money(0)).headroom(), Some(Money(0)));
        assert_eq!(e.check(None, Money(0)).headroom(), None);
        // cash only, but money paid in advance covers an order up to what it leaves
        let prepaid_cash = Exposure {
            open: 1_000,
            overdue: 0,
            credit: 5_000,
            pending: 0,
            own_limit: Some(0),
        };
        let room = prepaid_cash.check(None, Money(0)).headroom().unwrap();
        assert_eq!(room, Money(4_000));
        assert!(!prepaid_cash.check(None, room).blocked());
        assert!(prepaid_cash.check(None, Money(room.0 + 1)).blocked());
    }

    #[test]
    fn an_invoice_falls_due_after_its_credit_days() {
        assert_eq!(due_on(day("2026-01-31"), 30), day("2026-03-02"));
        assert_eq!(due_on(day("2026-01-31"), 0), day("2026-01-31"));
    }

    proptest! {
        /// The tablet's "available" is exactly what confirming allows: an order of the
        /// headroom passes the limit, a fen more does not.
        #[test]
        fn the_headroom_is_the_largest_order_the_limit_lets_through(
            limit in 0i64..10_000_000,
            open in 0i64..10_000_000,
            credit in 0i64..10_000_000,
            pending in 0i64..10_000_000,
        ) {
            let e = Exposure { open, overdue: 0, credit, pending, own_limit: Some(limit) };
            let room = e.check(None, Money(0)).headroom().unwrap();
            if room.0 > 0 || limit + credit >= open + pending {
                prop_assert!(!e.check(None, room).over_limit());
            }
            prop_assert!(e.check(None, Money(room.0 + 1)).over_limit());
        }

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

        /// By hand, a payment is spread as chosen or refused: never more to an invoice
        /// than its balance, never more than the payment, nothing lost.
        #[test]
        fn allocating_by_hand_never_passes_a_balance_nor_the_payment(
            raw in prop::collection::vec((0i64..120, 1i64..100_000), 1..8),
            chosen in prop::collection::vec((0usize..8, 1i64..120_000), 0..8),
            amount in 1i64..300_000,
        ) {
            let o = open(&raw);
            let chosen: Vec<(usize, Money)> = chosen.into_iter().map(|(k, m)| (k % o.len(), Money(m))).collect();
            match allocate_by_hand(&o, &chosen, Money(amount)) {
                Ok(a) => {
                    let paid: i64 = a.to_invoices.iter().map(|(_, m)| m.0).sum();
                    prop_assert_eq!(paid + a.unallocated.0, amount);
                    prop_assert!(a.unallocated.0 >= 0);
                    for x in &o {
                        let to_x: i64 = a.to_invoices.iter().filter(|(k, _)| *k == x.invoice).map(|(_, m)| m.0).sum();
                        prop_assert!(to_x <= x.balance.0);
                    }
                }
                Err(at) => {
                    // the refused one is the first that would pass a bound
                    prop_assert!(at < chosen.len());
                    let ok = allocate_by_hand(&o, &chosen[..at], Money(amount));
                    prop_assert!(ok.is_ok());
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
