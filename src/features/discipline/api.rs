//! Server functions of channel discipline (渠道秩序): violation records (reported by
//! anyone who sees the customer, decided by the owner and managers), the automatic
//! signals to review, and customers' territories. Evidence photos are uploaded to
//! `POST /api/violations/{id}/photos` and served from `/violation-photos/{id}`.
use crate::domain::discipline::{Territory, ViolationInput, ViolationKind, ViolationStatus};
use crate::domain::ids::{CustomerId, ViolationId};
use crate::domain::segmentation::Class;
use crate::error::AppError;
use crate::features::tiers::api::PolicySummary;
use crate::wire::FormOrJson;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// A violation record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViolationSummary {
    pub id: ViolationId,
    pub customer_id: CustomerId,
    pub code: String,
    pub name: String,
    pub tier: Option<Class>,
    pub kind: ViolationKind,
    pub status: ViolationStatus,
    pub occurred_on: String,
    pub product: Option<String>,
    pub place: Option<String>,
    pub description: String,
    /// Fen.
    pub penalty: Option<i64>,
    pub notes: Option<String>,
    pub reported_by: Option<String>,
    pub decided_by: Option<String>,
    pub version: i64,
    pub photos: Vec<String>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// A line sold below its product's floor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BelowFloorSignal {
    pub date: String,
    pub customer_id: CustomerId,
    pub code: String,
    pub name: String,
    pub sku: String,
    pub product: String,
    pub quantity: i64,
    /// Fen.
    pub amount: i64,
    pub floor: i64,
    /// Seen on a shelf during a visit (one unit at the shelf price), not sold.
    pub on_shelf: bool,
}

/// A terminal served by a sub-distributor outside that sub-distributor's territory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TerritorySignal {
    pub terminal_id: CustomerId,
    pub terminal_code: String,
    pub terminal_name: String,
    pub place: String,
    pub sub_id: CustomerId,
    pub sub_code: String,
    pub sub_name: String,
    pub territories: Vec<Territory>,
}

/// Signals for review (never punished automatically).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signals {
    pub from: String,
    pub to: String,
    pub below_floor: Vec<BelowFloorSignal>,
    pub outside_territory: Vec<TerritorySignal>,
}

/// The discipline side of a profile: territories, the tier policy in force, open records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerDiscipline {
    pub territories: Vec<Territory>,
    pub policy: Option<PolicySummary>,
    pub open_violations: usize,
    pub may_edit_territories: bool,
}

/// Violations within the user's scope, newest first. `status` empty: all; `open`.
#[server(endpoint = "discipline/violations", input = Json)]
pub async fn list_violations(status: String) -> Result<Vec<ViolationSummary>, AppError> {
    imp::list(status).await
}

#[server(endpoint = "discipline/report", input = FormOrJson)]
pub async fn report_violation(input: ViolationInput) -> Result<ViolationSummary, AppError> {
    imp::report(input).await
}

/// Moves a record on (owner, managers): confirm, penalise (with the penalty) or dismiss.
#[server(endpoint = "discipline/decide", input = Json)]
pub async fn decide_violation(
    id: String,
    version: i64,
    status: String,
    penalty: String,
    note: String,
) -> Result<ViolationSummary, AppError> {
    imp::decide(id, version, status, penalty, note).await
}

/// Lines below the floor in the last `days` days (1–366; default 31) and terminals
/// outside their sub-distributor's territory.
#[server(endpoint = "discipline/signals", input = Json)]
pub async fn discipline_signals(days: u32) -> Result<Signals, AppError> {
    imp::signals(days).await
}

#[server(endpoint = "discipline/customer", input = Json)]
pub async fn get_customer_discipline(customer_id: String) -> Result<CustomerDiscipline, AppError> {
    imp::customer(customer_id).await
}

/// Replaces a customer's territories (owner, managers): `(district, township)` pairs,
/// township empty for the whole district.
#[server(endpoint = "discipline/territories", input = FormOrJson)]
pub async fn save_territories(
    customer_id: String,
    // a form with every row removed posts none
    #[server(default)] territories: Vec<(String, String)>,
) -> Result<Vec<Territory>, AppError> {
    imp::save_territories(customer_id, territories).await
}

#[cfg(feature = "ssr")]
use crate::server::discipline as imp;
