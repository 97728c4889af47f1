//! The use cases of the tiers feature: what its server functions (`features/tiers/api.rs`)
//! do, each in its own transaction, with the rules from `domain/`.

pub mod in_force;

use crate::domain::sales::Measure;
use crate::domain::sales::Period;
use crate::domain::segmentation::{Class, Thresholds};
use crate::domain::staff::Action;
use crate::domain::tier::TierPolicyInput;
use crate::domain::tier::{Dest, Origin, TierPolicy, check_new_version};
use crate::domain::validation::{FieldError, FieldErrorCode, take, take_all};
use crate::error::AppError;
use crate::features::tiers::api::*;
use crate::server::context;
use crate::server::context::scope_of;
use crate::server::db::{self, UniqueKey as _, customers::Scope, tiers as repo};
use crate::server::tiers::in_force::{policy_on, versions};
use crate::server::transitions::{self as svc, Classes, Comparison, Side};
use chrono::NaiveDate;
use uuid::Uuid;
/// One side of a comparison: `snapshot:<id>` or `<from>:<to>`.
fn side(raw: &str) -> Result<Side, FieldErrorCode> {
    let raw = raw.trim();
    if let Some(id) = raw.strip_prefix("snapshot:") {
        return Uuid::parse_str(id.trim())
            .map(Side::Snapshot)
            .map_err(|_| FieldErrorCode::InvalidChoice);
    }
    let Some((a, b)) = raw.split_once(':') else {
        return Err(if raw.is_empty() {
            FieldErrorCode::Required
        } else {
            FieldErrorCode::InvalidDate
        });
    };
    match Period::parse(a, b) {
        Ok(p) => Ok(Side::Period(p)),
        Err(e) => Err(e.first().map_or(FieldErrorCode::InvalidDate, |e| e.code)),
    }
}

/// The period key of the query form.
pub fn period_key(p: Period) -> String {
    format!("{}:{}", p.from.format("%Y-%m-%d"), p.to.format("%Y-%m-%d"))
}

/// Parsed query: sides (defaults filled), measure, thresholds, risk limit.
pub struct Parsed {
    pub from: (String, Side),
    pub to: (String, Side),
    pub measure: Measure,
    pub thresholds: Thresholds,
    pub risk_bp: i64,
}

pub async fn parse(
    q: &TransitionQuery,
    conn: &mut db::DbConn,
    company: crate::domain::ids::CompanyId,
) -> Result<Parsed, AppError> {
    let mut errors = Vec::new();
    let (from_raw, to_raw) = if q.from.trim().is_empty() && q.to.trim().is_empty() {
        let latest = repo::latest_snapshots(conn, company).await?;
        match latest.as_slice() {
            [newest, older] => (
                format!("snapshot:{}", older.0),
                format!("snapshot:{}", newest.0),
            ),
            _ => {
                let today = crate::domain::time::beijing_date(chrono::Utc::now());
                let now = Period::last_12_months(today);
                let before = now.and_then(svc::year_before);
                match (before, now) {
                    (Some(b), Some(n)) => (period_key(b), period_key(n)),
                    _ => (String::new(), String::new()),
                }
            }
        }
    } else {
        (q.from.clone(), q.to.clone())
    };
    let from = take(&mut errors, "from", side(&from_raw));
    let to = take(&mut errors, "to", side(&to_raw));
    if from.is_some() && from == to {
        errors.push(FieldError::new("to", FieldErrorCode::SameClassification));
    }
    let measure = take(
        &mut errors,
        "measure",
        Measure::parse_or_default(&q.measure),
    );
    let thresholds = take_all(&mut errors, Thresholds::parse_or_default(&q.a, &q.b));
    let risk = match crate::domain::validation::parse_percent_bp(if q.risk.trim().is_empty() {
        "20"
    } else {
        &q.risk
    }) {
        Ok(bp) if bp <= 0 || bp > 10_000 => {
            errors.push(FieldError::new("risk", FieldErrorCode::ThresholdOutOfRange));
            None
        }
        Ok(bp) => Some(bp),
        Err(c) => {
            errors.push(FieldError::new("risk", c));
            None
        }
    };
    match (from, to, measure, thresholds, risk) {
        (Some(f), Some(t), Some(m), Some(th), Some(r)) if errors.is_empty() => Ok(Parsed {
            from: (from_raw.trim().to_owned(), f),
            to: (to_raw.trim().to_owned(), t),
            measure: m,
            thresholds: th,
            risk_bp: r,
        }),
        _ => Err(AppError::Validation(errors)),
    }
}

/// Both sides' classes, checked: the snapshots exist, share a measure, and periods
/// have sales.
pub async fn sides(
    state: &crate::server::state::AppState,
    company: crate::domain::ids::CompanyId,
    scope: Scope,
    p: &Parsed,
) -> Result<(Classes, Classes, Measure), AppError> {
    let src = state.segmentation_sources();
    let mut conn = state.conn().await?;
    // the measure: a snapshot's, if any side is one
    let mut snapshot_measures = Vec::new();
    for (field, s) in [("from", p.from.1), ("to", p.to.1)] {
        if let Side::Snapshot(id) = s {
            match repo::snapshot(&mut conn, company, id).await? {
                Some((_, _, _, m)) => {
                    snapshot_measures.push(Measure::parse(&m).unwrap_or_default())
                }
                None => {
                    return Err(AppError::Validation(vec![FieldError::new(
                        field,
                        FieldErrorCode::InvalidChoice,
                    )]));
                }
            }
        }
    }
    drop(conn);
    if let [a, b] = snapshot_measures.as_slice()
        && a != b
    {
        return Err(AppError::Validation(vec![FieldError::new(
            "to",
            FieldErrorCode::MeasureMismatch,
        )]));
    }
    let measure = snapshot_measures.first().copied().unwrap_or(p.measure);
    let mut out = Vec::new();
    for (field, s) in [("from", p.from.1), ("to", p.to.1)] {
        let c = svc::classes(src, company, scope, s, measure, p.thresholds)
            .await?
            .ok_or_else(|| {
                AppError::Validation(vec![FieldError::new(field, FieldErrorCode::InvalidChoice)])
            })?;
        if matches!(s, Side::Period(_)) && c.rows.is_empty() {
            return Err(AppError::Validation(vec![FieldError::new(
                field,
                FieldErrorCode::NoSalesInPeriod,
            )]));
        }
        out.push(c);
    }
    let second = out.pop().ok_or(AppError::Internal)?;
    let first = out.pop().ok_or(AppError::Internal)?;
    Ok((first, second, measure))
}

fn info(key: &str, c: &Classes) -> SideInfo {
    SideInfo {
        key: key.to_owned(),
        label: c.label.clone(),
        from: c.period.from.format("%Y-%m-%d").to_string(),
        to: c.period.to.format("%Y-%m-%d").to_string(),
        customers: c.rows.len(),
    }
}

pub async fn compare(q: TransitionQuery) -> Result<TransitionData, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let scope = scope_of(&user);
    let mut conn = state.conn().await?;
    let p = parse(&q, &mut conn, user.company_id).await?;
    let snapshots = crate::server::db::snapshots::snapshots(&mut conn, user.company_id)
        .await?
        .into_iter()
        .map(|s| SnapshotChoice {
            id: s.id.into(),
            name: s.name,
            from: s.period_from,
            to: s.period_to,
            measure: Measure::parse(&s.measure).unwrap_or_default(),
        })
        .collect();
    drop(conn);
    let (first, second, measure) = sides(&state, user.company_id, scope, &p).await?;
    let c: Comparison = svc::compare(
        state.segmentation_sources(),
        user.company_id,
        first,
        second,
        p.risk_bp,
    )
    .await?;
    let customers = state
        .search_index
        .snapshot(&state.pool, user.company_id)
        .await?;
    let watch = |list: &[svc::Watched]| -> Vec<WatchRow> {
        list.iter()
            .take(WATCH_LIMIT)
            .filter_map(|w| {
                let e = &customers.entries[*customers.position.get(&w.customer)?];
                Some(WatchRow {
                    id: e.id.into(),
                    code: e.code.clone(),
                    name: e.name.clone(),
                    class: w.class,
                    total: w.total,
                    last_year: w.last_year,
                    growth: w.growth,
                })
            })
            .collect()
    };
    Ok(TransitionData {
        first: info(&p.from.0, &c.first),
        second: info(&p.to.0, &c.second),
        measure,
        thresholds: p.thresholds,
        matrix: c.matrix.clone(),
        tier_growth: c.tier_growth,
        risk_bp: p.risk_bp,
        at_risk: watch(&c.at_risk),
        at_risk_count: c.at_risk.len(),
        rising: watch(&c.rising),
        rising_count: c.rising.len(),
        own_customers_only: scope != Scope::All,
        snapshots,
    })
}

pub async fn moved(
    q: TransitionQuery,
    from: String,
    to: String,
    page: u32,
) -> Result<MovedPage, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let scope = scope_of(&user);
    let (Ok(f), Ok(t)) = (Origin::parse(&from), Dest::parse(&to)) else {
        return Err(AppError::Validation(vec![FieldError::new(
            "cell",
            FieldErrorCode::InvalidChoice,
        )]));
    };
    let mut conn = state.conn().await?;
    let p = parse(&q, &mut conn, user.company_id).await?;
    drop(conn);
    let (first, second, measure) = sides(&state, user.company_id, scope, &p).await?;
    let (_, moves) = crate::domain::tier::transitions(&first.rows, &second.rows);
    let customers = state
        .search_index
        .snapshot(&state.pool, user.company_id)
        .await?;
    let mut rows: Vec<(i64, &crate::server::search_index::Entry)> = moves
        .iter()
        .filter(|m| m.from == f && m.to == t)
        .filter_map(|m| {
            let at = *customers.position.get(&m.key)?;
            Some((m.total, &*customers.entries[at]))
        })
        .collect();
    rows.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.code.cmp(&b.1.code)));
    let start = (page.max(1) - 1) as usize * MOVED_PAGE as usize;
    Ok(MovedPage {
        count: rows.len() as u64,
        measure,
        rows: rows
            .into_iter()
            .skip(start)
            .take(MOVED_PAGE as usize)
            .map(|(total, e)| MovedRow {
                id: e.id.into(),
                code: e.code.clone(),
                name: e.name.clone(),
                total,
            })
            .collect(),
    })
}

pub async fn policies() -> Result<PolicyOverview, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let mut conn = state.conn().await?;
    let versions = versions(&mut conn, user.company_id).await?;
    let today = crate::domain::time::beijing_date(chrono::Utc::now());
    Ok(PolicyOverview {
        today: today.format("%Y-%m-%d").to_string(),
        in_force: Class::ALL.map(|c| policy_on(&versions, c, today)),
        versions,
        may_edit: user.role.may(Action::SetTierPolicies),
    })
}

pub async fn save_policy(input: TierPolicyInput) -> Result<PolicySummary, AppError> {
    let (state, user) = context::authorize(Action::SetTierPolicies).await?;
    let p = TierPolicy::parse(&input)?;
    let mut tx = state.begin().await?;
    let existing: Vec<(Class, NaiveDate)> = repo::policies(&mut tx, user.company_id)
        .await?
        .into_iter()
        .filter_map(|r| {
            Some((
                r.tier,
                NaiveDate::parse_from_str(&r.effective_from, "%Y-%m-%d").ok()?,
            ))
        })
        .collect();
    check_new_version(&existing, p.tier, p.effective_from)?;
    let id = Uuid::now_v7();
    let now = chrono::Utc::now();
    repo::insert_policy(&mut tx, user.company_id, id, &p, user.id, now)
        .await
        // a version saved meanwhile for the same day
        .or_taken(|| {
            AppError::from(FieldError::new(
                "effective_from",
                FieldErrorCode::OverlappingVersion,
            ))
        })?;
    tx.commit().await?;
    tracing::info!(by = %user.id, policy = %id, tier = ?p.tier, "tier policy version saved");
    Ok(PolicySummary {
        id: id.into(),
        tier: p.tier,
        effective_from: p.effective_from.format("%Y-%m-%d").to_string(),
        visits_per_month: p.visits_per_month,
        supports: p.supports,
        budget_share_bp: p.budget_share_bp,
        credit_limit: p.credit_limit.0,
        credit_days: p.credit_days,
        notes: p.notes,
        created_by: Some(user.name),
        created_at: now,
    })
}

pub async fn changes(moves_only: bool) -> Result<Vec<TierChangeSummary>, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let mut conn = state.conn().await?;
    let versions = versions(&mut conn, user.company_id).await?;
    let rows = repo::changes(
        &mut conn,
        user.company_id,
        scope_of(&user),
        None,
        moves_only,
        500,
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let policy = r
                .policy_id
                .and_then(|id| versions.iter().find(|v| v.id.0 == id).cloned());
            TierChangeSummary {
                customer_id: r.customer_id.into(),
                code: r.code,
                name: r.name,
                old_tier: r.old_tier,
                new_tier: r.new_tier,
                snapshot: r.snapshot_name,
                policy,
                rep: r.rep_name,
                at: r.created_at,
            }
        })
        .collect())
}
