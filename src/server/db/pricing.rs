//! Price lists (`price_entries`): the base list, the tiers' lists and customers' agreed
//! prices. Days are stored as `YYYY-MM-DD` text on both engines.
use crate::domain::ids::{CompanyId, EmployeeId};
use crate::domain::money::Money;
use crate::domain::pricing::{PriceEntry, PriceScope};
use crate::domain::segmentation::Class;
use crate::server::db::DbConn;
use crate::server::db::customers::Scope;
use crate::server::db::on;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// A price entry as the price list shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PriceRow {
    pub id: Uuid,
    pub product_id: Uuid,
    pub sku: String,
    pub product_name: String,
    pub unit: Option<String>,
    pub price_floor: Option<i64>,
    /// `base`, `A`, `B`, `C` or `customer`.
    pub scope: String,
    pub customer_code: Option<String>,
    pub customer_name: Option<String>,
    pub valid_from: String,
    pub valid_until: Option<String>,
    pub price: i64,
    pub approved_by: Option<String>,
    pub approval_reason: Option<String>,
}

/// The entries `scope` may see (a rep: the lists, and the agreed prices of their own
/// customers), of one product or all, by product, scope, customer and newest first.
const VISIBLE: &str = "FROM price_entries pe \
     JOIN products p ON p.company_id = pe.company_id AND p.id = pe.product_id \
     LEFT JOIN customers c ON c.company_id = pe.company_id AND c.id = pe.customer_id \
     LEFT JOIN employees e ON e.company_id = pe.company_id AND e.id = pe.approved_by \
     WHERE pe.company_id = $1 AND ($2 IS NULL OR pe.product_id = $2) \
     AND (pe.customer_id IS NULL OR $3 IS NULL OR c.rep_id = $3)";

/// A page of the entries `scope` may see.
pub async fn page(
    conn: &mut DbConn,
    company: CompanyId,
    scope: Scope,
    product: Option<Uuid>,
    limit: i64,
    offset: i64,
) -> Result<Vec<PriceRow>, sqlx::Error> {
    on!(conn, |ex| sqlx::query_as(&format!(
        "SELECT pe.id, pe.product_id, p.sku, p.name AS product_name, p.unit, p.price_floor, \
         pe.scope, c.code AS customer_code, c.name AS customer_name, pe.valid_from, \
         pe.valid_until, pe.price, e.name AS approved_by, pe.approval_reason {VISIBLE} \
         ORDER BY p.sku, CASE pe.scope WHEN 'base' THEN 0 WHEN 'A' THEN 1 WHEN 'B' THEN 2 \
         WHEN 'C' THEN 3 ELSE 4 END, c.code, pe.valid_from DESC, pe.id \
         LIMIT $4 OFFSET $5"
    ))
    .bind(company.0)
    .bind(product)
    .bind(scope.rep())
    .bind(limit)
    .bind(offset)
    .fetch_all(&mut *ex)
    .await)
}

/// How many entries [`page`] pages through.
pub async fn count(
    conn: &mut DbConn,
    company: CompanyId,
    scope: Scope,
    product: Option<Uuid>,
) -> Result<i64, sqlx::Error> {
    on!(conn, |ex| sqlx::query_scalar(&format!(
        "SELECT count(*) {VISIBLE}"
    ))
    .bind(company.0)
    .bind(product)
    .bind(scope.rep())
    .fetch_one(&mut *ex)
    .await)
}

/// A price entry to store.
#[derive(Debug, Clone)]
pub struct NewPrice {
    pub id: Uuid,
    pub product_id: Uuid,
    pub scope: &'static str,
    pub customer_id: Option<Uuid>,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub price: Money,
    /// Under the floor: who approved it, and why.
    pub approval: Option<(EmployeeId, String)>,
    pub created_by: EmployeeId,
    pub created_at: DateTime<Utc>,
}

/// Stores an entry; a unique-key error when its scope already has an entry for the
/// product starting that day.
pub async fn insert(
    conn: &mut DbConn,
    company: CompanyId,
    p: &NewPrice,
) -> Result<(), sqlx::Error> {
    on!(conn, |ex| sqlx::query(
        "INSERT INTO price_entries (company_id, id, product_id, scope, customer_id, valid_from, \
         valid_until, price, approved_by, approval_reason, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(company.0)
    .bind(p.id)
    .bind(p.product_id)
    .bind(p.scope)
    .bind(p.customer_id)
    .bind(p.valid_from.to_string())
    .bind(p.valid_until.map(|d| d.to_string()))
    .bind(p.price.0)
    .bind(p.approval.as_ref().map(|(by, _)| by.0))
    .bind(p.approval.as_ref().map(|(_, why)| why.clone()))
    .bind(p.created_by.0)
    .bind(p.created_at)
    .execute(&mut *ex)
    .await
    .map(|_| ()))
}

/// Deletes an entry of the company; false when there is none with this id.
pub async fn delete(conn: &mut DbConn, company: CompanyId, id: Uuid) -> Result<bool, sqlx::Error> {
    let done = on!(conn, |ex| sqlx::query(
        "DELETE FROM price_entries WHERE company_id = $1 AND id = $2"
    )
    .bind(company.0)
    .bind(id)
    .execute(&mut *ex)
    .await
    .map(|d| d.rows_affected()))?;
    Ok(done == 1)
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    product_id: Uuid,
    scope: String,
    customer_id: Option<Uuid>,
    valid_from: String,
    valid_until: Option<String>,
    price: i64,
}

/// Every entry that can price `customer`: the lists, and the customer's agreed prices.
/// A stored row the rules cannot read (which the schema's checks prevent) is skipped.
pub async fn entries_for(
    conn: &mut DbConn,
    company: CompanyId,
    customer: Uuid,
) -> Result<Vec<PriceEntry>, sqlx::Error> {
    let rows: Vec<EntryRow> = on!(conn, |ex| sqlx::query_as(
        "SELECT product_id, scope, customer_id, valid_from, valid_until, price \
         FROM price_entries WHERE company_id = $1 AND (customer_id IS NULL OR customer_id = $2)",
    )
    .bind(company.0)
    .bind(customer)
    .fetch_all(&mut *ex)
    .await)?;
    Ok(entries_of(rows))
}

/// Every entry that can price a customer of `rep` from `today` on: the lists, and the
/// agreed prices of that rep's own active customers (the tablet's offline bundle, which
/// holds those customers only); entries that ended before `today` are left out.
pub async fn entries_for_rep(
    conn: &mut DbConn,
    company: CompanyId,
    rep: EmployeeId,
    today: NaiveDate,
) -> Result<Vec<PriceEntry>, sqlx::Error> {
    let rows: Vec<EntryRow> = on!(conn, |ex| sqlx::query_as(
        "SELECT product_id, scope, customer_id, valid_from, valid_until, price \
         FROM price_entries pe WHERE company_id = $1 \
         AND (valid_until IS NULL OR valid_until >= $3) AND (customer_id IS NULL OR EXISTS \
         (SELECT 1 FROM customers c WHERE c.company_id = pe.company_id \
          AND c.id = pe.customer_id AND c.rep_id = $2 AND c.status = 'active'))",
    )
    .bind(company.0)
    .bind(rep.0)
    .bind(today.to_string())
    .fetch_all(&mut *ex)
    .await)?;
    Ok(entries_of(rows))
}

fn entries_of(rows: Vec<EntryRow>) -> Vec<PriceEntry> {
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    rows.into_iter()
        .filter_map(|r| {
            let scope = match (r.scope.as_str(), r.customer_id) {
                ("base", _) => PriceScope::Base,
                ("customer", Some(c)) => PriceScope::Customer(c),
                (t, _) => PriceScope::Tier(Class::parse(t).ok()?),
            };
            let until = match r.valid_until.as_deref() {
                None => None,
                Some(u) => Some(day(u)?),
            };
            Some(PriceEntry {
                scope,
                product: r.product_id,
                from: day(&r.valid_from)?,
                until,
                price: Money(r.price),
            })
        })
        .collect()
}

/// A customer as pricing needs it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PricedCustomer {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub tier: Option<String>,
    pub status: String,
}

/// The customer with `code` within `scope`.
pub async fn customer(
    conn: &mut DbConn,
    company: CompanyId,
    scope: Scope,
    code: &str,
) -> Result<Option<PricedCustomer>, sqlx::Error> {
    on!(conn, |ex| sqlx::query_as(
        "SELECT id, code, name, tier, status FROM customers \
         WHERE company_id = $1 AND code = $2 AND ($3 IS NULL OR rep_id = $3)",
    )
    .bind(company.0)
    .bind(code)
    .bind(scope.rep())
    .fetch_optional(&mut *ex)
    .await)
}
