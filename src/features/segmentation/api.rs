//! Server functions of the segmentation page: classify a period (the page recomputes
//! classes for new thresholds itself, from the ranked totals sent here), save the result
//! as the official tiers, list saved snapshots.
//!
//! A rep classifies their own customers only (the totals of other reps' customers never
//! leave the server); owners and managers the whole company. Only they save snapshots.
use crate::domain::ids::SnapshotId;
use crate::domain::sales::Measure;
use crate::domain::segmentation::{Counts, Thresholds};
use crate::error::AppError;
use crate::wire::FormOrJson;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// What the page asks for, as typed (it comes from the URL).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct SegmentationQuery {
    pub from: String,
    pub to: String,
    /// `sales`, `profit`, `quantity`.
    pub measure: String,
    /// Percents, e.g. `80`.
    pub a: String,
    pub b: String,
}

/// One ranked customer: id, code, name, total (fen or units). A tuple, so 100 000 of them
/// travel as compact JSON arrays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentRow(pub String, pub String, pub String, pub i64);

/// A classification as the page draws it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentationData {
    pub from: String,
    pub to: String,
    pub measure: Measure,
    pub thresholds: Thresholds,
    /// In rank order.
    pub rows: Vec<SegmentRow>,
    /// Classes at `thresholds` (the page recomputes them when the lines are dragged).
    pub counts: Counts,
    /// Only the signed-in rep's customers.
    pub own_customers_only: bool,
}

/// A saved classification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotSummary {
    pub id: SnapshotId,
    pub name: String,
    pub from: String,
    pub to: String,
    pub measure: Measure,
    pub thresholds: Thresholds,
    pub ranked: i64,
    pub counts: Counts,
    pub created_by: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[server(endpoint = "segmentation/classify", input = Json)]
pub async fn classify_customers(query: SegmentationQuery) -> Result<SegmentationData, AppError> {
    imp::classify(query).await
}

/// Saves the classification of `query` as the official tiers (owner, managers).
#[server(endpoint = "segmentation/save", input = FormOrJson)]
pub async fn save_tier_snapshot(
    query: SegmentationQuery,
    name: String,
) -> Result<SnapshotSummary, AppError> {
    imp::save(query, name).await
}

/// The saved snapshots, newest first (owner, managers; a rep gets none).
#[server(endpoint = "segmentation/snapshots", input = Json)]
pub async fn list_tier_snapshots() -> Result<Vec<SnapshotSummary>, AppError> {
    imp::snapshots().await
}

#[cfg(feature = "ssr")]
use crate::server::segmentation as imp;
