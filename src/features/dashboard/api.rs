//! Server function for the dashboard tiles.
use crate::domain::staff::Role;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// What the dashboard shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardSummary {
    pub company_name: String,
    pub staff_total: i64,
    pub staff_active: i64,
    pub active_by_role: Vec<(Role, i64)>,
    /// When the company's data last changed (data freshness).
    pub last_change: Option<DateTime<Utc>>,
    /// Customers per tier in force (within the user's scope): A, B, C, not classified.
    pub tiers: [i64; 4],
    /// Changes of the newest snapshot: up, down, first classified; `None` without one.
    pub movement: Option<(i64, i64, i64)>,
    /// Support candidates among B and C customers in the last whole month, by the
    /// company's rule, and that month (`2026-10`).
    pub candidates: u64,
    pub candidates_month: String,
    /// Open violation records within scope.
    pub open_violations: i64,
    /// Tickets that breached their standard today (Beijing), and unfinished tickets.
    pub breaches_today: i64,
    pub open_tickets: i64,
    /// Customers whose visit is overdue by their tier's frequency (within scope).
    pub overdue_visits: u64,
    /// Key persons' birthdays in the next seven days: `(date, customer name)`.
    pub birthdays: Vec<(String, String)>,
}

/// Figures for the signed-in user's company.
#[server(endpoint = "dashboard", input = Json)]
pub async fn get_dashboard() -> Result<DashboardSummary, AppError> {
    summary().await
}

#[cfg(feature = "ssr")]
async fn summary() -> Result<DashboardSummary, AppError> {
    use crate::domain::segmentation::Class;
    use crate::domain::staff::Action;
    use crate::server::context;
    use crate::server::db::employees;
    let (state, user) = context::authorize(Action::ViewDashboard).await?;
    let mut conn = state.conn().await?;
    let s = employees::stats(&mut conn, user.company_id).await?;
    let scope = crate::server::context::scope_of(&user);
    let mut tiers = [0i64; 4];
    for (t, n) in crate::server::db::tiers::tier_counts(&mut conn, user.company_id, scope).await? {
        let at = match t {
            Some(Class::A) => 0,
            Some(Class::B) => 1,
            Some(Class::C) => 2,
            None => 3,
        };
        tiers[at] += n;
    }
    let latest = crate::server::db::tiers::latest_snapshots(&mut conn, user.company_id).await?;
    let movement = match latest.first() {
        None => None,
        Some((id, _)) => {
            let counts =
                crate::server::db::tiers::change_counts(&mut conn, user.company_id, scope, *id)
                    .await?;
            let (mut up, mut down, mut first) = (0, 0, 0);
            for (old, new, n) in counts {
                // A < B < C: a move up is to a smaller class
                match old {
                    None => first += n,
                    Some(o) if new < o => up += n,
                    Some(_) => down += n,
                }
            }
            Some((up, down, first))
        }
    };
    let open_violations =
        crate::server::db::discipline::open_count(&mut conn, user.company_id, scope).await?;
    let today = crate::domain::time::beijing_date(chrono::Utc::now());
    let midnight = crate::domain::time::from_beijing(today.and_time(chrono::NaiveTime::MIN));
    let breaches_today = crate::server::db::tickets::breached_between(
        &mut conn,
        user.company_id,
        scope,
        midnight,
        midnight + chrono::Duration::days(1),
    )
    .await?;
    let open_tickets =
        crate::server::db::tickets::open_count(&mut conn, user.company_id, scope).await?;
    let (overdue_visits, birthdays) =
        crate::features::visits::api::imp::week_at_a_glance(&mut conn, &user).await?;
    drop(conn);
    let rule = {
        let mut conn = state.conn().await?;
        crate::server::db::tiers::candidate_rule(&mut conn, user.company_id)
            .await?
            .unwrap_or_default()
    };
    let month =
        crate::domain::growth::Window::containing(crate::domain::growth::PeriodKind::Month, today)
            .previous();
    let rows = crate::server::growth::watch(
        state.segmentation_sources(),
        user.company_id,
        scope,
        &crate::server::growth::Request {
            window: month,
            measure: crate::domain::sales::Measure::Sales,
            tiers: vec![Some(Class::B), Some(Class::C)],
            rule,
        },
    )
    .await?;
    Ok(DashboardSummary {
        company_name: user.company_name,
        staff_total: s.total,
        staff_active: s.active,
        active_by_role: s.active_by_role,
        last_change: s.last_change,
        tiers,
        movement,
        candidates: rows.iter().filter(|r| r.candidate.is_some()).count() as u64,
        candidates_month: month.anchor(),
        open_violations,
        breaches_today,
        open_tickets,
        overdue_visits,
        birthdays,
    })
}
