//! Companies (tenants).
use super::DbConn;
use crate::domain::ids::CompanyId;
use chrono::{DateTime, Utc};

pub async fn insert(
    conn: &mut DbConn,
    id: CompanyId,
    name: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO companies (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)")
        .bind(id.0)
        .bind(name)
        .bind(now)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn count(conn: &mut DbConn) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM companies")
        .fetch_one(conn)
        .await
}

/// The only company of a single-distributor install, if there is exactly one.
pub async fn single(conn: &mut DbConn) -> Result<Option<(CompanyId, String)>, sqlx::Error> {
    let rows: Vec<(uuid::Uuid, String)> =
        sqlx::query_as("SELECT id, name FROM companies ORDER BY created_at LIMIT 2")
            .fetch_all(conn)
            .await?;
    Ok(match rows.as_slice() {
        [(id, name)] => Some((CompanyId(*id), name.clone())),
        _ => None,
    })
}

/// Visits a rep can make in a day (the plan's daily capacity).
pub async fn daily_visits(conn: &mut DbConn, company: CompanyId) -> Result<u32, sqlx::Error> {
    let n: Option<i64> = sqlx::query_scalar("SELECT daily_visits FROM companies WHERE id = ?")
        .bind(company.0)
        .fetch_optional(conn)
        .await?;
    Ok(n.and_then(|n| u32::try_from(n).ok())
        .unwrap_or(crate::domain::visits::DEFAULT_DAILY_VISITS))
}

pub async fn set_daily_visits(
    conn: &mut DbConn,
    company: CompanyId,
    n: u32,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE companies SET daily_visits = ?, updated_at = ? WHERE id = ?")
        .bind(i64::from(n))
        .bind(now)
        .bind(company.0)
        .execute(conn)
        .await?;
    Ok(())
}
