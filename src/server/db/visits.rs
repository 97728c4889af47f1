//! Visits, their shelf prices and photos, the touch log, gift lists, and the facts the
//! visit plan and the relationship health score are computed from. A rep's scope is
//! enforced in SQL by joining the customer (`c.rep_id = ?`).
use crate::domain::ids::{CompanyId, EmployeeId};
use crate::domain::segmentation::Class;
use crate::domain::visits::{GiftOccasion, NewVisit};
use crate::server::db::DbConn;
use crate::server::db::customers::Scope;
use crate::server::db::on;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::QueryBuilder;
use uuid::Uuid;

fn scoped<'q, DB: sqlx::Database>(q: &mut QueryBuilder<'q, DB>, scope: Scope)
where
    Uuid: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    if let Scope::Rep(rep) = scope {
        q.push(" AND c.rep_id = ").push_bind(rep.0);
    }
}

/// A customer as the visit plan and the tablet's cache need it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PlanRow {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub tier: Option<Class>,
    pub district: Option<String>,
    pub township: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub contact: Option<String>,
    pub rep_id: Option<Uuid>,
    pub rep_name: Option<String>,
    pub birthday: Option<String>,
    pub opened_on: Option<String>,
    pub hobbies: Option<String>,
    pub last_visit: Option<DateTime<Utc>>,
}

impl PlanRow {
    /// A customer known only by what the plan schedules it by (see [`plan_keys`]).
    pub fn keys_only(k: PlanKeyRow) -> PlanRow {
        PlanRow {
            id: k.id,
            code: String::new(),
            name: String::new(),
            kind: String::new(),
            tier: k.tier,
            district: None,
            township: None,
            address: None,
            phone: None,
            contact: None,
            rep_id: None,
            rep_name: None,
            birthday: None,
            opened_on: None,
            hobbies: None,
            last_visit: k.last_visit,
        }
    }
}

/// Which customers of the plan to read.
#[derive(Debug, Clone, Copy, Default)]
pub struct PlanFilter {
    /// Narrows an owner's or manager's plan to one rep.
    pub rep: Option<EmployeeId>,
    pub customer: Option<Uuid>,
    /// Only customers a reminder can be about (a birthday with consent, an opening
    /// date, or tier A for the festivals).
    pub occasions_only: bool,
    /// Only customers whose key person's birthday is known (with consent).
    pub birthdays_only: bool,
    /// With `occasions_only` or `birthdays_only`: only customers with an occasion within
    /// `(today, days)` — a birthday or opening date on one of its month-days
    /// (`domain::visits::yearly_days_within`, read from their indexes), or tier A when a
    /// festival falls within it.
    pub within: Option<(NaiveDate, u32)>,
}

/// The plan's columns of a customer ([`PlanRow`]).
const PLAN_COLUMNS: &str = "SELECT c.id, c.code, c.name, c.kind, c.tier, c.district, c.township, \
     c.address, c.phone, c.contact, c.rep_id, r.name AS rep_name, \
     CASE WHEN c.personal_consent = TRUE THEN c.birthday END AS birthday, c.opened_on, \
     CASE WHEN c.personal_consent = TRUE THEN c.hobbies END AS hobbies, \
     c.last_visit_at AS last_visit \
     FROM customers c LEFT JOIN employees r ON r.company_id = c.company_id AND r.id = c.rep_id";

/// Which active customers of `company` within `scope` a plan reads (`f`, and only `ids`
/// when given), in route order: by region, then name.
fn plan_where<'q, DB: sqlx::Database>(
    q: &mut QueryBuilder<'q, DB>,
    company: CompanyId,
    scope: Scope,
    f: PlanFilter,
    ids: Option<&[Uuid]>,
) where
    Uuid: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    q.push(" WHERE c.status = 'active' AND c.company_id = ");
    q.push_bind(company.0);
    scoped(q, scope);
    if let Some(r) = f.rep {
        q.push(" AND c.rep_id = ").push_bind(r.0);
    }
    if let Some(c) = f.customer {
        q.push(" AND c.id = ").push_bind(c);
    }
    if f.birthdays_only {
        q.push(" AND c.personal_consent = TRUE AND c.birthday IS NOT NULL");
    }
    if f.occasions_only {
        q.push(
            " AND ((c.personal_consent = TRUE AND c.birthday IS NOT NULL) \
         OR c.opened_on IS NOT NULL OR c.tier = 'A')",
        );
    }
    let days = f.within.and_then(|(today, days)| {
        crate::domain::visits::yearly_days_within(today, days)
            .map(|d| (d, crate::domain::visits::festival_within(today, days)))
    });
    if let (Some((days, festival)), true) = (days, f.birthdays_only || f.occasions_only) {
        // the expressions of the indexes customers_birthday_day / customers_opened_day
        let any_of = |q: &mut QueryBuilder<'q, DB>, column: &str| {
            q.push(format!("substr(c.{column}, 6, 5) IN ("));
            let mut list = q.separated(", ");
            for d in &days {
                list.push_bind(d.clone());
            }
            q.push(")");
        };
        q.push(" AND ((c.personal_consent = TRUE AND ");
        any_of(q, "birthday");
        q.push(")");
        if !f.birthdays_only {
            q.push(" OR ");
            any_of(q, "opened_on");
            if festival {
                q.push(" OR c.tier = 'A'");
            }
        }
        q.push(")");
    }
    if let Some(ids) = ids {
        q.push(" AND c.id IN (");
        let mut list = q.separated(", ");
        for id in ids {
            list.push_bind(*id);
        }
        q.push(")");
    }
    q.push(" ORDER BY coalesce(c.district, ''), coalesce(c.township, ''), c.name, c.id");
}

/// Active customers within `scope` with their last visit, by region then name (the
/// route order).
pub async fn plan(
    conn: &mut DbConn,
    company: CompanyId,
    scope: Scope,
    f: PlanFilter,
) -> Result<Vec<PlanRow>, sqlx::Error> {
    on!(conn, |ex| {
        let mut q = QueryBuilder::<Db>::new(PLAN_COLUMNS);
        plan_where(&mut q, company, scope, f, None);
        q.build_query_as().fetch_all(&mut *ex).await
    })
}

/// What the plan schedules a customer by: its tier and last visit.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PlanKeyRow {
    pub id: Uuid,
    pub tier: Option<Class>,
    pub last_visit: Option<DateTime<Utc>>,
}

/// [`plan`]'s customers, in the same order, with only what the plan schedules them by:
/// a rep's 15 000 customers are planned from three columns of each (their rows are
/// still read, for the route order), and only the customers the plan shows are read
/// whole ([`plan_rows`]).
pub async fn plan_keys(
    conn: &mut DbConn,
    company: CompanyId,
    scope: Scope,
    f: PlanFilter,
) -> Result<Vec<PlanKeyRow>, sqlx::Error> {
    on!(conn, |ex| {
        let mut q = QueryBuilder::<Db>::new(
            "SELECT c.id, c.tier, c.last_visit_at AS last_visit FROM customers c",
        );
        plan_where(&mut q, company, scope, f, None);
        q.build_query_as().fetch_all(&mut *ex).await
    })
}

/// The customers `ids` as [`plan`] reads them with `f`: those still active and within
/// `scope`.
pub async fn plan_rows(
    conn: &mut DbConn,
    company: CompanyId,
    scope: Scope,
    f: PlanFilter,
    ids: &[Uuid],
) -> Result<Vec<PlanRow>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    on!(conn, |ex| {
        let mut q = QueryBuilder::<Db>::new(PLAN_COLUMNS);
        plan_where(&mut q, company, scope, f, Some(ids));
        q.build_query_as().fetch_all(&mut *ex).await
    })
}

/// Active customers within `scope` overdue for a visit: of each tier with a cut-off
/// (`cut_offs`: the instant before which a last visit is overdue, none for a tier that
/// is never overdue), those last visited before it. One read of the plan's index, which
/// carries the tier and the last visit (kept on the customer, migration
/// `customers_last_visit`; instants stored as UTC RFC 3339 text compare in time order).
pub async fn overdue_count(
    conn: &mut DbConn,
    company: CompanyId,
    scope: Scope,
    cut_offs: &[(Option<Class>, DateTime<Utc>)],
) -> Result<i64, sqlx::Error> {
    if cut_offs.is_empty() {
        return Ok(0);
    }
    on!(conn, |ex| {
        let mut q = QueryBuilder::<Db>::new(
            "SELECT count(*) FROM customers c WHERE c.status = 'active' AND c.company_id = ",
        );
        q.push_bind(company.0);
        scoped(&mut q, scope);
        q.push(" AND c.last_visit_at IS NOT NULL AND (");
        for (i, (tier, cut)) in cut_offs.iter().enumerate() {
            if i > 0 {
                q.push(" OR ");
            }
            match tier {
                Some(t) => q.push("(c.tier = ").push_bind(t.as_str()),
                None => q.push("(c.tier IS NULL"),
            };
            q.push(" AND c.last_visit_at < ").push_bind(*cut).push(")");
        }
        q.push(")");
        q.build_query_scalar().fetch_one(&mut *ex).await
    })
}

/// Who a customer belongs to: `None` if the company has no such customer.
pub async fn customer_owner(
    conn: &mut DbConn,
    company: CompanyId,
    customer: Uuid,
) -> Result<Option<Option<Uuid>>, sqlx::Error> {
    on!(conn, |ex| sqlx::query_scalar(
        "SELECT rep_id FROM customers WHERE company_id = $1 AND id = $2"
    )
    .bind(company.0)
    .bind(customer)
    .fetch_optional(&mut *ex)
    .await)
}

/// The customer and rep of a stored visit (to tell "already synced" from a clash).
pub async fn visit_owner(
    conn: &mut DbConn,
    company: CompanyId,
    id: Uuid,
) -> Result<Option<(Uuid, Uuid)>, sqlx::Error> {
    on!(conn, |ex| sqlx::query_as(
        "SELECT customer_id, rep_id FROM visits WHERE company_id = $1 AND id = $2"
    )
    .bind(company.0)
    .bind(id)
    .fetch_optional(&mut *ex)
    .await)
}

/// Stores a visit and its shelf prices (`prices`: product id and fen).
pub async fn insert_visit(
    conn: &mut DbConn,
    company: CompanyId,
    v: &NewVisit,
    rep: EmployeeId,
    checked_in_at: DateTime<Utc>,
    prices: &[(Uuid, i64)],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    on!(conn, |ex| sqlx::query(
        "INSERT INTO visits (company_id, id, customer_id, rep_id, checked_in_at, lat_e6, lon_e6, \
         accuracy_m, purpose, notes, vivid_display, stack_display, indoor_ad, outdoor_ad, \
         competitors, next_step, next_step_on, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
    )
    .bind(company.0)
    .bind(v.id)
    .bind(v.customer_id)
    .bind(rep.0)
    .bind(checked_in_at)
    .bind(v.location.map(|l| l.lat_e6))
    .bind(v.location.map(|l| l.lon_e6))
    .bind(v.location.map(|l| l.accuracy_m))
    .bind(v.purpose.as_str())
    .bind(&v.notes)
    .bind(v.vivid_display)
    .bind(v.stack_display)
    .bind(v.indoor_ad)
    .bind(v.outdoor_ad)
    .bind(&v.competitors)
    .bind(&v.next_step)
    .bind(v.next_step_on.map(|d| d.to_string()))
    .bind(now)
    .execute(&mut *ex)
    .await
    .map(|d| d.rows_affected()))?;
    for (product, price) in prices {
        on!(conn, |ex| {
            sqlx::query(
            "INSERT INTO visit_prices (company_id, visit_id, product_id, price) VALUES ($1, $2, $3, $4)",
        )
        .bind(company.0)
        .bind(v.id)
        .bind(product)
        .bind(price)
        .execute(&mut *ex)
        .await.map(|d| d.rows_affected())
        })?;
    }
    Ok(())
}

/// A visit as lists show it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VisitRow {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub code: String,
    pub name: String,
    pub rep_name: Option<String>,
    pub checked_in_at: DateTime<Utc>,
    pub lat_e6: Option<i64>,
    pub lon_e6: Option<i64>,
    pub accuracy_m: Option<i64>,
    pub purpose: String,
    pub notes: String,
    pub vivid_display: bool,
    pub stack_display: bool,
    pub indoor_ad: bool,
    pub outdoor_ad: bool,
    pub competitors: String,
    pub next_step: String,
    pub next_step_on: Option<String>,
}

/// Visits within `scope`, newest first: of one customer, or all.
pub async fn visits(
    conn: &mut DbConn,
    company: CompanyId,
    scope: Scope,
    customer: Option<Uuid>,
    limit: i64,
) -> Result<Vec<VisitRow>, sqlx::Error> {
    on!(conn, |ex| {
        let mut q = QueryBuilder::<Db>::new(
            "SELECT v.id, v.customer_id, c.code, c.name, r.name AS rep_name, v.checked_in_at, \
         v.lat_e6, v.lon_e6, v.accuracy_m, v.purpose, v.notes, v.vivid_display, v.stack_display, \
         v.indoor_ad, v.outdoor_ad, v.competitors, v.next_step, v.next_step_on \
         FROM visits v JOIN customers c ON c.company_id = v.company_id AND c.id = v.customer_id \
         LEFT JOIN employees r ON r.company_id = v.company_id AND r.id = v.rep_id \
         WHERE v.company_id = ",
        );
        q.push_bind(company.0);
        scoped(&mut q, scope);
        if let Some(c) = customer {
            q.push(" AND v.customer_id = ").push_bind(c);
        }
        q.push(" ORDER BY v.checked_in_at DESC, v.id DESC LIMIT ")
            .push_bind(limit);
        q.build_query_as().fetch_all(&mut *ex).await
    })
}

/// A shelf price of a visit with the product's floor.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PriceRow {
    pub visit_id: Uuid,
    pub sku: String,
    pub product_name: String,
    pub price: i64,
    pub price_floor: Option<i64>,
}

/// Shelf prices of the given visits.
pub async fn prices(
    conn: &mut DbConn,
    company: CompanyId,
    visits: &[Uuid],
) -> Result<Vec<PriceRow>, sqlx::Error> {
    if visits.is_empty() {
        return Ok(Vec::new());
    }
    on!(conn, |ex| {
        let mut q = QueryBuilder::<Db>::new(
            "SELECT vp.visit_id, p.sku, p.name AS product_name, vp.price, p.price_floor \
         FROM visit_prices vp JOIN products p ON p.company_id = vp.company_id AND p.id = vp.product_id \
         WHERE vp.company_id = ",
        );
        q.push_bind(company.0).push(" AND vp.visit_id IN (");
        let mut sep = q.separated(", ");
        for v in visits {
            sep.push_bind(*v);
        }
        q.push(") ORDER BY p.sku");
        q.build_query_as().fetch_all(&mut *ex).await
    })
}

/// Photo ids of the given visits: `(visit, photo)`.
pub async fn photos(
    conn: &mut DbConn,
    company: CompanyId,
    visits: &[Uuid],
) -> Result<Vec<(Uuid, Uuid)>, sqlx::Error> {
    if visits.is_empty() {
        return Ok(Vec::new());
    }
    on!(conn, |ex| {
        let mut q =
            QueryBuilder::<Db>::new("SELECT visit_id, id FROM visit_photos WHERE company_id = ");
        q.push_bind(company.0).push(" AND visit_id IN (");
        let mut sep = q.separated(", ");
        for v in visits {
            sep.push_bind(*v);
        }
        q.push(") ORDER BY created_at, id");
        q.build_query_as().fetch_all(&mut *ex).await
    })
}

/// Whether the visit is within `scope`.
pub async fn visit_in_scope(
    conn: &mut DbConn,
    company: CompanyId,
    scope: Scope,
    visit: Uuid,
) -> Result<bool, sqlx::Error> {
    let n: i64 = on!(conn, |ex| {
        let mut q = QueryBuilder::<Db>::new(
            "SELECT count(*) FROM visits v JOIN customers c ON c.company_id = v.company_id \
         AND c.id = v.customer_id WHERE v.company_id = ",
        );
        q.push_bind(company.0).push(" AND v.id = ").push_bind(visit);
        scoped(&mut q, scope);
        q.build_query_scalar().fetch_one(&mut *ex).await
    })?;
    Ok(n > 0)
}

/// The visit a stored photo belongs to, if any.
pub async fn photo_visit(
    conn: &mut DbConn,
    company: CompanyId,
    photo: Uuid,
) -> Result<Option<(Uuid, String)>, sqlx::Error> {
    on!(conn, |ex| sqlx::query_as(
        "SELECT visit_id, content_type FROM visit_photos WHERE company_id = $1 AND id = $2",
    )
    .bind(company.0)
    .bind(photo)
    .fetch_optional(&mut *ex)
    .await)
}

/// Photos a visit holds.
pub async fn photo_count(
    conn: &mut DbConn,
    company: CompanyId,
    visit: Uuid,
) -> Result<i64, sqlx::Error> {
    on!(conn, |ex| sqlx::query_scalar(
        "SELECT count(*) FROM visit_photos WHERE company_id = $1 AND visit_id = $2"
    )
    .bind(company.0)
    .bind(visit)
    .fetch_one(&mut *ex)
    .await)
}

pub async fn insert_photo(
    conn: &mut DbConn,
    company: CompanyId,
    id: Uuid,
    visit: Uuid,
    content_type: &str,
    size: i64,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    on!(conn, |ex| sqlx::query(
        "INSERT INTO visit_photos (company_id, id, visit_id, content_type, size, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(company.0)
    .bind(id)
    .bind(visit)
    .bind(content_type)
    .bind(size)
    .bind(now)
    .execute(&mut *ex)
    .await
    .map(|d| d.rows_affected()))
    .map(|_| ())
}

/// Active customers within `scope` counted by the rep who owns them now, tier, and the
/// number of visits they had from `since`: `(rep, tier, visits, customers)`.
pub async fn visit_counts_since(
    conn: &mut DbConn,
    company: CompanyId,
    scope: Scope,
    since: DateTime<Utc>,
) -> Result<Vec<(Option<Uuid>, Option<Class>, i64, i64)>, sqlx::Error> {
    on!(conn, |ex| {
        let mut q = QueryBuilder::<Db>::new(
            "WITH x AS MATERIALIZED (SELECT c.rep_id AS rep_id, c.tier AS tier, (SELECT count(*) \
         FROM visits v WHERE v.company_id = c.company_id AND v.customer_id = c.id \
         AND v.checked_in_at >= ",
        );
        q.push_bind(since)
            .push(") AS visits FROM customers c WHERE c.status = 'active' AND c.company_id = ")
            .push_bind(company.0);
        scoped(&mut q, scope);
        q.push(") SELECT rep_id, tier, visits, count(*) FROM x GROUP BY 1, 2, 3");
        q.build_query_as().fetch_all(&mut *ex).await
    })
}

/// The facts of a customer's relationship health.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HealthRow {
    pub id: Uuid,
    pub tier: Option<Class>,
    pub visits: i64,
    pub order_months: i64,
    pub current: i64,
    pub base: i64,
    pub open_objections: i64,
    pub breached_objections: i64,
}

/// Health facts for the given customers: visits since `since`, months with sales among
/// `[m6, m_now)`, sales of `[m12, m_now)` against `[m24, m12)`, unresolved objections.
pub async fn health_facts(
    conn: &mut DbConn,
    company: CompanyId,
    customers: &[Uuid],
    since: DateTime<Utc>,
    m_now: i32,
) -> Result<Vec<HealthRow>, sqlx::Error> {
    if customers.is_empty() {
        return Ok(Vec::new());
    }
    on!(conn, |ex| {
        let mut q = QueryBuilder::<Db>::new(
            "SELECT c.id, c.tier, \
         (SELECT count(*) FROM visits v WHERE v.company_id = c.company_id AND v.customer_id = c.id \
          AND v.checked_in_at >= ",
        );
        q.push_bind(since);
        q.push(
        ") AS visits, \
         (SELECT count(*) FROM sales_monthly s WHERE s.company_id = c.company_id AND s.customer_id = c.id \
          AND s.amount > 0 AND s.month >= ",
    );
        q.push_bind(m_now - 6)
            .push(" AND s.month < ")
            .push_bind(m_now);
        q.push(
            ") AS order_months, \
         (SELECT CAST(coalesce(sum(s.amount), 0) AS BIGINT) FROM sales_monthly s WHERE s.company_id = c.company_id \
          AND s.customer_id = c.id AND s.month >= ",
        );
        q.push_bind(m_now - 12)
            .push(" AND s.month < ")
            .push_bind(m_now);
        q.push(
            ") AS current, \
         (SELECT CAST(coalesce(sum(s.amount), 0) AS BIGINT) FROM sales_monthly s WHERE s.company_id = c.company_id \
          AND s.customer_id = c.id AND s.month >= ",
        );
        q.push_bind(m_now - 24)
            .push(" AND s.month < ")
            .push_bind(m_now - 12);
        q.push(
        ") AS base, \
         (SELECT count(*) FROM objections o WHERE o.company_id = c.company_id AND o.customer_id = c.id \
          AND o.resolved_at IS NULL) AS open_objections, \
         (SELECT count(*) FROM objections o WHERE o.company_id = c.company_id AND o.customer_id = c.id \
          AND o.resolved_at IS NULL AND o.breached_at IS NOT NULL) AS breached_objections \
         FROM customers c WHERE c.company_id = ",
    );
        q.push_bind(company.0).push(" AND c.id IN (");
        let mut sep = q.separated(", ");
        for c in customers {
            sep.push_bind(*c);
        }
        q.push(")");
        q.build_query_as().fetch_all(&mut *ex).await
    })
}

/// A touch of the relationship log.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TouchRow {
    pub id: Uuid,
    pub touched_on: String,
    pub kind: String,
    pub note: String,
    pub employee_name: Option<String>,
}

pub async fn touches(
    conn: &mut DbConn,
    company: CompanyId,
    customer: Uuid,
) -> Result<Vec<TouchRow>, sqlx::Error> {
    on!(conn, |ex| {
        sqlx::query_as(
        "SELECT t.id, t.touched_on, t.kind, t.note, e.name AS employee_name FROM touches t \
         LEFT JOIN employees e ON e.company_id = t.company_id AND e.id = t.employee_id \
         WHERE t.company_id = $1 AND t.customer_id = $2 ORDER BY t.touched_on DESC, t.created_at DESC LIMIT 100",
    )
    .bind(company.0)
    .bind(customer)
    .fetch_all(&mut *ex)
    .await
    })
}

#[expect(clippy::too_many_arguments, reason = "one row's columns")]
pub async fn insert_touch(
    conn: &mut DbConn,
    company: CompanyId,
    id: Uuid,
    customer: Uuid,
    by: EmployeeId,
    on: NaiveDate,
    kind: &str,
    note: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    on!(conn, |ex| sqlx::query(
        "INSERT INTO touches (company_id, id, customer_id, employee_id, touched_on, kind, note, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(company.0)
    .bind(id)
    .bind(customer)
    .bind(by.0)
    .bind(on.to_string())
    .bind(kind)
    .bind(note)
    .bind(now)
    .execute(&mut *ex)
    .await.map(|d| d.rows_affected()))
    .map(|_| ())
}

/// Gift lists: `(tier, occasion, gifts)`.
pub async fn gift_lists(
    conn: &mut DbConn,
    company: CompanyId,
) -> Result<Vec<(Class, GiftOccasion, String)>, sqlx::Error> {
    on!(conn, |ex| {
        sqlx::query_as(
        "SELECT tier, occasion, gifts FROM gift_lists WHERE company_id = $1 ORDER BY tier, occasion",
    )
    .bind(company.0)
    .fetch_all(&mut *ex)
    .await
    })
}

/// Sets one gift list; an empty list removes it.
pub async fn set_gift_list(
    conn: &mut DbConn,
    company: CompanyId,
    tier: Class,
    occasion: GiftOccasion,
    gifts: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    if gifts.is_empty() {
        on!(conn, |ex| sqlx::query(
            "DELETE FROM gift_lists WHERE company_id = $1 AND tier = $2 AND occasion = $3"
        )
        .bind(company.0)
        .bind(tier)
        .bind(occasion)
        .execute(&mut *ex)
        .await
        .map(|d| d.rows_affected()))?;
        return Ok(());
    }
    on!(conn, |ex| sqlx::query(
        "INSERT INTO gift_lists (company_id, tier, occasion, gifts, updated_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (company_id, tier, occasion) DO UPDATE SET gifts = excluded.gifts, \
         updated_at = excluded.updated_at",
    )
    .bind(company.0)
    .bind(tier)
    .bind(occasion)
    .bind(gifts)
    .bind(now)
    .execute(&mut *ex)
    .await.map(|d| d.rows_affected()))
    .map(|_| ())
}
