//! Server functions of the sales ledger: products (owner and managers edit the
//! catalogue), the ledger list, deleting a typed order's lines (owner and managers;
//! an order document is cancelled on its page instead). Imports are a plain route
//! (`POST /api/sales/import`, raw file body) in `server::files`.
use crate::domain::ids::{BatchId, CustomerId, OrderId, ProductId};
use crate::domain::sales::ProductInput;
use crate::error::AppError;
use crate::wire::FormOrJson;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// A product as lists show it (prices as yuan text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductSummary {
    pub id: ProductId,
    pub sku: String,
    pub name: String,
    pub category: String,
    pub unit: String,
    pub list_price: String,
    pub price_floor: String,
    /// Pieces to a unit; empty: no pack.
    pub pack_size: String,
    pub piece_unit: String,
    /// 成本价 as yuan text; empty for those who may not see costs (reps, drivers).
    pub cost_price: String,
    /// Still sold (a 停售 product takes no new order).
    pub active: bool,
    pub version: i64,
}

impl ProductSummary {
    /// The product as its form starts (cost price empty where it is not shown).
    pub fn input(&self) -> ProductInput {
        ProductInput {
            sku: self.sku.clone(),
            name: self.name.clone(),
            category: self.category.clone(),
            unit: self.unit.clone(),
            list_price: self.list_price.clone(),
            price_floor: self.price_floor.clone(),
            pack_size: self.pack_size.clone(),
            piece_unit: self.piece_unit.clone(),
            cost_price: self.cost_price.clone(),
            active: self.active.to_string(),
        }
    }
}

/// A line of the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineSummary {
    pub order_id: OrderId,
    pub line_no: i64,
    pub order_date: String,
    pub customer_id: CustomerId,
    pub customer_code: String,
    pub customer_name: String,
    pub sku: String,
    pub product_name: String,
    pub quantity: i64,
    /// Yuan text.
    pub amount: String,
    pub profit: String,
    pub rep_name: Option<String>,
    /// The order document the line belongs to (`SO-…`); none for imported lines and
    /// orders typed before order documents existed.
    pub order_number: Option<String>,
}

/// Lines per page of the ledger.
pub const LEDGER_PAGE: i64 = 50;

/// A sales import as the sales page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportBatch {
    pub id: BatchId,
    pub file_name: Option<String>,
    pub lines: i64,
    pub by: Option<String>,
    /// Beijing time, `YYYY-MM-DD HH:MM`.
    pub at: String,
}

/// A page of imports, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ImportBatches {
    pub items: Vec<ImportBatch>,
    pub total: i64,
}

/// Imports per page of the list.
pub const BATCH_PAGE: i64 = 10;

/// The sales imports (owner, managers), newest first.
#[server(endpoint = "sales/batches", input = Json)]
pub async fn list_import_batches(page: u32) -> Result<ImportBatches, AppError> {
    imp::batches(page).await
}

/// Takes an import's lines out of the ledger, whole (owner, managers); answers how many
/// lines went. The tiers computed from then on no longer count them.
#[server(endpoint = "sales/undo_import", input = FormOrJson)]
pub async fn undo_import(id: String) -> Result<u64, AppError> {
    imp::undo_import(id).await
}

#[server(endpoint = "sales/products", input = Json)]
pub async fn list_products() -> Result<Vec<ProductSummary>, AppError> {
    imp::products().await
}

/// Creates a product (`id` empty) or updates one still at `version`.
#[server(endpoint = "sales/save_product", input = FormOrJson)]
pub async fn save_product(
    id: String,
    version: i64,
    input: ProductInput,
) -> Result<ProductSummary, AppError> {
    imp::save_product(id, version, input).await
}

/// Newest lines first, of the customers the user may see; pages of [`LEDGER_PAGE`].
#[server(endpoint = "sales/lines", input = Json)]
pub async fn list_sales_lines(page: u32) -> Result<Vec<LineSummary>, AppError> {
    imp::lines(page).await
}

/// Deletes every line of an order (owner, managers).
#[server(endpoint = "sales/delete_order", input = Json)]
pub async fn delete_order(order_id: String) -> Result<u64, AppError> {
    imp::delete_order(order_id).await
}

#[cfg(feature = "ssr")]
use crate::server::sales as imp;
