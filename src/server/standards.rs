//! The use cases of the standards feature: what its server functions (`features/standards/api.rs`)
//! do, each in its own transaction, with the rules from `domain/`.
use crate::domain::segmentation::Class;
use crate::domain::sla::{CalendarInput, WorkCalendar};
use crate::domain::staff::Action;
use crate::domain::tickets::{ServiceStandard, StandardInput};
use crate::error::AppError;
use crate::features::auth::api::CurrentUser;
use crate::features::standards::api::*;
use crate::server::context;
use crate::server::db::{DbConn, service};

pub async fn detail(conn: &mut DbConn, user: &CurrentUser) -> Result<StandardsDetail, AppError> {
    let standards = service::standards(conn, user.company_id).await?;
    let calendar = service::calendar(conn, user.company_id).await?;
    let versions = crate::server::tiers::in_force::versions(conn, user.company_id).await?;
    let today = crate::domain::time::beijing_date(chrono::Utc::now());
    let visits = Class::ALL.map(|c| {
        crate::server::tiers::in_force::policy_on(&versions, c, today).map(|p| p.visits_per_month)
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
