//! Sales orders (`orders`, `order_lines`, `order_events`, `order_counters`): the order
//! documents, their lines as priced when taken, every step with who and when, and the
//! numbers handed out per company and year. A rep's scope is the customer's rep.
use crate::domain::ids::{CompanyId, EmployeeId};
use crate::server::db::DbConn;
use crate::server::db::customers::Scope;
use crate::server::db::on;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// The next number of `year` in the company (1, 2, …), taken inside the writer's
/// transaction so two orders never share one.
pub async fn next_number(
    conn: &mut DbConn,
    company: CompanyId,
    year: i32,
) -> Result<i64, sqlx::Error> {
    on!(conn, |ex| sqlx::query_scalar(
        "INSERT INTO order_counters (company_id, year, last_seq) VALUES ($1, $2, 1) \
         ON CONFLICT (company_id, year) DO UPDATE SET last_seq = order_counters.last_seq + 1 \
         RETURNING last_seq",
    )
    .bind(company.0)
    .bind(i64::from(year))
    .fetch_one(&mut *ex)
    .await)
}

/// A customer as an order needs it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrderCustomer {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub tier: Option<String>,
    pub status: String,
    pub rep_id: Option<Uuid>,
}

/// The customer with `code` within `scope` (another rep's customer is not found).
pub async fn customer(
    conn: &mut DbConn,
    company: CompanyId,
    scope: Scope,
    code: &str,
) -> Result<Option<OrderCustomer>, sqlx::Error> {
    on!(conn, |ex| sqlx::query_as(
        "SELECT id, code, name, tier, status, rep_id FROM customers \
         WHERE company_id = $1 AND code = $2 AND ($3 IS NULL OR rep_id = $3)",
    )
    .bind(company.0)
    .bind(code)
    .bind(scope.rep())
    .fetch_optional(&mut *ex)
    .await)
}

/// The customer with this id within `scope`.
pub async fn customer_by_id(
    conn: &mut DbConn,
    company: CompanyId,
    scope: Scope,
    id: Uuid,
) -> Result<Option<OrderCustomer>, sqlx::Error> {
    on!(conn, |ex| sqlx::query_as(
        "SELECT id, code, name, tier, status, rep_id FROM customers \
         WHERE company_id = $1 AND id = $2 AND ($3 IS NULL OR rep_id = $3)",
    )
    .bind(company.0)
    .bind(id)
    .bind(scope.rep())
    .fetch_optional(&mut *ex)
    .await)
}

/// An order to store.
#[derive(Debug, Clone)]
pub struct NewOrder {
    pub id: Uuid,
    pub number: String,
    pub customer_id: Uuid,
    pub rep_id: Option<Uuid>,
    pub order_date: NaiveDate,
    pub source: &'static str,
    pub total: i64,
    pub created_by: EmployeeId,
    pub now: DateTime<Utc>,
}

/// One line to store.
#[derive(Debug, Clone)]
pub struct NewOrderLine {
    pub line_no: i64,
    pub product_id: Uuid,
    pub quantity: i64,
    pub unit_price: i64,
    pub amount: i64,
    pub price_source: &'static str,
    pub approval: Option<(EmployeeId, String)>,
}

/// Stores a draft order and its lines, and its first event ("create"). A unique-key
/// error when an order with this id exists (the tablet sent it twice at once).
pub async fn insert(
    conn: &mut DbConn,
    company: CompanyId,
    o: &NewOrder,
    lines: &[NewOrderLine],
) -> Result<(), sqlx::Error> {
    on!(conn, |ex| sqlx::query(
        "INSERT INTO orders (company_id, id, number, customer_id, rep_id, order_date, status, \
         source, total, batch_id, version, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'draft', $7, $8, NULL, 1, $9, $10, $10)",
    )
    .bind(company.0)
    .bind(o.id)
    .bind(&o.number)
    .bind(o.customer_id)
    .bind(o.rep_id)
    .bind(o.order_date)
    .bind(o.source)
    .bind(o.total)
    .bind(o.created_by.0)
    .bind(o.now)
    .execute(&mut *ex)
    .await
    .map(|_| ()))?;
    for l in lines {
        on!(conn, |ex| sqlx::query(
            "INSERT INTO order_lines (company_id, order_id, line_no, product_id, quantity, \
             unit_price, amount, price_source, approved_by, approval_reason) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(company.0)
        .bind(o.id)
        .bind(l.line_no)
        .bind(l.product_id)
        .bind(l.quantity)
        .bind(l.unit_price)
        .bind(l.amount)
        .bind(l.price_source)
        .bind(l.approval.as_ref().map(|(by, _)| by.0))
        .bind(l.approval.as_ref().map(|(_, why)| why.clone()))
        .execute(&mut *ex)
        .await
        .map(|_| ()))?;
    }
    add_event(conn, company, o.id, "create", o.created_by, o.now, None).await
}

/// Records a step of an order (numbered after the last one).
pub async fn add_event(
    conn: &mut DbConn,
    company: CompanyId,
    order: Uuid,
    step: &str,
    by: EmployeeId,
    at: DateTime<Utc>,
    reason: Option<&str>,
) -> Result<(), sqlx::Error> {
    on!(conn, |ex| sqlx::query(
        "INSERT INTO order_events (company_id, order_id, seq, step, by_id, happened_at, reason) \
         SELECT $1, $2, COALESCE(MAX(seq), 0) + 1, $3, $4, $5, $6 FROM order_events \
         WHERE company_id = $1 AND order_id = $2",
    )
    .bind(company.0)
    .bind(order)
    .bind(step)
    .bind(by.0)
    .bind(at)
    .bind(reason)
    .execute(&mut *ex)
    .await
    .map(|_| ()))
}

/// An order as lists and its page show it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrderRow {
    pub id: Uuid,
    pub number: String,
    pub customer_id: Uuid,
    pub customer_code: String,
    pub customer_name: String,
    pub customer_phone: Option<String>,
    pub customer_address: Option<String>,
    /// The customer's status now (`active`, `dormant`, `closed`).
    pub customer_status: String,
    pub rep_id: Option<Uuid>,
    pub rep_name: Option<String>,
    pub order_date: NaiveDate,
    pub status: String,
    pub source: String,
    pub total: i64,
    pub batch_id: Option<Uuid>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
}

const ORDER_COLUMNS: &str = "o.id, o.number, o.customer_id, c.code AS customer_code, \
     c.name AS customer_name, c.phone AS customer_phone, c.address AS customer_address, \
     c.status AS customer_status, o.rep_id, e.name AS rep_name, o.order_date, o.status, o.source, o.total, o.batch_id, \
     o.version, o.created_at \
     FROM orders o \
     JOIN customers c ON c.company_id = o.company_id AND c.id = o.customer_id \
     LEFT JOIN employees e ON e.company_id = o.company_id AND e.id = o.rep_id";

/// What a list of orders shows: a status or all, one customer or all.
#[derive(Debug, Clone, Copy, Default)]
pub struct OrderFilter<'a> {
    pub status: Option<&'a str>,
    pub customer: Option<Uuid>,
}

/// Orders `scope` may see (a rep: their customers'), newest first.
pub async fn page(
    conn: &mut DbConn,
    company: CompanyId,
    scope: Scope,
    filter: OrderFilter<'_>,
    limit: i64,
    offset: i64,
) -> Result<Vec<OrderRow>, sqlx::Error> {
    on!(conn, |ex| sqlx::query_as(&format!(
        "SELECT {ORDER_COLUMNS} WHERE o.company_id = $1 AND ($2 IS NULL OR c.rep_id = $2) \
         AND ($3 IS NULL OR o.status = $3) AND ($4 IS NULL OR o.customer_id = $4) \
         ORDER BY o.order_date DESC, o.number DESC LIMIT $5 OFFSET $6"
    ))
    .bind(company.0)
    .bind(scope.rep())
    .bind(filter.status)
    .bind(filter.customer)
    .bind(limit)
    .bind(offset)
    .fetch_all(&mut *ex)
    .await)
}

/// How many orders `page` pages through.
pub async fn count(
    conn: &mut DbConn,
    company: CompanyId,
    scope: Scope,
    filter: OrderFilter<'_>,
) -> Result<i64, sqlx::Error> {
    on!(conn, |ex| sqlx::query_scalar(
        "SELECT COUNT(*) FROM orders o \
         JOIN customers c ON c.company_id = o.company_id AND c.id = o.customer_id \
         WHERE o.company_id = $1 AND ($2 IS NULL OR c.rep_id = $2) \
         AND ($3 IS NULL OR o.status = $3) AND ($4 IS NULL OR o.customer_id = $4)"
    )
    .bind(company.0)
    .bind(scope.rep())
    .bind(filter.status)
    .bind(filter.customer)
    .fetch_one(&mut *ex)
    .await)
}

/// One order `scope` may see.
pub async fn get(
    conn: &mut DbConn,
    company: CompanyId,
    scope: Scope,
    id: Uuid,
) -> Result<Option<OrderRow>, sqlx::Error> {
    on!(conn, |ex| sqlx::query_as(&format!(
        "SELECT {ORDER_COLUMNS} WHERE o.company_id = $1 AND o.id = $2 \
         AND ($3 IS NULL OR c.rep_id = $3)"
    ))
    .bind(company.0)
    .bind(id)
    .bind(scope.rep())
    .fetch_optional(&mut *ex)
    .await)
}

/// Whether the company has an order with this id, whoever may see it (a tablet's
/// resent order, a ledger line that belongs to an order document).
pub async fn exists(conn: &mut DbConn, company: CompanyId, id: Uuid) -> Result<bool, sqlx::Error> {
    let n: i64 = on!(conn, |ex| sqlx::query_scalar(
        "SELECT COUNT(*) FROM orders WHERE company_id = $1 AND id = $2"
    )
    .bind(company.0)
    .bind(id)
    .fetch_one(&mut *ex)
    .await)?;
    Ok(n > 0)
}

/// A line of an order, with its product (and the product's cost price, for the ledger).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrderLineRow {
    pub line_no: i64,
    pub product_id: Uuid,
    pub sku: String,
    pub product_name: String,
    pub unit: Option<String>,
    pub quantity: i64,
    pub unit_price: i64,
    pub amount: i64,
    pub price_source: String,
    pub approved_by: Option<String>,
    pub approval_reason: Option<String>,
    pub cost_price: Option<i64>,
}

/// The lines of an order, in order.
pub async fn lines(
    conn: &mut DbConn,
    company: CompanyId,
    order: Uuid,
) -> Result<Vec<OrderLineRow>, sqlx::Error> {
    on!(conn, |ex| sqlx::query_as(
        "SELECT l.line_no, l.product_id, p.sku, p.name AS product_name, p.unit, l.quantity, \
         l.unit_price, l.amount, l.price_source, e.name AS approved_by, l.approval_reason, \
         p.cost_price \
         FROM order_lines l \
         JOIN products p ON p.company_id = l.company_id AND p.id = l.product_id \
         LEFT JOIN employees e ON e.company_id = l.company_id AND e.id = l.approved_by \
         WHERE l.company_id = $1 AND l.order_id = $2 ORDER BY l.line_no",
    )
    .bind(company.0)
    .bind(order)
    .fetch_all(&mut *ex)
    .await)
}

/// A step of an order as its history shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub step: String,
    pub by_name: String,
    pub happened_at: DateTime<Utc>,
    pub reason: Option<String>,
}

/// The steps of an order, oldest first.
pub async fn events(
    conn: &mut DbConn,
    company: CompanyId,
    order: Uuid,
) -> Result<Vec<EventRow>, sqlx::Error> {
    on!(conn, |ex| sqlx::query_as(
        "SELECT v.step, e.name AS by_name, v.happened_at, v.reason FROM order_events v \
         JOIN employees e ON e.company_id = v.company_id AND e.id = v.by_id \
         WHERE v.company_id = $1 AND v.order_id = $2 ORDER BY v.seq",
    )
    .bind(company.0)
    .bind(order)
    .fetch_all(&mut *ex)
    .await)
}

/// Moves an order from `from` at `version` to `to`, with the ledger batch now holding
/// its lines (`None`: not in the ledger); false when the order is no longer there
/// (another user moved it first).
#[expect(
    clippy::too_many_arguments,
    reason = "one statement's parameters, named"
)]
pub async fn set_status(
    conn: &mut DbConn,
    company: CompanyId,
    id: Uuid,
    version: i64,
    from: &str,
    to: &str,
    batch: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = on!(conn, |ex| sqlx::query(
        "UPDATE orders SET status = $1, batch_id = $2, version = version + 1, updated_at = $3 \
         WHERE company_id = $4 AND id = $5 AND version = $6 AND status = $7",
    )
    .bind(to)
    .bind(batch)
    .bind(now)
    .bind(company.0)
    .bind(id)
    .bind(version)
    .bind(from)
    .execute(&mut *ex)
    .await
    .map(|d| d.rows_affected()))?;
    Ok(done == 1)
}

/// A rep's customers' orders not yet delivered (drafts too), newest first:
/// (customer, number, status, total, order day).
pub async fn rep_open_orders(
    conn: &mut DbConn,
    company: CompanyId,
    rep: EmployeeId,
) -> Result<Vec<(Uuid, String, String, i64, NaiveDate)>, sqlx::Error> {
    on!(conn, |ex| {
        sqlx::query_as(
        "SELECT o.customer_id, o.number, o.status, o.total, o.order_date FROM orders o \
         WHERE o.company_id = $1 AND o.status IN ('draft', 'confirmed', 'picked', 'out_for_delivery') \
         AND o.customer_id IN (SELECT id FROM customers WHERE company_id = $1 AND rep_id = $2) \
         ORDER BY o.order_date DESC, o.number DESC"
    )
    .bind(company.0)
    .bind(rep.0)
    .fetch_all(&mut *ex)
    .await
    })
}

/// A confirmed order not yet delivered that has no delivery ticket — confirmed before
/// deliveries came from orders: (company, order, customer, number, who confirmed).
pub type Unticketed = (Uuid, Uuid, Uuid, String, Uuid);

/// Every company's confirmed, picked or dispatched orders without a delivery ticket.
pub async fn confirmed_without_delivery(conn: &mut DbConn) -> Result<Vec<Unticketed>, sqlx::Error> {
    on!(conn, |ex| sqlx::query_as(
        "SELECT o.company_id, o.id, o.customer_id, o.number, \
         COALESCE(e.by_id, o.created_by) \
         FROM orders o LEFT JOIN order_events e ON e.company_id = o.company_id \
         AND e.order_id = o.id AND e.step = 'confirm' \
         WHERE o.status IN ('confirmed', 'picked', 'out_for_delivery') AND NOT EXISTS \
         (SELECT 1 FROM deliveries d WHERE d.company_id = o.company_id AND d.order_id = o.id) \
         ORDER BY o.company_id, o.number"
    )
    .fetch_all(&mut *ex)
    .await)
}
