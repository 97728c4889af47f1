//! Server functions of the growth watch (成长观察): B and C customers (or any tier)
//! compared with the same period last year, the previous period and the years before,
//! with the support-candidate rule applied. A rep sees their own customers only.
//!
//! The rule is the company's saved one (the owner and managers save it) unless the query
//! carries another to try out.
use crate::domain::growth::{CandidateReason, CandidateRule, Growth};
use crate::domain::sales::Measure;
use crate::domain::segmentation::Class;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// Rows per page.
pub const GROWTH_PAGE: u32 = 50;

/// What the page asks for, as typed (from the URL). Empty: defaults.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct GrowthQuery {
    /// `month` (default), `quarter`, `year`.
    pub kind: String,
    /// `2026-10`, `2026-Q3`, `2026`; default: the last whole period.
    pub anchor: String,
    pub measure: String,
    /// Tiers in force, e.g. `B,C` (default), `A,B,C,none`.
    pub tiers: String,
    /// A rule to try out instead of the company's (all four, or none).
    pub min_growth: String,
    pub hits: String,
    pub of_last: String,
    pub ordering_months: String,
    /// `code`, `name`, `current`, `last_year`, `yoy` (default), `previous`, `mom`.
    pub sort: String,
    pub asc: bool,
    pub candidates_only: bool,
    /// From 1.
    pub page: u32,
}

impl GrowthQuery {
    /// The query from URL parameters (the page's address, the export's link).
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> GrowthQuery {
        let text = |k: &str| get(k).unwrap_or_default();
        GrowthQuery {
            kind: text("kind"),
            anchor: text("anchor"),
            measure: text("measure"),
            tiers: text("tiers"),
            min_growth: text("min_growth"),
            hits: text("hits"),
            of_last: text("of_last"),
            ordering_months: text("ordering_months"),
            sort: text("sort"),
            asc: get("asc").is_some_and(|v| v == "1"),
            candidates_only: get("candidates").is_some_and(|v| v == "1"),
            page: get("page").and_then(|v| v.parse().ok()).unwrap_or(1),
        }
    }

    /// The query as URL pairs (empty values left out); [`GrowthQuery::from_params`]
    /// reads them back.
    pub fn to_url(&self) -> String {
        use crate::features::customers::api::percent_encode;
        let mut parts: Vec<String> = [
            ("kind", &self.kind),
            ("anchor", &self.anchor),
            ("measure", &self.measure),
            ("tiers", &self.tiers),
            ("min_growth", &self.min_growth),
            ("hits", &self.hits),
            ("of_last", &self.of_last),
            ("ordering_months", &self.ordering_months),
            ("sort", &self.sort),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", percent_encode(v)))
        .collect();
        if self.asc {
            parts.push("asc=1".into());
        }
        if self.candidates_only {
            parts.push("candidates=1".into());
        }
        if self.page > 1 {
            parts.push(format!("page={}", self.page));
        }
        parts.join("&")
    }
}

/// One customer's line of the table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrowthRow {
    pub id: String,
    pub code: String,
    pub name: String,
    pub tier: Option<Class>,
    pub current: i64,
    pub last_year: i64,
    pub yoy: Growth,
    pub previous: i64,
    pub mom: Growth,
    /// The same period 3, 2 and 1 years before, oldest first.
    pub years: [i64; 3],
    pub candidate: Option<CandidateReason>,
}

/// A page of the table with what it was computed from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrowthData {
    pub kind: String,
    pub anchor: String,
    pub from: String,
    pub to: String,
    pub measure: Measure,
    pub tiers: String,
    pub rule: CandidateRule,
    /// The rule is the company's saved one.
    pub rule_saved: bool,
    pub rows: Vec<GrowthRow>,
    pub count: u64,
    pub candidates: u64,
    pub own_customers_only: bool,
    pub may_save_rule: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_survives_its_url() {
        let q = GrowthQuery {
            kind: "quarter".into(),
            anchor: "2026-Q3".into(),
            tiers: "B,C".into(),
            min_growth: "12.5".into(),
            sort: "mom".into(),
            asc: true,
            candidates_only: true,
            page: 3,
            ..GrowthQuery::default()
        };
        let url = q.to_url();
        let pairs: Vec<(String, String)> = url
            .split('&')
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.replace("%2C", ",")))
            .collect();
        let back = GrowthQuery::from_params(|k| {
            pairs.iter().find(|(x, _)| x == k).map(|(_, v)| v.clone())
        });
        assert_eq!(back, q);
    }
}

#[server(endpoint = "growth/watch", input = Json)]
pub async fn growth_watch(query: GrowthQuery) -> Result<GrowthData, AppError> {
    imp::watch(query).await
}

/// Saves the candidate rule as the company's (owner, managers).
#[server(endpoint = "growth/rule", input = Json)]
pub async fn save_candidate_rule(
    min_growth: String,
    hits: String,
    of_last: String,
    ordering_months: String,
) -> Result<CandidateRule, AppError> {
    imp::save_rule(min_growth, hits, of_last, ordering_months).await
}

#[cfg(feature = "ssr")]
pub(crate) mod imp {
    use super::*;
    use crate::domain::growth::{PeriodKind, Window};
    use crate::domain::staff::Action;
    use crate::domain::validation::{FieldError, FieldErrorCode, take, take_all};
    use crate::features::auth::api::CurrentUser;
    use crate::server::context;
    use crate::server::context::scope_of;
    use crate::server::db::{customers::Scope, tiers as repo};
    use crate::server::growth::{self as svc, Request, SortKey};
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
            (Some(kind), Some(window), Some(measure), Some(rule), Some(sort))
                if errors.is_empty() =>
            {
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
            id: r.customer.id.to_string(),
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
}
