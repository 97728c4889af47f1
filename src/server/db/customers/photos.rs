//! A customer's photos (storefront, display): the rows; the files are kept by
//! `server::files`.
use super::*;
use crate::server::db::on;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PhotoRow {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub kind: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub created_at: DateTime<Utc>,
}

#[expect(clippy::too_many_arguments, reason = "one photo row")]
pub async fn insert_photo(
    conn: &mut DbConn,
    company: CompanyId,
    id: Uuid,
    customer: Uuid,
    kind: &str,
    content_type: &str,
    size: i64,
    by: EmployeeId,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    on!(conn, |ex| sqlx::query(
        "INSERT INTO customer_photos (company_id, id, customer_id, kind, content_type, \
         size_bytes, uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(company.0)
    .bind(id)
    .bind(customer)
    .bind(kind)
    .bind(content_type)
    .bind(size)
    .bind(by.0)
    .bind(now)
    .execute(&mut *ex)
    .await
    .map(|d| d.rows_affected()))?;
    Ok(())
}

/// A customer's photos, newest first.
pub async fn photos(
    conn: &mut DbConn,
    company: CompanyId,
    customer: Uuid,
) -> Result<Vec<PhotoRow>, sqlx::Error> {
    on!(conn, |ex| sqlx::query_as(
        "SELECT id, customer_id, kind, content_type, size_bytes, created_at FROM customer_photos \
         WHERE company_id = $1 AND customer_id = $2 ORDER BY created_at DESC LIMIT 200",
    )
    .bind(company.0)
    .bind(customer)
    .fetch_all(&mut *ex)
    .await)
}

/// A photo, only if its customer is within `scope`.
pub async fn photo(
    conn: &mut DbConn,
    company: CompanyId,
    scope: Scope,
    id: Uuid,
) -> Result<Option<PhotoRow>, sqlx::Error> {
    on!(conn, |ex| {
        let mut q = QueryBuilder::<Db>::new(
            "SELECT ph.id, ph.customer_id, ph.kind, ph.content_type, ph.size_bytes, ph.created_at \
         FROM customer_photos ph JOIN customers c \
         ON c.company_id = ph.company_id AND c.id = ph.customer_id WHERE ph.company_id = ",
        );
        q.push_bind(company.0).push(" AND ph.id = ").push_bind(id);
        scope.push(&mut q);
        q.build_query_as().fetch_optional(&mut *ex).await
    })
}

pub async fn delete_photo(
    conn: &mut DbConn,
    company: CompanyId,
    id: Uuid,
) -> Result<bool, sqlx::Error> {
    Ok(on!(conn, |ex| sqlx::query(
        "DELETE FROM customer_photos WHERE company_id = $1 AND id = $2"
    )
    .bind(company.0)
    .bind(id)
    .execute(&mut *ex)
    .await
    .map(|d| d.rows_affected()))?
        == 1)
}
