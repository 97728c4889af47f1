//! Server-side sessions, keyed by the SHA-256 of the cookie token.
use super::DbConn;
use crate::domain::ids::{CompanyId, EmployeeId};
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
    sqlx::query(
        "INSERT INTO sessions (id, company_id, employee_id, created_at, last_seen_at, expires_at, user_agent) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(token_hash)
    .bind(company.0)
    .bind(employee.0)
    .bind(now)
    .bind(now)
    .bind(expires_at)
    .bind(user_agent)
    .execute(conn)
    .await?;
    Ok(())
}

/// The session with this token hash if it has not expired and its employee is active.
pub async fn find_live(
    conn: &mut DbConn,
    token_hash: &[u8],
    now: i64,
) -> Result<Option<SessionUserRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.company_id, c.name AS company_name, s.employee_id, e.name, e.login, e.role, s.last_seen_at \
         FROM sessions s \
         JOIN employees e ON e.company_id = s.company_id AND e.id = s.employee_id \
         JOIN companies c ON c.id = s.company_id \
         WHERE s.id = ? AND s.expires_at > ? AND e.active = 1",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(conn)
    .await
}

/// Slides the expiry forward on use.
pub async fn touch(
    conn: &mut DbConn,
    token_hash: &[u8],
    now: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?")
        .bind(now)
        .bind(expires_at)
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn delete(conn: &mut DbConn, token_hash: &[u8]) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE id = ?")
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends every session of one employee (deactivation, password reset).
pub async fn delete_for_employee(
    conn: &mut DbConn,
    company: CompanyId,
    employee: EmployeeId,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM sessions WHERE company_id = ? AND employee_id = ?")
        .bind(company.0)
        .bind(employee.0)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

pub async fn delete_expired(conn: &mut DbConn, now: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= ?")
        .bind(now)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}
