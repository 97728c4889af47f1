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
use crate::domain::money::Money;
use crate::domain::pricing::{MAX_APPROVAL_REASON, PriceScope, ResolvedPrice, price_allowed};
use crate::domain::validation::{FieldError, FieldErrorCode, optional_text, take};
use chrono::NaiveDate;
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

impl Step {
    /// The stored and wire form: `confirm`, `pick`, `dispatch`, `deliver`, `close`,
    /// `cancel` (the history also has `create`).
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Confirm => "confirm",
            Step::Pick => "pick",
            Step::Dispatch => "dispatch",
            Step::Deliver => "deliver",
            Step::Close => "close",
            Step::Cancel => "cancel",
        }
    }
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

/// Longest list of lines on one order.
pub const MAX_LINES: usize = 200;

/// An order as typed (office form) or taken in the shop (tablet): one customer, one
/// date, lines of product and quantity. Prices come from the price lists; only those
/// who may set prices type one (`unit_price`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OrderInput {
    pub customer_code: String,
    pub order_date: String,
    pub lines: Vec<OrderLineInput>,
    /// A UUID minted by the tablet for an order taken offline (empty: the server mints
    /// one); an order sent twice is stored once.
    #[serde(default)]
    pub client_id: String,
}

/// One line as typed. An older tablet's queued order may still carry an amount and a
/// cost: they are ignored, the line takes the customer's price.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OrderLineInput {
    pub product_sku: String,
    pub quantity: String,
    /// Yuan per unit; empty: the customer's price from the lists.
    #[serde(default)]
    pub unit_price: String,
    /// Why a price under the product's floor is given (a manager's approval).
    #[serde(default)]
    pub approval_reason: String,
}

impl OrderLineInput {
    /// Nothing typed on the line.
    pub fn is_blank(&self) -> bool {
        [
            &self.product_sku,
            &self.quantity,
            &self.unit_price,
            &self.approval_reason,
        ]
        .iter()
        .all(|f| f.trim().is_empty())
    }
}

/// A line read: a product code, a whole number of units (at least one), and perhaps a
/// price typed by hand with its reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineFields {
    /// Where the line stands on the form (blank lines are skipped, so problems name
    /// the line the user sees).
    pub index: usize,
    pub product_sku: String,
    pub quantity: i64,
    pub unit_price: Option<Money>,
    pub approval_reason: Option<String>,
}

/// An order read: its customer's code, its date and at least one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderFields {
    pub customer_code: String,
    pub order_date: NaiveDate,
    pub lines: Vec<LineFields>,
}

impl OrderFields {
    /// Every problem is named: `customer_code`, `order_date`, `lines.<i>.<field>`.
    pub fn parse(input: &OrderInput) -> Result<OrderFields, Vec<FieldError>> {
        use crate::domain::sales::{code, parse_order_date};
        let mut errors = Vec::new();
        let customer_code = take(&mut errors, "customer_code", code(&input.customer_code));
        let order_date = take(
            &mut errors,
            "order_date",
            parse_order_date(&input.order_date),
        );
        // a form offers a few empty lines: those left blank are not lines
        let typed: Vec<(usize, &OrderLineInput)> = input
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| !l.is_blank())
            .collect();
        if typed.is_empty() {
            errors.push(FieldError::new(
                "lines.0.product_sku",
                FieldErrorCode::Required,
            ));
        }
        if typed.len() > MAX_LINES {
            errors.push(FieldError::new(
                "lines",
                FieldErrorCode::TooLong {
                    max: MAX_LINES as u32,
                },
            ));
        }
        let mut lines = Vec::new();
        for (i, l) in typed.into_iter().take(MAX_LINES) {
            let f = |name: &str| format!("lines.{i}.{name}");
            let sku = take(&mut errors, &f("product_sku"), code(&l.product_sku));
            let quantity = take(&mut errors, &f("quantity"), parse_units(&l.quantity));
            let unit_price = if l.unit_price.trim().is_empty() {
                Some(None)
            } else {
                take(
                    &mut errors,
                    &f("unit_price"),
                    Money::parse_yuan(&l.unit_price).and_then(|m| {
                        if m.0 < 0 {
                            Err(FieldErrorCode::Negative)
                        } else {
                            Ok(m)
                        }
                    }),
                )
                .map(Some)
            };
            let reason = take(
                &mut errors,
                &f("approval_reason"),
                optional_text(&l.approval_reason, MAX_APPROVAL_REASON),
            );
            if let (Some(product_sku), Some(quantity), Some(unit_price), Some(approval_reason)) =
                (sku, quantity, unit_price, reason)
            {
                lines.push(LineFields {
                    index: i,
                    product_sku,
                    quantity,
                    unit_price,
                    approval_reason,
                });
            }
        }
        match (customer_code, order_date) {
            (Some(customer_code), Some(order_date)) if errors.is_empty() => Ok(OrderFields {
                customer_code,
                order_date,
                lines,
            }),
            _ => Err(errors),
        }
    }
}

/// A whole number of units, one or more (an order takes no returns: those are their
/// own document).
pub fn parse_units(raw: &str) -> Result<i64, FieldErrorCode> {
    let q = crate::domain::sales::parse_quantity(raw)?;
    if q < 0 {
        return Err(FieldErrorCode::Negative);
    }
    Ok(q)
}

/// Where a line's price comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PriceSource {
    /// The entry the price lists resolved.
    List(PriceScope),
    /// Set on the order by an owner or a manager.
    Manual,
}

impl PriceSource {
    /// The stored form: `base`, `A`, `B`, `C`, `customer` or `manual`.
    pub fn as_str(self) -> &'static str {
        match self {
            PriceSource::List(PriceScope::Base) => "base",
            PriceSource::List(PriceScope::Tier(c)) => c.as_str(),
            PriceSource::List(PriceScope::Customer(_)) => "customer",
            PriceSource::Manual => "manual",
        }
    }
}

/// A line priced: unit price, amount, where the price came from, and the reason a price
/// under the floor was approved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedLine {
    pub unit_price: Money,
    pub amount: Money,
    pub source: PriceSource,
    pub approval_reason: Option<String>,
}

/// Prices a line: the price typed (only by someone who may set prices; under the floor
/// only with a reason) or else the customer's price from the lists (`resolved`; entries
/// under the floor were approved when they were saved). The problem names the field:
/// `unit_price` or `product_sku` (no price for this customer on this day), or
/// `quantity` when the amount would not fit.
pub fn price_line(
    line: &LineFields,
    resolved: Option<ResolvedPrice>,
    floor: Option<Money>,
    may_set_price: bool,
) -> Result<PricedLine, (&'static str, FieldErrorCode)> {
    let (unit_price, source, approval_reason) = match line.unit_price {
        Some(_) if !may_set_price => return Err(("unit_price", FieldErrorCode::PriceNotEditable)),
        Some(p) => {
            let under = floor.is_some_and(|f| p < f);
            if !price_allowed(p, floor, line.approval_reason.is_some()) {
                return Err(("unit_price", FieldErrorCode::BelowFloor));
            }
            let reason = if under {
                line.approval_reason.clone()
            } else {
                None
            };
            (p, PriceSource::Manual, reason)
        }
        None => match resolved {
            Some(r) => (r.price, PriceSource::List(r.scope), None),
            None => return Err(("product_sku", FieldErrorCode::NoPrice)),
        },
    };
    let amount = unit_price
        .0
        .checked_mul(line.quantity)
        .filter(|a| *a <= MAX_LINE_AMOUNT)
        .ok_or(("quantity", FieldErrorCode::TooLarge))?;
    Ok(PricedLine {
        unit_price,
        amount: Money(amount),
        source,
        approval_reason,
    })
}

/// Largest amount of one line: ten billion yuan, in fen (an order's total of 200 such
/// lines still fits an `i64` many times over).
pub const MAX_LINE_AMOUNT: i64 = 1_000_000_000_000;

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

    fn typed(lines: Vec<(&str, &str, &str, &str)>) -> OrderInput {
        OrderInput {
            customer_code: "EP001".into(),
            order_date: "2026-03-01".into(),
            lines: lines
                .into_iter()
                .map(|(sku, q, price, why)| OrderLineInput {
                    product_sku: sku.into(),
                    quantity: q.into(),
                    unit_price: price.into(),
                    approval_reason: why.into(),
                })
                .collect(),
            client_id: String::new(),
        }
    }

    fn fields_of(r: Result<OrderFields, Vec<FieldError>>) -> Vec<(String, FieldErrorCode)> {
        r.err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn an_order_needs_whole_positive_quantities_and_names_the_line_the_user_sees() {
        let ok = OrderFields::parse(&typed(vec![
            ("", "", "", ""),
            ("BJ-500", "12", "", ""),
            ("PJ-330", "3.0", "55.5", "清库存"),
        ]))
        .unwrap();
        assert_eq!(ok.lines.len(), 2, "the blank line is no line");
        assert_eq!((ok.lines[0].index, ok.lines[0].quantity), (1, 12));
        assert_eq!(ok.lines[1].unit_price, Some(Money(5_550)));
        assert_eq!(ok.lines[1].approval_reason.as_deref(), Some("清库存"));
        let cases = [
            ("0", FieldErrorCode::Zero),
            ("-1", FieldErrorCode::Negative),
            ("1.5", FieldErrorCode::NotWhole),
            ("十", FieldErrorCode::InvalidNumber),
            ("", FieldErrorCode::Required),
        ];
        for (q, code) in cases {
            assert_eq!(
                fields_of(OrderFields::parse(&typed(vec![
                    ("", "", "", ""),
                    ("BJ-500", q, "", "")
                ]))),
                vec![("lines.1.quantity".to_owned(), code)],
                "{q}"
            );
        }
        assert_eq!(
            fields_of(OrderFields::parse(&typed(vec![("", "", "", "")]))),
            vec![("lines.0.product_sku".to_owned(), FieldErrorCode::Required)]
        );
        assert_eq!(
            fields_of(OrderFields::parse(&typed(vec![("BJ-500", "1", "-3", "")]))),
            vec![("lines.0.unit_price".to_owned(), FieldErrorCode::Negative)]
        );
        let many = typed(vec![("BJ-500", "1", "", ""); MAX_LINES + 1]);
        assert_eq!(
            fields_of(OrderFields::parse(&many)),
            vec![(
                "lines".to_owned(),
                FieldErrorCode::TooLong {
                    max: MAX_LINES as u32
                }
            )]
        );
    }

    fn line(quantity: i64, price: Option<i64>, reason: Option<&str>) -> LineFields {
        LineFields {
            index: 0,
            product_sku: "BJ-500".into(),
            quantity,
            unit_price: price.map(Money),
            approval_reason: reason.map(str::to_owned),
        }
    }

    fn listed(price: i64) -> Option<ResolvedPrice> {
        Some(ResolvedPrice {
            price: Money(price),
            scope: PriceScope::Tier(crate::domain::segmentation::Class::A),
            from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        })
    }

    #[test]
    fn a_line_takes_the_list_price_unless_a_manager_types_one() {
        let floor = Some(Money(8_000));
        let p = price_line(&line(3, None, None), listed(8_800), floor, false).unwrap();
        assert_eq!((p.unit_price, p.amount), (Money(8_800), Money(26_400)));
        assert_eq!(p.source.as_str(), "A");
        assert_eq!(
            price_line(&line(3, None, None), None, floor, true),
            Err(("product_sku", FieldErrorCode::NoPrice))
        );
        assert_eq!(
            price_line(&line(3, Some(9_000), None), listed(8_800), floor, false),
            Err(("unit_price", FieldErrorCode::PriceNotEditable))
        );
        let m = price_line(
            &line(3, Some(9_000), Some("整箱")),
            listed(8_800),
            floor,
            true,
        )
        .unwrap();
        assert_eq!(
            (m.source, m.approval_reason),
            (PriceSource::Manual, None),
            "no reason kept above the floor"
        );
        assert_eq!(
            price_line(&line(3, Some(7_000), None), listed(8_800), floor, true),
            Err(("unit_price", FieldErrorCode::BelowFloor))
        );
        let under = price_line(&line(1, Some(7_000), Some("清库存")), None, floor, true).unwrap();
        assert_eq!(under.approval_reason.as_deref(), Some("清库存"));
        assert_eq!(
            price_line(&line(i64::MAX / 2, None, None), listed(8_800), floor, false),
            Err(("quantity", FieldErrorCode::TooLarge))
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

        /// A priced line is never under the product's floor without a recorded reason
        /// unless the lists gave that price (entries under the floor are approved when
        /// saved), never typed by someone who may not set prices, and its amount is the
        /// quantity times the price.
        #[test]
        fn a_priced_line_is_under_the_floor_only_with_a_reason(
            quantity in 1i64..10_000,
            typed in prop::option::of(0i64..100_000),
            reason in prop::option::of(Just("特批")),
            list in prop::option::of(0i64..100_000),
            floor in prop::option::of(0i64..100_000),
            may_set in any::<bool>(),
        ) {
            let l = line(quantity, typed, reason);
            if let Ok(p) = price_line(&l, list.and_then(listed), floor.map(Money), may_set) {
                prop_assert_eq!(p.amount.0, p.unit_price.0 * quantity);
                if p.source == PriceSource::Manual {
                    prop_assert!(may_set);
                    if floor.is_some_and(|f| p.unit_price.0 < f) {
                        prop_assert!(p.approval_reason.is_some());
                    }
                } else {
                    prop_assert_eq!(Some(p.unit_price.0), list);
                    prop_assert!(typed.is_none());
                }
            }
        }

        #[test]
        fn numbers_read_back(year in 2000i32..2100, seq in 1u32..10_000_000) {
            let n = OrderNumber { year, seq };
            prop_assert_eq!(n.to_string().parse::<OrderNumber>(), Ok(n));
        }
    }
}
