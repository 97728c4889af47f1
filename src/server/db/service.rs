//! Service standards and the working calendar their timers run on.
use crate::domain::ids::{CompanyId, EmployeeId};
use crate::domain::sla::{WorkCalendar, WorkDay};
use crate::domain::tickets::{ServiceStandard, StandardKind};
use crate::server::db::DbConn;
use crate::server::db::on;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

#[derive(Debug, Clone, sqlx::FromRow)]
struct StandardRow {
    kind: String,
    minutes: i64,
    tier_a_minutes: Option<i64>,
    tier_b_minutes: Option<i64>,
    tier_c_minutes: Option<i64>,
    working_hours_only: bool,
}

/// The company's standards, in the order of [`StandardKind::ALL`].
pub async fn standards(
    conn: &mut DbConn,
    company: CompanyId,
) -> Result<Vec<ServiceStandard>, sqlx::Error> {
    let rows: Vec<StandardRow> = on!(conn, |ex| {
        sqlx::query_as(
        "SELECT kind, minutes, tier_a_minutes, tier_b_minutes, tier_c_minutes, working_hours_only \
         FROM service_standards WHERE company_id = $1",
    )
    .bind(company.0)
    .fetch_all(&mut *ex)
    .await
    })?;
    let mut out: Vec<ServiceStandard> = rows
        .into_iter()
        .filter_map(|r| {
            Some(ServiceStandard {
                kind: StandardKind::parse(&r.kind).ok()?,
                minutes: r.minutes,
                tier_minutes: [r.tier_a_minutes, r.tier_b_minutes, r.tier_c_minutes],
                working_hours_only: r.working_hours_only,
            })
        })
        .collect();
    out.sort_by_key(|s| StandardKind::ALL.iter().position(|k| *k == s.kind));
    Ok(out)
}

/// Saves (creates or replaces) one standard.
pub async fn save_standard(
    conn: &mut DbConn,
    company: CompanyId,
    s: &ServiceStandard,
    by: EmployeeId,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    on!(conn, |ex| {
        sqlx::query(
        "INSERT INTO service_standards (company_id, kind, minutes, tier_a_minutes, tier_b_minutes, \
         tier_c_minutes, working_hours_only, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (company_id, kind) DO UPDATE SET minutes = excluded.minutes, \
         tier_a_minutes = excluded.tier_a_minutes, tier_b_minutes = excluded.tier_b_minutes, \
         tier_c_minutes = excluded.tier_c_minutes, working_hours_only = excluded.working_hours_only, \
         updated_by = excluded.updated_by, updated_at = excluded.updated_at",
    )
    .bind(company.0)
    .bind(s.kind.as_str())
    .bind(s.minutes)
    .bind(s.tier_minutes[0])
    .bind(s.tier_minutes[1])
    .bind(s.tier_minutes[2])
    .bind(s.working_hours_only)
    .bind(by.0)
    .bind(now)
    .execute(&mut *ex)
    .await.map(|d| d.rows_affected())
    })?;
    Ok(())
}

/// The company's working calendar (defaults from the schema until the owner sets it).
pub async fn calendar(conn: &mut DbConn, company: CompanyId) -> Result<WorkCalendar, sqlx::Error> {
    let (open, close, weekdays): (String, String, String) = on!(conn, |ex| sqlx::query_as(
        "SELECT work_open, work_close, work_weekdays FROM companies WHERE id = $1"
    )
    .bind(company.0)
    .fetch_optional(&mut *ex)
    .await)?
    .unwrap_or_else(|| ("09:00".into(), "18:00".into(), "123456".into()));
    let days: Vec<(String, String, String)> = on!(conn, |ex| sqlx::query_as(
        "SELECT day, kind, name FROM work_days WHERE company_id = $1 ORDER BY day"
    )
    .bind(company.0)
    .fetch_all(&mut *ex)
    .await)?;
    let time = |t: &str, d: (u32, u32)| {
        NaiveTime::parse_from_str(t, "%H:%M")
            .ok()
            .or_else(|| NaiveTime::from_hms_opt(d.0, d.1, 0))
            .unwrap_or_default()
    };
    Ok(WorkCalendar {
        open: time(&open, (9, 0)),
        close: time(&close, (18, 0)),
        weekdays: weekdays
            .chars()
            .filter_map(|c| c.to_digit(10))
            .filter_map(|d| u8::try_from(d).ok())
            .collect(),
        days: days
            .into_iter()
            .filter_map(|(day, kind, name)| {
                Some(WorkDay {
                    day: NaiveDate::parse_from_str(&day, "%Y-%m-%d").ok()?,
                    holiday: kind == "holiday",
                    name,
                })
            })
            .collect(),
    })
}

/// Replaces the working calendar.
pub async fn save_calendar(
    conn: &mut DbConn,
    company: CompanyId,
    c: &WorkCalendar,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    on!(conn, |ex| sqlx::query(
        "UPDATE companies SET work_open = $1, work_close = $2, work_weekdays = $3, updated_at = $4 \
         WHERE id = $5",
    )
    .bind(c.open.format("%H:%M").to_string())
    .bind(c.close.format("%H:%M").to_string())
    .bind(c.weekday_digits())
    .bind(now)
    .bind(company.0)
    .execute(&mut *ex)
    .await
    .map(|d| d.rows_affected()))?;
    on!(conn, |ex| sqlx::query(
        "DELETE FROM work_days WHERE company_id = $1"
    )
    .bind(company.0)
    .execute(&mut *ex)
    .await
    .map(|d| d.rows_affected()))?;
    for d in &c.days {
        on!(conn, |ex| sqlx::query(
            "INSERT INTO work_days (company_id, day, kind, name) VALUES ($1, $2, $3, $4)"
        )
        .bind(company.0)
        .bind(d.day.to_string())
        .bind(if d.holiday { "holiday" } else { "workday" })
        .bind(&d.name)
        .execute(&mut *ex)
        .await
        .map(|d| d.rows_affected()))?;
    }
    Ok(())
}
