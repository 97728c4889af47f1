//! Employees (staff and users). Every function is scoped by company.
use super::DbConn;
use crate::domain::ids::{CompanyId, EmployeeId};
use crate::domain::staff::{EmployeeFields, Role};
use crate::server::db::on;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// An employee as stored, without the password hash.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EmployeeRow {
    pub id: Uuid,
    pub name: String,
    pub login: String,
    pub phone: Option<String>,
    pub role: Role,
    pub territory: Option<String>,
    pub active: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What sign-in needs to check one candidate.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SignInRow {
    pub company_id: Uuid,
    pub id: Uuid,
    pub password_hash: String,
    pub active: bool,
}

const COLUMNS: &str =
    "id, name, login, phone, role, territory, active, version, created_at, updated_at";

pub async fn insert(
    conn: &mut DbConn,
    company: CompanyId,
    id: EmployeeId,
    fields: &EmployeeFields,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    on!(conn, |ex| sqlx::query(
        "INSERT INTO employees (company_id, id, name, login, phone, role, territory, active, \
         password_hash, version, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, $8, 1, $9, $10)",
    )
    .bind(company.0)
    .bind(id.0)
    .bind(&fields.name)
    .bind(fields.login.as_str())
    .bind(fields.phone.as_ref().map(|p| p.as_str()))
    .bind(fields.role.as_str())
    .bind(&fields.territory)
    .bind(password_hash)
    .bind(now)
    .bind(now)
    .execute(&mut *ex)
    .await
    .map(|d| d.rows_affected()))?;
    Ok(())
}

/// All employees of the company: active first, then by role (owner, manager, rep, driver), then
/// by name.
pub async fn list(conn: &mut DbConn, company: CompanyId) -> Result<Vec<EmployeeRow>, sqlx::Error> {
    on!(conn, |ex| {
        sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM employees WHERE company_id = $1 \
         ORDER BY active DESC, CASE role WHEN 'owner' THEN 0 WHEN 'manager' THEN 1 WHEN 'rep' THEN 2 ELSE 3 END, name"
    ))
    .bind(company.0)
    .fetch_all(&mut *ex)
    .await
    })
}

pub async fn get(
    conn: &mut DbConn,
    company: CompanyId,
    id: EmployeeId,
) -> Result<Option<EmployeeRow>, sqlx::Error> {
    on!(conn, |ex| sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM employees WHERE company_id = $1 AND id = $2"
    ))
    .bind(company.0)
    .bind(id.0)
    .fetch_optional(&mut *ex)
    .await)
}

/// Every employee, in any company, whose login is `login` (already lower-cased).
pub async fn find_for_sign_in(
    conn: &mut DbConn,
    login: &str,
) -> Result<Vec<SignInRow>, sqlx::Error> {
    on!(conn, |ex| sqlx::query_as(
        "SELECT company_id, id, password_hash, active FROM employees WHERE login = $1 LIMIT 8",
    )
    .bind(login)
    .fetch_all(&mut *ex)
    .await)
}

/// Saves new field values if the row is still at `expected_version`. Returns whether a
/// row was updated (false: missing or changed meanwhile).
pub async fn update(
    conn: &mut DbConn,
    company: CompanyId,
    id: EmployeeId,
    expected_version: i64,
    fields: &EmployeeFields,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = on!(conn, |ex| sqlx::query(
        "UPDATE employees SET name = $1, login = $2, phone = $3, role = $4, territory = $5, \
         version = version + 1, updated_at = $6 \
         WHERE company_id = $7 AND id = $8 AND version = $9",
    )
    .bind(&fields.name)
    .bind(fields.login.as_str())
    .bind(fields.phone.as_ref().map(|p| p.as_str()))
    .bind(fields.role.as_str())
    .bind(&fields.territory)
    .bind(now)
    .bind(company.0)
    .bind(id.0)
    .bind(expected_version)
    .execute(&mut *ex)
    .await
    .map(|d| d.rows_affected()))?;
    Ok(done == 1)
}

/// Activates or deactivates if the row is still at `expected_version`.
pub async fn set_active(
    conn: &mut DbConn,
    company: CompanyId,
    id: EmployeeId,
    expected_version: i64,
    active: bool,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = on!(conn, |ex| sqlx::query(
        "UPDATE employees SET active = $1, version = version + 1, updated_at = $2 \
         WHERE company_id = $3 AND id = $4 AND version = $5",
    )
    .bind(active)
    .bind(now)
    .bind(company.0)
    .bind(id.0)
    .bind(expected_version)
    .execute(&mut *ex)
    .await
    .map(|d| d.rows_affected()))?;
    Ok(done == 1)
}

pub async fn set_password_hash(
    conn: &mut DbConn,
    company: CompanyId,
    id: EmployeeId,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = on!(conn, |ex| sqlx::query(
        "UPDATE employees SET password_hash = $1, version = version + 1, updated_at = $2 \
         WHERE company_id = $3 AND id = $4",
    )
    .bind(hash)
    .bind(now)
    .bind(company.0)
    .bind(id.0)
    .execute(&mut *ex)
    .await
    .map(|d| d.rows_affected()))?;
    Ok(done == 1)
}

pub async fn count_active_owners(
    conn: &mut DbConn,
    company: CompanyId,
) -> Result<u32, sqlx::Error> {
    let n: i64 = on!(conn, |ex| {
        sqlx::query_scalar(
        "SELECT count(*) FROM employees WHERE company_id = $1 AND role = 'owner' AND active = TRUE",
    )
    .bind(company.0)
    .fetch_one(&mut *ex)
    .await
    })?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Head-count figures for the dashboard.
#[derive(Debug, Clone, Default)]
pub struct StaffStats {
    pub total: i64,
    pub active: i64,
    pub active_by_role: Vec<(Role, i64)>,
    pub last_change: Option<DateTime<Utc>>,
}

pub async fn stats(conn: &mut DbConn, company: CompanyId) -> Result<StaffStats, sqlx::Error> {
    let rows: Vec<(String, bool, i64, Option<DateTime<Utc>>)> = on!(conn, |ex| sqlx::query_as(
        "SELECT role, active, count(*), max(updated_at) FROM employees \
         WHERE company_id = $1 GROUP BY role, active",
    )
    .bind(company.0)
    .fetch_all(&mut *ex)
    .await)?;
    let mut s = StaffStats::default();
    for role in Role::ALL {
        s.active_by_role.push((role, 0));
    }
    for (role, active, n, last) in rows {
        s.total += n;
        if active {
            s.active += n;
            let role = Role::parse(&role);
            if let Some(entry) = s.active_by_role.iter_mut().find(|(r, _)| Ok(*r) == role) {
                entry.1 += n;
            }
        }
        s.last_change = s.last_change.max(last);
    }
    Ok(s)
}
