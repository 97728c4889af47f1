//! Channel discipline (Pillar 4, "A is held to territory and price"): territories, price
//! floors and violation records.
//!
//! - A **territory** is a district, or one township of a district, a customer may sell
//!   into. A district entry covers all its townships.
//! - A sales line is **below the floor** when its unit price (amount ÷ quantity) is under
//!   the product's price floor — compared as `amount < floor × quantity`, in fen.
//! - A **violation** (窜货 cross-region selling, 倾销 dumping, below-floor price) moves
//!   `reported → confirmed → penalised`, or `reported | confirmed → dismissed`; a penalty
//!   is recorded only when penalising. Signals found automatically are listed for review,
//!   never punished on their own.
//!
//! ```
//! use qudao::domain::discipline::{Territory, covers, below_floor};
//! let t = [Territory { district: "城关区".into(), township: None }];
//! assert!(covers(&t, "城关区", Some("东街")));
//! assert!(!covers(&t, "七里河区", None));
//! assert!(below_floor(1_000, 2, 600)); // 5.00 a unit under a 6.00 floor
//! ```
use crate::domain::money::Money;
use crate::domain::validation::{FieldError, FieldErrorCode, optional_text, take};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One region a customer may sell into.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Territory {
    pub district: String,
    /// `None`: the whole district.
    pub township: Option<String>,
}

impl Territory {
    /// A territory as typed; the district is required.
    pub fn parse(district: &str, township: &str) -> Result<Territory, Vec<FieldError>> {
        let mut errors = Vec::new();
        let d = match optional_text(district, 40) {
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                errors.push(FieldError::new("district", FieldErrorCode::Required));
                None
            }
            Err(c) => {
                errors.push(FieldError::new("district", c));
                None
            }
        };
        let t = take(&mut errors, "township", optional_text(township, 40));
        match (d, t) {
            (Some(district), Some(township)) if errors.is_empty() => {
                Ok(Territory { district, township })
            }
            _ => Err(errors),
        }
    }
}

/// Whether a place (district, township) lies in one of `territories`. A customer with no
/// territories recorded has no limits to break: callers check that first.
pub fn covers(territories: &[Territory], district: &str, township: Option<&str>) -> bool {
    territories.iter().any(|t| {
        t.district == district
            && match (&t.township, township) {
                (None, _) => true,
                (Some(tt), Some(p)) => tt == p,
                (Some(_), None) => false,
            }
    })
}

/// A sale of `quantity` units for `amount` fen is under a floor of `floor` fen a unit.
/// Returns (negative quantities) are never below the floor.
pub fn below_floor(amount: i64, quantity: i64, floor: i64) -> bool {
    quantity > 0 && i128::from(amount) < i128::from(floor) * i128::from(quantity)
}

/// What was broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ViolationKind {
    /// 窜货
    CrossRegion,
    /// 倾销
    Dumping,
    /// 低于限价
    BelowFloor,
}

impl ViolationKind {
    pub const ALL: [ViolationKind; 3] = [
        ViolationKind::CrossRegion,
        ViolationKind::Dumping,
        ViolationKind::BelowFloor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ViolationKind::CrossRegion => "cross_region",
            ViolationKind::Dumping => "dumping",
            ViolationKind::BelowFloor => "below_floor",
        }
    }

    pub fn parse(raw: &str) -> Result<ViolationKind, FieldErrorCode> {
        ViolationKind::ALL
            .into_iter()
            .find(|k| k.as_str() == raw.trim())
            .ok_or(FieldErrorCode::InvalidChoice)
    }
}

/// Where a violation record stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ViolationStatus {
    Reported,
    Confirmed,
    Penalised,
    Dismissed,
}

impl ViolationStatus {
    pub const ALL: [ViolationStatus; 4] = [
        ViolationStatus::Reported,
        ViolationStatus::Confirmed,
        ViolationStatus::Penalised,
        ViolationStatus::Dismissed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ViolationStatus::Reported => "reported",
            ViolationStatus::Confirmed => "confirmed",
            ViolationStatus::Penalised => "penalised",
            ViolationStatus::Dismissed => "dismissed",
        }
    }

    pub fn parse(raw: &str) -> Result<ViolationStatus, FieldErrorCode> {
        ViolationStatus::ALL
            .into_iter()
            .find(|k| k.as_str() == raw.trim())
            .ok_or(FieldErrorCode::InvalidChoice)
    }

    /// Still to be dealt with.
    pub fn is_open(self) -> bool {
        matches!(self, ViolationStatus::Reported | ViolationStatus::Confirmed)
    }

    /// The statuses a record may move to from this one.
    pub fn next(self) -> &'static [ViolationStatus] {
        match self {
            ViolationStatus::Reported => &[ViolationStatus::Confirmed, ViolationStatus::Dismissed],
            ViolationStatus::Confirmed => &[ViolationStatus::Penalised, ViolationStatus::Dismissed],
            ViolationStatus::Penalised | ViolationStatus::Dismissed => &[],
        }
    }
}

/// A violation as reported.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct ViolationInput {
    /// The customer's code.
    pub customer: String,
    pub kind: String,
    /// `YYYY-MM-DD`
    pub occurred_on: String,
    /// Product SKU, optional.
    pub product: String,
    /// Where it happened (e.g. the district it was sold into).
    pub place: String,
    pub description: String,
}

/// A checked report (the customer and product still to be found by code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViolationReport {
    pub customer_code: String,
    pub kind: ViolationKind,
    pub occurred_on: NaiveDate,
    pub product_sku: Option<String>,
    pub place: Option<String>,
    pub description: String,
}

impl ViolationReport {
    /// Checks a report; `today` bounds the date (a violation has happened already).
    pub fn parse(input: &ViolationInput, today: NaiveDate) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let code = match crate::domain::sales::code(&input.customer) {
            Ok(c) => Some(c),
            Err(c) => {
                errors.push(FieldError::new("customer", c));
                None
            }
        };
        let kind = take(&mut errors, "kind", ViolationKind::parse(&input.kind));
        let date = match crate::domain::sales::parse_order_date(&input.occurred_on) {
            Ok(d) if d > today => {
                errors.push(FieldError::new("occurred_on", FieldErrorCode::InFuture));
                None
            }
            Ok(d) => Some(d),
            Err(c) => {
                errors.push(FieldError::new(
                    "occurred_on",
                    if input.occurred_on.trim().is_empty() {
                        FieldErrorCode::Required
                    } else {
                        c
                    },
                ));
                None
            }
        };
        let product = if input.product.trim().is_empty() {
            Some(None)
        } else {
            let product = crate::domain::sales::code(&input.product).map(Some);
            take(&mut errors, "product", product)
        };
        let place = take(&mut errors, "place", optional_text(&input.place, 80));
        let description = match optional_text(&input.description, 1000) {
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                errors.push(FieldError::new("description", FieldErrorCode::Required));
                None
            }
            Err(c) => {
                errors.push(FieldError::new("description", c));
                None
            }
        };
        match (code, kind, date, product, place, description) {
            (Some(c), Some(k), Some(d), Some(p), Some(pl), Some(desc)) if errors.is_empty() => {
                Ok(ViolationReport {
                    customer_code: c,
                    kind: k,
                    occurred_on: d,
                    product_sku: p,
                    place: pl,
                    description: desc,
                })
            }
            _ => Err(errors),
        }
    }
}

/// A decision on a record: its new status, the penalty (when penalising) and a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub status: ViolationStatus,
    pub penalty: Option<Money>,
    pub note: Option<String>,
}

/// Checks a status change: only the next steps of `current`; a penalty (≥ 0, required)
/// only when penalising.
pub fn decide(
    current: ViolationStatus,
    status: &str,
    penalty: &str,
    note: &str,
) -> Result<Decision, Vec<FieldError>> {
    let mut errors = Vec::new();
    let requested = take(&mut errors, "status", ViolationStatus::parse(status));
    let next = match requested {
        Some(s) if current.next().contains(&s) => Some(s),
        Some(_) => {
            errors.push(FieldError::new("status", FieldErrorCode::InvalidTransition));
            None
        }
        None => None,
    };
    // the penalty is judged against the status asked for, allowed or not
    let penalty = match (requested, penalty.trim().is_empty()) {
        (Some(ViolationStatus::Penalised), true) => {
            errors.push(FieldError::new("penalty", FieldErrorCode::Required));
            None
        }
        (Some(ViolationStatus::Penalised), false) => match Money::parse_yuan(penalty) {
            Ok(m) if m.0 < 0 => {
                errors.push(FieldError::new("penalty", FieldErrorCode::Negative));
                None
            }
            Ok(m) => Some(Some(m)),
            Err(c) => {
                errors.push(FieldError::new("penalty", c));
                None
            }
        },
        (_, true) => Some(None),
        (_, false) => {
            errors.push(FieldError::new(
                "penalty",
                FieldErrorCode::OnlyWhenPenalised,
            ));
            None
        }
    };
    let note = take(&mut errors, "note", optional_text(note, 500));
    match (next, penalty, note) {
        (Some(status), Some(penalty), Some(note)) if errors.is_empty() => Ok(Decision {
            status,
            penalty,
            note,
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    fn t(d: &str, t: Option<&str>) -> Territory {
        Territory {
            district: d.into(),
            township: t.map(Into::into),
        }
    }

    #[test]
    fn territories_cover_whole_districts_or_single_townships() {
        let ts = [t("城关区", None), t("七里河区", Some("西站"))];
        assert!(covers(&ts, "城关区", None));
        assert!(covers(&ts, "城关区", Some("任意")));
        assert!(covers(&ts, "七里河区", Some("西站")));
        assert!(!covers(&ts, "七里河区", Some("敦煌路")));
        assert!(!covers(&ts, "七里河区", None));
        assert!(!covers(&[], "城关区", None));
        assert_eq!(
            Territory::parse(" ", "x").unwrap_err()[0].code,
            FieldErrorCode::Required
        );
        assert_eq!(Territory::parse("城关区", " ").unwrap(), t("城关区", None));
    }

    #[test]
    fn below_floor_compares_whole_fen() {
        assert!(below_floor(1_199, 2, 600));
        assert!(!below_floor(1_200, 2, 600));
        assert!(!below_floor(-500, -2, 600));
        assert!(below_floor(0, 1, 1));
    }

    #[test]
    fn a_record_moves_only_forward_and_is_penalised_with_an_amount() {
        use ViolationStatus::*;
        let ok = decide(Reported, "confirmed", "", "已核实").unwrap();
        assert_eq!(ok.status, Confirmed);
        assert_eq!(ok.note.as_deref(), Some("已核实"));
        let p = decide(Confirmed, "penalised", "500", "").unwrap();
        assert_eq!(p.penalty, Some(Money(50_000)));
        let e = decide(Reported, "penalised", "100", "").unwrap_err();
        assert_eq!(
            e.iter().map(|e| e.code).collect::<Vec<_>>(),
            [FieldErrorCode::InvalidTransition]
        );
        assert_eq!(
            decide(Confirmed, "penalised", "", "").unwrap_err()[0].code,
            FieldErrorCode::Required
        );
        assert_eq!(
            decide(Confirmed, "penalised", "-3", "").unwrap_err()[0].code,
            FieldErrorCode::Negative
        );
        assert_eq!(
            decide(Reported, "dismissed", "100", "").unwrap_err()[0].code,
            FieldErrorCode::OnlyWhenPenalised
        );
        assert!(decide(Dismissed, "reported", "", "").is_err());
        assert!(Reported.is_open() && Confirmed.is_open() && !Penalised.is_open());
    }

    #[test]
    fn a_report_needs_a_customer_kind_past_date_and_description() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let good = ViolationInput {
            customer: "K001".into(),
            kind: "cross_region".into(),
            occurred_on: "2026-11-20".into(),
            product: String::new(),
            place: "七里河区".into(),
            description: "在七里河区低价出货".into(),
        };
        let r = ViolationReport::parse(&good, today).unwrap();
        assert_eq!(r.kind, ViolationKind::CrossRegion);
        assert_eq!(r.product_sku, None);
        let bad = ViolationInput {
            customer: " ".into(),
            kind: "theft".into(),
            occurred_on: "2026-12-01".into(),
            description: String::new(),
            ..good
        };
        let got: Vec<_> = ViolationReport::parse(&bad, today)
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect();
        assert_eq!(
            got,
            vec![
                ("customer".to_owned(), FieldErrorCode::Required),
                ("kind".to_owned(), FieldErrorCode::InvalidChoice),
                ("occurred_on".to_owned(), FieldErrorCode::InFuture),
                ("description".to_owned(), FieldErrorCode::Required),
            ]
        );
    }

    proptest! {
        #[test]
        fn below_floor_depends_on_the_unit_price_only(amount in 0i64..10_000_000, q in 1i64..1_000, floor in 0i64..100_000, k in 1i64..50, more in 0i64..1_000) {
            // the same unit price in a bigger line is judged the same
            prop_assert_eq!(below_floor(amount * k, q * k, floor), below_floor(amount, q, floor));
            // a higher floor never clears a line
            if below_floor(amount, q, floor) { prop_assert!(below_floor(amount, q, floor + more)); }
        }

        #[test]
        fn closed_records_never_move(s in 0usize..4, to in 0usize..4) {
            let from = ViolationStatus::ALL[s];
            let target = ViolationStatus::ALL[to];
            let r = decide(from, target.as_str(), if target == ViolationStatus::Penalised { "1" } else { "" }, "");
            prop_assert_eq!(r.is_ok(), from.next().contains(&target));
            if !from.is_open() { prop_assert!(r.is_err()); }
        }
    }
}
