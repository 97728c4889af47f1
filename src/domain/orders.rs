//! Sales orders (订单): an order is numbered `SO-<year>-<six digits>` within its company and
//! moves one step at a time — draft → confirmed → picked → out for delivery → delivered →
//! closed — or is cancelled before it leaves the warehouse. Confirming posts its lines
//! to the sales ledger (so tiers and growth follow orders); cancelling a confirmed order
//! takes them out again. Whatever the retries, an order is in the ledger exactly while it
//! stands confirmed or later.
//!
//! ```
//! use qudao::domain::orders::{LedgerEffect, OrderNumber, OrderStatus, Step};
//! let s = OrderStatus::Draft;
//! assert_eq!(s.after(Step::Confirm), Ok((OrderStatus::Confirmed, LedgerEffect::Post)));
//! assert!(OrderStatus::Confirmed.after(Step::Confirm).is_err()); // confirmed twice
//! assert_eq!(OrderNumber { year: 2026, seq: 123 }.to_string(), "SO-2026-000123");
//! assert_eq!("SO-2026-000123".parse(), Ok(OrderNumber { year: 2026, seq: 123 }));
//! ```
use serde::{Deserialize, Serialize};

/// Where an order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Draft,
    Confirmed,
    Picked,
    OutForDelivery,
    Delivered,
    Closed,
    Cancelled,
}

/// What a user does to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Confirm,
    Pick,
    Dispatch,
    Deliver,
    Close,
    Cancel,
}

/// What a step does to the sales ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerEffect {
    None,
    /// The order's lines go into the ledger.
    Post,
    /// The order's lines come out of it.
    Reverse,
}

/// A step the order's status does not allow (confirming twice, delivering a draft …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotNow {
    pub status: OrderStatus,
    pub step: Step,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 7] = [
        OrderStatus::Draft,
        OrderStatus::Confirmed,
        OrderStatus::Picked,
        OrderStatus::OutForDelivery,
        OrderStatus::Delivered,
        OrderStatus::Closed,
        OrderStatus::Cancelled,
    ];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Draft => "draft",
            OrderStatus::Confirmed => "confirmed",
            OrderStatus::Picked => "picked",
            OrderStatus::OutForDelivery => "out_for_delivery",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Closed => "closed",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    /// The stored form read back.
    pub fn parse(raw: &str) -> Option<OrderStatus> {
        OrderStatus::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// Whether the order's lines are in the sales ledger.
    pub fn in_ledger(self) -> bool {
        matches!(
            self,
            OrderStatus::Confirmed
                | OrderStatus::Picked
                | OrderStatus::OutForDelivery
                | OrderStatus::Delivered
                | OrderStatus::Closed
        )
    }

    /// The status after `step`, and what it does to the ledger; refused when the order
    /// is not where that step starts.
    pub fn after(self, step: Step) -> Result<(OrderStatus, LedgerEffect), NotNow> {
        use OrderStatus as S;
        let next = match (self, step) {
            (S::Draft, Step::Confirm) => S::Confirmed,
            (S::Confirmed, Step::Pick) => S::Picked,
            (S::Picked, Step::Dispatch) => S::OutForDelivery,
            (S::OutForDelivery, Step::Deliver) => S::Delivered,
            (S::Delivered, Step::Close) => S::Closed,
            // once on the truck an order is delivered (or its goods come back as a return)
            (S::Draft | S::Confirmed | S::Picked, Step::Cancel) => S::Cancelled,
            (status, step) => return Err(NotNow { status, step }),
        };
        let effect = match (self.in_ledger(), next.in_ledger()) {
            (false, true) => LedgerEffect::Post,
            (true, false) => LedgerEffect::Reverse,
            _ => LedgerEffect::None,
        };
        Ok((next, effect))
    }
}

/// An order's number: `SO-2026-000123`, counted per company and year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OrderNumber {
    pub year: i32,
    pub seq: u32,
}

impl std::fmt::Display for OrderNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SO-{}-{:06}", self.year, self.seq)
    }
}

impl std::str::FromStr for OrderNumber {
    type Err = ();

    /// `SO-<four-digit year>-<at least six digits>`, case as written; the sequence
    /// starts at 1.
    fn from_str(s: &str) -> Result<OrderNumber, ()> {
        let rest = s.trim().strip_prefix("SO-").ok_or(())?;
        let (year, seq) = rest.split_once('-').ok_or(())?;
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if year.len() != 4 || seq.len() < 6 || !digits(year) || !digits(seq) {
            return Err(());
        }
        let (year, seq) = (year.parse().map_err(|_| ())?, seq.parse().map_err(|_| ())?);
        if seq == 0 {
            return Err(());
        }
        Ok(OrderNumber { year, seq })
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            Just(Step::Confirm),
            Just(Step::Pick),
            Just(Step::Dispatch),
            Just(Step::Deliver),
            Just(Step::Close),
            Just(Step::Cancel),
        ]
    }

    #[test]
    fn the_happy_path_posts_once_and_a_late_cancel_is_refused() {
        let mut s = OrderStatus::Draft;
        let mut effects = Vec::new();
        for st in [
            Step::Confirm,
            Step::Pick,
            Step::Dispatch,
            Step::Deliver,
            Step::Close,
        ] {
            let (next, e) = s.after(st).unwrap();
            effects.push(e);
            s = next;
        }
        assert_eq!(s, OrderStatus::Closed);
        assert_eq!(
            effects,
            [
                LedgerEffect::Post,
                LedgerEffect::None,
                LedgerEffect::None,
                LedgerEffect::None,
                LedgerEffect::None
            ]
        );
        assert_eq!(
            OrderStatus::OutForDelivery.after(Step::Cancel),
            Err(NotNow {
                status: OrderStatus::OutForDelivery,
                step: Step::Cancel
            })
        );
        assert_eq!(
            OrderStatus::Picked.after(Step::Cancel),
            Ok((OrderStatus::Cancelled, LedgerEffect::Reverse))
        );
        assert_eq!(
            OrderStatus::Draft.after(Step::Cancel),
            Ok((OrderStatus::Cancelled, LedgerEffect::None))
        );
    }

    #[test]
    fn statuses_and_numbers_read_back() {
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(OrderStatus::parse("shipped"), None);
        for bad in [
            "SO-2026-12345",
            "SO-26-000001",
            "so-2026-000001",
            "SO-2026-000000",
            "SO-2026-00001a",
            "SO2026000001",
            "",
        ] {
            assert_eq!(bad.parse::<OrderNumber>(), Err(()), "{bad}");
        }
        assert_eq!(
            "SO-2027-1234567".parse(),
            Ok(OrderNumber {
                year: 2027,
                seq: 1_234_567
            })
        );
    }

    proptest! {
        /// Whatever steps are tried, in whatever order and however often (retries,
        /// two users at once), the ledger holds the order exactly while its status says
        /// so: posts minus reversals is 1 for an order confirmed or later, 0 otherwise,
        /// and a closed or cancelled order takes no step.
        #[test]
        fn an_order_is_in_the_ledger_exactly_once_whatever_the_steps(
            steps in prop::collection::vec(step(), 0..20),
        ) {
            let mut s = OrderStatus::Draft;
            let mut posted = 0i32;
            for st in steps {
                let before = s;
                if let Ok((next, effect)) = s.after(st) {
                    prop_assert!(!matches!(before, OrderStatus::Closed | OrderStatus::Cancelled));
                    match effect {
                        LedgerEffect::Post => posted += 1,
                        LedgerEffect::Reverse => posted -= 1,
                        LedgerEffect::None => {}
                    }
                    s = next;
                }
                prop_assert_eq!(posted, i32::from(s.in_ledger()));
            }
        }

        #[test]
        fn numbers_read_back(year in 2000i32..2100, seq in 1u32..10_000_000) {
            let n = OrderNumber { year, seq };
            prop_assert_eq!(n.to_string().parse::<OrderNumber>(), Ok(n));
        }
    }
}
