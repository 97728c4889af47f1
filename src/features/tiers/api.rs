//! Server functions of managing by tier: transitions between two classifications (with
//! the customers of any cell and the at-risk / rising lists), tier policy versions, and
//! tier-change records.
//!
//! A side of a comparison is `snapshot:<id>` (a saved classification) or
//! `YYYY-MM-DD:YYYY-MM-DD` (a period classified on the fly). Between two snapshots the
//! measure is theirs; a period compared with a snapshot is classified by the snapshot's
//! measure. A rep compares their own customers only. Only the owner sets policies.
use crate::domain::growth::Growth;
use crate::domain::ids::{CustomerId, PolicyId, SnapshotId};
use crate::domain::sales::Measure;
use crate::domain::segmentation::{Class, Thresholds};
use crate::domain::tier::{Matrix, SupportType, TierPolicyInput};
use crate::error::AppError;
use crate::wire::FormOrJson;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// Customers listed per page of a cell.
pub const MOVED_PAGE: u32 = 50;
/// Customers sent per watch list.
pub const WATCH_LIMIT: usize = 20;

/// A comparison as typed (it comes from the URL).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct TransitionQuery {
    /// `snapshot:<id>` or `YYYY-MM-DD:YYYY-MM-DD`; both empty: the two newest snapshots,
    /// or else the last 12 months against the 12 before.
    pub from: String,
    pub to: String,
    /// For two periods: `sales`, `profit`, `quantity`.
    pub measure: String,
    /// Thresholds for periods, percent.
    pub a: String,
    pub b: String,
    /// "A at risk" when down by this percent or more year on year (default 20).
    pub risk: String,
}

/// One side as compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SideInfo {
    /// As in the query.
    pub key: String,
    pub label: String,
    pub from: String,
    pub to: String,
    pub customers: usize,
}

/// A saved classification to choose from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotChoice {
    pub id: SnapshotId,
    pub name: String,
    pub from: String,
    pub to: String,
    pub measure: Measure,
}

/// A customer on the at-risk or rising list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchRow {
    pub id: CustomerId,
    pub code: String,
    pub name: String,
    pub class: Class,
    pub total: i64,
    pub last_year: i64,
    pub growth: Growth,
}

/// A comparison as the page draws it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransitionData {
    pub first: SideInfo,
    pub second: SideInfo,
    pub measure: Measure,
    pub thresholds: Thresholds,
    pub matrix: Matrix,
    /// Year-on-year growth of A, B and C of the second side as a whole.
    pub tier_growth: [Growth; 3],
    pub risk_bp: i64,
    pub at_risk: Vec<WatchRow>,
    pub at_risk_count: usize,
    pub rising: Vec<WatchRow>,
    pub rising_count: usize,
    pub own_customers_only: bool,
    pub snapshots: Vec<SnapshotChoice>,
}

/// A customer of a cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MovedRow {
    pub id: CustomerId,
    pub code: String,
    pub name: String,
    pub total: i64,
}

/// One page of a cell's customers, largest total first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MovedPage {
    pub rows: Vec<MovedRow>,
    pub count: u64,
    pub measure: Measure,
}

/// A policy version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicySummary {
    pub id: PolicyId,
    pub tier: Class,
    pub effective_from: String,
    pub visits_per_month: u32,
    pub supports: Vec<SupportType>,
    pub budget_share_bp: u32,
    /// Fen.
    pub credit_limit: i64,
    pub credit_days: u32,
    pub notes: Option<String>,
    pub created_by: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// All versions, and the one in force today per tier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyOverview {
    pub today: String,
    /// A, B, C.
    pub in_force: [Option<PolicySummary>; 3],
    /// Per tier, newest effective date first.
    pub versions: Vec<PolicySummary>,
    pub may_edit: bool,
}

/// A tier change as the rep sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierChangeSummary {
    pub customer_id: CustomerId,
    pub code: String,
    pub name: String,
    pub old_tier: Option<Class>,
    pub new_tier: Class,
    pub snapshot: String,
    pub policy: Option<PolicySummary>,
    pub rep: Option<String>,
    pub at: chrono::DateTime<chrono::Utc>,
}

#[server(endpoint = "tiers/transitions", input = Json)]
pub async fn compare_tiers(query: TransitionQuery) -> Result<TransitionData, AppError> {
    imp::compare(query).await
}

/// The customers of cell `(from, to)` (`A|B|C|new`, `A|B|C|lost`), page from 1.
#[server(endpoint = "tiers/moved", input = Json)]
pub async fn list_moved_customers(
    query: TransitionQuery,
    from: String,
    to: String,
    page: u32,
) -> Result<MovedPage, AppError> {
    imp::moved(query, from, to, page).await
}

#[server(endpoint = "tiers/policies", input = Json)]
pub async fn list_tier_policies() -> Result<PolicyOverview, AppError> {
    imp::policies().await
}

/// Adds a policy version (owner).
#[server(endpoint = "tiers/policies/save", input = FormOrJson)]
pub async fn save_tier_policy(input: TierPolicyInput) -> Result<PolicySummary, AppError> {
    imp::save_policy(input).await
}

/// Tier changes, newest first: a rep's own customers', everyone's for managers.
/// `moves_only` leaves out first classifications.
#[server(endpoint = "tiers/changes", input = Json)]
pub async fn list_tier_changes(moves_only: bool) -> Result<Vec<TierChangeSummary>, AppError> {
    imp::changes(moves_only).await
}

#[cfg(feature = "ssr")]
use crate::server::tiers as imp;
