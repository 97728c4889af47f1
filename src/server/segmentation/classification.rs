//! Classifying a period's customers (the page, the export, the command line and tier
//! snapshots all come here) and saving a classification as the official tiers.
//!
//! Totals come from the in-memory rollups ([`SalesIndex`]), codes and names from the
//! customer index ([`SearchIndex`]); a rep's scope is read from SQL. The order and the
//! classes are those of `domain::segmentation` — the function the browser calls too.
use crate::domain::ids::{CompanyId, EmployeeId};
use crate::domain::sales::{Measure, Period};
use crate::domain::segmentation::{Class, Ranking, Thresholds, sort_ranked};
use crate::server::db::customers::Scope;
use crate::server::db::sales::rep_customer_ids;
use crate::server::db::snapshots::{self as repo, NewSnapshot};
use crate::server::sales_index::SalesIndex;
use crate::server::search_index::SearchIndex;
use chrono::{DateTime, Utc};
use std::collections::HashSet;
use uuid::Uuid;

/// One ranked customer: where it is in the customer index, and its total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub at: u32,
    pub total: i64,
}

/// A period's customers in rank order, and the ranking their classes come from.
#[derive(Debug, Clone, Default)]
pub struct Classification {
    /// The customer index the rows point into (codes and names are not copied).
    pub customers: std::sync::Arc<crate::server::search_index::Snapshot>,
    pub rows: Vec<Row>,
    pub ranking: Ranking,
    /// The sales revision the totals are of (`customers.rev` is the customers').
    pub sales_rev: i64,
}

impl Classification {
    /// The customer a row is about.
    pub fn entry(&self, r: &Row) -> &crate::server::search_index::Entry {
        &self.customers.entries[r.at as usize]
    }
}

/// The indexes a classification reads.
#[derive(Clone, Copy)]
pub struct Sources<'a> {
    pub pool: &'a crate::server::db::Pool,
    pub search: &'a SearchIndex,
    pub sales: &'a SalesIndex,
}

/// The customers a scope allows, read from SQL (`None`: all of the company's).
pub async fn allowed_customers(
    pool: &crate::server::db::Pool,
    company: CompanyId,
    scope: Scope,
) -> Result<Option<HashSet<Uuid>>, sqlx::Error> {
    Ok(match scope {
        Scope::All => None,
        Scope::Rep(rep) => {
            let mut conn = pool.acquire().await?;
            Some(
                rep_customer_ids(&mut conn, company, rep)
                    .await?
                    .into_iter()
                    .collect(),
            )
        }
    })
}

/// Ranks the customers within `scope` that have lines in `period` by `measure`.
/// A rep's classification is of their own customers only: totals of other reps'
/// customers never reach them, not even as a grand total.
pub async fn classify(
    src: Sources<'_>,
    company: CompanyId,
    scope: Scope,
    period: Period,
    measure: Measure,
) -> Result<Classification, sqlx::Error> {
    let t0 = std::time::Instant::now();
    let (sales_rev, totals) = src
        .sales
        .period_totals_at(src.pool, company, period)
        .await?;
    let t_totals = t0.elapsed();
    let allowed = allowed_customers(src.pool, company, scope).await?;
    let customers = src.search.snapshot(src.pool, company).await?;
    let t_customers = t0.elapsed();
    // kept compact while sorting: the total inline, the entry (its code) read only on ties
    let mut keyed: Vec<(i64, &crate::server::search_index::Entry, u32)> = totals
        .iter()
        .filter(|(id, _)| allowed.as_ref().is_none_or(|a| a.contains(id)))
        .filter_map(|(id, t)| {
            let at = *customers.position.get(id)?;
            Some((
                t.value(measure),
                &*customers.entries[at],
                u32::try_from(at).ok()?,
            ))
        })
        .collect();
    let t_rank = t0.elapsed();
    sort_ranked(&mut keyed, |k| k.0, |k| k.1.code.as_str());
    let rows: Vec<Row> = keyed
        .into_iter()
        .map(|(total, _, at)| Row { at, total })
        .collect();
    let ranking = Ranking::new(rows.iter().map(|r| r.total).collect());
    tracing::debug!(
        totals_ms = t_totals.as_secs_f64() * 1e3,
        customers_ms = t_customers.as_secs_f64() * 1e3,
        gathered_ms = t_rank.as_secs_f64() * 1e3,
        all_ms = t0.elapsed().as_secs_f64() * 1e3,
        "classification steps"
    );
    Ok(Classification {
        customers,
        rows,
        ranking,
        sales_rev,
    })
}

/// A classification as the command line prints it and the export writes it: code, name, total (yuan with two
/// decimals, or units), rank, cumulative share (fraction with four decimals, rounded
/// down; empty when the positive grand total is 0) and class.
pub fn table_rows(
    c: &crate::server::segmentation::classification::Classification,
    measure: crate::domain::sales::Measure,
    t: crate::domain::segmentation::Thresholds,
) -> Vec<[String; 6]> {
    use crate::domain::segmentation::{Ranking, share_bp};
    let counts = c.ranking.counts(t);
    c.rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let share = share_bp(c.ranking.cumulative(i), c.ranking.grand_total)
                .map(|bp| format!("{}.{:04}", bp / 10_000, bp % 10_000))
                .unwrap_or_default();
            [
                c.entry(r).code.clone(),
                c.entry(r).name.clone(),
                measure.format(r.total),
                (i + 1).to_string(),
                share,
                Ranking::class_at(counts, i).as_str().to_owned(),
            ]
        })
        .collect()
}

/// What a snapshot is made of.
pub struct SnapshotRequest<'a> {
    pub name: &'a str,
    pub period: Period,
    pub measure: Measure,
    pub thresholds: Thresholds,
    pub by: Option<EmployeeId>,
    pub now: DateTime<Utc>,
}

/// Classifies the whole company and saves the result as the official tiers, in one
/// transaction: the snapshot, a tier row for every customer, and each customer's tier
/// in force. Returns the snapshot id and the classification; `None` (nothing saved) when
/// the period has no sales — everyone would be C.
///
/// The write transaction is begun first, which takes the writers' turn (SQLite's write
/// lock; on PostgreSQL the advisory lock of `Pool::begin`): no line can be written
/// between the classification (read on other connections) and the tiers.
pub async fn save_snapshot(
    src: Sources<'_>,
    company: CompanyId,
    req: SnapshotRequest<'_>,
) -> Result<Option<(Uuid, Classification)>, sqlx::Error> {
    let id = Uuid::now_v7();
    let mut tx = src.pool.begin().await?;
    repo::insert_snapshot(
        &mut tx,
        company,
        &NewSnapshot {
            id,
            name: req.name,
            from: req.period.from,
            to: req.period.to,
            measure: req.measure.as_str(),
            a_bp: req.thresholds.a_bp,
            b_bp: req.thresholds.b_bp,
            ranked: 0,
            grand_total: 0,
            by: req.by,
            at: req.now,
        },
    )
    .await?;
    let c = classify(src, company, Scope::All, req.period, req.measure).await?;
    if c.rows.is_empty() {
        tx.rollback().await?;
        return Ok(None);
    }
    let counts = c.ranking.counts(req.thresholds);
    let tiers: Vec<(Uuid, Class, i64, i64)> = c
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            (
                c.entry(r).id,
                Ranking::class_at(counts, i),
                r.total,
                i64::try_from(i + 1).unwrap_or(i64::MAX),
            )
        })
        .collect();
    repo::set_snapshot_totals(
        &mut tx,
        company,
        id,
        i64::try_from(c.rows.len()).unwrap_or(i64::MAX),
        i64::try_from(c.ranking.grand_total).unwrap_or(i64::MAX),
    )
    .await?;
    let before = repo::current_tiers(&mut tx, company).await?;
    repo::insert_tiers(&mut tx, company, id, &tiers).await?;
    // the policy each new tier brings: the version in force on the day of the snapshot
    let versions: Vec<(Class, chrono::NaiveDate, Uuid)> =
        crate::server::db::tiers::policies(&mut tx, company)
            .await?
            .into_iter()
            .filter_map(|p| {
                let from = chrono::NaiveDate::parse_from_str(&p.effective_from, "%Y-%m-%d").ok()?;
                Some((p.tier, from, p.id))
            })
            .collect();
    let day = crate::domain::time::beijing_date(req.now);
    let policy = Class::ALL.map(|c| crate::domain::tier::in_force(&versions, c, day).copied());
    crate::server::db::tiers::record_changes(&mut tx, company, id, policy, req.now).await?;
    repo::apply_tiers(&mut tx, company, id).await?;
    // A profiles are expected to be fuller: completeness moves with A-ness
    let now_a: HashSet<Uuid> = tiers
        .iter()
        .filter(|t| t.1 == Class::A)
        .map(|t| t.0)
        .collect();
    let changed: Vec<Uuid> = before
        .into_iter()
        .filter(|(c, t)| (*t == Some(Class::A)) != now_a.contains(c))
        .map(|(c, _)| c)
        .collect();
    for chunk in changed.chunks(500) {
        for r in crate::server::db::customers::by_ids(&mut tx, company, Scope::All, chunk).await? {
            let kind = r
                .values
                .get("kind")
                .and_then(|k| crate::domain::customer::CustomerKind::parse(k).ok())
                .unwrap_or(crate::domain::customer::CustomerKind::Terminal);
            let pct = crate::domain::profile::completeness(&r.values, kind, now_a.contains(&r.id))
                .percent;
            repo::set_completeness(&mut tx, company, r.id, i64::from(pct)).await?;
        }
    }
    tx.commit().await?;
    Ok(Some((id, c)))
}
