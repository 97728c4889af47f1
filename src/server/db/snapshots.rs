//! Saved classifications (tier snapshots): a snapshot and its customers' classes,
//! applying them as the tiers in force, and a customer's tier history.
use crate::domain::ids::{CompanyId, CustomerId, EmployeeId};
use crate::server::db::DbConn;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{QueryBuilder, Sqlite};
use uuid::Uuid;

/// A saved classification.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SnapshotRow {
    pub id: Uuid,
    pub name: String,
    pub period_from: String,
    pub period_to: String,
    pub measure: String,
    pub a_bp: i64,
    pub b_bp: i64,
    pub ranked: i64,
    pub grand_total: i64,
    pub created_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// What is saved with a snapshot.
#[derive(Debug, Clone)]
pub struct NewSnapshot<'a> {
    pub id: Uuid,
    pub name: &'a str,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub measure: &'a str,
    pub a_bp: u32,
    pub b_bp: u32,
    pub ranked: i64,
    pub grand_total: i64,
    pub by: Option<EmployeeId>,
    pub at: DateTime<Utc>,
}

pub async fn insert_snapshot(
    conn: &mut DbConn,
    company: CompanyId,
    s: &NewSnapshot<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO tier_snapshots (company_id, id, name, period_from, period_to, measure, a_bp, \
         b_bp, ranked, grand_total, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(company.0)
    .bind(s.id)
    .bind(s.name)
    .bind(s.from.format("%Y-%m-%d").to_string())
    .bind(s.to.format("%Y-%m-%d").to_string())
    .bind(s.measure)
    .bind(i64::from(s.a_bp))
    .bind(i64::from(s.b_bp))
    .bind(s.ranked)
    .bind(s.grand_total)
    .bind(s.by.map(|e| e.0))
    .bind(s.at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Stores the tiers of a snapshot: `(customer, class, total, rank)` for the ranked
/// customers; every other customer of the company gets C with total 0 and no rank. Then
/// sets each customer's tier in force.
pub async fn insert_tiers(
    conn: &mut DbConn,
    company: CompanyId,
    snapshot: Uuid,
    ranked: &[(Uuid, crate::domain::segmentation::Class, i64, i64)],
) -> Result<(), sqlx::Error> {
    for chunk in ranked.chunks(5_000) {
        let mut q: QueryBuilder<'_, Sqlite> = QueryBuilder::new(
            "INSERT INTO customer_tiers (company_id, customer_id, snapshot_id, class, total, rank) ",
        );
        q.push_values(chunk, |mut b, (c, class, total, rank)| {
            b.push_bind(company.0)
                .push_bind(*c)
                .push_bind(snapshot)
                .push_bind(*class)
                .push_bind(*total)
                .push_bind(*rank);
        });
        q.build().execute(&mut *conn).await?;
    }
    sqlx::query(
        "INSERT INTO customer_tiers (company_id, customer_id, snapshot_id, class, total, rank) \
         SELECT company_id, id, ?, 'C', 0, NULL FROM customers c WHERE company_id = ? \
         AND NOT EXISTS (SELECT 1 FROM customer_tiers t WHERE t.company_id = c.company_id \
         AND t.customer_id = c.id AND t.snapshot_id = ?)",
    )
    .bind(snapshot)
    .bind(company.0)
    .bind(snapshot)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Makes the classes of `snapshot` the customers' tiers in force.
pub async fn apply_tiers(
    conn: &mut DbConn,
    company: CompanyId,
    snapshot: Uuid,
) -> Result<(), sqlx::Error> {
    // only rows whose tier changes are written (and move the list index)
    sqlx::query(
        "UPDATE customers SET tier = t.class FROM customer_tiers t \
         WHERE t.company_id = customers.company_id AND t.customer_id = customers.id \
         AND t.snapshot_id = ? AND customers.company_id = ? AND customers.tier IS NOT t.class",
    )
    .bind(snapshot)
    .bind(company.0)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The company's snapshots, newest first.
pub async fn snapshots(
    conn: &mut DbConn,
    company: CompanyId,
) -> Result<Vec<SnapshotRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.id, s.name, s.period_from, s.period_to, s.measure, s.a_bp, s.b_bp, s.ranked, \
         s.grand_total, e.name AS created_by_name, s.created_at FROM tier_snapshots s \
         LEFT JOIN employees e ON e.company_id = s.company_id AND e.id = s.created_by \
         WHERE s.company_id = ? ORDER BY s.created_at DESC",
    )
    .bind(company.0)
    .fetch_all(conn)
    .await
}

/// One customer's tier in one snapshot.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TierRow {
    pub snapshot_name: String,
    pub period_from: String,
    pub period_to: String,
    pub measure: String,
    pub class: crate::domain::segmentation::Class,
    pub total: i64,
    pub rank: Option<i64>,
    pub created_at: DateTime<Utc>,
}

/// A customer's tiers, newest snapshot first.
pub async fn tier_history(
    conn: &mut DbConn,
    company: CompanyId,
    customer: CustomerId,
) -> Result<Vec<TierRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.name AS snapshot_name, s.period_from, s.period_to, s.measure, t.class, t.total, \
         t.rank, s.created_at FROM customer_tiers t JOIN tier_snapshots s \
         ON s.company_id = t.company_id AND s.id = t.snapshot_id \
         WHERE t.company_id = ? AND t.customer_id = ? ORDER BY s.created_at DESC",
    )
    .bind(company.0)
    .bind(customer.0)
    .fetch_all(conn)
    .await
}

/// Customers per class of every snapshot: (snapshot, class, customers).
pub async fn snapshot_counts(
    conn: &mut DbConn,
    company: CompanyId,
) -> Result<Vec<(Uuid, crate::domain::segmentation::Class, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT snapshot_id, class, count(*) FROM customer_tiers WHERE company_id = ? \
         GROUP BY snapshot_id, class",
    )
    .bind(company.0)
    .fetch_all(conn)
    .await
}

/// Every customer's tier in force: (id, tier).
pub async fn current_tiers(
    conn: &mut DbConn,
    company: CompanyId,
) -> Result<Vec<(Uuid, Option<crate::domain::segmentation::Class>)>, sqlx::Error> {
    sqlx::query_as("SELECT id, tier FROM customers WHERE company_id = ?")
        .bind(company.0)
        .fetch_all(conn)
        .await
}

/// Stores a recomputed completeness (A customers are expected to have fuller profiles).
pub async fn set_completeness(
    conn: &mut DbConn,
    company: CompanyId,
    id: Uuid,
    percent: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE customers SET completeness = ? WHERE company_id = ? AND id = ? AND completeness <> ?")
        .bind(percent)
        .bind(company.0)
        .bind(id)
        .bind(percent)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records how many customers a snapshot ranked and its positive grand total.
pub async fn set_snapshot_totals(
    conn: &mut DbConn,
    company: CompanyId,
    id: Uuid,
    ranked: i64,
    grand_total: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE tier_snapshots SET ranked = ?, grand_total = ? WHERE company_id = ? AND id = ?",
    )
    .bind(ranked)
    .bind(grand_total)
    .bind(company.0)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}
