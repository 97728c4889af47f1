//! Sales lines, measures and periods: what the ledger stores and what a classification
//! sums.
//!
//! A sales line is one product on one order: date, customer, product, quantity, amount
//! and cost (yuan, at most two decimals, kept in fen). Gross profit is amount − cost.
//! A return is a negative line: quantity, amount and cost all at or below zero.
//! A period is two calendar dates, both days included.
//!
//! ```
//! use qudao::domain::sales::{Measure, Period, SaleLineInput, SaleLine};
//! let line = SaleLine::parse(&SaleLineInput {
//!     order_date: "2026-01-15".into(), customer_code: "ZD00001".into(),
//!     product_sku: "BJ-500".into(), quantity: "12".into(), amount: "1,200.00".into(),
//!     cost: "960".into(), ..Default::default()
//! }).unwrap();
//! assert_eq!(line.value(Measure::Profit), 24_000); // 240 yuan in fen
//! let q1 = Period::quarter(2026, 1).unwrap();
//! assert!(q1.contains(line.order_date));
//! ```
use crate::domain::money::Money;
use crate::domain::validation::{FieldError, FieldErrorCode, ForField as _, optional_text, take};
use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// What a classification sums over a customer's lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Measure {
    /// Sales amount, fen.
    #[default]
    Sales,
    /// Gross profit (amount − cost), fen.
    Profit,
    /// Units sold.
    Quantity,
}

impl Measure {
    pub const ALL: [Measure; 3] = [Measure::Sales, Measure::Profit, Measure::Quantity];

    /// The wire and command-line form: `sales`, `profit`, `quantity`.
    pub fn as_str(self) -> &'static str {
        match self {
            Measure::Sales => "sales",
            Measure::Profit => "profit",
            Measure::Quantity => "quantity",
        }
    }

    pub fn parse(raw: &str) -> Result<Measure, FieldErrorCode> {
        Measure::ALL
            .into_iter()
            .find(|m| m.as_str() == raw.trim())
            .ok_or(FieldErrorCode::InvalidChoice)
    }

    /// As [`Measure::parse`], empty meaning sales (the default everywhere).
    pub fn parse_or_default(raw: &str) -> Result<Measure, FieldErrorCode> {
        if raw.trim().is_empty() {
            Ok(Measure::Sales)
        } else {
            Measure::parse(raw)
        }
    }

    /// Whether totals of this measure are money (fen) rather than units.
    pub fn is_money(self) -> bool {
        self != Measure::Quantity
    }

    /// This measure's value of a line given as amount, cost (fen) and quantity.
    pub fn of(self, amount: i64, cost: i64, quantity: i64) -> i64 {
        match self {
            Measure::Sales => amount,
            Measure::Profit => amount - cost,
            Measure::Quantity => quantity,
        }
    }

    /// A total for the screen: yuan with thousands grouped, or units grouped.
    pub fn display(self, total: i64) -> String {
        if self.is_money() {
            Money(total).to_display_string()
        } else {
            let t = total.to_string();
            match t.strip_prefix('-') {
                Some(d) => format!("-{}", crate::domain::money::group_thousands(d)),
                None => crate::domain::money::group_thousands(&t),
            }
        }
    }

    /// A total as files and the command line write it: yuan with two decimals, or whole
    /// units.
    pub fn format(self, total: i64) -> String {
        if self.is_money() {
            Money(total).to_yuan_string()
        } else {
            total.to_string()
        }
    }
}

/// The earliest and latest order dates accepted: anything else is a typing or export
/// error (a year 1900 from an empty Excel cell, 2206 for 2026).
pub const FIRST_DAY: (i32, u32, u32) = (2000, 1, 1);
pub const LAST_DAY: (i32, u32, u32) = (2099, 12, 31);

/// Whether `d` is inside the accepted range of order dates.
pub fn sane_date(d: NaiveDate) -> bool {
    let (fy, fm, fd) = FIRST_DAY;
    let (ly, lm, ld) = LAST_DAY;
    NaiveDate::from_ymd_opt(fy, fm, fd).is_some_and(|f| d >= f)
        && NaiveDate::from_ymd_opt(ly, lm, ld).is_some_and(|l| d <= l)
}

/// Reads an order date as ERPs and people write it: `2026-03-08`, `2026/3/8`,
/// `2026年3月8日`, `20260308`, or a date-time whose date part is one of these.
pub fn parse_order_date(raw: &str) -> Result<NaiveDate, FieldErrorCode> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(FieldErrorCode::Required);
    }
    // a time of day after the date ("2026-03-08 14:30:00", "2026-03-08T14:30")
    let t = t.split([' ', 'T']).next().unwrap_or(t);
    let d = if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        NaiveDate::parse_from_str(t, "%Y%m%d").map_err(|_| FieldErrorCode::InvalidDate)?
    } else {
        crate::domain::profile::parse_date(t)?
    };
    if sane_date(d) {
        Ok(d)
    } else {
        Err(FieldErrorCode::DateOutOfRange)
    }
}

/// The month number of a date: months since January of year 0, so consecutive months
/// are consecutive integers (`2026-01` → 24312).
pub fn month_of(d: NaiveDate) -> i32 {
    d.year() * 12 + d.month0() as i32
}

/// The first day of month number `m` (see [`month_of`]).
pub fn month_start(m: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(m.div_euclid(12), m.rem_euclid(12) as u32 + 1, 1)
}

/// Month number `m` as `YYYY-MM` (empty past the calendar's range).
pub fn month_label(m: i64) -> String {
    i32::try_from(m)
        .ok()
        .and_then(month_start)
        .map(crate::domain::time::year_month_text)
        .unwrap_or_default()
}

/// The `months` months ending with month number `last` (oldest first), each with the sum
/// of `rows`' amounts in it (0 for a month without sales); rows outside are left out.
pub fn monthly_series(rows: &[(i64, i64)], last: i64, months: i64) -> Vec<(i64, i64)> {
    let first = last - months + 1;
    let mut out: Vec<(i64, i64)> = (first..=last).map(|m| (m, 0)).collect();
    for &(m, amount) in rows {
        if let Some(slot) = usize::try_from(m - first).ok().and_then(|i| out.get_mut(i)) {
            slot.1 += amount;
        }
    }
    out
}

/// Calendar dates `[from, to]`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// A period split for summing: whole months come from the monthly rollups, the days of
/// partly covered months at either end from the lines themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodParts {
    /// Whole months `[first, last]` as month numbers, if any.
    pub months: Option<(i32, i32)>,
    /// Day ranges outside whole months (at most two).
    pub days: [Option<(NaiveDate, NaiveDate)>; 2],
}

impl Period {
    /// Parses two dates; `from` must not be after `to`, both within the accepted range.
    /// Errors name the field (`from`, `to`).
    pub fn parse(from: &str, to: &str) -> Result<Period, Vec<FieldError>> {
        let f = parse_order_date(from).for_field("from");
        let t = parse_order_date(to).for_field("to");
        match (f, t) {
            (Ok(from), Ok(to)) if from <= to => Ok(Period { from, to }),
            (Ok(_), Ok(_)) => Err(vec![FieldError::new("to", FieldErrorCode::EndBeforeStart)]),
            (f, t) => Err([f.err(), t.err()].into_iter().flatten().collect()),
        }
    }

    /// One calendar month.
    pub fn month(year: i32, month: u32) -> Option<Period> {
        let from = NaiveDate::from_ymd_opt(year, month, 1)?;
        let to = from.checked_add_months(Months::new(1))?.pred_opt()?;
        Some(Period { from, to })
    }

    /// Quarter 1–4 of a year.
    pub fn quarter(year: i32, quarter: u32) -> Option<Period> {
        if !(1..=4).contains(&quarter) {
            return None;
        }
        let from = NaiveDate::from_ymd_opt(year, quarter * 3 - 2, 1)?;
        let to = from.checked_add_months(Months::new(3))?.pred_opt()?;
        Some(Period { from, to })
    }

    pub fn year(year: i32) -> Option<Period> {
        Some(Period {
            from: NaiveDate::from_ymd_opt(year, 1, 1)?,
            to: NaiveDate::from_ymd_opt(year, 12, 31)?,
        })
    }

    /// The twelve whole months before the month of `today` (on 2026-11-27: 2025-11-01 to
    /// 2026-10-31), so the figure does not move with every order of the current month.
    pub fn last_12_months(today: NaiveDate) -> Option<Period> {
        let this_month = today.with_day(1)?;
        Some(Period {
            from: this_month.checked_sub_months(Months::new(12))?,
            to: this_month.pred_opt()?,
        })
    }

    pub fn contains(&self, d: NaiveDate) -> bool {
        self.from <= d && d <= self.to
    }

    /// Number of days, both ends included.
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// Whole months and the leftover day ranges.
    pub fn parts(&self) -> PeriodParts {
        let first_whole = if self.from.day() == 1 {
            month_of(self.from)
        } else {
            month_of(self.from) + 1
        };
        let ends_month = self.to.succ_opt().is_none_or(|n| n.day() == 1);
        let last_whole = if ends_month {
            month_of(self.to)
        } else {
            month_of(self.to) - 1
        };
        if first_whole > last_whole {
            return PeriodParts {
                months: None,
                days: [Some((self.from, self.to)), None],
            };
        }
        let head = (self.from.day() != 1)
            .then(|| month_start(first_whole).and_then(|d| d.pred_opt()))
            .flatten()
            .map(|end| (self.from, end));
        let tail = (!ends_month)
            .then(|| month_start(month_of(self.to)))
            .flatten()
            .map(|start| (start, self.to));
        PeriodParts {
            months: Some((first_whole, last_whole)),
            days: [head, tail],
        }
    }
}

/// One sales line as typed or read from a file: text, parsed by [`SaleLine::parse`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaleLineInput {
    pub order_date: String,
    pub customer_code: String,
    pub product_sku: String,
    pub quantity: String,
    pub amount: String,
    pub cost: String,
    pub product_name: String,
    pub rep_login: String,
}

/// A sales line whose every field passed its rules. Customer, product and rep are still
/// codes: the server resolves them within the company.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleLine {
    pub order_date: NaiveDate,
    pub customer_code: String,
    pub product_sku: String,
    pub quantity: i64,
    pub amount: Money,
    pub cost: Money,
    pub product_name: Option<String>,
    pub rep_login: Option<String>,
}

/// Largest quantity on one line.
pub const MAX_QUANTITY: i64 = 100_000_000;
/// Longest product name (retail catalogues run to 127 characters and more).
pub const MAX_PRODUCT_NAME: u32 = 200;

/// A whole number of units, possibly negative (a return), not zero.
pub fn parse_quantity(raw: &str) -> Result<i64, FieldErrorCode> {
    let t: String = raw
        .trim()
        .chars()
        .filter(|c| *c != ',' && !c.is_whitespace())
        .collect();
    if t.is_empty() {
        return Err(FieldErrorCode::Required);
    }
    // "12.0" from a spreadsheet is twelve; "12.5" is not a whole number of units
    let whole = match t.split_once('.') {
        Some((w, f)) if !f.is_empty() && f.bytes().all(|b| b == b'0') => w,
        Some(_) => return Err(FieldErrorCode::NotWhole),
        None => t.as_str(),
    };
    let digits = whole.strip_prefix('-').unwrap_or(whole);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FieldErrorCode::InvalidNumber);
    }
    let q: i64 = whole.parse().map_err(|_| FieldErrorCode::TooLarge)?;
    if q == 0 {
        return Err(FieldErrorCode::Zero);
    }
    if q.abs() > MAX_QUANTITY {
        return Err(FieldErrorCode::TooLarge);
    }
    Ok(q)
}

impl SaleLine {
    /// Parses a line, reporting every refused field at once. A sale has a positive
    /// quantity and an amount and cost of zero or more (zero: a free gift); a return has a
    /// negative quantity and an amount and cost of zero or less.
    pub fn parse(input: &SaleLineInput) -> Result<SaleLine, Vec<FieldError>> {
        let mut errors = Vec::new();
        let order_date = take(
            &mut errors,
            "order_date",
            parse_order_date(&input.order_date),
        );
        let customer_code = take(&mut errors, "customer_code", code(&input.customer_code));
        let product_sku = take(&mut errors, "product_sku", code(&input.product_sku));
        let quantity = take(&mut errors, "quantity", parse_quantity(&input.quantity));
        let amount = take(&mut errors, "amount", Money::parse_yuan(&input.amount));
        let cost = take(&mut errors, "cost", Money::parse_yuan(&input.cost));
        let product_name = take(
            &mut errors,
            "product_name",
            optional_text(&input.product_name, MAX_PRODUCT_NAME),
        );
        let rep_login = take(
            &mut errors,
            "rep_login",
            optional_text(&input.rep_login, 64).map(|l| l.map(|l| l.to_lowercase())),
        );
        if let Some(q) = quantity {
            for (name, value) in [("amount", amount), ("cost", cost)] {
                if let Some(Money(v)) = value
                    && (q > 0 && v < 0 || q < 0 && v > 0)
                {
                    errors.push(FieldError::new(name, FieldErrorCode::SignMismatch));
                }
            }
        }
        match (
            order_date,
            customer_code,
            product_sku,
            quantity,
            amount,
            cost,
            product_name,
            rep_login,
        ) {
            (Some(d), Some(c), Some(p), Some(q), Some(a), Some(k), Some(n), Some(r))
                if errors.is_empty() =>
            {
                Ok(SaleLine {
                    order_date: d,
                    customer_code: c,
                    product_sku: p,
                    quantity: q,
                    amount: a,
                    cost: k,
                    product_name: n,
                    rep_login: r,
                })
            }
            _ => Err(errors),
        }
    }

    /// This line's value of `m`.
    pub fn value(&self, m: Measure) -> i64 {
        m.of(self.amount.0, self.cost.0, self.quantity)
    }
}

/// A customer code or SKU: the customer-code rule (1–32 characters, no spaces or control
/// characters, case kept).
pub fn code(raw: &str) -> Result<String, FieldErrorCode> {
    crate::domain::customer::CustomerCode::parse(raw).map(|c| c.as_str().to_owned())
}

/// A product of the catalogue, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductInput {
    pub sku: String,
    pub name: String,
    pub category: String,
    pub unit: String,
    pub list_price: String,
    pub price_floor: String,
    /// Pieces in one unit (件装数: 24 when the unit is a case of 24 bottles); empty: none.
    pub pack_size: String,
    /// What a piece is (瓶, 袋 …); needs a pack size.
    pub piece_unit: String,
    /// 成本价 in yuan: the cost of one unit, what an order's lines cost.
    pub cost_price: String,
    /// `true` while the product is sold, `false` once it is not (停售); empty: sold.
    pub active: String,
}

/// A product whose fields passed their rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductFields {
    pub sku: String,
    pub name: String,
    pub category: Option<String>,
    pub unit: Option<String>,
    pub list_price: Option<Money>,
    pub price_floor: Option<Money>,
    pub pack_size: Option<i64>,
    pub piece_unit: Option<String>,
    pub cost_price: Option<Money>,
    pub active: bool,
}

/// The largest pack: ten thousand pieces to a unit.
pub const MAX_PACK_SIZE: i64 = 10_000;

/// A pack size as typed: empty, or a whole number of pieces from 1 to [`MAX_PACK_SIZE`].
fn pack_size(raw: &str) -> Result<Option<i64>, FieldErrorCode> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<i64>() {
        Ok(0) => Err(FieldErrorCode::Zero),
        Ok(v) if v < 0 => Err(FieldErrorCode::Negative),
        Ok(v) if v > MAX_PACK_SIZE => Err(FieldErrorCode::TooLarge),
        Ok(v) => Ok(Some(v)),
        Err(_) if t.parse::<f64>().is_ok() => Err(FieldErrorCode::NotWhole),
        Err(_) => Err(FieldErrorCode::InvalidNumber),
    }
}

/// Whether a product is sold, as a form or a file gives it.
fn sold(raw: &str) -> Result<bool, FieldErrorCode> {
    match raw.trim() {
        "" | "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(FieldErrorCode::InvalidChoice),
    }
}

impl ProductFields {
    /// SKU and name required; prices optional, not negative; the floor (最低限价) not
    /// above the list price; a pack of 1 to 10 000 pieces, whose piece unit needs the
    /// pack size; a cost price not negative (above the list price is allowed: a product
    /// may be sold at a loss).
    pub fn parse(input: &ProductInput) -> Result<ProductFields, Vec<FieldError>> {
        let mut errors = Vec::new();
        let price = |raw: &str| -> Result<Option<Money>, FieldErrorCode> {
            if raw.trim().is_empty() {
                return Ok(None);
            }
            let m = Money::parse_yuan(raw)?;
            if m.0 < 0 {
                return Err(FieldErrorCode::Negative);
            }
            Ok(Some(m))
        };
        let sku = take(&mut errors, "sku", code(&input.sku));
        let name = take(
            &mut errors,
            "name",
            crate::domain::validation::required_text(&input.name, MAX_PRODUCT_NAME),
        );
        let category = take(&mut errors, "category", optional_text(&input.category, 50));
        let unit = take(&mut errors, "unit", optional_text(&input.unit, 10));
        let list_price = take(&mut errors, "list_price", price(&input.list_price));
        let price_floor = take(&mut errors, "price_floor", price(&input.price_floor));
        if let (Some(Some(l)), Some(Some(f))) = (list_price, price_floor)
            && f > l
        {
            errors.push(FieldError::new(
                "price_floor",
                FieldErrorCode::FloorAboveList,
            ));
        }
        let pack = take(&mut errors, "pack_size", pack_size(&input.pack_size));
        let piece_unit = take(
            &mut errors,
            "piece_unit",
            optional_text(&input.piece_unit, 10),
        );
        if let (Some(None), Some(Some(_))) = (pack, &piece_unit) {
            errors.push(FieldError::new("pack_size", FieldErrorCode::Required));
        }
        let cost_price = take(&mut errors, "cost_price", price(&input.cost_price));
        let active = take(&mut errors, "active", sold(&input.active));
        match (
            (sku, name, category, unit),
            (list_price, price_floor, cost_price),
            (pack, piece_unit, active),
        ) {
            (
                (Some(sku), Some(name), Some(category), Some(unit)),
                (Some(list_price), Some(price_floor), Some(cost_price)),
                (Some(pack_size), Some(piece_unit), Some(active)),
            ) if errors.is_empty() => Ok(ProductFields {
                sku,
                name,
                category,
                unit,
                list_price,
                price_floor,
                pack_size,
                piece_unit,
                cost_price,
                active,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn input(q: &str, amount: &str, cost: &str) -> SaleLineInput {
        SaleLineInput {
            order_date: "2026-03-08".into(),
            customer_code: "ZD00001".into(),
            product_sku: "BJ-500".into(),
            quantity: q.into(),
            amount: amount.into(),
            cost: cost.into(),
            ..Default::default()
        }
    }

    fn codes(r: Result<SaleLine, Vec<FieldError>>) -> Vec<(String, FieldErrorCode)> {
        r.err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn order_dates_are_read_as_erps_write_them() {
        for raw in [
            "2026-03-08",
            "2026/3/8",
            "2026年3月8日",
            "20260308",
            "2026-03-08 14:30:00",
            "2026-03-08T14:30",
        ] {
            assert_eq!(parse_order_date(raw), Ok(d("2026-03-08")), "{raw}");
        }
        assert_eq!(parse_order_date(""), Err(FieldErrorCode::Required));
        assert_eq!(
            parse_order_date("2026-02-30"),
            Err(FieldErrorCode::InvalidDate)
        );
        assert_eq!(
            parse_order_date("3/8/2026"),
            Err(FieldErrorCode::InvalidDate)
        );
        assert_eq!(
            parse_order_date("1900-01-01"),
            Err(FieldErrorCode::DateOutOfRange)
        );
        assert_eq!(
            parse_order_date("2206-03-08"),
            Err(FieldErrorCode::InvalidDate)
        );
        assert_eq!(
            parse_order_date("21000101"),
            Err(FieldErrorCode::DateOutOfRange)
        );
    }

    #[test]
    fn a_sale_and_a_return_parse_with_profit() {
        let sale = SaleLine::parse(&input("12", "1,200.00", "960")).unwrap();
        assert_eq!(
            (sale.quantity, sale.amount, sale.cost),
            (12, Money(120_000), Money(96_000))
        );
        assert_eq!(sale.value(Measure::Sales), 120_000);
        assert_eq!(sale.value(Measure::Profit), 24_000);
        assert_eq!(sale.value(Measure::Quantity), 12);
        let ret = SaleLine::parse(&input("-2", "-200", "-160")).unwrap();
        assert_eq!(ret.value(Measure::Profit), -4_000);
        let gift = SaleLine::parse(&input("1", "0", "8.5")).unwrap();
        assert_eq!(gift.value(Measure::Profit), -850);
        assert_eq!(
            SaleLine::parse(&input("12.0", "1", "1")).unwrap().quantity,
            12
        );
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let mut bad = input("abc", "12.345", "");
        bad.order_date = "1899-12-30".into();
        bad.customer_code = " ".into();
        assert_eq!(
            codes(SaleLine::parse(&bad)),
            [
                ("order_date".into(), FieldErrorCode::InvalidDate),
                ("customer_code".into(), FieldErrorCode::Required),
                ("quantity".into(), FieldErrorCode::InvalidNumber),
                ("amount".into(), FieldErrorCode::TooManyDecimals),
                ("cost".into(), FieldErrorCode::Required),
            ]
        );
        assert_eq!(
            codes(SaleLine::parse(&input("1.5", "1", "1"))),
            [("quantity".into(), FieldErrorCode::NotWhole)]
        );
        assert_eq!(
            codes(SaleLine::parse(&input("0", "1", "1"))),
            [("quantity".into(), FieldErrorCode::Zero)]
        );
        assert_eq!(
            codes(SaleLine::parse(&input("-1", "10", "-8"))),
            [("amount".into(), FieldErrorCode::SignMismatch)]
        );
        assert_eq!(
            codes(SaleLine::parse(&input("3", "10", "-8"))),
            [("cost".into(), FieldErrorCode::SignMismatch)]
        );
    }

    #[test]
    fn named_periods_cover_their_calendar() {
        assert_eq!(
            Period::month(2024, 2).unwrap(),
            Period {
                from: d("2024-02-01"),
                to: d("2024-02-29")
            }
        );
        assert_eq!(
            Period::quarter(2026, 4).unwrap(),
            Period {
                from: d("2026-10-01"),
                to: d("2026-12-31")
            }
        );
        assert_eq!(Period::quarter(2026, 5), None);
        assert_eq!(Period::year(2025).unwrap().days(), 365);
        assert_eq!(
            Period::last_12_months(d("2026-11-27")).unwrap(),
            Period {
                from: d("2025-11-01"),
                to: d("2026-10-31")
            }
        );
        assert_eq!(
            Period::last_12_months(d("2026-01-01")).unwrap(),
            Period {
                from: d("2025-01-01"),
                to: d("2025-12-31")
            }
        );
    }

    #[test]
    fn periods_refuse_reversed_and_insane_dates() {
        assert_eq!(
            Period::parse("2026-03-01", "2026-02-01").unwrap_err(),
            [FieldError::new("to", FieldErrorCode::EndBeforeStart)]
        );
        assert_eq!(
            Period::parse("x", "1999-12-31").unwrap_err(),
            [
                FieldError::new("from", FieldErrorCode::InvalidDate),
                FieldError::new("to", FieldErrorCode::DateOutOfRange)
            ]
        );
        assert!(Period::parse("2026-03-01", "2026-03-01").is_ok());
    }

    #[test]
    fn parts_split_whole_months_from_loose_days() {
        let p = Period {
            from: d("2025-11-01"),
            to: d("2026-10-31"),
        }
        .parts();
        assert_eq!(
            p.months,
            Some((month_of(d("2025-11-01")), month_of(d("2026-10-01"))))
        );
        assert_eq!(p.days, [None, None]);
        let p = Period {
            from: d("2026-01-15"),
            to: d("2026-03-10"),
        }
        .parts();
        assert_eq!(
            p.months,
            Some((month_of(d("2026-02-01")), month_of(d("2026-02-01"))))
        );
        assert_eq!(
            p.days,
            [
                Some((d("2026-01-15"), d("2026-01-31"))),
                Some((d("2026-03-01"), d("2026-03-10")))
            ]
        );
        let p = Period {
            from: d("2026-01-15"),
            to: d("2026-01-20"),
        }
        .parts();
        assert_eq!(
            (p.months, p.days),
            (None, [Some((d("2026-01-15"), d("2026-01-20"))), None])
        );
        let p = Period {
            from: d("2026-01-02"),
            to: d("2026-02-27"),
        }
        .parts();
        assert_eq!(p.months, None);
        assert_eq!(p.days[0], Some((d("2026-01-02"), d("2026-02-27"))));
    }

    proptest! {
        /// The profile's 12-month trend: every month of the window once, in order, each
        /// holding exactly the sales of that month; nothing outside counted.
        #[test]
        fn a_monthly_series_holds_each_months_sales_once(
            rows in proptest::collection::vec((24290i64..24340, -10_000i64..1_000_000), 0..60),
            last in 24300i64..24330,
        ) {
            let series = monthly_series(&rows, last, 12);
            prop_assert_eq!(series.len(), 12);
            for (i, (m, amount)) in series.iter().enumerate() {
                prop_assert_eq!(*m, last - 11 + i as i64);
                let want: i64 = rows.iter().filter(|r| r.0 == *m).map(|r| r.1).sum();
                prop_assert_eq!(*amount, want);
            }
            let inside: i64 = rows.iter().filter(|r| r.0 > last - 12 && r.0 <= last).map(|r| r.1).sum();
            prop_assert_eq!(series.iter().map(|s| s.1).sum::<i64>(), inside);
        }

        /// Every day of a period is covered exactly once by its whole months and day ranges.
        #[test]
        fn parts_cover_each_day_once(start in 0i64..3000, len in 0i64..800) {
            let from = d("2020-01-01") + chrono::Duration::days(start);
            let p = Period { from, to: from + chrono::Duration::days(len) };
            let parts = p.parts();
            let mut day = p.from - chrono::Duration::days(3);
            while day <= p.to + chrono::Duration::days(3) {
                let in_months = parts.months.is_some_and(|(a, b)| (a..=b).contains(&month_of(day)));
                let in_days = parts.days.iter().flatten().filter(|(a, b)| *a <= day && day <= *b).count();
                prop_assert_eq!(usize::from(in_months) + in_days, usize::from(p.contains(day)), "{}", day);
                day = day.succ_opt().unwrap();
            }
        }

        #[test]
        fn month_numbers_round_trip(start in 0i64..30000) {
            let day = d("2000-01-01") + chrono::Duration::days(start);
            let m = month_of(day);
            prop_assert_eq!(month_start(m).unwrap(), day.with_day(1).unwrap());
            prop_assert_eq!(month_of(month_start(m + 1).unwrap()), m + 1);
        }
    }

    #[test]
    fn products_need_sku_and_name_and_a_floor_under_the_list_price() {
        let ok = ProductFields::parse(&ProductInput {
            sku: "BJ-500".into(),
            name: "白酒 500ml".into(),
            list_price: "88".into(),
            price_floor: "80".into(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(
            (ok.list_price, ok.price_floor),
            (Some(Money(8800)), Some(Money(8000)))
        );
        let errs: Vec<(String, FieldErrorCode)> = ProductFields::parse(&ProductInput {
            sku: "B J".into(),
            list_price: "80".into(),
            price_floor: "88".into(),
            ..Default::default()
        })
        .unwrap_err()
        .into_iter()
        .map(|e| (e.field, e.code))
        .collect();
        assert_eq!(
            errs,
            [
                ("sku".into(), FieldErrorCode::InvalidCode),
                ("name".into(), FieldErrorCode::Required),
                ("price_floor".into(), FieldErrorCode::FloorAboveList)
            ]
        );
    }

    #[test]
    fn a_pack_is_whole_pieces_and_a_piece_unit_needs_it() {
        let product = |pack: &str, piece: &str, cost: &str, active: &str| {
            ProductFields::parse(&ProductInput {
                sku: "SS-MN".into(),
                name: "纯牛奶 250ml×24".into(),
                unit: "箱".into(),
                list_price: "66".into(),
                pack_size: pack.into(),
                piece_unit: piece.into(),
                cost_price: cost.into(),
                active: active.into(),
                ..Default::default()
            })
            .map(|p| (p.pack_size, p.piece_unit, p.cost_price, p.active))
            .map_err(|e| e.into_iter().map(|e| (e.field, e.code)).collect::<Vec<_>>())
        };
        assert_eq!(
            product(" 24 ", "瓶", "57.60", "true"),
            Ok((Some(24), Some("瓶".into()), Some(Money(5760)), true))
        );
        // nothing given: no pack, no cost price, still sold; a cost above the list price
        // is a loss, not an error
        assert_eq!(product("", "", "", ""), Ok((None, None, None, true)));
        assert_eq!(
            product("1", "", "70", "false"),
            Ok((Some(1), None, Some(Money(7000)), false))
        );
        for (pack, piece, cost, active, field, code) in [
            ("0", "", "", "", "pack_size", FieldErrorCode::Zero),
            ("-6", "", "", "", "pack_size", FieldErrorCode::Negative),
            ("2.5", "", "", "", "pack_size", FieldErrorCode::NotWhole),
            ("10001", "", "", "", "pack_size", FieldErrorCode::TooLarge),
            (
                "二十四",
                "",
                "",
                "",
                "pack_size",
                FieldErrorCode::InvalidNumber,
            ),
            ("", "瓶", "", "", "pack_size", FieldErrorCode::Required),
            (
                "24",
                "一二三四五六七八九十一",
                "",
                "",
                "piece_unit",
                FieldErrorCode::TooLong { max: 10 },
            ),
            ("", "", "-1", "", "cost_price", FieldErrorCode::Negative),
            (
                "",
                "",
                "1.234",
                "",
                "cost_price",
                FieldErrorCode::TooManyDecimals,
            ),
            ("", "", "", "maybe", "active", FieldErrorCode::InvalidChoice),
        ] {
            assert_eq!(
                product(pack, piece, cost, active),
                Err(vec![(field.to_owned(), code)]),
                "{pack:?} {piece:?} {cost:?} {active:?}"
            );
        }
    }
}
