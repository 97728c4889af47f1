//! Products, the sales ledger and its monthly rollups.
//!
//! Rollups (`sales_monthly`) are kept by the triggers of the migration
//! `create_sales_monthly`, except for the lines [`insert_lines`] stores on SQLite, which
//! merges their sums itself (migration `bulk_sales_rollups`), and a bulk load's, whose
//! sums [`merge_monthly_sums`] merges once for the whole load.
use crate::domain::ids::{CompanyId, EmployeeId};
use crate::domain::sales::ProductFields;
use crate::server::db::customers::Scope;
use crate::server::db::on;
use crate::server::db::{DbConn, Engine};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::QueryBuilder;
use uuid::Uuid;

/// The tables a sales import writes, whose statistics it refreshes when it has committed.
pub const IMPORT_TABLES: [&str; 4] = ["sales_lines", "sales_monthly", "sales_batches", "products"];

/// A product of the catalogue.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProductRow {
    pub id: Uuid,
    pub sku: String,
    pub name: String,
    pub category: Option<String>,
    pub unit: Option<String>,
    pub list_price: Option<i64>,
    pub price_floor: Option<i64>,
    pub pack_size: Option<i64>,
    pub piece_unit: Option<String>,
    pub cost_price: Option<i64>,
    pub active: bool,
    pub version: i64,
}

/// The company's products by SKU order.
pub async fn products(
    conn: &mut DbConn,
    company: CompanyId,
) -> Result<Vec<ProductRow>, sqlx::Error> {
    on!(conn, |ex| sqlx::query_as(
        "SELECT id, sku, name, category, unit, list_price, price_floor, pack_size, piece_unit, \
         cost_price, active, version FROM products \
         WHERE company_id = $1 ORDER BY sku",
    )
    .bind(company.0)
    .fetch_all(&mut *ex)
    .await)
}

pub async fn insert_product(
    conn: &mut DbConn,
    company: CompanyId,
    id: Uuid,
    p: &ProductFields,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    on!(conn, |ex| sqlx::query(
        "INSERT INTO products (company_id, id, sku, name, category, unit, list_price, price_floor, \
         pack_size, piece_unit, cost_price, active, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(company.0)
    .bind(id)
    .bind(&p.sku)
    .bind(&p.name)
    .bind(&p.category)
    .bind(&p.unit)
    .bind(p.list_price.map(|m| m.0))
    .bind(p.price_floor.map(|m| m.0))
    .bind(p.pack_size)
    .bind(&p.piece_unit)
    .bind(p.cost_price.map(|m| m.0))
    .bind(p.active)
    .bind(now)
    .bind(now)
    .execute(&mut *ex)
    .await
    .map(|d| d.rows_affected()))?;
    Ok(())
}

/// Updates a product if it is still at `version`; false when it changed meanwhile (or
/// does not exist).
pub async fn update_product(
    conn: &mut DbConn,
    company: CompanyId,
    id: Uuid,
    version: i64,
    p: &ProductFields,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = on!(conn, |ex| sqlx::query(
        "UPDATE products SET sku = $1, name = $2, category = $3, unit = $4, list_price = $5, \
         price_floor = $6, pack_size = $7, piece_unit = $8, cost_price = $9, active = $10, \
         version = version + 1, updated_at = $11 \
         WHERE company_id = $12 AND id = $13 AND version = $14",
    )
    .bind(&p.sku)
    .bind(&p.name)
    .bind(&p.category)
    .bind(&p.unit)
    .bind(p.list_price.map(|m| m.0))
    .bind(p.price_floor.map(|m| m.0))
    .bind(p.pack_size)
    .bind(&p.piece_unit)
    .bind(p.cost_price.map(|m| m.0))
    .bind(p.active)
    .bind(now)
    .bind(company.0)
    .bind(id)
    .bind(version)
    .execute(&mut *ex)
    .await
    .map(|d| d.rows_affected()))?;
    Ok(done == 1)
}

/// Records where a set of lines came from.
#[expect(clippy::too_many_arguments, reason = "one column each")]
pub async fn insert_batch(
    conn: &mut DbConn,
    company: CompanyId,
    id: Uuid,
    source: &str,
    file_name: Option<&str>,
    by: Option<EmployeeId>,
    now: DateTime<Utc>,
    fingerprint: Option<&str>,
) -> Result<(), sqlx::Error> {
    on!(conn, |ex| {
        sqlx::query(
        "INSERT INTO sales_batches (company_id, id, source, file_name, line_count, created_by, created_at, fingerprint) \
         VALUES ($1, $2, $3, $4, 0, $5, $6, $7)",
    )
    .bind(company.0)
    .bind(id)
    .bind(source)
    .bind(file_name)
    .bind(by.map(|e| e.0))
    .bind(now)
    .bind(fingerprint)
    .execute(&mut *ex)
    .await.map(|d| d.rows_affected())
    })?;
    Ok(())
}

/// The import of the file with `fingerprint`, if there was one: its id and what the
/// refusal of a second import says.
pub async fn batch_by_fingerprint(
    conn: &mut DbConn,
    company: CompanyId,
    fingerprint: &str,
) -> Result<Option<(Uuid, crate::features::sales::transfer::EarlierImport)>, sqlx::Error> {
    type Row = (Uuid, DateTime<Utc>, Option<String>, Option<String>, i64);
    let row: Option<Row> = on!(conn, |ex| sqlx::query_as(
        "SELECT b.id, b.created_at, e.name, b.file_name, b.line_count FROM sales_batches b \
         LEFT JOIN employees e ON e.company_id = b.company_id AND e.id = b.created_by \
         WHERE b.company_id = $1 AND b.fingerprint = $2",
    )
    .bind(company.0)
    .bind(fingerprint)
    .fetch_optional(&mut *ex)
    .await)?;
    Ok(row.map(|(id, at, by, file_name, lines)| {
        (
            id,
            crate::features::sales::transfer::EarlierImport {
                at: at.to_rfc3339(),
                by,
                file_name,
                lines,
            },
        )
    }))
}

/// Undoes a batch: takes its lines and documents out of the ledger (the rollups follow
/// by trigger) and marks it undone. Answers how many lines went. Nothing here reads the
/// whole ledger, which has no index on the batch: the lines are found within the batch's
/// range of order ids (the ledger's key after the company, kept by [`insert_lines_in`]),
/// and the batch is kept rather than deleted, since deleting it would have the database
/// look through every line for one still naming it (the lines' foreign key). Undone, it
/// leaves the list of imports and its fingerprint, so the same file may come again.
pub async fn undo_batch(
    conn: &mut DbConn,
    company: CompanyId,
    batch: Uuid,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    on!(conn, |ex| sqlx::query(
        "DELETE FROM sales_documents WHERE company_id = $1 AND batch_id = $2"
    )
    .bind(company.0)
    .bind(batch)
    .execute(&mut *ex)
    .await
    .map(|d| d.rows_affected()))?;
    let range = on!(conn, |ex| {
        sqlx::query_as::<_, (Option<Uuid>, Option<Uuid>)>(
            "SELECT first_order, last_order FROM sales_batches WHERE company_id = $1 AND id = $2",
        )
        .bind(company.0)
        .bind(batch)
        .fetch_optional(&mut *ex)
        .await
    })?;
    // no range: the batch has no line (none ever, or undone already)
    let lines = match range {
        Some((Some(first), Some(last))) => on!(conn, |ex| sqlx::query(
            "DELETE FROM sales_lines WHERE company_id = $1 AND order_id BETWEEN $2 AND $3 \
             AND batch_id = $4"
        )
        .bind(company.0)
        .bind(first)
        .bind(last)
        .bind(batch)
        .execute(&mut *ex)
        .await
        .map(|d| d.rows_affected()))?,
        _ => 0,
    };
    on!(conn, |ex| sqlx::query(
        "UPDATE sales_batches SET undone_at = $3, fingerprint = NULL, first_order = NULL, \
         last_order = NULL WHERE company_id = $1 AND id = $2 AND undone_at IS NULL"
    )
    .bind(company.0)
    .bind(batch)
    .bind(now)
    .execute(&mut *ex)
    .await
    .map(|d| d.rows_affected()))?;
    Ok(lines)
}

pub async fn set_batch_count(
    conn: &mut DbConn,
    company: CompanyId,
    id: Uuid,
    lines: i64,
) -> Result<(), sqlx::Error> {
    on!(conn, |ex| sqlx::query(
        "UPDATE sales_batches SET line_count = $1 WHERE company_id = $2 AND id = $3"
    )
    .bind(lines)
    .bind(company.0)
    .bind(id)
    .execute(&mut *ex)
    .await
    .map(|d| d.rows_affected()))?;
    Ok(())
}

/// One line ready to store: every reference resolved within the company.
#[derive(Debug, Clone, Copy)]
pub struct NewLine {
    pub order_id: Uuid,
    pub line_no: i64,
    pub order_date: NaiveDate,
    pub customer_id: Uuid,
    pub product_id: Uuid,
    pub rep_id: Option<Uuid>,
    pub quantity: i64,
    pub amount: i64,
    pub cost: i64,
}

/// Whether an order (a tablet's, by its client id) already has lines.
pub async fn order_exists(
    conn: &mut DbConn,
    company: CompanyId,
    order: Uuid,
) -> Result<bool, sqlx::Error> {
    on!(conn, |ex| sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM sales_lines WHERE company_id = $1 AND order_id = $2)",
    )
    .bind(company.0)
    .bind(order)
    .fetch_one(&mut *ex)
    .await)
}

/// Stores lines of `batch` (stored already), many per statement, merges their sums into
/// the monthly rollups once per call, and widens the batch's range of order ids to take
/// them in (migration `sales_batch_order_range`; [`undo_batch`] finds them by it).
/// SQLite takes up to 2 000 lines per statement (its limit is 32 766 bound values); the
/// call lists `batch` in `sales_bulk_batches` so the per-line trigger stands aside, writes
/// the lines in date order (the date index then fills a page at a time instead of one
/// random page per line), adds their sums per customer-month under one
/// new revision, and unlists the batch — the same transaction, so a failure anywhere
/// leaves neither lines nor sums (migration `bulk_sales_rollups`). PostgreSQL takes each
/// column as one array, up to [`PG_LINES_PER_STATEMENT`] lines a statement: its rollup
/// trigger merges once per statement, and every merge leaves a new version of each
/// customer-month it touches that later merges of the same transaction must step over,
/// so fewer, larger statements keep a long import linear (measured: 2 000-line
/// statements did not finish 10 million lines in 18 minutes).
pub async fn insert_lines(
    conn: &mut DbConn,
    company: CompanyId,
    batch: Uuid,
    lines: &[NewLine],
) -> Result<(), sqlx::Error> {
    insert_lines_in(conn, company, batch, lines, Placed::ByDate).await
}

/// The order [`insert_lines_in`] writes a group of lines in on SQLite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placed {
    /// In date order, so the date index fills a page at a time.
    ByDate,
    /// In key order (order, line): for a bulk load whose date index is set aside
    /// ([`set_aside_for_load`]), the table then grows at its end only, its pages full.
    ByKey,
}

/// [`insert_lines`], in the order `placed` says.
pub async fn insert_lines_in(
    conn: &mut DbConn,
    company: CompanyId,
    batch: Uuid,
    lines: &[NewLine],
    placed: Placed,
) -> Result<(), sqlx::Error> {
    if lines.is_empty() {
        return Ok(());
    }
    if conn.is_sqlite() {
        let prepared = prepare_lines(company, batch, lines, placed)?;
        let ex = sqlite_of(conn)?;
        sqlx::query("INSERT INTO sales_bulk_batches (company_id, batch_id) VALUES ($1, $2)")
            .bind(company.0)
            .bind(batch)
            .execute(&mut *ex)
            .await?;
        store_statements(ex, prepared.statements).await?;
        let sums = monthly_sums(lines);
        merge_monthly_sums(conn, company, &sums).await?;
        let ex = sqlite_of(conn)?;
        sqlx::query("DELETE FROM sales_bulk_batches WHERE company_id = $1 AND batch_id = $2")
            .bind(company.0)
            .bind(batch)
            .execute(&mut *ex)
            .await?;
        return widen_batch(conn, company, batch, prepared.orders).await;
    }
    if let Engine::Postgres(ex) = conn.engine() {
        for chunk in lines.chunks(PG_LINES_PER_STATEMENT) {
            let numbers = |f: fn(&NewLine) -> i64| chunk.iter().map(f).collect::<Vec<_>>();
            let ids = |f: fn(&NewLine) -> Uuid| chunk.iter().map(f).collect::<Vec<_>>();
            sqlx::query(
                "INSERT INTO sales_lines (company_id, order_id, line_no, order_date, \
                 customer_id, product_id, rep_id, quantity, amount, cost, batch_id) \
                 SELECT $1, o, n, d, c, p, r, q, a, k, $2 FROM unnest($3::uuid[], \
                 $4::int8[], $5::date[], $6::uuid[], $7::uuid[], $8::uuid[], $9::int8[], \
                 $10::int8[], $11::int8[]) AS t(o, n, d, c, p, r, q, a, k)",
            )
            .bind(company.0)
            .bind(batch)
            .bind(ids(|l| l.order_id))
            .bind(numbers(|l| l.line_no))
            .bind(chunk.iter().map(|l| l.order_date).collect::<Vec<_>>())
            .bind(ids(|l| l.customer_id))
            .bind(ids(|l| l.product_id))
            .bind(chunk.iter().map(|l| l.rep_id).collect::<Vec<_>>())
            .bind(numbers(|l| l.quantity))
            .bind(numbers(|l| l.amount))
            .bind(numbers(|l| l.cost))
            .execute(&mut *ex)
            .await?;
        }
    }
    widen_batch(conn, company, batch, order_range(lines)).await
}

/// The SQLite connection of `conn`; an error on PostgreSQL (for SQLite's own statements,
/// which must never be skipped quietly).
fn sqlite_of(conn: &mut DbConn) -> Result<&mut sqlx::SqliteConnection, sqlx::Error> {
    match conn.engine() {
        Engine::Sqlite(ex) => Ok(ex),
        Engine::Postgres(_) => Err(sqlx::Error::Protocol(
            "SQLite statements on a PostgreSQL connection".into(),
        )),
    }
}

/// The lowest and highest order id of some lines.
fn order_range(lines: &[NewLine]) -> Option<(Uuid, Uuid)> {
    let ids = || lines.iter().map(|l| l.order_id);
    Some((ids().min()?, ids().max()?))
}

/// Widens the batch's range of order ids to take in `orders` ([`undo_batch`] reads it).
async fn widen_batch(
    conn: &mut DbConn,
    company: CompanyId,
    batch: Uuid,
    orders: Option<(Uuid, Uuid)>,
) -> Result<(), sqlx::Error> {
    let Some((first, last)) = orders else {
        return Ok(());
    };
    let widen = if conn.is_sqlite() {
        // SQLite's two-argument min() and max() are NULL when either is
        "UPDATE sales_batches SET first_order = coalesce(min(first_order, $3), $3), \
         last_order = coalesce(max(last_order, $4), $4) \
         WHERE company_id = $1 AND id = $2 AND undone_at IS NULL"
    } else {
        "UPDATE sales_batches SET first_order = LEAST(first_order, $3), \
         last_order = GREATEST(last_order, $4) \
         WHERE company_id = $1 AND id = $2 AND undone_at IS NULL"
    };
    let widened = on!(conn, |ex| sqlx::query(widen)
        .bind(company.0)
        .bind(batch)
        .bind(first)
        .bind(last)
        .execute(&mut *ex)
        .await
        .map(|d| d.rows_affected()))?;
    // lines of a batch that is not there (the bulk connection checks no foreign key) or
    // undone could never be found by their batch again
    if widened != 1 {
        return Err(sqlx::Error::Protocol(format!(
            "lines written for batch {batch}, which is not stored or is undone"
        )));
    }
    Ok(())
}

/// Lines made ready to store on SQLite: in the order [`Placed`] says, their values
/// encoded a statement at a time. That is the CPU part of storing lines; a sales import
/// does it on its reader's thread while the writer stores the group before
/// ([`store_prepared`]).
pub struct PreparedLines {
    /// Each statement's number of lines and values.
    statements: Vec<(usize, sqlx::sqlite::SqliteArguments<'static>)>,
    /// The lowest and highest order id among the lines.
    orders: Option<(Uuid, Uuid)>,
}

/// Lines a SQLite statement stores (its limit is 32 766 bound values, 11 a line).
const SQLITE_LINES_PER_STATEMENT: usize = 2_000;

/// Sorts and encodes `lines` of `batch` for [`store_prepared`] (or [`insert_lines_in`]).
pub fn prepare_lines(
    company: CompanyId,
    batch: Uuid,
    lines: &[NewLine],
    placed: Placed,
) -> Result<PreparedLines, sqlx::Error> {
    use sqlx::Arguments as _;
    let mut sorted: Vec<&NewLine> = lines.iter().collect();
    // ids as numbers: the same order as their bytes (how SQLite compares blobs), compared
    // without a memcmp call per pair
    match placed {
        Placed::ByDate => {
            sorted.sort_unstable_by_key(|l| (l.order_date, l.order_id.as_u128(), l.line_no))
        }
        Placed::ByKey => sorted.sort_unstable_by_key(|l| (l.order_id.as_u128(), l.line_no)),
    }
    // the ledger's days as text, each written once rather than once per line
    let mut days: std::collections::HashMap<NaiveDate, String> = std::collections::HashMap::new();
    let mut statements = Vec::new();
    for chunk in sorted.chunks(SQLITE_LINES_PER_STATEMENT) {
        let mut args = sqlx::sqlite::SqliteArguments::default();
        args.reserve(chunk.len() * 11, 0);
        for l in chunk {
            let day = days
                .entry(l.order_date)
                .or_insert_with(|| l.order_date.format("%Y-%m-%d").to_string())
                .clone();
            args.add(company.0).map_err(sqlx::Error::Encode)?;
            args.add(l.order_id).map_err(sqlx::Error::Encode)?;
            args.add(l.line_no).map_err(sqlx::Error::Encode)?;
            args.add(day).map_err(sqlx::Error::Encode)?;
            args.add(l.customer_id).map_err(sqlx::Error::Encode)?;
            args.add(l.product_id).map_err(sqlx::Error::Encode)?;
            args.add(l.rep_id).map_err(sqlx::Error::Encode)?;
            args.add(l.quantity).map_err(sqlx::Error::Encode)?;
            args.add(l.amount).map_err(sqlx::Error::Encode)?;
            args.add(l.cost).map_err(sqlx::Error::Encode)?;
            args.add(batch).map_err(sqlx::Error::Encode)?;
        }
        statements.push((chunk.len(), args));
    }
    Ok(PreparedLines {
        statements,
        orders: order_range(lines),
    })
}

/// The statement storing `n` lines.
fn lines_sql(n: usize) -> String {
    let mut sql = String::from(
        "INSERT INTO sales_lines (company_id, order_id, line_no, order_date, customer_id, \
         product_id, rep_id, quantity, amount, cost, batch_id) VALUES ",
    );
    for i in 0..n {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    }
    sql
}

async fn store_statements(
    ex: &mut sqlx::SqliteConnection,
    statements: Vec<(usize, sqlx::sqlite::SqliteArguments<'static>)>,
) -> Result<(), sqlx::Error> {
    let full = lines_sql(SQLITE_LINES_PER_STATEMENT);
    for (n, args) in statements {
        let other;
        let sql = if n == SQLITE_LINES_PER_STATEMENT {
            &full
        } else {
            other = lines_sql(n);
            &other
        };
        sqlx::query_with(sql, args).execute(&mut *ex).await?;
    }
    Ok(())
}

/// Stores lines [`prepare_lines`] made ready, for a bulk load whose per-line rollup
/// trigger is set aside ([`set_aside_for_load`]): their sums are not merged here but by
/// [`merge_monthly_sums`], once for the whole load.
pub async fn store_prepared(
    conn: &mut DbConn,
    company: CompanyId,
    batch: Uuid,
    prepared: PreparedLines,
) -> Result<(), sqlx::Error> {
    store_statements(sqlite_of(conn)?, prepared.statements).await?;
    widen_batch(conn, company, batch, prepared.orders).await
}

/// Adds `sums` (in key order) to the company's monthly rollups under one new revision
/// (SQLite only: PostgreSQL's statement trigger merges its own).
pub async fn merge_monthly_sums(
    conn: &mut DbConn,
    company: CompanyId,
    sums: &[((Uuid, i32), MonthSums)],
) -> Result<(), sqlx::Error> {
    let ex = sqlite_of(conn)?;
    let rev: i64 = sqlx::query_scalar(
        "INSERT INTO sales_revisions (company_id, rev) VALUES ($1, 1) \
         ON CONFLICT (company_id) DO UPDATE SET rev = rev + 1 RETURNING rev",
    )
    .bind(company.0)
    .fetch_one(&mut *ex)
    .await?;
    for chunk in sums.chunks(2_000) {
        let mut q = QueryBuilder::<sqlx::Sqlite>::new(
            "INSERT INTO sales_monthly (company_id, customer_id, month, amount, cost, \
             quantity, lines, rev) ",
        );
        q.push_values(chunk, |mut b, ((customer, month), t)| {
            b.push_bind(company.0)
                .push_bind(*customer)
                .push_bind(*month)
                .push_bind(t.amount)
                .push_bind(t.cost)
                .push_bind(t.quantity)
                .push_bind(t.lines)
                .push_bind(rev);
        });
        q.push(
            " ON CONFLICT (company_id, customer_id, month) DO UPDATE SET \
             amount = amount + excluded.amount, cost = cost + excluded.cost, \
             quantity = quantity + excluded.quantity, lines = lines + excluded.lines, \
             rev = excluded.rev",
        );
        q.build().execute(&mut *ex).await?;
    }
    Ok(())
}

/// The fewest lines of a file for which [`set_aside_for_load`] sets anything aside.
pub const REBUILD_INDEX_FROM: usize = 100_000;

/// What [`set_aside_for_load`] took out of the schema for a bulk load, to put back by
/// [`restore_after_load`]: each as its own `CREATE` statement, read from the schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAside {
    /// The ledger's date index, when the ledger held fewer lines than the file.
    pub date_index: Option<String>,
    /// The per-line rollup trigger.
    pub rollup_trigger: Option<String>,
}

/// Sets aside, for a bulk load of about `lines` lines (SQLite only, files of at least
/// [`REBUILD_INDEX_FROM`] lines), what each line would otherwise pay for one at a time:
/// - the per-line rollup trigger: the load merges its sums itself, once at its end
///   ([`merge_monthly_sums`]), so the trigger only looked up `sales_bulk_batches` and
///   stood aside, once per line (measured: 12 s of a 10-million-line load's 112 s);
/// - the date index, when the ledger holds fewer lines than the file: it is then built
///   again once, sorted, instead of taking every line in a random place of it — the
///   costliest part of loading years of history into a new ledger.
///
/// Only in a bulk load's transaction ([`Pool::begin_bulk`](crate::server::db::Pool::begin_bulk)),
/// which holds the write lock: no other writer runs meanwhile, readers read the last
/// committed state (trigger and index included), its rollback brings both back, and a
/// commit must follow [`restore_after_load`]. Anywhere else (a pooled connection, whose
/// drop would commit at once) it sets nothing aside.
pub async fn set_aside_for_load(
    conn: &mut DbConn,
    lines: usize,
) -> Result<Option<SetAside>, sqlx::Error> {
    if !conn.is_sqlite_bulk() {
        return Ok(None);
    }
    let Engine::Sqlite(ex) = conn.engine() else {
        return Ok(None);
    };
    if lines < REBUILD_INDEX_FROM {
        return Ok(None);
    }
    let limit = i64::try_from(lines).unwrap_or(i64::MAX);
    let held: i64 = sqlx::query_scalar("SELECT count(*) FROM (SELECT 1 FROM sales_lines LIMIT $1)")
        .bind(limit)
        .fetch_one(&mut *ex)
        .await?;
    let definition = |kind: &'static str, name: &'static str| {
        sqlx::query_scalar::<_, String>(
            "SELECT sql FROM sqlite_master WHERE type = $1 AND name = $2",
        )
        .bind(kind)
        .bind(name)
    };
    let date_index = if held < limit {
        definition("index", "sales_lines_date")
            .fetch_optional(&mut *ex)
            .await?
    } else {
        None
    };
    let rollup_trigger = definition("trigger", "sales_lines_insert")
        .fetch_optional(&mut *ex)
        .await?;
    if date_index.is_some() {
        sqlx::query("DROP INDEX sales_lines_date")
            .execute(&mut *ex)
            .await?;
    }
    if rollup_trigger.is_some() {
        sqlx::query("DROP TRIGGER sales_lines_insert")
            .execute(&mut *ex)
            .await?;
    }
    Ok(Some(SetAside {
        date_index,
        rollup_trigger,
    }))
}

/// Puts back what [`set_aside_for_load`] set aside: the trigger as it was, the index
/// built afresh from the lines.
pub async fn restore_after_load(
    conn: &mut DbConn,
    set_aside: &SetAside,
) -> Result<(), sqlx::Error> {
    for definition in [&set_aside.rollup_trigger, &set_aside.date_index]
        .into_iter()
        .flatten()
    {
        on!(conn, |ex| sqlx::query(definition)
            .execute(&mut *ex)
            .await
            .map(|d| d.rows_affected()))?;
    }
    Ok(())
}

/// The sums of some lines in one customer's month.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MonthSums {
    pub amount: i64,
    pub cost: i64,
    pub quantity: i64,
    pub lines: i64,
}

impl MonthSums {
    /// Takes in one line; `false` (and nothing taken) when a sum would pass an integer's
    /// range.
    pub fn add(&mut self, l: &NewLine) -> bool {
        let next = (|| {
            Some(MonthSums {
                amount: self.amount.checked_add(l.amount)?,
                cost: self.cost.checked_add(l.cost)?,
                quantity: self.quantity.checked_add(l.quantity)?,
                lines: self.lines.checked_add(1)?,
            })
        })();
        match next {
            Some(n) => {
                *self = n;
                true
            }
            None => false,
        }
    }
}

/// Sums of lines per customer and month, in key order (the rollups' primary key order, so
/// merging them walks the B-tree instead of jumping about it).
fn monthly_sums(lines: &[NewLine]) -> Vec<((Uuid, i32), MonthSums)> {
    let mut sums = MonthlySums::default();
    for l in lines {
        // a group of lines within a statement's size cannot pass an integer's range (a
        // line is at most domain::money::MAX_FEN); SQLite refuses the merge if it did
        let _ = sums.add(l);
    }
    sums.in_key_order()
}

/// Sums of lines per customer and month, gathered as lines come.
#[derive(Debug, Default)]
pub struct MonthlySums(foldhash::HashMap<(Uuid, i32), MonthSums>);

impl MonthlySums {
    /// Takes in one line; `false` (and nothing taken) when its customer's month would
    /// pass an integer's range.
    pub fn add(&mut self, l: &NewLine) -> bool {
        self.0
            .entry((l.customer_id, crate::domain::sales::month_of(l.order_date)))
            .or_default()
            .add(l)
    }

    /// The sums in key order (the rollups' primary key order, so merging them walks the
    /// B-tree instead of jumping about it).
    pub fn in_key_order(self) -> Vec<((Uuid, i32), MonthSums)> {
        let mut v: Vec<_> = self.0.into_iter().collect();
        v.sort_unstable_by_key(|((c, m), _)| (c.as_u128(), *m));
        v
    }
}

/// The most lines one PostgreSQL statement stores (an import writes this many at a time).
pub const PG_LINES_PER_STATEMENT: usize = 100_000;

/// Which of `documents` an import other than `batch` already brought.
pub async fn documents_taken(
    conn: &mut DbConn,
    company: CompanyId,
    batch: Uuid,
    documents: &[&str],
) -> Result<Vec<String>, sqlx::Error> {
    let mut taken = Vec::new();
    for chunk in documents.chunks(500) {
        on!(conn, |ex| {
            let mut q = QueryBuilder::<Db>::new(
                "SELECT document_no FROM sales_documents WHERE company_id = ",
            );
            q.push_bind(company.0)
                .push(" AND batch_id <> ")
                .push_bind(batch)
                .push(" AND document_no IN (");
            let mut list = q.separated(", ");
            for d in chunk {
                list.push_bind((*d).to_owned());
            }
            q.push(")");
            taken.extend(q.build_query_scalar::<String>().fetch_all(&mut *ex).await?);
            Ok::<_, sqlx::Error>(())
        })?;
    }
    Ok(taken)
}

/// Records the documents of `batch` (those already recorded for it are kept).
pub async fn insert_documents(
    conn: &mut DbConn,
    company: CompanyId,
    batch: Uuid,
    documents: &[&str],
) -> Result<(), sqlx::Error> {
    for chunk in documents.chunks(5_000) {
        on!(conn, |ex| {
            let mut q = QueryBuilder::<Db>::new(
                "INSERT INTO sales_documents (company_id, document_no, batch_id) ",
            );
            q.push_values(chunk, |mut b, d| {
                b.push_bind(company.0)
                    .push_bind((*d).to_owned())
                    .push_bind(batch);
            });
            q.push(" ON CONFLICT DO NOTHING");
            q.build().execute(&mut *ex).await.map(|d| d.rows_affected())
        })?;
    }
    Ok(())
}

/// An import as the sales page lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BatchRow {
    pub id: Uuid,
    pub file_name: Option<String>,
    pub line_count: i64,
    pub by_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// The company's imports not undone, newest first: a page of `limit` from `offset`, and
/// how many there are.
pub async fn import_batches(
    conn: &mut DbConn,
    company: CompanyId,
    limit: i64,
    offset: i64,
) -> Result<(Vec<BatchRow>, i64), sqlx::Error> {
    let rows = on!(conn, |ex| sqlx::query_as(
        "SELECT b.id, b.file_name, b.line_count, e.name AS by_name, b.created_at \
         FROM sales_batches b \
         LEFT JOIN employees e ON e.company_id = b.company_id AND e.id = b.created_by \
         WHERE b.company_id = $1 AND b.source = 'import' AND b.undone_at IS NULL \
         ORDER BY b.created_at DESC, b.id DESC LIMIT $2 OFFSET $3",
    )
    .bind(company.0)
    .bind(limit)
    .bind(offset)
    .fetch_all(&mut *ex)
    .await)?;
    let total = on!(conn, |ex| sqlx::query_scalar(
        "SELECT count(*) FROM sales_batches WHERE company_id = $1 AND source = 'import' \
         AND undone_at IS NULL",
    )
    .bind(company.0)
    .fetch_one(&mut *ex)
    .await)?;
    Ok((rows, total))
}

/// Whether `batch` is an import of the company not undone yet (only imports are undone
/// whole).
pub async fn is_import_batch(
    conn: &mut DbConn,
    company: CompanyId,
    batch: Uuid,
) -> Result<bool, sqlx::Error> {
    let n: i64 = on!(conn, |ex| {
        sqlx::query_scalar(
            "SELECT count(*) FROM sales_batches WHERE company_id = $1 AND id = $2 \
             AND source = 'import' AND undone_at IS NULL",
        )
        .bind(company.0)
        .bind(batch)
        .fetch_one(&mut *ex)
        .await
    })?;
    Ok(n == 1)
}

/// A line of the ledger as lists show it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LineRow {
    pub order_id: Uuid,
    pub line_no: i64,
    pub order_date: NaiveDate,
    pub customer_id: Uuid,
    pub customer_code: String,
    pub customer_name: String,
    pub sku: String,
    pub product_name: String,
    pub quantity: i64,
    pub amount: i64,
    pub cost: i64,
    pub rep_name: Option<String>,
    pub order_number: Option<String>,
}

/// The newest lines first, of customers within `scope`.
pub async fn recent_lines(
    conn: &mut DbConn,
    company: CompanyId,
    scope: Scope,
    limit: i64,
    offset: i64,
) -> Result<Vec<LineRow>, sqlx::Error> {
    on!(conn, |ex| {
        let mut q = QueryBuilder::<Db>::new(
            "SELECT l.order_id, l.line_no, l.order_date, l.customer_id, c.code AS customer_code, \
         c.name AS customer_name, p.sku, p.name AS product_name, l.quantity, l.amount, l.cost, \
         e.name AS rep_name, o.number AS order_number FROM sales_lines l \
         JOIN customers c ON c.company_id = l.company_id AND c.id = l.customer_id \
         JOIN products p ON p.company_id = l.company_id AND p.id = l.product_id \
         LEFT JOIN employees e ON e.company_id = l.company_id AND e.id = l.rep_id \
         LEFT JOIN orders o ON o.company_id = l.company_id AND o.id = l.order_id \
         WHERE l.company_id = ",
        );
        q.push_bind(company.0);
        if let Scope::Rep(rep) = scope {
            q.push(" AND c.rep_id = ").push_bind(rep.0);
        }
        q.push(" ORDER BY l.order_date DESC, l.order_id DESC, l.line_no LIMIT ")
            .push_bind(limit)
            .push(" OFFSET ")
            .push_bind(offset);
        q.build_query_as().fetch_all(&mut *ex).await
    })
}

/// Deletes every line of an order; how many went.
pub async fn delete_order(
    conn: &mut DbConn,
    company: CompanyId,
    order: Uuid,
) -> Result<u64, sqlx::Error> {
    Ok(on!(conn, |ex| sqlx::query(
        "DELETE FROM sales_lines WHERE company_id = $1 AND order_id = $2"
    )
    .bind(company.0)
    .bind(order)
    .execute(&mut *ex)
    .await
    .map(|d| d.rows_affected()))?)
}

/// The company's sales counter (moved by every change to its lines).
pub async fn revision(conn: &mut DbConn, company: CompanyId) -> Result<i64, sqlx::Error> {
    Ok(on!(conn, |ex| sqlx::query_scalar(
        "SELECT rev FROM sales_revisions WHERE company_id = $1"
    )
    .bind(company.0)
    .fetch_optional(&mut *ex)
    .await)?
    .unwrap_or(0))
}

/// One customer-month of the rollups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct MonthRow {
    pub customer_id: Uuid,
    pub month: i64,
    pub amount: i64,
    pub cost: i64,
    pub quantity: i64,
    pub lines: i64,
}

/// One customer's sales per month number (see `domain::sales::month_of`) in
/// `[from, to]`, from the rollups.
pub async fn customer_months(
    conn: &mut DbConn,
    company: CompanyId,
    customer: Uuid,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    on!(conn, |ex| sqlx::query_as(
        "SELECT month, amount FROM sales_monthly WHERE company_id = $1 AND customer_id = $2 \
         AND month BETWEEN $3 AND $4 ORDER BY month"
    )
    .bind(company.0)
    .bind(customer)
    .bind(from)
    .bind(to)
    .fetch_all(&mut *ex)
    .await)
}

/// A rep's customers' sales per month number in `[from, to]`: (customer, month, amount).
pub async fn rep_months(
    conn: &mut DbConn,
    company: CompanyId,
    rep: EmployeeId,
    from: i64,
    to: i64,
) -> Result<Vec<(Uuid, i64, i64)>, sqlx::Error> {
    on!(conn, |ex| sqlx::query_as(
        "SELECT s.customer_id, s.month, s.amount FROM customers c \
         JOIN sales_monthly s ON s.company_id = c.company_id AND s.customer_id = c.id \
         AND s.month BETWEEN $3 AND $4 \
         WHERE c.company_id = $1 AND c.rep_id = $2"
    )
    .bind(company.0)
    .bind(rep.0)
    .bind(from)
    .bind(to)
    .fetch_all(&mut *ex)
    .await)
}

/// Rollup rows changed after `after_rev` (0: all).
pub async fn months_changed(
    conn: &mut DbConn,
    company: CompanyId,
    after_rev: i64,
) -> Result<Vec<MonthRow>, sqlx::Error> {
    // everything: walk the table in key order rather than the rev index (a random
    // lookup per row, seconds at a million rows)
    let sql = if after_rev <= 0 {
        "SELECT customer_id, month, amount, cost, quantity, lines FROM sales_monthly \
         WHERE company_id = $1 AND $2 <= 0"
    } else {
        "SELECT customer_id, month, amount, cost, quantity, lines FROM sales_monthly \
         WHERE company_id = $1 AND rev > $2"
    };
    on!(conn, |ex| sqlx::query_as(sql)
        .bind(company.0)
        .bind(after_rev)
        .fetch_all(&mut *ex)
        .await)
}

/// The same shape summed straight from the lines, for checking the rollups.
pub async fn months_from_lines(
    conn: &mut DbConn,
    company: CompanyId,
) -> Result<Vec<MonthRow>, sqlx::Error> {
    on!(conn, |ex| {
        // the month number as the rollup triggers compute it (PostgreSQL: sales_month())
        let month = if super::is_sqlite::<Db>() {
            "CAST(substr(order_date, 1, 4) AS INTEGER) * 12 + CAST(substr(order_date, 6, 2) AS INTEGER) - 1"
        } else {
            "sales_month(order_date)"
        };
        sqlx::query_as(&format!(
            "SELECT customer_id, {month} AS month, \
             CAST(sum(amount) AS BIGINT) AS amount, CAST(sum(cost) AS BIGINT) AS cost, \
             CAST(sum(quantity) AS BIGINT) AS quantity, count(*) AS lines \
             FROM sales_lines WHERE company_id = $1 GROUP BY customer_id, month \
             ORDER BY customer_id, month"
        ))
        .bind(company.0)
        .fetch_all(&mut *ex)
        .await
    })
}

/// Per-customer sums of the lines dated `[from, to]` (both included); `month` is 0.
pub async fn day_range_sums(
    conn: &mut DbConn,
    company: CompanyId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<MonthRow>, sqlx::Error> {
    on!(conn, |ex| sqlx::query_as(
        "SELECT customer_id, CAST(0 AS BIGINT) AS month, CAST(sum(amount) AS BIGINT) AS amount, \
         CAST(sum(cost) AS BIGINT) AS cost, CAST(sum(quantity) AS BIGINT) AS quantity, \
         count(*) AS lines FROM sales_lines \
         WHERE company_id = $1 AND order_date BETWEEN $2 AND $3 GROUP BY customer_id",
    )
    .bind(company.0)
    .bind(from)
    .bind(to)
    .fetch_all(&mut *ex)
    .await)
}

/// Ids of the customers assigned to a rep — the SQL side of a rep's scope.
pub async fn rep_customer_ids(
    conn: &mut DbConn,
    company: CompanyId,
    rep: EmployeeId,
) -> Result<Vec<Uuid>, sqlx::Error> {
    on!(conn, |ex| sqlx::query_scalar(
        "SELECT id FROM customers WHERE company_id = $1 AND rep_id = $2"
    )
    .bind(company.0)
    .bind(rep.0)
    .fetch_all(&mut *ex)
    .await)
}

/// Every customer of the company as (code, id, rep): how sales files name customers.
pub async fn customer_codes(
    conn: &mut DbConn,
    company: CompanyId,
) -> Result<Vec<(String, Uuid, Option<Uuid>)>, sqlx::Error> {
    // in code order: the demo draws its random sales customer by customer, and an order
    // left to the engine differs between SQLite and PostgreSQL
    on!(conn, |ex| sqlx::query_as(
        "SELECT code, id, rep_id FROM customers WHERE company_id = $1 ORDER BY code"
    )
    .bind(company.0)
    .fetch_all(&mut *ex)
    .await)
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]
    use super::*;
    use proptest::prelude::*;

    fn line(customer: u8, day: u32, amount: i64) -> NewLine {
        NewLine {
            order_id: Uuid::now_v7(),
            line_no: 1,
            order_date: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
                + chrono::Duration::days(i64::from(day)),
            customer_id: Uuid::from_bytes([customer; 16]),
            product_id: Uuid::nil(),
            rep_id: None,
            quantity: 1,
            amount,
            cost: amount / 2,
        }
    }

    proptest! {
        /// A bulk load's sums, gathered line by line, hold every line once, one entry per
        /// customer and month, in the rollups' key order (ids compared as SQLite compares
        /// their bytes).
        #[test]
        fn gathered_sums_hold_every_line_once_in_key_order(
            lines in prop::collection::vec((any::<u8>(), 0u32..400, -5_000i64..100_000), 0..300)
        ) {
            let lines: Vec<NewLine> = lines.iter().map(|&(c, d, a)| line(c, d, a)).collect();
            let mut gathered = MonthlySums::default();
            for l in &lines {
                prop_assert!(gathered.add(l));
            }
            let sums = gathered.in_key_order();
            for pair in sums.windows(2) {
                let (a, b) = (&pair[0].0, &pair[1].0);
                prop_assert!((a.0.as_bytes(), a.1) < (b.0.as_bytes(), b.1));
            }
            prop_assert_eq!(sums.iter().map(|(_, t)| t.lines).sum::<i64>(), lines.len() as i64);
            for ((customer, month), t) in &sums {
                let mine: Vec<&NewLine> = lines
                    .iter()
                    .filter(|l| {
                        l.customer_id == *customer
                            && crate::domain::sales::month_of(l.order_date) == *month
                    })
                    .collect();
                prop_assert_eq!(t.lines, mine.len() as i64);
                prop_assert_eq!(t.amount, mine.iter().map(|l| l.amount).sum::<i64>());
                prop_assert_eq!(t.cost, mine.iter().map(|l| l.cost).sum::<i64>());
            }
        }
    }

    #[test]
    fn prepared_lines_are_sorted_into_statements_of_at_most_two_thousand() {
        let lines: Vec<NewLine> = (0..4_500u32)
            .map(|i| line((i % 7) as u8, i % 90, 100))
            .collect();
        let p = prepare_lines(CompanyId(Uuid::nil()), Uuid::nil(), &lines, Placed::ByKey).unwrap();
        let sizes: Vec<usize> = p.statements.iter().map(|(n, _)| *n).collect();
        assert_eq!(sizes, [2_000, 2_000, 500]);
        let ids = lines.iter().map(|l| l.order_id);
        assert_eq!(
            p.orders,
            Some((ids.clone().min().unwrap(), ids.max().unwrap()))
        );
    }
}
