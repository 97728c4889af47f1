//! Saved classifications (tier snapshots): a snapshot and its customers' classes,
//! applying them as the tiers in force, and a customer's tier history.
use crate::domain::ids::{CompanyId, CustomerId, EmployeeId};
use crate::server::db::DbConn;
use crate::server::db::on;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::QueryBuilder;
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
    on!(conn, |ex| {
        sqlx::query(
        "INSERT INTO tier_snapshots (company_id, id, name, period_from, period_to, measure, a_bp, \
         b_bp, ranked, grand_total, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(company.0)
    .bind(s.id)
    .bind(s.name)
    .bind(s.from)
    .bind(s.to)
    .bind(s.measure)
    .bind(i64::from(s.a_bp))
    .bind(i64::from(s.b_bp))
    .bind(s.ranked)
    .bind(s.grand_total)
    .bind(s.by.map(|e| e.0))
    .bind(s.at)
    .execute(&mut *ex)
    .await.map(|d| d.rows_affected())
    })?;
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
        on!(conn, |ex| {
            let mut q = QueryBuilder::<Db>::new(
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
            q.build().execute(&mut *ex).await.map(|d| d.rows_affected())
        })?;
    }
    on!(conn, |ex| sqlx::query(
        "INSERT INTO customer_tiers (company_id, customer_id, snapshot_id, class, total, rank) \
         SELECT company_id, id, $1, 'C', 0, NULL FROM customers c WHERE company_id = $2 \
         AND NOT EXISTS (SELECT 1 FROM customer_tiers t WHERE t.company_id = c.company_id \
         AND t.customer_id = c.id AND t.snapshot_id = $3)",
    )
    .bind(snapshot)
    .bind(company.0)
    .bind(snapshot)
    .execute(&mut *ex)
    .await
    .map(|d| d.rows_affected()))?;
    Ok(())
}

/// Makes the classes of `snapshot` the customers' tiers in force.
pub async fn apply_tiers(
    conn: &mut DbConn,
    company: CompanyId,
    snapshot: Uuid,
) -> Result<(), sqlx::Error> {
    // only rows whose tier changes are written (and move the list index)
    on!(conn, |ex| {
        sqlx::query(
        "UPDATE customers SET tier = t.class FROM customer_tiers t \
         WHERE t.company_id = customers.company_id AND t.customer_id = customers.id \
         AND t.snapshot_id = $1 AND customers.company_id = $2 AND customers.tier IS DISTINCT FROM t.class",
    )
    .bind(snapshot)
    .bind(company.0)
    .execute(&mut *ex)
    .await
    .map(|d| d.rows_affected())
    })?;
    Ok(())
}

/// The company's snapshots, newest first.
pub async fn snapshots(
    conn: &mut DbConn,
    company: CompanyId,
) -> Result<Vec<SnapshotRow>, sqlx::Error> {
    on!(conn, |ex| sqlx::query_as(
        "SELECT s.id, s.name, CAST(s.period_from AS TEXT) AS period_from, \
         CAST(s.period_to AS TEXT) AS period_to, s.measure, s.a_bp, s.b_bp, s.ranked, \
         s.grand_total, e.name AS created_by_name, s.created_at FROM tier_snapshots s \
         LEFT JOIN employees e ON e.company_id = s.company_id AND e.id = s.created_by \
         WHERE s.company_id = $1 ORDER BY s.created_at DESC",
    )
    .bind(company.0)
    .fetch_all(&mut *ex)
    .await)
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
    on!(conn, |ex| sqlx::query_as(
        "SELECT s.name AS snapshot_name, CAST(s.period_from AS TEXT) AS period_from, \
         CAST(s.period_to AS TEXT) AS period_to, s.measure, t.class, t.total, \
         t.rank, s.created_at FROM customer_tiers t JOIN tier_snapshots s \
         ON s.company_id = t.company_id AND s.id = t.snapshot_id \
         WHERE t.company_id = $1 AND t.customer_id = $2 ORDER BY s.created_at DESC",
    )
    .bind(company.0)
    .bind(customer.0)
    .fetch_all(&mut *ex)
    .await)
}

/// Customers per class of every snapshot: (snapshot, class, customers).
pub async fn snapshot_counts(
    conn: &mut DbConn,
    company: CompanyId,
) -> Result<Vec<(Uuid, crate::domain::segmentation::Class, i64)>, sqlx::Error> {
    on!(conn, |ex| sqlx::query_as(
        "SELECT snapshot_id, class, count(*) FROM customer_tiers WHERE company_id = $1 \
         GROUP BY snapshot_id, class",
    )
    .bind(company.0)
    .fetch_all(&mut *ex)
    .await)
}

/// Every customer's tier in force: (id, tier).
pub async fn current_tiers(
    conn: &mut DbConn,
    company: CompanyId,
) -> Result<Vec<(Uuid, Option<crate::domain::segmentation::Class>)>, sqlx::Error> {
    on!(conn, |ex| sqlx::query_as(
        "SELECT id, tier FROM customers WHERE company_id = $1"
    )
    .bind(company.0)
    .fetch_all(&mut *ex)
    .await)
}

/// Stores a recomputed completeness (A customers are expected to have fuller profiles).
pub async fn set_completeness(
    conn: &mut DbConn,
    company: CompanyId,
    id: Uuid,
    percent: i64,
) -> Result<(), sqlx::Error> {
    on!(conn, |ex| {
        sqlx::query("UPDATE customers SET completeness = $1 WHERE company_id = $2 AND id = $3 AND completeness <> $4")
        .bind(percent)
        .bind(company.0)
        .bind(id)
        .bind(percent)
        .execute(&mut *ex)
        .await.map(|d| d.rows_affected())
    })?;
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
    on!(conn, |ex| sqlx::query(
        "UPDATE tier_snapshots SET ranked = $1, grand_total = $2 WHERE company_id = $3 AND id = $4",
    )
    .bind(ranked)
    .bind(grand_total)
    .bind(company.0)
    .bind(id)
    .execute(&mut *ex)
    .await
    .map(|d| d.rows_affected()))?;
    Ok(())
}
