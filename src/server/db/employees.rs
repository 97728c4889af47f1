//! Employees (staff and users). Every function is scoped by company.
use super::DbConn;
use crate::domain::ids::{CompanyId, EmployeeId};
use crate::domain::staff::{EmployeeFields, Role};
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
    sqlx::query(
        "INSERT INTO employees (company_id, id, name, login, phone, role, territory, active, \
         password_hash, version, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, 1, ?, ?)",
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
    .execute(conn)
    .await?;
    Ok(())
}

/// All employees of the company: active first, then by role (owner, manager, rep, driver), then
/// by name.
pub async fn list(conn: &mut DbConn, company: CompanyId) -> Result<Vec<EmployeeRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM employees WHERE company_id = ? \
         ORDER BY active DESC, CASE role WHEN 'owner' THEN 0 WHEN 'manager' THEN 1 WHEN 'rep' THEN 2 ELSE 3 END, name"
    ))
    .bind(company.0)
    .fetch_all(conn)
    .await
}

pub async fn get(
    conn: &mut DbConn,
    company: CompanyId,
    id: EmployeeId,
) -> Result<Option<EmployeeRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM employees WHERE company_id = ? AND id = ?"
    ))
    .bind(company.0)
    .bind(id.0)
    .fetch_optional(conn)
    .await
}

/// Every employee, in any company, whose login is `login` (already lower-cased).
pub async fn find_for_sign_in(
    conn: &mut DbConn,
    login: &str,
) -> Result<Vec<SignInRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT company_id, id, password_hash, active FROM employees WHERE login = ? LIMIT 8",
    )
    .bind(login)
    .fetch_all(conn)
    .await
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
    let done = sqlx::query(
        "UPDATE employees SET name = ?, login = ?, phone = ?, role = ?, territory = ?, \
         version = version + 1, updated_at = ? \
         WHERE company_id = ? AND id = ? AND version = ?",
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
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
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
    let done = sqlx::query(
        "UPDATE employees SET active = ?, version = version + 1, updated_at = ? \
         WHERE company_id = ? AND id = ? AND version = ?",
    )
    .bind(active)
    .bind(now)
    .bind(company.0)
    .bind(id.0)
    .bind(expected_version)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_password_hash(
    conn: &mut DbConn,
    company: CompanyId,
    id: EmployeeId,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE employees SET password_hash = ?, version = version + 1, updated_at = ? \
         WHERE company_id = ? AND id = ?",
    )
    .bind(hash)
    .bind(now)
    .bind(company.0)
    .bind(id.0)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn count_active_owners(
    conn: &mut DbConn,
    company: CompanyId,
) -> Result<u32, sqlx::Error> {
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM employees WHERE company_id = ? AND role = 'owner' AND active = 1",
    )
    .bind(company.0)
    .fetch_one(conn)
    .await?;
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
    let rows: Vec<(String, bool, i64, Option<DateTime<Utc>>)> = sqlx::query_as(
        "SELECT role, active, count(*), max(updated_at) FROM employees \
         WHERE company_id = ? GROUP BY role, active",
    )
    .bind(company.0)
    .fetch_all(conn)
    .await?;
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
