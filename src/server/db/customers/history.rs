//! A customer's history: each change of a field, who made it and when.
use super::*;
use crate::server::db::on;

/// Records one change (or the creation, field `""`) of a customer.
#[expect(clippy::too_many_arguments, reason = "one history row")]
pub async fn record_change(
    conn: &mut DbConn,
    company: CompanyId,
    customer: Uuid,
    version: i64,
    field: &str,
    old: Option<&str>,
    new: Option<&str>,
    by: Option<EmployeeId>,
    source: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let change = Change {
        customer,
        version,
        field,
        old,
        new,
    };
    record_changes(conn, company, &[change], by, source, now).await
}

/// One line of a customer's history: `field` went from `old` to `new` at `version`
/// (an empty field with no values: the customer was created).
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    pub customer: Uuid,
    pub version: i64,
    pub field: &'a str,
    pub old: Option<&'a str>,
    pub new: Option<&'a str>,
}

/// Records many history lines by one author at one time, a few thousand per statement.
pub async fn record_changes(
    conn: &mut DbConn,
    company: CompanyId,
    changes: &[Change<'_>],
    by: Option<EmployeeId>,
    source: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    for chunk in changes.chunks(MAX_BINDS / 9) {
        on!(conn, |ex| {
            let mut q = QueryBuilder::<Db>::new(
                "INSERT INTO customer_history (company_id, customer_id, version, field, old_value, \
             new_value, employee_id, source, changed_at) ",
            );
            q.push_values(chunk, |mut b, c| {
                b.push_bind(company.0)
                    .push_bind(c.customer)
                    .push_bind(c.version)
                    .push_bind(c.field.to_owned())
                    .push_bind(c.old.map(str::to_owned))
                    .push_bind(c.new.map(str::to_owned))
                    .push_bind(by.map(|e| e.0))
                    .push_bind(source.to_owned())
                    .push_bind(now);
            });
            q.build()
                .persistent(false)
                .execute(&mut *ex)
                .await
                .map(|d| d.rows_affected())
        })?;
    }
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HistoryRow {
    pub version: i64,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub by_name: Option<String>,
    pub source: String,
    pub changed_at: DateTime<Utc>,
}

/// A customer's recorded changes with a version above `after`, newest first.
pub async fn history(
    conn: &mut DbConn,
    company: CompanyId,
    customer: Uuid,
    after: i64,
    limit: i64,
) -> Result<Vec<HistoryRow>, sqlx::Error> {
    on!(conn, |ex| sqlx::query_as(
        "SELECT h.version, h.field, h.old_value, h.new_value, e.name AS by_name, h.source, \
         h.changed_at FROM customer_history h \
         LEFT JOIN employees e ON e.company_id = h.company_id AND e.id = h.employee_id \
         WHERE h.company_id = $1 AND h.customer_id = $2 AND h.version > $3 \
         ORDER BY h.version DESC, h.field LIMIT $4",
    )
    .bind(company.0)
    .bind(customer)
    .bind(after)
    .bind(limit)
    .fetch_all(&mut *ex)
    .await)
}

/// One recorded change, for a restore.
pub async fn history_entry(
    conn: &mut DbConn,
    company: CompanyId,
    customer: Uuid,
    version: i64,
    field: &str,
) -> Result<Option<HistoryRow>, sqlx::Error> {
    on!(conn, |ex| sqlx::query_as(
        "SELECT h.version, h.field, h.old_value, h.new_value, e.name AS by_name, h.source, \
         h.changed_at FROM customer_history h \
         LEFT JOIN employees e ON e.company_id = h.company_id AND e.id = h.employee_id \
         WHERE h.company_id = $1 AND h.customer_id = $2 AND h.version = $3 AND h.field = $4",
    )
    .bind(company.0)
    .bind(customer)
    .bind(version)
    .bind(field)
    .fetch_optional(&mut *ex)
    .await)
}
