//! The customer's price on a date (order to cash): one rule for the office's order form,
//! the tablet (offline, from its bundle) and the invoice.
//!
//! A product is priced by **price entries**, each for one product, at one of three
//! scopes, taking effect on a day and, if it says so, ending on a day (both included):
//!
//! - the **base** list, for every customer;
//! - a **tier** list (A, B or C), for the customers of that tier;
//! - a customer's **agreed price** (协议价), for that customer alone.
//!
//! On a date the most particular scope with an entry in effect wins — agreed, then the
//! customer's tier, then base — and within a scope the entry in effect that took effect
//! last: a newer list replaces an older one from its first day, and where the newer one
//! ends (a promotion's price, say) the older one, still in effect, applies again. Two
//! entries of one scope and product should never take effect on the same day (the
//! schema refuses it); if they do, the lower price applies. A promotion for every
//! customer is an entry on each list (base, A, B, C), so no tier pays more than another. A customer not classified yet has no tier
//! list. No entry in effect: the product has no price for that customer on that date,
//! and an order line cannot take it.
//!
//! ```
//! use chrono::NaiveDate;
//! use qudao::domain::money::Money;
//! use qudao::domain::pricing::{PriceEntry, PriceScope, price_on};
//! use qudao::domain::segmentation::Class;
//! use uuid::Uuid;
//! let (beer, shop) = (Uuid::from_u128(1), Uuid::from_u128(2));
//! let day = |d| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
//! let entries = [
//!     PriceEntry { scope: PriceScope::Base, product: beer, from: day("2026-01-01"), until: None, price: Money(6_000) },
//!     PriceEntry { scope: PriceScope::Tier(Class::A), product: beer, from: day("2026-03-01"), until: None, price: Money(5_600) },
//! ];
//! // an A customer pays the A list from March, the base price before
//! assert_eq!(price_on(&entries, beer, shop, Some(Class::A), day("2026-02-28")).unwrap().price, Money(6_000));
//! assert_eq!(price_on(&entries, beer, shop, Some(Class::A), day("2026-03-01")).unwrap().price, Money(5_600));
//! // a B customer keeps the base price
//! assert_eq!(price_on(&entries, beer, shop, Some(Class::B), day("2026-03-01")).unwrap().price, Money(6_000));
//! ```
//!
//! **Floor.** A price under the product's floor (最低限价) is refused unless a manager
//! approved it (the approval is recorded with the order line and feeds channel
//! discipline).
use crate::domain::money::Money;
use crate::domain::segmentation::Class;
use crate::domain::validation::{FieldError, FieldErrorCode, optional_text, take};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Whom a price entry is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PriceScope {
    /// Every customer.
    Base,
    /// The customers of one tier.
    Tier(Class),
    /// One customer's agreed price.
    Customer(Uuid),
}

impl PriceScope {
    /// How particular the scope is for `customer` of `tier`: higher wins; `None` when the
    /// entry is not for this customer at all.
    fn rank_for(self, customer: Uuid, tier: Option<Class>) -> Option<u8> {
        match self {
            PriceScope::Base => Some(0),
            PriceScope::Tier(t) if Some(t) == tier => Some(1),
            PriceScope::Customer(c) if c == customer => Some(2),
            PriceScope::Tier(_) | PriceScope::Customer(_) => None,
        }
    }
}

/// One price of one product at one scope, in effect from `from` to `until` (included;
/// `None`: until replaced).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceEntry {
    pub scope: PriceScope,
    pub product: Uuid,
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
    /// Per unit of the product, fen.
    pub price: Money,
}

impl PriceEntry {
    fn in_effect(&self, day: NaiveDate) -> bool {
        self.from <= day && self.until.is_none_or(|u| day <= u)
    }
}

/// A resolved price and the entry it came from (shown beside the price on the order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolvedPrice {
    pub price: Money,
    pub scope: PriceScope,
    pub from: NaiveDate,
}

/// The price of `product` for `customer` (of `tier`, `None` if not classified) on `day`:
/// the most particular scope with an entry in effect, within it the entry that took
/// effect last (the lower price if two did on one day); `None` when no entry is in effect.
pub fn price_on(
    entries: &[PriceEntry],
    product: Uuid,
    customer: Uuid,
    tier: Option<Class>,
    day: NaiveDate,
) -> Option<ResolvedPrice> {
    entries
        .iter()
        .filter(|e| e.product == product && e.in_effect(day))
        .filter_map(|e| e.scope.rank_for(customer, tier).map(|rank| (rank, e)))
        .max_by_key(|(rank, e)| (*rank, e.from, std::cmp::Reverse(e.price)))
        .map(|(_, e)| ResolvedPrice {
            price: e.price,
            scope: e.scope,
            from: e.from,
        })
}

/// Whether a unit price may go on an order line: at or above the product's floor, or
/// under it with a manager's approval. `floor` `None`: the product has no floor.
pub fn price_allowed(price: Money, floor: Option<Money>, approved: bool) -> bool {
    approved || floor.is_none_or(|f| price >= f)
}

/// Longest reason for a price under the floor.
pub const MAX_APPROVAL_REASON: u32 = 200;

/// A price entry as the price list form types it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceInput {
    pub product_sku: String,
    /// `base`, `A`, `B`, `C` or `customer`.
    pub scope: String,
    /// For `customer`: whose agreed price.
    #[serde(default)]
    pub customer_code: String,
    pub valid_from: String,
    /// Empty: until a newer entry replaces it.
    #[serde(default)]
    pub valid_until: String,
    /// Yuan per unit of the product.
    pub price: String,
    /// Why a price under the product's floor is allowed (the manager saving it approves
    /// it); empty for a price at or above the floor.
    #[serde(default)]
    pub approval_reason: String,
}

/// The scope a form names, before the customer code is looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeChoice {
    Base,
    Tier(Class),
    Customer,
}

impl ScopeChoice {
    /// `base`, `A`/`B`/`C` or `customer`.
    pub fn parse(raw: &str) -> Result<ScopeChoice, FieldErrorCode> {
        match raw.trim() {
            "base" => Ok(ScopeChoice::Base),
            "customer" => Ok(ScopeChoice::Customer),
            t => Class::parse(t).map(ScopeChoice::Tier),
        }
    }

    /// The stored form: `base`, `A`, `B`, `C` or `customer`.
    pub fn as_str(self) -> &'static str {
        match self {
            ScopeChoice::Base => "base",
            ScopeChoice::Tier(c) => c.as_str(),
            ScopeChoice::Customer => "customer",
        }
    }
}

/// A price entry whose fields passed their rules; the product and customer are still
/// codes, for the server to find within the company (and the user's customers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceFields {
    pub product_sku: String,
    pub scope: ScopeChoice,
    pub customer_code: Option<String>,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub price: Money,
    pub approval_reason: Option<String>,
}

impl PriceFields {
    /// A product code; a scope; a customer code exactly for an agreed price; a first day
    /// (2000–2099) and an optional last day not before it; a price of zero or more with
    /// at most two decimals; a reason of at most 200 characters. Every problem is named.
    pub fn parse(input: &PriceInput) -> Result<PriceFields, Vec<FieldError>> {
        use crate::domain::sales::{code, parse_order_date};
        let mut errors = Vec::new();
        let product_sku = take(&mut errors, "product_sku", code(&input.product_sku));
        let scope = take(&mut errors, "scope", ScopeChoice::parse(&input.scope));
        let customer_code = match scope {
            Some(ScopeChoice::Customer) => {
                take(&mut errors, "customer_code", code(&input.customer_code)).map(Some)
            }
            _ => Some(None),
        };
        let valid_from = take(
            &mut errors,
            "valid_from",
            parse_order_date(&input.valid_from),
        );
        let valid_until = if input.valid_until.trim().is_empty() {
            Some(None)
        } else {
            take(
                &mut errors,
                "valid_until",
                parse_order_date(&input.valid_until),
            )
            .map(Some)
        };
        if let (Some(from), Some(Some(until))) = (valid_from, valid_until)
            && until < from
        {
            errors.push(FieldError::new(
                "valid_until",
                FieldErrorCode::EndBeforeStart,
            ));
        }
        let price = take(
            &mut errors,
            "price",
            Money::parse_yuan(&input.price).and_then(|m| {
                if m.0 < 0 {
                    Err(FieldErrorCode::Negative)
                } else {
                    Ok(m)
                }
            }),
        );
        let approval_reason = take(
            &mut errors,
            "approval_reason",
            optional_text(&input.approval_reason, MAX_APPROVAL_REASON),
        );
        match (
            (product_sku, scope, customer_code),
            (valid_from, valid_until, price, approval_reason),
        ) {
            (
                (Some(product_sku), Some(scope), Some(customer_code)),
                (Some(valid_from), Some(valid_until), Some(price), Some(approval_reason)),
            ) if errors.is_empty() => Ok(PriceFields {
                product_sku,
                scope,
                customer_code,
                valid_from,
                valid_until,
                price,
                approval_reason,
            }),
            _ => Err(errors),
        }
    }

    /// The approval this entry needs and has: under the floor it must give a reason
    /// (`price` names the problem otherwise); at or above it, a reason is not kept.
    pub fn check_floor(&mut self, floor: Option<Money>) -> Result<(), FieldError> {
        let under = floor.is_some_and(|f| self.price < f);
        if !under {
            self.approval_reason = None;
            return Ok(());
        }
        if price_allowed(self.price, floor, self.approval_reason.is_some()) {
            Ok(())
        } else {
            Err(FieldError::new("price", FieldErrorCode::BelowFloor))
        }
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    const BEER: Uuid = Uuid::from_u128(1);
    const WATER: Uuid = Uuid::from_u128(2);
    const SHOP: Uuid = Uuid::from_u128(10);
    const OTHER: Uuid = Uuid::from_u128(11);

    fn entry(scope: PriceScope, from: &str, until: Option<&str>, fen: i64) -> PriceEntry {
        PriceEntry {
            scope,
            product: BEER,
            from: day(from),
            until: until.map(day),
            price: Money(fen),
        }
    }

    #[test]
    fn the_most_particular_price_in_effect_wins() {
        let entries = [
            entry(PriceScope::Base, "2026-01-01", None, 6_000),
            entry(PriceScope::Base, "2026-07-01", None, 6_200),
            // a base promotion for August only, then the July list again
            entry(PriceScope::Base, "2026-08-01", Some("2026-08-31"), 5_900),
            entry(PriceScope::Tier(Class::A), "2026-03-01", None, 5_600),
            entry(
                PriceScope::Customer(SHOP),
                "2026-04-01",
                Some("2026-04-30"),
                5_000,
            ),
            entry(PriceScope::Customer(OTHER), "2026-01-01", None, 4_000),
            PriceEntry {
                product: WATER,
                ..entry(PriceScope::Base, "2025-01-01", None, 100)
            },
        ];
        let at = |tier, d| price_on(&entries, BEER, SHOP, tier, day(d)).map(|r| r.price.0);
        for (tier, d, want) in [
            (Some(Class::A), "2025-12-31", None), // nothing in effect yet
            (Some(Class::A), "2026-01-01", Some(6_000)), // base from its first day
            (Some(Class::A), "2026-03-01", Some(5_600)), // the A list from its first day
            (Some(Class::A), "2026-04-01", Some(5_000)), // the agreed price
            (Some(Class::A), "2026-04-30", Some(5_000)), // to its last day included
            (Some(Class::A), "2026-05-01", Some(5_600)), // then the A list again
            (Some(Class::B), "2026-05-01", Some(6_000)), // not A: base
            (None, "2026-05-01", Some(6_000)),    // not classified: base
            (Some(Class::B), "2026-07-01", Some(6_200)), // a newer base list
            (Some(Class::A), "2026-07-01", Some(5_600)), // a tier list still beats a newer base
            (Some(Class::B), "2026-08-31", Some(5_900)), // the promotion to its last day
            (Some(Class::B), "2026-09-01", Some(6_200)), // then the July list again
        ] {
            assert_eq!(at(tier, d), want, "{tier:?} {d}");
        }
        let r = price_on(&entries, BEER, SHOP, Some(Class::A), day("2026-04-02")).unwrap();
        assert_eq!(
            (r.scope, r.from),
            (PriceScope::Customer(SHOP), day("2026-04-01"))
        );
        // another customer's agreed price is never this customer's
        assert_eq!(at(Some(Class::C), "2026-02-01"), Some(6_000));
        assert_eq!(
            price_on(&entries, WATER, SHOP, None, day("2026-02-01")).map(|r| r.price),
            Some(Money(100))
        );
    }

    #[test]
    fn a_price_under_the_floor_needs_an_approval() {
        assert!(price_allowed(Money(500), Some(Money(500)), false));
        assert!(!price_allowed(Money(499), Some(Money(500)), false));
        assert!(price_allowed(Money(499), Some(Money(500)), true));
        assert!(price_allowed(Money(0), None, false));
    }

    fn scope() -> impl Strategy<Value = PriceScope> {
        prop_oneof![
            Just(PriceScope::Base),
            prop_oneof![Just(Class::A), Just(Class::B), Just(Class::C)].prop_map(PriceScope::Tier),
            prop_oneof![Just(SHOP), Just(OTHER)].prop_map(PriceScope::Customer),
        ]
    }

    proptest! {
        /// The price found is an entry in effect for this customer, and no entry in effect
        /// for them is more particular, or as particular and newer; nothing is found only
        /// when no entry applies.
        #[test]
        fn the_price_found_is_the_best_entry_in_effect(
            raw in prop::collection::vec((scope(), 0i64..60, prop::option::of(0i64..30), 1i64..10_000), 0..12),
            on in 0i64..90,
            tier in prop::option::of(prop_oneof![Just(Class::A), Just(Class::B), Just(Class::C)]),
        ) {
            let base = day("2026-01-01");
            let entries: Vec<PriceEntry> = raw
                .iter()
                .map(|(scope, from, len, fen)| PriceEntry {
                    scope: *scope,
                    product: BEER,
                    from: base + chrono::Days::new(*from as u64),
                    until: len.map(|l| base + chrono::Days::new((*from + l) as u64)),
                    price: Money(*fen),
                })
                .collect();
            let d = base + chrono::Days::new(on as u64);
            let applies: Vec<(u8, &PriceEntry)> = entries
                .iter()
                .filter(|e| e.in_effect(d))
                .filter_map(|e| e.scope.rank_for(SHOP, tier).map(|r| (r, e)))
                .collect();
            match price_on(&entries, BEER, SHOP, tier, d) {
                None => prop_assert!(applies.is_empty()),
                Some(found) => {
                    let rank = found.scope.rank_for(SHOP, tier);
                    prop_assert!(rank.is_some());
                    prop_assert!(applies.iter().any(|(_, e)| e.price == found.price && e.from == found.from && e.scope == found.scope));
                    for (r, e) in &applies {
                        prop_assert!((Some(*r), e.from) <= (rank, found.from));
                        if (Some(*r), e.from) == (rank, found.from) {
                            prop_assert!(found.price <= e.price);
                        }
                    }
                }
            }
        }

        /// Whatever is typed, an entry that passes the floor check is at or above the
        /// floor, or carries the reason of its approval; a reason is kept only where one
        /// is needed.
        #[test]
        fn no_price_under_the_floor_passes_without_an_approval(
            price in 0i64..20_000,
            floor in prop::option::of(0i64..20_000),
            reason in prop::option::of("[a-z促销清仓]{1,8}"),
        ) {
            let mut f = PriceFields::parse(&PriceInput {
                product_sku: "PJ-330".into(),
                scope: "A".into(),
                valid_from: "2026-03-01".into(),
                price: Money(price).to_yuan_string(),
                approval_reason: reason.clone().unwrap_or_default(),
                ..Default::default()
            })
            .unwrap();
            let under = floor.is_some_and(|fl| price < fl);
            match f.check_floor(floor.map(Money)) {
                Ok(()) => {
                    prop_assert!(!under || reason.is_some());
                    prop_assert_eq!(f.approval_reason.is_some(), under);
                }
                Err(e) => {
                    prop_assert!(under && reason.is_none());
                    prop_assert_eq!(e, FieldError::new("price", FieldErrorCode::BelowFloor));
                }
            }
        }
    }

    #[test]
    fn a_price_entry_names_every_bad_field() {
        let ok = PriceFields::parse(&PriceInput {
            product_sku: " PJ-330 ".into(),
            scope: "customer".into(),
            customer_code: "EP001".into(),
            valid_from: "2026/3/1".into(),
            valid_until: "2026-03-31".into(),
            price: "¥58.5".into(),
            approval_reason: String::new(),
        })
        .unwrap();
        assert_eq!(
            (
                ok.product_sku.as_str(),
                ok.scope,
                ok.customer_code.as_deref()
            ),
            ("PJ-330", ScopeChoice::Customer, Some("EP001"))
        );
        assert_eq!(
            (ok.valid_from, ok.valid_until, ok.price),
            (day("2026-03-01"), Some(day("2026-03-31")), Money(5_850))
        );
        // a tier list needs no customer, and ignores one typed by mistake
        let tier = PriceFields::parse(&PriceInput {
            product_sku: "PJ-330".into(),
            scope: "b".into(),
            customer_code: "EP001".into(),
            valid_from: "2026-03-01".into(),
            price: "60".into(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(
            (tier.scope, tier.customer_code),
            (ScopeChoice::Tier(Class::B), None)
        );
        let codes = |input: PriceInput| -> Vec<(String, FieldErrorCode)> {
            PriceFields::parse(&input)
                .unwrap_err()
                .into_iter()
                .map(|e| (e.field, e.code))
                .collect()
        };
        assert_eq!(
            codes(PriceInput {
                scope: "customer".into(),
                valid_from: "2026-02-30".into(),
                price: "-1".into(),
                ..Default::default()
            }),
            [
                ("product_sku".into(), FieldErrorCode::Required),
                ("customer_code".into(), FieldErrorCode::Required),
                ("valid_from".into(), FieldErrorCode::InvalidDate),
                ("price".into(), FieldErrorCode::Negative),
            ]
        );
        assert_eq!(
            codes(PriceInput {
                product_sku: "PJ-330".into(),
                scope: "D".into(),
                valid_from: "2026-03-01".into(),
                valid_until: "2026-02-28".into(),
                price: "1.001".into(),
                approval_reason: "很长".repeat(101),
                ..Default::default()
            }),
            [
                ("scope".into(), FieldErrorCode::InvalidChoice),
                ("valid_until".into(), FieldErrorCode::EndBeforeStart),
                ("price".into(), FieldErrorCode::TooManyDecimals),
                (
                    "approval_reason".into(),
                    FieldErrorCode::TooLong { max: 200 }
                ),
            ]
        );
    }
}
