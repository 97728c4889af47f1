//! Customers, their history and photos. Every function is scoped by company, and every
//! read a rep can reach takes a [`Scope`] that becomes a `WHERE c.rep_id = ?` — a rep's
//! isolation is enforced here, in SQL, not by filtering afterwards.
use super::DbConn;
use crate::domain::customer::CustomerKind;
use crate::domain::ids::{CompanyId, EmployeeId};
use crate::domain::money::Money;
use crate::domain::profile::{FIELDS, FieldSpec, FieldType, Values};
use crate::domain::segmentation::Class;
use crate::server::db::on;
use chrono::{DateTime, Utc};
use sqlx::{Database, QueryBuilder, Row};
use uuid::Uuid;

mod history;
mod photos;

pub use history::{Change, HistoryRow, history, history_entry, record_change, record_changes};
pub use photos::{PhotoRow, delete_photo, insert_photo, photo, photos};

/// Which customers a user may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Owners and managers: the whole company.
    All,
    /// A rep: only customers assigned to this employee.
    Rep(EmployeeId),
}

impl Scope {
    /// The rep a statement's `($n IS NULL OR rep_id = $n)` binds: none for all.
    pub fn rep(self) -> Option<Uuid> {
        match self {
            Scope::All => None,
            Scope::Rep(me) => Some(me.0),
        }
    }

    /// Whether a customer assigned to `rep` is within this scope.
    pub fn sees(self, rep: Option<Uuid>) -> bool {
        match self {
            Scope::All => true,
            Scope::Rep(me) => rep == Some(me.0),
        }
    }

    /// Whether a customer's parent (`parent`, looked after by `parent_rep`) is shown: a
    /// rep sees a parent only when it is theirs too; no parent is nothing hidden.
    pub fn sees_parent(self, parent: Option<Uuid>, parent_rep: Option<Uuid>) -> bool {
        parent.is_none() || self.sees(parent_rep)
    }

    fn push<'q, DB: Database>(self, q: &mut QueryBuilder<'q, DB>)
    where
        Uuid: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    {
        if let Scope::Rep(rep) = self {
            q.push(" AND c.rep_id = ").push_bind(rep.0);
        }
    }
}

/// Fields stored in a column of the same name (references are stored as ids instead).
fn stored(spec: &FieldSpec) -> bool {
    !matches!(spec.ty, FieldType::CustomerRef | FieldType::EmployeeRef)
}

fn stored_fields() -> impl Iterator<Item = &'static FieldSpec> {
    FIELDS.iter().filter(|f| stored(f))
}

/// Everything written for one customer.
#[derive(Debug, Clone)]
pub struct CustomerWrite<'a> {
    pub values: &'a Values,
    pub parent_id: Option<Uuid>,
    pub rep_id: Option<Uuid>,
    pub search_text: &'a str,
    pub completeness: u8,
}

/// A customer as read back: canonical values (references as code / login) and the
/// names shown beside them.
#[derive(Debug, Clone)]
pub struct CustomerRecord {
    pub id: Uuid,
    pub values: Values,
    pub parent_id: Option<Uuid>,
    pub parent_name: Option<String>,
    /// The parent's own rep: a rep is shown the parent only if it is theirs too.
    pub parent_rep_id: Option<Uuid>,
    pub rep_id: Option<Uuid>,
    pub rep_name: Option<String>,
    /// The tier in force (latest snapshot); `None` before the first.
    pub tier: Option<Class>,
    pub completeness: i64,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn bind_value<'q, DB: Database>(q: &mut QueryBuilder<'q, DB>, spec: &FieldSpec, v: Option<&String>)
where
    Option<i64>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<bool>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<String>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let v = v.map(String::as_str);
    match spec.ty {
        FieldType::Money => {
            q.push_bind(v.and_then(|t| Money::parse_yuan(t).ok()).map(|m| m.0));
        }
        FieldType::Area | FieldType::Count => {
            q.push_bind(v.and_then(|t| t.parse::<i64>().ok()));
        }
        FieldType::Bool => {
            q.push_bind(v.map(|t| t == "true"));
        }
        _ => {
            q.push_bind(v.map(str::to_owned));
        }
    }
}

/// A row of `SELECT_RECORD` (or `list_query`), read the same way on every engine.
pub trait RecordRow {
    fn record(&self) -> Result<CustomerRecord, sqlx::Error>;
    fn read_value(&self, spec: &FieldSpec) -> Result<Option<String>, sqlx::Error>;
}

macro_rules! record_row {
    ($($row:ty),+) => {$(
        impl RecordRow for $row {
            fn read_value(&self, spec: &FieldSpec) -> Result<Option<String>, sqlx::Error> {
            Ok(match spec.ty {
                FieldType::Money => self
                    .try_get::<Option<i64>, _>(spec.key)?
                    .map(|f| Money(f).to_yuan_string()),
                FieldType::Area | FieldType::Count => self
                    .try_get::<Option<i64>, _>(spec.key)?
                    .map(|n| n.to_string()),
                FieldType::Bool => self
                    .try_get::<Option<bool>, _>(spec.key)?
                    .map(|b| b.to_string()),
                _ => self.try_get::<Option<String>, _>(spec.key)?,
            })
        }

            fn record(&self) -> Result<CustomerRecord, sqlx::Error> {
            let mut values = Values::new();
            for spec in FIELDS {
                if let Some(v) = self.read_value(spec)? {
                    values.insert(spec.key.to_owned(), v);
                }
            }
            Ok(CustomerRecord {
                id: self.try_get("id")?,
                values,
                parent_id: self.try_get("parent_id")?,
                parent_name: self.try_get("parent_name")?,
                parent_rep_id: self.try_get("parent_rep_id")?,
                rep_id: self.try_get("rep_id")?,
                rep_name: self.try_get("rep_name")?,
                tier: self.try_get("tier")?,
                completeness: self.try_get("completeness")?,
                version: self.try_get("version")?,
                created_at: self.try_get("created_at")?,
                updated_at: self.try_get("updated_at")?,
            })
        }
        }
    )+};
}

record_row!(sqlx::sqlite::SqliteRow, sqlx::postgres::PgRow);

/// A customer `c` with its parent `p` and its rep `e`, for the reads that show them.
macro_rules! from_customer_parent_rep {
    () => {
        " FROM customers c \
         LEFT JOIN customers p ON p.company_id = c.company_id AND p.id = c.parent_id \
         LEFT JOIN employees e ON e.company_id = c.company_id AND e.id = c.rep_id"
    };
}

const SELECT_RECORD: &str = concat!(
    "SELECT c.*, p.code AS parent_code, p.name AS parent_name, p.rep_id AS parent_rep_id, \
     e.login AS rep_login, e.name AS rep_name",
    from_customer_parent_rep!(),
    " WHERE c.company_id = "
);

/// A customer as read from a row of `SELECT_RECORD`.
pub fn record<R: RecordRow>(row: &R) -> Result<CustomerRecord, sqlx::Error> {
    row.record()
}

/// One customer, if it exists and is within `scope`.
pub async fn get(
    conn: &mut DbConn,
    company: CompanyId,
    scope: Scope,
    id: Uuid,
) -> Result<Option<CustomerRecord>, sqlx::Error> {
    on!(conn, |ex| {
        let mut q = QueryBuilder::<Db>::new(SELECT_RECORD);
        q.push_bind(company.0).push(" AND c.id = ").push_bind(id);
        scope.push(&mut q);
        q.build()
            .fetch_optional(&mut *ex)
            .await?
            .as_ref()
            .map(record)
            .transpose()
    })
}

pub async fn insert(
    conn: &mut DbConn,
    company: CompanyId,
    id: Uuid,
    w: &CustomerWrite<'_>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    insert_many(conn, company, &[(id, w.clone())], now).await
}

/// SQLite's limit on bound values in one statement (32 766 since 3.32); a batch stays
/// under it.
const MAX_BINDS: usize = 32_000;

/// Inserts new customers, as many per statement as the bind limit allows (an import
/// writes 100 000 in a few hundred statements).
pub async fn insert_many(
    conn: &mut DbConn,
    company: CompanyId,
    rows: &[(Uuid, CustomerWrite<'_>)],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    // one step of the company's counter for all the rows, stamped on them here: the
    // per-row trigger (a step and an UPDATE each) skips rows inserted stamped. Step and
    // rows commit together (a savepoint inside the caller's transaction, which it needs
    // on PostgreSQL): a list must never see the step without every row it stamps.
    on!(conn, |ex| sqlx::query("SAVEPOINT insert_many")
        .execute(&mut *ex)
        .await
        .map(|d| d.rows_affected()))?;
    let written = insert_stamped(conn, company, rows, now).await;
    if written.is_err() {
        // undone, and (PostgreSQL) the transaction usable again
        on!(conn, |ex| sqlx::query("ROLLBACK TO SAVEPOINT insert_many")
            .execute(&mut *ex)
            .await
            .map(|d| d.rows_affected()))?;
    }
    on!(conn, |ex| sqlx::query("RELEASE SAVEPOINT insert_many")
        .execute(&mut *ex)
        .await
        .map(|d| d.rows_affected()))?;
    written
}

/// The statements of [`insert_many`], inside its savepoint.
async fn insert_stamped(
    conn: &mut DbConn,
    company: CompanyId,
    rows: &[(Uuid, CustomerWrite<'_>)],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let rev: i64 = on!(conn, |ex| sqlx::query_scalar(
        "INSERT INTO customer_revisions (company_id, rev) VALUES ($1, 1) \
         ON CONFLICT (company_id) DO UPDATE SET rev = customer_revisions.rev + 1 RETURNING rev",
    )
    .bind(company.0)
    .fetch_one(&mut *ex)
    .await)?;
    let per_row = 10 + stored_fields().count();
    for chunk in rows.chunks((MAX_BINDS / per_row).max(1)) {
        on!(conn, |ex| {
            let mut q = QueryBuilder::<Db>::new(
                "INSERT INTO customers (company_id, id, parent_id, rep_id, search_text, completeness, version, list_rev, created_at, updated_at",
            );
            for spec in stored_fields() {
                q.push(", ").push(spec.key);
            }
            q.push(") VALUES ");
            for (i, (id, w)) in chunk.iter().enumerate() {
                if i > 0 {
                    q.push(", ");
                }
                q.push("(");
                q.push_bind(company.0).push(", ").push_bind(*id);
                q.push(", ")
                    .push_bind(w.parent_id)
                    .push(", ")
                    .push_bind(w.rep_id);
                q.push(", ").push_bind(w.search_text.to_owned());
                q.push(", ").push_bind(i64::from(w.completeness));
                q.push(", ").push_bind(1_i64).push(", ").push_bind(rev);
                q.push(", ").push_bind(now).push(", ").push_bind(now);
                for spec in stored_fields() {
                    q.push(", ");
                    bind_value(&mut q, spec, w.values.get(spec.key));
                }
                q.push(")");
            }
            // a statement of ~32 000 parameters is not worth keeping in the statement cache
            q.build()
                .persistent(false)
                .execute(&mut *ex)
                .await
                .map(|d| d.rows_affected())
        })?;
    }
    Ok(())
}

/// Overwrites every field if the row is still at `expected_version` (and within
/// `scope`), bumping the version. Returns whether a row was updated.
pub async fn update(
    conn: &mut DbConn,
    company: CompanyId,
    scope: Scope,
    id: Uuid,
    expected_version: i64,
    w: &CustomerWrite<'_>,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    on!(conn, |ex| {
        let mut q = QueryBuilder::<Db>::new(
            "UPDATE customers AS c SET version = version + 1, updated_at = ",
        );
        q.push_bind(now);
        q.push(", parent_id = ").push_bind(w.parent_id);
        q.push(", rep_id = ").push_bind(w.rep_id);
        q.push(", search_text = ")
            .push_bind(w.search_text.to_owned());
        q.push(", completeness = ")
            .push_bind(i64::from(w.completeness));
        for spec in stored_fields() {
            q.push(", ").push(spec.key).push(" = ");
            bind_value(&mut q, spec, w.values.get(spec.key));
        }
        q.push(" WHERE c.company_id = ").push_bind(company.0);
        q.push(" AND c.id = ").push_bind(id);
        q.push(" AND c.version = ").push_bind(expected_version);
        scope.push(&mut q);
        Ok(q.build().execute(&mut *ex).await?.rows_affected() == 1)
    })
}

/// A customer's identity as references to it need it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RefRow {
    pub id: Uuid,
    pub code: String,
    pub kind: String,
    pub parent_id: Option<Uuid>,
    pub rep_id: Option<Uuid>,
    pub name: String,
    pub phone: Option<String>,
    pub licence_no: Option<String>,
}

impl RefRow {
    pub fn kind(&self) -> CustomerKind {
        CustomerKind::parse(&self.kind).unwrap_or(CustomerKind::Terminal)
    }
}

const REF_COLUMNS: &str =
    "c.id, c.code, c.kind, c.parent_id, c.rep_id, c.name, c.phone, c.licence_no";

/// The customer with `code`, within `scope`.
pub async fn find_by_code(
    conn: &mut DbConn,
    company: CompanyId,
    scope: Scope,
    code: &str,
) -> Result<Option<RefRow>, sqlx::Error> {
    on!(conn, |ex| {
        let mut q = QueryBuilder::<Db>::new(format!(
            "SELECT {REF_COLUMNS} FROM customers c WHERE c.company_id = "
        ));
        q.push_bind(company.0)
            .push(" AND c.code = ")
            .push_bind(code.to_owned());
        scope.push(&mut q);
        q.build_query_as().fetch_optional(&mut *ex).await
    })
}

/// Every customer of the company, for an import that resolves thousands of references.
pub async fn all_refs(conn: &mut DbConn, company: CompanyId) -> Result<Vec<RefRow>, sqlx::Error> {
    on!(conn, |ex| sqlx::query_as(&format!(
        "SELECT {REF_COLUMNS} FROM customers c WHERE c.company_id = $1"
    ))
    .bind(company.0)
    .fetch_all(&mut *ex)
    .await)
}

/// `id` and its ancestors (id, parent) up the hierarchy, at most 66 steps.
pub async fn ancestors(
    conn: &mut DbConn,
    company: CompanyId,
    id: Uuid,
) -> Result<Vec<(Uuid, Option<Uuid>)>, sqlx::Error> {
    on!(conn, |ex| sqlx::query_as(
        "WITH RECURSIVE chain(id, parent_id, depth) AS ( \
           SELECT id, parent_id, 0 FROM customers WHERE company_id = $1 AND id = $2 \
           UNION ALL \
           SELECT c.id, c.parent_id, chain.depth + 1 FROM customers c \
             JOIN chain ON c.company_id = $1 AND c.id = chain.parent_id \
           WHERE chain.depth < 66) \
         SELECT id, parent_id FROM chain",
    )
    .bind(company.0)
    .bind(id)
    .fetch_all(&mut *ex)
    .await)
}

/// Active employees of the company by login: (login, id).
/// How many customers `rep` serves.
pub async fn count_served_by(
    conn: &mut DbConn,
    company: CompanyId,
    rep: EmployeeId,
) -> Result<i64, sqlx::Error> {
    on!(conn, |ex| sqlx::query_scalar(
        "SELECT count(*) FROM customers WHERE company_id = $1 AND rep_id = $2"
    )
    .bind(company.0)
    .bind(rep.0)
    .fetch_one(&mut *ex)
    .await)
}

pub async fn active_logins(
    conn: &mut DbConn,
    company: CompanyId,
) -> Result<Vec<(String, Uuid)>, sqlx::Error> {
    // a driver serves deliveries, never customers of their own
    on!(conn, |ex| {
        sqlx::query_as(
        "SELECT login, id FROM employees WHERE company_id = $1 AND active = TRUE AND role <> 'driver'",
    )
    .bind(company.0)
    .fetch_all(&mut *ex)
    .await
    })
}

/// Filters, search and order of a customer list.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Lower-cased search words; each must appear in the searchable text.
    pub words: Vec<String>,
    pub kind: Option<String>,
    pub terminal_type: Option<String>,
    pub status: Option<String>,
    pub district: Option<String>,
    pub township: Option<String>,
    /// `Some(None)`: customers with no rep.
    pub rep: Option<Option<Uuid>>,
    pub parent: Option<Uuid>,
    pub tier: Option<TierFilter>,
}

/// The tier a list asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TierFilter {
    Of(Class),
    /// Customers not classified yet.
    Unclassified,
    /// A tier that does not exist (typed into the address): matches nothing.
    Unknown,
}

impl TierFilter {
    /// Whether a customer with tier `tier` is kept.
    pub fn keeps(self, tier: Option<Class>) -> bool {
        match self {
            TierFilter::Of(c) => tier == Some(c),
            TierFilter::Unclassified => tier.is_none(),
            TierFilter::Unknown => false,
        }
    }
}

/// Sort columns a list may ask for (never raw SQL from the client).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Code,
    Name,
    Region,
    Updated,
    Completeness,
}

impl SortKey {
    fn sql(self) -> &'static str {
        match self {
            SortKey::Code => "c.code",
            SortKey::Name => "c.name",
            SortKey::Region => "c.district, c.township",
            SortKey::Updated => "c.updated_at",
            SortKey::Completeness => "c.completeness",
        }
    }
}

/// `*text*` with GLOB's special characters bracketed, so they match themselves.
pub fn glob_contains(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('*');
    for c in text.chars() {
        match c {
            '*' | '?' | '[' => {
                out.push('[');
                out.push(c);
                out.push(']');
            }
            _ => out.push(c),
        }
    }
    out.push('*');
    out
}

fn push_filter<'q, DB: Database>(
    q: &mut QueryBuilder<'q, DB>,
    company: CompanyId,
    scope: Scope,
    f: &ListFilter,
) where
    Uuid: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Class: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    q.push(" WHERE c.company_id = ").push_bind(company.0);
    scope.push(q);
    for w in &f.words {
        if crate::server::db::is_sqlite::<DB>() {
            // GLOB, byte-wise and case-sensitive over lower-cased text, is the fastest
            // substring test SQLite has here (instr() counts characters, LIKE folds
            // case); the user's text is escaped so `*`, `?` and `[` are searched
            // literally.
            q.push(" AND c.search_text GLOB ")
                .push_bind(glob_contains(w));
        } else {
            // strpos: a plain substring test, no pattern characters to escape
            q.push(" AND strpos(c.search_text, ")
                .push_bind(w.clone())
                .push(") > 0");
        }
    }
    let eq = |q: &mut QueryBuilder<'q, DB>, col: &str, v: &Option<String>| {
        if let Some(v) = v {
            q.push(format!(" AND c.{col} = ")).push_bind(v.clone());
        }
    };
    // the kind as a literal when it is one (so the partial index of sub-distributors
    // serves an export of them); anything else is bound and matches nothing
    match f.kind.as_deref().and_then(CustomerKind::from_stored) {
        Some(kind) => {
            q.push(format!(" AND c.kind = '{}'", kind.as_str()));
        }
        None => eq(q, "kind", &f.kind),
    }
    eq(q, "terminal_type", &f.terminal_type);
    eq(q, "status", &f.status);
    eq(q, "district", &f.district);
    eq(q, "township", &f.township);
    match f.rep {
        Some(Some(rep)) => {
            q.push(" AND c.rep_id = ").push_bind(rep);
        }
        Some(None) => {
            q.push(" AND c.rep_id IS NULL");
        }
        None => {}
    }
    if let Some(p) = f.parent {
        q.push(" AND c.parent_id = ").push_bind(p);
    }
    match f.tier {
        Some(TierFilter::Of(t)) => {
            q.push(" AND c.tier = ").push_bind(t);
        }
        Some(TierFilter::Unclassified) => {
            q.push(" AND c.tier IS NULL");
        }
        Some(TierFilter::Unknown) => {
            q.push(" AND FALSE");
        }
        None => {}
    }
}

/// How many customers match.
pub async fn count(
    conn: &mut DbConn,
    company: CompanyId,
    scope: Scope,
    f: &ListFilter,
) -> Result<i64, sqlx::Error> {
    on!(conn, |ex| {
        let mut q = QueryBuilder::<Db>::new("SELECT count(*) FROM customers c");
        push_filter(&mut q, company, scope, f);
        q.build_query_scalar().fetch_one(&mut *ex).await
    })
}

/// Matching customers in list order, fully read: one page, or every one (export).
#[expect(clippy::too_many_arguments, reason = "a query with its paging")]
pub async fn list(
    conn: &mut DbConn,
    company: CompanyId,
    scope: Scope,
    f: &ListFilter,
    sort: SortKey,
    descending: bool,
    limit: i64,
    offset: i64,
) -> Result<Vec<CustomerRecord>, sqlx::Error> {
    on!(conn, |ex| {
        let mut q = list_query::<Db>(company, scope, f, sort, descending);
        q.push(" LIMIT ")
            .push_bind(limit)
            .push(" OFFSET ")
            .push_bind(offset);
        q.build()
            .fetch_all(&mut *ex)
            .await?
            .iter()
            .map(record)
            .collect()
    })
}

/// The query of [`list`] without its page: an export reads its rows one at a time
/// (`fetch`, then [`record`] each).
pub fn list_query<DB: Database>(
    company: CompanyId,
    scope: Scope,
    f: &ListFilter,
    sort: SortKey,
    descending: bool,
) -> QueryBuilder<'static, DB>
where
    Uuid: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    Class: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
{
    let mut q = QueryBuilder::new(concat!(
        "SELECT c.*, p.code AS parent_code, p.name AS parent_name, p.rep_id AS parent_rep_id, \
         e.login AS rep_login, e.name AS rep_name",
        from_customer_parent_rep!()
    ));
    push_filter(&mut q, company, scope, f);
    // NULLs sort first ascending and last descending, as SQLite (and the in-memory
    // index) sort them; PostgreSQL is told so
    let dir = match (descending, crate::server::db::is_sqlite::<DB>()) {
        (true, true) => " DESC",
        (false, true) => " ASC",
        (true, false) => " DESC NULLS LAST",
        (false, false) => " ASC NULLS FIRST",
    };
    q.push(" ORDER BY ");
    for (i, col) in sort.sql().split(", ").enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.push(col).push(dir);
    }
    // the code is unique: pages never overlap or skip when the sort key ties
    q.push(if sort == SortKey::Code {
        ""
    } else {
        ", c.code ASC"
    });
    q
}

/// The customers with these ids that are within `scope`, in the order of `ids`.
pub async fn by_ids(
    conn: &mut DbConn,
    company: CompanyId,
    scope: Scope,
    ids: &[Uuid],
) -> Result<Vec<CustomerRecord>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut rows: Vec<CustomerRecord> = on!(conn, |ex| {
        let mut q = QueryBuilder::<Db>::new(SELECT_RECORD);
        push_among(&mut q, company, scope, ids);
        q.build()
            .fetch_all(&mut *ex)
            .await?
            .iter()
            .map(record)
            .collect::<Result<_, _>>()
    })?;
    in_order_of(&mut rows, ids, |r| r.id);
    Ok(rows)
}

/// Ends a `WHERE c.company_id = `: `company`'s customers `c` among `ids` within `scope`.
fn push_among<'q, DB: Database>(
    q: &mut QueryBuilder<'q, DB>,
    company: CompanyId,
    scope: Scope,
    ids: &[Uuid],
) where
    Uuid: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    q.push_bind(company.0).push(" AND c.id IN (");
    let mut sep = q.separated(", ");
    for id in ids {
        sep.push_bind(*id);
    }
    q.push(")");
    scope.push(q);
}

/// Puts `rows` in the order of `ids` (a row whose id is not among them goes last).
fn in_order_of<T>(rows: &mut [T], ids: &[Uuid], id: impl Fn(&T) -> Uuid) {
    let order: std::collections::HashMap<Uuid, usize> =
        ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    rows.sort_by_key(|r| order.get(&id(r)).copied().unwrap_or(usize::MAX));
}

/// What a row of the customer list shows, for one customer.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ListRow {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub terminal_type: Option<String>,
    pub status: String,
    pub district: Option<String>,
    pub township: Option<String>,
    pub phone: Option<String>,
    pub contact: Option<String>,
    pub completeness: i64,
    pub tier: Option<Class>,
    pub rep_name: Option<String>,
    pub parent_id: Option<Uuid>,
    pub parent_name: Option<String>,
    /// The parent's own rep: a rep is shown the parent only if it is theirs too.
    pub parent_rep_id: Option<Uuid>,
}

/// The list's columns of the customers among `ids` that are within `scope`, in the order
/// of `ids`. Only what a list row shows is read: a whole record is some sixty columns,
/// each copied and decoded, for a row that shows a dozen.
pub async fn list_rows(
    conn: &mut DbConn,
    company: CompanyId,
    scope: Scope,
    ids: &[Uuid],
) -> Result<Vec<ListRow>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut rows: Vec<ListRow> = on!(conn, |ex| {
        let mut q = QueryBuilder::<Db>::new(concat!(
            "SELECT c.id, c.code, c.name, c.kind, c.terminal_type, c.status, c.district, \
             c.township, c.phone, c.contact, c.completeness, c.tier, e.name AS rep_name, \
             c.parent_id, p.name AS parent_name, p.rep_id AS parent_rep_id",
            from_customer_parent_rep!(),
            " WHERE c.company_id = "
        ));
        push_among(&mut q, company, scope, ids);
        q.build_query_as().fetch_all(&mut *ex).await
    })?;
    in_order_of(&mut rows, ids, |r| r.id);
    Ok(rows)
}

/// The customers among `ids` (whole company scope), for an import's updates.
pub async fn get_many(
    conn: &mut DbConn,
    company: CompanyId,
    ids: &[Uuid],
) -> Result<Vec<CustomerRecord>, sqlx::Error> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        on!(conn, |ex| {
            let mut q = QueryBuilder::<Db>::new(SELECT_RECORD);
            push_among(&mut q, company, Scope::All, chunk);
            for row in q.build().fetch_all(&mut *ex).await? {
                out.push(record(&row)?);
            }
            Ok::<_, sqlx::Error>(())
        })?;
    }
    Ok(out)
}

/// Customers directly served by `parent` (within `scope`): id, code, name, kind.
pub async fn children(
    conn: &mut DbConn,
    company: CompanyId,
    scope: Scope,
    parent: Uuid,
) -> Result<Vec<(Uuid, String, String, Option<String>)>, sqlx::Error> {
    on!(conn, |ex| {
        let mut q = QueryBuilder::<Db>::new(
            "SELECT c.id, c.code, c.name, c.terminal_type FROM customers c WHERE c.company_id = ",
        );
        q.push_bind(company.0)
            .push(" AND c.parent_id = ")
            .push_bind(parent);
        scope.push(&mut q);
        q.push(" ORDER BY c.name LIMIT 1000");
        q.build_query_as().fetch_all(&mut *ex).await
    })
}

/// The company's change counter (moved by triggers on every customer change).
pub async fn revision(conn: &mut DbConn, company: CompanyId) -> Result<i64, sqlx::Error> {
    Ok(on!(conn, |ex| sqlx::query_scalar(
        "SELECT rev FROM customer_revisions WHERE company_id = $1"
    )
    .bind(company.0)
    .fetch_optional(&mut *ex)
    .await)?
    .unwrap_or(0))
}

/// What lists filter, sort and search on, for the company's customers changed after
/// `after_rev` (0: all of them).
pub async fn list_entries(
    conn: &mut DbConn,
    company: CompanyId,
    after_rev: i64,
) -> Result<Vec<crate::server::search_index::Entry>, sqlx::Error> {
    on!(conn, |ex| sqlx::query_as(
        "SELECT id, rep_id, parent_id, kind, status, terminal_type, district, township, tier, \
         name, code, completeness, updated_at, search_text FROM customers \
         WHERE company_id = $1 AND list_rev > $2",
    )
    .bind(company.0)
    .bind(after_rev)
    .fetch_all(&mut *ex)
    .await)
}

/// How many customers the company has.
pub async fn count_all(conn: &mut DbConn, company: CompanyId) -> Result<i64, sqlx::Error> {
    on!(conn, |ex| sqlx::query_scalar(
        "SELECT count(*) FROM customers WHERE company_id = $1"
    )
    .bind(company.0)
    .fetch_one(&mut *ex)
    .await)
}

#[cfg(test)]
mod tests {
    use super::glob_contains;

    #[test]
    fn glob_patterns_match_special_characters_literally() {
        assert_eq!(glob_contains("超市"), "*超市*");
        assert_eq!(glob_contains("a*b?[c"), "*a[*]b[?][[]c*");
    }
}
