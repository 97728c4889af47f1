//! Server functions of the price lists: the entries (paged, by product), adding and
//! deleting one (owner, managers), and a customer's prices on a day.
use crate::domain::ids::ProductId;
use crate::domain::pricing::PriceInput;
use crate::error::AppError;
use crate::wire::FormOrJson;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// An entry of a price list as the page shows it (amounts as yuan text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceLine {
    pub id: String,
    pub sku: String,
    pub product_name: String,
    pub unit: String,
    /// `base`, `A`, `B`, `C` or `customer`.
    pub scope: String,
    pub customer_code: String,
    pub customer_name: String,
    pub valid_from: String,
    /// Empty: until a newer entry replaces it.
    pub valid_until: String,
    pub price: String,
    /// Under the product's floor today (approved when it was saved).
    pub under_floor: bool,
    pub approved_by: String,
    pub approval_reason: String,
}

/// A product a filter or a form offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductOption {
    pub id: ProductId,
    pub sku: String,
    pub name: String,
    pub active: bool,
}

/// A page of entries, and the products to filter by.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PricePage {
    pub items: Vec<PriceLine>,
    pub total: i64,
    pub products: Vec<ProductOption>,
}

/// Entries per page of the list.
pub const PRICE_PAGE: i64 = 50;

/// One product's price for a customer on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerPrice {
    pub sku: String,
    pub name: String,
    pub unit: String,
    /// Yuan text; empty when no entry is in effect (the product cannot be ordered).
    pub price: String,
    /// Where it comes from: `base`, `A`, `B`, `C` or `customer`; empty without a price.
    pub scope: String,
    /// The first day of that entry.
    pub from: String,
}

/// A customer's prices on a day, for every product on sale.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PriceSheet {
    pub customer_code: String,
    pub customer_name: String,
    /// `A`, `B`, `C`, or empty when not classified.
    pub tier: String,
    pub day: String,
    pub items: Vec<CustomerPrice>,
}

/// The entries the user may see, of one product (`product` a SKU) or all; pages of
/// [`PRICE_PAGE`].
#[server(endpoint = "pricing/list", input = Json)]
pub async fn list_prices(product: String, page: u32) -> Result<PricePage, AppError> {
    imp::list(product, page).await
}

/// Adds an entry (owner, managers); answers its id. Errors name the fields of
/// [`PriceInput`].
#[server(endpoint = "pricing/save", input = FormOrJson)]
pub async fn save_price(input: PriceInput) -> Result<String, AppError> {
    imp::save(input).await
}

/// Deletes an entry (owner, managers). Orders keep the prices they were taken at.
#[server(endpoint = "pricing/delete", input = FormOrJson)]
pub async fn delete_price(id: String) -> Result<(), AppError> {
    imp::delete(id).await
}

/// The price sheet of `customer_code` (one the user may see) on `day` (`YYYY-MM-DD`; empty:
/// today in Beijing).
#[server(endpoint = "pricing/customer", input = Json)]
pub async fn get_price_sheet(customer_code: String, day: String) -> Result<PriceSheet, AppError> {
    imp::for_customer(customer_code, day).await
}

#[cfg(feature = "ssr")]
use crate::server::pricing as imp;
