//! Server functions of orders: take one (office or tablet; priced from the lists),
//! list them, open one, and move it a step (confirm, pick, dispatch, deliver, close,
//! cancel). Everyone who works with customers sees their own customers' orders; owners
//! and managers see all and move them on. A rep may cancel a draft of their own customer.
pub use crate::domain::orders::{OrderInput, OrderLineInput, OrderStatus, Step};
use crate::error::AppError;
use crate::wire::FormOrJson;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// An order as lists show it (amounts as yuan text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderSummary {
    pub id: String,
    pub number: String,
    pub customer_code: String,
    pub customer_name: String,
    pub rep_name: String,
    pub order_date: String,
    pub status: OrderStatus,
    /// `office` or `tablet`.
    pub source: String,
    pub total: String,
    pub version: i64,
}

/// A page of orders.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OrderPage {
    pub items: Vec<OrderSummary>,
    pub total: i64,
}

/// Orders per page of the list.
pub const ORDER_PAGE: i64 = 30;

/// A line of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLineView {
    pub line_no: i64,
    pub sku: String,
    pub product_name: String,
    pub unit: String,
    pub quantity: i64,
    pub unit_price: String,
    pub amount: String,
    /// `base`, `A`, `B`, `C`, `customer` or `manual`.
    pub price_source: String,
    /// A manual price under the floor: who approved it and why.
    pub approved_by: String,
    pub approval_reason: String,
}

/// A step of the order's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderEventView {
    /// `create`, `confirm`, `pick`, `dispatch`, `deliver`, `close` or `cancel`.
    pub step: String,
    pub by: String,
    /// Beijing time, `YYYY-MM-DD HH:MM`.
    pub at: String,
    pub reason: String,
}

/// One order: its lines, total in figures and in capitals (大写), history, and the
/// steps the signed-in user may take now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderDetail {
    pub order: OrderSummary,
    pub customer_phone: String,
    pub customer_address: String,
    pub lines: Vec<OrderLineView>,
    /// 人民币大写, e.g. 壹仟贰佰元整.
    pub total_capital: String,
    pub events: Vec<OrderEventView>,
    pub steps: Vec<Step>,
}

/// Takes an order: a draft, each line at the customer's price on the order's date
/// (owners and managers may type another). Answers the order's id. Errors name fields
/// as `customer_code`, `order_date` and `lines.<n>.<field>`.
#[server(endpoint = "orders/create", input = FormOrJson)]
pub async fn create_order(order: OrderInput) -> Result<String, AppError> {
    let id = imp::create(order).await?;
    // a plain form post (before the script ran) goes on to the order's page
    #[cfg(feature = "ssr")]
    crate::server::context::redirect_plain_form(&format!("/orders/{id}"));
    Ok(id)
}

/// The orders the user may see, newest first, of one status (`""`: all) and one
/// customer (its id; `""`: all); pages of [`ORDER_PAGE`].
#[server(endpoint = "orders/list", input = Json)]
pub async fn list_orders(
    status: String,
    #[server(default)] customer: String,
    page: u32,
) -> Result<OrderPage, AppError> {
    imp::list(status, customer, page).await
}

/// One order the user may see.
#[server(endpoint = "orders/get", input = Json)]
pub async fn get_order(id: String) -> Result<OrderDetail, AppError> {
    imp::detail(id).await
}

/// Moves an order one step, from the `version` the user saw; another user's step in
/// between is told (`Conflict::OrderMoved`), never repeated.
#[server(endpoint = "orders/step", input = FormOrJson)]
pub async fn step_order(
    id: String,
    version: i64,
    step: Step,
    #[server(default)] reason: String,
) -> Result<OrderDetail, AppError> {
    imp::step(id, version, step, reason).await
}

#[cfg(feature = "ssr")]
use crate::server::orders as imp;
