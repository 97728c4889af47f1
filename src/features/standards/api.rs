//! Server functions of service standards (Pillar 5): the owner sets how fast a delivery,
//! a first answer and a resolution must be, optionally stricter per tier, and the
//! working calendar those "working hours only" standards count on. Everyone reads them.
use crate::domain::sla::{CalendarInput, WorkCalendar};
use crate::domain::tickets::{ServiceStandard, StandardInput};
use crate::error::AppError;
use crate::wire::FormOrJson;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// The standards (those set), the calendar, and whether the user may change them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandardsDetail {
    pub standards: Vec<ServiceStandard>,
    pub calendar: WorkCalendar,
    /// Visits per month per tier from the tier policies in force (A, B, C), if set.
    pub visits_per_month: [Option<u32>; 3],
    pub may_edit: bool,
}

#[server(endpoint = "standards/get", input = Json)]
pub async fn get_standards() -> Result<StandardsDetail, AppError> {
    imp::get().await
}

/// Saves one standard (owner).
#[server(endpoint = "standards/save", input = FormOrJson)]
pub async fn save_standard(input: StandardInput) -> Result<StandardsDetail, AppError> {
    imp::save(input).await
}

/// Replaces the working calendar (owner).
#[server(endpoint = "standards/calendar", input = FormOrJson)]
pub async fn save_calendar(input: CalendarInput) -> Result<StandardsDetail, AppError> {
    imp::save_calendar(input).await
}

#[cfg(feature = "ssr")]
pub(crate) mod imp {
    use super::*;
    use crate::domain::segmentation::Class;
    use crate::domain::staff::Action;
    use crate::features::auth::api::CurrentUser;
    use crate::server::context;
    use crate::server::db::{DbConn, service};

    pub async fn detail(
        conn: &mut DbConn,
        user: &CurrentUser,
    ) -> Result<StandardsDetail, AppError> {
        let standards = service::standards(conn, user.company_id).await?;
        let calendar = service::calendar(conn, user.company_id).await?;
        let versions = crate::server::tiers::versions(conn, user.company_id).await?;
        let today = crate::domain::time::beijing_date(chrono::Utc::now());
        let visits = Class::ALL.map(|c| {
            crate::server::tiers::policy_on(&versions, c, today).map(|p| p.visits_per_month)
        });
        Ok(StandardsDetail {
            standards,
            calendar,
            visits_per_month: visits,
            may_edit: user.role.may(Action::SetStandards),
        })
    }

    pub async fn get() -> Result<StandardsDetail, AppError> {
        let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
        let mut conn = state.conn().await?;
        detail(&mut conn, &user).await
    }

    pub async fn save(input: StandardInput) -> Result<StandardsDetail, AppError> {
        let (state, user) = context::authorize(Action::SetStandards).await?;
        let s = ServiceStandard::parse(&input)?;
        let mut tx = state.begin().await?;
        service::save_standard(&mut tx, user.company_id, &s, user.id, chrono::Utc::now()).await?;
        let out = detail(&mut tx, &user).await?;
        tx.commit().await?;
        tracing::info!(by = %user.id, kind = s.kind.as_str(), minutes = s.minutes, "standard saved");
        Ok(out)
    }

    pub async fn save_calendar(input: CalendarInput) -> Result<StandardsDetail, AppError> {
        let (state, user) = context::authorize(Action::SetStandards).await?;
        if input.days.len() > 400 {
            return Err(AppError::Validation(vec![
                crate::domain::validation::FieldError::new(
                    "days",
                    crate::domain::validation::FieldErrorCode::TooLarge,
                ),
            ]));
        }
        let c = WorkCalendar::parse(&input)?;
        let mut tx = state.begin().await?;
        service::save_calendar(&mut tx, user.company_id, &c, chrono::Utc::now()).await?;
        let out = detail(&mut tx, &user).await?;
        tx.commit().await?;
        tracing::info!(by = %user.id, days = c.days.len(), "calendar saved");
        Ok(out)
    }
}
