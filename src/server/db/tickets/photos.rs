//! Photos of tickets: an objection's evidence, a delivery's proof.
use super::*;
use crate::server::db::on;

#[expect(clippy::too_many_arguments, reason = "one row's columns")]
pub async fn insert_photo(
    conn: &mut DbConn,
    company: CompanyId,
    id: Uuid,
    kind: &str,
    ticket: Uuid,
    content_type: &str,
    size: i64,
    by: EmployeeId,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    on!(conn, |ex| {
        sqlx::query(
        "INSERT INTO ticket_photos (company_id, id, ticket_kind, ticket_id, content_type, size_bytes, \
         uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(company.0)
    .bind(id)
    .bind(kind)
    .bind(ticket)
    .bind(content_type)
    .bind(size)
    .bind(by.0)
    .bind(now)
    .execute(&mut *ex)
    .await.map(|d| d.rows_affected())
    })?;
    Ok(())
}

/// Photos of these tickets: `(ticket, photo)`, oldest first.
pub async fn photos_of(
    conn: &mut DbConn,
    company: CompanyId,
    kind: &str,
    ids: &[Uuid],
) -> Result<Vec<(Uuid, Uuid)>, sqlx::Error> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        on!(conn, |ex| {
            let mut q = QueryBuilder::<Db>::new(
                "SELECT ticket_id, id FROM ticket_photos WHERE company_id = ",
            );
            q.push_bind(company.0)
                .push(" AND ticket_kind = ")
                .push_bind(kind.to_owned())
                .push(" AND ticket_id IN (");
            let mut sep = q.separated(", ");
            for id in chunk {
                sep.push_bind(*id);
            }
            q.push(") ORDER BY created_at, id");
            out.extend(
                q.build_query_as::<(Uuid, Uuid)>()
                    .fetch_all(&mut *ex)
                    .await?,
            );
            Ok::<_, sqlx::Error>(())
        })?;
    }
    Ok(out)
}

/// A ticket photo's content type, if the user may see its ticket (an objection's photos
/// by the customer's scope, a delivery's also by whoever drives it).
pub async fn photo(
    conn: &mut DbConn,
    company: CompanyId,
    scope: DeliveryScope,
    id: Uuid,
) -> Result<Option<String>, sqlx::Error> {
    on!(conn, |ex| {
        let mut q = QueryBuilder::<Db>::new(
            "SELECT p.content_type FROM ticket_photos p \
         LEFT JOIN objections o ON p.ticket_kind = 'objection' AND o.company_id = p.company_id AND o.id = p.ticket_id \
         LEFT JOIN deliveries d ON p.ticket_kind = 'delivery' AND d.company_id = p.company_id AND d.id = p.ticket_id \
         JOIN customers c ON c.company_id = p.company_id AND c.id = COALESCE(o.customer_id, d.customer_id) \
         WHERE p.company_id = ",
        );
        q.push_bind(company.0).push(" AND p.id = ").push_bind(id);
        scope.push(&mut q, "d");
        q.build_query_scalar().fetch_optional(&mut *ex).await
    })
}
