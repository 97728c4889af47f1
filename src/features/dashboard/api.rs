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
    /// Receivables more than 30 days past due (within scope), and the five customers
    /// owing most of it.
    pub overdue: crate::features::receivables::api::Overdue,
}

/// Figures for the signed-in user's company.
#[server(endpoint = "dashboard", input = Json)]
pub async fn get_dashboard() -> Result<DashboardSummary, AppError> {
    crate::server::dashboard::summary().await
}
