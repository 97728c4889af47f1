//! The use cases of the segmentation feature: what its server functions (`features/segmentation/api.rs`)
//! do, each in its own transaction, with the rules from `domain/`.

pub mod classification;

use crate::domain::sales::Measure;
use crate::domain::sales::Period;
use crate::domain::segmentation::Class;
use crate::domain::segmentation::{Counts, RankedTotals, Thresholds};
use crate::domain::staff::Action;
use crate::domain::validation::{
    FieldError, FieldErrorCode, ForField as _, optional_text, take, take_all,
};
use crate::error::AppError;
use crate::features::segmentation::api::*;
use crate::server::context;
use crate::server::context::scope_of;
use crate::server::db::{customers::Scope, snapshots as repo};
use crate::server::segmentation::classification::{self as svc, Classification, SnapshotRequest};
/// Period, measure and thresholds of a query, every refused field reported at once.
pub fn parse(q: &SegmentationQuery) -> Result<(Period, Measure, Thresholds), AppError> {
    let mut errors = Vec::new();
    let period = if q.from.trim().is_empty() && q.to.trim().is_empty() {
        // the default: the last twelve whole months, by the calendar in Beijing
        let today = crate::domain::time::beijing_date(chrono::Utc::now());
        Period::last_12_months(today)
    } else {
        take_all(&mut errors, Period::parse(&q.from, &q.to))
    };
    let measure = take(
        &mut errors,
        "measure",
        Measure::parse_or_default(&q.measure),
    );
    let thresholds = take_all(&mut errors, Thresholds::parse_or_default(&q.a, &q.b));
    match (period, measure, thresholds) {
        (Some(p), Some(m), Some(t)) => Ok((p, m, t)),
        _ => Err(AppError::Validation(errors)),
    }
}

/// Rows `start..start + count` of a classification, as the table shows them.
fn rows_of(c: &Classification, start: usize, count: usize) -> Vec<SegmentRow> {
    c.rows
        .iter()
        .skip(start)
        .take(count)
        .map(|r| {
            let e = c.entry(r);
            SegmentRow(e.id.to_string(), e.code.clone(), e.name.clone(), r.total)
        })
        .collect()
}

fn stamp_of(c: &Classification) -> ClassificationStamp {
    ClassificationStamp {
        sales: c.sales_rev,
        customers: c.customers.rev,
    }
}

fn data(c: Classification, p: Period, m: Measure, t: Thresholds, own: bool) -> SegmentationData {
    SegmentationData {
        from: p.from.format("%Y-%m-%d").to_string(),
        to: p.to.format("%Y-%m-%d").to_string(),
        measure: m,
        thresholds: t,
        counts: c.ranking.counts(t),
        first: rows_of(&c, 0, FIRST_ROWS),
        stamp: stamp_of(&c),
        totals: RankedTotals(c.rows.iter().map(|r| r.total).collect()),
        own_customers_only: own,
    }
}

/// The rows sent with a classification: the table's first page.
const FIRST_ROWS: usize = TABLE_PAGE;

/// The signed-in user's classification of `q` (their own customers for a rep).
async fn classified(
    q: &SegmentationQuery,
) -> Result<(Classification, Period, Measure, Thresholds, Scope), AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let (period, measure, t) = parse(q)?;
    let scope = scope_of(&user);
    let started = std::time::Instant::now();
    let c = svc::classify(
        state.segmentation_sources(),
        user.company_id,
        scope,
        period,
        measure,
    )
    .await?;
    tracing::debug!(
        customers = c.rows.len(),
        ms = started.elapsed().as_secs_f64() * 1e3,
        "classified"
    );
    Ok((c, period, measure, t, scope))
}

pub async fn classify(q: SegmentationQuery) -> Result<SegmentationData, AppError> {
    let (c, period, measure, t, scope) = classified(&q).await?;
    Ok(data(c, period, measure, t, scope != Scope::All))
}

pub async fn rows(q: SegmentationQuery, start: u32, count: u32) -> Result<SegmentRows, AppError> {
    let (c, ..) = classified(&q).await?;
    let count = count.min(MAX_ROWS);
    Ok(SegmentRows {
        start,
        rows: rows_of(
            &c,
            usize::try_from(start).unwrap_or(usize::MAX),
            usize::try_from(count).unwrap_or(0),
        ),
        stamp: stamp_of(&c),
    })
}

pub async fn save(q: SegmentationQuery, name: String) -> Result<SnapshotSummary, AppError> {
    let (state, user) = context::authorize(Action::ManageCustomers).await?;
    let parsed = parse(&q);
    let name = optional_text(&name, 60).for_field("name");
    let ((period, measure, t), name) = match (parsed, name) {
        (Ok(p), Ok(n)) => (p, n),
        (Err(AppError::Validation(mut e)), n) => {
            e.extend(n.err());
            return Err(AppError::Validation(e));
        }
        (Err(e), _) => return Err(e),
        (Ok(_), Err(e)) => return Err(AppError::Validation(vec![e])),
    };
    let name = name.unwrap_or_else(|| {
        format!(
            "{} – {} {}",
            period.from.format("%Y-%m-%d"),
            period.to.format("%Y-%m-%d"),
            measure.as_str()
        )
    });
    let now = chrono::Utc::now();
    let saved = svc::save_snapshot(
        state.segmentation_sources(),
        user.company_id,
        SnapshotRequest {
            name: &name,
            period,
            measure,
            thresholds: t,
            by: Some(user.id),
            now,
        },
    )
    .await?;
    let Some((id, c)) = saved else {
        return Err(AppError::Validation(vec![FieldError::new(
            "from",
            FieldErrorCode::NoSalesInPeriod,
        )]));
    };
    tracing::info!(by = %user.id, snapshot = %id, ranked = c.rows.len(), "tier snapshot saved");
    Ok(SnapshotSummary {
        id: id.into(),
        name,
        from: period.from.format("%Y-%m-%d").to_string(),
        to: period.to.format("%Y-%m-%d").to_string(),
        measure,
        thresholds: t,
        ranked: i64::try_from(c.rows.len()).unwrap_or(i64::MAX),
        counts: c.ranking.counts(t),
        created_by: Some(user.name.clone()),
        created_at: now,
    })
}

pub async fn snapshots() -> Result<Vec<SnapshotSummary>, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    if !user.role.may(Action::ManageCustomers) {
        return Ok(Vec::new());
    }
    let mut conn = state.conn().await?;
    let rows = repo::snapshots(&mut conn, user.company_id).await?;
    let counts = repo::snapshot_counts(&mut conn, user.company_id).await?;
    Ok(rows
        .into_iter()
        .map(|s| {
            let get = |class: Class| {
                counts
                    .iter()
                    .find(|(id, c, _)| *id == s.id && *c == class)
                    .map_or(0, |(_, _, n)| usize::try_from(*n).unwrap_or(0))
            };
            SnapshotSummary {
                id: s.id.into(),
                from: s.period_from.clone(),
                to: s.period_to.clone(),
                measure: Measure::parse(&s.measure).unwrap_or_default(),
                thresholds: Thresholds {
                    a_bp: u32::try_from(s.a_bp).unwrap_or(8000),
                    b_bp: u32::try_from(s.b_bp).unwrap_or(9500),
                },
                ranked: s.ranked,
                counts: Counts {
                    a: get(Class::A),
                    b: get(Class::B),
                    c: get(Class::C),
                },
                created_by: s.created_by_name,
                created_at: s.created_at,
                name: s.name,
            }
        })
        .collect())
}
