//! Server-side sessions, keyed by the SHA-256 of the cookie token.
use super::DbConn;
use crate::domain::ids::{CompanyId, EmployeeId};
use crate::server::db::on;
use uuid::Uuid;

/// A live session with the signed-in employee it belongs to.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionUserRow {
    pub company_id: Uuid,
    pub company_name: String,
    pub employee_id: Uuid,
    pub name: String,
    pub login: String,
    pub role: crate::domain::staff::Role,
    pub last_seen_at: i64,
}

pub async fn insert(
    conn: &mut DbConn,
    token_hash: &[u8],
    company: CompanyId,
    employee: EmployeeId,
    now: i64,
    expires_at: i64,
    user_agent: Option<&str>,
) -> Result<(), sqlx::Error> {
    on!(conn, |ex| {
        sqlx::query(
        "INSERT INTO sessions (id, company_id, employee_id, created_at, last_seen_at, expires_at, user_agent) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(token_hash)
    .bind(company.0)
    .bind(employee.0)
    .bind(now)
    .bind(now)
    .bind(expires_at)
    .bind(user_agent)
    .execute(&mut *ex)
    .await.map(|d| d.rows_affected())
    })?;
    Ok(())
}

/// The session with this token hash if it has not expired and its employee is active.
pub async fn find_live(
    conn: &mut DbConn,
    token_hash: &[u8],
    now: i64,
) -> Result<Option<SessionUserRow>, sqlx::Error> {
    on!(conn, |ex| {
        sqlx::query_as(
        "SELECT s.company_id, c.name AS company_name, s.employee_id, e.name, e.login, e.role, s.last_seen_at \
         FROM sessions s \
         JOIN employees e ON e.company_id = s.company_id AND e.id = s.employee_id \
         JOIN companies c ON c.id = s.company_id \
         WHERE s.id = $1 AND s.expires_at > $2 AND e.active = TRUE",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(&mut *ex)
    .await
    })
}

/// Slides the expiry of a live session forward on use. False when the session ended
/// meanwhile (signed out in another tab, replaced by a new sign-in, expired).
pub async fn touch(
    conn: &mut DbConn,
    token_hash: &[u8],
    now: i64,
    expires_at: i64,
) -> Result<bool, sqlx::Error> {
    let slid = on!(conn, |ex| {
        sqlx::query(
        "UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id = $3 AND expires_at > $1"
    )
    .bind(now)
    .bind(expires_at)
    .bind(token_hash)
    .execute(&mut *ex)
    .await
    .map(|d| d.rows_affected())
    })?;
    Ok(slid == 1)
}

pub async fn delete(conn: &mut DbConn, token_hash: &[u8]) -> Result<(), sqlx::Error> {
    on!(conn, |ex| sqlx::query("DELETE FROM sessions WHERE id = $1")
        .bind(token_hash)
        .execute(&mut *ex)
        .await
        .map(|d| d.rows_affected()))?;
    Ok(())
}

/// Ends every session of one employee (deactivation, password reset).
pub async fn delete_for_employee(
    conn: &mut DbConn,
    company: CompanyId,
    employee: EmployeeId,
) -> Result<u64, sqlx::Error> {
    let done = on!(conn, |ex| sqlx::query(
        "DELETE FROM sessions WHERE company_id = $1 AND employee_id = $2"
    )
    .bind(company.0)
    .bind(employee.0)
    .execute(&mut *ex)
    .await
    .map(|d| d.rows_affected()))?;
    Ok(done)
}

pub async fn delete_expired(conn: &mut DbConn, now: i64) -> Result<u64, sqlx::Error> {
    let done = on!(conn, |ex| sqlx::query(
        "DELETE FROM sessions WHERE expires_at <= $1"
    )
    .bind(now)
    .execute(&mut *ex)
    .await
    .map(|d| d.rows_affected()))?;
    Ok(done)
}
