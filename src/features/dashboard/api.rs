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
}

/// Figures for the signed-in user's company.
#[server(endpoint = "dashboard", input = Json)]
pub async fn get_dashboard() -> Result<DashboardSummary, AppError> {
    crate::server::context::respond(summary().await)
}

#[cfg(feature = "ssr")]
async fn summary() -> Result<DashboardSummary, AppError> {
    use crate::domain::staff::Action;
    use crate::server::context;
    use crate::server::db::{self, employees};
    let (state, user) = context::authorize(Action::ViewDashboard).await?;
    let mut conn = state
        .pool
        .acquire()
        .await
        .map_err(db::internal("acquire"))?;
    let s = employees::stats(&mut conn, user.company_id)
        .await
        .map_err(db::internal("staff stats"))?;
    Ok(DashboardSummary {
        company_name: user.company_name,
        staff_total: s.total,
        staff_active: s.active,
        active_by_role: s.active_by_role,
        last_change: s.last_change,
    })
}
