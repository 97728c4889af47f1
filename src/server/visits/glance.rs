//! The tablet's read-only 360° of a rep's own customers (in the offline bundle): a few
//! set-based reads over the rep's customers, never one query per customer.
use crate::domain::ids::{CompanyId, EmployeeId};
use crate::domain::money::Money;
use crate::domain::orders::OrderStatus;
use crate::domain::receivables::{Exposure, Open, aging};
use crate::domain::sales::{month_label, month_of, monthly_series};
use crate::error::AppError;
use crate::features::visits::api::{CustomerGlance, GlanceOrder, PlanCustomer};
use crate::server::db::{self, DbConn};
use chrono::NaiveDate;
use std::collections::HashMap;
use uuid::Uuid;

/// Orders a glance lists (the newest).
const ORDERS_SHOWN: usize = 5;

/// The 12 months of the trend (`YYYY-MM`) and a glance per customer with anything to
/// show, in `customers`' order.
pub async fn glances(
    conn: &mut DbConn,
    company: CompanyId,
    rep: EmployeeId,
    customers: &[PlanCustomer],
    today: NaiveDate,
) -> Result<(Vec<String>, Vec<CustomerGlance>), AppError> {
    let last = i64::from(month_of(today));
    let months: Vec<String> = (last - 11..=last).map(month_label).collect();
    let mut sales: HashMap<Uuid, Vec<(i64, i64)>> = HashMap::new();
    for (c, m, amount) in db::sales::rep_months(conn, company, rep, last - 11, last).await? {
        sales.entry(c).or_default().push((m, amount));
    }
    let mut open: HashMap<Uuid, Vec<Open<()>>> = HashMap::new();
    for (c, due, balance) in db::receivables::rep_open_balances(conn, company, rep).await? {
        open.entry(c).or_default().push(Open {
            invoice: (),
            due,
            balance: Money(balance),
        });
    }
    let parts: HashMap<Uuid, (i64, i64, Option<i64>)> =
        db::receivables::rep_credit_parts(conn, company, rep)
            .await?
            .into_iter()
            .map(|(c, credit, pending, limit)| (c, (credit, pending, limit)))
            .collect();
    let mut orders: HashMap<Uuid, Vec<GlanceOrder>> = HashMap::new();
    for (c, number, status, total, day) in db::orders::rep_open_orders(conn, company, rep).await? {
        let list = orders.entry(c).or_default();
        if let (true, Some(status)) = (list.len() < ORDERS_SHOWN, OrderStatus::parse(&status)) {
            list.push(GlanceOrder {
                number,
                status,
                total: Money(total),
                order_date: day.to_string(),
            });
        }
    }
    let tickets: HashMap<Uuid, i64> = db::tickets::rep_open_counts(conn, company, rep)
        .await?
        .into_iter()
        .collect();
    let versions = crate::server::tiers::in_force::versions(conn, company).await?;
    let out = customers
        .iter()
        .filter_map(|c| {
            let id = c.id.0;
            let trend = sales
                .get(&id)
                .map(|rows| {
                    monthly_series(rows, last, 12)
                        .into_iter()
                        .map(|m| m.1)
                        .collect()
                })
                .unwrap_or_default();
            let owed = open.get(&id).map(Vec::as_slice).unwrap_or_default();
            let (credit, pending, own_limit) = parts.get(&id).copied().unwrap_or_default();
            let exposure = Exposure {
                open: owed.iter().map(|o| o.balance.0).sum(),
                overdue: owed
                    .iter()
                    .filter(|o| o.due < today)
                    .map(|o| o.balance.0)
                    .sum(),
                credit,
                pending,
                own_limit,
            };
            let policy = c
                .tier
                .and_then(|t| crate::server::tiers::in_force::policy_on(&versions, t, today))
                .map(|p| p.credit_limit);
            let glance = CustomerGlance {
                id: c.id,
                trend,
                aging: aging(owed, today),
                credit: exposure.check(policy, Money(0)),
                open_orders: orders.remove(&id).unwrap_or_default(),
                open_tickets: tickets
                    .get(&id)
                    .and_then(|n| u32::try_from(*n).ok())
                    .unwrap_or(0),
            };
            let anything = !glance.trend.is_empty()
                || glance.aging.total().0 > 0
                || glance.credit.limit.is_some()
                || glance.credit.credit.0 > 0
                || !glance.open_orders.is_empty()
                || glance.open_tickets > 0;
            anything.then_some(glance)
        })
        .collect();
    Ok((months, out))
}
