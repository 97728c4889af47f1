//! Territories, violation records with their evidence photos, and the automatic signals
//! (lines below the price floor, terminals served outside their sub-distributor's
//! territory). Every read a rep can reach is scoped to their customers in SQL.
use crate::domain::discipline::{Territory, ViolationKind, ViolationStatus};
use crate::domain::ids::{CompanyId, EmployeeId};
use crate::server::db::DbConn;
use crate::server::db::customers::Scope;
use crate::server::db::on;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::QueryBuilder;
use uuid::Uuid;

fn scoped<'q, DB: sqlx::Database>(q: &mut QueryBuilder<'q, DB>, scope: Scope, alias: &str)
where
    Uuid: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    if let Scope::Rep(rep) = scope {
        q.push(format!(" AND {alias}.rep_id = ")).push_bind(rep.0);
    }
}

/// A customer's territories, in order.
pub async fn territories(
    conn: &mut DbConn,
    company: CompanyId,
    customer: Uuid,
) -> Result<Vec<Territory>, sqlx::Error> {
    let rows: Vec<(String, String)> = on!(conn, |ex| sqlx::query_as(
        "SELECT district, township FROM customer_territories WHERE company_id = $1 \
         AND customer_id = $2 ORDER BY district, township",
    )
    .bind(company.0)
    .bind(customer)
    .fetch_all(&mut *ex)
    .await)?;
    Ok(rows.into_iter().map(territory).collect())
}

fn territory((district, township): (String, String)) -> Territory {
    Territory {
        district,
        township: (!township.is_empty()).then_some(township),
    }
}

/// Replaces a customer's territories.
pub async fn set_territories(
    conn: &mut DbConn,
    company: CompanyId,
    customer: Uuid,
    list: &[Territory],
) -> Result<(), sqlx::Error> {
    on!(conn, |ex| sqlx::query(
        "DELETE FROM customer_territories WHERE company_id = $1 AND customer_id = $2"
    )
    .bind(company.0)
    .bind(customer)
    .execute(&mut *ex)
    .await
    .map(|d| d.rows_affected()))?;
    for t in list {
        on!(conn, |ex| {
            sqlx::query(
                "INSERT INTO customer_territories (company_id, customer_id, district, township) \
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind(company.0)
            .bind(customer)
            .bind(&t.district)
            .bind(t.township.as_deref().unwrap_or(""))
            .execute(&mut *ex)
            .await
            .map(|d| d.rows_affected())
        })?;
    }
    Ok(())
}

/// A terminal served through a sub-distributor that has territories.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ServedRow {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub district: Option<String>,
    pub township: Option<String>,
    pub parent_id: Uuid,
    pub parent_code: String,
    pub parent_name: String,
}

/// Terminals whose sub-distributor has territories recorded, with the territories of
/// those sub-distributors; a rep's only where both are theirs.
pub async fn served_terminals(
    conn: &mut DbConn,
    company: CompanyId,
    scope: Scope,
) -> Result<(Vec<ServedRow>, Vec<(Uuid, Territory)>), sqlx::Error> {
    let rows: Vec<ServedRow> = on!(conn, |ex| {
        let mut q = QueryBuilder::<Db>::new(
            "SELECT c.id, c.code, c.name, c.district, c.township, p.id AS parent_id, \
         p.code AS parent_code, p.name AS parent_name FROM customers c \
         JOIN customers p ON p.company_id = c.company_id AND p.id = c.parent_id \
         WHERE c.kind = 'terminal' AND c.status <> 'closed' AND EXISTS (SELECT 1 FROM customer_territories t \
         WHERE t.company_id = p.company_id AND t.customer_id = p.id) AND c.company_id = ",
        );
        q.push_bind(company.0);
        scoped(&mut q, scope, "c");
        scoped(&mut q, scope, "p");
        q.push(" ORDER BY p.code, c.code");
        q.build_query_as().fetch_all(&mut *ex).await
    })?;
    let all: Vec<(Uuid, String, String)> = on!(conn, |ex| {
        sqlx::query_as(
        "SELECT customer_id, district, township FROM customer_territories WHERE company_id = $1",
    )
    .bind(company.0)
    .fetch_all(&mut *ex)
    .await
    })?;
    Ok((
        rows,
        all.into_iter()
            .map(|(c, d, t)| (c, territory((d, t))))
            .collect(),
    ))
}

/// A sales line sold under its product's price floor.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BelowFloorRow {
    pub order_date: String,
    pub customer_id: Uuid,
    pub code: String,
    pub name: String,
    pub sku: String,
    pub product_name: String,
    pub quantity: i64,
    pub amount: i64,
    pub price_floor: i64,
}

/// Lines of `[from, to]` whose unit price is below the floor — the SQL form of
/// `domain::discipline::below_floor` (`amount < floor × quantity`, sales only), newest
/// first, at most `limit`.
pub async fn below_floor_lines(
    conn: &mut DbConn,
    company: CompanyId,
    scope: Scope,
    from: NaiveDate,
    to: NaiveDate,
    limit: i64,
) -> Result<Vec<BelowFloorRow>, sqlx::Error> {
    on!(conn, |ex| {
        let mut q = QueryBuilder::<Db>::new(
            "SELECT CAST(l.order_date AS TEXT) AS order_date, l.customer_id, c.code, c.name, p.sku, p.name AS product_name, \
         l.quantity, l.amount, p.price_floor FROM sales_lines l \
         JOIN products p ON p.company_id = l.company_id AND p.id = l.product_id \
         JOIN customers c ON c.company_id = l.company_id AND c.id = l.customer_id \
         WHERE p.price_floor IS NOT NULL AND l.quantity > 0 \
         AND l.amount < p.price_floor * l.quantity AND l.company_id = ",
        );
        q.push_bind(company.0);
        q.push(" AND l.order_date BETWEEN ")
            .push_bind(from)
            .push(" AND ")
            .push_bind(to);
        scoped(&mut q, scope, "c");
        q.push(" ORDER BY l.order_date DESC, c.code LIMIT ")
            .push_bind(limit);
        q.build_query_as().fetch_all(&mut *ex).await
    })
}

/// Shelf prices seen on visits in `[from, to)` (UTC) below the product's floor, as
/// rows of one unit (`amount` = the shelf price), newest first, at most `limit`.
pub async fn below_floor_shelf(
    conn: &mut DbConn,
    company: CompanyId,
    scope: Scope,
    from: chrono::DateTime<chrono::Utc>,
    to: chrono::DateTime<chrono::Utc>,
    limit: i64,
) -> Result<Vec<(chrono::DateTime<chrono::Utc>, BelowFloorRow)>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        checked_in_at: chrono::DateTime<chrono::Utc>,
        customer_id: Uuid,
        code: String,
        name: String,
        sku: String,
        product_name: String,
        price: i64,
        price_floor: i64,
    }
    let rows: Vec<Row> = on!(conn, |ex| {
        let mut q = QueryBuilder::<Db>::new(
            "SELECT v.checked_in_at, v.customer_id, c.code, c.name, p.sku, p.name AS product_name, \
         vp.price, p.price_floor FROM visit_prices vp \
         JOIN visits v ON v.company_id = vp.company_id AND v.id = vp.visit_id \
         JOIN products p ON p.company_id = vp.company_id AND p.id = vp.product_id \
         JOIN customers c ON c.company_id = v.company_id AND c.id = v.customer_id \
         WHERE p.price_floor IS NOT NULL AND vp.price < p.price_floor AND vp.company_id = ",
        );
        q.push_bind(company.0);
        q.push(" AND v.checked_in_at >= ")
            .push_bind(from)
            .push(" AND v.checked_in_at < ")
            .push_bind(to);
        scoped(&mut q, scope, "c");
        q.push(" ORDER BY v.checked_in_at DESC, c.code LIMIT ")
            .push_bind(limit);
        q.build_query_as().fetch_all(&mut *ex).await
    })?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.checked_in_at,
                BelowFloorRow {
                    order_date: String::new(),
                    customer_id: r.customer_id,
                    code: r.code,
                    name: r.name,
                    sku: r.sku,
                    product_name: r.product_name,
                    quantity: 1,
                    amount: r.price,
                    price_floor: r.price_floor,
                },
            )
        })
        .collect())
}

/// A new violation record.
pub struct NewViolation<'a> {
    pub id: Uuid,
    pub customer: Uuid,
    pub kind: ViolationKind,
    pub occurred_on: NaiveDate,
    pub product: Option<Uuid>,
    pub place: Option<&'a str>,
    pub description: &'a str,
    pub by: EmployeeId,
    pub now: DateTime<Utc>,
}

pub async fn insert_violation(
    conn: &mut DbConn,
    company: CompanyId,
    v: &NewViolation<'_>,
) -> Result<(), sqlx::Error> {
    on!(conn, |ex| sqlx::query(
        "INSERT INTO violations (company_id, id, customer_id, kind, status, occurred_on, \
         product_id, place, description, reported_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 'reported', $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(company.0)
    .bind(v.id)
    .bind(v.customer)
    .bind(v.kind.as_str())
    .bind(v.occurred_on.format("%Y-%m-%d").to_string())
    .bind(v.product)
    .bind(v.place)
    .bind(v.description)
    .bind(v.by.0)
    .bind(v.now)
    .bind(v.now)
    .execute(&mut *ex)
    .await
    .map(|d| d.rows_affected()))?;
    Ok(())
}

/// A violation record as listed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ViolationRow {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub code: String,
    pub name: String,
    pub tier: Option<crate::domain::segmentation::Class>,
    pub kind: String,
    pub status: crate::domain::discipline::ViolationStatus,
    pub occurred_on: String,
    pub sku: Option<String>,
    pub product_name: Option<String>,
    pub place: Option<String>,
    pub description: String,
    pub penalty: Option<i64>,
    pub notes: Option<String>,
    pub reported_by_name: Option<String>,
    pub decided_by_name: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub photos: i64,
}

const VIOLATION_SELECT: &str = "SELECT v.id, v.customer_id, c.code, c.name, c.tier, v.kind, v.status, \
     v.occurred_on, p.sku, p.name AS product_name, v.place, v.description, v.penalty, v.notes, \
     r.name AS reported_by_name, d.name AS decided_by_name, v.version, v.created_at, v.updated_at, \
     (SELECT count(*) FROM violation_photos f WHERE f.company_id = v.company_id AND f.violation_id = v.id) AS photos \
     FROM violations v JOIN customers c ON c.company_id = v.company_id AND c.id = v.customer_id \
     LEFT JOIN products p ON p.company_id = v.company_id AND p.id = v.product_id \
     LEFT JOIN employees r ON r.company_id = v.company_id AND r.id = v.reported_by \
     LEFT JOIN employees d ON d.company_id = v.company_id AND d.id = v.decided_by \
     WHERE v.company_id = ";

/// Violations within scope, newest first; `open` keeps reported and confirmed ones only.
pub async fn violations(
    conn: &mut DbConn,
    company: CompanyId,
    scope: Scope,
    status: Option<ViolationStatus>,
    open: bool,
    limit: i64,
) -> Result<Vec<ViolationRow>, sqlx::Error> {
    on!(conn, |ex| {
        let mut q = QueryBuilder::<Db>::new(VIOLATION_SELECT);
        q.push_bind(company.0);
        scoped(&mut q, scope, "c");
        if let Some(s) = status {
            q.push(" AND v.status = ").push_bind(s.as_str());
        }
        if open {
            q.push(" AND v.status IN ('reported', 'confirmed')");
        }
        q.push(" ORDER BY v.created_at DESC, v.id LIMIT ")
            .push_bind(limit);
        q.build_query_as().fetch_all(&mut *ex).await
    })
}

/// One violation, if its customer is within scope.
pub async fn violation(
    conn: &mut DbConn,
    company: CompanyId,
    scope: Scope,
    id: Uuid,
) -> Result<Option<ViolationRow>, sqlx::Error> {
    on!(conn, |ex| {
        let mut q = QueryBuilder::<Db>::new(VIOLATION_SELECT);
        q.push_bind(company.0);
        scoped(&mut q, scope, "c");
        q.push(" AND v.id = ").push_bind(id);
        q.build_query_as().fetch_optional(&mut *ex).await
    })
}

/// Moves a record to `status` if it is still at `version`; false when someone else
/// changed it first.
#[expect(clippy::too_many_arguments, reason = "one column each")]
pub async fn decide(
    conn: &mut DbConn,
    company: CompanyId,
    id: Uuid,
    version: i64,
    status: ViolationStatus,
    penalty: Option<i64>,
    notes: Option<&str>,
    by: EmployeeId,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = on!(conn, |ex| sqlx::query(
        "UPDATE violations SET status = $1, penalty = $2, notes = $3, decided_by = $4, \
         updated_at = $5, version = version + 1 WHERE company_id = $6 AND id = $7 AND version = $8",
    )
    .bind(status.as_str())
    .bind(penalty)
    .bind(notes)
    .bind(by.0)
    .bind(now)
    .bind(company.0)
    .bind(id)
    .bind(version)
    .execute(&mut *ex)
    .await
    .map(|d| d.rows_affected()))?;
    Ok(done == 1)
}

/// Open violations (reported or confirmed) within scope.
pub async fn open_count(
    conn: &mut DbConn,
    company: CompanyId,
    scope: Scope,
) -> Result<i64, sqlx::Error> {
    on!(conn, |ex| {
        let mut q = QueryBuilder::<Db>::new(
            "SELECT count(*) FROM violations v JOIN customers c ON c.company_id = v.company_id \
         AND c.id = v.customer_id WHERE v.status IN ('reported', 'confirmed') AND v.company_id = ",
        );
        q.push_bind(company.0);
        scoped(&mut q, scope, "c");
        q.build_query_scalar().fetch_one(&mut *ex).await
    })
}

/// Open violations of one customer.
pub async fn open_count_of(
    conn: &mut DbConn,
    company: CompanyId,
    customer: Uuid,
) -> Result<i64, sqlx::Error> {
    on!(conn, |ex| sqlx::query_scalar(
        "SELECT count(*) FROM violations WHERE company_id = $1 AND customer_id = $2 \
         AND status IN ('reported', 'confirmed')",
    )
    .bind(company.0)
    .bind(customer)
    .fetch_one(&mut *ex)
    .await)
}

#[expect(clippy::too_many_arguments, reason = "one column each")]
pub async fn insert_photo(
    conn: &mut DbConn,
    company: CompanyId,
    id: Uuid,
    violation: Uuid,
    content_type: &str,
    size: i64,
    by: EmployeeId,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    on!(conn, |ex| sqlx::query(
        "INSERT INTO violation_photos (company_id, id, violation_id, content_type, size_bytes, \
         uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(company.0)
    .bind(id)
    .bind(violation)
    .bind(content_type)
    .bind(size)
    .bind(by.0)
    .bind(now)
    .execute(&mut *ex)
    .await
    .map(|d| d.rows_affected()))?;
    Ok(())
}

/// The evidence photos of a violation: `(id, content type)`, oldest first.
pub async fn photos(
    conn: &mut DbConn,
    company: CompanyId,
    violation: Uuid,
) -> Result<Vec<(Uuid, String)>, sqlx::Error> {
    on!(conn, |ex| sqlx::query_as(
        "SELECT id, content_type FROM violation_photos WHERE company_id = $1 AND violation_id = $2 \
         ORDER BY created_at, id",
    )
    .bind(company.0)
    .bind(violation)
    .fetch_all(&mut *ex)
    .await)
}

/// The evidence photos of several violations: `(violation, photo)`, oldest first.
pub async fn photos_of(
    conn: &mut DbConn,
    company: CompanyId,
    violations: &[Uuid],
) -> Result<Vec<(Uuid, Uuid)>, sqlx::Error> {
    let mut out = Vec::new();
    for chunk in violations.chunks(500) {
        on!(conn, |ex| {
            let mut q = QueryBuilder::<Db>::new(
                "SELECT violation_id, id FROM violation_photos WHERE company_id = ",
            );
            q.push_bind(company.0).push(" AND violation_id IN (");
            let mut list = q.separated(", ");
            for v in chunk {
                list.push_bind(*v);
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

/// One evidence photo's content type, if its violation's customer is within scope.
pub async fn photo(
    conn: &mut DbConn,
    company: CompanyId,
    scope: Scope,
    id: Uuid,
) -> Result<Option<String>, sqlx::Error> {
    on!(conn, |ex| {
        let mut q = QueryBuilder::<Db>::new(
            "SELECT f.content_type FROM violation_photos f JOIN violations v \
         ON v.company_id = f.company_id AND v.id = f.violation_id \
         JOIN customers c ON c.company_id = v.company_id AND c.id = v.customer_id \
         WHERE f.company_id = ",
        );
        q.push_bind(company.0);
        q.push(" AND f.id = ").push_bind(id);
        scoped(&mut q, scope, "c");
        q.build_query_scalar().fetch_optional(&mut *ex).await
    })
}

/// A product's id by SKU.
pub async fn product_id(
    conn: &mut DbConn,
    company: CompanyId,
    sku: &str,
) -> Result<Option<Uuid>, sqlx::Error> {
    on!(conn, |ex| sqlx::query_scalar(
        "SELECT id FROM products WHERE company_id = $1 AND sku = $2"
    )
    .bind(company.0)
    .bind(sku)
    .fetch_optional(&mut *ex)
    .await)
}

/// Every sub-distributor's id, district, township and rep, by code.
pub async fn sub_distributor_places(
    conn: &mut DbConn,
    company: CompanyId,
) -> Result<Vec<(Uuid, Option<String>, Option<String>, Option<Uuid>)>, sqlx::Error> {
    on!(conn, |ex| sqlx::query_as(
        "SELECT id, district, township, rep_id FROM customers WHERE company_id = $1 \
         AND kind = 'sub_distributor' ORDER BY code",
    )
    .bind(company.0)
    .fetch_all(&mut *ex)
    .await)
}
