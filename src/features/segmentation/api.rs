//! Server functions of the segmentation page: classify a period (the page recomputes
//! classes for new thresholds itself, from the ranked totals sent here), save the result
//! as the official tiers, list saved snapshots.
//!
//! A rep classifies their own customers only (the totals of other reps' customers never
//! leave the server); owners and managers the whole company. Only they save snapshots.
use crate::domain::ids::SnapshotId;
use crate::domain::sales::Measure;
use crate::domain::segmentation::{Counts, RankedTotals, Thresholds};
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

/// One ranked customer: id, code, name, total (fen or units).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentRow(pub String, pub String, pub String, pub i64);

/// Which data a classification was made from: the company's sales and customers
/// revisions (a rep's scope is a column of the customers). Rows asked for later with the
/// same stamp are rows of the same ranking.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassificationStamp {
    pub sales: i64,
    pub customers: i64,
}

/// Rows in a page of the ranking's table.
pub const TABLE_PAGE: usize = 50;

/// Rows the table asks for at most at once.
pub const MAX_ROWS: u32 = 200;

/// A classification as the page draws it: every total (the chart and the classes need
/// them all) but only the first page of the table's codes and names — the table asks for
/// the others as it pages ([`classification_rows`]), so 100 000 customers cost the page
/// their totals, not their names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentationData {
    pub from: String,
    pub to: String,
    pub measure: Measure,
    pub thresholds: Thresholds,
    /// Every ranked customer's total, in rank order.
    pub totals: RankedTotals,
    /// The first rows of the ranking (at most a table page).
    pub first: Vec<SegmentRow>,
    pub stamp: ClassificationStamp,
    /// Classes at `thresholds` (the page recomputes them when the lines are dragged).
    pub counts: Counts,
    /// Only the signed-in rep's customers.
    pub own_customers_only: bool,
}

/// Rows `start..` of a classification's ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentRows {
    pub start: u32,
    pub rows: Vec<SegmentRow>,
    /// When it differs from the page's, the ranking has changed since the page was drawn.
    pub stamp: ClassificationStamp,
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

/// Rows `start .. start + count` (at most [`MAX_ROWS`]) of the ranking of `query`, in
/// the same scope as [`classify_customers`].
#[server(endpoint = "segmentation/rows", input = Json)]
pub async fn classification_rows(
    query: SegmentationQuery,
    start: u32,
    count: u32,
) -> Result<SegmentRows, AppError> {
    imp::rows(query, start, count).await
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
