//! Staff development: training records, the skills matrix and improvement suggestions.
use crate::domain::development::{SuggestionStatus, Training};
use crate::domain::ids::{CompanyId, EmployeeId};
use crate::server::db::DbConn;
use crate::server::db::on;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::QueryBuilder;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TrainingRow {
    pub id: Uuid,
    pub employee_id: Uuid,
    pub employee_name: String,
    pub day: String,
    pub topic: String,
    pub tenths: i64,
    pub trainer: Option<String>,
    pub external: bool,
}

/// Training records, newest first; of one employee, or everyone's since `since`.
pub async fn trainings(
    conn: &mut DbConn,
    company: CompanyId,
    employee: Option<EmployeeId>,
    since: Option<NaiveDate>,
) -> Result<Vec<TrainingRow>, sqlx::Error> {
    on!(conn, |ex| {
        let mut q = QueryBuilder::<Db>::new(
            "SELECT t.id, t.employee_id, e.name AS employee_name, t.day, t.topic, t.tenths, t.trainer, \
         t.external FROM trainings t JOIN employees e ON e.company_id = t.company_id AND e.id = t.employee_id \
         WHERE t.company_id = ",
        );
        q.push_bind(company.0);
        if let Some(e) = employee {
            q.push(" AND t.employee_id = ").push_bind(e.0);
        }
        if let Some(s) = since {
            q.push(" AND t.day >= ").push_bind(s.to_string());
        }
        q.push(" ORDER BY t.day DESC, t.created_at DESC LIMIT 2000");
        q.build_query_as().fetch_all(&mut *ex).await
    })
}

pub async fn insert_training(
    conn: &mut DbConn,
    company: CompanyId,
    employee: EmployeeId,
    t: &Training,
    by: EmployeeId,
    now: DateTime<Utc>,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::now_v7();
    on!(conn, |ex| {
        sqlx::query(
        "INSERT INTO trainings (company_id, id, employee_id, day, topic, tenths, trainer, external, \
         created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(company.0)
    .bind(id)
    .bind(employee.0)
    .bind(t.date.to_string())
    .bind(&t.topic)
    .bind(t.tenths)
    .bind(t.trainer.as_deref())
    .bind(t.external)
    .bind(by.0)
    .bind(now)
    .execute(&mut *ex)
    .await.map(|d| d.rows_affected())
    })?;
    Ok(id)
}

/// The whole skills matrix: `(employee, skill, level)`.
pub async fn skills(
    conn: &mut DbConn,
    company: CompanyId,
    employee: Option<EmployeeId>,
) -> Result<Vec<(Uuid, String, i64)>, sqlx::Error> {
    on!(conn, |ex| {
        let mut q = QueryBuilder::<Db>::new(
            "SELECT employee_id, skill, level FROM employee_skills WHERE company_id = ",
        );
        q.push_bind(company.0);
        if let Some(e) = employee {
            q.push(" AND employee_id = ").push_bind(e.0);
        }
        q.push(" ORDER BY skill");
        q.build_query_as().fetch_all(&mut *ex).await
    })
}

/// Sets (or with `None` clears) one cell of the matrix.
pub async fn set_skill(
    conn: &mut DbConn,
    company: CompanyId,
    employee: EmployeeId,
    skill: &str,
    level: Option<u8>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    match level {
        Some(l) => {
            on!(conn, |ex| {
                sqlx::query(
                "INSERT INTO employee_skills (company_id, employee_id, skill, level, updated_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (company_id, employee_id, skill) DO UPDATE SET \
                 level = excluded.level, updated_at = excluded.updated_at",
            )
            .bind(company.0)
            .bind(employee.0)
            .bind(skill)
            .bind(i64::from(l))
            .bind(now)
            .execute(&mut *ex)
            .await
            .map(|d| d.rows_affected())
            })?;
        }
        None => {
            on!(conn, |ex| {
                sqlx::query(
                "DELETE FROM employee_skills WHERE company_id = $1 AND employee_id = $2 AND skill = $3",
            )
            .bind(company.0)
            .bind(employee.0)
            .bind(skill)
            .execute(&mut *ex)
            .await.map(|d| d.rows_affected())
            })?;
        }
    }
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SuggestionRow {
    pub id: Uuid,
    pub employee_id: Uuid,
    pub employee_name: String,
    pub title: String,
    pub body: String,
    pub status: crate::domain::development::SuggestionStatus,
    pub response: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
}

const SUGGESTION: &str = "SELECT s.id, s.employee_id, e.name AS employee_name, s.title, s.body, s.status, \
     s.response, s.version, s.created_at FROM suggestions s JOIN employees e ON e.company_id = s.company_id \
     AND e.id = s.employee_id WHERE s.company_id = ";

/// Suggestions, newest first; of one employee or everyone's.
pub async fn suggestions(
    conn: &mut DbConn,
    company: CompanyId,
    employee: Option<EmployeeId>,
) -> Result<Vec<SuggestionRow>, sqlx::Error> {
    on!(conn, |ex| {
        let mut q = QueryBuilder::<Db>::new(SUGGESTION);
        q.push_bind(company.0);
        if let Some(e) = employee {
            q.push(" AND s.employee_id = ").push_bind(e.0);
        }
        q.push(" ORDER BY s.created_at DESC LIMIT 500");
        q.build_query_as().fetch_all(&mut *ex).await
    })
}

pub async fn suggestion(
    conn: &mut DbConn,
    company: CompanyId,
    id: Uuid,
) -> Result<Option<SuggestionRow>, sqlx::Error> {
    on!(conn, |ex| {
        let mut q = QueryBuilder::<Db>::new(SUGGESTION);
        q.push_bind(company.0).push(" AND s.id = ").push_bind(id);
        q.build_query_as().fetch_optional(&mut *ex).await
    })
}

pub async fn insert_suggestion(
    conn: &mut DbConn,
    company: CompanyId,
    employee: EmployeeId,
    title: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::now_v7();
    on!(conn, |ex| {
        sqlx::query(
        "INSERT INTO suggestions (company_id, id, employee_id, title, body, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(company.0)
    .bind(id)
    .bind(employee.0)
    .bind(title)
    .bind(body)
    .bind(now)
    .bind(now)
    .execute(&mut *ex)
    .await.map(|d| d.rows_affected())
    })?;
    Ok(id)
}

/// Moves a suggestion on; `false` if it changed since `version`.
pub async fn set_suggestion_status(
    conn: &mut DbConn,
    company: CompanyId,
    id: Uuid,
    version: i64,
    status: SuggestionStatus,
    response: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = on!(conn, |ex| {
        sqlx::query(
        "UPDATE suggestions SET status = $1, response = COALESCE($2, response), version = version + 1, \
         updated_at = $3 WHERE company_id = $4 AND id = $5 AND version = $6",
    )
    .bind(status.as_str())
    .bind(response)
    .bind(now)
    .bind(company.0)
    .bind(id)
    .bind(version)
    .execute(&mut *ex)
    .await.map(|d| d.rows_affected())
    })?;
    Ok(done == 1)
}
