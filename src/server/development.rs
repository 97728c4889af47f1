//! The use cases of the development feature: what its server functions (`features/development/api.rs`)
//! do, each in its own transaction, with the rules from `domain/`.
use crate::domain::development::{SuggestionStatus, TrainingInput};
use crate::domain::development::{
    Training, parse_level, parse_skill, parse_suggestion, quarter_hours,
};
use crate::domain::ids::EmployeeId;
use crate::domain::staff::Action;
use crate::domain::validation::{FieldError, FieldErrorCode, ForField as _, take};
use crate::error::AppError;
use crate::features::auth::api::CurrentUser;
use crate::features::development::api::*;
use crate::server::context;
use crate::server::db::{DbConn, development as repo, employees};
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeSet;
use uuid::Uuid;

fn training_view(r: repo::TrainingRow) -> TrainingView {
    TrainingView {
        id: r.id.into(),
        employee_id: r.employee_id.into(),
        employee: r.employee_name,
        date: r.day,
        topic: r.topic,
        tenths: r.tenths,
        trainer: r.trainer,
        external: r.external,
    }
}

fn suggestion_view(r: repo::SuggestionRow) -> Option<SuggestionView> {
    Some(SuggestionView {
        id: r.id.into(),
        employee_id: r.employee_id.into(),
        employee: r.employee_name,
        title: r.title,
        body: r.body,
        status: r.status,
        response: r.response,
        version: r.version,
        date: crate::domain::time::beijing_date(r.created_at).to_string(),
    })
}

fn today() -> NaiveDate {
    crate::domain::time::beijing_date(chrono::Utc::now())
}

/// The last four quarters, oldest first: `(year, quarter)`.
fn last_quarters(today: NaiveDate) -> Vec<(i32, u32)> {
    let mut y = today.year();
    let mut q = today.month0() / 3 + 1;
    let mut out = Vec::new();
    for _ in 0..4 {
        out.push((y, q));
        if q == 1 {
            q = 4;
            y -= 1;
        } else {
            q -= 1;
        }
    }
    out.reverse();
    out
}

pub async fn overview() -> Result<DevelopmentOverview, AppError> {
    let (state, user) = context::authorize(Action::UseStaffPages).await?;
    let manage = user.role.may(Action::ViewStaff);
    let mut conn = state.conn().await?;
    let mine = (!manage).then_some(user.id);
    let suggestions = repo::suggestions(&mut conn, user.company_id, mine)
        .await?
        .into_iter()
        .filter_map(suggestion_view)
        .collect();
    if !manage {
        return Ok(DevelopmentOverview {
            quarters: Vec::new(),
            hours: Vec::new(),
            skills: Vec::new(),
            matrix: Vec::new(),
            suggestions,
            may_manage: false,
        });
    }
    let quarters = last_quarters(today());
    let since = NaiveDate::from_ymd_opt(quarters[0].0, (quarters[0].1 - 1) * 3 + 1, 1);
    let staff: Vec<employees::EmployeeRow> = employees::list(&mut conn, user.company_id)
        .await?
        .into_iter()
        .filter(|e| e.active)
        .collect();
    let trainings = repo::trainings(&mut conn, user.company_id, None, since).await?;
    let sessions: Vec<(Uuid, NaiveDate, i64)> = trainings
        .iter()
        .filter_map(|t| {
            Some((
                t.employee_id,
                NaiveDate::parse_from_str(&t.day, "%Y-%m-%d").ok()?,
                t.tenths,
            ))
        })
        .collect();
    let sums = quarter_hours(&sessions);
    let hours = staff
        .iter()
        .map(|e| {
            (
                e.id.to_string(),
                e.name.clone(),
                quarters
                    .iter()
                    .map(|(y, q)| sums.get(&(e.id, *y, *q)).copied().unwrap_or(0))
                    .collect(),
            )
        })
        .collect();
    let cells = repo::skills(&mut conn, user.company_id, None).await?;
    let skills: Vec<String> = cells
        .iter()
        .map(|(_, s, _)| s.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let matrix = staff
        .iter()
        .map(|e| {
            (
                e.id.to_string(),
                e.name.clone(),
                skills
                    .iter()
                    .map(|s| {
                        cells
                            .iter()
                            .find(|(who, k, _)| *who == e.id && k == s)
                            .and_then(|(_, _, l)| u8::try_from(*l).ok())
                    })
                    .collect(),
            )
        })
        .collect();
    Ok(DevelopmentOverview {
        quarters: quarters.iter().map(|(y, q)| format!("{y} Q{q}")).collect(),
        hours,
        skills,
        matrix,
        suggestions,
        may_manage: true,
    })
}

/// The employee `id` if the user may see their record: their own, or anyone's for the
/// owner and managers. Others are "not found" (a rep learns nothing of colleagues).
async fn visible_employee(
    conn: &mut DbConn,
    user: &CurrentUser,
    id: &str,
) -> Result<employees::EmployeeRow, AppError> {
    let id = if id.trim().is_empty() {
        user.id
    } else {
        context::record_id(id)?
    };
    if id != user.id && !user.role.may(Action::ViewStaff) {
        return Err(AppError::NotFound);
    }
    employees::get(conn, user.company_id, id)
        .await?
        .ok_or(AppError::NotFound)
}

async fn record(
    conn: &mut DbConn,
    user: &CurrentUser,
    e: employees::EmployeeRow,
) -> Result<EmployeeDevelopment, AppError> {
    let who = EmployeeId(e.id);
    let trainings: Vec<TrainingView> = repo::trainings(conn, user.company_id, Some(who), None)
        .await?
        .into_iter()
        .map(training_view)
        .collect();
    let sessions: Vec<((), NaiveDate, i64)> = trainings
        .iter()
        .filter_map(|t| {
            Some((
                (),
                NaiveDate::parse_from_str(&t.date, "%Y-%m-%d").ok()?,
                t.tenths,
            ))
        })
        .collect();
    let mut quarters: Vec<(String, i64)> = quarter_hours(&sessions)
        .into_iter()
        .map(|(((), y, q), t)| (format!("{y} Q{q}"), t))
        .collect();
    quarters.reverse();
    let skills = repo::skills(conn, user.company_id, Some(who))
        .await?
        .into_iter()
        .filter_map(|(_, s, l)| Some((s, u8::try_from(l).ok()?)))
        .collect();
    let suggestions = repo::suggestions(conn, user.company_id, Some(who))
        .await?
        .into_iter()
        .filter_map(suggestion_view)
        .collect();
    Ok(EmployeeDevelopment {
        id: e.id.into(),
        name: e.name,
        role: e.role,
        territory: e.territory,
        trainings,
        quarters,
        skills,
        suggestions,
        may_manage: user.role.may(Action::ViewStaff),
    })
}

pub async fn employee(id: String) -> Result<EmployeeDevelopment, AppError> {
    let (state, user) = context::authorize(Action::UseStaffPages).await?;
    let mut conn = state.conn().await?;
    let e = visible_employee(&mut conn, &user, &id).await?;
    record(&mut conn, &user, e).await
}

pub async fn add_training(
    employee: String,
    input: TrainingInput,
) -> Result<EmployeeDevelopment, AppError> {
    let (state, user) = context::authorize(Action::ViewStaff).await?;
    let t = Training::parse(&input, today())?;
    let mut tx = state.begin().await?;
    let e = visible_employee(&mut tx, &user, &employee).await?;
    repo::insert_training(
        &mut tx,
        user.company_id,
        EmployeeId(e.id),
        &t,
        user.id,
        chrono::Utc::now(),
    )
    .await?;
    let out = record(&mut tx, &user, e).await?;
    tx.commit().await?;
    Ok(out)
}

pub async fn set_skill(
    employee: String,
    skill: String,
    level: String,
) -> Result<EmployeeDevelopment, AppError> {
    let (state, user) = context::authorize(Action::ViewStaff).await?;
    let mut errors = Vec::new();
    let skill = take(&mut errors, "skill", parse_skill(&skill));
    let level = if level.trim().is_empty() {
        None
    } else {
        take(&mut errors, "level", parse_level(&level))
    };
    let Some(skill) = skill.filter(|_| errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    let mut tx = state.begin().await?;
    let e = visible_employee(&mut tx, &user, &employee).await?;
    repo::set_skill(
        &mut tx,
        user.company_id,
        EmployeeId(e.id),
        &skill,
        level,
        chrono::Utc::now(),
    )
    .await?;
    let out = record(&mut tx, &user, e).await?;
    tx.commit().await?;
    Ok(out)
}

pub async fn suggest(title: String, body: String) -> Result<SuggestionView, AppError> {
    let (state, user) = context::authorize(Action::UseStaffPages).await?;
    let (title, body) = parse_suggestion(&title, &body)?;
    let mut tx = state.begin().await?;
    let id = repo::insert_suggestion(
        &mut tx,
        user.company_id,
        user.id,
        &title,
        &body,
        chrono::Utc::now(),
    )
    .await?;
    let row = repo::suggestion(&mut tx, user.company_id, id)
        .await?
        .and_then(suggestion_view)
        .ok_or(AppError::Internal)?;
    tx.commit().await?;
    Ok(row)
}

pub async fn decide(
    id: String,
    version: i64,
    status: String,
    response: String,
) -> Result<SuggestionView, AppError> {
    let (state, user) = context::authorize(Action::ViewStaff).await?;
    let to = SuggestionStatus::parse(&status).for_field("status")?;
    let response = response.trim();
    if response.chars().count() > 2000 {
        return Err(AppError::Validation(vec![FieldError::new(
            "response",
            FieldErrorCode::TooLong { max: 2000 },
        )]));
    }
    let id: Uuid = context::record_id(&id)?;
    let mut tx = state.begin().await?;
    let row = repo::suggestion(&mut tx, user.company_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let current = row.status;
    if row.version != version {
        return Err(AppError::Conflict(crate::error::Conflict::StaleVersion));
    }
    if !current.may_become(to) {
        return Err(AppError::Validation(vec![FieldError::new(
            "status",
            FieldErrorCode::InvalidTransition,
        )]));
    }
    let done = repo::set_suggestion_status(
        &mut tx,
        user.company_id,
        id,
        version,
        to,
        Some(response).filter(|r| !r.is_empty()),
        chrono::Utc::now(),
    )
    .await?;
    if !done {
        return Err(AppError::Conflict(crate::error::Conflict::StaleVersion));
    }
    let out = repo::suggestion(&mut tx, user.company_id, id)
        .await?
        .and_then(suggestion_view)
        .ok_or(AppError::Internal)?;
    tx.commit().await?;
    Ok(out)
}
