//! Companies (tenants).
use super::DbConn;
use crate::domain::ids::CompanyId;
use crate::server::db::on;
use chrono::{DateTime, Utc};

pub async fn insert(
    conn: &mut DbConn,
    id: CompanyId,
    name: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    on!(conn, |ex| sqlx::query(
        "INSERT INTO companies (id, name, created_at, updated_at) VALUES ($1, $2, $3, $4)"
    )
    .bind(id.0)
    .bind(name)
    .bind(now)
    .bind(now)
    .execute(&mut *ex)
    .await
    .map(|d| d.rows_affected()))?;
    Ok(())
}

pub async fn count(conn: &mut DbConn) -> Result<i64, sqlx::Error> {
    on!(conn, |ex| sqlx::query_scalar(
        "SELECT count(*) FROM companies"
    )
    .fetch_one(&mut *ex)
    .await)
}

/// The only company of a single-distributor install, if there is exactly one.
pub async fn single(conn: &mut DbConn) -> Result<Option<(CompanyId, String)>, sqlx::Error> {
    let rows: Vec<(uuid::Uuid, String)> = on!(conn, |ex| sqlx::query_as(
        "SELECT id, name FROM companies ORDER BY created_at LIMIT 2"
    )
    .fetch_all(&mut *ex)
    .await)?;
    Ok(match rows.as_slice() {
        [(id, name)] => Some((CompanyId(*id), name.clone())),
        _ => None,
    })
}

/// Visits a rep can make in a day (the plan's daily capacity).
pub async fn daily_visits(conn: &mut DbConn, company: CompanyId) -> Result<u32, sqlx::Error> {
    let n: Option<i64> = on!(conn, |ex| sqlx::query_scalar(
        "SELECT daily_visits FROM companies WHERE id = $1"
    )
    .bind(company.0)
    .fetch_optional(&mut *ex)
    .await)?;
    Ok(n.and_then(|n| u32::try_from(n).ok())
        .unwrap_or(crate::domain::visits::DEFAULT_DAILY_VISITS))
}

pub async fn set_daily_visits(
    conn: &mut DbConn,
    company: CompanyId,
    n: u32,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    on!(conn, |ex| sqlx::query(
        "UPDATE companies SET daily_visits = $1, updated_at = $2 WHERE id = $3"
    )
    .bind(i64::from(n))
    .bind(now)
    .bind(company.0)
    .execute(&mut *ex)
    .await
    .map(|d| d.rows_affected()))?;
    Ok(())
}
