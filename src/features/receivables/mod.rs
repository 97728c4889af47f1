//! Receivables (应收账款) and collections (回款): every delivered order is an invoice due
//! after the customer's credit days (tier policy); payments by cash, transfer, WeChat or
//! Alipay are allocated to invoices oldest due first or by hand, the rest kept as the
//! customer's credit; the aging report (0–30, 31–60, 61–90, > 90 days) per customer,
//! per rep and for the company, exported to Excel; the dashboard's overdue tile. A rep
//! sees and records their own customers' only.
pub mod aging_page;
pub mod api;
pub mod components;
pub mod statement_page;
