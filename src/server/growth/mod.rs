//! The use cases of the growth feature: what its server functions (`features/growth/api.rs`)
//! do, each in its own transaction, with the rules from `domain/`.

pub mod compare;

use crate::domain::growth::CandidateRule;
use crate::domain::growth::{PeriodKind, Window};
use crate::domain::sales::Measure;
use crate::domain::segmentation::Class;
use crate::domain::staff::Action;
use crate::domain::validation::{FieldError, FieldErrorCode, take, take_all};
use crate::error::AppError;
use crate::features::auth::api::CurrentUser;
use crate::features::growth::api::*;
use crate::server::context;
use crate::server::context::scope_of;
use crate::server::db::{customers::Scope, tiers as repo};
use crate::server::growth::compare::{self as svc, Request, SortKey};
use crate::server::state::AppState;
/// Everything a query means, checked.
pub struct Parsed {
    pub kind: PeriodKind,
    pub window: Window,
    pub measure: Measure,
    pub tiers: Vec<Option<Class>>,
    pub tiers_text: String,
    pub rule: CandidateRule,
    pub rule_saved: bool,
    pub sort: SortKey,
}

pub async fn parse(
    q: &GrowthQuery,
    state: &AppState,
    user: &CurrentUser,
) -> Result<Parsed, AppError> {
    let mut errors = Vec::new();
    let kind = if q.kind.trim().is_empty() {
        Some(PeriodKind::Month)
    } else {
        take(&mut errors, "kind", PeriodKind::parse(&q.kind))
    };
    let window = kind.and_then(|k| {
        if q.anchor.trim().is_empty() {
            // the last whole period, by the calendar in Beijing
            let today = crate::domain::time::beijing_date(chrono::Utc::now());
            Some(Window::containing(k, today).previous())
        } else {
            take(&mut errors, "anchor", Window::parse(k, &q.anchor))
        }
    });
    let measure = take(
        &mut errors,
        "measure",
        Measure::parse_or_default(&q.measure),
    );
    let asked = if q.tiers.trim().is_empty() {
        "B,C"
    } else {
        q.tiers.trim()
    };
    let mut tiers = Vec::new();
    for t in asked.split(',') {
        tiers.extend(take(&mut errors, "tiers", Class::parse_filter(t)));
    }
    // as the page's boxes name them (`a` typed into the address ticks A)
    let tiers_text = tiers
        .iter()
        .map(|t| Class::filter_text(*t))
        .collect::<Vec<_>>()
        .join(",");
    let typed = [&q.min_growth, &q.hits, &q.of_last, &q.ordering_months];
    let (rule, rule_saved) = if typed.iter().all(|s| s.trim().is_empty()) {
        let mut conn = state.conn().await?;
        let saved = repo::candidate_rule(&mut conn, user.company_id).await?;
        (Some(saved.unwrap_or_default()), true)
    } else {
        (
            take_all(
                &mut errors,
                CandidateRule::parse(&q.min_growth, &q.hits, &q.of_last, &q.ordering_months),
            ),
            false,
        )
    };
    let sort = if q.sort.is_empty() {
        Some(SortKey::Yoy)
    } else {
        let s = SortKey::parse(&q.sort);
        if s.is_none() {
            errors.push(FieldError::new("sort", FieldErrorCode::InvalidChoice));
        }
        s
    };
    match (kind, window, measure, rule, sort) {
        (Some(kind), Some(window), Some(measure), Some(rule), Some(sort)) if errors.is_empty() => {
            Ok(Parsed {
                kind,
                window,
                measure,
                tiers,
                tiers_text,
                rule,
                rule_saved,
                sort,
            })
        }
        _ => Err(AppError::Validation(errors)),
    }
}

/// Every row of a query, sorted (the page shows one page, the export all).
pub async fn rows(
    q: &GrowthQuery,
    state: &AppState,
    user: &CurrentUser,
) -> Result<(Parsed, Vec<svc::Row>), AppError> {
    let p = parse(q, state, user).await?;
    let mut rows = svc::watch(
        state.segmentation_sources(),
        user.company_id,
        scope_of(user),
        &Request {
            window: p.window,
            measure: p.measure,
            tiers: p.tiers.clone(),
            rule: p.rule,
        },
    )
    .await?;
    svc::sort(&mut rows, p.sort, !q.asc);
    Ok((p, rows))
}

pub fn row(r: &svc::Row) -> GrowthRow {
    GrowthRow {
        id: r.customer.id.into(),
        code: r.customer.code.clone(),
        name: r.customer.name.clone(),
        tier: r.customer.tier,
        current: r.current,
        last_year: r.last_year,
        yoy: r.yoy,
        previous: r.previous,
        mom: r.mom,
        years: r.years,
        candidate: r.candidate,
    }
}

pub async fn watch(q: GrowthQuery) -> Result<GrowthData, AppError> {
    let (state, user) = context::authorize(Action::WorkWithCustomers).await?;
    let (p, rows) = rows(&q, &state, &user).await?;
    let candidates = rows.iter().filter(|r| r.candidate.is_some()).count() as u64;
    let shown: Vec<&svc::Row> = rows
        .iter()
        .filter(|r| !q.candidates_only || r.candidate.is_some())
        .collect();
    let start = (q.page.max(1) - 1) as usize * GROWTH_PAGE as usize;
    let period = p.window.period();
    Ok(GrowthData {
        kind: p.kind.as_str().to_owned(),
        anchor: p.window.anchor(),
        from: period.map(|x| x.from.to_string()).unwrap_or_default(),
        to: period.map(|x| x.to.to_string()).unwrap_or_default(),
        measure: p.measure,
        tiers: p.tiers_text,
        rule: p.rule,
        rule_saved: p.rule_saved,
        count: shown.len() as u64,
        candidates,
        rows: shown
            .into_iter()
            .skip(start)
            .take(GROWTH_PAGE as usize)
            .map(row)
            .collect(),
        own_customers_only: scope_of(&user) != Scope::All,
        may_save_rule: user.role.may(Action::ManageCustomers),
    })
}

pub async fn save_rule(
    min_growth: String,
    hits: String,
    of_last: String,
    ordering_months: String,
) -> Result<CandidateRule, AppError> {
    let (state, user) = context::authorize(Action::ManageCustomers).await?;
    let rule = CandidateRule::parse(&min_growth, &hits, &of_last, &ordering_months)?;
    let mut conn = state.conn().await?;
    repo::set_candidate_rule(&mut conn, user.company_id, rule).await?;
    tracing::info!(by = %user.id, ?rule, "candidate rule saved");
    Ok(rule)
}
