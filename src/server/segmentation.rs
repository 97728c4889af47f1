//! Classifying a period's customers (the page, the export, the command line and tier
//! snapshots all come here) and saving a classification as the official tiers.
//!
//! Totals come from the in-memory rollups ([`SalesIndex`]), codes and names from the
//! customer index ([`SearchIndex`]); a rep's scope is read from SQL. The order and the
//! classes are those of `domain::segmentation` — the function the browser calls too.
use crate::domain::ids::{CompanyId, EmployeeId};
use crate::domain::sales::{Measure, Period};
use crate::domain::segmentation::{Class, Ranking, Thresholds, rank_order};
use crate::server::db::customers::Scope;
use crate::server::db::sales::{self as repo, NewSnapshot};
use crate::server::sales_index::SalesIndex;
use crate::server::search_index::SearchIndex;
use chrono::{DateTime, Utc};
use std::collections::HashSet;
use uuid::Uuid;

/// One ranked customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub total: i64,
}

/// A period's customers in rank order, and the ranking their classes come from.
#[derive(Debug, Clone, Default)]
pub struct Classification {
    pub rows: Vec<Row>,
    pub ranking: Ranking,
}

/// The indexes a classification reads.
#[derive(Clone, Copy)]
pub struct Sources<'a> {
    pub pool: &'a sqlx::SqlitePool,
    pub search: &'a SearchIndex,
    pub sales: &'a SalesIndex,
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
    let totals = src.sales.period_totals(src.pool, company, period).await?;
    let allowed: Option<HashSet<Uuid>> = match scope {
        Scope::All => None,
        Scope::Rep(rep) => {
            let mut conn = src.pool.acquire().await?;
            Some(
                repo::rep_customer_ids(&mut conn, company, rep)
                    .await?
                    .into_iter()
                    .collect(),
            )
        }
    };
    let customers = src.search.snapshot(src.pool, company).await?;
    let population: Vec<(&str, i64, usize)> = totals
        .iter()
        .filter(|(id, _)| allowed.as_ref().is_none_or(|a| a.contains(id)))
        .filter_map(|(id, t)| {
            let at = *customers.position.get(id)?;
            Some((customers.entries[at].code.as_str(), t.value(measure), at))
        })
        .collect();
    let keyed: Vec<(&str, i64)> = population.iter().map(|(c, v, _)| (*c, *v)).collect();
    let order = rank_order(&keyed);
    let rows: Vec<Row> = order
        .iter()
        .map(|&i| {
            let e = &customers.entries[population[i].2];
            Row {
                id: e.id,
                code: e.code.clone(),
                name: e.name.clone(),
                total: population[i].1,
            }
        })
        .collect();
    let ranking = Ranking::new(rows.iter().map(|r| r.total).collect());
    Ok(Classification { rows, ranking })
}

/// The letter of a class as stored.
pub fn class_letter(c: Class) -> &'static str {
    match c {
        Class::A => "A",
        Class::B => "B",
        Class::C => "C",
    }
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
pub async fn save_snapshot(
    src: Sources<'_>,
    company: CompanyId,
    req: SnapshotRequest<'_>,
) -> Result<Option<(Uuid, Classification)>, sqlx::Error> {
    let c = classify(src, company, Scope::All, req.period, req.measure).await?;
    if c.rows.is_empty() {
        return Ok(None);
    }
    let counts = c.ranking.counts(req.thresholds);
    let tiers: Vec<(Uuid, &'static str, i64, i64)> = c
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            (
                r.id,
                class_letter(Ranking::class_at(counts, i)),
                r.total,
                i64::try_from(i + 1).unwrap_or(i64::MAX),
            )
        })
        .collect();
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
            ranked: i64::try_from(c.rows.len()).unwrap_or(i64::MAX),
            grand_total: i64::try_from(c.ranking.grand_total).unwrap_or(i64::MAX),
            by: req.by,
            at: req.now,
        },
    )
    .await?;
    let before = repo::current_tiers(&mut tx, company).await?;
    repo::insert_tiers(&mut tx, company, id, &tiers).await?;
    // A profiles are expected to be fuller: completeness moves with A-ness
    let now_a: HashSet<Uuid> = tiers.iter().filter(|t| t.1 == "A").map(|t| t.0).collect();
    let changed: Vec<Uuid> = before
        .into_iter()
        .filter(|(c, t)| (t.as_deref() == Some("A")) != now_a.contains(c))
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
