//! Delivery and objection tickets, their comments, pauses and photos. Every read joins
//! the ticket's customer so a rep's scope is enforced in SQL.
use crate::domain::ids::{CompanyId, EmployeeId};
use crate::domain::segmentation::Class;
use crate::domain::staff::Role;
use crate::server::db::DbConn;
use crate::server::db::customers::Scope;
use crate::server::db::on;
use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;
use uuid::Uuid;

mod photos;

pub use photos::{insert_photo, photo, photos_of};

fn scoped<'q, DB: sqlx::Database>(q: &mut QueryBuilder<'q, DB>, scope: Scope)
where
    Uuid: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    if let Scope::Rep(rep) = scope {
        q.push(" AND c.rep_id = ").push_bind(rep.0);
    }
}

/// Which deliveries a user may see. A driver sees the deliveries given to them, whosever
/// customer they are (with the customer's name, address and phone): that is all they
/// see. Everyone else sees deliveries by their customers, like every other ticket (a rep
/// drives only their own customers' deliveries, so what they drive is among them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryScope {
    /// Owners and managers: every delivery of the company.
    All,
    /// A rep: the deliveries of their customers.
    Rep(EmployeeId),
    /// Only the deliveries this driver drives.
    Driven(EmployeeId),
}

impl DeliveryScope {
    /// The scope of a user with `role`.
    pub fn of(role: Role, me: EmployeeId) -> DeliveryScope {
        match role {
            Role::Owner | Role::Manager => DeliveryScope::All,
            Role::Rep => DeliveryScope::Rep(me),
            Role::Driver => DeliveryScope::Driven(me),
        }
    }

    /// `d` is the delivery (or `NULL` for a row that is not one), `c` its customer.
    fn push<'q, DB: sqlx::Database>(self, q: &mut QueryBuilder<'q, DB>, d: &str)
    where
        Uuid: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    {
        match self {
            DeliveryScope::All => {}
            DeliveryScope::Rep(me) => {
                q.push(" AND c.rep_id = ").push_bind(me.0);
            }
            DeliveryScope::Driven(me) => {
                q.push(format!(" AND {d}.driver_id = ")).push_bind(me.0);
            }
        }
    }
}

/// Which tickets to read.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter {
    /// Not yet finished (objections not resolved, deliveries not delivered).
    pub open_only: bool,
    /// Raised (ordered) at or after.
    pub since: Option<DateTime<Utc>>,
    pub customer: Option<Uuid>,
    pub limit: i64,
}

fn filtered<'q, DB: sqlx::Database>(
    q: &mut QueryBuilder<'q, DB>,
    f: &Filter,
    start: &str,
    done: &str,
) where
    Uuid: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    DateTime<Utc>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    if f.open_only {
        q.push(format!(" AND t.{done} IS NULL"));
    }
    if let Some(since) = f.since {
        q.push(format!(" AND t.{start} >= ")).push_bind(since);
    }
    if let Some(c) = f.customer {
        q.push(" AND t.customer_id = ").push_bind(c);
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ObjectionRow {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub code: String,
    pub name: String,
    pub tier: Option<Class>,
    pub rep_id: Option<Uuid>,
    pub rep_name: Option<String>,
    pub category: String,
    pub description: String,
    pub assignee_id: Option<Uuid>,
    pub assignee_name: Option<String>,
    pub opened_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub paused_at: Option<DateTime<Utc>>,
    pub breached_at: Option<DateTime<Utc>>,
    pub created_by_name: Option<String>,
    pub version: i64,
}

const OBJECTION: &str = "SELECT t.id, t.customer_id, c.code, c.name, c.tier, c.rep_id, r.name AS rep_name, \
     t.category, t.description, t.assignee_id, a.name AS assignee_name, t.opened_at, t.answered_at, \
     t.resolved_at, t.closed_at, t.paused_at, t.breached_at, b.name AS created_by_name, t.version \
     FROM objections t JOIN customers c ON c.company_id = t.company_id AND c.id = t.customer_id \
     LEFT JOIN employees r ON r.company_id = c.company_id AND r.id = c.rep_id \
     LEFT JOIN employees a ON a.company_id = t.company_id AND a.id = t.assignee_id \
     LEFT JOIN employees b ON b.company_id = t.company_id AND b.id = t.created_by \
     WHERE t.company_id = ";

/// Objections within `scope`, oldest raised first.
pub async fn objections(
    conn: &mut DbConn,
    company: CompanyId,
    scope: Scope,
    f: &Filter,
) -> Result<Vec<ObjectionRow>, sqlx::Error> {
    on!(conn, |ex| {
        let mut q = QueryBuilder::<Db>::new(OBJECTION);
        q.push_bind(company.0);
        scoped(&mut q, scope);
        filtered(&mut q, f, "opened_at", "resolved_at");
        q.push(" ORDER BY t.opened_at LIMIT ").push_bind(f.limit);
        q.build_query_as().fetch_all(&mut *ex).await
    })
}

pub async fn objection(
    conn: &mut DbConn,
    company: CompanyId,
    scope: Scope,
    id: Uuid,
) -> Result<Option<ObjectionRow>, sqlx::Error> {
    on!(conn, |ex| {
        let mut q = QueryBuilder::<Db>::new(OBJECTION);
        q.push_bind(company.0).push(" AND t.id = ").push_bind(id);
        scoped(&mut q, scope);
        q.build_query_as().fetch_optional(&mut *ex).await
    })
}

pub struct NewObjection<'a> {
    pub id: Uuid,
    pub customer: Uuid,
    pub category: &'a str,
    pub description: &'a str,
    pub assignee: Option<Uuid>,
    pub opened_at: DateTime<Utc>,
    pub by: EmployeeId,
    pub now: DateTime<Utc>,
}

pub async fn insert_objection(
    conn: &mut DbConn,
    company: CompanyId,
    o: &NewObjection<'_>,
) -> Result<(), sqlx::Error> {
    on!(conn, |ex| {
        sqlx::query(
        "INSERT INTO objections (company_id, id, customer_id, category, description, assignee_id, \
         opened_at, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(company.0)
    .bind(o.id)
    .bind(o.customer)
    .bind(o.category)
    .bind(o.description)
    .bind(o.assignee)
    .bind(o.opened_at)
    .bind(o.by.0)
    .bind(o.now)
    .bind(o.now)
    .execute(&mut *ex)
    .await
    .map(|d| d.rows_affected())
    })?;
    Ok(())
}

/// The milestones and pause state after a step; `false` if someone else changed the
/// objection since `version`.
pub struct Step {
    pub answered_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub paused_at: Option<DateTime<Utc>>,
    pub breached_at: Option<DateTime<Utc>>,
    pub assignee: Option<Uuid>,
}

pub async fn update_objection(
    conn: &mut DbConn,
    company: CompanyId,
    id: Uuid,
    version: i64,
    s: &Step,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = on!(conn, |ex| {
        sqlx::query(
        "UPDATE objections SET answered_at = $1, resolved_at = $2, closed_at = $3, paused_at = $4, \
         breached_at = $5, assignee_id = $6, version = version + 1, updated_at = $7 \
         WHERE company_id = $8 AND id = $9 AND version = $10",
    )
    .bind(s.answered_at)
    .bind(s.resolved_at)
    .bind(s.closed_at)
    .bind(s.paused_at)
    .bind(s.breached_at)
    .bind(s.assignee)
    .bind(now)
    .bind(company.0)
    .bind(id)
    .bind(version)
    .execute(&mut *ex)
    .await
    .map(|d| d.rows_affected())
    })?;
    Ok(done == 1)
}

/// Finished pauses per objection: `(paused, resumed)`, in order.
pub type Pauses = std::collections::HashMap<Uuid, Vec<(DateTime<Utc>, DateTime<Utc>)>>;

fn group(rows: Vec<(Uuid, DateTime<Utc>, DateTime<Utc>)>, into: &mut Pauses) {
    for (id, from, to) in rows {
        into.entry(id).or_default().push((from, to));
    }
}

/// Finished pauses of these objections.
pub async fn pauses_of(
    conn: &mut DbConn,
    company: CompanyId,
    ids: &[Uuid],
) -> Result<Pauses, sqlx::Error> {
    let mut out = Pauses::new();
    for chunk in ids.chunks(500) {
        on!(conn, |ex| {
            let mut q = QueryBuilder::<Db>::new(
                "SELECT objection_id, paused_at, resumed_at FROM objection_pauses WHERE company_id = ",
            );
            q.push_bind(company.0).push(" AND objection_id IN (");
            let mut sep = q.separated(", ");
            for id in chunk {
                sep.push_bind(*id);
            }
            q.push(") ORDER BY paused_at");
            group(q.build_query_as().fetch_all(&mut *ex).await?, &mut out);
            Ok::<_, sqlx::Error>(())
        })?;
    }
    Ok(out)
}

/// Finished pauses of every objection raised since `since` (one query, for reports).
pub async fn pauses_since(
    conn: &mut DbConn,
    company: CompanyId,
    since: DateTime<Utc>,
) -> Result<Pauses, sqlx::Error> {
    let rows = on!(conn, |ex| sqlx::query_as(
        "SELECT p.objection_id, p.paused_at, p.resumed_at FROM objection_pauses p \
         JOIN objections o ON o.company_id = p.company_id AND o.id = p.objection_id \
         WHERE p.company_id = $1 AND o.opened_at >= $2 ORDER BY p.paused_at",
    )
    .bind(company.0)
    .bind(since)
    .fetch_all(&mut *ex)
    .await)?;
    let mut out = Pauses::new();
    group(rows, &mut out);
    Ok(out)
}

/// The company's ticket counter and how many tickets it has seen deleted (both 0 before
/// its first ticket): every write of a ticket or a pause moves the first.
pub async fn clock_revision(
    conn: &mut DbConn,
    company: CompanyId,
) -> Result<(i64, i64), sqlx::Error> {
    Ok(on!(conn, |ex| sqlx::query_as(
        "SELECT rev, deletions FROM ticket_revisions WHERE company_id = $1"
    )
    .bind(company.0)
    .fetch_optional(&mut *ex)
    .await)?
    .unwrap_or((0, 0)))
}

/// Which tickets a read of clocks takes.
#[derive(Debug, Clone, Copy)]
pub enum Changed {
    /// Every ticket opened (ordered) at or after this moment.
    Since(DateTime<Utc>),
    /// Every ticket written after this value of the company's counter, whenever opened.
    After(i64),
}

/// `which` as a condition on tickets `t` whose start is `started`.
fn changed<'q, DB: sqlx::Database>(q: &mut QueryBuilder<'q, DB>, which: Changed, started: &str)
where
    DateTime<Utc>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    match which {
        Changed::Since(at) => q.push(format!(" AND t.{started} >= ")).push_bind(at),
        Changed::After(rev) => q.push(" AND t.clock_rev > ").push_bind(rev),
    };
}

/// Just what an objection's timers need, for reports over many. The customer's tier and
/// rep are not joined here: a report over many tickets reads them from the customer index
/// (a join costs a customer lookup per ticket, most of the read at 100 000 tickets).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ObjectionClockRow {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub opened_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub paused_at: Option<DateTime<Utc>>,
}

/// The timer fields of the company's objections `which` names.
pub async fn objection_clocks(
    conn: &mut DbConn,
    company: CompanyId,
    which: Changed,
) -> Result<Vec<ObjectionClockRow>, sqlx::Error> {
    on!(conn, |ex| {
        let mut q = QueryBuilder::<Db>::new(
            "SELECT t.id, t.customer_id, t.opened_at, t.answered_at, t.resolved_at, t.paused_at \
             FROM objections t WHERE t.company_id = ",
        );
        q.push_bind(company.0);
        changed(&mut q, which, "opened_at");
        q.build_query_as().fetch_all(&mut *ex).await
    })
}

/// Just what a delivery's timer needs (the customer's tier and rep as for objections).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeliveryClockRow {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub ordered_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// Whether compliance counts it: a cancelled order's delivery counts only if it was
    /// already late.
    pub counted: bool,
}

/// The timer fields of the company's deliveries `which` names.
pub async fn delivery_clocks(
    conn: &mut DbConn,
    company: CompanyId,
    which: Changed,
) -> Result<Vec<DeliveryClockRow>, sqlx::Error> {
    on!(conn, |ex| {
        let mut q = QueryBuilder::<Db>::new(
            "SELECT t.id, t.customer_id, t.ordered_at, t.delivered_at, \
             (t.cancelled_at IS NULL OR t.breached_at IS NOT NULL) AS counted \
             FROM deliveries t WHERE t.company_id = ",
        );
        q.push_bind(company.0);
        changed(&mut q, which, "ordered_at");
        q.build_query_as().fetch_all(&mut *ex).await
    })
}

pub async fn insert_pause(
    conn: &mut DbConn,
    company: CompanyId,
    id: Uuid,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    on!(conn, |ex| sqlx::query(
        "INSERT INTO objection_pauses (company_id, objection_id, paused_at, resumed_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(company.0)
    .bind(id)
    .bind(from)
    // a pause never ends before it began (two app servers' clocks may differ a little)
    .bind(to.max(from))
    .execute(&mut *ex)
    .await
    .map(|d| d.rows_affected()))?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CommentRow {
    pub id: Uuid,
    pub kind: String,
    pub body: String,
    pub author: Option<String>,
    pub created_at: DateTime<Utc>,
}

pub async fn comments(
    conn: &mut DbConn,
    company: CompanyId,
    objection: Uuid,
) -> Result<Vec<CommentRow>, sqlx::Error> {
    on!(conn, |ex| sqlx::query_as(
        "SELECT m.id, m.kind, m.body, e.name AS author, m.created_at FROM objection_comments m \
         LEFT JOIN employees e ON e.company_id = m.company_id AND e.id = m.author_id \
         WHERE m.company_id = $1 AND m.objection_id = $2 ORDER BY m.created_at, m.id",
    )
    .bind(company.0)
    .bind(objection)
    .fetch_all(&mut *ex)
    .await)
}

pub async fn insert_comment(
    conn: &mut DbConn,
    company: CompanyId,
    objection: Uuid,
    kind: &str,
    body: &str,
    by: EmployeeId,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    on!(conn, |ex| {
        sqlx::query(
        "INSERT INTO objection_comments (company_id, id, objection_id, kind, body, author_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(company.0)
    .bind(Uuid::now_v7())
    .bind(objection)
    .bind(kind)
    .bind(body)
    .bind(by.0)
    .bind(now)
    .execute(&mut *ex)
    .await.map(|d| d.rows_affected())
    })?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeliveryRow {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub code: String,
    pub name: String,
    pub tier: Option<Class>,
    pub rep_id: Option<Uuid>,
    pub rep_name: Option<String>,
    pub order_ref: String,
    pub ordered_at: DateTime<Utc>,
    pub promised_at: Option<DateTime<Utc>>,
    pub driver_id: Option<Uuid>,
    pub driver_name: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub note: Option<String>,
    pub breached_at: Option<DateTime<Utc>>,
    pub version: i64,
    /// Where it goes: the customer's address, phone and contact person.
    pub address: Option<String>,
    pub phone: Option<String>,
    pub contact: Option<String>,
    /// The order it delivers (none: opened by hand).
    pub order_id: Option<Uuid>,
    /// Its order was cancelled (then it is no longer open).
    pub cancelled_at: Option<DateTime<Utc>>,
}

const DELIVERY: &str = "SELECT t.id, t.customer_id, c.code, c.name, c.tier, c.rep_id, r.name AS rep_name, \
     t.order_ref, t.ordered_at, t.promised_at, t.driver_id, d.name AS driver_name, t.delivered_at, \
     t.note, t.breached_at, t.version, c.address, c.phone, c.contact, t.order_id, t.cancelled_at \
     FROM deliveries t JOIN customers c ON c.company_id = t.company_id AND c.id = t.customer_id \
     LEFT JOIN employees r ON r.company_id = c.company_id AND r.id = c.rep_id \
     LEFT JOIN employees d ON d.company_id = t.company_id AND d.id = t.driver_id \
     WHERE t.company_id = ";

/// Deliveries within `scope` (and given to `driver`, if one is named), oldest ordered
/// first.
pub async fn deliveries(
    conn: &mut DbConn,
    company: CompanyId,
    scope: DeliveryScope,
    f: &Filter,
    driver: Option<EmployeeId>,
) -> Result<Vec<DeliveryRow>, sqlx::Error> {
    on!(conn, |ex| {
        let mut q = QueryBuilder::<Db>::new(DELIVERY);
        q.push_bind(company.0);
        scope.push(&mut q, "t");
        filtered(&mut q, f, "ordered_at", "delivered_at");
        if f.open_only {
            q.push(" AND t.cancelled_at IS NULL");
        }
        if let Some(d) = driver {
            q.push(" AND t.driver_id = ").push_bind(d.0);
        }
        q.push(" ORDER BY t.ordered_at LIMIT ").push_bind(f.limit);
        q.build_query_as().fetch_all(&mut *ex).await
    })
}

pub async fn delivery(
    conn: &mut DbConn,
    company: CompanyId,
    scope: DeliveryScope,
    id: Uuid,
) -> Result<Option<DeliveryRow>, sqlx::Error> {
    on!(conn, |ex| {
        let mut q = QueryBuilder::<Db>::new(DELIVERY);
        q.push_bind(company.0).push(" AND t.id = ").push_bind(id);
        scope.push(&mut q, "t");
        q.build_query_as().fetch_optional(&mut *ex).await
    })
}

/// Deliveries within `scope` given to `driver`, delivered at or after `since`, newest
/// first.
pub async fn delivered_since(
    conn: &mut DbConn,
    company: CompanyId,
    scope: DeliveryScope,
    driver: EmployeeId,
    since: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<DeliveryRow>, sqlx::Error> {
    on!(conn, |ex| {
        let mut q = QueryBuilder::<Db>::new(DELIVERY);
        q.push_bind(company.0);
        scope.push(&mut q, "t");
        q.push(" AND t.driver_id = ").push_bind(driver.0);
        q.push(" AND t.delivered_at >= ")
            .push_bind(since)
            .push(" ORDER BY t.delivered_at DESC LIMIT ")
            .push_bind(limit);
        q.build_query_as().fetch_all(&mut *ex).await
    })
}

/// Gives an undelivered delivery to `driver` (or nobody); `false` if it changed since
/// `version` or was delivered meanwhile.
pub async fn set_driver(
    conn: &mut DbConn,
    company: CompanyId,
    id: Uuid,
    version: i64,
    driver: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = on!(conn, |ex| sqlx::query(
        "UPDATE deliveries SET driver_id = $1, version = version + 1, updated_at = $2 \
         WHERE company_id = $3 AND id = $4 AND version = $5 AND delivered_at IS NULL \
         AND cancelled_at IS NULL",
    )
    .bind(driver)
    .bind(now)
    .bind(company.0)
    .bind(id)
    .bind(version)
    .execute(&mut *ex)
    .await
    .map(|d| d.rows_affected()))?;
    Ok(done == 1)
}

pub struct NewDelivery<'a> {
    pub id: Uuid,
    pub customer: Uuid,
    pub order_ref: &'a str,
    pub ordered_at: DateTime<Utc>,
    pub promised_at: Option<DateTime<Utc>>,
    pub driver: Option<Uuid>,
    pub by: EmployeeId,
    pub now: DateTime<Utc>,
}

/// Inserts a delivery; `false` when the order already has one.
pub async fn insert_delivery(
    conn: &mut DbConn,
    company: CompanyId,
    d: &NewDelivery<'_>,
) -> Result<bool, sqlx::Error> {
    let done = on!(conn, |ex| {
        sqlx::query(
        "INSERT INTO deliveries (company_id, id, customer_id, order_ref, ordered_at, promised_at, \
         driver_id, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (company_id, order_ref) DO NOTHING",
    )
    .bind(company.0)
    .bind(d.id)
    .bind(d.customer)
    .bind(d.order_ref)
    .bind(d.ordered_at)
    .bind(d.promised_at)
    .bind(d.driver)
    .bind(d.by.0)
    .bind(d.now)
    .bind(d.now)
    .execute(&mut *ex)
    .await.map(|d| d.rows_affected())
    })?;
    Ok(done == 1)
}

/// Records the delivery; `false` if it changed since `version`.
#[expect(clippy::too_many_arguments, reason = "one row's columns")]
pub async fn complete_delivery(
    conn: &mut DbConn,
    company: CompanyId,
    id: Uuid,
    version: i64,
    delivered_at: DateTime<Utc>,
    note: Option<&str>,
    breached_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = on!(conn, |ex| {
        sqlx::query(
        "UPDATE deliveries SET delivered_at = $1, note = $2, breached_at = $3, version = version + 1, \
         updated_at = $4 WHERE company_id = $5 AND id = $6 AND version = $7 AND delivered_at IS NULL \
         AND cancelled_at IS NULL",
    )
    .bind(delivered_at)
    .bind(note)
    .bind(breached_at)
    .bind(now)
    .bind(company.0)
    .bind(id)
    .bind(version)
    .execute(&mut *ex)
    .await.map(|d| d.rows_affected())
    })?;
    Ok(done == 1)
}

/// Marks a ticket breached at `at` (once; the overdue job).
pub async fn mark_breached(
    conn: &mut DbConn,
    company: CompanyId,
    kind: &str,
    id: Uuid,
    at: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let table = if kind == "delivery" {
        "deliveries"
    } else {
        "objections"
    };
    let done = on!(conn, |ex| {
        sqlx::query(&format!(
        "UPDATE {table} SET breached_at = $1 WHERE company_id = $2 AND id = $3 AND breached_at IS NULL"
    ))
    .bind(at)
    .bind(company.0)
    .bind(id)
    .execute(&mut *ex)
    .await.map(|d| d.rows_affected())
    })?;
    Ok(done == 1)
}

/// Tickets that breached in `[from, to)`, within `scope`.
pub async fn breached_between(
    conn: &mut DbConn,
    company: CompanyId,
    scope: Scope,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let mut total = 0;
    for table in ["objections", "deliveries"] {
        let n: i64 = on!(conn, |ex| {
            let mut q = QueryBuilder::<Db>::new(format!(
                "SELECT COUNT(*) FROM {table} t JOIN customers c ON c.company_id = t.company_id \
             AND c.id = t.customer_id WHERE t.company_id = "
            ));
            q.push_bind(company.0)
                .push(" AND t.breached_at >= ")
                .push_bind(from)
                .push(" AND t.breached_at < ")
                .push_bind(to);
            scoped(&mut q, scope);
            q.build_query_scalar().fetch_one(&mut *ex).await
        })?;
        total += n;
    }
    Ok(total)
}

/// Companies with unfinished tickets (for the overdue job).
pub async fn companies_with_open_tickets(conn: &mut DbConn) -> Result<Vec<Uuid>, sqlx::Error> {
    on!(conn, |ex| {
        sqlx::query_scalar(
        "SELECT company_id FROM objections WHERE resolved_at IS NULL AND breached_at IS NULL \
         UNION SELECT company_id FROM deliveries WHERE delivered_at IS NULL AND breached_at IS NULL \
         AND cancelled_at IS NULL",
    )
    .fetch_all(&mut *ex)
    .await
    })
}

/// Unfinished tickets (objections not resolved, deliveries not delivered) within `scope`.
pub async fn open_count(
    conn: &mut DbConn,
    company: CompanyId,
    scope: Scope,
) -> Result<i64, sqlx::Error> {
    let mut total = 0;
    for (table, done) in [
        ("objections", "resolved_at IS NULL"),
        (
            "deliveries",
            "delivered_at IS NULL AND t.cancelled_at IS NULL",
        ),
    ] {
        let n: i64 = on!(conn, |ex| {
            let mut q = QueryBuilder::<Db>::new(format!(
                "SELECT COUNT(*) FROM {table} t JOIN customers c ON c.company_id = t.company_id \
             AND c.id = t.customer_id WHERE t.{done} AND t.company_id = "
            ));
            q.push_bind(company.0);
            scoped(&mut q, scope);
            q.build_query_scalar().fetch_one(&mut *ex).await
        })?;
        total += n;
    }
    Ok(total)
}

/// Ties the delivery numbered `order_ref` to its order (once).
pub async fn link_delivery_to_order(
    conn: &mut DbConn,
    company: CompanyId,
    order_ref: &str,
    order: Uuid,
) -> Result<(), sqlx::Error> {
    on!(conn, |ex| sqlx::query(
        "UPDATE deliveries SET order_id = $3 WHERE company_id = $1 AND order_ref = $2 \
         AND order_id IS NULL"
    )
    .bind(company.0)
    .bind(order_ref)
    .bind(order)
    .execute(&mut *ex)
    .await
    .map(|_| ()))
}

/// The delivery of an order, if it has one.
pub async fn delivery_of_order(
    conn: &mut DbConn,
    company: CompanyId,
    order: Uuid,
) -> Result<Option<DeliveryRow>, sqlx::Error> {
    on!(conn, |ex| {
        let mut q = QueryBuilder::<Db>::new(DELIVERY);
        q.push_bind(company.0)
            .push(" AND t.order_id = ")
            .push_bind(order);
        q.build_query_as().fetch_optional(&mut *ex).await
    })
}

/// Marks an open delivery cancelled (its order was), with the breach its timer had
/// reached (kept if one was recorded): it leaves the open lists and keeps its driver,
/// photos and breach.
pub async fn cancel_delivery(
    conn: &mut DbConn,
    company: CompanyId,
    id: Uuid,
    breached_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    on!(conn, |ex| sqlx::query(
        "UPDATE deliveries SET cancelled_at = $3, breached_at = COALESCE(breached_at, $4), \
         version = version + 1, updated_at = $3 \
         WHERE company_id = $1 AND id = $2 AND delivered_at IS NULL AND cancelled_at IS NULL"
    )
    .bind(company.0)
    .bind(id)
    .bind(now)
    .bind(breached_at)
    .execute(&mut *ex)
    .await
    .map(|_| ()))
}

/// Ties a delivery opened by hand under the order's number, for the order's customer and
/// still open, to the order (the way deliveries were kept before they came from
/// orders); false when there is none.
pub async fn adopt_hand_delivery(
    conn: &mut DbConn,
    company: CompanyId,
    order_ref: &str,
    customer: Uuid,
    order: Uuid,
) -> Result<bool, sqlx::Error> {
    on!(conn, |ex| {
        sqlx::query(
        "UPDATE deliveries SET order_id = $4 WHERE company_id = $1 AND order_ref = $2 \
         AND customer_id = $3 AND order_id IS NULL AND delivered_at IS NULL AND cancelled_at IS NULL"
    )
    .bind(company.0)
    .bind(order_ref)
    .bind(customer)
    .bind(order)
    .execute(&mut *ex)
    .await
    .map(|r| r.rows_affected() == 1)
    })
}

/// Per customer of a rep: open objections (not resolved) and deliveries (not delivered).
pub async fn rep_open_counts(
    conn: &mut DbConn,
    company: CompanyId,
    rep: EmployeeId,
) -> Result<Vec<(Uuid, i64)>, sqlx::Error> {
    on!(conn, |ex| {
        sqlx::query_as(
        "SELECT customer_id, CAST(COUNT(*) AS BIGINT) FROM ( \
         SELECT customer_id FROM objections WHERE company_id = $1 AND resolved_at IS NULL \
         UNION ALL SELECT customer_id FROM deliveries WHERE company_id = $1 AND delivered_at IS NULL \
         AND cancelled_at IS NULL \
         ) t WHERE customer_id IN (SELECT id FROM customers WHERE company_id = $1 AND rep_id = $2) \
         GROUP BY customer_id"
    )
    .bind(company.0)
    .bind(rep.0)
    .fetch_all(&mut *ex)
    .await
    })
}
