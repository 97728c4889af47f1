//! The handbook's draft, its published editions (never updated — a trigger refuses it)
//! and employees' acknowledgements.
use crate::domain::handbook::Draft;
use crate::domain::ids::{CompanyId, EmployeeId};
use crate::server::db::DbConn;
use crate::server::db::on;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// The draft and its version (`None` before the owner first saves one).
pub async fn draft(
    conn: &mut DbConn,
    company: CompanyId,
) -> Result<Option<(Draft, i64)>, sqlx::Error> {
    let row: Option<(String, String, String, i64)> = on!(conn, |ex| {
        sqlx::query_as(
        "SELECT foreword, visit_procedure, channel_rules, version FROM handbook_drafts WHERE company_id = $1",
    )
    .bind(company.0)
    .fetch_optional(&mut *ex)
    .await
    })?;
    Ok(row.map(|(foreword, visit_procedure, channel_rules, v)| {
        (
            Draft {
                foreword,
                visit_procedure,
                channel_rules,
            },
            v,
        )
    }))
}

/// Saves the draft if it is still at `version` (0: none yet); `false` otherwise.
pub async fn save_draft(
    conn: &mut DbConn,
    company: CompanyId,
    d: &Draft,
    version: i64,
    by: EmployeeId,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = if version == 0 {
        on!(conn, |ex| {
            sqlx::query(
            "INSERT INTO handbook_drafts (company_id, foreword, visit_procedure, channel_rules, \
             updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (company_id) DO NOTHING",
        )
        .bind(company.0)
        .bind(&d.foreword)
        .bind(&d.visit_procedure)
        .bind(&d.channel_rules)
        .bind(by.0)
        .bind(now)
        .execute(&mut *ex)
        .await
        .map(|d| d.rows_affected())
        })?
    } else {
        on!(conn, |ex| {
            sqlx::query(
            "UPDATE handbook_drafts SET foreword = $1, visit_procedure = $2, channel_rules = $3, \
             updated_by = $4, updated_at = $5, version = version + 1 WHERE company_id = $6 AND version = $7",
        )
        .bind(&d.foreword)
        .bind(&d.visit_procedure)
        .bind(&d.channel_rules)
        .bind(by.0)
        .bind(now)
        .bind(company.0)
        .bind(version)
        .execute(&mut *ex)
        .await.map(|d| d.rows_affected())
        })?
    };
    Ok(done == 1)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EditionRow {
    pub number: i64,
    pub content: String,
    pub published_by: Option<String>,
    pub published_at: DateTime<Utc>,
}

const EDITION: &str = "SELECT h.number, h.content, e.name AS published_by, h.published_at \
     FROM handbook_editions h LEFT JOIN employees e ON e.company_id = h.company_id AND e.id = h.published_by \
     WHERE h.company_id = $1";

/// Edition `number`, or the latest when `None`.
pub async fn edition(
    conn: &mut DbConn,
    company: CompanyId,
    number: Option<i64>,
) -> Result<Option<EditionRow>, sqlx::Error> {
    match number {
        Some(n) => {
            on!(conn, |ex| sqlx::query_as(&format!(
                "{EDITION} AND h.number = $2"
            ))
            .bind(company.0)
            .bind(n)
            .fetch_optional(&mut *ex)
            .await)
        }
        None => {
            on!(conn, |ex| sqlx::query_as(&format!(
                "{EDITION} ORDER BY h.number DESC LIMIT 1"
            ))
            .bind(company.0)
            .fetch_optional(&mut *ex)
            .await)
        }
    }
}

/// Every edition's number and date, newest first.
pub async fn editions(
    conn: &mut DbConn,
    company: CompanyId,
) -> Result<Vec<(i64, DateTime<Utc>)>, sqlx::Error> {
    on!(conn, |ex| {
        sqlx::query_as(
        "SELECT number, published_at FROM handbook_editions WHERE company_id = $1 ORDER BY number DESC",
    )
    .bind(company.0)
    .fetch_all(&mut *ex)
    .await
    })
}

pub async fn latest_number(
    conn: &mut DbConn,
    company: CompanyId,
) -> Result<Option<i64>, sqlx::Error> {
    on!(conn, |ex| sqlx::query_scalar(
        "SELECT MAX(number) FROM handbook_editions WHERE company_id = $1"
    )
    .bind(company.0)
    .fetch_one(&mut *ex)
    .await)
}

pub async fn insert_edition(
    conn: &mut DbConn,
    company: CompanyId,
    number: i64,
    content: &str,
    by: EmployeeId,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    on!(conn, |ex| sqlx::query(
        "INSERT INTO handbook_editions (company_id, number, content, published_by, published_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(company.0)
    .bind(number)
    .bind(content)
    .bind(by.0)
    .bind(now)
    .execute(&mut *ex)
    .await
    .map(|d| d.rows_affected()))?;
    Ok(())
}

pub async fn acknowledge(
    conn: &mut DbConn,
    company: CompanyId,
    number: i64,
    who: EmployeeId,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    on!(conn, |ex| {
        sqlx::query(
        "INSERT INTO handbook_acknowledgements (company_id, number, employee_id, acknowledged_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(company.0)
    .bind(number)
    .bind(who.0)
    .bind(now)
    .execute(&mut *ex)
    .await.map(|d| d.rows_affected())
    })?;
    Ok(())
}

/// Active employees and when each acknowledged edition `number` (if they did).
pub async fn acknowledgements(
    conn: &mut DbConn,
    company: CompanyId,
    number: i64,
) -> Result<Vec<(Uuid, String, String, Option<DateTime<Utc>>)>, sqlx::Error> {
    on!(conn, |ex| {
        sqlx::query_as(
        "SELECT e.id, e.name, e.role, a.acknowledged_at FROM employees e \
         LEFT JOIN handbook_acknowledgements a ON a.company_id = e.company_id AND a.employee_id = e.id \
         AND a.number = $1 WHERE e.company_id = $2 AND e.active = TRUE ORDER BY e.name, e.id",
    )
    .bind(number)
    .bind(company.0)
    .fetch_all(&mut *ex)
    .await
    })
}
