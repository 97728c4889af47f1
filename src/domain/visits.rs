//! Visits and relationships (客户 + 朋友), groundwork for issue 7: when a customer is due
//! for a visit given its tier's visits per month, plan-versus-actual compliance, the
//! reminders a rep needs (birthdays, opening anniversaries, 春节 and 中秋), and a
//! relationship health score the owner reads at a glance.
//!
//! ```
//! use chrono::NaiveDate;
//! use qudao::domain::visits::{next_due, interval_days};
//! let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
//! assert_eq!(interval_days(4), 7); // four visits a month: weekly
//! assert_eq!(next_due(Some(d(11, 20)), 4, d(11, 27)), d(11, 27)); // due today
//! assert_eq!(next_due(None, 1, d(11, 27)), d(11, 27)); // never visited: due now
//! ```
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Days between visits for `per_month` visits a month (a month counted as 30 days):
/// 4 → 7, 2 → 15, 1 → 30; 0 (no visits planned) → never, as `u32::MAX`.
pub fn interval_days(per_month: u32) -> u32 {
    30u32.checked_div(per_month).map_or(u32::MAX, |d| d.max(1))
}

/// The day the next visit is due: the last visit plus the interval, never later than
/// that; never visited — today. With no visits planned the customer is never due
/// (`NaiveDate::MAX`).
pub fn next_due(last: Option<NaiveDate>, per_month: u32, today: NaiveDate) -> NaiveDate {
    let interval = interval_days(per_month);
    if interval == u32::MAX {
        return NaiveDate::MAX;
    }
    match last {
        None => today,
        Some(l) => l
            .checked_add_days(chrono::Days::new(u64::from(interval)))
            .unwrap_or(NaiveDate::MAX),
    }
}

/// Visits made against visits planned, in permille, capped at 1000 (extra visits do not
/// make up for another customer's missed ones); `None` when nothing was planned.
pub fn visit_compliance(planned: u32, made: u32) -> Option<u32> {
    (planned > 0).then(|| {
        u32::try_from((u64::from(made.min(planned)) * 1000) / u64::from(planned)).unwrap_or(1000)
    })
}

/// What a reminder is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Occasion {
    /// The key person's birthday.
    Birthday,
    /// The shop's opening anniversary (years open).
    Anniversary {
        years: i32,
    },
    SpringFestival,
    MidAutumn,
}

/// A month and day.
type MonthDay = (u32, u32);

/// 春节 and 中秋 (lunar dates) for the years the app plans ahead.
const FESTIVALS: [(i32, MonthDay, MonthDay); 5] = [
    (2026, (2, 17), (9, 25)),
    (2027, (2, 6), (9, 15)),
    (2028, (1, 26), (10, 3)),
    (2029, (2, 13), (9, 22)),
    (2030, (2, 3), (9, 12)),
];

/// The date a yearly `(month, day)` falls on in `year`; 29 February becomes the 28th in
/// a common year.
fn in_year(year: i32, (month, day): (u32, u32)) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day).or_else(|| {
        (month == 2 && day == 29)
            .then(|| NaiveDate::from_ymd_opt(year, 2, 28))
            .flatten()
    })
}

/// The next time a yearly date comes round, today included.
fn next_yearly(today: NaiveDate, md: (u32, u32)) -> Option<NaiveDate> {
    in_year(today.year(), md)
        .filter(|d| *d >= today)
        .or_else(|| in_year(today.year() + 1, md))
}

/// Reminders within `days` days from `today` (inclusive) for one customer, soonest first:
/// `(date, occasion)`.
pub fn reminders(
    today: NaiveDate,
    days: u32,
    birthday: Option<NaiveDate>,
    opened: Option<NaiveDate>,
) -> Vec<(NaiveDate, Occasion)> {
    let Some(until) = today.checked_add_days(chrono::Days::new(u64::from(days))) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(b) = birthday
        && let Some(d) = next_yearly(today, (b.month(), b.day()))
    {
        out.push((d, Occasion::Birthday));
    }
    if let Some(o) = opened
        && let Some(d) = next_yearly(today, (o.month(), o.day()))
        && d.year() > o.year()
    {
        out.push((
            d,
            Occasion::Anniversary {
                years: d.year() - o.year(),
            },
        ));
    }
    for (year, spring, autumn) in FESTIVALS
        .iter()
        .filter(|(y, _, _)| *y == today.year() || *y == today.year() + 1)
    {
        for (md, occasion) in [
            (*spring, Occasion::SpringFestival),
            (*autumn, Occasion::MidAutumn),
        ] {
            if let Some(d) = in_year(*year, md) {
                out.push((d, occasion));
            }
        }
    }
    out.retain(|(d, _)| *d >= today && *d <= until);
    out.sort_by_key(|(d, _)| *d);
    out
}

/// The parts of a relationship's health, each 0–100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// Visits made against planned over the last quarter.
    pub visits: u32,
    /// Months with orders among the last six.
    pub orders: u32,
    /// Year-on-year growth: 50 is flat, 100 is +50 % or more, 0 is −50 % or worse.
    pub growth: u32,
    /// 100 without open objections, 25 less for each (breached ones count double).
    pub objections: u32,
    /// The weighted score: visits 30 %, orders 30 %, growth 20 %, objections 20 %.
    pub score: u32,
}

/// A customer's relationship health from plain facts. `growth_bp` is year-on-year
/// growth in basis points (`None`: new customer, counted as flat).
pub fn health(
    visits_planned: u32,
    visits_made: u32,
    order_months_of_six: u32,
    growth_bp: Option<i64>,
    open_objections: u32,
    breached_objections: u32,
) -> Health {
    let visits = visit_compliance(visits_planned, visits_made).map_or(100, |p| p / 10);
    let orders = order_months_of_six.min(6) * 100 / 6;
    let growth =
        u32::try_from((growth_bp.unwrap_or(0).clamp(-5_000, 5_000) + 5_000) / 100).unwrap_or(0);
    let penalty = open_objections
        .saturating_add(breached_objections)
        .saturating_mul(25);
    let objections = 100u32.saturating_sub(penalty);
    let score = (visits * 30 + orders * 30 + growth * 20 + objections * 20) / 100;
    Health {
        visits,
        orders,
        growth,
        objections,
        score,
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn visits_fall_due_by_the_tiers_frequency() {
        assert_eq!(interval_days(4), 7);
        assert_eq!(interval_days(2), 15);
        assert_eq!(interval_days(1), 30);
        assert_eq!(interval_days(60), 1);
        let today = d(2026, 11, 27);
        assert_eq!(next_due(Some(d(2026, 11, 20)), 4, today), d(2026, 11, 27));
        assert_eq!(next_due(Some(d(2026, 11, 26)), 2, today), d(2026, 12, 11));
        assert_eq!(next_due(None, 1, today), today);
        assert_eq!(next_due(Some(today), 0, today), NaiveDate::MAX);
    }

    #[test]
    fn compliance_caps_extra_visits() {
        assert_eq!(visit_compliance(4, 3), Some(750));
        assert_eq!(visit_compliance(4, 6), Some(1000));
        assert_eq!(visit_compliance(0, 2), None);
        assert_eq!(visit_compliance(3, 1), Some(333));
    }

    #[test]
    fn reminders_come_round_every_year_and_festivals_follow_the_lunar_table() {
        let today = d(2026, 9, 20);
        let r = reminders(today, 10, Some(d(1980, 9, 22)), Some(d(2016, 9, 30)));
        assert_eq!(
            r,
            vec![
                (d(2026, 9, 22), Occasion::Birthday),
                (d(2026, 9, 25), Occasion::MidAutumn),
                (d(2026, 9, 30), Occasion::Anniversary { years: 10 }),
            ]
        );
        // across the new year: 春节 2027 is 6 February
        let r = reminders(d(2027, 1, 30), 10, None, None);
        assert_eq!(r, vec![(d(2027, 2, 6), Occasion::SpringFestival)]);
        // a 29 February birthday is remembered on the 28th in a common year
        let r = reminders(d(2027, 2, 20), 10, Some(d(1988, 2, 29)), None);
        assert_eq!(r[0], (d(2027, 2, 28), Occasion::Birthday));
        // a shop opened today has no anniversary yet
        assert!(reminders(d(2026, 5, 1), 5, None, Some(d(2026, 5, 1))).is_empty());
    }

    #[test]
    fn health_weighs_visits_orders_growth_and_objections() {
        let h = health(12, 12, 6, Some(0), 0, 0);
        assert_eq!(
            (h.visits, h.orders, h.growth, h.objections, h.score),
            (100, 100, 50, 100, 90)
        );
        let h = health(12, 6, 3, Some(-8_000), 2, 1);
        assert_eq!(
            (h.visits, h.orders, h.growth, h.objections),
            (50, 50, 0, 25)
        );
        assert_eq!(h.score, (50 * 30 + 50 * 30 + 25 * 20) / 100);
        assert_eq!(
            health(0, 0, 6, None, 0, 0).visits,
            100,
            "nothing planned, nothing missed"
        );
    }

    proptest! {
        #[test]
        fn the_next_visit_is_never_before_the_last_nor_further_than_a_month(last in 0u32..2000, per_month in 1u32..31) {
            let today = d(2026, 1, 1) + chrono::Days::new(2000);
            let last = d(2026, 1, 1) + chrono::Days::new(u64::from(last));
            let due = next_due(Some(last), per_month, today);
            prop_assert!(due > last);
            prop_assert!((due - last).num_days() <= 30);
        }

        #[test]
        fn health_stays_between_0_and_100(p in 0u32..40, m in 0u32..60, o in 0u32..12, g in proptest::option::of(-100_000i64..100_000), open in 0u32..10, br in 0u32..10) {
            let h = health(p, m, o, g, open, br);
            for v in [h.visits, h.orders, h.growth, h.objections, h.score] {
                prop_assert!(v <= 100);
            }
        }
    }
}
