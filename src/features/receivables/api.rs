//! Server functions of receivables (应收) and collections (回款): the aging report of
//! the user's scope, a customer's statement (open invoices, latest invoices and
//! payments, credit) with a fresh key for its payment form, and recording a payment.
//! Everyone who works with customers: a rep their own customers only.
use crate::domain::money::Money;
pub use crate::domain::receivables::{Aging, AllocationInput, PaymentInput, PaymentMethod};
use crate::error::AppError;
use crate::wire::FormOrJson;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// Customers per page of the aging report.
pub const AGING_PAGE: i64 = 50;

/// One customer's open balance by age.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerAging {
    pub id: String,
    pub code: String,
    pub name: String,
    pub rep_name: String,
    pub aging: Aging,
}

/// One rep's customers' open balances by age (an empty name: customers without a rep).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepAging {
    pub rep_name: String,
    /// How many of their customers owe something.
    pub customers: i64,
    pub aging: Aging,
}

/// The aging report on a day (Beijing): the total of the user's scope, per rep, and a
/// page of the customers owing, the most overdue first.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AgingReport {
    pub on: String,
    pub total: Aging,
    pub reps: Vec<RepAging>,
    pub customers: Vec<CustomerAging>,
    /// How many customers owe something (the pages of `customers`).
    pub owing: i64,
}

/// The dashboard's tile: more than 30 days past due, and the five customers owing most.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Overdue {
    pub total: Aging,
    pub top: Vec<CustomerAging>,
}

/// An invoice (one per delivered order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceView {
    pub id: String,
    pub order_id: String,
    pub order_number: String,
    pub issued_on: String,
    pub due_on: String,
    pub amount: Money,
    pub paid: Money,
    /// Days past due today (0: not yet due).
    pub days_late: i64,
}

impl InvoiceView {
    pub fn balance(&self) -> Money {
        Money(self.amount.0 - self.paid.0)
    }
}

/// A payment and where its money went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentView {
    pub id: String,
    pub paid_on: String,
    pub method: PaymentMethod,
    pub reference: String,
    pub amount: Money,
    /// Still the customer's credit.
    pub unallocated: Money,
    pub note: String,
    pub recorded_by: String,
    /// The order numbers it paid, comma-separated.
    pub to_orders: String,
    /// Set once a manager voided it: it pays nothing and is kept for the record.
    pub voided: Option<VoidView>,
}

/// Who voided a payment, when (Beijing, `YYYY-MM-DD HH:MM`) and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoidView {
    pub by: String,
    pub at: String,
    pub reason: String,
}

/// A customer's account: what is open by age, the credit kept, open invoices, the
/// latest invoices and payments, and the key for one new payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerStatement {
    pub customer_id: String,
    pub code: String,
    pub name: String,
    pub aging: Aging,
    pub credit: Money,
    pub open: Vec<InvoiceView>,
    pub invoices: Vec<InvoiceView>,
    pub payments: Vec<PaymentView>,
    /// Credit control's releases for this customer, newest first.
    pub releases: Vec<ReleaseView>,
    /// Today (Beijing), the latest day a payment may be dated.
    pub today: String,
    pub payment_key: String,
    /// The user may void a payment (managers and the owner).
    pub may_void: bool,
}

/// A confirmation a manager released past credit control, with the figures they saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseView {
    pub order_id: String,
    pub order_number: String,
    pub by: String,
    /// Beijing time, `YYYY-MM-DD HH:MM`.
    pub at: String,
    pub reason: String,
    pub check: crate::domain::receivables::CreditCheck,
}

/// What a recorded payment did: `(order number, amount)` paid, and what was kept as
/// credit. `resent`: this form was recorded before; nothing new stored.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PaymentOutcome {
    pub resent: bool,
    pub customer_id: String,
    pub allocated: Vec<(String, Money)>,
    pub unallocated: Money,
}

/// The aging report of the user's scope; `page` of its customers (from 1).
#[server(endpoint = "receivables/aging", input = Json)]
pub async fn get_aging(page: u32) -> Result<AgingReport, AppError> {
    imp::report(page).await
}

/// One customer's statement (the customer's id).
#[server(endpoint = "receivables/statement", input = Json)]
pub async fn get_statement(customer: String) -> Result<CustomerStatement, AppError> {
    imp::statement(customer).await
}

/// Records a payment (回款): oldest due first unless amounts are given per invoice; what
/// is left stays as the customer's credit. Errors name `customer_code`, `paid_on`,
/// `method`, `reference`, `amount`, `note` and `allocations.<n>.amount`.
#[server(endpoint = "receivables/pay", input = FormOrJson)]
pub async fn record_payment(payment: PaymentInput) -> Result<PaymentOutcome, AppError> {
    let out = imp::record(payment).await?;
    // a plain form post (before the script ran) goes back to the customer's account
    #[cfg(feature = "ssr")]
    if !out.customer_id.is_empty() {
        crate::server::context::redirect_plain_form(&format!("/receivables/{}", out.customer_id));
    }
    Ok(out)
}

/// Voids a payment recorded by mistake (managers): the invoices it paid are open again,
/// the credit it left is gone, its reference is free; it stays on the account marked
/// voided with the reason. Errors name `reason`; a payment voided already is a conflict.
/// Answers the customer's id.
#[server(endpoint = "receivables/void", input = FormOrJson)]
pub async fn void_payment(payment: String, reason: String) -> Result<String, AppError> {
    let customer = imp::void(payment, reason).await?;
    // a plain form post (before the script ran) goes back to the customer's account
    #[cfg(feature = "ssr")]
    crate::server::context::redirect_plain_form(&format!("/receivables/{customer}"));
    Ok(customer)
}

#[cfg(feature = "ssr")]
use crate::server::receivables as imp;
