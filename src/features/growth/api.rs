//! Server functions of the growth watch (成长观察): B and C customers (or any tier)
//! compared with the same period last year, the previous period and the years before,
//! with the support-candidate rule applied. A rep sees their own customers only.
//!
//! The rule is the company's saved one (the owner and managers save it) unless the query
//! carries another to try out.
use crate::domain::growth::{CandidateReason, CandidateRule, Growth};
use crate::domain::ids::CustomerId;
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
#[serde(deny_unknown_fields)]
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
    pub id: CustomerId,
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
use crate::server::growth as imp;
