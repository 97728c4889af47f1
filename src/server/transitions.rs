//! Transitions between two classifications — saved snapshots or periods classified on
//! the fly — and the "A at risk" / "rising" watch lists. The page, its customer lists
//! and the command line all come here; the matrix is `domain::tier::transitions`.
use crate::domain::growth::{Growth, growth};
use crate::domain::ids::CompanyId;
use crate::domain::sales::{Measure, Period};
use crate::domain::segmentation::{Class, Ranking, Thresholds};
use crate::domain::tier::{Matrix, Move, at_risk, rising, transitions};
use crate::server::db::customers::Scope;
use crate::server::db::tiers as repo;
use crate::server::segmentation::classification::{Sources, classify};
use chrono::{Months, NaiveDate};
use std::collections::HashMap;
use uuid::Uuid;

/// One side of a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Snapshot(Uuid),
    Period(Period),
}

/// A side's customers with their classes and totals.
#[derive(Debug, Clone)]
pub struct Classes {
    pub label: String,
    pub period: Period,
    /// The measure the classes were made by.
    pub measure: Measure,
    pub rows: Vec<(Uuid, Class, i64)>,
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// The classes of one side within `scope`; `None` when the snapshot is not the
/// company's. A period is classified by `measure` and `t` (a rep's: their customers
/// only, as on the segmentation page); a snapshot keeps its own classes and measure.
pub async fn classes(
    src: Sources<'_>,
    company: CompanyId,
    scope: Scope,
    side: Side,
    measure: Measure,
    t: Thresholds,
) -> Result<Option<Classes>, sqlx::Error> {
    match side {
        Side::Snapshot(id) => {
            let mut conn = src.pool.acquire().await?;
            let Some((name, from, to, m)) = repo::snapshot(&mut conn, company, id).await? else {
                return Ok(None);
            };
            let (Some(from), Some(to)) = (date(&from), date(&to)) else {
                return Ok(None);
            };
            let rows = repo::snapshot_classes(&mut conn, company, scope, id).await?;
            Ok(Some(Classes {
                label: name,
                period: Period { from, to },
                measure: Measure::parse(&m).unwrap_or_default(),
                rows,
            }))
        }
        Side::Period(p) => {
            let c = classify(src, company, scope, p, measure).await?;
            let counts = c.ranking.counts(t);
            let rows = c
                .rows
                .iter()
                .enumerate()
                .map(|(i, r)| (c.entry(r).id, Ranking::class_at(counts, i), r.total))
                .collect();
            Ok(Some(Classes {
                label: format!("{} – {}", p.from, p.to),
                period: p,
                measure,
                rows,
            }))
        }
    }
}

/// The same dates a year earlier (29 February becomes the 28th).
pub fn year_before(p: Period) -> Option<Period> {
    Some(Period {
        from: p.from.checked_sub_months(Months::new(12))?,
        to: p.to.checked_sub_months(Months::new(12))?,
    })
}

/// A customer on a watch list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watched {
    pub customer: Uuid,
    pub class: Class,
    pub total: i64,
    pub last_year: i64,
    pub growth: Growth,
}

/// A comparison: the matrix, every move, and the watch lists of the second side.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub first: Classes,
    pub second: Classes,
    pub matrix: Matrix,
    pub moves: Vec<Move<Uuid>>,
    /// Year-on-year growth of each class of the second side as a whole.
    pub tier_growth: [Growth; 3],
    /// A customers whose growth fell by the limit or more, worst first.
    pub at_risk: Vec<Watched>,
    /// B and C customers growing like the tier above, fastest first.
    pub rising: Vec<Watched>,
}

/// Compares two sides' classes; `risk_bp` is the "A at risk" limit.
pub async fn compare(
    src: Sources<'_>,
    company: CompanyId,
    first: Classes,
    second: Classes,
    risk_bp: i64,
) -> Result<Comparison, sqlx::Error> {
    let (matrix, moves) = transitions(&first.rows, &second.rows);
    let before: HashMap<Uuid, i64> = match year_before(second.period) {
        Some(p) => src
            .sales
            .period_totals(src.pool, company, p)
            .await?
            .into_iter()
            .map(|(c, t)| (c, t.value(second.measure)))
            .collect(),
        None => HashMap::new(),
    };
    let mut sums = [(0i64, 0i64); 3];
    let watched: Vec<Watched> = second
        .rows
        .iter()
        .map(|&(customer, class, total)| {
            let last_year = before.get(&customer).copied().unwrap_or(0);
            let s = &mut sums[class as usize];
            s.0 = s.0.saturating_add(total);
            s.1 = s.1.saturating_add(last_year);
            Watched {
                customer,
                class,
                total,
                last_year,
                growth: growth(total, last_year),
            }
        })
        .collect();
    let tier_growth = sums.map(|(now, then)| growth(now, then));
    let mut at = Vec::new();
    let mut up = Vec::new();
    for w in watched {
        if at_risk(w.class, w.growth, risk_bp) {
            at.push(w);
        } else if w.class != Class::A
            && rising(w.class, w.growth, tier_growth[w.class as usize - 1])
        {
            up.push(w);
        }
    }
    at.sort_by_key(|w| (w.growth.sort_key(), std::cmp::Reverse(w.last_year)));
    up.sort_by_key(|w| {
        (
            std::cmp::Reverse(w.growth.sort_key()),
            std::cmp::Reverse(w.total),
        )
    });
    Ok(Comparison {
        first,
        second,
        matrix,
        moves,
        tier_growth,
        at_risk: at,
        rising: up,
    })
}
